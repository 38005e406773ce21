#include "salesforce/limit_info.h"

#include <gtest/gtest.h>

namespace sfwarden::salesforce {
namespace {

TEST(LimitInfoTest, ParsesApiUsage) {
  auto info = ParseLimitInfo("api-usage=18/5000");
  ASSERT_TRUE(info);
  EXPECT_EQ(info->api_usage, (UsageCount{18, 5000}));
  EXPECT_EQ(info->api_usage->remaining(), 4982);
  EXPECT_FALSE(info->per_app_api_usage);
}

TEST(LimitInfoTest, ParsesPerAppUsage) {
  auto info =
      ParseLimitInfo("api-usage=25/5000; per-app-api-usage=17/250(appName=sample-connected-app)");
  ASSERT_TRUE(info);
  EXPECT_EQ(info->api_usage, (UsageCount{25, 5000}));
  EXPECT_EQ(info->per_app_api_usage, (UsageCount{17, 250}));
  EXPECT_EQ(info->app_name, "sample-connected-app");
}

TEST(LimitInfoTest, ParsesApiBursts) {
  auto info = ParseLimitInfo("api-usage=10018/100000; api-bursts=1/750");
  ASSERT_TRUE(info);
  EXPECT_EQ(info->api_usage, (UsageCount{10018, 100000}));
  EXPECT_EQ(info->api_bursts, (UsageCount{1, 750}));
}

TEST(LimitInfoTest, PerAppUsageIsNotMistakenForOrgUsage) {
  auto info = ParseLimitInfo("per-app-api-usage=17/250(appName=x)");
  ASSERT_TRUE(info);
  EXPECT_FALSE(info->api_usage);
}

TEST(LimitInfoTest, ToleratesSpacingAndUnknownParts) {
  auto info = ParseLimitInfo("  future-thing=abc ;api-usage=1/2;;");
  ASSERT_TRUE(info);
  EXPECT_EQ(info->api_usage, (UsageCount{1, 2}));
}

TEST(LimitInfoTest, RejectsGarbage) {
  for (const char* h : {"", "api-usage", "api-usage=", "api-usage=1", "api-usage=a/b",
                        "api-usage=1/2x", "api-usage=-1/5", "api-usage=99999999999999999999/1"}) {
    SCOPED_TRACE(h);
    EXPECT_FALSE(ParseLimitInfo(h));
  }
}

}  // namespace
}  // namespace sfwarden::salesforce
