#include "daemon/user_series.h"

#include <gtest/gtest.h>
#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

namespace sfwarden::daemon {
namespace {

std::vector<std::string> SortedLines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  std::sort(lines.begin(), lines.end());
  return lines;
}

/// The same series put into a prometheus-cpp registry, family by family.
std::string SerializedByPrometheusCpp(const std::vector<prometheus::MetricFamily>& families) {
  prometheus::Registry registry;
  for (const auto& f : families) {
    for (const auto& m : f.metric) {
      std::map<std::string, std::string> labels;
      for (const auto& l : m.label) labels[l.name] = l.value;
      if (f.type == prometheus::MetricType::Counter) {
        prometheus::BuildCounter()
            .Name(f.name)
            .Help(f.help)
            .Register(registry)
            .Add(labels)
            .Increment(m.counter.value);
      } else {
        prometheus::BuildGauge().Name(f.name).Help(f.help).Register(registry).Add(labels).Set(
            m.gauge.value);
      }
    }
  }
  return prometheus::TextSerializer().Serialize(registry.Collect());
}

TEST(UserSeriesTest, TextIsWhatPrometheusCppWritesForTheSameSeries) {
  UserSeries series;
  auto& prod = series.AddOrg("prod", {"a@acme.com", "quote\"back\\slash\nnewline@acme.com"});
  auto& test = series.AddOrg("test", {"a@acme.com"});
  prod.Set("a@acme.com", UserMetric::kLastSuccessfulLogin, 1764194400.123456);
  prod.Set("quote\"back\\slash\nnewline@acme.com", UserMetric::kApiCallsToday, 12);
  prod.Add("a@acme.com", UserMetric::kActivityWithoutLogin, 2);
  prod.Set("a@acme.com", UserMetric::kSourceIps, 0.1);
  test.Set("a@acme.com", UserMetric::kPermissionSets, 1e20);
  test.Set("a@acme.com", UserMetric::kCountries, -2.5e-7);
  prod.AddLogins("a@acme.com", "success", "api", 3);
  prod.AddLogins("a@acme.com", "invalid_password", "ui", 1);
  prod.SetDrift("", "sharing_rule_missing", 4);
  test.SetDrift("a@acme.com", "user_frozen", 1);

  std::string text;
  series.AppendText(text);

  EXPECT_NE(text.find("sfwarden_logins_total{org=\"prod\",outcome=\"success\",type=\"api\","
                      "user=\"a@acme.com\"} 3\n"),
            std::string::npos);
  EXPECT_EQ(SortedLines(text), SortedLines(SerializedByPrometheusCpp(series.Collect())));
}

TEST(UserSeriesTest, SeriesExistFromTheirFirstValueOnly) {
  UserSeries series;
  auto& org = series.AddOrg("prod", {"a@acme.com", "b@acme.com"});
  std::string empty;
  series.AppendText(empty);
  EXPECT_EQ(empty, "");  // prometheus-cpp writes no HELP/TYPE for a family without series

  org.Touch("b@acme.com", UserMetric::kOAuthTokensIssued);
  EXPECT_FALSE(org.Get("a@acme.com", UserMetric::kOAuthTokensIssued));
  EXPECT_EQ(org.Get("b@acme.com", UserMetric::kOAuthTokensIssued), 0);
  org.Add("b@acme.com", UserMetric::kOAuthTokensIssued, 1);
  EXPECT_EQ(org.Get("b@acme.com", UserMetric::kOAuthTokensIssued), 1);
}

TEST(UserSeriesTest, SetMaxKeepsTheLargestValue) {
  UserSeries series;
  auto& org = series.AddOrg("prod", {"a@acme.com"});
  org.SetMax("a@acme.com", UserMetric::kLastSuccessfulLogin, 200);
  org.SetMax("a@acme.com", UserMetric::kLastSuccessfulLogin, 100);
  EXPECT_EQ(org.Get("a@acme.com", UserMetric::kLastSuccessfulLogin), 200);
  org.SetMax("a@acme.com", UserMetric::kLastSuccessfulLogin, 300);
  EXPECT_EQ(org.Get("a@acme.com", UserMetric::kLastSuccessfulLogin), 300);
}

TEST(UserSeriesTest, SetConfiguredLeavesOtherUsersAlone) {
  UserSeries series;
  auto& org = series.AddOrg("prod", {"b@acme.com", "a@acme.com"});
  org.Set("old@acme.com", UserMetric::kSourceIps, 5);  // e.g. restored from the store
  org.SetConfigured(UserMetric::kFound, [](const std::string& u) { return u == "a@acme.com"; });
  EXPECT_EQ(org.Get("a@acme.com", UserMetric::kFound), 1);
  EXPECT_EQ(org.Get("b@acme.com", UserMetric::kFound), 0);
  EXPECT_FALSE(org.Get("old@acme.com", UserMetric::kFound));
  EXPECT_EQ(org.Get("old@acme.com", UserMetric::kSourceIps), 5);
}

TEST(UserSeriesTest, RemovedOrgLeavesNoSeriesAndOthersStay) {
  UserSeries series;
  auto& prod = series.AddOrg("prod", {"a@acme.com"});
  auto& test = series.AddOrg("test", {"a@acme.com"});
  prod.Set("a@acme.com", UserMetric::kFound, 1);
  prod.AddLogins("a@acme.com", "success", "api", 1);
  prod.SetDrift("a@acme.com", "user_frozen", 1);
  test.Set("a@acme.com", UserMetric::kFound, 1);

  series.RemoveOrg(prod);

  std::string text;
  series.AppendText(text);
  EXPECT_EQ(text.find("org=\"prod\""), std::string::npos);
  EXPECT_NE(text.find("sfwarden_user_found{org=\"test\",user=\"a@acme.com\"} 1\n"),
            std::string::npos);
}

}  // namespace
}  // namespace sfwarden::daemon
