#pragma once
// The API-budget planner: how often each source of an org may be read so that sfwarden's
// own calls stay within its share of the org's daily API allowance (issue 5, "Scheduling
// and cost"). A pure function of its inputs, so it is tested without an org.

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "daemon/config.h"

namespace sfwarden::daemon {

/// What the planner schedules: the incremental sources of collectors::Source (same
/// order) plus the full permission read.
enum class PlanSource {
  kLogins,
  kAuditTrail,
  kOAuthTokens,
  kLimits,
  kApiUsageLogs,
  kFullReconcile
};
inline constexpr std::size_t kPlanSources = 6;
/// "logins", "audit_trail", "oauth_tokens", "limits", "api_usage_logs", "full_reconcile".
std::string_view ToString(PlanSource source);

template <typename T>
using PerSource = std::array<T, kPlanSources>;

/// The slowest interval the planner stretches a source to before slowing every source
/// down together: the sources that show attacks soonest stay within an hour.
inline constexpr PerSource<Duration> kStretchCaps = {
    std::chrono::hours(1),   // logins
    std::chrono::hours(1),   // audit_trail
    std::chrono::hours(6),   // oauth_tokens
    std::chrono::hours(1),   // limits
    std::chrono::hours(24),  // api_usage_logs
    std::chrono::hours(24),  // full_reconcile
};

/// Least urgent first: the order in which sources are stretched.
inline constexpr std::array<PlanSource, kPlanSources> kStretchOrder = {
    PlanSource::kFullReconcile, PlanSource::kApiUsageLogs, PlanSource::kOAuthTokens,
    PlanSource::kLimits,        PlanSource::kAuditTrail,   PlanSource::kLogins};

struct PlanInput {
  PerSource<Duration> configured{};  // from orgs[].poll
  /// API calls one read of each source costs. Polls batch their queries into one
  /// /composite call, but a source polled alone still costs one, so one per source is the
  /// safe estimate; api_usage_logs adds a download; a full read costs 3 + pages.
  PerSource<double> calls_per_read = {1, 1, 1, 1, 2, 4};
  ApiBudgetConfig budget;
  /// The org's DailyApiRequests from /limits; nullopt until first read (no stretching).
  std::optional<std::int64_t> daily_max;
  std::optional<std::int64_t> remaining;
};

struct Plan {
  enum class Reason {
    kNone,          // the configured schedule fits the budget
    kBudget,        // stretched to fit max_daily_share of the allowance
    kLowRemaining,  // stretched to fit what is left above stop_below_remaining
  };
  PerSource<Duration> intervals{};
  Reason reason = Reason::kNone;
  double wanted_calls_per_day = 0;             // at the configured intervals
  double planned_calls_per_day = 0;            // at `intervals`
  std::optional<double> budget_calls_per_day;  // what the plan had to fit, when known

  Duration interval(PlanSource s) const { return intervals[static_cast<std::size_t>(s)]; }
  bool stretched() const { return reason != Reason::kNone; }
  /// One line for the log: "budget 300 calls/day (2% of 15000), schedule wants 4752:
  /// logins 6m37s, audit_trail 1h, ...".
  std::string Describe(const PlanInput& input) const;
  friend bool operator==(const Plan&, const Plan&) = default;
};

/// Calls per day that `intervals` cost with `calls_per_read`.
double CallsPerDay(const PerSource<Duration>& intervals, const PerSource<double>& calls_per_read);

/// The schedule to run. Never shortens a configured interval. When the configured
/// schedule costs more per day than the budget — max_daily_share × daily_max, lowered to
/// what remains above stop_below_remaining × daily_max — sources are stretched least
/// urgent first (kStretchOrder), each up to its kStretchCaps entry; if that is still
/// too much, every interval is scaled up by the same factor. Every source keeps a
/// finite interval: an org whose budget is tiny is still watched, only less often.
Plan PlanSchedule(const PlanInput& input);

}  // namespace sfwarden::daemon
