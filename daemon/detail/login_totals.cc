#include "daemon/detail/login_totals.h"

#include <algorithm>
#include <chrono>

namespace sfwarden::daemon::detail {

void LoginTotals::Add(const LoginRecord& login) {
  ++counts_[{login.username, login.outcome, login.type}];
  if (login.outcome == "success") {
    auto [it, inserted] = last_success_ms_.try_emplace(login.username, login.time_ms);
    if (!inserted) it->second = std::max(it->second, login.time_ms);
  }
  if (login.ip.empty()) return;
  // seen_ips keeps whole seconds of LoginTime.
  const std::int64_t seen =
      std::chrono::floor<std::chrono::seconds>(std::chrono::milliseconds(login.time_ms)).count();
  auto [it, inserted] =
      ips_.try_emplace({login.username, login.ip},
                       IpTotal{.country = {}, .first_seen = seen, .last_seen = seen, .count = 0});
  IpTotal& total = it->second;
  if (!inserted) {
    total.first_seen = std::min(total.first_seen, seen);
    total.last_seen = std::max(total.last_seen, seen);
  }
  ++total.count;
  if (!login.country.empty()) total.country = login.country;
}

}  // namespace sfwarden::daemon::detail
