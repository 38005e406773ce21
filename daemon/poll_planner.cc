#include "daemon/poll_planner.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace sfwarden::daemon {
namespace {

constexpr double kSecondsPerDay = 86400.0;

double Seconds(Duration d) { return std::chrono::duration<double>(d).count(); }

double Cost(Duration interval, double calls_per_read) {
  if (interval.count() <= 0) return 0;
  return kSecondsPerDay / Seconds(interval) * calls_per_read;
}

// Whole seconds, rounded up: a rounded-down interval could overshoot the budget.
Duration FromSeconds(double seconds) {
  return std::chrono::duration_cast<Duration>(
      std::chrono::seconds(static_cast<std::int64_t>(std::ceil(std::min(seconds, 1e9)))));
}

std::string_view ReasonText(Plan::Reason reason) {
  switch (reason) {
    case Plan::Reason::kNone:
      return "within budget";
    case Plan::Reason::kBudget:
      return "over the daily budget";
    case Plan::Reason::kLowRemaining:
      return "the org's remaining allowance is low";
  }
  return "";
}

}  // namespace

std::string_view ToString(PlanSource source) {
  switch (source) {
    case PlanSource::kLogins:
      return "logins";
    case PlanSource::kAuditTrail:
      return "audit_trail";
    case PlanSource::kOAuthTokens:
      return "oauth_tokens";
    case PlanSource::kLimits:
      return "limits";
    case PlanSource::kApiUsageLogs:
      return "api_usage_logs";
    case PlanSource::kFullReconcile:
      return "full_reconcile";
  }
  return "";
}

double CallsPerDay(const PerSource<Duration>& intervals, const PerSource<double>& calls_per_read) {
  double total = 0;
  for (std::size_t i = 0; i < kPlanSources; ++i) total += Cost(intervals[i], calls_per_read[i]);
  return total;
}

Plan PlanSchedule(const PlanInput& input) {
  Plan plan;
  plan.intervals = input.configured;
  plan.wanted_calls_per_day = CallsPerDay(input.configured, input.calls_per_read);
  plan.planned_calls_per_day = plan.wanted_calls_per_day;
  if (!input.daily_max || *input.daily_max <= 0) return plan;  // allowance unknown yet

  const double max = static_cast<double>(*input.daily_max);
  double budget = input.budget.max_daily_share * max;
  Plan::Reason reason = Plan::Reason::kBudget;
  if (input.remaining) {
    // What the org has left above the floor, over the same rolling 24 h.
    double above_floor =
        static_cast<double>(*input.remaining) - input.budget.stop_below_remaining * max;
    if (above_floor < budget) {
      budget = above_floor;
      reason = Plan::Reason::kLowRemaining;
    }
  }
  plan.budget_calls_per_day = std::max(budget, 0.0);
  if (plan.wanted_calls_per_day <= budget) return plan;
  plan.reason = reason;

  auto& iv = plan.intervals;
  const auto& calls = input.calls_per_read;
  auto cap_of = [&](std::size_t i) { return std::max(kStretchCaps[i], input.configured[i]); };
  if (budget <= 0) {
    // Nothing left above the floor: the slowest schedule that still watches. The
    // client's governor refuses optional reads below the floor anyway.
    for (std::size_t i = 0; i < kPlanSources; ++i) iv[i] = cap_of(i);
    plan.planned_calls_per_day = CallsPerDay(iv, calls);
    return plan;
  }

  double total = plan.wanted_calls_per_day;
  for (PlanSource s : kStretchOrder) {
    if (total <= budget) break;
    auto i = static_cast<std::size_t>(s);
    double others = total - Cost(iv[i], calls[i]);
    double allowed = budget - others;  // calls/day this source may still spend
    Duration stretched = cap_of(i);
    if (allowed > 0) {
      stretched = std::clamp(FromSeconds(kSecondsPerDay * calls[i] / allowed), iv[i], cap_of(i));
    }
    iv[i] = stretched;
    total = others + Cost(iv[i], calls[i]);
  }
  if (total > budget) {
    // Every source is at its cap and it is still too much: slow them all down together.
    double factor = total / budget * (1 + 1e-9);  // rounding must not overshoot
    for (auto& d : iv) d = FromSeconds(Seconds(d) * factor);
  }
  plan.planned_calls_per_day = CallsPerDay(iv, calls);
  return plan;
}

std::string Plan::Describe(const PlanInput& input) const {
  std::string out;
  if (budget_calls_per_day) {
    out = fmt::format(
        "{}: budget {:.0f} calls/day (max_daily_share {} of {}), schedule wants "
        "{:.0f}, plans {:.0f}:",
        ReasonText(reason), *budget_calls_per_day, input.budget.max_daily_share,
        input.daily_max.value_or(0), wanted_calls_per_day, planned_calls_per_day);
  } else {
    out = fmt::format("daily allowance not known yet, schedule plans {:.0f} calls/day:",
                      planned_calls_per_day);
  }
  for (std::size_t i = 0; i < kPlanSources; ++i) {
    out +=
        fmt::format(" {} {}", ToString(static_cast<PlanSource>(i)), FormatDuration(intervals[i]));
    if (intervals[i] != input.configured[i]) {
      out += fmt::format(" (configured {})", FormatDuration(input.configured[i]));
    }
    out += i + 1 < kPlanSources ? "," : "";
  }
  return out;
}

}  // namespace sfwarden::daemon
