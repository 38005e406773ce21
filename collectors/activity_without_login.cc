#include "collectors/activity_without_login.h"

namespace sfwarden::collectors {

ActivityVerdict JudgeActivity(Time period_start, const SessionEvidence& evidence,
                              Time evidence_since, std::chrono::milliseconds window) {
  const Time window_start = period_start - window;
  auto within = [&](const std::optional<Time>& t) { return t && *t >= window_start; };
  if (within(evidence.last_login) || within(evidence.last_token_use) ||
      within(evidence.last_activity)) {
    return ActivityVerdict::kExplained;
  }
  // Evidence from before sfwarden's first reads may simply be unknown to it.
  if (window_start < evidence_since) return ActivityVerdict::kNotEvaluable;
  return ActivityVerdict::kWithoutLogin;
}

Time PeriodEnd(std::string_view interval, Time log_date) {
  return log_date + (interval == "Hourly" ? std::chrono::hours(1) : std::chrono::hours(24));
}

}  // namespace sfwarden::collectors
