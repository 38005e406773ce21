// Process-level test of the alert path: sfsim plays the org, sfwarden polls it every
// second and pushes its alerts to a real Alertmanager (Debian's prometheus-alertmanager)
// on loopback; the test reads them back through Alertmanager's API v2.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <thread>

#include "tests/support/process.h"

namespace sfwarden {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;

constexpr const char* kAlertmanager = "/usr/bin/prometheus-alertmanager";
constexpr const char* kHubspot = "hubspot.integration@acme.example";

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
connected_apps:
  - name: sfwarden
    client_id: sfwarden-client-id
    client_secret: sfwarden-client-secret
    execution_user: admin@acme.example
)";

// Alertmanager's smallest valid configuration: everything to a receiver that sends nothing.
constexpr const char* kAlertmanagerConfig = R"(route:
  receiver: blackhole
  group_wait: 1s
receivers:
  - name: blackhole
)";

class AlertsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(kAlertmanager)) {
      GTEST_SKIP() << kAlertmanager << " is not installed (Debian prometheus-alertmanager; "
                   << "scripts/setup installs it)";
    }
    dir_.Write("creds/secret", "sfwarden-client-secret\n", 0600);
    auto org = dir_.Write("org.yaml", kOrgFile);
    sim_ = std::make_unique<testing::Subprocess>(
        std::vector<std::string>{testing::BinaryPath("sim/sfsim").string(), "--org", org.string(),
                                 "--listen", "127.0.0.1:0"});
    ASSERT_TRUE(sim_->WaitForOutput("sfsim listening on", 10s)) << sim_->Stderr();
    auto out = sim_->Stdout();
    sim_port_ = std::stoi(out.substr(out.rfind(':') + 1));

    am_port_ = testing::FreePort();
    auto am_config = dir_.Write("alertmanager.yml", kAlertmanagerConfig);
    // --cluster.listen-address= turns gossip off (it would bind 9094 on every interface).
    am_ = std::make_unique<testing::Subprocess>(std::vector<std::string>{
        kAlertmanager, "--config.file=" + am_config.string(),
        "--storage.path=" + (dir_.path() / "am").string(),
        "--web.listen-address=127.0.0.1:" + std::to_string(am_port_), "--cluster.listen-address="});
    for (auto deadline = std::chrono::steady_clock::now() + 20s;
         std::chrono::steady_clock::now() < deadline; std::this_thread::sleep_for(100ms)) {
      if (testing::HttpGet(am_port_, "/-/ready").status == 200) break;
    }
    ASSERT_EQ(testing::HttpGet(am_port_, "/-/ready").status, 200) << am_->Stderr();

    port_ = testing::FreePort();
    config_ = dir_.Write("sfwarden.yml", R"(global:
  log: { level: debug, format: text }
orgs:
  - name: acme
    login_url: http://127.0.0.1:)" + std::to_string(sim_port_) +
                                             R"(
    auth:
      flow: client_credentials
      client_id: sfwarden-client-id
      client_secret_file: ${CREDENTIALS_DIRECTORY}/secret
    api_budget: { max_daily_share: 1.0, stop_below_remaining: 0.0 }
    poll: { logins: 1s, audit_trail: 1s, limits: 1s, oauth_tokens: 1s, api_usage_logs: 1s }
    integration_users:
      - username: hubspot.integration@acme.example
        allowed_ips: [ 54.174.0.0/16, 2600:1f18::/36 ]
alerting:
  alertmanager: [ { url: "http://127.0.0.1:)" +
                                             std::to_string(am_port_) + R"(" } ]
  resend_interval: 1s
  resolve_events_after: 6s
)");
    sfwarden_ = std::make_unique<testing::Subprocess>(
        std::vector<std::string>{testing::BinaryPath("daemon/sfwarden").string(), "run",
                                 "--config.file=" + config_.string(),
                                 "--web.listen-address=127.0.0.1:" + std::to_string(port_),
                                 "--state.dir=" + (dir_.path() / "state").string()},
        std::map<std::string, std::string>{
            {"CREDENTIALS_DIRECTORY", (dir_.path() / "creds").string()}});
  }

  void RecordLogin(const std::string& ip, const std::string& login_type) {
    auto r = testing::HttpRequest(
        sim_port_, "POST", "/__sim/logins",
        R"({"username": ")" + std::string(kHubspot) + R"(", "status": "Success", "source_ip": ")" +
            ip + R"(", "country_iso": "US", "login_type": ")" + login_type + R"("})",
        "application/json");
    ASSERT_EQ(r.status, 200) << r.body;
  }

  /// Alertmanager's active alerts (resolved ones are not listed).
  json ActiveAlerts() {
    auto r = testing::HttpGet(am_port_, "/api/v2/alerts");
    if (r.status != 200) return json::array();
    return json::parse(r.body, nullptr, /*allow_exceptions=*/false);
  }

  static std::optional<json> Find(const json& alerts, const std::string& alertname) {
    if (!alerts.is_array()) return std::nullopt;
    for (const auto& a : alerts) {
      if (a["labels"].value("alertname", "") == alertname) return a;
    }
    return std::nullopt;
  }

  /// Polls until `ok` holds (30 s bound, so a bug fails rather than hangs).
  json WaitFor(const std::function<bool(const json&)>& ok) {
    json alerts;
    for (auto deadline = std::chrono::steady_clock::now() + 30s;
         std::chrono::steady_clock::now() < deadline; std::this_thread::sleep_for(200ms)) {
      alerts = ActiveAlerts();
      if (ok(alerts)) return alerts;
    }
    ADD_FAILURE() << "condition not met; Alertmanager has: " << alerts.dump() << "\nsfwarden:\n"
                  << sfwarden_->Stderr() << sfwarden_->Stdout();
    return alerts;
  }

  testing::TempDir dir_;
  std::unique_ptr<testing::Subprocess> sim_;
  std::unique_ptr<testing::Subprocess> am_;
  std::unique_ptr<testing::Subprocess> sfwarden_;
  std::filesystem::path config_;
  int sim_port_ = 0;
  int am_port_ = 0;
  int port_ = 0;
};

TEST_F(AlertsTest, UiLoginAndForeignIpLoginReachAlertmanagerAndResolve) {
  RecordLogin("54.174.1.2", "Application");         // a browser login by an API-only user
  RecordLogin("203.0.113.9", "Remote Access 2.0");  // a token used from outside the ranges

  auto alerts = WaitFor([](const json& a) {
    return Find(a, "IntegrationUserUiLogin") && Find(a, "IntegrationUserLoginFromDisallowedIp");
  });
  for (const char* name : {"IntegrationUserUiLogin", "IntegrationUserLoginFromDisallowedIp"}) {
    auto a = Find(alerts, name);
    ASSERT_TRUE(a) << name;
    EXPECT_EQ((*a)["labels"]["org"], "acme") << name;
    EXPECT_EQ((*a)["labels"]["user"], kHubspot) << name;
    EXPECT_EQ((*a)["labels"]["severity"], "critical") << name;
    EXPECT_EQ((*a)["status"]["state"], "active") << name;
    EXPECT_FALSE((*a)["annotations"].value("summary", "").empty()) << name;
    EXPECT_THAT((*a).value("generatorURL", ""),
                ::testing::HasSubstr("127.0.0.1:" + std::to_string(port_)));
  }
  EXPECT_THAT((*Find(alerts, "IntegrationUserLoginFromDisallowedIp"))["annotations"].value(
                  "description", ""),
              ::testing::HasSubstr("203.0.113.9"));
  EXPECT_THAT((*Find(alerts, "IntegrationUserUiLogin"))["annotations"].value("description", ""),
              ::testing::HasSubstr("Application"));
  auto metrics = testing::HttpGet(port_, "/metrics").body;
  EXPECT_THAT(metrics,
              ::testing::HasSubstr(
                  R"(sfwarden_anomalies_total{org="acme",rule="IntegrationUserUiLogin",)"));

  // Events resolve after resolve_events_after (6 s): endsAt = now is sent, and
  // Alertmanager no longer lists them as active.
  WaitFor([](const json& a) {
    return !Find(a, "IntegrationUserUiLogin") && !Find(a, "IntegrationUserLoginFromDisallowedIp");
  });
  metrics = testing::HttpGet(port_, "/metrics").body;
  EXPECT_THAT(metrics,
              ::testing::HasSubstr(R"(sfwarden_alerts_firing{alertname="IntegrationUserUiLogin",)"
                                   R"(severity="critical"} 0)"));
  EXPECT_THAT(metrics, ::testing::HasSubstr(R"(sfwarden_notifications_total{outcome="success",)"
                                            R"(receiver="alertmanager[0]"})"));

  sfwarden_->Signal(SIGTERM);
  EXPECT_EQ(sfwarden_->Wait(15s), 0) << sfwarden_->Stderr();
}

TEST_F(AlertsTest, ARestartDoesNotForgetAnOpenAlert) {
  RecordLogin("54.174.1.2", "Application");
  WaitFor([](const json& a) { return Find(a, "IntegrationUserUiLogin").has_value(); });
  sfwarden_->Signal(SIGKILL);
  sfwarden_->Wait(5s);
  sfwarden_ = std::make_unique<testing::Subprocess>(
      std::vector<std::string>{testing::BinaryPath("daemon/sfwarden").string(), "run",
                               "--config.file=" + config_.string(),
                               "--web.listen-address=127.0.0.1:" + std::to_string(port_),
                               "--state.dir=" + (dir_.path() / "state").string()},
      std::map<std::string, std::string>{
          {"CREDENTIALS_DIRECTORY", (dir_.path() / "creds").string()}});
  // The restarted daemon still knows the alert: it is firing in its metrics (no new login
  // was recorded) and resolves on schedule.
  for (auto deadline = std::chrono::steady_clock::now() + 10s;
       std::chrono::steady_clock::now() < deadline; std::this_thread::sleep_for(100ms)) {
    if (testing::HttpGet(port_, "/metrics").status == 200) break;
  }
  EXPECT_THAT(testing::HttpGet(port_, "/metrics").body,
              ::testing::HasSubstr(R"(sfwarden_alerts_firing{alertname="IntegrationUserUiLogin",)"
                                   R"(severity="critical"} 1)"));
  WaitFor([](const json& a) { return !Find(a, "IntegrationUserUiLogin"); });
  EXPECT_EQ(
      (sfwarden_->Stdout() + sfwarden_->Stderr()).find("alert firing: IntegrationUserUiLogin"),
      std::string::npos)
      << "re-notified after the restart";
}

}  // namespace
}  // namespace sfwarden
