#include "daemon/collector_metrics.h"

#include <chrono>

#include "daemon/state_store.h"

namespace sfwarden::daemon {
namespace {

// HELP texts say the values are cached: sfwarden reads Salesforce on its own schedule,
// not at scrape time (CONVENTIONS.md §0.7).
prometheus::Family<prometheus::Gauge>& Gauge(prometheus::Registry& r, const char* name,
                                             const char* help) {
  return prometheus::BuildGauge().Name(name).Help(help).Register(r);
}
prometheus::Family<prometheus::Counter>& Counter(prometheus::Registry& r, const char* name,
                                                 const char* help) {
  return prometheus::BuildCounter().Name(name).Help(help).Register(r);
}

// For UserSeries::Org::SetConfigured: the user's count in `values`, 0 when absent.
auto ValueOr0(const std::map<std::string, std::int64_t>& values) {
  return [&values](const std::string& user) {
    auto it = values.find(user);
    return it == values.end() ? 0.0 : static_cast<double>(it->second);
  };
}

double NowSeconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

CollectorFamilies::CollectorFamilies(prometheus::Registry& r, UserSeries& users)
    : collector_success(Gauge(r, "sfwarden_collector_success",
                              "Whether the last read of a source succeeded (1) or failed (0).")),
      collector_duration(Gauge(r, "sfwarden_collector_duration_seconds",
                               "How long the last read of a source took.")),
      collector_last_success(Gauge(r, "sfwarden_collector_last_success_timestamp_seconds",
                                   "When a source was last read successfully.")),
      poll_interval(Gauge(r, "sfwarden_poll_interval_seconds",
                          "The interval a source is read at now: the configured one, or "
                          "longer when the API budget requires it.")),
      budget_calls(Gauge(r, "sfwarden_api_budget_calls_per_day",
                         "API calls per day sfwarden may spend on the org (max_daily_share "
                         "of DailyApiRequests, less near the stop_below_remaining floor).")),
      planned_calls(Gauge(r, "sfwarden_api_planned_calls_per_day",
                          "API calls per day the current schedule is estimated to spend.")),
      api_calls(Counter(r, "sfwarden_collector_api_calls_total",
                        "Salesforce API calls spent by polls and permission reads.")),
      api_calls_last(Gauge(r, "sfwarden_collector_api_calls_last",
                           "Salesforce API calls the last poll or permission read cost.")),
      permission_reads(Counter(r, "sfwarden_permission_reads_total",
                               "Full permission reads started, by what triggered them.")),
      limit_max(Gauge(r, "sfwarden_org_limit_max",
                      "Maximum of an org limit, from /limits. Cached from polls.")),
      limit_remaining(Gauge(r, "sfwarden_org_limit_remaining",
                            "Remaining amount of an org limit, from /limits. Cached from polls.")),
      app_limit_max(Gauge(r, "sfwarden_org_app_limit_max",
                          "Per-connected-app maximum of an org limit, from /limits.")),
      app_limit_remaining(Gauge(r, "sfwarden_org_app_limit_remaining",
                                "Per-connected-app remaining amount of an org limit, from "
                                "/limits.")),
      api_used_ratio(Gauge(r, "sfwarden_org_api_requests_used_ratio",
                           "Used share of the org's DailyApiRequests (rolling 24 h), from "
                           "/limits.")),
      latest_hour_start(Gauge(r, "sfwarden_api_usage_latest_hour_timestamp_seconds",
                              "Start of the hour sfwarden_user_api_calls_latest_hour "
                              "covers.")),
      log_files(Counter(r, "sfwarden_api_usage_log_files_total",
                        "ApiTotalUsage event log files taken, by interval.")),
      audit_entries(Counter(r, "sfwarden_audit_entries_total",
                            "SetupAuditTrail entries read, by section and whether they "
                            "concern a watched user, set, group or object.")),
      internal_errors(Counter(r, "sfwarden_internal_errors_total",
                              "Unexpected errors caught at a component's top level.")),
      remediations(Counter(r, "sfwarden_remediations_total",
                           "Writes sent to put the baseline back, by drift kind and result "
                           "(done, failed, outcome_unknown).")),
      enforcement_paused(Gauge(r, "sfwarden_enforcement_paused_items",
                               "Drift items whose enforcement is paused because they keep "
                               "coming back (flapping).")),
      journal_pending(Gauge(r, "sfwarden_journal_pending_entries",
                            "Remediation journal entries still planned or sent (interrupted "
                            "or of unknown outcome), concluded at the next start.")),
      user_series(users) {}

OrgMetrics::OrgMetrics(CollectorFamilies& families, std::string org,
                       std::vector<std::string> usernames, StateStore& store)
    : families_(families),
      org_(std::move(org)),
      users_(families.user_series.AddOrg(org_, usernames)) {
  for (const auto& c : store.LoginCounts(org_)) {
    users_.AddLogins(c.username, c.outcome, c.type, static_cast<double>(c.count));
  }
  for (const auto& [user, ms] : store.LastSuccessfulLogins(org_)) {
    users_.Set(user, UserMetric::kLastSuccessfulLogin, static_cast<double>(ms) / 1000.0);
  }
  for (const auto& s : store.SeenIpSummaries(org_)) SeenIps(s.username, s.ips, s.countries);
  // From 0, so that increase() sees the first occurrence.
  users_.SetConfigured(UserMetric::kActivityWithoutLogin, [](const std::string&) { return 0.0; });
}

OrgMetrics::~OrgMetrics() {
  families_.user_series.RemoveOrg(users_);
  // A few dozen children per org: prometheus-cpp's linear Remove is cheap at this size.
  for (auto& [family, child] : gauges_) family->Remove(child);
  for (auto& [family, child] : counters_) family->Remove(child);
}

template <typename T>
T& OrgMetrics::Child(prometheus::Family<T>& family, Labels labels) {
  labels["org"] = org_;
  auto key = std::make_pair(static_cast<void*>(&family), labels);
  if (auto it = children_.find(key); it != children_.end()) return *static_cast<T*>(it->second);
  T& child = family.Add(labels);
  children_.emplace(std::move(key), &child);
  if constexpr (std::is_same_v<T, prometheus::Gauge>) {
    gauges_.emplace_back(&family, &child);
  } else {
    counters_.emplace_back(&family, &child);
  }
  return child;
}

void OrgMetrics::SourceRead(std::string_view source, bool success,
                            std::chrono::duration<double> duration) {
  Labels l{{"source", std::string(source)}};
  Child(families_.collector_success, l).Set(success ? 1 : 0);
  Child(families_.collector_duration, l).Set(duration.count());
  auto& last = Child(families_.collector_last_success, l);
  if (success) last.Set(NowSeconds());
}

void OrgMetrics::PollInterval(std::string_view source, std::chrono::duration<double> interval) {
  Child(families_.poll_interval, {{"source", std::string(source)}}).Set(interval.count());
}

void OrgMetrics::Budget(std::optional<double> budget_calls_per_day, double planned_calls_per_day) {
  if (budget_calls_per_day) Child(families_.budget_calls, {}).Set(*budget_calls_per_day);
  Child(families_.planned_calls, {}).Set(planned_calls_per_day);
}

void OrgMetrics::ApiCalls(std::string_view operation, int calls) {
  Labels l{{"operation", std::string(operation)}};
  Child(families_.api_calls, l).Increment(calls);
  Child(families_.api_calls_last, l).Set(calls);
}

void OrgMetrics::PermissionRead(std::string_view trigger) {
  Child(families_.permission_reads, {{"trigger", std::string(trigger)}}).Increment();
}

void OrgMetrics::Login(const collectors::LoginObservation& login) {
  users_.AddLogins(login.username, collectors::ToString(login.outcome),
                   collectors::ToString(login.kind), 1);
  if (login.outcome == collectors::LoginOutcome::kSuccess) {
    double t = std::chrono::duration<double>(login.time.time_since_epoch()).count();
    users_.SetMax(login.username, UserMetric::kLastSuccessfulLogin, t);
  }
}

void OrgMetrics::SeenIps(std::string_view username, std::int64_t ips, std::int64_t countries) {
  users_.Set(username, UserMetric::kSourceIps, static_cast<double>(ips));
  users_.Set(username, UserMetric::kCountries, static_cast<double>(countries));
}

void OrgMetrics::Limits(const salesforce::Limits& limits) {
  for (const auto& [name, limit] : limits) {
    Labels l{{"limit", name}};
    Child(families_.limit_max, l).Set(static_cast<double>(limit.value.max));
    Child(families_.limit_remaining, l).Set(static_cast<double>(limit.value.remaining));
    for (const auto& [app, value] : limit.children) {
      Labels a{{"limit", name}, {"app", app}};
      Child(families_.app_limit_max, a).Set(static_cast<double>(value.max));
      Child(families_.app_limit_remaining, a).Set(static_cast<double>(value.remaining));
    }
  }
  if (auto it = limits.find("DailyApiRequests"); it != limits.end() && it->second.value.max > 0) {
    Child(families_.api_used_ratio, {})
        .Set(static_cast<double>(it->second.value.used()) /
             static_cast<double>(it->second.value.max));
  }
}

void OrgMetrics::UserApiCalls(const std::map<std::string, std::int64_t>& today,
                              const std::map<std::string, std::int64_t>& previous_day) {
  // Every configured user gets a value (0 without usage); usage by other users of the
  // org never becomes a label.
  users_.SetConfigured(UserMetric::kApiCallsToday, ValueOr0(today));
  users_.SetConfigured(UserMetric::kApiCallsPreviousDay, ValueOr0(previous_day));
}

void OrgMetrics::UserApiCallsLatestHour(std::chrono::system_clock::time_point hour_start,
                                        const std::map<std::string, std::int64_t>& calls) {
  Child(families_.latest_hour_start, {})
      .Set(std::chrono::duration<double>(hour_start.time_since_epoch()).count());
  users_.SetConfigured(UserMetric::kApiCallsLatestHour, ValueOr0(calls));
}

void OrgMetrics::ActivityWithoutLogin(std::string_view username) {
  users_.Add(username, UserMetric::kActivityWithoutLogin, 1);
}

void OrgMetrics::LogFileTaken(std::string_view interval) {
  Child(families_.log_files, {{"interval", interval == "Hourly" ? "hourly" : "daily"}}).Increment();
}

void OrgMetrics::OAuthTokens(std::string_view username, std::int64_t count) {
  users_.Set(username, UserMetric::kOAuthTokens, static_cast<double>(count));
}

void OrgMetrics::OAuthTokenIssued(std::string_view username) {
  users_.Add(username, UserMetric::kOAuthTokensIssued, 1);
  users_.Add(username, UserMetric::kOAuthTokens, 1);
}

void OrgMetrics::Permissions(const collectors::PermissionSnapshot& snapshot,
                             const std::map<std::string, std::int64_t>& missing_by_user) {
  // The user's state if the read found the user, else null (every gauge 0).
  auto state = [&](const std::string& user) -> const collectors::UserState* {
    auto it = snapshot.users.find(user);
    return it != snapshot.users.end() && it->second.found ? &it->second : nullptr;
  };
  users_.SetConfigured(UserMetric::kFound,
                       [&](const std::string& u) { return state(u) ? 1.0 : 0.0; });
  users_.SetConfigured(UserMetric::kActive, [&](const std::string& u) {
    const auto* s = state(u);
    return s && s->active ? 1.0 : 0.0;
  });
  users_.SetConfigured(UserMetric::kFrozen, [&](const std::string& u) {
    const auto* s = state(u);
    return s && s->frozen ? 1.0 : 0.0;
  });
  users_.SetConfigured(UserMetric::kPermissionSets, [&](const std::string& u) {
    const auto* s = state(u);
    return s ? static_cast<double>(s->assignments.size()) : 0.0;
  });
  users_.SetConfigured(UserMetric::kBaselineMissing, ValueOr0(missing_by_user));
}

void OrgMetrics::AuditEntry(std::string_view section, bool watched) {
  Child(families_.audit_entries,
        {{"section", std::string(section)}, {"watched", watched ? "true" : "false"}})
      .Increment();
}

}  // namespace sfwarden::daemon

namespace sfwarden::daemon {

void OrgMetrics::Drift(const std::map<std::pair<std::string, std::string>, int>& items) {
  for (const auto& [user, kind] : drift_series_) {
    if (!items.contains({user, kind})) {
      users_.SetDrift(user, kind, 0);
    }
  }
  for (const auto& [key, n] : items) {
    users_.SetDrift(key.first, key.second, n);
    drift_series_.insert(key);
  }
}

void OrgMetrics::Remediation(std::string_view kind, std::string_view result) {
  Child(families_.remediations, {{"kind", std::string(kind)}, {"result", std::string(result)}})
      .Increment();
}

void OrgMetrics::Enforcement(std::int64_t paused_items, std::int64_t journal_pending) {
  Child(families_.enforcement_paused, {}).Set(static_cast<double>(paused_items));
  Child(families_.journal_pending, {}).Set(static_cast<double>(journal_pending));
}

}  // namespace sfwarden::daemon
