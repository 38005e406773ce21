// A real Prometheus (Debian's /usr/bin/prometheus) scrapes sfwarden, which watches an
// org played by sfsim, and evaluates the shipped rules (alerts/prometheus/): the target is
// up, every rule evaluates without error, and a collector made to fail by an sfsim fault
// turns SfwardenCollectorFailing pending, then inactive again once the fault is gone.
// The Grafana dashboard's expressions are checked against the same server: valid PromQL.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>
#include <vector>

#include "tests/support/process.h"

namespace sfwarden {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

constexpr const char* kPrometheus = "/usr/bin/prometheus";

constexpr const char* kOrgFile = R"(organization: { name: Acme Test }
limits: { DailyApiRequests: 100000000 }
profiles:
  - { name: System Administrator }
  - { name: Salesforce API Only System Integrations }
users:
  - { username: admin@acme.example, name: Sim Admin, profile: System Administrator }
  - username: hubspot.integration@acme.example
    name: HubSpot Integration
    profile: Salesforce API Only System Integrations
    permission_sets: [HubSpot_Sync_Access]
permission_sets:
  - { name: HubSpot_Sync_Access, label: HubSpot Sync Access, system: { ApiEnabled: true } }
connected_apps:
  - name: sfwarden
    client_id: sfwarden-client-id
    client_secret: sfwarden-client-secret
    execution_user: admin@acme.example
)";

// Every source read each second; the API version pins the path of the /limits fault.
std::string SfwardenConfig(int sim_port) {
  return R"(global:
  log: { level: info, format: text }
orgs:
  - name: sim
    login_url: http://127.0.0.1:)" +
         std::to_string(sim_port) + R"(
    api_version: "62.0"
    auth:
      flow: client_credentials
      client_id: sfwarden-client-id
      client_secret_file: ${CREDENTIALS_DIRECTORY}/secret
    mode: observe
    api_budget: { max_daily_share: 1.0, stop_below_remaining: 0.0 }
    poll: { logins: 1s, audit_trail: 1s, limits: 1s, oauth_tokens: 1s, api_usage_logs: 1s }
    integration_users:
      - username: hubspot.integration@acme.example
        baseline:
          permission_sets: [ HubSpot_Sync_Access ]
    permission_sets:
      HubSpot_Sync_Access: { system: { ApiEnabled: true } }
)";
}

std::string PrometheusConfig(int sfwarden_port) {
  return "global:\n"
         "  scrape_interval: 1s\n"
         "  evaluation_interval: 1s\n"
         "rule_files:\n"
         "  - " +
         testing::SourcePath("alerts/prometheus/sfwarden.rules.yml").string() +
         "\n"
         "scrape_configs:\n"
         "  - job_name: sfwarden\n"
         "    static_configs:\n"
         "      - targets: ['127.0.0.1:" +
         std::to_string(sfwarden_port) + "']\n";
}

std::string UrlEncode(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

std::string ReplaceAll(std::string s, const std::string& from, const std::string& to) {
  for (auto at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
  return s;
}

/// The PromQL of every panel target of the shipped Grafana dashboard, with its template
/// variables set as "All" would set them.
std::vector<std::string> DashboardExpressions() {
  std::ifstream in(testing::SourcePath("grafana/sfwarden-dashboard.json"));
  std::stringstream text;
  text << in.rdbuf();
  json dashboard = json::parse(text.str());
  std::vector<std::string> out;
  std::function<void(const json&)> walk = [&](const json& panels) {
    for (const auto& panel : panels) {
      if (panel.contains("panels")) walk(panel["panels"]);
      if (!panel.contains("targets")) continue;
      for (const auto& target : panel["targets"]) {
        std::string expr = target.value("expr", "");
        expr = ReplaceAll(expr, "$org", ".*");
        expr = ReplaceAll(expr, "$user", ".*");
        expr = ReplaceAll(expr, "$__rate_interval", "1m");
        out.push_back(expr);
      }
    }
  };
  walk(dashboard["panels"]);
  return out;
}

class PrometheusTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (access(kPrometheus, X_OK) != 0) {
      GTEST_SKIP() << kPrometheus
                   << " is missing (Debian package prometheus; ./scripts/setup installs it)";
    }
    dir_.Write("creds/secret", "sfwarden-client-secret\n", 0600);

    auto org = dir_.Write("org.yaml", kOrgFile);
    sim_ = std::make_unique<testing::Subprocess>(
        std::vector<std::string>{testing::BinaryPath("sim/sfsim").string(), "--org", org.string(),
                                 "--listen", "127.0.0.1:0"});
    ASSERT_TRUE(sim_->WaitForOutput("sfsim listening on", 10s)) << sim_->Stderr();
    auto out = sim_->Stdout();
    sim_port_ = std::stoi(out.substr(out.rfind(':') + 1));

    sfwarden_port_ = testing::FreePort();
    auto config = dir_.Write("sfwarden.yml", SfwardenConfig(sim_port_));
    sfwarden_ = std::make_unique<testing::Subprocess>(
        std::vector<std::string>{testing::BinaryPath("daemon/sfwarden").string(), "run",
                                 "--config.file=" + config.string(),
                                 "--web.listen-address=127.0.0.1:" + std::to_string(sfwarden_port_),
                                 "--state.dir=" + (dir_.path() / "state").string()},
        std::map<std::string, std::string>{
            {"CREDENTIALS_DIRECTORY", (dir_.path() / "creds").string()}});

    prometheus_port_ = testing::FreePort();
    auto prom_config = dir_.Write("prometheus.yml", PrometheusConfig(sfwarden_port_));
    prometheus_ = std::make_unique<testing::Subprocess>(std::vector<std::string>{
        kPrometheus, "--config.file=" + prom_config.string(),
        "--storage.tsdb.path=" + (dir_.path() / "tsdb").string(),
        "--web.listen-address=127.0.0.1:" + std::to_string(prometheus_port_)});
    ASSERT_TRUE(prometheus_->WaitForOutput("Server is ready to receive web requests", 20s))
        << prometheus_->Stderr();
  }

  /// GET a Prometheus API path; its "data" member (null when the call failed).
  json Api(const std::string& target) {
    auto r = testing::HttpGet(prometheus_port_, target);
    if (r.status != 200) return nullptr;
    auto body = json::parse(r.body, nullptr, /*allow_exceptions=*/false);
    if (body.is_discarded() || body.value("status", "") != "success") return nullptr;
    return body["data"];
  }

  /// Polls until `ok` holds, within `timeout` (so a bug fails rather than hangs the
  /// suite); false and a failure with `what` otherwise.
  bool WaitUntil(const std::string& what, const std::function<bool()>& ok,
                 std::chrono::seconds timeout = 20s) {
    for (auto deadline = std::chrono::steady_clock::now() + timeout;
         std::chrono::steady_clock::now() < deadline; std::this_thread::sleep_for(200ms)) {
      if (ok()) return true;
    }
    ADD_FAILURE() << "timed out waiting for " << what << "\nprometheus stderr (tail):\n"
                  << Tail(prometheus_->Stderr()) << "\nsfwarden stderr (tail):\n"
                  << Tail(sfwarden_->Stderr());
    return false;
  }
  static std::string Tail(const std::string& s) {
    return s.size() > 3000 ? s.substr(s.size() - 3000) : s;
  }

  /// The SfwardenCollectorFailing alert of source `source` ("inactive" when there is none).
  std::string CollectorFailingState(const std::string& source) {
    json data = Api("/api/v1/alerts");
    if (data.is_null()) return "no answer";
    for (const auto& alert : data["alerts"]) {
      const auto& labels = alert["labels"];
      if (labels.value("alertname", "") == "SfwardenCollectorFailing" &&
          labels.value("source", "") == source) {
        last_alert_ = alert;
        return alert.value("state", "");
      }
    }
    return "inactive";
  }

  testing::TempDir dir_;
  std::unique_ptr<testing::Subprocess> sim_;
  std::unique_ptr<testing::Subprocess> sfwarden_;
  std::unique_ptr<testing::Subprocess> prometheus_;
  int sim_port_ = 0;
  int sfwarden_port_ = 0;
  int prometheus_port_ = 0;
  json last_alert_;
};

TEST_F(PrometheusTest, ScrapesSfwardenAndEvaluatesTheShippedRules) {
  // The target is up: Prometheus parses sfwarden's exposition.
  json target;
  ASSERT_TRUE(WaitUntil("the sfwarden target to be up", [&] {
    json data = Api("/api/v1/targets");
    if (data.is_null() || data["activeTargets"].size() != 1) return false;
    target = data["activeTargets"][0];
    return target.value("health", "") == "up";
  })) << target.dump();
  EXPECT_EQ(target["labels"]["job"], "sfwarden");
  EXPECT_EQ(target.value("lastError", "x"), "");

  // sfwarden has read the org: its metrics are in Prometheus.
  ASSERT_TRUE(WaitUntil("sfwarden_collector_success{source=\"limits\"} == 1", [&] {
    json data = Api("/api/v1/query?query=sfwarden_collector_success%7Bsource%3D%22limits%22%7D");
    return !data.is_null() && data["result"].size() == 1 && data["result"][0]["value"][1] == "1";
  }));

  // /limits now fails: every read (and retry) gets Salesforce's 500 body.
  auto fault = testing::HttpRequest(
      sim_port_, "POST", "/__sim/faults",
      R"({"path": "/services/data/v62.0/limits", "kind": "status", "status": 500, "count": 100000})",
      "application/json");
  ASSERT_EQ(fault.status, 200) << fault.body;

  // `for: 15m` keeps it pending for the length of this test: pending proves that the
  // shipped expression matches what sfwarden exports.
  ASSERT_TRUE(WaitUntil("SfwardenCollectorFailing{source=\"limits\"} to be pending",
                        [&] { return CollectorFailingState("limits") == "pending"; }));
  EXPECT_EQ(last_alert_["labels"]["org"], "sim");
  EXPECT_EQ(last_alert_["labels"]["job"], "sfwarden");
  EXPECT_EQ(last_alert_["labels"]["severity"], "warning");
  EXPECT_EQ(last_alert_["annotations"]["summary"], "sfwarden cannot read limits of org sim");
  EXPECT_EQ(CollectorFailingState("logins"), "inactive");

  // Every shipped rule evaluated without error against the real exposition, and neither
  // sfwarden-down rule is active.
  json rules = Api("/api/v1/rules");
  ASSERT_FALSE(rules.is_null());
  int evaluated = 0;
  for (const auto& group : rules["groups"]) {
    for (const auto& rule : group["rules"]) {
      SCOPED_TRACE(rule.value("name", ""));
      EXPECT_EQ(rule.value("health", ""), "ok") << rule.dump();
      ++evaluated;
      if (rule["name"] == "SfwardenDown" || rule["name"] == "SfwardenAbsent") {
        EXPECT_EQ(rule.value("state", ""), "inactive");
      }
    }
  }
  EXPECT_GE(evaluated, 10);

  // Every expression of the Grafana dashboard is valid PromQL for this Prometheus.
  auto expressions = DashboardExpressions();
  EXPECT_GT(expressions.size(), 20u);
  for (const auto& expr : expressions) {
    auto r = testing::HttpGet(prometheus_port_, "/api/v1/query?query=" + UrlEncode(expr));
    EXPECT_EQ(r.status, 200) << expr << "\n" << r.body;
  }

  // The fault is gone: the next good read clears the pending alert.
  auto cleared = testing::HttpRequest(sim_port_, "DELETE", "/__sim/faults");
  ASSERT_EQ(cleared.status, 200) << cleared.body;
  EXPECT_TRUE(WaitUntil("SfwardenCollectorFailing{source=\"limits\"} to clear",
                        [&] { return CollectorFailingState("limits") == "inactive"; }));
}

}  // namespace
}  // namespace sfwarden
