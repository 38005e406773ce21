#pragma once
// UTC offsets of an IANA time zone, read from the system's compiled zone files (TZif,
// RFC 8536) in /usr/share/zoneinfo, for the login-hours rule.
//
// Why not std::chrono::locate_zone/zoned_time: GCC 12's libstdc++ (Debian 12) does not
// have the C++20 time zone database (it arrived in GCC 13). This reader takes the 64-bit
// transition table (TZif version 2+) and nothing else. Past the last transition in the
// file it keeps the last offset: Debian's tzdata ships "fat" files with transitions
// listed up to 2037, so that only matters for dates beyond that.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <tl/expected.hpp>
#include <vector>

namespace sfwarden::alerts {

/// An IANA zone's offset history. A plain value: load once (blocking file I/O, at config
/// time), then copy and query freely from any thread.
class TimeZone {
 public:
  /// UTC (offset 0 at every instant).
  TimeZone() = default;
  static TimeZone Utc() { return TimeZone(); }
  /// Reads `dir`/`name` ("Europe/Paris", "UTC"); on failure returns a one-line reason
  /// (no such zone, not a TZif file, a name trying to leave `dir`).
  static tl::expected<TimeZone, std::string> Load(
      std::string_view name, const std::filesystem::path& dir = "/usr/share/zoneinfo");
  /// Parses the content of a TZif file (what Load reads).
  static tl::expected<TimeZone, std::string> Parse(std::string_view name, std::string_view tzif);

  const std::string& name() const { return name_; }
  /// Offset from UTC in force at `t` (local = UTC + offset).
  std::chrono::seconds OffsetAt(std::chrono::sys_seconds t) const;
  /// Wall-clock time in this zone at `t`.
  std::chrono::local_seconds ToLocal(std::chrono::sys_seconds t) const;

 private:
  std::string name_ = "UTC";
  std::vector<std::int64_t> transitions_;  // seconds since the epoch, ascending
  std::vector<std::int32_t> offsets_;      // offset in force from transitions_[i] on
  std::int32_t initial_offset_ = 0;        // before the first transition
};

}  // namespace sfwarden::alerts
