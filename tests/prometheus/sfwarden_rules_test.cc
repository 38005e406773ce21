// Checks the shape of alerts/prometheus/sfwarden.rules.yml and that its promtool unit
// tests (sfwarden.rules.test.yml, run by ctest -R PrometheusRulesUnit) evaluate every alert
// both firing and not firing. promtool itself checks that the expected alerts are right.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "tests/support/process.h"
#include "tests/support/promql_names.h"

namespace sfwarden::prometheus {
namespace {

using sfwarden::testing::SourcePath;

YAML::Node Rules() {
  return YAML::LoadFile(SourcePath("alerts/prometheus/sfwarden.rules.yml").string());
}
YAML::Node RuleTests() {
  return YAML::LoadFile(SourcePath("tests/prometheus/sfwarden.rules.test.yml").string());
}

std::map<std::string, YAML::Node> AlertsByName() {
  std::map<std::string, YAML::Node> alerts;
  for (const auto& group : Rules()["groups"]) {
    for (const auto& rule : group["rules"]) {
      if (rule["alert"]) alerts[rule["alert"].as<std::string>()] = YAML::Node(rule);
    }
  }
  return alerts;
}

TEST(SfwardenRulesTest, EveryAlertHasASeverityAndTheThreeAnnotations) {
  auto alerts = AlertsByName();
  ASSERT_GE(alerts.size(), 10u);
  const std::set<std::string> severities = {"critical", "warning", "info"};
  for (const auto& [name, rule] : alerts) {
    SCOPED_TRACE(name);
    ASSERT_TRUE(rule["labels"]["severity"]);
    EXPECT_TRUE(severities.count(rule["labels"]["severity"].as<std::string>()));
    for (const char* key : {"summary", "description", "runbook"}) {
      ASSERT_TRUE(rule["annotations"][key]) << key;
      EXPECT_FALSE(rule["annotations"][key].as<std::string>().empty()) << key;
    }
  }
}

TEST(SfwardenRulesTest, TheIssuesAlertsAreThere) {
  auto alerts = AlertsByName();
  for (const char* name :
       {"SfwardenDown", "SfwardenAbsent", "SfwardenConfigReloadFailed", "SfwardenCollectorFailing",
        "SalesforceOrgApiUsageHigh", "SalesforceOrgApiUsageCritical", "SfwardenApiBudgetExhausted",
        "SfwardenApiBudgetStretched", "SfwardenDriftNotResolved", "SfwardenRemediationFailed",
        "SfwardenEnforcementPaused", "SfwardenJournalPending"}) {
    EXPECT_TRUE(alerts.count(name)) << name;
  }
}

TEST(SfwardenRulesTest, EveryExpressionReadsOnlyMetricsSfwardenExports) {
  std::ifstream in(SourcePath("docs/metrics.md"));
  std::stringstream md;
  md << in.rdbuf();
  auto docs = testing::DocumentedMetrics(md.str());
  ASSERT_FALSE(docs.empty());
  for (const auto& [name, rule] : AlertsByName()) {
    auto expr = rule["expr"].as<std::string>();
    SCOPED_TRACE(name + ": " + expr);
    auto metrics = testing::MetricNames(expr);
    EXPECT_FALSE(metrics.empty());
    for (const auto& metric : metrics) {
      EXPECT_TRUE(testing::IsDocumented(docs, metric) || testing::kNotInMetricsDoc.count(metric))
          << metric << " is neither in docs/metrics.md nor in kNotInMetricsDoc";
    }
  }
}

TEST(SfwardenRulesTest, UnitTestsLoadTheShippedRules) {
  auto tests = RuleTests();
  ASSERT_EQ(tests["rule_files"].size(), 1u);
  EXPECT_EQ(tests["rule_files"][0].as<std::string>(), "../../alerts/prometheus/sfwarden.rules.yml");
}

TEST(SfwardenRulesTest, UnitTestsSeeEveryAlertFiringAndNotFiring) {
  std::map<std::string, int> firing;
  std::map<std::string, int> quiet;
  for (const auto& test : RuleTests()["tests"]) {
    for (const auto& check : test["alert_rule_test"]) {
      auto name = check["alertname"].as<std::string>();
      if (check["exp_alerts"] && check["exp_alerts"].size() > 0) {
        ++firing[name];
      } else {
        ++quiet[name];
      }
    }
  }
  for (const auto& [name, rule] : AlertsByName()) {
    EXPECT_GT(firing[name], 0) << name << " is never expected to fire";
    EXPECT_GT(quiet[name], 0) << name << " is never expected to stay quiet";
  }
}

}  // namespace
}  // namespace sfwarden::prometheus
