#pragma once
// What a batch of new LoginHistory rows adds to the state store's per-user tables
// (login_counts, last_logins, seen_ips), summed per key: a 2,000-row page touches a few
// hundred keys, so the store writes each key once per batch instead of once per row.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>
#include <unordered_map>

#include "daemon/state_store.h"

namespace sfwarden::daemon::detail {

/// Sums of the rows passed to Add(). Every view borrows from the LoginRecords added, which
/// must outlive the totals. One batch, one thread.
class LoginTotals {
 public:
  struct CountKey {
    std::string_view username, outcome, type;
    bool operator==(const CountKey&) const = default;
  };
  struct IpKey {
    std::string_view username, ip;
    bool operator==(const IpKey&) const = default;
  };
  /// What the rows of one user from one IP add to its seen_ips row.
  struct IpTotal {
    std::string_view country;     // the last non-empty one, in row order; "" when none
    std::int64_t first_seen = 0;  // seconds since the epoch (LoginTime, whole seconds)
    std::int64_t last_seen = 0;
    std::int64_t count = 0;
  };

  /// Adds one new row (one not seen before).
  void Add(const LoginRecord& login);

  /// Logins per user/outcome/type.
  const auto& counts() const { return counts_; }
  /// Newest successful LoginTime (ms since the epoch) per user.
  const auto& last_success_ms() const { return last_success_ms_; }
  /// Per user and source IP (rows with an empty IP are not counted here).
  const auto& ips() const { return ips_; }

 private:
  struct Hash {
    static std::size_t Mix(std::size_t seed, std::string_view s) {
      return seed ^
             (std::hash<std::string_view>{}(s) + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2));
    }
    std::size_t operator()(const CountKey& k) const {
      return Mix(Mix(Mix(0, k.username), k.outcome), k.type);
    }
    std::size_t operator()(const IpKey& k) const { return Mix(Mix(0, k.username), k.ip); }
  };

  std::unordered_map<CountKey, std::int64_t, Hash> counts_;
  std::unordered_map<std::string_view, std::int64_t> last_success_ms_;
  std::unordered_map<IpKey, IpTotal, Hash> ips_;
};

}  // namespace sfwarden::daemon::detail
