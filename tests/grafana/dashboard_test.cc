// Checks grafana/sfwarden-dashboard.json: every PromQL expression in it (panel targets and
// the template variables' queries) reads only metrics sfwarden exports (docs/metrics.md,
// plus kNotInMetricsDoc), per-org panels follow the org variable, and the panels the
// issue asks for are there.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/process.h"
#include "tests/support/promql_names.h"

namespace sfwarden::grafana {
namespace {

using json = nlohmann::json;
using sfwarden::testing::DocumentedMetrics;
using sfwarden::testing::IsDocumented;
using sfwarden::testing::kNotInMetricsDoc;
using sfwarden::testing::MetricNames;
using sfwarden::testing::SourcePath;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::string ReadFile(const std::string& relative) {
  std::ifstream in(SourcePath(relative), std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

json Dashboard() { return json::parse(ReadFile("grafana/sfwarden-dashboard.json")); }

/// Every panel, rows' nested panels included.
std::vector<json> Panels(const json& dashboard) {
  std::vector<json> out;
  for (const auto& p : dashboard["panels"]) {
    out.push_back(p);
    if (p.contains("panels")) {
      for (const auto& nested : p["panels"]) out.push_back(nested);
    }
  }
  return out;
}

struct Expression {
  std::string where;  // panel title or variable name
  std::string expr;
};

std::vector<Expression> Expressions(const json& dashboard) {
  std::vector<Expression> out;
  for (const auto& panel : Panels(dashboard)) {
    if (!panel.contains("targets")) continue;
    for (const auto& target : panel["targets"]) {
      out.push_back({panel.value("title", ""), target.value("expr", "")});
    }
  }
  for (const auto& var : dashboard["templating"]["list"]) {
    if (var.value("type", "") != "query") continue;
    const json& q = var["query"];
    out.push_back(
        {"$" + var.value("name", ""), q.is_object() ? q.value("query", "") : q.get<std::string>()});
  }
  return out;
}

TEST(PromqlNamesTest, FindsTheMetricsButNotLabelsFunctionsOrVariables) {
  EXPECT_THAT(
      MetricNames(
          R"(sum by (org, user) (increase(sfwarden_logins_total{org=~"$org", outcome!="success"}[1h])))"),
      ElementsAre("sfwarden_logins_total"));
  EXPECT_THAT(MetricNames(R"(sum by (org) (a_used{org=~"$org"}) / on (org) max by (org) (b_max))"),
              ElementsAre("a_used", "b_max"));
  EXPECT_THAT(
      MetricNames("histogram_quantile(0.95, sum by (le) (rate(x_bucket[$__rate_interval])))"),
      ElementsAre("x_bucket"));
  EXPECT_THAT(MetricNames("time() - last_seconds > 3 * interval_seconds + 600"),
              ElementsAre("interval_seconds", "last_seconds"));
  EXPECT_THAT(MetricNames(R"(label_values(sfwarden_logins_total{org=~"$org"}, user))"),
              ElementsAre("sfwarden_logins_total"));
  EXPECT_THAT(MetricNames(R"(absent(up{job="sfwarden"}))"), ElementsAre("up"));
  EXPECT_THAT(MetricNames("a > 0 and b >= 0.99 * a"), ElementsAre("a", "b"));
}

TEST(PromqlNamesTest, ReadsTheMetricsDocAndItsHistogramSeries) {
  auto docs = DocumentedMetrics(ReadFile("docs/metrics.md"));
  EXPECT_TRUE(IsDocumented(docs, "sfwarden_logins_total"));
  EXPECT_TRUE(IsDocumented(docs, "sfwarden_salesforce_request_duration_seconds_bucket"));
  EXPECT_FALSE(IsDocumented(docs, "sfwarden_logins_total_bucket"));  // a counter
  EXPECT_FALSE(IsDocumented(docs, "sfwarden_login_total"));
  EXPECT_GT(docs.size(), 30u);
}

TEST(DashboardTest, EveryExpressionReadsOnlyMetricsSfwardenExports) {
  auto docs = DocumentedMetrics(ReadFile("docs/metrics.md"));
  auto expressions = Expressions(Dashboard());
  ASSERT_GT(expressions.size(), 20u);
  for (const auto& e : expressions) {
    SCOPED_TRACE(e.where + ": " + e.expr);
    auto names = MetricNames(e.expr);
    EXPECT_FALSE(names.empty());
    for (const auto& name : names) {
      EXPECT_TRUE(IsDocumented(docs, name) || kNotInMetricsDoc.count(name))
          << name << " is neither in docs/metrics.md nor in kNotInMetricsDoc";
    }
  }
}

TEST(DashboardTest, PerOrgPanelsFollowTheOrgVariable) {
  // The only series without an org label.
  const std::set<std::string> global = {"up",
                                        "sfwarden_build_info",
                                        "sfwarden_config_last_reload_successful",
                                        "sfwarden_config_last_reload_success_timestamp_seconds",
                                        "sfwarden_internal_errors_total",
                                        "sfwarden_alerts_firing",
                                        "sfwarden_notifications_total",
                                        "process_cpu_seconds_total",
                                        "process_resident_memory_bytes",
                                        "process_open_fds"};
  for (const auto& e : Expressions(Dashboard())) {
    if (e.where == "$org") continue;  // lists the orgs
    SCOPED_TRACE(e.where + ": " + e.expr);
    bool per_org = false;
    for (const auto& name : MetricNames(e.expr)) per_org |= !global.count(name);
    if (per_org) {
      EXPECT_NE(e.expr.find(R"(org=~"$org")"), std::string::npos);
    }
  }
}

TEST(DashboardTest, HasOrgAndUserVariablesOnAPrometheusDataSource) {
  auto dashboard = Dashboard();
  std::map<std::string, json> vars;
  for (const auto& v : dashboard["templating"]["list"]) vars[v.value("name", "")] = v;
  ASSERT_TRUE(vars.count("datasource"));
  EXPECT_EQ(vars["datasource"]["type"], "datasource");
  EXPECT_EQ(vars["datasource"]["query"], "prometheus");
  ASSERT_TRUE(vars.count("org"));
  EXPECT_EQ(vars["org"]["type"], "query");
  EXPECT_TRUE(vars["org"].value("multi", false));
  EXPECT_TRUE(vars["org"].value("includeAll", false));
  ASSERT_TRUE(vars.count("user"));

  std::set<int> ids;
  for (const auto& panel : Panels(dashboard)) {
    SCOPED_TRACE(panel.value("title", ""));
    EXPECT_TRUE(ids.insert(panel.value("id", -1)).second) << "duplicate panel id";
    if (!panel.contains("targets")) continue;
    EXPECT_EQ(panel["datasource"]["uid"], "${datasource}");
    for (const auto& target : panel["targets"]) {
      EXPECT_EQ(target["datasource"]["uid"], "${datasource}");
    }
  }
}

TEST(DashboardTest, ShowsWhatTheIssueAsksFor) {
  // Per org: API allowance and sfwarden's own share, logins and failures per integration
  // user, anomalies, drift and remediations, collector health.
  std::set<std::string> read;
  for (const auto& e : Expressions(Dashboard())) {
    for (const auto& name : MetricNames(e.expr)) read.insert(name);
  }
  std::vector<std::string> missing;
  for (const char* name :
       {"sfwarden_org_api_requests_used_ratio", "sfwarden_salesforce_app_api_requests_used",
        "sfwarden_api_budget_calls_per_day", "sfwarden_logins_total", "sfwarden_anomalies_total",
        "sfwarden_drift_items", "sfwarden_remediations_total", "sfwarden_collector_success",
        "sfwarden_collector_last_success_timestamp_seconds"}) {
    if (!read.count(name)) missing.push_back(name);
  }
  EXPECT_THAT(missing, IsEmpty());
}

}  // namespace
}  // namespace sfwarden::grafana
