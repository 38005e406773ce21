#include "remediation/applier.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "remediation/sharing_rules_json.h"
#include "tests/remediation/fake_write_api.h"
#include "tests/remediation/fixtures.h"

namespace sfwarden::remediation {
namespace {

using namespace fixtures;
using nlohmann::json;
using ::testing::ElementsAre;
using testing::FakeWriteApi;
using ::testing::HasSubstr;
using testing::RunSync;

constexpr char kAssignmentId[] = "0Pa000000000001AAA";

Plan PlanFor(const collectors::PermissionSnapshot& snapshot, OrgBaseline baseline = Baseline()) {
  return BuildPlan(baseline, snapshot, DetectDrift(baseline, snapshot, {}));
}

collectors::PermissionSnapshot WithoutSetAssignment() {
  auto s = Snapshot();
  std::erase_if(s.users[kUser].assignments, [](const auto& a) { return a.permission_set == kSet; });
  return s;
}

collectors::PermissionSnapshot WithExtraSet() {
  auto s = Snapshot();
  s.users[kUser].assignments.push_back(
      {.assignment_id = "0Pa000000000009AAA", .permission_set = "Extra_Access"});
  return s;
}

salesforce::ApiError Error(salesforce::ErrorKind kind, std::string code = "") {
  salesforce::ApiError e;
  e.kind = kind;
  e.error_code = std::move(code);
  e.message = "test";
  return e;
}

salesforce::SaveResult Refused(std::string code) {
  return {.success = false, .errors = {{.error_code = std::move(code), .message = "no"}}};
}

TEST(MemoryJournalTest, AppendStoresPlannedWithIdsFromOneAndPendingListsPlannedAndSent) {
  MemoryJournal journal;
  const auto a = journal.Append({.org = "prod", .kind = "k", .state = JournalState::kDone});
  const auto b = journal.Append({.org = "prod"});
  const auto c = journal.Append({.org = "other"});
  journal.Mark(b, JournalState::kSent);
  journal.Mark(a, JournalState::kFailed, "boom");

  EXPECT_EQ(a, 1);
  EXPECT_EQ(journal.Find(a)->error, "boom");
  const auto pending = journal.Pending("prod");
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].id, b);
  EXPECT_EQ(journal.Pending("other")[0].id, c);
  EXPECT_THROW(journal.Mark(99, JournalState::kDone), std::out_of_range);
}

TEST(ApplierTest, MissingAssignmentIsJournaledPlannedThenSentBeforeTheCallThenDone) {
  const Plan plan = PlanFor(WithoutSetAssignment());
  ASSERT_EQ(plan.steps.size(), 1u);
  FakeWriteApi api;
  MemoryJournal journal;
  std::vector<JournalState> states_at_call;
  api.on_call = [&](const testing::WriteCall&) {
    for (const auto& entry : journal.entries()) states_at_call.push_back(entry.state);
  };

  const ApplyResult result = RunSync(Apply(api, plan, journal, {.cycle_id = "c1"}));

  EXPECT_THAT(states_at_call, ElementsAre(JournalState::kSent));
  ASSERT_EQ(result.steps.size(), 1u);
  EXPECT_EQ(result.steps[0].outcome, StepOutcome::kDone);
  EXPECT_EQ(result.steps[0].record_id, "0Xx1");
  EXPECT_EQ(result.api_calls, 1);
  EXPECT_FALSE(result.stopped);
  const JournalEntry& entry = journal.entries().at(0);
  EXPECT_EQ(entry.org, "prod");
  EXPECT_EQ(entry.cycle_id, "c1");
  EXPECT_EQ(entry.kind, "permission_set_assignment");
  EXPECT_EQ(entry.target, std::string(kUser) + "/" + kSet);
  EXPECT_EQ(entry.action, "create");
  EXPECT_EQ(entry.before_json, "null");
  EXPECT_EQ(json::parse(entry.after_json)["fields"],
            (json{{"AssigneeId", kUserId}, {"PermissionSetId", kSetId}}));
  EXPECT_THAT(journal.History(entry.id),
              ElementsAre(JournalState::kPlanned, JournalState::kSent, JournalState::kDone));
  ASSERT_EQ(api.calls().size(), 1u);
  EXPECT_EQ(api.calls()[0].kind, "create");
  EXPECT_FALSE(api.calls()[0].all_or_none);
  EXPECT_EQ(api.calls()[0].records[0]["attributes"]["type"], "PermissionSetAssignment");
}

TEST(ApplierTest, HundredMissingAssignmentsGoOutInOneCollectionCall) {
  OrgBaseline baseline = Baseline();
  baseline.max_changes_per_cycle = 1000;
  baseline.users.clear();
  auto snapshot = Snapshot();
  snapshot.users.clear();
  for (int i = 0; i < 100; ++i) {
    const std::string name = "sync" + std::to_string(i) + "@acme.com";
    baseline.users.push_back({.username = name, .mode = Mode::kEnforce, .permission_sets = {kSet}});
    snapshot.users[name] = {
        .id = "005U" + std::to_string(i), .username = name, .found = true, .active = true};
  }
  baseline.permission_sets.clear();
  baseline.sharing_rules.clear();
  const Plan plan = PlanFor(snapshot, baseline);
  ASSERT_EQ(plan.steps.size(), 100u);
  FakeWriteApi api;
  MemoryJournal journal;

  const ApplyResult result = RunSync(Apply(api, plan, journal));

  EXPECT_EQ(result.api_calls, 1);
  ASSERT_EQ(api.calls().size(), 1u);
  EXPECT_EQ(api.calls()[0].records.size(), 100u);
  EXPECT_EQ(result.Count(StepOutcome::kDone), 100);
  EXPECT_EQ(journal.entries().size(), 100u);
}

TEST(ApplierTest, DuplicateValueOnAnAssignmentCreateMeansItIsThereAndIsDone) {
  FakeWriteApi api;
  api.Then(std::vector<salesforce::SaveResult>{Refused("DUPLICATE_VALUE")});
  MemoryJournal journal;

  const ApplyResult result = RunSync(Apply(api, PlanFor(WithoutSetAssignment()), journal));

  EXPECT_EQ(result.steps[0].outcome, StepOutcome::kDone);
  EXPECT_THAT(result.steps[0].detail, HasSubstr("already present"));
  EXPECT_EQ(journal.entries()[0].state, JournalState::kDone);
}

TEST(ApplierTest, DeleteOfARecordAlreadyGoneIsDone) {
  FakeWriteApi api;
  api.Then(std::vector<salesforce::SaveResult>{Refused("ENTITY_IS_DELETED")});
  MemoryJournal journal;

  const ApplyResult result = RunSync(Apply(api, PlanFor(WithExtraSet()), journal));

  ASSERT_EQ(api.calls().size(), 1u);
  EXPECT_EQ(api.calls()[0].kind, "delete");
  EXPECT_EQ(api.calls()[0].ids, std::vector<std::string>{"0Pa000000000009AAA"});
  EXPECT_EQ(result.steps[0].outcome, StepOutcome::kDone);
  EXPECT_EQ(journal.entries()[0].state, JournalState::kDone);
}

TEST(ApplierTest, OneRefusedRecordFailsOnlyItsStep) {
  auto snapshot = WithoutSetAssignment();
  snapshot.users[kUser].public_groups.clear();
  snapshot.users[kUser].group_member_ids.clear();
  const Plan plan = PlanFor(snapshot);
  ASSERT_EQ(plan.steps.size(), 2u);  // assignment, then membership: two calls
  FakeWriteApi api;
  api.Then(std::vector<salesforce::SaveResult>{Refused("INVALID_CROSS_REFERENCE_KEY")});
  MemoryJournal journal;

  const ApplyResult result = RunSync(Apply(api, plan, journal));

  EXPECT_EQ(result.steps[0].outcome, StepOutcome::kFailed);
  EXPECT_THAT(result.steps[0].detail, HasSubstr("INVALID_CROSS_REFERENCE_KEY"));
  EXPECT_EQ(journal.entries()[0].state, JournalState::kFailed);
  EXPECT_EQ(result.steps[1].outcome, StepOutcome::kDone);  // the run goes on
  EXPECT_EQ(result.api_calls, 2);
}

TEST(ApplierTest, OutcomeUnknownLeavesEntriesSentAndSendsNothingMore) {
  auto snapshot = WithExtraSet();
  std::erase_if(snapshot.users[kUser].assignments,
                [](const auto& a) { return a.permission_set == kSet; });
  const Plan plan = PlanFor(snapshot);
  ASSERT_EQ(plan.steps.size(), 2u);  // delete the extra one, then create the missing one
  for (auto kind : {salesforce::ErrorKind::kOutcomeUnknown, salesforce::ErrorKind::kTimeout,
                    salesforce::ErrorKind::kDecode}) {
    SCOPED_TRACE(salesforce::ToString(kind));
    FakeWriteApi api;
    auto error = Error(kind);
    error.request_sent = true;
    api.Then(tl::unexpected(error));
    MemoryJournal journal;

    const ApplyResult result = RunSync(Apply(api, plan, journal));

    EXPECT_EQ(result.steps[0].outcome, StepOutcome::kOutcomeUnknown);
    EXPECT_EQ(result.steps[1].outcome, StepOutcome::kNotSent);
    EXPECT_EQ(result.steps[1].journal_id, 0);
    EXPECT_TRUE(result.stopped);
    EXPECT_EQ(api.calls().size(), 1u);
    ASSERT_EQ(journal.entries().size(), 1u);
    EXPECT_EQ(journal.entries()[0].state, JournalState::kSent);
  }
}

TEST(ApplierTest, CallRefusedAsAWholeIsFailedAndStopsTheRun) {
  auto snapshot = WithExtraSet();
  std::erase_if(snapshot.users[kUser].assignments,
                [](const auto& a) { return a.permission_set == kSet; });
  FakeWriteApi api;
  api.Then(tl::unexpected(Error(salesforce::ErrorKind::kSalesforce, "INVALID_SESSION_ID")));
  MemoryJournal journal;

  const ApplyResult result = RunSync(Apply(api, PlanFor(snapshot), journal));

  EXPECT_EQ(result.steps[0].outcome, StepOutcome::kFailed);
  EXPECT_EQ(journal.entries()[0].state, JournalState::kFailed);
  EXPECT_EQ(result.steps[1].outcome, StepOutcome::kNotSent);
  EXPECT_TRUE(result.stopped);
}

TEST(ApplierTest, SystemPermissionUpdateCarriesIdTypeAndPreviousValues) {
  auto snapshot = Snapshot();
  snapshot.permission_sets[kSet].system["ModifyAllData"] = true;
  FakeWriteApi api;
  MemoryJournal journal;

  RunSync(Apply(api, PlanFor(snapshot), journal));

  ASSERT_EQ(api.calls().size(), 1u);
  EXPECT_EQ(api.calls()[0].kind, "update");
  EXPECT_EQ(api.calls()[0].records[0], (json{{"attributes", {{"type", "PermissionSet"}}},
                                             {"id", kSetId},
                                             {"PermissionsModifyAllData", false}}));
  const JournalEntry& entry = journal.entries()[0];
  EXPECT_EQ(entry.kind, "system_permission");
  EXPECT_EQ(json::parse(entry.before_json), (json{{"PermissionsModifyAllData", true}}));
}

TEST(ApplierTest, SharingRuleIsPutOnAFreshReadSoAConcurrentEditIsKept) {
  auto snapshot = Snapshot();
  snapshot.sharing_rules[0].criteria_rules[0].access_level = "Read";
  const Plan plan = PlanFor(snapshot);
  ASSERT_EQ(plan.steps.size(), 1u);
  FakeWriteApi api;
  salesforce::SharingRules fresh = snapshot.sharing_rules[0];
  salesforce::SharingRule other = SendToHubSpot();
  other.full_name = "Added_Meanwhile";
  other.access_level = "Read";
  fresh.criteria_rules.push_back(other);
  api.sharing_rules = {fresh};
  MemoryJournal journal;

  const ApplyResult result = RunSync(Apply(api, plan, journal));

  EXPECT_EQ(result.api_calls, 2);  // readMetadata + upsertMetadata
  ASSERT_EQ(api.calls().size(), 2u);
  EXPECT_EQ(api.calls()[0].kind, "read_sharing_rules");
  ASSERT_EQ(api.calls()[1].rules.size(), 1u);
  const auto& sent = api.calls()[1].rules[0];
  ASSERT_EQ(sent.criteria_rules.size(), 2u);
  EXPECT_EQ(sent.criteria_rules[0].access_level, "Edit");
  EXPECT_EQ(sent.criteria_rules[1].full_name, "Added_Meanwhile");
  EXPECT_EQ(result.steps[0].outcome, StepOutcome::kDone);
  EXPECT_EQ(json::parse(journal.entries()[0].before_json), SharingRulesToJson(fresh));
}

TEST(ApplierTest, FailedSharingRuleReReadSendsNothingAndJournalsNothing) {
  auto snapshot = Snapshot();
  snapshot.sharing_rules[0].criteria_rules[0].access_level = "Read";
  FakeWriteApi api;
  api.read_error = Error(salesforce::ErrorKind::kTimeout);
  MemoryJournal journal;

  const ApplyResult result = RunSync(Apply(api, PlanFor(snapshot), journal));

  EXPECT_EQ(result.steps[0].outcome, StepOutcome::kFailed);
  EXPECT_TRUE(journal.entries().empty());
  EXPECT_EQ(api.calls().size(), 1u);
}

// --- Reconcile ------------------------------------------------------------------------

// The journal of an Apply whose call got no answer.
MemoryJournal SentButUnanswered(const Plan& plan) {
  FakeWriteApi api;
  auto error = Error(salesforce::ErrorKind::kOutcomeUnknown);
  for (int i = 0; i < 5; ++i) api.Then(tl::unexpected(error));
  api.upsert_error = error;
  MemoryJournal journal;
  RunSync(Apply(api, plan, journal));
  return journal;
}

TEST(ReconcileTest, SentAssignmentPresentNowIsDoneAndAbsentIsNotApplied) {
  MemoryJournal journal = SentButUnanswered(PlanFor(WithoutSetAssignment()));
  const auto pending = journal.Pending("prod");
  ASSERT_EQ(pending.size(), 1u);

  const auto applied = Reconcile(pending, Snapshot());
  const auto not_applied = Reconcile(pending, WithoutSetAssignment());

  ASSERT_EQ(applied.size(), 1u);
  EXPECT_EQ(applied[0].state, JournalState::kDone);
  ASSERT_EQ(not_applied.size(), 1u);
  EXPECT_EQ(not_applied[0].state, JournalState::kFailed);
  EXPECT_THAT(not_applied[0].reason, HasSubstr("not applied"));
}

TEST(ReconcileTest, PlannedEntryNeverSentIsConcludedTheSameWay) {
  MemoryJournal journal;
  JournalEntry entry = SentButUnanswered(PlanFor(WithoutSetAssignment())).entries()[0];
  journal.Append(entry);  // kPlanned: the crash came between journal and send

  const auto decisions = ReconcileJournal(journal, "prod", WithoutSetAssignment());

  ASSERT_EQ(decisions.size(), 1u);
  EXPECT_EQ(journal.entries()[0].state, JournalState::kFailed);
  EXPECT_TRUE(journal.Pending("prod").empty());
}

TEST(ReconcileTest, EachKindIsCheckedAgainstTheStateItSets) {
  struct Case {
    const char* name;
    collectors::PermissionSnapshot drifted;
  };
  auto extra = WithExtraSet();
  auto no_member = Snapshot();
  no_member.users[kUser].public_groups.clear();
  no_member.users[kUser].group_member_ids.clear();
  auto system = Snapshot();
  system.permission_sets[kSet].system["ModifyAllData"] = true;
  auto object = Snapshot();
  object.permission_sets[kSet].objects["Account"].edit = false;
  auto no_object = Snapshot();
  no_object.permission_sets[kSet].objects.clear();
  auto field = Snapshot();
  field.permission_sets[kSet].fields["Account.AnnualRevenue"].edit = true;
  auto rule = Snapshot();
  rule.sharing_rules[0].criteria_rules[0].access_level = "Read";
  const Case cases[] = {{"extra assignment", extra},
                        {"group membership", no_member},
                        {"system permission", system},
                        {"object permission", object},
                        {"object permission row", no_object},
                        {"field permission", field},
                        {"sharing rule", rule}};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const Plan plan = PlanFor(c.drifted);
    ASSERT_EQ(plan.steps.size(), 1u);
    MemoryJournal journal = SentButUnanswered(plan);
    const auto pending = journal.Pending("prod");
    ASSERT_EQ(pending.size(), 1u);

    const auto done = Reconcile(pending, Snapshot());
    const auto not_done = Reconcile(pending, c.drifted);

    ASSERT_EQ(done.size(), 1u);
    EXPECT_EQ(done[0].state, JournalState::kDone) << done[0].reason;
    ASSERT_EQ(not_done.size(), 1u);
    EXPECT_EQ(not_done[0].state, JournalState::kFailed) << not_done[0].reason;
  }
}

TEST(ReconcileTest, EntryTheReadCannotAnswerIsFailedWithCannotCheck) {
  MemoryJournal journal = SentButUnanswered(PlanFor(WithoutSetAssignment()));
  auto pending = journal.Pending("prod");
  collectors::PermissionSnapshot empty;
  JournalEntry garbled = pending[0];
  garbled.id = 42;
  garbled.after_json = "{not json";
  pending.push_back(garbled);

  const auto decisions = Reconcile(pending, empty);

  ASSERT_EQ(decisions.size(), 2u);
  for (const auto& d : decisions) {
    EXPECT_EQ(d.state, JournalState::kFailed);
    EXPECT_THAT(d.reason, HasSubstr("cannot check"));
  }
}

// --- Rollback -------------------------------------------------------------------------

JournalEntry DoneEntry(const Plan& plan) {
  FakeWriteApi api;
  MemoryJournal journal;
  RunSync(Apply(api, plan, journal));
  return journal.entries().at(0);
}

// The snapshot after the create of `entry`: the assignment carries the Id it was given.
collectors::PermissionSnapshot AfterCreate(const JournalEntry& entry) {
  auto now = Snapshot();
  for (auto& a : now.users[kUser].assignments) {
    if (a.assignment_id == kAssignmentId) a.assignment_id = entry.created_id;
  }
  return now;
}

TEST(RollbackTest, CreatedAssignmentIsDeletedByTheIdItWasGiven) {
  const JournalEntry entry = DoneEntry(PlanFor(WithoutSetAssignment()));
  ASSERT_FALSE(entry.created_id.empty());  // the journal keeps Salesforce's answer

  auto plan = PlanRollback(entry, AfterCreate(entry));

  ASSERT_TRUE(plan.has_value()) << plan.error();
  ASSERT_EQ(plan->steps.size(), 1u);
  EXPECT_EQ(plan->steps[0].action, StepAction::kDelete);
  EXPECT_EQ(plan->steps[0].record_id, entry.created_id);
  EXPECT_EQ(plan->steps[0].fixes,
            std::vector<std::string>{"permission_set_assignment/" + entry.target});
}

TEST(RollbackTest, AnAssignmentSomeoneElseMadeSinceIsNotDeleted) {
  const JournalEntry entry = DoneEntry(PlanFor(WithoutSetAssignment()));

  auto plan = PlanRollback(entry, Snapshot());  // the set is assigned, by another record

  ASSERT_FALSE(plan.has_value());
  EXPECT_THAT(plan.error(), HasSubstr("nothing to undo"));
}

TEST(RollbackTest, EntryWithoutACreatedIdFindsTheAssignmentByName) {
  JournalEntry entry = DoneEntry(PlanFor(WithoutSetAssignment()));
  entry.created_id.clear();  // written before the journal kept Ids

  auto plan = PlanRollback(entry, Snapshot());

  ASSERT_TRUE(plan.has_value()) << plan.error();
  EXPECT_EQ(plan->steps[0].record_id, kAssignmentId);
}

TEST(RollbackTest, DeletedAssignmentIsCreatedAgainFromWhatItReplaced) {
  const JournalEntry entry = DoneEntry(PlanFor(WithExtraSet()));
  auto now = Snapshot();
  now.permission_sets["Extra_Access"] = {
      .id = "0PS000000000009AAA", .name = "Extra_Access", .found = true};

  auto plan = PlanRollback(entry, now);

  ASSERT_TRUE(plan.has_value()) << plan.error();
  EXPECT_EQ(plan->steps[0].action, StepAction::kCreate);
  EXPECT_EQ(plan->steps[0].fields,
            (json{{"AssigneeId", kUserId}, {"PermissionSetId", "0PS000000000009AAA"}}));
}

TEST(RollbackTest, DeletedAssignmentOfASetNoBaselineNamesUsesTheRecordedId) {
  auto before = Snapshot();
  before.users[kUser].assignments.push_back({.assignment_id = "0Pa000000000009AAA",
                                             .permission_set = "Extra_Access",
                                             .permission_set_id = "0PS000000000009AAA"});
  const JournalEntry entry = DoneEntry(PlanFor(before));

  auto plan = PlanRollback(entry, Snapshot());  // Extra_Access is not read: not watched

  ASSERT_TRUE(plan.has_value()) << plan.error();
  ASSERT_EQ(plan->steps.size(), 1u);
  EXPECT_EQ(plan->steps[0].action, StepAction::kCreate);
  EXPECT_EQ(plan->steps[0].fields,
            (json{{"AssigneeId", kUserId}, {"PermissionSetId", "0PS000000000009AAA"}}));
}

TEST(RollbackTest, UpdateWritesThePreviousValuesBack) {
  auto drifted = Snapshot();
  drifted.permission_sets[kSet].objects["Account"].edit = false;
  const JournalEntry entry = DoneEntry(PlanFor(drifted));

  auto plan = PlanRollback(entry, Snapshot());

  ASSERT_TRUE(plan.has_value()) << plan.error();
  EXPECT_EQ(plan->steps[0].action, StepAction::kUpdate);
  EXPECT_EQ(plan->steps[0].record_id, "110000000000001AAA");
  EXPECT_EQ(plan->steps[0].fields["PermissionsEdit"], false);
  EXPECT_EQ(plan->steps[0].replaces["PermissionsEdit"], true);
}

TEST(RollbackTest, OnlyDoneEntriesRollBack) {
  JournalEntry entry = DoneEntry(PlanFor(WithoutSetAssignment()));
  entry.state = JournalState::kSent;
  auto plan = PlanRollback(entry, Snapshot());
  ASSERT_FALSE(plan.has_value());
  EXPECT_THAT(plan.error(), HasSubstr("only done entries roll back"));
}

// The journal of an upsert that created the declared rule (it was missing).
MemoryJournal RuleCreated(FakeWriteApi& api) {
  auto missing_rule = Snapshot();
  missing_rule.sharing_rules[0].criteria_rules.clear();
  api.sharing_rules = missing_rule.sharing_rules;
  MemoryJournal journal;
  RunSync(Apply(api, PlanFor(missing_rule), journal));
  EXPECT_EQ(journal.entries().at(0).state, JournalState::kDone);
  return journal;
}

TEST(RollbackTest, CreatedSharingRuleIsDeletedAndThatDeletionRollsBackToAnUpsert) {
  FakeWriteApi api;
  MemoryJournal journal = RuleCreated(api);
  const JournalEntry created = journal.entries().at(0);
  const auto now = Snapshot();  // the rule as created
  api.sharing_rules = now.sharing_rules;

  auto result = RunSync(Rollback(api, journal, created.id, now));

  ASSERT_TRUE(result.has_value()) << result.error();
  ASSERT_EQ(result->steps.size(), 1u);
  EXPECT_EQ(result->steps[0].outcome, StepOutcome::kDone);
  const auto& call = api.calls().back();
  EXPECT_EQ(call.kind, "delete_metadata");
  EXPECT_EQ(call.type, "SharingCriteriaRule");
  EXPECT_EQ(call.ids, std::vector<std::string>{"Account.Send_to_HubSpot"});
  ASSERT_EQ(journal.entries().size(), 2u);
  const JournalEntry deletion = journal.entries()[1];
  EXPECT_EQ(deletion.action, "delete_metadata");
  EXPECT_EQ(deletion.rollback_of, created.id);
  EXPECT_EQ(deletion.state, JournalState::kDone);
  EXPECT_EQ(json::parse(deletion.before_json), SharingRulesToJson(now.sharing_rules[0]));
  EXPECT_EQ(journal.entries()[0].state, JournalState::kRolledBack);

  // Reconcile finds the deletion in effect only once the rule is gone.
  auto gone = Snapshot();
  gone.sharing_rules[0].criteria_rules.clear();
  JournalEntry pending = deletion;
  pending.state = JournalState::kSent;
  EXPECT_EQ(Reconcile(std::span(&pending, 1), gone).at(0).state, JournalState::kDone);
  EXPECT_EQ(Reconcile(std::span(&pending, 1), now).at(0).state, JournalState::kFailed);

  // Rolling the deletion back upserts the rule exactly as it was deleted.
  auto undo = PlanRollback(deletion, gone);
  ASSERT_TRUE(undo.has_value()) << undo.error();
  ASSERT_EQ(undo->steps.size(), 1u);
  EXPECT_EQ(undo->steps[0].action, StepAction::kUpsertSharingRules);
  EXPECT_EQ(undo->steps[0].sharing_rules->criteria_rules, now.sharing_rules[0].criteria_rules);
  EXPECT_THAT(PlanRollback(deletion, now).error(), HasSubstr("nothing to undo"));
}

TEST(RollbackTest, CreatedRuleAlreadyGoneIsNothingToUndoAndAGoneAnswerIsDone) {
  FakeWriteApi api;
  MemoryJournal journal = RuleCreated(api);
  auto gone = Snapshot();
  gone.sharing_rules[0].criteria_rules.clear();
  EXPECT_THAT(PlanRollback(journal.entries().at(0), gone).error(), HasSubstr("nothing to undo"));

  // Deleted by someone between the read and the call: the state wanted.
  api.delete_results["Account.Send_to_HubSpot"] = {
      .full_name = "Account.Send_to_HubSpot",
      .success = false,
      .errors = {{.error_code = "INVALID_CROSS_REFERENCE_KEY", .message = "no such rule"}}};
  auto result = RunSync(Rollback(api, journal, journal.entries().at(0).id, Snapshot()));
  ASSERT_TRUE(result.has_value()) << result.error();
  EXPECT_EQ(result->steps[0].outcome, StepOutcome::kDone);
  EXPECT_THAT(result->steps[0].detail, HasSubstr("already gone"));
}

TEST(RollbackTest, RefusedRuleDeletionFailsAndLeavesTheEntryDone) {
  FakeWriteApi api;
  MemoryJournal journal = RuleCreated(api);
  api.delete_results["Account.Send_to_HubSpot"] = {
      .full_name = "Account.Send_to_HubSpot",
      .success = false,
      .errors = {{.error_code = "INSUFFICIENT_ACCESS", .message = "no"}}};
  auto result = RunSync(Rollback(api, journal, journal.entries().at(0).id, Snapshot()));
  ASSERT_TRUE(result.has_value()) << result.error();
  EXPECT_EQ(result->steps[0].outcome, StepOutcome::kFailed);
  EXPECT_EQ(journal.entries()[1].state, JournalState::kFailed);
  EXPECT_EQ(journal.entries()[0].state, JournalState::kDone);
}

TEST(RollbackTest, RollbackIsJournaledWithRollbackOfAndMarksTheOriginal) {
  FakeWriteApi api;
  MemoryJournal journal;
  RunSync(Apply(api, PlanFor(WithoutSetAssignment()), journal));
  const std::int64_t original = journal.entries().at(0).id;

  auto result = RunSync(Rollback(api, journal, original, AfterCreate(journal.entries().at(0))));

  ASSERT_TRUE(result.has_value()) << result.error();
  EXPECT_EQ(result->steps[0].outcome, StepOutcome::kDone);
  ASSERT_EQ(journal.entries().size(), 2u);
  EXPECT_EQ(journal.entries()[1].rollback_of, original);
  EXPECT_EQ(journal.entries()[1].action, "delete");
  EXPECT_EQ(journal.entries()[0].state, JournalState::kRolledBack);
  EXPECT_EQ(api.calls().back().ids, std::vector<std::string>{journal.entries()[0].created_id});
}

}  // namespace
}  // namespace sfwarden::remediation
