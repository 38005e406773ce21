// Process-level tests of `sfwarden run` watching orgs: sfsim plays the org (its control
// API records logins, API usage and admin changes), sfwarden polls it every second, and
// the tests read what it exports on /metrics.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <functional>
#include <map>
#include <optional>
#include <sstream>
#include <thread>

#include "tests/integration/fixture.h"

namespace sfwarden {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;
using testing::Sample;

constexpr const char* kHubspot = "hubspot.integration@acme.example";
constexpr const char* kMarketo = "marketo.integration@acme.example";

// Two admins (sfwarden acts as the first), two integration users, a large allowance so
// that the budget planner keeps the 1 s test schedule.
constexpr const char* kOrgFile = R"(organization: { name: Acme Test }
limits: { DailyApiRequests: 100000000 }
profiles:
  - { name: System Administrator }
  - { name: Salesforce API Only System Integrations }
users:
  - { username: admin@acme.example, name: Sim Admin, profile: System Administrator }
  - { username: other.admin@acme.example, name: Other Admin, profile: System Administrator }
  - username: hubspot.integration@acme.example
    name: HubSpot Integration
    profile: Salesforce API Only System Integrations
    permission_sets: [HubSpot_Sync_Access]
    groups: [HubSpot_Integration_Group]
  - username: marketo.integration@acme.example
    name: Marketo Integration
    profile: Salesforce API Only System Integrations
permission_sets:
  - { name: HubSpot_Sync_Access, label: HubSpot Sync Access, system: { ApiEnabled: true } }
  - { name: Extra_Access, label: Extra Access, system: { ApiEnabled: true } }
groups:
  - name: HubSpot_Integration_Group
    label: HubSpot Integration Group
    type: Regular
    members: [hubspot.integration@acme.example]
org_wide_defaults: { Account: Private }
connected_apps:
  - name: sfwarden
    client_id: sfwarden-client-id
    client_secret: sfwarden-client-secret
    execution_user: admin@acme.example
  - { name: HubSpot, client_id: hubspot-client-id, client_secret: hubspot-secret, daily_api_limit: 5000 }
)";

std::string OrgConfig(const std::string& name, const std::string& login_url) {
  return R"(
  - name: )" +
         name + R"(
    login_url: )" +
         login_url + R"(
    auth:
      flow: client_credentials
      client_id: sfwarden-client-id
      client_secret_file: ${CREDENTIALS_DIRECTORY}/secret
    api_budget: { max_daily_share: 1.0, stop_below_remaining: 0.0 }
    poll: { logins: 1s, audit_trail: 1s, limits: 1s, oauth_tokens: 1s, api_usage_logs: 1s }
    integration_users:
      - username: hubspot.integration@acme.example
        baseline:
          permission_sets: [ HubSpot_Sync_Access ]
          public_groups: [ HubSpot_Integration_Group ]
      - username: marketo.integration@acme.example
    permission_sets:
      HubSpot_Sync_Access: { system: { ApiEnabled: true } }
    org_wide_defaults: { Account: Private }
)";
}

std::string Today() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

/// The current UTC hour: its start in seconds since the epoch and as sfsim's ISO text.
std::pair<std::time_t, std::string> ThisHour() {
  std::time_t hour = std::time(nullptr) / 3600 * 3600;
  std::tm tm{};
  gmtime_r(&hour, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:00:00Z", &tm);
  return {hour, buf};
}

class MonitoringTest : public testing::SfwardenTest {
 protected:
  void SetUp() override {
    SfwardenTest::SetUp();
    sim_port_ = StartSim(sim_);
  }

  int StartSim(std::unique_ptr<testing::Subprocess>& sim) {
    return SfwardenTest::StartSim(sim, kOrgFile);
  }

  /// Waits for `n` more completed polls of `org` (by the poll API-call counter's movement
  /// through the logins source's last-success time).
  void WaitForPolls(const std::string& org, int n) {
    std::map<std::string, std::string> l{{"org", org}, {"source", "logins"}};
    for (int i = 0; i < n; ++i) {
      auto before = Sample(Metrics(), "sfwarden_collector_last_success_timestamp_seconds", l);
      WaitFor([&](const std::string& m) {
        auto now = Sample(m, "sfwarden_collector_last_success_timestamp_seconds", l);
        return now && (!before || *now > *before);
      });
    }
  }

  void RecordLogin(const std::string& user, const std::string& status = "Success",
                   const std::string& ip = "54.174.1.2") {
    SimPost(sim_port_, "/__sim/logins",
            R"({"username": ")" + user + R"(", "status": ")" + status + R"(", "source_ip": ")" +
                ip + R"(", "country_iso": "US"})");
  }

  std::unique_ptr<testing::Subprocess> sim_;
  int sim_port_ = 0;
};

std::map<std::string, std::string> Logins(const std::string& user, const std::string& outcome) {
  return {{"org", "sim"}, {"user", user}, {"outcome", outcome}, {"type", "oauth"}};
}

TEST_F(MonitoringTest, LoginsAreCountedExactlyOnceAcrossAKillAndRestart) {
  WriteConfig(OrgConfig("sim", SimUrl(sim_port_)));
  auto sfwarden = StartSfwarden();
  WaitForValue("sfwarden_collector_success", {{"org", "sim"}, {"source", "logins"}}, 1);

  RecordLogin(kHubspot);
  RecordLogin(kHubspot);
  RecordLogin(kHubspot, "Invalid Password", "203.0.113.9");
  auto m = WaitForValue("sfwarden_logins_total", Logins(kHubspot, "success"), 2);
  WaitForValue("sfwarden_logins_total", Logins(kHubspot, "invalid_password"), 1);
  m = WaitForValue("sfwarden_login_source_ips", {{"org", "sim"}, {"user", kHubspot}}, 2);
  EXPECT_GT(Sample(m, "sfwarden_last_successful_login_timestamp_seconds",
                   {{"org", "sim"}, {"user", kHubspot}})
                .value_or(0),
            1.6e9);

  // Killed without warning; logins arrive while it is down and after it is back. Every
  // read after the restart overlaps the rows counted before it.
  sfwarden->Signal(SIGKILL);
  ASSERT_TRUE(sfwarden->Wait(5s).has_value());
  RecordLogin(kHubspot);
  RecordLogin(kMarketo);
  sfwarden = StartSfwarden();
  WaitForValue("sfwarden_logins_total", Logins(kHubspot, "success"), 3);
  RecordLogin(kHubspot);
  WaitForValue("sfwarden_logins_total", Logins(kHubspot, "success"), 4);
  WaitForPolls("sim", 3);

  m = Metrics();
  EXPECT_EQ(Sample(m, "sfwarden_logins_total", Logins(kHubspot, "success")), 4);
  EXPECT_EQ(Sample(m, "sfwarden_logins_total", Logins(kHubspot, "invalid_password")), 1);
  EXPECT_EQ(Sample(m, "sfwarden_logins_total", Logins(kMarketo, "success")), 1);
  EXPECT_EQ(Sample(m, "sfwarden_login_countries", {{"org", "sim"}, {"user", kHubspot}}), 1);
}

TEST_F(MonitoringTest, ApiUsageIsAttributedToTheRightUser) {
  WriteConfig(OrgConfig("sim", SimUrl(sim_port_)));
  auto sfwarden = StartSfwarden();
  WaitForValue("sfwarden_collector_success", {{"org", "sim"}, {"source", "api_usage_logs"}}, 1);

  SimPost(sim_port_, "/__sim/api-usage",
          std::string(R"({"username": ")") + kHubspot + R"(", "app": "HubSpot", "calls": 7})");
  SimPost(sim_port_, "/__sim/api-usage",
          std::string(R"({"username": ")") + kMarketo + R"(", "calls": 3})");
  SimPost(sim_port_, "/__sim/event-log-files", R"({"date": ")" + Today() + R"("})");

  auto m = WaitForValue("sfwarden_user_api_calls_today", {{"org", "sim"}, {"user", kHubspot}}, 7);
  EXPECT_EQ(Sample(m, "sfwarden_user_api_calls_today", {{"org", "sim"}, {"user", kMarketo}}), 3);
  EXPECT_EQ(
      Sample(m, "sfwarden_api_usage_log_files_total", {{"org", "sim"}, {"interval", "daily"}}), 1);
  // /limits: every limit, and the org's used share of its allowance.
  EXPECT_EQ(Sample(m, "sfwarden_org_limit_max", {{"org", "sim"}, {"limit", "DailyApiRequests"}}),
            100000000);
  EXPECT_EQ(Sample(m, "sfwarden_org_app_limit_max",
                   {{"org", "sim"}, {"limit", "DailyApiRequests"}, {"app", "HubSpot"}}),
            5000);
  EXPECT_GT(Sample(m, "sfwarden_org_api_requests_used_ratio", {{"org", "sim"}}).value_or(0), 0);
  EXPECT_EQ(Sample(m, "sfwarden_poll_interval_seconds", {{"org", "sim"}, {"source", "logins"}}), 1);
}

TEST_F(MonitoringTest, HourlyUsageAndApiActivityWithoutLoginShowAfterOneCycle) {
  WriteConfig(OrgConfig("sim", SimUrl(sim_port_)));
  auto sfwarden = StartSfwarden();
  RecordLogin(kHubspot);  // HubSpot logs in; Marketo never does
  WaitForValue("sfwarden_logins_total", Logins(kHubspot, "success"), 1);

  const auto [hour, hour_text] = ThisHour();
  auto usage = [&](const char* user, int calls) {
    SimPost(sim_port_, "/__sim/api-usage",
            std::string(R"({"username": ")") + user + R"(", "calls": )" + std::to_string(calls) +
                R"(, "time": ")" + hour_text + R"("})");
  };
  usage(kHubspot, 5);
  usage(kMarketo, 3);
  SimPost(sim_port_, "/__sim/event-log-files", R"({"hour": ")" + hour_text + R"("})");
  const std::map<std::string, std::string> hubspot{{"org", "sim"}, {"user", kHubspot}};
  const std::map<std::string, std::string> marketo{{"org", "sim"}, {"user", kMarketo}};
  auto m = WaitForValue("sfwarden_api_usage_log_files_total",
                        {{"org", "sim"}, {"interval", "hourly"}}, 1);
  EXPECT_EQ(Sample(m, "sfwarden_user_api_calls_latest_hour", hubspot), 5);
  EXPECT_EQ(Sample(m, "sfwarden_user_api_calls_latest_hour", marketo), 3);
  EXPECT_EQ(Sample(m, "sfwarden_api_usage_latest_hour_timestamp_seconds", {{"org", "sim"}}),
            static_cast<double>(hour));
  EXPECT_EQ(Sample(m, "sfwarden_user_api_activity_without_login_total", marketo), 1);
  EXPECT_EQ(Sample(m, "sfwarden_user_api_activity_without_login_total", hubspot), 0);

  // A late file of the same hour lists only the calls that arrived since: they add up.
  usage(kHubspot, 2);
  SimPost(sim_port_, "/__sim/event-log-files", R"({"hour": ")" + hour_text + R"("})");
  m = WaitForValue("sfwarden_user_api_calls_latest_hour", hubspot, 7);
  EXPECT_EQ(Sample(m, "sfwarden_user_api_calls_latest_hour", marketo), 3);
  EXPECT_EQ(Sample(m, "sfwarden_user_api_calls_today", hubspot), 7);
  EXPECT_EQ(Sample(m, "sfwarden_user_api_activity_without_login_total", marketo), 1);
  EXPECT_EQ(Sample(m, "sfwarden_user_api_activity_without_login_total", hubspot), 0);
}

TEST_F(MonitoringTest, AssignmentByAnotherAdminTriggersAPermissionReadAndAnAuditObservation) {
  WriteConfig(OrgConfig("sim", SimUrl(sim_port_)));
  auto sfwarden = StartSfwarden();
  auto m =
      WaitForValue("sfwarden_permission_reads_total", {{"org", "sim"}, {"trigger", "start"}}, 1);
  WaitForValue("sfwarden_collector_success", {{"org", "sim"}, {"source", "audit_trail"}}, 1);
  m = WaitForValue("sfwarden_user_permission_sets", {{"org", "sim"}, {"user", kHubspot}}, 1);
  EXPECT_EQ(Sample(m, "sfwarden_user_baseline_missing", {{"org", "sim"}, {"user", kHubspot}}), 0);
  EXPECT_EQ(Sample(m, "sfwarden_user_active", {{"org", "sim"}, {"user", kHubspot}}), 1);

  SimPost(sim_port_, "/__sim/act",
          std::string(R"({"actor": "other.admin@acme.example", "action": "assign_permission_set",)"
                      R"( "username": ")") +
              kHubspot + R"(", "permission_set": "Extra_Access"})");

  m = WaitForValue("sfwarden_user_permission_sets", {{"org", "sim"}, {"user", kHubspot}}, 2);
  EXPECT_EQ(
      Sample(m, "sfwarden_permission_reads_total", {{"org", "sim"}, {"trigger", "audit_trail"}}),
      1);
  EXPECT_EQ(Sample(m, "sfwarden_audit_entries_total",
                   {{"org", "sim"}, {"section", "Manage Users"}, {"watched", "true"}}),
            1);
  EXPECT_TRUE(sfwarden->WaitForOutput("by other.admin@acme.example", 5s)) << sfwarden->Stderr();
  EXPECT_THAT(sfwarden->Stderr(), HasSubstr("permission state read (audit_trail"));
}

TEST_F(MonitoringTest, FailingOrgsDoNotStallAHealthyOne) {
  std::unique_ptr<testing::Subprocess> slow_sim;
  int slow_port = StartSim(slow_sim);
  // Every request to the slow org's token endpoint hangs far longer than the test runs.
  SimPost(
      slow_port, "/__sim/faults",
      R"({"path": "/services/oauth2/token", "kind": "delay", "delay_ms": 120000, "count": 100})");
  WriteConfig(OrgConfig("sim", SimUrl(sim_port_)) +
              OrgConfig("unreachable", "http://127.0.0.1:" + std::to_string(testing::FreePort())) +
              OrgConfig("slow", SimUrl(slow_port)));
  auto sfwarden = StartSfwarden();

  WaitForValue("sfwarden_collector_success", {{"org", "sim"}, {"source", "logins"}}, 1);
  RecordLogin(kHubspot);
  auto m = WaitForValue("sfwarden_logins_total", Logins(kHubspot, "success"), 1);
  m = WaitForValue("sfwarden_collector_success",
                   {{"org", "unreachable"}, {"source", "permissions"}}, 0);
  EXPECT_EQ(Sample(m, "sfwarden_collector_success", {{"org", "sim"}, {"source", "permissions"}}),
            1);
  EXPECT_EQ(Sample(m, "sfwarden_collector_success", {{"org", "slow"}, {"source", "permissions"}}),
            std::nullopt);  // still waiting for its first answer
}

TEST_F(MonitoringTest, StopCancelsARequestInFlightInsteadOfWaitingForTheBackstop) {
  // The org's token endpoint hangs far longer than the stop backstop (10 s).
  SimPost(sim_port_, "/__sim/faults",
          R"({"path": "/services/oauth2/token", "kind": "delay", "delay_ms": 120000, "count": 5})");
  WriteConfig(OrgConfig("sim", SimUrl(sim_port_)));
  auto sfwarden = StartSfwarden();
  // sfsim has taken the fault once the login request is in flight.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (testing::HttpGet(sim_port_, "/__sim/faults").body.find("\"count\":5") !=
         std::string::npos) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "the login never reached sfsim";
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  sfwarden->Signal(SIGTERM);
  EXPECT_EQ(sfwarden->Wait(std::chrono::seconds(30)), 0);
  // Before cancellation the stop sat out the backstop and said so.
  EXPECT_EQ(sfwarden->Stderr().find("did not finish within"), std::string::npos)
      << sfwarden->Stderr();
}

TEST_F(MonitoringTest, ReloadRestartsOnlyChangedOrgsAndKeepsTheirCounters) {
  std::unique_ptr<testing::Subprocess> other_sim;
  int other_port = StartSim(other_sim);
  WriteConfig(OrgConfig("sim", SimUrl(sim_port_)) + OrgConfig("other", SimUrl(other_port)));
  auto sfwarden = StartSfwarden();
  RecordLogin(kHubspot);
  WaitForValue("sfwarden_logins_total", Logins(kHubspot, "success"), 1);
  WaitForValue("sfwarden_collector_success", {{"org", "other"}, {"source", "permissions"}}, 1);

  // Only "sim" changes (its limits interval); "other" keeps running untouched.
  auto changed = OrgConfig("sim", SimUrl(sim_port_));
  changed.replace(changed.find("limits: 1s"), 10, "limits: 2s");
  WriteConfig(changed + OrgConfig("other", SimUrl(other_port)));
  sfwarden->Signal(SIGHUP);

  EXPECT_TRUE(sfwarden->WaitForOutput("org sim: configuration changed, restarting", 10s));
  auto m =
      WaitForValue("sfwarden_poll_interval_seconds", {{"org", "sim"}, {"source", "limits"}}, 2);
  EXPECT_EQ(Sample(m, "sfwarden_permission_reads_total", {{"org", "other"}, {"trigger", "start"}}),
            1);
  EXPECT_EQ(sfwarden->Stderr().find("org other: configuration changed"), std::string::npos);
  RecordLogin(kHubspot);
  WaitForValue("sfwarden_logins_total", Logins(kHubspot, "success"), 2);
  WaitForPolls("sim", 2);
  EXPECT_EQ(Sample(Metrics(), "sfwarden_logins_total", Logins(kHubspot, "success")), 2);
}

TEST_F(MonitoringTest, ExpositionPassesPromtool) {
  WriteConfig(OrgConfig("sim", SimUrl(sim_port_)));
  RecordLogin(kHubspot);
  auto sfwarden = StartSfwarden();
  auto m = WaitForValue("sfwarden_logins_total", Logins(kHubspot, "success"), 1);
  if (testing::Run({"/bin/sh", "-c", "command -v promtool"}).exit_code != 0) {
    GTEST_SKIP() << "promtool is missing (scripts/setup installs the prometheus package)";
  }
  auto file = dir_.Write("metrics.txt", m);
  auto r = testing::Run({"/bin/sh", "-c", "promtool check metrics < '" + file.string() + "'"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

}  // namespace
}  // namespace sfwarden
