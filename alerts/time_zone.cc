#include "alerts/time_zone.h"

#include <date/tz.h>

#include <algorithm>
#include <cctype>
#include <exception>

namespace sfwarden::alerts {

tl::expected<TimeZone, std::string> TimeZone::Load(std::string_view name) {
  // IANA names are Area/Location made of letters, digits, '_', '-', '+' and '/'.
  const bool well_formed =
      !name.empty() && name.front() != '/' && name.back() != '/' &&
      std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' ||
               c == '+' || c == '/';
      });
  if (!well_formed) return tl::unexpected("'" + std::string(name) + "' is not an IANA time zone name");
  TimeZone zone;
  zone.name_ = std::string(name);
  try {
    zone.zone_ = date::locate_zone(name);
  } catch (const std::exception&) {
    // Also when the database itself cannot be read (tzdata not installed).
    return tl::unexpected("unknown time zone '" + std::string(name) + "'");
  }
  return zone;
}

std::chrono::seconds TimeZone::OffsetAt(std::chrono::sys_seconds t) const {
  if (zone_ == nullptr) return std::chrono::seconds(0);
  return zone_->get_info(t).offset;
}

std::chrono::local_seconds TimeZone::ToLocal(std::chrono::sys_seconds t) const {
  return std::chrono::local_seconds(t.time_since_epoch() + OffsetAt(t));
}

}  // namespace sfwarden::alerts
