#include "daemon/collector_metrics.h"

#include <gtest/gtest.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <chrono>
#include <optional>
#include <string>

#include "daemon/state_store.h"
#include "tests/support/process.h"

namespace sfwarden::daemon {
namespace {

/// The value of `name` for org "prod" and `user` ("" for none) in the registry or the
/// per-user series, if any.
std::optional<double> ValueIn(const prometheus::Registry& registry, const UserSeries& series,
                              const std::string& name, const std::string& user = "") {
  auto families = registry.Collect();
  auto per_user = series.Collect();
  families.insert(families.end(), per_user.begin(), per_user.end());
  for (const auto& family : families) {
    if (family.name != name) continue;
    for (const auto& m : family.metric) {
      std::string org, u;
      for (const auto& l : m.label) {
        if (l.name == "org") org = l.value;
        if (l.name == "user") u = l.value;
      }
      if (org != "prod" || u != user) continue;
      return family.type == prometheus::MetricType::Counter ? m.counter.value : m.gauge.value;
    }
  }
  return std::nullopt;
}

class CollectorMetricsTest : public ::testing::Test {
 protected:
  sfwarden::testing::TempDir tmp_;
  std::unique_ptr<StateStore> store_ = StateStore::Open(tmp_.path());
  std::optional<double> Value(const std::string& name, const std::string& user = "") const {
    return ValueIn(registry_, series_, name, user);
  }

  prometheus::Registry registry_;
  UserSeries series_;
  CollectorFamilies families_{registry_, series_};
};

TEST_F(CollectorMetricsTest, ActivityWithoutLoginStartsAtZeroForEveryUserAndCounts) {
  OrgMetrics metrics(families_, "prod", {"a@acme.com", "b@acme.com"}, *store_);
  EXPECT_EQ(Value("sfwarden_user_api_activity_without_login_total", "a@acme.com"), 0);
  EXPECT_EQ(Value("sfwarden_user_api_activity_without_login_total", "b@acme.com"), 0);

  metrics.ActivityWithoutLogin("b@acme.com");
  metrics.ActivityWithoutLogin("b@acme.com");
  EXPECT_EQ(Value("sfwarden_user_api_activity_without_login_total", "a@acme.com"), 0);
  EXPECT_EQ(Value("sfwarden_user_api_activity_without_login_total", "b@acme.com"), 2);
}

TEST_F(CollectorMetricsTest, LatestHourCoversConfiguredUsersOnlyWithItsStart) {
  OrgMetrics metrics(families_, "prod", {"a@acme.com", "b@acme.com"}, *store_);
  EXPECT_FALSE(Value("sfwarden_api_usage_latest_hour_timestamp_seconds"));
  EXPECT_FALSE(Value("sfwarden_user_api_calls_latest_hour", "a@acme.com"));

  const std::chrono::system_clock::time_point hour{std::chrono::hours(475'000)};
  metrics.UserApiCallsLatestHour(hour, {{"a@acme.com", 12}, {"human@acme.com", 99}});
  EXPECT_EQ(Value("sfwarden_api_usage_latest_hour_timestamp_seconds"), 475'000.0 * 3600);
  EXPECT_EQ(Value("sfwarden_user_api_calls_latest_hour", "a@acme.com"), 12);
  EXPECT_EQ(Value("sfwarden_user_api_calls_latest_hour", "b@acme.com"), 0);
  // Usage by other users of the org never becomes a label.
  EXPECT_FALSE(Value("sfwarden_user_api_calls_latest_hour", "human@acme.com"));
}

TEST_F(CollectorMetricsTest, RemovedOrgLeavesNoSeries) {
  {
    OrgMetrics metrics(families_, "prod", {"a@acme.com"}, *store_);
    metrics.UserApiCallsLatestHour(std::chrono::system_clock::time_point{}, {{"a@acme.com", 1}});
    metrics.ActivityWithoutLogin("a@acme.com");
  }
  EXPECT_FALSE(Value("sfwarden_user_api_activity_without_login_total", "a@acme.com"));
  EXPECT_FALSE(Value("sfwarden_user_api_calls_latest_hour", "a@acme.com"));
  EXPECT_FALSE(Value("sfwarden_api_usage_latest_hour_timestamp_seconds"));
}

}  // namespace
}  // namespace sfwarden::daemon
