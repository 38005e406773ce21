#include "daemon/login_records.h"

#include <string>

namespace sfwarden::daemon {

std::vector<LoginRecord> ToLoginRecords(const std::vector<collectors::LoginObservation>& logins) {
  std::vector<LoginRecord> records;
  records.reserve(logins.size());
  for (const auto& l : logins) {
    records.push_back({.id = l.id,
                       .username = l.username,
                       .time_ms = l.time.time_since_epoch().count(),
                       .ip = l.source_ip,
                       .country = l.country_iso,
                       .outcome = std::string(collectors::ToString(l.outcome)),
                       .type = std::string(collectors::ToString(l.kind))});
  }
  return records;
}

}  // namespace sfwarden::daemon
