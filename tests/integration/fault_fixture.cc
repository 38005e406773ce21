#include "tests/integration/fault_fixture.h"

#include <chrono>
#include <sstream>
#include <thread>

namespace sfwarden::testing {

const char* const kFaultOrgFile = R"(organization: { name: Acme Test }
limits: { DailyApiRequests: 100000000 }
query_batch_size: 2
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
permission_sets:
  - { name: HubSpot_Sync_Access, label: HubSpot Sync Access, system: { ApiEnabled: true } }
  - { name: Extra_Access, label: Extra Access, system: { ApiEnabled: true } }
groups:
  - { name: HubSpot_Integration_Group, label: HubSpot Integration Group, type: Regular }
sharing_rules:
  Account:
    - name: Send_to_HubSpot
      label: Send to HubSpot
      access: Read
      shared_to: { group: HubSpot_Integration_Group }
      criteria: [ { field: Industry, operation: equals, value: "Technology" } ]
org_wide_defaults: { Account: Private }
connected_apps:
  - name: sfwarden
    client_id: sfwarden-client-id
    client_secret: sfwarden-client-secret
    execution_user: admin@acme.example
)";

std::string FaultOrgConfig(const std::string& name, const std::string& login_url,
                           const std::string& mode, const std::string& full_reconcile) {
  return R"(
  - name: )" +
         name + R"(
    login_url: )" +
         login_url + R"(
    auth:
      flow: client_credentials
      client_id: sfwarden-client-id
      client_secret_file: ${CREDENTIALS_DIRECTORY}/secret
      username: admin@acme.example
    mode: )" +
         mode + R"(
    api_budget: { max_daily_share: 1.0, stop_below_remaining: 0.0 }
    poll: { logins: 1s, audit_trail: 1s, limits: 1s, oauth_tokens: 1s, api_usage_logs: 1s,
            full_reconcile: )" +
         full_reconcile + R"( }
    enforcement: { enforce: [permission_sets, groups, sharing_rules] }
    integration_users:
      - username: hubspot.integration@acme.example
        baseline:
          permission_sets: [ HubSpot_Sync_Access ]
          exclusive_permission_sets: true
          public_groups: [ HubSpot_Integration_Group ]
    permission_sets:
      HubSpot_Sync_Access: { system: { ApiEnabled: true } }
    sharing_rules:
      Account:
        - name: Send_to_HubSpot
          label: Send to HubSpot
          access: Read
          shared_to: { group: HubSpot_Integration_Group }
          criteria: [ { field: Industry, operation: equals, value: "Technology" } ]
    org_wide_defaults: { Account: Private }
)";
}

void FaultTest::SetUp() {
  SfwardenTest::SetUp();
  sim_port_ = StartSim(sim_, kFaultOrgFile);
}

double FaultTest::FailedCalls(const std::string& metrics, const std::string& org,
                              const std::string& kind) {
  std::istringstream in(metrics);
  double failed = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("sfwarden_salesforce_calls_total{", 0) != 0) continue;
    if (line.find("org=\"" + org + "\"") == std::string::npos) continue;
    if (line.find("kind=\"" + kind + "\"") == std::string::npos) continue;
    if (line.find("outcome=\"success\"") != std::string::npos) continue;
    failed += std::stod(line.substr(line.rfind(' ') + 1));
  }
  return failed;
}

void FaultTest::AddFault(int sim_port, const std::string& rule) {
  SimPost(sim_port, "/__sim/faults", rule);
}

void FaultTest::ClearFaults(int sim_port) {
  EXPECT_EQ(HttpRequest(sim_port, "DELETE", "/__sim/faults").status, 200);
}

std::size_t FaultTest::FaultsLeft(int sim_port) {
  auto faults = nlohmann::json::parse(HttpGet(sim_port, "/__sim/faults").body, nullptr, false);
  return faults.is_object() ? faults["faults"].size() : 0;
}

void FaultTest::RecordLogin(int sim_port, const std::string& user) {
  SimPost(sim_port, "/__sim/logins",
          R"({"username": ")" + user +
              R"(", "status": "Success", "source_ip": "54.174.1.2", "country_iso": "US"})");
}

void FaultTest::Act(int sim_port, const std::string& body) {
  SimPost(sim_port, "/__sim/act",
          R"({"actor": ")" + std::string(kOtherAdmin) + R"(", )" + body + "}");
}

void FaultTest::WaitForPolls(const std::string& org, const std::string& source, int n) {
  const auto labels = Source(org, source);
  for (int i = 0; i < n; ++i) {
    auto before = Sample(Metrics(), "sfwarden_collector_last_success_timestamp_seconds", labels);
    WaitFor([&](const std::string& m) {
      auto now = Sample(m, "sfwarden_collector_last_success_timestamp_seconds", labels);
      return now && (!before || *now > *before);
    });
  }
}

std::size_t FaultTest::SimAssignments(int sim_port) {
  return SimQuery(sim_port, "SELECT Id FROM PermissionSetAssignment WHERE Assignee.Username = '" +
                                std::string(kHubspot) +
                                "' AND PermissionSet.Name = 'HubSpot_Sync_Access'")
      .size();
}

nlohmann::json FaultTest::Journal() {
  auto r = RunSfwarden({"journal", "--output=json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return nlohmann::json::parse(r.out, nullptr, false);
}

}  // namespace sfwarden::testing
