#include "alerts/time_zone.h"

#include <gtest/gtest.h>

namespace sfwarden::alerts {
namespace {

using namespace std::chrono;

sys_seconds At(int y, unsigned m, unsigned d, int h, int min = 0) {
  return sys_days(year(y) / month(m) / day(d)) + hours(h) + minutes(min);
}

TEST(TimeZoneTest, UtcHasNoOffset) {
  EXPECT_EQ(TimeZone::Utc().OffsetAt(At(2024, 7, 1, 12)), seconds(0));
  auto utc = TimeZone::Load("UTC");
  ASSERT_TRUE(utc) << utc.error();
  EXPECT_EQ(utc->OffsetAt(At(2024, 7, 1, 12)), seconds(0));
}

TEST(TimeZoneTest, ParisSwitchesToSummerTimeAtOneUtcOnTheLastSundayOfMarch) {
  auto paris = TimeZone::Load("Europe/Paris");
  ASSERT_TRUE(paris) << paris.error();
  // 2024-03-31 01:00 UTC: CET (+1) becomes CEST (+2).
  EXPECT_EQ(paris->OffsetAt(At(2024, 3, 31, 0, 59)), hours(1));
  EXPECT_EQ(paris->OffsetAt(At(2024, 3, 31, 1, 0)), hours(2));
  EXPECT_EQ(paris->OffsetAt(At(2024, 10, 27, 0, 59)), hours(2));
  EXPECT_EQ(paris->OffsetAt(At(2024, 10, 27, 1, 0)), hours(1));
}

TEST(TimeZoneTest, NegativeAndHalfHourOffsets) {
  auto ny = TimeZone::Load("America/New_York");
  auto kolkata = TimeZone::Load("Asia/Kolkata");
  ASSERT_TRUE(ny && kolkata);
  EXPECT_EQ(ny->OffsetAt(At(2024, 1, 15, 12)), hours(-5));
  EXPECT_EQ(ny->OffsetAt(At(2024, 7, 15, 12)), hours(-4));
  EXPECT_EQ(kolkata->OffsetAt(At(2024, 1, 15, 12)), hours(5) + minutes(30));
  EXPECT_EQ(ny->ToLocal(At(2024, 1, 15, 3)).time_since_epoch(),
            (At(2024, 1, 14, 22)).time_since_epoch());
}

TEST(TimeZoneTest, UnknownOrEscapingNamesAreRefused) {
  EXPECT_FALSE(TimeZone::Load("Mars/Olympus_Mons"));
  EXPECT_FALSE(TimeZone::Load("../../etc/passwd"));
  EXPECT_FALSE(TimeZone::Load("/etc/passwd"));
  EXPECT_FALSE(TimeZone::Load(""));
  EXPECT_FALSE(TimeZone::Load("Europe/"));
}

TEST(TimeZoneTest, KeepsItsName) {
  auto paris = TimeZone::Load("Europe/Paris");
  ASSERT_TRUE(paris) << paris.error();
  EXPECT_EQ(paris->name(), "Europe/Paris");
  EXPECT_EQ(TimeZone::Utc().name(), "UTC");
}

}  // namespace
}  // namespace sfwarden::alerts
