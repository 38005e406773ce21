// Process-level tests of enforcement: sfsim plays the org, another admin changes a
// declared user's access through sfsim's control API, and `sfwarden run` detects it (with
// the actor from the audit trail) and, in enforce mode, puts it back; the bound, the
// flapping pause, crashes around a write, rollback and snapshot. sfwarden polls the audit
// trail every second, so each change is seen within a second or two.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <nlohmann/json.hpp>
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
constexpr const char* kOtherAdmin = "other.admin@acme.example";

// The hubspot user is as its baseline says; marketo is watched but has no baseline.
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
  - name: HubSpot_Sync_Access
    label: HubSpot Sync Access
    system: { ApiEnabled: true, ModifyAllData: false }
    objects: { Account: [read, edit] }
    fields: { Account.Phone: [read] }
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

struct Settings {
  std::string mode = "enforce";
  int max_changes = 10;
  int flapping_threshold = 5;
  std::string api_version = "62.0";
  std::string account_access = "[read, edit]";  // HubSpot_Sync_Access's Account baseline
};

std::string OrgConfig(const std::string& login_url, const Settings& s = {}) {
  return R"(
  - name: sim
    login_url: )" +
         login_url + R"(
    api_version: ")" +
         s.api_version + R"("
    auth:
      flow: client_credentials
      client_id: sfwarden-client-id
      client_secret_file: ${CREDENTIALS_DIRECTORY}/secret
    api_budget: { max_daily_share: 1.0, stop_below_remaining: 0.0 }
    poll: { logins: 1s, audit_trail: 1s, limits: 1m, oauth_tokens: 1m, api_usage_logs: 1h }
    mode: )" +
         s.mode +
         R"(
    enforcement:
      max_changes_per_cycle: )" +
         std::to_string(s.max_changes) + R"(
      enforce: [permission_sets, groups, system_permissions, object_permissions,
                field_permissions, sharing_rules]
      flapping: { window: 1h, threshold: )" +
         std::to_string(s.flapping_threshold) + R"( }
    integration_users:
      - username: hubspot.integration@acme.example
        baseline:
          permission_sets: [ HubSpot_Sync_Access ]
          exclusive_permission_sets: true
          public_groups: [ HubSpot_Integration_Group ]
      - username: marketo.integration@acme.example
    permission_sets:
      HubSpot_Sync_Access:
        system: { ApiEnabled: true, ModifyAllData: false }
        objects: { Account: )" +
         s.account_access + R"( }
        fields: { Account.Phone: [read] }
    sharing_rules:
      Account:
        - name: Send_to_HubSpot
          label: Send to HubSpot
          access: Read
          shared_to: { group: HubSpot_Integration_Group }
          criteria: [ { field: Industry, operation: equals, value: "Technology" } ]
)";
}

// One change of another admin per enforced kind, and the drift kind it makes.
struct Change {
  std::string act;   // the /__sim/act body after "actor"
  std::string kind;  // sfwarden_drift_items / sfwarden_remediations_total kind
  std::string user;  // the drift_items user label
};
const std::vector<Change>& Changes() {
  static const std::vector<Change> changes = {
      {R"("action": "unassign_permission_set", "username": ")" + std::string(kHubspot) +
           R"(", "permission_set": "HubSpot_Sync_Access")",
       "missing_permission_set_assignment", kHubspot},
      {R"("action": "assign_permission_set", "username": ")" + std::string(kHubspot) +
           R"(", "permission_set": "Extra_Access")",
       "extra_permission_set_assignment", kHubspot},
      {R"("action": "remove_group_member", "username": ")" + std::string(kHubspot) +
           R"(", "group": "HubSpot_Integration_Group")",
       "missing_public_group_membership", kHubspot},
      {R"("action": "set_system_permission", "permission_set": "HubSpot_Sync_Access",)"
       R"( "permission": "ModifyAllData", "enabled": true)",
       "system_permission_mismatch", ""},
      {R"("action": "set_object_permissions", "permission_set": "HubSpot_Sync_Access",)"
       R"( "object": "Account", "access": ["read"])",
       "object_permission_mismatch", ""},
      {R"("action": "set_field_permissions", "permission_set": "HubSpot_Sync_Access",)"
       R"( "field": "Account.Phone", "access": ["read", "edit"])",
       "field_permission_mismatch", ""},
      {R"("action": "edit_sharing_rule", "object": "Account", "name": "Send_to_HubSpot",)"
       R"( "access_level": "Edit")",
       "sharing_rule_changed", ""},
  };
  return changes;
}

std::map<std::string, std::string> L(const std::string& kind, const std::string& user) {
  return {{"org", "sim"}, {"kind", kind}, {"user", user}};
}
std::map<std::string, std::string> Done(const std::string& kind) {
  return {{"org", "sim"}, {"kind", kind}, {"result", "done"}};
}

class RemediationTest : public testing::SfwardenTest {
 protected:
  void SetUp() override {
    SfwardenTest::SetUp();
    sim_port_ = StartSim(sim_, kOrgFile);
  }
  void Act(const std::string& body) {
    SimPost(sim_port_, "/__sim/act",
            R"({"actor": ")" + std::string(kOtherAdmin) + R"(", )" + body + "}");
  }
  // Waits for the first full permission read (and its drift comparison).
  void WaitForStart() { WaitForValue("sfwarden_journal_pending_entries", {{"org", "sim"}}, 0); }
  std::string Remediations(const std::string& m) {
    std::istringstream in(m);
    std::string out;
    for (std::string line; std::getline(in, line);) {
      if (line.rfind("sfwarden_remediations_total{", 0) == 0) out += line + "\n";
    }
    return out;
  }
  nlohmann::json Journal() {
    auto r = RunSfwarden({"journal", "--output=json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return nlohmann::json::parse(r.out, nullptr, false);
  }
  // `sfwarden plan --output=json` (the daemon must be stopped: no, plan takes no lock).
  std::pair<int, nlohmann::json> Plan() {
    auto r = RunSfwarden({"plan", "--output=json"});
    return {r.exit_code, nlohmann::json::parse(r.out, nullptr, false)};
  }

  // A SOQL query against sfsim's REST API at `version` ("v63.0"), with a fresh admin token
  // (the control API has no reads): the records of its one page.
  nlohmann::json SimQuery(const std::string& soql, const std::string& version = "v62.0") {
    const std::string token =
        nlohmann::json::parse(
            SimPost(sim_port_, "/__sim/tokens", R"({"username": "admin@acme.example"})").body,
            nullptr, false)
            .value("access_token", "");
    auto r = testing::Run({"/usr/bin/curl", "-sS", "--get", "-H", "Authorization: Bearer " + token,
                           "--data-urlencode", "q=" + soql,
                           SimUrl(sim_port_) + "/services/data/" + version + "/query"});
    auto page = nlohmann::json::parse(r.out, nullptr, false);
    EXPECT_TRUE(page.is_object() && page.value("done", false)) << soql << ": " << r.out << r.err;
    return page.is_object() ? page.value("records", nlohmann::json::array())
                            : nlohmann::json::array();
  }

  std::unique_ptr<testing::Subprocess> sim_;
  int sim_port_ = 0;
};

TEST_F(RemediationTest, EnforceModePutsBackEachKindAnotherAdminChanged) {
  WriteConfig(OrgConfig(SimUrl(sim_port_)));
  auto sfwarden = StartSfwarden();
  WaitForStart();
  auto m = Metrics();
  EXPECT_EQ(Remediations(m), "");  // the org matched its baseline

  for (const auto& change : Changes()) {
    Act(change.act);
    WaitForValue("sfwarden_remediations_total", Done(change.kind), 1);
    // Restored, and confirmed by the re-read: no drift of that kind left.
    WaitForValue("sfwarden_drift_items", L(change.kind, change.user), 0);
  }
  // Detected with the actor, and put back.
  auto log = sfwarden->Stderr();
  for (const auto& change : Changes()) {
    EXPECT_THAT(log, HasSubstr("drift " + change.kind)) << change.kind;
  }
  EXPECT_THAT(log, HasSubstr("(changed by other.admin@acme.example); restored"));

  // Only declared users and objects: changes to marketo (no baseline) and to an object
  // the baseline does not name are left alone.
  m = Metrics();
  Act(R"("action": "assign_permission_set", "username": ")" + std::string(kMarketo) +
      R"(", "permission_set": "Extra_Access")");
  Act(R"("action": "set_object_permissions", "permission_set": "HubSpot_Sync_Access",)"
      R"( "object": "Contact", "access": ["read"])");
  // Both are seen (each triggers a permission read) and the read after them is compared.
  std::this_thread::sleep_for(3s);
  m = Metrics();
  double writes = 0;
  for (const auto& change : Changes()) {
    writes += Sample(m, "sfwarden_remediations_total", Done(change.kind)).value_or(0);
  }
  EXPECT_EQ(writes, static_cast<double>(Changes().size())) << Remediations(m);

  sfwarden->Signal(SIGTERM);
  ASSERT_TRUE(sfwarden->Wait(15s).has_value());
  auto journal = Journal();
  ASSERT_TRUE(journal.is_array());
  EXPECT_EQ(journal.size(), Changes().size());
  for (const auto& e : journal) {
    EXPECT_EQ(e["state"], "done") << e.dump();
    EXPECT_EQ(e["target"].get<std::string>().find("marketo"), std::string::npos) << e.dump();
    EXPECT_EQ(e["target"].get<std::string>().find("Contact"), std::string::npos) << e.dump();
  }
  auto [code, plan] = Plan();
  EXPECT_EQ(code, 0) << plan.dump();
}

// PermissionsViewAllFields exists from API 63.0 (collectors/target.h): there it is read,
// compared and put back like the other object flags.
TEST_F(RemediationTest, EnforceModePutsBackViewAllFieldsAtApi63) {
  const std::string account = R"("action": "set_object_permissions",)"
                              R"( "permission_set": "HubSpot_Sync_Access", "object": "Account",)";
  Act(account + R"( "access": ["read", "edit", "viewAllFields"])");  // as the baseline says
  WriteConfig(OrgConfig(SimUrl(sim_port_), {.api_version = "63.0",
                                            .account_access = "[read, edit, view_all_fields]"}));
  auto sfwarden = StartSfwarden();
  WaitForStart();
  EXPECT_EQ(Remediations(Metrics()), "");  // the flag was read and matches

  Act(account + R"( "access": ["read", "edit"])");  // another admin clears View All Fields
  WaitForValue("sfwarden_remediations_total", Done("object_permission_mismatch"), 1);
  WaitForValue("sfwarden_drift_items", L("object_permission_mismatch", ""), 0);
  EXPECT_THAT(sfwarden->Stderr(), HasSubstr("view_all_fields"));
  sfwarden->Signal(SIGTERM);
  ASSERT_TRUE(sfwarden->Wait(15s).has_value());

  auto rows = SimQuery(
      "SELECT PermissionsRead, PermissionsEdit, PermissionsViewAllFields FROM ObjectPermissions "
      "WHERE SobjectType = 'Account' AND Parent.Name = 'HubSpot_Sync_Access'",
      "v63.0");
  ASSERT_EQ(rows.size(), 1u) << rows.dump();
  EXPECT_EQ(rows[0]["PermissionsViewAllFields"], true) << rows.dump();
  EXPECT_EQ(rows[0]["PermissionsEdit"], true) << rows.dump();
  auto journal = Journal();
  ASSERT_EQ(journal.size(), 1u) << journal.dump(2);
  EXPECT_EQ(journal[0]["state"], "done");
}

TEST_F(RemediationTest, ObserveModeOnlyReports) {
  WriteConfig(OrgConfig(SimUrl(sim_port_), {.mode = "observe"}));
  auto sfwarden = StartSfwarden();
  WaitForStart();
  for (const auto& change : Changes()) Act(change.act);
  std::string m;
  for (const auto& change : Changes()) {
    m = WaitForValue("sfwarden_drift_items", L(change.kind, change.user), 1);
  }
  EXPECT_EQ(Remediations(m), "");
  EXPECT_THAT(sfwarden->Stderr(), HasSubstr("(changed by other.admin@acme.example); reported"));
  sfwarden->Signal(SIGTERM);
  ASSERT_TRUE(sfwarden->Wait(15s).has_value());
  EXPECT_TRUE(Journal().empty());
  auto [code, plan] = Plan();  // still drifted in the org
  EXPECT_EQ(code, 2);
  ASSERT_EQ(plan.size(), 1u);
  EXPECT_EQ(plan[0]["drift"].size(), Changes().size()) << plan.dump(2);
}

TEST_F(RemediationTest, DriftBeyondTheBoundIsReportedNotApplied) {
  // Two items drift before sfwarden starts; the bound is one change per cycle.
  Act(Changes()[0].act);
  Act(Changes()[2].act);
  WriteConfig(OrgConfig(SimUrl(sim_port_), {.max_changes = 1}));
  auto sfwarden = StartSfwarden();
  auto m = WaitForValue("sfwarden_drift_items", L(Changes()[0].kind, kHubspot), 1);
  EXPECT_EQ(Sample(m, "sfwarden_drift_items", L(Changes()[2].kind, kHubspot)), 1);
  EXPECT_EQ(Remediations(m), "");
  EXPECT_TRUE(sfwarden->WaitForOutput("exceed max_changes_per_cycle 1", 5s)) << sfwarden->Stderr();
  EXPECT_THAT(sfwarden->Stderr(), HasSubstr("over_bound"));
}

TEST_F(RemediationTest, FlappingPausesEnforcementAcrossARestart) {
  WriteConfig(OrgConfig(SimUrl(sim_port_), {.flapping_threshold = 2}));
  auto sfwarden = StartSfwarden();
  WaitForStart();
  const auto& change = Changes()[2];  // group membership removed
  Act(change.act);
  WaitForValue("sfwarden_remediations_total", Done(change.kind), 1);
  WaitForValue("sfwarden_drift_items", L(change.kind, kHubspot), 0);
  Act(change.act);  // again: someone is fighting the daemon
  auto m = WaitForValue("sfwarden_enforcement_paused_items", {{"org", "sim"}}, 1);
  EXPECT_EQ(Sample(m, "sfwarden_remediations_total", Done(change.kind)), 1);
  EXPECT_EQ(Sample(m, "sfwarden_drift_items", L(change.kind, kHubspot)), 1);

  // The pause survives a crash: the restarted daemon does not put it back either.
  sfwarden->Signal(SIGKILL);
  ASSERT_TRUE(sfwarden->Wait(5s).has_value());
  sfwarden = StartSfwarden();
  m = WaitForValue("sfwarden_enforcement_paused_items", {{"org", "sim"}}, 1);
  EXPECT_EQ(Sample(m, "sfwarden_remediations_total", Done(change.kind)), std::nullopt);
  EXPECT_EQ(Sample(m, "sfwarden_drift_items", L(change.kind, kHubspot)), 1);
  EXPECT_THAT(sfwarden->Stderr(), HasSubstr("; paused"));
}

// A crash while the create of a missing assignment is in flight: the journal says `sent`.
// The restarted daemon concludes the entry from a fresh read and never assigns twice.
class CrashTest : public RemediationTest, public ::testing::WithParamInterface<bool> {};

TEST_P(CrashTest, KillAroundTheWriteConvergesWithoutADuplicate) {
  const bool write_reaches_the_org = GetParam();
  WriteConfig(OrgConfig(SimUrl(sim_port_)));
  auto sfwarden = StartSfwarden();
  WaitForStart();
  // The create hangs: either after sfsim applied it (`delay`: killed between the write and
  // its mark) or without being applied (a 503 after a delay: killed between the journal
  // and the write taking effect).
  SimPost(sim_port_, "/__sim/faults",
          write_reaches_the_org
              ? R"({"method": "POST", "path": "/services/data/v62.0/composite/sobjects",)"
                R"( "kind": "delay", "delay_ms": 30000})"
              : R"({"method": "POST", "path": "/services/data/v62.0/composite/sobjects",)"
                R"( "kind": "status", "status": 503, "delay_ms": 30000})");
  Act(Changes()[0].act);  // HubSpot_Sync_Access unassigned
  for (auto deadline = std::chrono::steady_clock::now() + 30s;;) {
    auto faults =
        nlohmann::json::parse(testing::HttpGet(sim_port_, "/__sim/faults").body, nullptr, false);
    if (faults.is_object() && faults["faults"].empty()) break;  // the create has arrived
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << sfwarden->Stderr();
    std::this_thread::sleep_for(50ms);
  }
  sfwarden->Signal(SIGKILL);
  ASSERT_TRUE(sfwarden->Wait(5s).has_value());
  testing::HttpRequest(sim_port_, "DELETE", "/__sim/faults");

  sfwarden = StartSfwarden();
  WaitForStart();
  EXPECT_TRUE(sfwarden->WaitForOutput("was interrupted; concluded", 5s)) << sfwarden->Stderr();
  auto m = WaitForValue("sfwarden_user_permission_sets", {{"org", "sim"}, {"user", kHubspot}}, 1);
  EXPECT_EQ(Sample(m, "sfwarden_drift_items", L(Changes()[0].kind, kHubspot)).value_or(0), 0);
  sfwarden->Signal(SIGTERM);
  ASSERT_TRUE(sfwarden->Wait(15s).has_value());

  auto journal = Journal();
  ASSERT_EQ(journal.size(), write_reaches_the_org ? 1u : 2u) << journal.dump(2);
  EXPECT_EQ(journal[0]["state"], write_reaches_the_org ? "done" : "failed") << journal.dump(2);
  EXPECT_THAT(journal[0]["error"].get<std::string>(),
              HasSubstr(write_reaches_the_org ? "in effect" : "not applied"));
  if (!write_reaches_the_org) {
    EXPECT_EQ(journal[1]["state"], "done") << journal.dump(2);
  }
  auto [code, plan] = Plan();
  EXPECT_EQ(code, 0) << plan.dump(2);
}
std::string CrashName(const ::testing::TestParamInfo<bool>& param) {
  return param.param ? "BetweenWriteAndMark" : "BetweenJournalAndWrite";
}
INSTANTIATE_TEST_SUITE_P(Remediation, CrashTest, ::testing::Bool(), CrashName);

TEST_F(RemediationTest, RollbackRestoresThePreviousValue) {
  WriteConfig(OrgConfig(SimUrl(sim_port_)));
  auto sfwarden = StartSfwarden();
  WaitForStart();
  Act(Changes()[3].act);  // ModifyAllData switched on; sfwarden switches it off
  WaitForValue("sfwarden_remediations_total", Done(Changes()[3].kind), 1);
  sfwarden->Signal(SIGTERM);
  ASSERT_TRUE(sfwarden->Wait(15s).has_value());

  auto journal = Journal();
  ASSERT_EQ(journal.size(), 1u);
  const std::string id = std::to_string(journal[0]["id"].get<int>());
  auto refused = RunSfwarden({"rollback", id});  // stdin is not a terminal
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_THAT(refused.err, HasSubstr("without --yes"));
  auto r = RunSfwarden({"rollback", id, "--yes"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;

  journal = Journal();
  ASSERT_EQ(journal.size(), 2u);
  EXPECT_EQ(journal[0]["state"], "rolled_back");
  EXPECT_EQ(journal[1]["rollback_of"], journal[0]["id"]);
  EXPECT_EQ(journal[1]["state"], "done");
  auto [code, plan] = Plan();  // ModifyAllData is on again, as the other admin set it
  EXPECT_EQ(code, 2);
  ASSERT_EQ(plan[0]["drift"].size(), 1u) << plan.dump(2);
  EXPECT_EQ(plan[0]["drift"][0]["kind"], Changes()[3].kind);
}

// Under exclusive_permission_sets sfwarden removes a set no baseline names; the rollback
// assigns it again from the Ids the journal kept (the permission read never reads that
// set), and is journaled itself.
TEST_F(RemediationTest, RollbackOfARemovedExtraAssignmentAssignsItAgain) {
  WriteConfig(OrgConfig(SimUrl(sim_port_)));
  auto sfwarden = StartSfwarden();
  WaitForStart();
  const Change& extra = Changes()[1];  // Extra_Access assigned to the hubspot user
  Act(extra.act);
  WaitForValue("sfwarden_remediations_total", Done(extra.kind), 1);
  WaitForValue("sfwarden_drift_items", L(extra.kind, kHubspot), 0);
  sfwarden->Signal(SIGTERM);
  ASSERT_TRUE(sfwarden->Wait(15s).has_value());
  const std::string extra_of_hubspot =
      "SELECT Id FROM PermissionSetAssignment WHERE Assignee.Username = '" + std::string(kHubspot) +
      "' AND PermissionSet.Name = 'Extra_Access'";
  EXPECT_TRUE(SimQuery(extra_of_hubspot).empty());

  auto journal = Journal();
  ASSERT_EQ(journal.size(), 1u) << journal.dump(2);
  EXPECT_EQ(journal[0]["action"], "delete");
  const std::string id = std::to_string(journal[0]["id"].get<int>());
  auto r = RunSfwarden({"rollback", id, "--yes"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;

  EXPECT_EQ(SimQuery(extra_of_hubspot).size(), 1u);
  journal = Journal();
  ASSERT_EQ(journal.size(), 2u) << journal.dump(2);
  EXPECT_EQ(journal[0]["state"], "rolled_back");
  EXPECT_EQ(journal[1]["rollback_of"], journal[0]["id"]);
  EXPECT_EQ(journal[1]["action"], "create");
  EXPECT_EQ(journal[1]["state"], "done") << journal.dump(2);
}

// The rule sfwarden recreated did not exist before: its rollback deletes it again
// (Metadata API deleteMetadata), journaled like any write.
TEST_F(RemediationTest, RollbackOfARecreatedSharingRuleDeletesIt) {
  WriteConfig(OrgConfig(SimUrl(sim_port_)));
  auto sfwarden = StartSfwarden();
  WaitForStart();
  Act(R"("action": "delete_sharing_rule", "object": "Account", "name": "Send_to_HubSpot")");
  WaitForValue("sfwarden_remediations_total", Done("sharing_rule_missing"), 1);
  WaitForValue("sfwarden_drift_items", L("sharing_rule_missing", ""), 0);
  EXPECT_THAT(sfwarden->Stderr(), HasSubstr("drift sharing_rule_missing"));
  sfwarden->Signal(SIGTERM);
  ASSERT_TRUE(sfwarden->Wait(15s).has_value());

  auto journal = Journal();
  ASSERT_EQ(journal.size(), 1u) << journal.dump(2);
  EXPECT_EQ(journal[0]["action"], "upsert");
  EXPECT_EQ(journal[0]["state"], "done");
  const std::string id = std::to_string(journal[0]["id"].get<int>());
  auto r = RunSfwarden({"rollback", id, "--yes"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("SharingCriteriaRule"));

  journal = Journal();
  ASSERT_EQ(journal.size(), 2u) << journal.dump(2);
  EXPECT_EQ(journal[0]["state"], "rolled_back");
  EXPECT_EQ(journal[1]["action"], "delete_metadata");
  EXPECT_EQ(journal[1]["rollback_of"], journal[0]["id"]);
  EXPECT_EQ(journal[1]["state"], "done") << journal.dump(2);
  auto [code, plan] = Plan();  // the rule is gone again, as the other admin left it
  EXPECT_EQ(code, 2);
  ASSERT_EQ(plan[0]["drift"].size(), 1u) << plan.dump(2);
  EXPECT_EQ(plan[0]["drift"][0]["kind"], "sharing_rule_missing");
}

TEST_F(RemediationTest, ApplyRefusesBesideARunningDaemon) {
  WriteConfig(OrgConfig(SimUrl(sim_port_), {.mode = "observe"}));
  auto sfwarden = StartSfwarden();
  WaitForStart();
  auto r = RunSfwarden({"apply", "--yes"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("in use by another sfwarden"));
  EXPECT_THAT(r.err, HasSubstr("stop the daemon first"));
}

TEST_F(RemediationTest, SnapshotThenPlanShowsNoDrift) {
  // The org as another admin left it: an extra set, no ModifyAllData restriction change.
  Act(Changes()[1].act);
  WriteConfig(OrgConfig(SimUrl(sim_port_)));
  auto snap = RunSfwarden({"snapshot", "--org=sim", "--user", kHubspot, "--user", kMarketo});
  ASSERT_EQ(snap.exit_code, 0) << snap.err;
  EXPECT_THAT(snap.out, HasSubstr("Extra_Access"));
  EXPECT_THAT(snap.out, HasSubstr("Send_to_HubSpot"));

  // The snapshot as the org's baseline.
  std::string org = OrgConfig(SimUrl(sim_port_));
  org = org.substr(0, org.find("    integration_users:"));
  std::istringstream in(snap.out);
  for (std::string line; std::getline(in, line);) org += "    " + line + "\n";
  WriteConfig(org);
  auto [code, plan] = Plan();
  EXPECT_EQ(code, 0) << plan.dump(2) << "\n" << org;

  // Applied with nothing to do, apply changes nothing.
  auto apply = RunSfwarden({"apply", "--yes"});
  EXPECT_EQ(apply.exit_code, 0) << apply.err;
  EXPECT_THAT(apply.out, HasSubstr("No drift"));
}

}  // namespace
}  // namespace sfwarden
