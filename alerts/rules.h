#pragma once
// The anomaly rules: what about an integration user's logins, API calls, tokens and
// permissions should make someone look. Pure and clock-injected: no I/O, no timers; the
// daemon (daemon/alert_service) feeds observations and context from the state store in,
// and turns the findings into alerts (alerts/alert_book.h).
//
// Two kinds of findings:
//  - events (a single bad login, a token issued, a change by an unexpected actor): they
//    fire an alert that resolves on its own after a hold time (AlertBook);
//  - conditions (dormant, usage high, drift open): each evaluation says which alerts of
//    a scope are active; those of the scope that are not resolve.
//
// Strings from Salesforce are untrusted: every one that reaches an annotation goes through
// Untrusted() (control characters replaced, length bounded).

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "alerts/ip_range.h"
#include "alerts/time_zone.h"
#include "collectors/observations.h"

namespace sfwarden::alerts {

using Time = collectors::Time;
using Duration = std::chrono::milliseconds;

/// `login_hours` of an integration user: from <= local time < to on the listed days
/// (all when empty). from > to wraps midnight: a login at 01:00 in a 22:00-06:00 window
/// belongs to the window that began the day before, so that day must be listed.
struct LoginHours {
  TimeZone tz;
  std::chrono::minutes from{0};
  std::chrono::minutes to{24 * 60};
  std::vector<std::chrono::weekday> days;
};

/// The rules' settings for one integration user (the daemon maps its config to this).
struct UserRules {
  std::string username;
  bool api_only = true;              // a UI login is an anomaly
  std::vector<IpRange> allowed_ips;  // empty: any address
  std::optional<LoginHours> login_hours;
  std::optional<Duration> expected_login_every;  // dormant after this without a success
  std::optional<std::int64_t> api_daily_budget;  // calls per UTC day
  double api_budget_warning = 0.8;               // warn at this ratio of the budget
  int failed_login_burst_count = 5;              // this many failures ...
  Duration failed_login_burst_window = std::chrono::minutes(10);  // ... within this
};

/// The rules' settings for one org.
struct OrgRules {
  std::string org;
  std::vector<UserRules> users;
  /// Actors whose permission changes are expected (admins who manage the integrations);
  /// sfwarden's own user (`monitoring_user`) always is.
  std::set<std::string> expected_actors;
  std::string monitoring_user;
  /// New-IP / new-country alerts start this long after the user's first login seen.
  Duration learning_period = std::chrono::days(7);
  double org_api_warning = 0.8;  // org DailyApiRequests used / max
  double org_api_critical = 0.95;
  /// A user's calls on one day are a spike when above `baseline_factor` x the median of
  /// the previous days (at least `baseline_min_days` of them) and at least
  /// `baseline_min_calls`.
  double baseline_factor = 3.0;
  std::int64_t baseline_min_calls = 1000;
  int baseline_min_days = 3;

  const UserRules* FindUser(std::string_view username) const;
};

/// Alert names (the `alertname` label); docs/alerts.md describes each.
namespace rule {
inline constexpr std::string_view kUiLogin = "IntegrationUserUiLogin";
inline constexpr std::string_view kLoginFromDisallowedIp = "IntegrationUserLoginFromDisallowedIp";
inline constexpr std::string_view kApiCallsFromDisallowedIp =
    "IntegrationUserApiCallsFromDisallowedIp";
inline constexpr std::string_view kOAuthTokenIssued = "IntegrationUserOAuthTokenIssued";
inline constexpr std::string_view kApiActivityWithoutLogin =
    "IntegrationUserApiActivityWithoutLogin";
inline constexpr std::string_view kLoginFromNewIp = "IntegrationUserLoginFromNewIp";
inline constexpr std::string_view kLoginFromNewCountry = "IntegrationUserLoginFromNewCountry";
inline constexpr std::string_view kFailedLoginBurst = "IntegrationUserFailedLoginBurst";
inline constexpr std::string_view kLoginOutsideHours = "IntegrationUserLoginOutsideHours";
inline constexpr std::string_view kDormant = "IntegrationUserDormant";
inline constexpr std::string_view kOrgApiUsageHigh = "OrgApiUsageHigh";
inline constexpr std::string_view kApiBudget = "IntegrationUserApiBudgetExceeded";
inline constexpr std::string_view kApiSpike = "IntegrationUserApiSpike";
inline constexpr std::string_view kDriftDetected = "PermissionDriftDetected";
inline constexpr std::string_view kDriftReverted = "PermissionDriftReverted";
inline constexpr std::string_view kRemediationFailed = "RemediationFailed";
inline constexpr std::string_view kEnforcementPaused = "EnforcementPaused";
inline constexpr std::string_view kUnexpectedActor = "PermissionChangeByUnexpectedActor";
}  // namespace rule

/// One anomaly: the alert it raises. Labels are alertname, org, user (omitted when
/// empty), severity, plus `extra` (bounded values only, e.g. the drift kind).
struct Anomaly {
  std::string alertname;
  std::string org;
  std::string user;
  std::string severity;  // "warning" | "critical"
  std::map<std::string, std::string> extra_labels;
  std::string summary;
  std::string description;  // the evidence
  Time at{};                // when it happened (events) or was evaluated (conditions)

  std::map<std::string, std::string> Labels() const;
};

/// One evaluation of condition rules over a scope: the alerts named `alertnames` of
/// `org` (and of `user` when set) that are not in `active` have cleared.
struct ConditionEvaluation {
  std::string org;
  std::set<std::string> alertnames;
  std::optional<std::string> user;
  std::vector<Anomaly> active;
};

struct Findings {
  std::vector<Anomaly> events;
  std::vector<ConditionEvaluation> conditions;
  void Append(Findings other);
};

/// What the state store knows about a successful login's IP and country, taken after the
/// login was recorded (the daemon reads it from its seen-IP table).
struct LoginContext {
  bool first_from_ip = false;          // no earlier login of the user from this IP
  bool first_from_country = false;     // no earlier login from this (non-empty) country
  std::optional<Time> watching_since;  // the user's first login sfwarden saw
};

/// A user's API calls on one UTC day and on the days before it (for the baseline).
struct UserDailyCalls {
  std::string username;
  std::string day;  // "YYYY-MM-DD"
  std::int64_t calls = 0;
  std::vector<std::int64_t> previous_days;  // calls on earlier days that had data
};

/// A DriftCycle item as the rules see it (the daemon copies daemon::DriftEvent).
struct DriftItem {
  enum class Outcome { kReported, kRestored, kFailed, kPaused, kOverBound };
  std::string user, kind, subject, item, expected, actual, changed_by, error;
  std::optional<Time> changed_at;
  Outcome outcome = Outcome::kReported;
};

/// Replaces control characters (and DEL) with '?' and cuts to `max_bytes` (on a UTF-8
/// boundary, with "..." when cut): safe to put in annotations, logs and chat messages.
std::string Untrusted(std::string_view text, std::size_t max_bytes = 200);
/// RFC 3339 UTC with milliseconds when not whole: "2024-01-31T23:59:59Z",
/// "2024-01-31T23:59:59.250Z".
std::string FormatTime(Time t);

/// The rule engine of one org. Keeps the little state rules need between calls (recent
/// failed logins per user, in memory only: a restart forgets a burst in progress).
/// Not thread-safe; the daemon calls it on its io_context thread.
class RuleEngine {
 public:
  explicit RuleEngine(OrgRules rules);
  const OrgRules& rules() const { return rules_; }

  /// A new LoginHistory row of a watched user (each row once; rows of one poll in any
  /// order). `context` matters for successful logins only.
  Findings OnLogin(const collectors::LoginObservation& login, const LoginContext& context);
  /// ApiTotalUsage rows of watched users: calls from outside allowed_ips.
  Findings OnApiUsage(const std::vector<collectors::ApiUsageObservation>& usage);
  /// A token first seen now.
  Findings OnTokenIssued(const collectors::OAuthTokenObservation& token);
  /// API calls no known session explains (collectors/activity_without_login.h).
  Findings OnActivityWithoutLogin(const collectors::ActivityWithoutLoginObservation& activity);
  /// A new SetupAuditTrail row.
  Findings OnAudit(const collectors::AuditObservation& entry);
  /// /limits: the org's DailyApiRequests usage (a condition over the org).
  Findings OnLimits(const collectors::LimitsObservation& limits, Time now);
  /// Per-user daily calls (a condition per user; several days may be given, e.g. today
  /// and yesterday, active when any is over).
  Findings OnDailyCalls(const std::string& username, const std::vector<UserDailyCalls>& days,
                        Time now);
  /// Time-driven: users with expected_login_every and no successful login for longer.
  /// `last_success` maps usernames to their newest successful login; a user without one
  /// counts from `watching_since` (when sfwarden began watching).
  Findings CheckDormant(const std::map<std::string, Time>& last_success, Time watching_since,
                        Time now);
  /// One drift comparison of the org (all drift alerts of the org are in scope).
  Findings OnDrift(const std::vector<DriftItem>& items, Time read_at);

 private:
  OrgRules rules_;
  std::map<std::string, std::vector<Time>> failures_;  // per user, ascending, pruned
};

}  // namespace sfwarden::alerts
