#pragma once
// The metrics of the collectors: families registered once per registry (CollectorFamilies)
// and the children of one org (OrgMetrics), which an org monitor owns. docs/metrics.md
// lists every metric.

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "collectors/observations.h"
#include "daemon/user_series.h"

namespace sfwarden::daemon {

class StateStore;

/// Every family the org monitors export: those with a few series per org registered in
/// `registry` at construction, the per-user ones in `user_series` (borrowed; both are
/// DaemonMetrics'). Lives as long as the registry's users (the daemon's Runtime); shared
/// by all orgs. The registry is thread-safe; everything else runs on the io_context thread.
struct CollectorFamilies {
  CollectorFamilies(prometheus::Registry& registry, UserSeries& user_series);
  CollectorFamilies(const CollectorFamilies&) = delete;
  CollectorFamilies& operator=(const CollectorFamilies&) = delete;

  prometheus::Family<prometheus::Gauge>& collector_success;
  prometheus::Family<prometheus::Gauge>& collector_duration;
  prometheus::Family<prometheus::Gauge>& collector_last_success;
  prometheus::Family<prometheus::Gauge>& poll_interval;
  prometheus::Family<prometheus::Gauge>& budget_calls;
  prometheus::Family<prometheus::Gauge>& planned_calls;
  prometheus::Family<prometheus::Counter>& api_calls;
  prometheus::Family<prometheus::Gauge>& api_calls_last;
  prometheus::Family<prometheus::Counter>& permission_reads;
  prometheus::Family<prometheus::Gauge>& limit_max;
  prometheus::Family<prometheus::Gauge>& limit_remaining;
  prometheus::Family<prometheus::Gauge>& app_limit_max;
  prometheus::Family<prometheus::Gauge>& app_limit_remaining;
  prometheus::Family<prometheus::Gauge>& api_used_ratio;
  prometheus::Family<prometheus::Gauge>& latest_hour_start;
  prometheus::Family<prometheus::Counter>& log_files;
  prometheus::Family<prometheus::Counter>& audit_entries;
  prometheus::Family<prometheus::Counter>& internal_errors;
  // Enforcement (issue 6; docs/metrics.md).
  prometheus::Family<prometheus::Counter>& remediations;
  prometheus::Family<prometheus::Gauge>& enforcement_paused;
  prometheus::Family<prometheus::Gauge>& journal_pending;
  UserSeries& user_series;
};

/// The metric children of one org. Creates what it needs lazily, restores the login
/// counters and per-user aggregates from the state store at construction, and removes
/// every child it created when destroyed (a removed or restarted org leaves no stale
/// series). Label values are the org name, configured usernames and bounded sets only.
/// Borrows `families`; io_context thread only.
class OrgMetrics {
 public:
  OrgMetrics(CollectorFamilies& families, std::string org, std::vector<std::string> usernames,
             StateStore& store);
  ~OrgMetrics();
  OrgMetrics(const OrgMetrics&) = delete;
  OrgMetrics& operator=(const OrgMetrics&) = delete;

  /// One source read (a poll source or "permissions"): success, duration, last success.
  void SourceRead(std::string_view source, bool success, std::chrono::duration<double> duration);
  void PollInterval(std::string_view source, std::chrono::duration<double> interval);
  void Budget(std::optional<double> budget_calls_per_day, double planned_calls_per_day);
  /// `operation`: "poll" or "permission_read".
  void ApiCalls(std::string_view operation, int calls);
  /// `trigger`: "start", "audit_trail" or "full_reconcile".
  void PermissionRead(std::string_view trigger);

  void Login(const collectors::LoginObservation& login);
  void SeenIps(std::string_view username, std::int64_t ips, std::int64_t countries);
  void Limits(const salesforce::Limits& limits);
  void UserApiCalls(const std::map<std::string, std::int64_t>& today,
                    const std::map<std::string, std::int64_t>& previous_day);
  /// Calls per user in the newest hour an Hourly ApiTotalUsage file was taken for
  /// (`hour_start`); nothing is exported for an org without hourly files.
  void UserApiCallsLatestHour(std::chrono::system_clock::time_point hour_start,
                              const std::map<std::string, std::int64_t>& calls);
  /// One ActivityWithoutLoginObservation of `username`.
  void ActivityWithoutLogin(std::string_view username);
  void LogFileTaken(std::string_view interval);
  void OAuthTokens(std::string_view username, std::int64_t count);
  void OAuthTokenIssued(std::string_view username);
  void Permissions(const collectors::PermissionSnapshot& snapshot,
                   const std::map<std::string, std::int64_t>& missing_by_user);
  void AuditEntry(std::string_view section, bool watched);

  /// The drift of the last comparison: (user, kind) -> items; user "" for org-level
  /// items. Series of an earlier comparison that are not in `items` drop to 0.
  void Drift(const std::map<std::pair<std::string, std::string>, int>& items);
  /// One journaled write's outcome (`result`: remediation::ToString(StepOutcome)).
  void Remediation(std::string_view kind, std::string_view result);
  void Enforcement(std::int64_t paused_items, std::int64_t journal_pending);

 private:
  using Labels = std::map<std::string, std::string>;
  template <typename T>
  T& Child(prometheus::Family<T>& family, Labels labels);

  CollectorFamilies& families_;
  std::string org_;
  UserSeries::Org& users_;  // this org's per-user series, removed with it
  // Every child created, for removal: (family, child).
  std::vector<std::pair<prometheus::Family<prometheus::Gauge>*, prometheus::Gauge*>> gauges_;
  std::vector<std::pair<prometheus::Family<prometheus::Counter>*, prometheus::Counter*>> counters_;
  std::map<std::pair<void*, Labels>, void*> children_;          // (family, labels) -> child
  std::set<std::pair<std::string, std::string>> drift_series_;  // (user, kind) ever set
};

}  // namespace sfwarden::daemon
