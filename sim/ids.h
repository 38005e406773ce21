#pragma once
// Salesforce record Ids: 15-character case-sensitive base plus the 3-character
// case-safe checksum suffix that makes the 18-character form.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sfwarden::sim {

/// Builds an 18-character Id from a 3-character key prefix and a sequence number,
/// e.g. MakeId("005", 1) == "0055g0000000001AAA" (the "5g" pod part is fixed).
std::string MakeId(std::string_view prefix, std::uint64_t sequence);

/// The 3-character suffix for a 15-character Id. Each 5-character chunk yields one
/// character: bit i is set when chunk[i] is an upper-case letter, and the 5-bit value
/// indexes "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345" (the documented 15→18 conversion,
/// e.g. Apex Id.to15()/casesafeid(); also implemented by simple-salesforce's format helpers).
std::string IdChecksum(std::string_view id15);

/// Normalises a 15- or 18-character Id to its 18-character form; nullopt when the text
/// is not a well-formed Id (wrong length, characters outside [0-9A-Za-z], or an
/// 18-character Id whose suffix does not match its first 15 characters).
std::optional<std::string> NormalizeId(std::string_view id);

}  // namespace sfwarden::sim
