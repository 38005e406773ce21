#pragma once
// The per-user metric families (labels `org` and `user`) of every watched org, held as
// compact tables and written straight into the exposition text. They are the only series
// whose number grows with the watched users (9 or more per user), so they do not go
// through prometheus-cpp: its registry keeps a Counter/Gauge object and a label map per
// series (about 600 B), copies every series with its labels on each scrape, and removes a
// child with a linear search (removing an org's 9,000 children took over a minute at 10
// orgs). docs/metrics.md lists the families; names, labels and values are unchanged.

#include <prometheus/metric_family.h>

#include <array>
#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sfwarden::daemon {

/// The families with one series per (org, user).
enum class UserMetric : std::uint8_t {
  kLastSuccessfulLogin,
  kSourceIps,
  kCountries,
  kApiCallsToday,
  kApiCallsPreviousDay,
  kApiCallsLatestHour,
  kActivityWithoutLogin,
  kOAuthTokens,
  kOAuthTokensIssued,
  kFound,
  kActive,
  kFrozen,
  kPermissionSets,
  kBaselineMissing,
};
inline constexpr std::size_t kUserMetrics = 14;

/// Every org's per-user series, plus `sfwarden_logins_total` (org, user, outcome, type)
/// and `sfwarden_drift_items` (org, user, kind). A series exists from its first Set/Add
/// (or Touch) until its org is removed, as a prometheus-cpp child would. Owned by
/// DaemonMetrics, which serves it with the registry; thread-safe (one mutex), though the
/// daemon uses it from the io_context thread only.
class UserSeries {
 public:
  class Org;

  UserSeries() = default;
  UserSeries(const UserSeries&) = delete;
  UserSeries& operator=(const UserSeries&) = delete;

  /// A table for `org` with its configured users (others get a row on first use). The
  /// reference stays valid until RemoveOrg.
  Org& AddOrg(std::string org, const std::vector<std::string>& usernames);
  /// Drops the org's table and so all its series; `org` must come from AddOrg.
  void RemoveOrg(Org& org);

  /// Appends every family (HELP, TYPE, then its series org by org) in text format 0.0.4,
  /// byte for byte what prometheus::TextSerializer writes for the same series.
  void AppendText(std::string& out) const;
  /// The same series as prometheus-cpp structures (tests; anything that wants them).
  std::vector<prometheus::MetricFamily> Collect() const;

  /// One org's table. Methods lock the owning UserSeries.
  class Org {
   public:
    Org(UserSeries& owner, std::string name, const std::vector<std::string>& usernames);
    Org(const Org&) = delete;
    Org& operator=(const Org&) = delete;

    void Set(std::string_view user, UserMetric metric, double value);
    /// Sets the value only if it is larger than the current one (or the series is new).
    void SetMax(std::string_view user, UserMetric metric, double value);
    /// For counters: creates the series at 0 and adds `delta`.
    void Add(std::string_view user, UserMetric metric, double delta);
    void Touch(std::string_view user, UserMetric metric) { Add(user, metric, 0); }
    void AddLogins(std::string_view user, std::string_view outcome, std::string_view type,
                   double delta);
    void SetDrift(std::string_view user, std::string_view kind, double value);
    /// Sets `metric` of every configured user (not the others) to `value(username)`.
    void SetConfigured(UserMetric metric, const std::function<double(const std::string&)>& value);
    /// The value of a series; nullopt when it does not exist.
    std::optional<double> Get(std::string_view user, UserMetric metric) const;

   private:
    friend class UserSeries;
    struct LoginCount {
      std::uint16_t outcome;  // index into UserSeries::interned_
      std::uint16_t type;
      double count;
    };
    struct Row {
      std::array<double, kUserMetrics> values{};
      std::uint16_t present = 0;  // bit i: the series of UserMetric i exists
      std::vector<LoginCount> logins{};
    };
    Row& RowOf(std::string_view user);  // with the owner's mutex held
    const Row* FindRow(std::string_view user) const;

    UserSeries& owner_;
    std::string name_;
    std::vector<std::string> usernames_;  // row i's user: configured first, then others
    std::size_t configured_ = 0;          // how many of usernames_ are configured
    std::vector<Row> rows_;
    std::vector<std::uint32_t> by_name_;  // row indexes sorted by username (lookup)
    std::map<std::pair<std::string, std::string>, double> drift_;  // (user, kind)
  };

 private:
  std::uint16_t Intern(std::string_view value);  // with mutex_ held

  mutable std::mutex mutex_;
  std::list<Org> orgs_;                // in the order they were added
  std::vector<std::string> interned_;  // login outcome and type label values
};

}  // namespace sfwarden::daemon
