#pragma once
// UTC offsets of an IANA time zone, for the login-hours rule.
//
// GCC 12's libstdc++ (Debian 12) has no C++20 time zone database (std::chrono::
// locate_zone arrived in GCC 13), so this wraps Howard Hinnant's date library (Debian's
// libhowardhinnant-date-dev / libdate-tz3), the library that part of C++20 was
// standardised from. Debian builds it with USE_OS_TZDB: it reads the system's tzdata in
// /usr/share/zoneinfo, the same files the rest of the system uses.

#include <chrono>
#include <string>
#include <string_view>
#include <tl/expected.hpp>

namespace date {
class time_zone;
}

namespace sfwarden::alerts {

/// An IANA zone. A small value that refers to the process-wide time zone database
/// (loaded once, on first use, then read-only): copy and query it from any thread.
class TimeZone {
 public:
  /// UTC (offset 0 at every instant).
  TimeZone() = default;
  static TimeZone Utc() { return TimeZone(); }
  /// Looks `name` up ("Europe/Paris", "UTC"); on failure returns a one-line reason.
  static tl::expected<TimeZone, std::string> Load(std::string_view name);

  const std::string& name() const { return name_; }
  /// Offset from UTC in force at `t` (local = UTC + offset).
  std::chrono::seconds OffsetAt(std::chrono::sys_seconds t) const;
  /// Wall-clock time in this zone at `t`.
  std::chrono::local_seconds ToLocal(std::chrono::sys_seconds t) const;

 private:
  std::string name_ = "UTC";
  const date::time_zone* zone_ = nullptr;  // nullptr: UTC
};

}  // namespace sfwarden::alerts
