#include "collectors/activity_without_login.h"

#include <gtest/gtest.h>

namespace sfwarden::collectors {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

// 2024-01-10T12:00:00Z: an hourly period; evidence is known from 2024-01-01.
const Time kHour = Time(std::chrono::sys_days(std::chrono::year(2024) / 1 / 10) + hours(12));
const Time kSince = Time(std::chrono::sys_days(std::chrono::year(2024) / 1 / 1));

TEST(ActivityWithoutLoginTest, CallsWithNoLoginTokenOrEarlierActivityAreWithoutLogin) {
  EXPECT_EQ(JudgeActivity(kHour, {}, kSince), ActivityVerdict::kWithoutLogin);
}

TEST(ActivityWithoutLoginTest, LoginOlderThanTheSessionWindowDoesNotExplain) {
  SessionEvidence e{.last_login = kHour - hours(24) - minutes(1)};
  EXPECT_EQ(JudgeActivity(kHour, e, kSince), ActivityVerdict::kWithoutLogin);
  EXPECT_EQ(JudgeActivity(kHour, e, kSince, hours(2)), ActivityVerdict::kWithoutLogin);
}

TEST(ActivityWithoutLoginTest, LoginWithinTheWindowExplainsItIncludingTheBoundary) {
  EXPECT_EQ(JudgeActivity(kHour, {.last_login = kHour - hours(24)}, kSince),
            ActivityVerdict::kExplained);
  EXPECT_EQ(JudgeActivity(kHour, {.last_login = kHour + minutes(30)}, kSince),
            ActivityVerdict::kExplained);
  // Only the newest login is known: one after the period may hide one within the window.
  EXPECT_EQ(JudgeActivity(kHour, {.last_login = kHour + hours(5)}, kSince),
            ActivityVerdict::kExplained);
}

TEST(ActivityWithoutLoginTest, ShorterWindowNarrowsWhatALoginExplains) {
  SessionEvidence e{.last_login = kHour - hours(3)};
  EXPECT_EQ(JudgeActivity(kHour, e, kSince), ActivityVerdict::kExplained);
  EXPECT_EQ(JudgeActivity(kHour, e, kSince, hours(2)), ActivityVerdict::kWithoutLogin);
}

TEST(ActivityWithoutLoginTest, TokenUseWithinTheWindowExplainsIt) {
  // A refresh-token exchange writes no LoginHistory row but moves LastUsedDate.
  EXPECT_EQ(JudgeActivity(kHour, {.last_token_use = kHour - hours(1)}, kSince),
            ActivityVerdict::kExplained);
  EXPECT_EQ(JudgeActivity(kHour, {.last_token_use = kHour - hours(25)}, kSince),
            ActivityVerdict::kWithoutLogin);
}

TEST(ActivityWithoutLoginTest, EarlierActivityWithinTheWindowKeepsASessionAlive) {
  // The previous hour's calls: the session's inactivity timeout restarted then.
  EXPECT_EQ(JudgeActivity(kHour, {.last_activity = kHour}, kSince), ActivityVerdict::kExplained);
  EXPECT_EQ(JudgeActivity(kHour, {.last_activity = kHour - hours(25)}, kSince),
            ActivityVerdict::kWithoutLogin);
}

TEST(ActivityWithoutLoginTest, WindowReachingBeforeTheEvidenceIsNotJudged) {
  EXPECT_EQ(JudgeActivity(kHour, {}, kHour - hours(23)), ActivityVerdict::kNotEvaluable);
  EXPECT_EQ(JudgeActivity(kHour, {}, kHour - hours(24)), ActivityVerdict::kWithoutLogin);
  // Known evidence still explains, whatever the coverage.
  EXPECT_EQ(JudgeActivity(kHour, {.last_login = kHour}, kHour), ActivityVerdict::kExplained);
}

TEST(ActivityWithoutLoginTest, PeriodEndsAnHourOrADayAfterTheLogDate) {
  EXPECT_EQ(PeriodEnd("Hourly", kHour), kHour + hours(1));
  EXPECT_EQ(PeriodEnd("Daily", kHour), kHour + hours(24));
}

}  // namespace
}  // namespace sfwarden::collectors
