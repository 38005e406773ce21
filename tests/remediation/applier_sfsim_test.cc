// Apply against sfsim in-process through the real salesforce::Client: a change made by
// another admin (/__sim/act) is read, planned, applied and gone from the next read; the
// cost of a batch by sfsim's own counters; a connection closed after the collection call
// leaves the entries `sent` and Reconcile concludes them without a duplicate; rollback.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "collectors/permission_reader.h"
#include "remediation/applier.h"
#include "tests/support/sim/in_process_sim.h"

namespace sfwarden::remediation {
namespace {

using nlohmann::json;

constexpr char kHubSpot[] = "hubspot.integration@acme.example";
constexpr char kSyncSet[] = "HubSpot_Sync_Access";
constexpr char kSyncGroup[] = "HubSpot_Integration_Group";

collectors::OrgTarget TargetFor(const OrgBaseline& b) {
  collectors::OrgTarget t;
  t.org = b.org;
  t.api_version = "60.0";
  std::set<std::string> groups;
  for (const UserBaseline& u : b.users) {
    t.usernames.push_back(u.username);
    groups.insert(u.public_groups.begin(), u.public_groups.end());
  }
  t.public_groups.assign(groups.begin(), groups.end());
  for (const auto& [name, set] : b.permission_sets) {
    auto& system = t.permission_sets[name];
    for (const auto& [permission, value] : set.system) system.insert(permission);
  }
  for (const auto& [object, rules] : b.sharing_rules) t.sharing_rule_objects.push_back(object);
  return t;
}

OrgBaseline EnforcingBaseline() {
  OrgBaseline b;
  b.org = "sim";
  b.mode = Mode::kEnforce;
  b.enforce = {EnforceKind::kPermissionSets,    EnforceKind::kGroups,
               EnforceKind::kSystemPermissions, EnforceKind::kObjectPermissions,
               EnforceKind::kFieldPermissions,  EnforceKind::kSharingRules};
  b.max_changes_per_cycle = 1000;
  return b;
}

/// The built-in org with a baseline that matches it (its sharing rules as first read,
/// like `sfwarden snapshot`).
class SimOrg {
 public:
  explicit SimOrg(std::unique_ptr<sim::Org> org = sim::DefaultOrg(),
                  OrgBaseline baseline = DefaultBaseline())
      : sim_(std::move(org)), baseline_(std::move(baseline)), target_(TargetFor(baseline_)) {
    auto auth = sim_.Run(sim_.client().Authenticate());
    EXPECT_TRUE(auth.has_value()) << auth.error();
    if (!target_.sharing_rule_objects.empty()) {
      for (const auto& rules : Read().sharing_rules) {
        auto& declared = baseline_.sharing_rules[rules.object];
        declared = rules.criteria_rules;
        declared.insert(declared.end(), rules.owner_rules.begin(), rules.owner_rules.end());
      }
    }
  }

  static OrgBaseline DefaultBaseline() {
    OrgBaseline b = EnforcingBaseline();
    b.users = {{.username = kHubSpot,
                .mode = Mode::kEnforce,
                .permission_sets = {kSyncSet},
                .exclusive_permission_sets = true,
                .public_groups = {kSyncGroup},
                .exclusive_public_groups = true}};
    b.permission_sets[kSyncSet] = {
        .name = kSyncSet,
        .system = {{"ApiEnabled", true}, {"ModifyAllData", false}},
        .objects = {{"Account", {.read = true, .create = true, .edit = true}}},
        .fields = {{"Account.AnnualRevenue", {.read = true}}}};
    b.sharing_rules["Account"] = {};
    return b;
  }

  collectors::PermissionSnapshot Read() {
    auto snapshot = sim_.Run(collectors::ReadPermissions(sim_.client(), target_));
    EXPECT_TRUE(snapshot.has_value()) << snapshot.error();
    return snapshot ? *snapshot : collectors::PermissionSnapshot{};
  }
  Plan PlanNow() {
    auto snapshot = Read();
    return BuildPlan(baseline_, snapshot, DetectDrift(baseline_, snapshot, {}));
  }
  ApplyResult ApplyNow(const Plan& plan) {
    return sim_.Run(Apply(sim_.client(), plan, journal_, {.cycle_id = "test"}));
  }

  sfwarden::testing::InProcessSim& sim() { return sim_; }
  MemoryJournal& journal() { return journal_; }

 private:
  sfwarden::testing::InProcessSim sim_;
  OrgBaseline baseline_;
  collectors::OrgTarget target_;
  MemoryJournal journal_;
};

std::string Kinds(const DriftReport& drift) {
  std::string kinds;
  for (const auto& item : drift.items) kinds += std::string(ToString(item.kind)) + " ";
  return kinds;
}

TEST(ApplierSfsimTest, EachEnforcedKindChangedByAnotherAdminIsPutBack) {
  struct Case {
    const char* name;
    std::vector<json> acts;
    DriftKind kind;
  };
  const Case cases[] = {
      {"missing assignment",
       {{{"action", "unassign_permission_set"},
         {"username", kHubSpot},
         {"permission_set", kSyncSet}}},
       DriftKind::kMissingPermissionSetAssignment},
      {"extra assignment",
       {{{"action", "create"},
         {"object", "PermissionSet"},
         {"fields", {{"Name", "Extra_Access"}, {"Label", "Extra Access"}}}},
        {{"action", "assign_permission_set"},
         {"username", kHubSpot},
         {"permission_set", "Extra_Access"}}},
       DriftKind::kExtraPermissionSetAssignment},
      {"group membership",
       {{{"action", "remove_group_member"}, {"username", kHubSpot}, {"group", kSyncGroup}}},
       DriftKind::kMissingPublicGroupMembership},
      {"system permission",
       {{{"action", "set_system_permission"},
         {"permission_set", kSyncSet},
         {"permission", "ModifyAllData"},
         {"enabled", true}}},
       DriftKind::kSystemPermissionMismatch},
      {"object permission",
       {{{"action", "set_object_permissions"},
         {"permission_set", kSyncSet},
         {"object", "Account"},
         {"access", {"read"}}}},
       DriftKind::kObjectPermissionMismatch},
      {"object permission removed",
       {{{"action", "set_object_permissions"},
         {"permission_set", kSyncSet},
         {"object", "Account"},
         {"access", json::array()}}},
       DriftKind::kObjectPermissionMismatch},
      {"field permission",
       {{{"action", "set_field_permissions"},
         {"permission_set", kSyncSet},
         {"field", "Account.AnnualRevenue"},
         {"access", {"read", "edit"}}}},
       DriftKind::kFieldPermissionMismatch},
      {"field permission removed",
       {{{"action", "set_field_permissions"},
         {"permission_set", kSyncSet},
         {"field", "Account.AnnualRevenue"},
         {"access", json::array()}}},
       DriftKind::kFieldPermissionMismatch},
      {"sharing rule changed",
       {{{"action", "edit_sharing_rule"},
         {"object", "Account"},
         {"name", "Send_to_HubSpot"},
         {"access_level", "Read"}}},
       DriftKind::kSharingRuleChanged},
      {"sharing rule deleted",
       {{{"action", "delete_sharing_rule"}, {"object", "Account"}, {"name", "Send_to_HubSpot"}}},
       DriftKind::kSharingRuleMissing},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    SimOrg org;
    ASSERT_TRUE(org.PlanNow().drift.items.empty()) << Kinds(org.PlanNow().drift);
    for (const json& act : c.acts) org.sim().Act(act);

    const Plan plan = org.PlanNow();
    ASSERT_EQ(plan.drift.items.size(), 1u) << Kinds(plan.drift);
    EXPECT_EQ(plan.drift.items[0].kind, c.kind);
    ASSERT_FALSE(plan.steps.empty());
    const auto before = org.sim().CountedCalls();
    const ApplyResult result = org.ApplyNow(plan);

    EXPECT_EQ(org.sim().CountedCalls() - before, result.api_calls);
    for (const StepResult& step : result.steps) {
      EXPECT_EQ(step.outcome, StepOutcome::kDone) << step.detail;
    }
    for (const JournalEntry& entry : org.journal().entries()) {
      EXPECT_EQ(entry.state, JournalState::kDone) << entry.error;
    }
    EXPECT_TRUE(org.PlanNow().drift.items.empty()) << Kinds(org.PlanNow().drift);
  }
}

TEST(ApplierSfsimTest, HundredUsersMissingOneAssignmentEachCostOneCall) {
  std::string yaml = R"(
organization: { name: Many }
users:
  - { username: admin@acme.example, name: Admin User, profile: System Administrator }
)";
  OrgBaseline baseline = EnforcingBaseline();
  for (int i = 0; i < 100; ++i) {
    const std::string name = "sync" + std::to_string(i) + "@acme.example";
    yaml += "  - { username: " + name + ", name: Sync User" + std::to_string(i) + " }\n";
    baseline.users.push_back(
        {.username = name, .mode = Mode::kEnforce, .permission_sets = {"Sync"}});
  }
  yaml += R"(permission_sets:
  - { name: Sync, label: Sync }
connected_apps:
  - { name: sfwarden, client_id: sfwarden-client-id, client_secret: sfwarden-client-secret, execution_user: admin@acme.example }
)";
  baseline.permission_sets["Sync"] = {.name = "Sync"};
  SimOrg org(sim::LoadOrgText(yaml), baseline);
  const Plan plan = org.PlanNow();
  ASSERT_EQ(plan.steps.size(), 100u);
  EXPECT_EQ(plan.api_calls, 1);

  const auto before = org.sim().CountedCalls();
  const ApplyResult result = org.ApplyNow(plan);
  const auto spent = org.sim().CountedCalls() - before;

  EXPECT_LE(spent, 2);
  EXPECT_EQ(spent, 1);
  EXPECT_EQ(result.api_calls, spent);
  EXPECT_EQ(result.Count(StepOutcome::kDone), 100);
  EXPECT_TRUE(org.PlanNow().steps.empty());
}

TEST(ApplierSfsimTest, ConnectionClosedAfterTheCreateLeavesSentAndReconcileFindsItDone) {
  SimOrg org;
  org.sim().Act({{"action", "unassign_permission_set"},
                 {"username", kHubSpot},
                 {"permission_set", kSyncSet}});
  const Plan plan = org.PlanNow();
  ASSERT_EQ(plan.steps.size(), 1u);
  org.sim().Fault({{"method", "POST"},
                   {"path", "/services/data/v60.0/composite/sobjects"},
                   {"kind", "close"},
                   {"bytes", 0}});

  const ApplyResult result = org.ApplyNow(plan);

  EXPECT_EQ(result.steps[0].outcome, StepOutcome::kOutcomeUnknown) << result.steps[0].detail;
  EXPECT_TRUE(result.stopped);
  ASSERT_EQ(org.journal().Pending("sim").size(), 1u);
  EXPECT_EQ(org.journal().entries()[0].state, JournalState::kSent);

  // The restart: a fresh read, then the half-done entry concluded, never resent.
  const auto before = org.sim().CountedCalls();
  const auto fresh = org.Read();
  const auto decisions = ReconcileJournal(org.journal(), "sim", fresh);
  EXPECT_EQ(org.sim().CountedCalls() - before, fresh.api_calls);  // reads only
  ASSERT_EQ(decisions.size(), 1u);
  EXPECT_EQ(decisions[0].state, JournalState::kDone) << decisions[0].reason;
  EXPECT_TRUE(org.journal().Pending("sim").empty());
  int assigned = 0;
  for (const auto& a : fresh.users.at(kHubSpot).assignments)
    assigned += a.permission_set == kSyncSet;
  EXPECT_EQ(assigned, 1);
  EXPECT_TRUE(org.PlanNow().steps.empty());
}

TEST(ApplierSfsimTest, RepeatedCreateOfAnExistingAssignmentIsDoneWithoutADuplicate) {
  SimOrg org;
  org.sim().Act({{"action", "unassign_permission_set"},
                 {"username", kHubSpot},
                 {"permission_set", kSyncSet}});
  const Plan plan = org.PlanNow();
  org.sim().Act(  // another admin fixes it first
      {{"action", "assign_permission_set"}, {"username", kHubSpot}, {"permission_set", kSyncSet}});

  const ApplyResult result = org.ApplyNow(plan);

  EXPECT_EQ(result.steps[0].outcome, StepOutcome::kDone);
  EXPECT_NE(result.steps[0].detail.find("DUPLICATE_VALUE"), std::string::npos);
  EXPECT_EQ(org.Read().users.at(kHubSpot).assignments.size(), 1u);
}

TEST(ApplierSfsimTest, RollbackRestoresThePreviousValue) {
  struct Case {
    const char* name;
    json act;
  };
  const Case cases[] = {
      {"assignment",
       {{"action", "unassign_permission_set"},
        {"username", kHubSpot},
        {"permission_set", kSyncSet}}},
      {"membership",
       {{"action", "remove_group_member"}, {"username", kHubSpot}, {"group", kSyncGroup}}},
      {"system permission",
       {{"action", "set_system_permission"},
        {"permission_set", kSyncSet},
        {"permission", "ModifyAllData"},
        {"enabled", true}}},
      {"field permission",
       {{"action", "set_field_permissions"},
        {"permission_set", kSyncSet},
        {"field", "Account.AnnualRevenue"},
        {"access", {"read", "edit"}}}},
      {"sharing rule",
       {{"action", "edit_sharing_rule"},
        {"object", "Account"},
        {"name", "Send_to_HubSpot"},
        {"access_level", "Read"}}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    SimOrg org;
    org.sim().Act(c.act);
    const Plan drifted = org.PlanNow();
    ASSERT_EQ(drifted.steps.size(), 1u);
    ASSERT_EQ(org.ApplyNow(drifted).steps[0].outcome, StepOutcome::kDone);
    ASSERT_TRUE(org.PlanNow().drift.items.empty());

    auto undone = org.sim().Run(Rollback(org.sim().client(), org.journal(), 1, org.Read()));

    ASSERT_TRUE(undone.has_value()) << undone.error();
    EXPECT_EQ(undone->steps[0].outcome, StepOutcome::kDone) << undone->steps[0].detail;
    EXPECT_EQ(org.journal().entries()[0].state, JournalState::kRolledBack);
    EXPECT_EQ(org.journal().entries()[1].rollback_of, 1);
    const Plan again = org.PlanNow();  // the drift the other admin made is back
    ASSERT_EQ(again.drift.items.size(), 1u) << Kinds(again.drift);
    EXPECT_EQ(again.drift.items[0].key, drifted.drift.items[0].key);
    EXPECT_EQ(again.drift.items[0].actual, drifted.drift.items[0].actual);
  }
}

}  // namespace
}  // namespace sfwarden::remediation
