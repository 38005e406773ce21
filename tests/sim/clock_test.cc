#include "sim/clock.h"

#include <gtest/gtest.h>

namespace sfwarden::sim {
namespace {

TEST(ClockTest, FormatsRestDateTimeWithMillisAndPlusZeroZeroZeroZero) {
  auto t = ParseDateTime("2024-01-31T23:59:59Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(FormatDateTime(*t), "2024-01-31T23:59:59.000+0000");
  EXPECT_EQ(FormatDate(*t), "2024-01-31");
  EXPECT_EQ(FormatCompactTimestamp(*t + 123), "20240131235959.123");
  EXPECT_EQ(FormatIsoZ(*t + 5), "2024-01-31T23:59:59.005Z");
}

TEST(ClockTest, ParsesOffsetsAndFractions) {
  EXPECT_EQ(ParseDateTime("2024-01-01T01:00:00+01:00"), ParseDateTime("2024-01-01T00:00:00Z"));
  EXPECT_EQ(ParseDateTime("2023-12-31T19:00:00-0500"), ParseDateTime("2024-01-01T00:00:00Z"));
  EXPECT_EQ(*ParseDateTime("2024-01-01T00:00:00.5Z") - *ParseDateTime("2024-01-01T00:00:00Z"), 500);
  EXPECT_EQ(ParseDateTime("2024-01-01T00:00:00.000+0000"), ParseDateTime("2024-01-01T00:00:00Z"));
  EXPECT_FALSE(ParseDateTime("2024-01-01"));
  EXPECT_FALSE(ParseDateTime("2024-13-01T00:00:00Z"));
  EXPECT_FALSE(ParseDateTime("2024-01-01T00:00:00"));
}

TEST(ClockTest, FrozenClockMovesOnlyWhenAdvanced) {
  VirtualClock clock(1000);
  EXPECT_EQ(clock.Now(), 1000);
  clock.Advance(60'000);
  EXPECT_EQ(clock.Now(), 61'000);
}

TEST(ClockTest, ParsesDurations) {
  EXPECT_EQ(ParseDurationMs("2h"), 7'200'000);
  EXPECT_EQ(ParseDurationMs("90"), 90'000);
  EXPECT_EQ(ParseDurationMs("15m"), 900'000);
  EXPECT_FALSE(ParseDurationMs("soon"));
}

}  // namespace
}  // namespace sfwarden::sim
