#include "daemon/poll_planner.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace sfwarden::daemon {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;
using ::testing::HasSubstr;

// The config defaults: logins, audit_trail and limits every minute, OAuth tokens every
// 15 minutes, ApiTotalUsage and the full read hourly.
PlanInput Defaults() {
  PlanInput in;
  PollConfig poll;
  in.configured = {poll.logins, poll.audit_trail,    poll.oauth_tokens,
                   poll.limits, poll.api_usage_logs, poll.full_reconcile};
  return in;
}

Duration Of(const Plan& plan, PlanSource s) { return plan.interval(s); }

TEST(PollPlannerTest, UnknownAllowanceKeepsTheConfiguredSchedule) {
  auto in = Defaults();

  auto plan = PlanSchedule(in);

  EXPECT_FALSE(plan.stretched());
  EXPECT_EQ(plan.intervals, in.configured);
  EXPECT_EQ(plan.budget_calls_per_day, std::nullopt);
  EXPECT_DOUBLE_EQ(plan.planned_calls_per_day, 1440 * 3 + 96 + 48 + 96);
}

TEST(PollPlannerTest, LargeAllowanceKeepsTheConfiguredSchedule) {
  auto in = Defaults();
  in.daily_max = 5'000'000;
  in.remaining = 4'000'000;

  auto plan = PlanSchedule(in);

  EXPECT_FALSE(plan.stretched());
  EXPECT_EQ(plan.intervals, in.configured);
  EXPECT_DOUBLE_EQ(*plan.budget_calls_per_day, 100'000);
}

TEST(PollPlannerTest, SmallOrgIsStillWatchedWithinItsBudget) {
  auto in = Defaults();
  in.daily_max = 15'000;  // 2 % of it: 300 calls a day
  in.remaining = 15'000;

  auto plan = PlanSchedule(in);

  EXPECT_EQ(plan.reason, Plan::Reason::kBudget);
  EXPECT_LE(plan.planned_calls_per_day, 300);
  EXPECT_GT(plan.planned_calls_per_day, 290);  // it spends what it may, not far less
  // Least urgent sources went to their caps; logins, the most urgent, are stretched last
  // and least: still polled every few minutes.
  EXPECT_EQ(Of(plan, PlanSource::kFullReconcile), hours(24));
  EXPECT_EQ(Of(plan, PlanSource::kApiUsageLogs), hours(24));
  EXPECT_EQ(Of(plan, PlanSource::kOAuthTokens), hours(6));
  EXPECT_EQ(Of(plan, PlanSource::kLimits), hours(1));
  EXPECT_EQ(Of(plan, PlanSource::kAuditTrail), hours(1));
  EXPECT_GT(Of(plan, PlanSource::kLogins), minutes(1));
  EXPECT_LT(Of(plan, PlanSource::kLogins), minutes(10));
}

TEST(PollPlannerTest, StretchesLeastUrgentSourcesFirst) {
  auto in = Defaults();
  in.daily_max = 225'000;  // 2 %: 4500 calls a day, 60 fewer than the schedule wants

  auto plan = PlanSchedule(in);

  EXPECT_EQ(plan.reason, Plan::Reason::kBudget);
  EXPECT_LE(plan.planned_calls_per_day, 4500);
  EXPECT_GT(Of(plan, PlanSource::kFullReconcile), hours(1));
  for (auto s : {PlanSource::kLogins, PlanSource::kAuditTrail, PlanSource::kOAuthTokens,
                 PlanSource::kLimits, PlanSource::kApiUsageLogs}) {
    EXPECT_EQ(Of(plan, s), in.configured[static_cast<std::size_t>(s)]) << ToString(s);
  }
}

TEST(PollPlannerTest, LowRemainingAllowanceShrinksTheBudget) {
  auto in = Defaults();
  in.daily_max = 100'000;  // budget 2000 a day...
  in.remaining = 11'000;   // ...but only 1000 left above the 10 % floor

  auto plan = PlanSchedule(in);

  EXPECT_EQ(plan.reason, Plan::Reason::kLowRemaining);
  EXPECT_DOUBLE_EQ(*plan.budget_calls_per_day, 1000);
  EXPECT_LE(plan.planned_calls_per_day, 1000);
}

TEST(PollPlannerTest, NothingLeftAboveTheFloorRunsEverySourceAtItsCap) {
  auto in = Defaults();
  in.daily_max = 100'000;
  in.remaining = 5'000;

  auto plan = PlanSchedule(in);

  EXPECT_EQ(plan.reason, Plan::Reason::kLowRemaining);
  EXPECT_EQ(plan.intervals, kStretchCaps);
}

TEST(PollPlannerTest, TinyBudgetSlowsEverySourceTogetherBeyondTheCaps) {
  auto in = Defaults();
  in.daily_max = 1'000;
  in.budget.max_daily_share = 0.01;  // 10 calls a day

  auto plan = PlanSchedule(in);

  EXPECT_LE(plan.planned_calls_per_day, 10);
  for (std::size_t i = 0; i < kPlanSources; ++i) {
    EXPECT_GT(plan.intervals[i], kStretchCaps[i]);
    EXPECT_LT(plan.intervals[i], hours(24 * 30));
  }
  EXPECT_LT(Of(plan, PlanSource::kLogins), Of(plan, PlanSource::kApiUsageLogs));
}

TEST(PollPlannerTest, NeverShortensAConfiguredInterval) {
  auto in = Defaults();
  in.configured[static_cast<std::size_t>(PlanSource::kLogins)] = hours(2);
  in.daily_max = 15'000;

  auto plan = PlanSchedule(in);

  EXPECT_EQ(Of(plan, PlanSource::kLogins), hours(2));
  EXPECT_LE(plan.planned_calls_per_day, 300);
}

TEST(PollPlannerTest, DescribeNamesTheBudgetAndEveryStretchedSource) {
  auto in = Defaults();
  in.daily_max = 15'000;

  auto text = PlanSchedule(in).Describe(in);

  EXPECT_THAT(text, HasSubstr("over the daily budget: budget 300 calls/day"));
  EXPECT_THAT(text, HasSubstr("of 15000"));
  EXPECT_THAT(text, HasSubstr("audit_trail 1h (configured 1m)"));
  EXPECT_THAT(text, HasSubstr("full_reconcile 1d (configured 1h)"));
}

}  // namespace
}  // namespace sfwarden::daemon
