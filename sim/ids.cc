#include "sim/ids.h"

#include <cctype>

namespace sfwarden::sim {
namespace {
constexpr std::string_view kBase62 =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
constexpr std::string_view kChecksumAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
}  // namespace

std::string IdChecksum(std::string_view id15) {
  std::string suffix;
  for (int chunk = 0; chunk < 3; ++chunk) {
    unsigned flags = 0;
    for (int i = 0; i < 5; ++i) {
      char c = id15[chunk * 5 + i];
      if (c >= 'A' && c <= 'Z') flags |= 1u << i;
    }
    suffix += kChecksumAlphabet[flags];
  }
  return suffix;
}

std::string MakeId(std::string_view prefix, std::uint64_t sequence) {
  std::string digits(10, '0');
  for (int i = 9; i >= 0 && sequence > 0; --i) {
    digits[i] = kBase62[sequence % 62];
    sequence /= 62;
  }
  std::string id = std::string(prefix.substr(0, 3)) + "5g" + digits;
  return id + IdChecksum(id);
}

std::optional<std::string> NormalizeId(std::string_view id) {
  if (id.size() != 15 && id.size() != 18) return std::nullopt;
  for (char c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c))) return std::nullopt;
  }
  std::string base(id.substr(0, 15));
  std::string full = base + IdChecksum(base);
  if (id.size() == 18 && id.substr(15) != full.substr(15)) {
    // Salesforce accepts the 18-character form case-insensitively; the suffix must still
    // agree with the base.
    for (int i = 15; i < 18; ++i) {
      if (std::toupper(static_cast<unsigned char>(id[i])) != full[i]) return std::nullopt;
    }
  }
  return full;
}

}  // namespace sfwarden::sim
