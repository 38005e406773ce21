#include "salesforce/governor.h"

#include <gtest/gtest.h>

namespace sfwarden::salesforce {
namespace {
using namespace std::chrono;

BudgetConfig Config(double share, double floor, std::optional<std::int64_t> max_calls = {}) {
  BudgetConfig c;
  c.max_daily_share = share;
  c.stop_below_remaining = floor;
  c.max_daily_calls = max_calls;
  return c;
}

class GovernorTest : public ::testing::Test {
 protected:
  system_clock::time_point now_ = sys_days{2024y / January / 2} + 10h;
  Governor::Clock clock_ = [this] { return now_; };
};

TEST_F(GovernorTest, AdmitsEverythingBeforeUsageIsKnown) {
  Governor g({}, clock_);
  EXPECT_TRUE(g.Admit(CallPriority::kOptional));
  EXPECT_FALSE(g.OwnDailyBudget());
}

TEST_F(GovernorTest, RefusesOptionalCallsBelowTheRemainingFloor) {
  Governor g(Config(0.5, 0.10), clock_);
  g.ObserveUsage({8999, 10000});
  EXPECT_TRUE(g.Admit(CallPriority::kOptional));
  g.ObserveUsage({9001, 10000});
  auto refused = g.Admit(CallPriority::kOptional);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, ErrorKind::kBudget);
  EXPECT_TRUE(g.Admit(CallPriority::kRequired));
}

TEST_F(GovernorTest, RefusesOptionalCallsOverOwnDailyShareInARolling24Hours) {
  Governor g(Config(0.01, 0.0), clock_);
  g.ObserveUsage({0, 1000});  // budget: 10 calls a day
  EXPECT_EQ(g.OwnDailyBudget(), 10);
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(g.Admit(CallPriority::kOptional)) << i;
    g.RecordCall();
    now_ += minutes(30);
  }
  EXPECT_EQ(g.Admit(CallPriority::kOptional).error().kind, ErrorKind::kBudget);
  EXPECT_TRUE(g.Admit(CallPriority::kRequired));
  now_ += hours(19);  // the first calls leave the window
  EXPECT_LT(g.OwnCallsLast24h(), 10);
  EXPECT_TRUE(g.Admit(CallPriority::kOptional));
}

TEST_F(GovernorTest, AbsoluteDailyCapWinsWhenLower) {
  Governor g(Config(0.5, 0.1, 2), clock_);
  g.ObserveUsage({0, 1000});
  EXPECT_EQ(g.OwnDailyBudget(), 2);
  g.RecordCall();
  g.RecordCall();
  EXPECT_FALSE(g.Admit(CallPriority::kOptional));
}

TEST_F(GovernorTest, LimitExceededStopsAllCallsUntilThePauseEnds) {
  BudgetConfig config;
  config.limit_exceeded_pause = minutes(5);
  config.max_limit_exceeded_pause = minutes(15);
  Governor g(config, clock_);
  g.OnLimitExceeded();
  EXPECT_TRUE(g.limit_stopped());
  auto refused = g.Admit(CallPriority::kRequired);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, ErrorKind::kLimitExceeded);
  EXPECT_EQ(refused.error().retry_after, minutes(5));
  now_ += minutes(5);
  EXPECT_TRUE(g.Admit(CallPriority::kOptional));  // the probe
  g.OnLimitExceeded();                            // still exhausted: pause doubles
  now_ += minutes(9);
  EXPECT_FALSE(g.Admit(CallPriority::kRequired));
  now_ += minutes(1);
  EXPECT_TRUE(g.Admit(CallPriority::kRequired));
  g.OnLimitExceeded();  // capped at 15 min
  now_ += minutes(15);
  EXPECT_TRUE(g.Admit(CallPriority::kRequired));
  g.OnSuccess();
  g.OnLimitExceeded();  // a fresh stop starts from the base pause again
  now_ += minutes(5);
  EXPECT_TRUE(g.Admit(CallPriority::kRequired));
}

TEST_F(GovernorTest, ProbeGoesOutOncePerIntervalBelowTheFloorAndItsReadingLiftsTheStop) {
  BudgetConfig config = Config(0.5, 0.10);
  config.probe_interval = minutes(5);
  Governor g(config, clock_);
  g.ObserveUsage({9500, 10000});
  ASSERT_EQ(g.Admit(CallPriority::kOptional).error().kind, ErrorKind::kBudget);
  ASSERT_TRUE(g.Admit(CallPriority::kProbe));
  g.RecordCall(CallPriority::kProbe);
  EXPECT_EQ(g.Admit(CallPriority::kProbe).error().kind, ErrorKind::kBudget);  // not yet due
  now_ += minutes(5);
  ASSERT_TRUE(g.Admit(CallPriority::kProbe));
  g.RecordCall(CallPriority::kProbe);
  g.ObserveUsage({2000, 10000});  // the probe's answer: usage left the 24 h window
  EXPECT_TRUE(g.Admit(CallPriority::kOptional));
}

TEST_F(GovernorTest, ProbeDuringALimitStopLiftsItOnlyWhenAllowanceIsLeft) {
  BudgetConfig config;
  config.limit_exceeded_pause = minutes(30);
  config.probe_interval = minutes(5);
  Governor g(config, clock_);
  g.ObserveUsage({15000, 15000});
  g.OnLimitExceeded();
  EXPECT_EQ(g.Admit(CallPriority::kRequired).error().kind, ErrorKind::kLimitExceeded);
  ASSERT_TRUE(g.Admit(CallPriority::kProbe));
  g.RecordCall(CallPriority::kProbe);
  g.OnSuccess(CallPriority::kProbe);  // answered, but nothing left
  EXPECT_TRUE(g.limit_stopped());
  EXPECT_EQ(g.Admit(CallPriority::kProbe).error().kind, ErrorKind::kLimitExceeded);
  now_ += minutes(5);
  ASSERT_TRUE(g.Admit(CallPriority::kProbe));
  g.RecordCall(CallPriority::kProbe);
  g.ObserveUsage({3000, 15000});
  g.OnSuccess(CallPriority::kProbe);
  EXPECT_FALSE(g.limit_stopped());
  EXPECT_TRUE(g.Admit(CallPriority::kOptional));
}

TEST_F(GovernorTest, ProbeNeverExceedsOwnBudget) {
  Governor g(Config(0.001, 0.10), clock_);
  g.ObserveUsage({9500, 10000});  // below the floor; own budget: 10 calls a day
  for (int i = 0; i < 10; ++i) g.RecordCall();
  EXPECT_EQ(g.Admit(CallPriority::kProbe).error().kind, ErrorKind::kBudget);
  g.OnLimitExceeded();
  EXPECT_EQ(g.Admit(CallPriority::kProbe).error().kind, ErrorKind::kLimitExceeded);
}

TEST_F(GovernorTest, ProbeIsAnOrdinaryOptionalCallWhenNothingIsStopped) {
  Governor g(Config(0.5, 0.10), clock_);
  g.ObserveUsage({100, 10000});
  g.RecordCall(CallPriority::kProbe);
  EXPECT_TRUE(g.Admit(CallPriority::kProbe));  // no interval outside a stop
}

}  // namespace
}  // namespace sfwarden::salesforce
