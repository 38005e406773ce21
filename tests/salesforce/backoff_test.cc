#include "salesforce/backoff.h"

#include <gtest/gtest.h>

namespace sfwarden::salesforce {
namespace {
using namespace std::chrono;

TEST(BackoffTest, FullJitterGrowsExponentiallyUpToTheCap) {
  BackoffPolicy policy{.max_attempts = 10,
                       .base = milliseconds(100),
                       .cap = seconds(1),
                       .max_retry_after = seconds(60)};
  UniformRandom almost_one = [] { return 0.999999; };
  EXPECT_EQ(BackoffDelay(policy, 1, std::nullopt, almost_one), milliseconds(99));
  EXPECT_EQ(BackoffDelay(policy, 2, std::nullopt, almost_one), milliseconds(199));
  EXPECT_EQ(BackoffDelay(policy, 3, std::nullopt, almost_one), milliseconds(399));
  EXPECT_EQ(BackoffDelay(policy, 5, std::nullopt, almost_one), milliseconds(999));
  EXPECT_EQ(BackoffDelay(policy, 60, std::nullopt, almost_one), milliseconds(999));
  UniformRandom zero = [] { return 0.0; };
  EXPECT_EQ(BackoffDelay(policy, 3, std::nullopt, zero), milliseconds(0));
  UniformRandom half = [] { return 0.5; };
  EXPECT_EQ(BackoffDelay(policy, 3, std::nullopt, half), milliseconds(200));
}

TEST(BackoffTest, RetryAfterIsHonouredButBounded) {
  BackoffPolicy policy{.max_attempts = 4,
                       .base = milliseconds(100),
                       .cap = seconds(1),
                       .max_retry_after = seconds(60)};
  UniformRandom zero = [] { return 0.0; };
  EXPECT_EQ(BackoffDelay(policy, 1, seconds(5), zero), seconds(5));
  EXPECT_EQ(BackoffDelay(policy, 1, hours(5), zero), seconds(60));
  UniformRandom one = [] { return 0.99; };
  EXPECT_EQ(BackoffDelay(policy, 4, milliseconds(10), one), milliseconds(792));
}

TEST(BackoffTest, DefaultRandomStaysInRange) {
  auto random = DefaultRandom();
  for (int i = 0; i < 1000; ++i) {
    double r = random();
    ASSERT_GE(r, 0.0);
    ASSERT_LT(r, 1.0);
  }
}

TEST(BackoffTest, ParsesRetryAfter) {
  auto now = sys_days{2015y / October / 21} + 7h + 28min;
  EXPECT_EQ(ParseRetryAfter("120", now), seconds(120));
  EXPECT_EQ(ParseRetryAfter(" 0 ", now), seconds(0));
  EXPECT_EQ(ParseRetryAfter("Wed, 21 Oct 2015 07:29:00 GMT", now), seconds(60));
  EXPECT_EQ(ParseRetryAfter("Wed, 21 Oct 2015 07:00:00 GMT", now), milliseconds(0));
  // Values a hostile or broken server could send: capped at a day, no overflow (UBSan).
  EXPECT_EQ(ParseRetryAfter("9223372036854775807", now), hours(24));
  EXPECT_EQ(ParseRetryAfter("99999999999999999999999", now), hours(24));
  EXPECT_EQ(ParseRetryAfter("Fri, 31 Dec 9999 23:59:59 GMT", now), hours(24));
  EXPECT_EQ(ParseRetryAfter("Mon, 01 Jan 1000 00:00:00 GMT", now), milliseconds(0));
  for (const char* bad : {"", "-5", "soon", "12s", "Wed, 21 Oct 2015 07:29:00",
                          "-99999999999999999999999"}) {
    SCOPED_TRACE(bad);
    EXPECT_FALSE(ParseRetryAfter(bad, now));
  }
}

}  // namespace
}  // namespace sfwarden::salesforce
