#include "remediation/plan.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "remediation/sharing_rules_json.h"
#include "tests/remediation/fixtures.h"

namespace sfwarden::remediation {
namespace {

using namespace fixtures;
using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::IsEmpty;

Plan PlanFor(const OrgBaseline& baseline, const collectors::PermissionSnapshot& snapshot,
             const std::set<std::string>& paused = {}) {
  return BuildPlan(baseline, snapshot, DetectDrift(baseline, snapshot, {}), paused);
}

// `count` declared users, each missing its one permission set.
std::pair<OrgBaseline, collectors::PermissionSnapshot> ManyUsersMissingTheirSet(int count) {
  OrgBaseline baseline = Baseline();
  baseline.max_changes_per_cycle = 1000;
  collectors::PermissionSnapshot snapshot = Snapshot();
  baseline.users.clear();
  snapshot.users.clear();
  for (int i = 0; i < count; ++i) {
    const std::string name = "sync" + std::to_string(i) + "@acme.com";
    baseline.users.push_back({.username = name, .mode = Mode::kEnforce, .permission_sets = {kSet}});
    collectors::UserState user{
        .id = "005U" + std::to_string(i), .username = name, .found = true, .active = true};
    snapshot.users[name] = user;
  }
  return {baseline, snapshot};
}

TEST(BuildPlanTest, NoDriftNoSteps) {
  const Plan plan = PlanFor(Baseline(), Snapshot());
  EXPECT_THAT(plan.steps, IsEmpty());
  EXPECT_THAT(plan.skipped, IsEmpty());
  EXPECT_EQ(plan.changes, 0);
  EXPECT_EQ(plan.api_calls, 0);
  EXPECT_FALSE(plan.circuit_breaker.has_value());
}

TEST(BuildPlanTest, MissingAssignmentIsCreatedWithTheSnapshotIds) {
  auto snapshot = Snapshot();
  snapshot.users[kUser].assignments.erase(snapshot.users[kUser].assignments.begin());

  const Plan plan = PlanFor(Baseline(), snapshot);

  ASSERT_EQ(plan.steps.size(), 1u);
  const PlanStep& step = plan.steps[0];
  EXPECT_EQ(step.action, StepAction::kCreate);
  EXPECT_EQ(step.sobject, "PermissionSetAssignment");
  EXPECT_EQ(step.fields, (json{{"AssigneeId", kUserId}, {"PermissionSetId", kSetId}}));
  EXPECT_TRUE(step.replaces.is_null());
  EXPECT_THAT(step.fixes,
              ElementsAre("permission_set_assignment/hubspot@acme.com/HubSpot_Sync_Access"));
  EXPECT_EQ(plan.changes, 1);
  EXPECT_EQ(plan.api_calls, 1);
}

TEST(BuildPlanTest, ExtraAssignmentIsDeletedByIdAndKeepsWhatItReplaces) {
  auto snapshot = Snapshot();
  snapshot.users[kUser].assignments.push_back({.assignment_id = "0Pa000000000009AAA",
                                               .permission_set = "Marketing_Admin",
                                               .expiration = At(60),
                                               .permission_set_id = "0PS000000000009AAA"});

  const Plan plan = PlanFor(Baseline(), snapshot);

  ASSERT_EQ(plan.steps.size(), 1u);
  const PlanStep& step = plan.steps[0];
  EXPECT_EQ(step.action, StepAction::kDelete);
  EXPECT_EQ(step.sobject, "PermissionSetAssignment");
  EXPECT_EQ(step.record_id, "0Pa000000000009AAA");
  EXPECT_EQ(step.replaces["AssigneeId"], kUserId);
  EXPECT_EQ(step.replaces["PermissionSet.Name"], "Marketing_Admin");
  EXPECT_EQ(step.replaces["ExpirationDate"], "2026-01-01T01:00:00.000Z");
  // Not a watched set: its Id comes from the assignment itself, for a rollback.
  EXPECT_EQ(step.replaces["PermissionSetId"], "0PS000000000009AAA");
}

TEST(BuildPlanTest, PermissionSetGroupAssignmentsUseThePermissionSetGroupId) {
  auto snapshot = Snapshot();
  auto& assignments = snapshot.users[kUser].assignments;
  assignments.pop_back();
  assignments.push_back({.assignment_id = "0Pa8",
                         .permission_set_group = "Admin_Bundle",
                         .permission_set_id = "0PS8",
                         .permission_set_group_id = "0PG8"});

  const Plan plan = PlanFor(Baseline(), snapshot);

  ASSERT_EQ(plan.steps.size(), 2u);
  EXPECT_EQ(plan.steps[0].action, StepAction::kDelete);
  EXPECT_EQ(plan.steps[0].record_id, "0Pa8");
  EXPECT_EQ(plan.steps[0].replaces["PermissionSetGroup.DeveloperName"], "Admin_Bundle");
  EXPECT_EQ(plan.steps[0].replaces["PermissionSetGroupId"], "0PG8");
  EXPECT_EQ(plan.steps[1].action, StepAction::kCreate);
  EXPECT_EQ(plan.steps[1].fields,
            (json{{"AssigneeId", kUserId}, {"PermissionSetGroupId", kSetGroupId}}));
}

TEST(BuildPlanTest, PublicGroupMembershipIsCreatedAndDeleted) {
  auto snapshot = Snapshot();
  auto& user = snapshot.users[kUser];
  user.public_groups = {"Marketo_Group"};
  user.group_member_ids = {{"Marketo_Group", "0119"}};
  snapshot.public_groups["Marketo_Group"] = {
      .id = "00G9", .developer_name = "Marketo_Group", .found = true};

  const Plan plan = PlanFor(Baseline(), snapshot);

  ASSERT_EQ(plan.steps.size(), 2u);
  EXPECT_EQ(plan.steps[0].action, StepAction::kDelete);
  EXPECT_EQ(plan.steps[0].sobject, "GroupMember");
  EXPECT_EQ(plan.steps[0].record_id, "0119");
  EXPECT_EQ(plan.steps[0].replaces,
            (json{{"Id", "0119"}, {"GroupId", "00G9"}, {"UserOrGroupId", kUserId}}));
  EXPECT_EQ(plan.steps[1].action, StepAction::kCreate);
  EXPECT_EQ(plan.steps[1].sobject, "GroupMember");
  EXPECT_EQ(plan.steps[1].fields, (json{{"GroupId", kGroupId}, {"UserOrGroupId", kUserId}}));
}

TEST(BuildPlanTest, SystemPermissionsOfOneSetAreOneUpdate) {
  auto snapshot = Snapshot();
  snapshot.permission_sets[kSet].system = {{"ApiEnabled", false}, {"ModifyAllData", true}};

  const Plan plan = PlanFor(Baseline(), snapshot);

  ASSERT_EQ(plan.steps.size(), 1u);
  const PlanStep& step = plan.steps[0];
  EXPECT_EQ(step.action, StepAction::kUpdate);
  EXPECT_EQ(step.sobject, "PermissionSet");
  EXPECT_EQ(step.record_id, kSetId);
  EXPECT_EQ(step.fields,
            (json{{"PermissionsApiEnabled", true}, {"PermissionsModifyAllData", false}}));
  EXPECT_EQ(step.replaces,
            (json{{"PermissionsApiEnabled", false}, {"PermissionsModifyAllData", true}}));
  EXPECT_EQ(step.fixes.size(), 2u);
  EXPECT_EQ(plan.changes, 2);
}

TEST(BuildPlanTest, ObjectPermissionUpdateWritesEveryFlagWithItsPrerequisites) {
  auto baseline = Baseline();
  baseline.permission_sets[kSet].objects["Account"] = {.modify_all = true};
  auto snapshot = Snapshot();
  snapshot.permission_sets[kSet].objects["Account"] = {.id = "110A", .read = true};

  const Plan plan = PlanFor(baseline, snapshot);

  ASSERT_EQ(plan.steps.size(), 1u);
  const PlanStep& step = plan.steps[0];
  EXPECT_EQ(step.action, StepAction::kUpdate);
  EXPECT_EQ(step.sobject, "ObjectPermissions");
  EXPECT_EQ(step.record_id, "110A");
  EXPECT_EQ(step.fields, (json{{"PermissionsRead", true},
                               {"PermissionsCreate", false},
                               {"PermissionsEdit", true},
                               {"PermissionsDelete", true},
                               {"PermissionsViewAllRecords", true},
                               {"PermissionsModifyAllRecords", true}}));
  EXPECT_EQ(step.replaces["PermissionsRead"], true);
  EXPECT_EQ(step.replaces["PermissionsEdit"], false);
}

TEST(BuildPlanTest, ObjectPermissionReductionDropsDependentsTogether) {
  auto snapshot = Snapshot();
  snapshot.permission_sets[kSet].objects["Account"] = {.id = "110A",
                                                       .read = true,
                                                       .create = true,
                                                       .edit = true,
                                                       .del = true,
                                                       .view_all = true,
                                                       .modify_all = true};

  const Plan plan = PlanFor(Baseline(), snapshot);  // baseline: read, create, edit

  ASSERT_EQ(plan.steps.size(), 1u);
  EXPECT_EQ(plan.steps[0].fields, (json{{"PermissionsRead", true},
                                        {"PermissionsCreate", true},
                                        {"PermissionsEdit", true},
                                        {"PermissionsDelete", false},
                                        {"PermissionsViewAllRecords", false},
                                        {"PermissionsModifyAllRecords", false}}));
}

TEST(BuildPlanTest, ViewAllFieldsIsWrittenAndRecordedWhereRead) {
  auto baseline = Baseline();
  baseline.permission_sets[kSet].objects["Account"].view_all_fields = true;
  auto snapshot = Snapshot();
  snapshot.view_all_fields_read = true;

  const Plan plan = PlanFor(baseline, snapshot);

  ASSERT_EQ(plan.steps.size(), 1u);
  EXPECT_EQ(plan.steps[0].action, StepAction::kUpdate);
  EXPECT_EQ(plan.steps[0].fields["PermissionsViewAllFields"], true);
  EXPECT_EQ(plan.steps[0].fields["PermissionsRead"], true);
  EXPECT_EQ(plan.steps[0].replaces["PermissionsViewAllFields"], false);
  EXPECT_EQ(plan.steps[0].summary,
            "HubSpot_Sync_Access: Account -> read, create, edit, view_all_fields");
}

TEST(BuildPlanTest, ViewAllFieldsIsNeverSentWhereItWasNotRead) {
  auto baseline = Baseline();
  baseline.permission_sets[kSet].objects["Account"].view_all_fields = true;
  auto snapshot = Snapshot();
  snapshot.permission_sets[kSet].objects.clear();  // drift on the other flags

  const Plan plan = PlanFor(baseline, snapshot);

  ASSERT_EQ(plan.steps.size(), 1u);
  EXPECT_EQ(plan.steps[0].action, StepAction::kCreate);
  EXPECT_EQ(plan.steps[0].fields["PermissionsRead"], true);
  EXPECT_FALSE(plan.steps[0].fields.contains("PermissionsViewAllFields"));
}

TEST(BuildPlanTest, MissingObjectRowIsCreatedOnTheSet) {
  auto snapshot = Snapshot();
  snapshot.permission_sets[kSet].objects.clear();

  const Plan plan = PlanFor(Baseline(), snapshot);

  ASSERT_EQ(plan.steps.size(), 1u);
  const PlanStep& step = plan.steps[0];
  EXPECT_EQ(step.action, StepAction::kCreate);
  EXPECT_EQ(step.sobject, "ObjectPermissions");
  EXPECT_EQ(step.fields["ParentId"], kSetId);
  EXPECT_EQ(step.fields["SobjectType"], "Account");
  EXPECT_EQ(step.fields["PermissionsEdit"], true);
  EXPECT_EQ(step.fields["PermissionsDelete"], false);
  EXPECT_TRUE(step.replaces.is_null());
}

TEST(BuildPlanTest, FieldPermissionEditIsWrittenWithRead) {
  auto baseline = Baseline();
  baseline.permission_sets[kSet].fields["Account.AnnualRevenue"] = {.edit = true};
  baseline.permission_sets[kSet].fields["Account.Phone"] = {.read = true};
  auto snapshot = Snapshot();
  snapshot.permission_sets[kSet].fields["Account.AnnualRevenue"] = {.id = "01kA"};

  const Plan plan = PlanFor(baseline, snapshot);

  ASSERT_EQ(plan.steps.size(), 2u);
  EXPECT_EQ(plan.steps[0].action, StepAction::kUpdate);
  EXPECT_EQ(plan.steps[0].record_id, "01kA");
  EXPECT_EQ(plan.steps[0].fields, (json{{"PermissionsRead", true}, {"PermissionsEdit", true}}));
  EXPECT_EQ(plan.steps[0].replaces, (json{{"PermissionsRead", false}, {"PermissionsEdit", false}}));
  EXPECT_EQ(plan.steps[1].action, StepAction::kCreate);
  EXPECT_EQ(plan.steps[1].sobject, "FieldPermissions");
  EXPECT_EQ(plan.steps[1].fields, (json{{"ParentId", kSetId},
                                        {"SobjectType", "Account"},
                                        {"Field", "Account.Phone"},
                                        {"PermissionsRead", true},
                                        {"PermissionsEdit", false}}));
}

TEST(BuildPlanTest, SharingRulesAreReadModifyWrittenPerObject) {
  auto baseline = Baseline();
  salesforce::SharingRule second = SendToHubSpot();
  second.full_name = "Send_Partners";
  second.label = "";
  baseline.sharing_rules["Account"].push_back(second);
  auto snapshot = Snapshot();
  auto& rules = snapshot.sharing_rules[0];
  rules.criteria_rules[0].access_level = "Read";
  salesforce::SharingRule theirs = SendToHubSpot();
  theirs.full_name = "Finance_Rule";
  rules.criteria_rules.insert(rules.criteria_rules.begin(), theirs);
  salesforce::SharingRule owner = theirs;
  owner.type = salesforce::SharingRule::Type::kOwner;
  owner.full_name = "Owner_Rule";
  owner.shared_from = {.kind = "role", .value = "CEO"};
  rules.owner_rules = {owner};
  rules.other_rules = {{"sharingGuestRules", "<sharingGuestRules/>"}};
  const salesforce::SharingRules before = rules;

  const Plan plan = PlanFor(baseline, snapshot);

  ASSERT_EQ(plan.steps.size(), 1u);
  const PlanStep& step = plan.steps[0];
  EXPECT_EQ(step.action, StepAction::kUpsertSharingRules);
  EXPECT_EQ(step.sobject, "SharingRules");
  EXPECT_EQ(step.record_id, "Account");
  EXPECT_THAT(step.fixes, ElementsAre("sharing_rule/Account/Send_to_HubSpot",
                                      "sharing_rule/Account/Send_Partners"));
  ASSERT_TRUE(step.sharing_rules.has_value());
  const salesforce::SharingRules& sent = *step.sharing_rules;
  EXPECT_EQ(sent.object, "Account");
  ASSERT_EQ(sent.criteria_rules.size(), 3u);
  EXPECT_EQ(sent.criteria_rules[0], theirs);           // untouched, in place
  EXPECT_EQ(sent.criteria_rules[1], SendToHubSpot());  // put back in place
  EXPECT_EQ(sent.criteria_rules[2].full_name, "Send_Partners");
  EXPECT_EQ(sent.criteria_rules[2].label, "Send_Partners");  // a label is required
  EXPECT_EQ(sent.owner_rules, before.owner_rules);
  EXPECT_EQ(sent.other_rules, before.other_rules);
  EXPECT_EQ(step.replaces, SharingRulesToJson(before));
  EXPECT_EQ(plan.changes, 2);
  EXPECT_EQ(plan.api_calls, 1);
}

TEST(BuildPlanTest, ChangedRuleKeepsWhatTheBaselineLeavesOpen) {
  auto baseline = Baseline();
  baseline.sharing_rules["Account"][0].label.clear();
  auto snapshot = Snapshot();
  auto& rule = snapshot.sharing_rules[0].criteria_rules[0];
  rule.access_level = "Read";
  rule.label = "Their label";
  rule.description = "kept";

  const Plan plan = PlanFor(baseline, snapshot);

  ASSERT_EQ(plan.steps.size(), 1u);
  const auto& sent = plan.steps[0].sharing_rules->criteria_rules.at(0);
  EXPECT_EQ(sent.access_level, "Edit");
  EXPECT_EQ(sent.label, "Their label");
  EXPECT_EQ(sent.description, "kept");
}

TEST(BuildPlanTest, RulesOfAnObjectWithoutRulesAreCreated) {
  auto snapshot = Snapshot();
  snapshot.sharing_rules.clear();

  const Plan plan = PlanFor(Baseline(), snapshot);

  ASSERT_EQ(plan.steps.size(), 1u);
  EXPECT_TRUE(plan.steps[0].replaces.is_null());
  ASSERT_TRUE(plan.steps[0].sharing_rules.has_value());
  EXPECT_THAT(plan.steps[0].sharing_rules->criteria_rules, ElementsAre(SendToHubSpot()));
}

TEST(BuildPlanTest, StepsTakeAccessAwayBeforeGrantingIt) {
  auto baseline = Baseline();
  baseline.max_changes_per_cycle = 100;
  auto snapshot = Snapshot();
  snapshot.sharing_rules.clear();
  auto& user = snapshot.users[kUser];
  user.assignments = {{.assignment_id = "0Pa9", .permission_set = "Marketing_Admin"}};
  user.public_groups = {"Marketo_Group"};
  user.group_member_ids = {{"Marketo_Group", "0119"}};
  snapshot.public_groups["Marketo_Group"] = {.id = "00G9", .found = true};
  auto& set = snapshot.permission_sets[kSet];
  set.system["ModifyAllData"] = true;
  set.objects.erase("Account");
  set.fields["Account.AnnualRevenue"].edit = true;

  const Plan plan = PlanFor(baseline, snapshot);

  auto step = [](StepAction action, const char* sobject) {
    return ::testing::AllOf(Field(&PlanStep::action, action), Field(&PlanStep::sobject, sobject));
  };
  EXPECT_THAT(plan.steps, ElementsAre(step(StepAction::kDelete, "PermissionSetAssignment"),
                                      step(StepAction::kDelete, "GroupMember"),
                                      step(StepAction::kUpdate, "PermissionSet"),
                                      step(StepAction::kCreate, "ObjectPermissions"),
                                      step(StepAction::kUpdate, "FieldPermissions"),
                                      step(StepAction::kCreate, "PermissionSetAssignment"),
                                      step(StepAction::kCreate, "PermissionSetAssignment"),
                                      step(StepAction::kCreate, "GroupMember"),
                                      step(StepAction::kUpsertSharingRules, "SharingRules")));
  EXPECT_EQ(plan.api_calls, 8);  // the two assignment creates share a call
}

TEST(BuildPlanTest, HundredUsersMissingOneAssignmentCostAtMostTwoCalls) {
  auto [baseline, snapshot] = ManyUsersMissingTheirSet(100);

  const Plan plan = PlanFor(baseline, snapshot);

  EXPECT_EQ(plan.steps.size(), 100u);
  EXPECT_EQ(plan.changes, 100);
  EXPECT_LE(plan.api_calls, 2);
  EXPECT_EQ(plan.api_calls, 1);
  EXPECT_EQ(plan.steps[42].fields["AssigneeId"], "005U42");
}

TEST(BuildPlanTest, CollectionsHoldAtMost200Records) {
  auto [baseline, snapshot] = ManyUsersMissingTheirSet(401);

  const Plan plan = PlanFor(baseline, snapshot);
  const auto batches = GroupIntoCalls(plan.steps);

  ASSERT_EQ(batches.size(), 3u);
  EXPECT_EQ(plan.api_calls, 3);
  EXPECT_EQ(batches[0].first, 0u);
  EXPECT_EQ(batches[0].count, 200u);
  EXPECT_EQ(batches[1].first, 200u);
  EXPECT_EQ(batches[1].count, 200u);
  EXPECT_EQ(batches[2].count, 1u);
  EXPECT_EQ(batches[2].sobject, "PermissionSetAssignment");
}

TEST(GroupIntoCallsTest, ActionsAndObjectsDoNotShareACallAndUpsertsTakeTen) {
  std::vector<PlanStep> steps;
  steps.push_back({.action = StepAction::kDelete, .sobject = "GroupMember"});
  steps.push_back({.action = StepAction::kDelete, .sobject = "PermissionSetAssignment"});
  steps.push_back({.action = StepAction::kCreate, .sobject = "PermissionSetAssignment"});
  for (int i = 0; i < 11; ++i) {
    steps.push_back({.action = StepAction::kUpsertSharingRules, .sobject = "SharingRules"});
  }

  const auto batches = GroupIntoCalls(steps);

  ASSERT_EQ(batches.size(), 5u);
  EXPECT_EQ(batches[3].count, 10u);
  EXPECT_EQ(batches[4].count, 1u);
  EXPECT_EQ(batches[4].first, 13u);
}

TEST(BuildPlanTest, DriftWithinTheBoundIsPlanned) {
  auto [baseline, snapshot] = ManyUsersMissingTheirSet(10);
  baseline.max_changes_per_cycle = 10;

  const Plan plan = PlanFor(baseline, snapshot);

  EXPECT_EQ(plan.steps.size(), 10u);
  EXPECT_FALSE(plan.circuit_breaker.has_value());
}

TEST(BuildPlanTest, DriftBeyondTheBoundTripsTheCircuitBreaker) {
  auto [baseline, snapshot] = ManyUsersMissingTheirSet(11);
  baseline.max_changes_per_cycle = 10;

  const Plan plan = PlanFor(baseline, snapshot);

  EXPECT_THAT(plan.steps, IsEmpty());
  EXPECT_EQ(plan.api_calls, 0);
  EXPECT_EQ(plan.changes, 11);
  ASSERT_TRUE(plan.circuit_breaker.has_value());
  EXPECT_THAT(*plan.circuit_breaker,
              ::testing::HasSubstr("11 changes exceed max_changes_per_cycle 10"));
  EXPECT_EQ(plan.skipped.size(), 11u);
  EXPECT_EQ(plan.skipped[0].reason, SkipReason::kCircuitBreaker);
  EXPECT_EQ(plan.drift.items.size(), 11u);  // still reported
}

TEST(BuildPlanTest, AlertOnlyAndNotEnforcedDriftDoesNotCountAgainstTheBound) {
  auto baseline = Baseline();
  baseline.max_changes_per_cycle = 0;
  auto snapshot = Snapshot();
  snapshot.users[kUser].profile = "System Administrator";
  snapshot.org_wide_defaults["Account"] = "Edit";

  const Plan plan = PlanFor(baseline, snapshot);

  EXPECT_FALSE(plan.circuit_breaker.has_value());
  EXPECT_THAT(plan.skipped, ElementsAre(Field(&SkippedDrift::reason, SkipReason::kAlertOnly),
                                        Field(&SkippedDrift::reason, SkipReason::kAlertOnly)));
}

TEST(BuildPlanTest, ObserveModePlansNothingAndReportsEverything) {
  auto baseline = Baseline();
  baseline.mode = Mode::kObserve;
  baseline.users[0].mode = Mode::kObserve;
  auto snapshot = Snapshot();
  snapshot.users[kUser].assignments.clear();
  snapshot.sharing_rules.clear();

  const Plan plan = PlanFor(baseline, snapshot);

  EXPECT_THAT(plan.steps, IsEmpty());
  EXPECT_EQ(plan.drift.items.size(), 3u);
  ASSERT_EQ(plan.skipped.size(), 3u);
  for (const SkippedDrift& skip : plan.skipped) EXPECT_EQ(skip.reason, SkipReason::kObserve);
}

TEST(BuildPlanTest, UnenforcedKindsAndUnavailableUsersAreSkippedWithTheirReason) {
  auto baseline = Baseline();
  baseline.enforce.erase(EnforceKind::kFieldPermissions);
  auto snapshot = Snapshot();
  snapshot.permission_sets[kSet].fields["Account.AnnualRevenue"].edit = true;
  snapshot.users[kUser].frozen = true;
  snapshot.users[kUser].assignments.clear();

  const Plan plan = PlanFor(baseline, snapshot);

  EXPECT_THAT(plan.steps, IsEmpty());
  EXPECT_THAT(plan.skipped,
              ElementsAre(Field(&SkippedDrift::reason, SkipReason::kAlertOnly),
                          Field(&SkippedDrift::reason, SkipReason::kUserUnavailable),
                          Field(&SkippedDrift::reason, SkipReason::kUserUnavailable),
                          Field(&SkippedDrift::reason, SkipReason::kKindNotEnforced)));
}

TEST(BuildPlanTest, PausedItemsAreSkippedAndTheRestPlanned) {
  auto snapshot = Snapshot();
  snapshot.users[kUser].assignments.clear();
  const std::string paused = "permission_set_assignment/hubspot@acme.com/HubSpot_Sync_Access";

  const Plan plan = PlanFor(Baseline(), snapshot, {paused});

  ASSERT_EQ(plan.steps.size(), 1u);
  EXPECT_EQ(plan.steps[0].fields["PermissionSetGroupId"], kSetGroupId);
  ASSERT_EQ(plan.skipped.size(), 1u);
  EXPECT_EQ(plan.skipped[0].key, paused);
  EXPECT_EQ(plan.skipped[0].reason, SkipReason::kFlapping);
}

TEST(BuildPlanTest, WritesNeedingSomethingAbsentFromTheOrgAreSkipped) {
  auto snapshot = Snapshot();
  snapshot.users[kUser].assignments.erase(snapshot.users[kUser].assignments.begin());
  snapshot.permission_sets[kSet].found = false;
  snapshot.permission_sets[kSet].id.clear();
  snapshot.users[kUser].public_groups.clear();
  snapshot.public_groups.erase(kGroup);

  const Plan plan = PlanFor(Baseline(), snapshot);

  EXPECT_THAT(plan.steps, IsEmpty());
  ASSERT_EQ(plan.skipped.size(), 2u);
  EXPECT_EQ(plan.skipped[0].reason, SkipReason::kNotFound);
  EXPECT_EQ(plan.skipped[0].detail, "permission set HubSpot_Sync_Access not found in the org");
  EXPECT_EQ(plan.skipped[1].detail, "public group HubSpot_Integration_Group not found in the org");
}

TEST(FlappingTest, PausedFromTheThresholdWithinTheWindow) {
  const FlappingPolicy policy{.window = std::chrono::hours(1), .threshold = 3};
  const std::vector<collectors::Time> two = {At(10), At(40)};
  const std::vector<collectors::Time> three = {At(10), At(40), At(60)};

  EXPECT_FALSE(IsEnforcementPaused(two, At(60), policy));
  EXPECT_TRUE(IsEnforcementPaused(three, At(60), policy));
}

TEST(FlappingTest, AnEntryExactlyAWindowOldIsOutside) {
  const FlappingPolicy policy{.window = std::chrono::hours(1), .threshold = 3};
  const std::vector<collectors::Time> times = {At(0), At(30), At(60)};

  EXPECT_FALSE(IsEnforcementPaused(times, At(60), policy));
  EXPECT_TRUE(IsEnforcementPaused(times, At(60) - std::chrono::milliseconds(1), policy));
}

TEST(FlappingTest, OldHistoryDoesNotPause) {
  const FlappingPolicy policy{.window = std::chrono::minutes(10), .threshold = 2};
  const std::vector<collectors::Time> times = {At(0), At(1), At(2), At(3), At(30)};

  EXPECT_FALSE(IsEnforcementPaused(times, At(30), policy));
}

TEST(FlappingTest, ThresholdBelowOneDisablesThePause) {
  const FlappingPolicy policy{.window = std::chrono::hours(1), .threshold = 0};
  EXPECT_FALSE(IsEnforcementPaused(std::vector<collectors::Time>{}, At(0), policy));
  const FlappingPolicy one{.window = std::chrono::hours(1), .threshold = 1};
  EXPECT_FALSE(IsEnforcementPaused(std::vector<collectors::Time>{}, At(0), one));
  EXPECT_TRUE(IsEnforcementPaused(std::vector<collectors::Time>{At(0)}, At(0), one));
}

}  // namespace
}  // namespace sfwarden::remediation

namespace sfwarden::remediation {
namespace {

using namespace fixtures;

TEST(FlappingTest, PausedKeysAreThoseOverTheThreshold) {
  const FlappingPolicy policy{.window = std::chrono::hours(1), .threshold = 2};
  const std::map<std::string, std::vector<collectors::Time>> history = {
      {"a", {At(10), At(20)}}, {"b", {At(20)}}, {"c", {At(-100), At(20)}}};

  EXPECT_EQ(PausedKeys(history, At(30), policy), std::set<std::string>{"a"});
}

TEST(PutSharingRuleTest, RuleThatChangedTypeMovesToItsList) {
  salesforce::SharingRules rules{.object = "Account"};
  salesforce::SharingRule owner = SendToHubSpot();
  owner.type = salesforce::SharingRule::Type::kOwner;
  owner.criteria_items.clear();
  owner.shared_from = {.kind = "role", .value = "Sales"};
  rules.owner_rules = {owner};

  PutSharingRule(rules, SendToHubSpot());

  EXPECT_TRUE(rules.owner_rules.empty());
  EXPECT_THAT(rules.criteria_rules, ::testing::ElementsAre(SendToHubSpot()));
}

}  // namespace
}  // namespace sfwarden::remediation
