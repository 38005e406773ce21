#pragma once
// The API-budget governor of one org. Salesforce enforces DailyApiRequests on a rolling
// 24 h window over all users; once exceeded every call gets 403 REQUEST_LIMIT_EXCEEDED
// until usage over the preceding 24 h drops ("API Request Limits and Allocations";
// WIRE.md §8). The governor keeps sfwarden a small, polite consumer:
//  - optional calls are refused while the org's remaining allowance is below a floor, or
//    while sfwarden's own calls in the last 24 h exceed its share of the daily allowance;
//  - after a 403 REQUEST_LIMIT_EXCEEDED every call is refused for a pause (doubling on
//    each repeat, up to max_pause); the first call after the pause is the probe;
//  - while either stop holds, a probe call (GET /limits, CallPriority::kProbe) still goes
//    out at most once per probe_interval, so that the stop is lifted as soon as the org's
//    allowance has recovered: without it an org below the floor would never be read
//    again, since the floor is judged on the last usage seen.
// Single-threaded (the daemon's io_context); the clock is injected for tests.

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <tl/expected.hpp>

#include "salesforce/errors.h"
#include "salesforce/limit_info.h"

namespace sfwarden::salesforce {

struct BudgetConfig {
  double max_daily_share = 0.02;       // sfwarden's share of the org's daily allowance
  double stop_below_remaining = 0.10;  // floor: share of the allowance that must remain
  /// An absolute cap on sfwarden's own calls per 24 h, used when lower than the share.
  std::optional<std::int64_t> max_daily_calls;
  std::chrono::seconds limit_exceeded_pause{std::chrono::minutes(5)};
  std::chrono::seconds max_limit_exceeded_pause{std::chrono::hours(1)};
  /// While stopped (floor or 403), at most one probe per this interval.
  std::chrono::seconds probe_interval{std::chrono::minutes(5)};
};

enum class CallPriority {
  kOptional,  // polling reads: refused by the budget and the floor
  kRequired,  // authentication, remediation writes: refused only after a 403 limit stop
  kProbe,     // GET /limits: kOptional, but let through once per probe_interval while
              // the floor or a 403 stop refuses calls, never beyond sfwarden's own budget
};

class Governor {
 public:
  using Clock = std::function<std::chrono::system_clock::time_point()>;

  Governor(BudgetConfig config, Clock clock);

  /// Ok when a call may be sent now; else kBudget (budget or floor) or kLimitExceeded.
  tl::expected<void, ApiError> Admit(CallPriority priority) const;
  /// One request was sent to the org (counts against sfwarden's own budget). A kProbe
  /// call starts the next probe_interval.
  void RecordCall(CallPriority priority = CallPriority::kOptional);
  /// The org's usage, from Sforce-Limit-Info or /limits DailyApiRequests.
  void ObserveUsage(UsageCount usage);
  /// The org answered 403 REQUEST_LIMIT_EXCEEDED.
  void OnLimitExceeded();
  /// A call succeeded: a limit stop (if any) is over. For a kProbe call only when the
  /// last usage seen (observe the probe's answer first) shows allowance left.
  void OnSuccess(CallPriority priority = CallPriority::kRequired);

  std::int64_t OwnCallsLast24h() const;
  /// The number of own calls allowed per 24 h, when the org's allowance is known.
  std::optional<std::int64_t> OwnDailyBudget() const;
  const std::optional<UsageCount>& last_usage() const { return last_usage_; }
  bool limit_stopped() const;

 private:
  void Expire() const;
  std::optional<ApiError> FloorRefusal() const;
  std::optional<ApiError> OwnBudgetRefusal() const;
  bool ProbeDue() const;

  BudgetConfig config_;
  Clock clock_;
  std::optional<UsageCount> last_usage_;
  // Own calls per hour slot (slot = hours since epoch), the last 24 slots.
  mutable std::deque<std::pair<std::int64_t, std::int64_t>> hourly_;
  std::optional<std::chrono::system_clock::time_point> stopped_until_;
  std::chrono::seconds current_pause_{0};
  std::optional<std::chrono::system_clock::time_point> last_probe_;
};

}  // namespace sfwarden::salesforce
