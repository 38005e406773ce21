#include "remediation/drift.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <vector>

#include "tests/remediation/fixtures.h"

namespace sfwarden::remediation {
namespace {

using namespace fixtures;
using collectors::AuditObservation;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::IsEmpty;

std::vector<DriftItem> Drift(const OrgBaseline& baseline,
                             const collectors::PermissionSnapshot& snapshot,
                             const std::vector<AuditObservation>& audit = {}) {
  return DetectDrift(baseline, snapshot, audit).items;
}

AuditObservation Audit(std::string id, collectors::Time time, std::string action,
                       std::string actor) {
  AuditObservation e;
  e.id = std::move(id);
  e.time = time;
  e.action = std::move(action);
  e.section = "Manage Users";
  e.actor_username = std::move(actor);
  e.actor_id = "005ADMIN";
  e.concerns.usernames = {kUser};
  return e;
}

TEST(DetectDriftTest, SnapshotMatchingTheBaselineHasNoDrift) {
  const DriftReport report = DetectDrift(Baseline(), Snapshot(), {});
  EXPECT_EQ(report.org, "prod");
  EXPECT_EQ(report.read_at, At(0));
  EXPECT_THAT(report.items, IsEmpty());
}

TEST(DetectDriftTest, MissingPermissionSetAssignment) {
  auto snapshot = Snapshot();
  snapshot.users[kUser].assignments.erase(snapshot.users[kUser].assignments.begin());

  const auto items = Drift(Baseline(), snapshot);

  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].kind, DriftKind::kMissingPermissionSetAssignment);
  EXPECT_EQ(items[0].key, "permission_set_assignment/hubspot@acme.com/HubSpot_Sync_Access");
  EXPECT_EQ(items[0].subject, kUser);
  EXPECT_EQ(items[0].item, kSet);
  EXPECT_EQ(items[0].expected, "assigned");
  EXPECT_EQ(items[0].actual, "not assigned");
  EXPECT_EQ(items[0].disposition, Disposition::kEnforce);
  EXPECT_FALSE(items[0].changed_by.has_value());
}

TEST(DetectDriftTest, ExtraPermissionSetAssignmentUnderExclusiveSwitch) {
  auto snapshot = Snapshot();
  snapshot.users[kUser].assignments.push_back(
      {.assignment_id = "0Pa000000000009AAA", .permission_set = "Marketing_Admin"});

  const auto items = Drift(Baseline(), snapshot);

  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].kind, DriftKind::kExtraPermissionSetAssignment);
  EXPECT_EQ(items[0].item, "Marketing_Admin");
  EXPECT_EQ(items[0].key, "permission_set_assignment/hubspot@acme.com/Marketing_Admin");
  EXPECT_EQ(items[0].expected, "not assigned");
  EXPECT_EQ(items[0].actual, "assigned");
}

TEST(DetectDriftTest, ExtraPermissionSetAssignmentIsNoDriftWithoutExclusiveSwitch) {
  auto baseline = Baseline();
  baseline.users[0].exclusive_permission_sets = false;
  auto snapshot = Snapshot();
  snapshot.users[kUser].assignments.push_back(
      {.assignment_id = "0Pa000000000009AAA", .permission_set = "Marketing_Admin"});

  EXPECT_THAT(Drift(baseline, snapshot), IsEmpty());
}

TEST(DetectDriftTest, MissingPermissionSetGroupAssignment) {
  auto snapshot = Snapshot();
  snapshot.users[kUser].assignments.pop_back();

  const auto items = Drift(Baseline(), snapshot);

  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].kind, DriftKind::kMissingPermissionSetGroupAssignment);
  EXPECT_EQ(items[0].key, "permission_set_group_assignment/hubspot@acme.com/Sync_Bundle");
}

TEST(DetectDriftTest, ExtraPermissionSetGroupAssignmentOnlyUnderItsSwitch) {
  auto snapshot = Snapshot();
  snapshot.users[kUser].assignments.push_back(
      {.assignment_id = "0Pa000000000009AAA", .permission_set_group = "Admin_Bundle"});
  auto baseline = Baseline();

  const auto items = Drift(baseline, snapshot);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].kind, DriftKind::kExtraPermissionSetGroupAssignment);
  EXPECT_EQ(items[0].item, "Admin_Bundle");

  baseline.users[0].exclusive_permission_set_groups = false;
  EXPECT_THAT(Drift(baseline, snapshot), IsEmpty());
}

TEST(DetectDriftTest, MissingPublicGroupMembership) {
  auto snapshot = Snapshot();
  snapshot.users[kUser].public_groups.clear();
  snapshot.users[kUser].group_member_ids.clear();

  const auto items = Drift(Baseline(), snapshot);

  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].kind, DriftKind::kMissingPublicGroupMembership);
  EXPECT_EQ(items[0].key, "public_group_membership/hubspot@acme.com/HubSpot_Integration_Group");
  EXPECT_EQ(items[0].expected, "member");
  EXPECT_EQ(items[0].actual, "not a member");
}

TEST(DetectDriftTest, ExtraPublicGroupMembershipOnlyUnderExclusiveSwitch) {
  auto snapshot = Snapshot();
  snapshot.users[kUser].public_groups.push_back("Marketo_Group");
  auto baseline = Baseline();

  const auto items = Drift(baseline, snapshot);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].kind, DriftKind::kExtraPublicGroupMembership);
  EXPECT_EQ(items[0].item, "Marketo_Group");

  baseline.users[0].exclusive_public_groups = false;
  EXPECT_THAT(Drift(baseline, snapshot), IsEmpty());
}

TEST(DetectDriftTest, SystemPermissionNamedFalseButTrueIsDrift) {
  auto snapshot = Snapshot();
  snapshot.permission_sets[kSet].system["ModifyAllData"] = true;

  const auto items = Drift(Baseline(), snapshot);

  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].kind, DriftKind::kSystemPermissionMismatch);
  EXPECT_EQ(items[0].key, "system_permission/HubSpot_Sync_Access/ModifyAllData");
  EXPECT_EQ(items[0].subject, kSet);
  EXPECT_EQ(items[0].expected, "false");
  EXPECT_EQ(items[0].actual, "true");
}

TEST(DetectDriftTest, SystemPermissionNotReadCountsAsFalse) {
  auto snapshot = Snapshot();
  snapshot.permission_sets[kSet].system.erase("ApiEnabled");

  const auto items = Drift(Baseline(), snapshot);

  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].item, "ApiEnabled");
  EXPECT_EQ(items[0].actual, "false");
}

TEST(DetectDriftTest, OnlyNamedPermissionsObjectsAndFieldsAreCompared) {
  auto snapshot = Snapshot();
  auto& set = snapshot.permission_sets[kSet];
  set.system["ViewAllData"] = true;
  set.objects["Contact"] = {.id = "110000000000002AAA", .read = true, .modify_all = true};
  set.fields["Account.Phone"] = {.id = "01k000000000002AAA", .read = true, .edit = true};

  EXPECT_THAT(Drift(Baseline(), snapshot), IsEmpty());
}

TEST(DetectDriftTest, ObjectPermissionMismatchComparesAllFlagsOfADeclaredObject) {
  auto snapshot = Snapshot();
  snapshot.permission_sets[kSet].objects["Account"].del = true;

  const auto items = Drift(Baseline(), snapshot);

  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].kind, DriftKind::kObjectPermissionMismatch);
  EXPECT_EQ(items[0].key, "object_permission/HubSpot_Sync_Access/Account");
  EXPECT_EQ(items[0].expected, "read, create, edit");
  EXPECT_EQ(items[0].actual, "read, create, edit, delete");
}

TEST(DetectDriftTest, MissingObjectRowMeansNoAccess) {
  auto snapshot = Snapshot();
  snapshot.permission_sets[kSet].objects.clear();

  const auto items = Drift(Baseline(), snapshot);

  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].actual, "none");
}

TEST(DetectDriftTest, ObjectBaselineIsClosedOverDependencies) {
  auto baseline = Baseline();
  baseline.permission_sets[kSet].objects["Account"] = {.edit = true};  // read implied
  auto snapshot = Snapshot();
  snapshot.permission_sets[kSet].objects["Account"] = {
      .id = "110000000000001AAA", .read = true, .edit = true};

  EXPECT_THAT(Drift(baseline, snapshot), IsEmpty());
}

TEST(DetectDriftTest, ViewAllFieldsClearedInTheOrgIsDriftWhereRead) {
  auto baseline = Baseline();
  baseline.permission_sets[kSet].objects["Account"].view_all_fields = true;
  auto snapshot = Snapshot();
  snapshot.view_all_fields_read = true;

  const auto items = Drift(baseline, snapshot);

  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].kind, DriftKind::kObjectPermissionMismatch);
  EXPECT_EQ(items[0].expected, "read, create, edit, view_all_fields");
  EXPECT_EQ(items[0].actual, "read, create, edit");
}

TEST(DetectDriftTest, ViewAllFieldsGrantedInTheOrgIsDriftWhereRead) {
  auto snapshot = Snapshot();
  snapshot.view_all_fields_read = true;
  snapshot.permission_sets[kSet].objects["Account"].view_all_fields = true;

  const auto items = Drift(Baseline(), snapshot);

  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].actual, "read, create, edit, view_all_fields");
}

TEST(DetectDriftTest, ViewAllFieldsIsNotComparedWhereTheReadCouldNotSeeIt) {
  auto baseline = Baseline();
  baseline.permission_sets[kSet].objects["Account"].view_all_fields = true;
  auto snapshot = Snapshot();  // read at an API version before 63.0
  ASSERT_FALSE(snapshot.view_all_fields_read);

  EXPECT_THAT(Drift(baseline, snapshot), IsEmpty());
}

TEST(DetectDriftTest, FieldPermissionMismatch) {
  auto snapshot = Snapshot();
  snapshot.permission_sets[kSet].fields["Account.AnnualRevenue"].edit = true;

  const auto items = Drift(Baseline(), snapshot);

  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].kind, DriftKind::kFieldPermissionMismatch);
  EXPECT_EQ(items[0].key, "field_permission/HubSpot_Sync_Access/Account.AnnualRevenue");
  EXPECT_EQ(items[0].expected, "read");
  EXPECT_EQ(items[0].actual, "read, edit");
}

TEST(DetectDriftTest, FieldEditImpliesRead) {
  auto baseline = Baseline();
  baseline.permission_sets[kSet].fields["Account.AnnualRevenue"] = {.edit = true};
  auto snapshot = Snapshot();
  snapshot.permission_sets[kSet].fields["Account.AnnualRevenue"].edit = true;

  EXPECT_THAT(Drift(baseline, snapshot), IsEmpty());
}

TEST(DetectDriftTest, PermissionSetMissingInOrgHasNoContentDrift) {
  auto snapshot = Snapshot();
  snapshot.permission_sets[kSet] = {.name = kSet, .found = false};

  const auto items = Drift(Baseline(), snapshot);

  EXPECT_THAT(items, IsEmpty());  // the assignment row is still there in this snapshot
}

TEST(DetectDriftTest, SharingRuleMissingWhenTheObjectHasNoRules) {
  auto snapshot = Snapshot();
  snapshot.sharing_rules.clear();

  const auto items = Drift(Baseline(), snapshot);

  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].kind, DriftKind::kSharingRuleMissing);
  EXPECT_EQ(items[0].key, "sharing_rule/Account/Send_to_HubSpot");
  EXPECT_EQ(items[0].expected,
            "Edit to group:HubSpot_Integration_Group where "
            "Send_to_HubSpot__c equals True");
  EXPECT_EQ(items[0].actual, "absent");
}

TEST(DetectDriftTest, SharingRuleChangedAccessOrCriteria) {
  auto snapshot = Snapshot();
  snapshot.sharing_rules[0].criteria_rules[0].access_level = "Read";
  snapshot.sharing_rules[0].criteria_rules[0].criteria_items[0].value = "False";

  const auto items = Drift(Baseline(), snapshot);

  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].kind, DriftKind::kSharingRuleChanged);
  EXPECT_EQ(items[0].actual,
            "Read to group:HubSpot_Integration_Group where "
            "Send_to_HubSpot__c equals False");
}

TEST(DetectDriftTest, UndeclaredRulesAndUndeclaredRuleFieldsAreNotCompared) {
  auto baseline = Baseline();
  baseline.sharing_rules["Account"][0].label.clear();  // label not declared
  auto snapshot = Snapshot();
  auto& rules = snapshot.sharing_rules[0];
  rules.criteria_rules[0].label = "Renamed by an admin";
  rules.criteria_rules[0].description = "why";
  salesforce::SharingRule other = SendToHubSpot();
  other.full_name = "Someone_Elses_Rule";
  other.access_level = "Read";
  rules.criteria_rules.push_back(other);

  EXPECT_THAT(Drift(baseline, snapshot), IsEmpty());
}

TEST(DetectDriftTest, SharingRuleOfOtherTypeWithSameNameIsChanged) {
  auto snapshot = Snapshot();
  auto& rules = snapshot.sharing_rules[0];
  salesforce::SharingRule owner = SendToHubSpot();
  owner.type = salesforce::SharingRule::Type::kOwner;
  owner.criteria_items.clear();
  owner.shared_from = {.kind = "role", .value = "Sales"};
  rules.criteria_rules.clear();
  rules.owner_rules = {owner};

  const auto items = Drift(Baseline(), snapshot);

  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].kind, DriftKind::kSharingRuleChanged);
  EXPECT_EQ(items[0].actual, "Edit to group:HubSpot_Integration_Group from role:Sales");
}

TEST(DetectDriftTest, ProfileMismatchIsAlertOnly) {
  auto snapshot = Snapshot();
  snapshot.users[kUser].profile = "System Administrator";

  const auto items = Drift(Baseline(), snapshot);

  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].kind, DriftKind::kProfileMismatch);
  EXPECT_EQ(items[0].key, "profile/hubspot@acme.com");
  EXPECT_EQ(items[0].expected, kProfile);
  EXPECT_EQ(items[0].actual, "System Administrator");
  EXPECT_EQ(items[0].disposition, Disposition::kAlertOnly);
  EXPECT_FALSE(IsEnforceable(items[0].kind));
}

TEST(DetectDriftTest, UndeclaredProfileIsNotCompared) {
  auto baseline = Baseline();
  baseline.users[0].profile.reset();
  auto snapshot = Snapshot();
  snapshot.users[kUser].profile = "System Administrator";

  EXPECT_THAT(Drift(baseline, snapshot), IsEmpty());
}

TEST(DetectDriftTest, InactiveUserIsAlertOnlyAndItsAccessIsNotPutBack) {
  auto snapshot = Snapshot();
  snapshot.users[kUser].active = false;
  snapshot.users[kUser].assignments.clear();

  const auto items = Drift(Baseline(), snapshot);

  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[0].kind, DriftKind::kUserInactive);
  EXPECT_EQ(items[0].key, "user_active/hubspot@acme.com");
  EXPECT_EQ(items[0].disposition, Disposition::kAlertOnly);
  EXPECT_EQ(items[1].kind, DriftKind::kMissingPermissionSetAssignment);
  EXPECT_EQ(items[1].disposition, Disposition::kUserUnavailable);
  EXPECT_EQ(items[2].kind, DriftKind::kMissingPermissionSetGroupAssignment);
  EXPECT_EQ(items[2].disposition, Disposition::kUserUnavailable);
}

TEST(DetectDriftTest, FrozenUserIsAlertOnly) {
  auto snapshot = Snapshot();
  snapshot.users[kUser].frozen = true;
  snapshot.users[kUser].public_groups.clear();

  const auto items = Drift(Baseline(), snapshot);

  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].kind, DriftKind::kUserFrozen);
  EXPECT_EQ(items[0].key, "user_frozen/hubspot@acme.com");
  EXPECT_EQ(items[0].disposition, Disposition::kAlertOnly);
  EXPECT_EQ(items[1].kind, DriftKind::kMissingPublicGroupMembership);
  EXPECT_EQ(items[1].disposition, Disposition::kUserUnavailable);
}

TEST(DetectDriftTest, MissingUserIsOneAlertOnlyItem) {
  auto snapshot = Snapshot();
  snapshot.users[kUser] = {.username = kUser, .found = false};

  const auto items = Drift(Baseline(), snapshot);

  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].kind, DriftKind::kUserMissing);
  EXPECT_EQ(items[0].key, "user/hubspot@acme.com");
  EXPECT_EQ(items[0].disposition, Disposition::kAlertOnly);
}

TEST(DetectDriftTest, UserAbsentFromSnapshotIsMissing) {
  auto snapshot = Snapshot();
  snapshot.users.clear();

  const auto items = Drift(Baseline(), snapshot);

  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].kind, DriftKind::kUserMissing);
}

TEST(DetectDriftTest, OrgWideDefaultMismatchIsAlertOnly) {
  auto snapshot = Snapshot();
  snapshot.org_wide_defaults["Account"] = "Edit";

  const auto items = Drift(Baseline(), snapshot);

  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].kind, DriftKind::kOrgWideDefaultMismatch);
  EXPECT_EQ(items[0].key, "org_wide_default/Account");
  EXPECT_EQ(items[0].expected, "Private");
  EXPECT_EQ(items[0].actual, "Edit");
  EXPECT_EQ(items[0].disposition, Disposition::kAlertOnly);
}

TEST(DetectDriftTest, OrganizationPicklistSpellingMatchesSharingModel) {
  auto baseline = Baseline();
  baseline.org_wide_defaults["Contact"] = "ControlledByParent";
  baseline.org_wide_defaults["Lead"] = "ReadWriteTransfer";
  auto snapshot = Snapshot();
  snapshot.org_wide_defaults["Account"] = "None";
  snapshot.org_wide_defaults["Contact"] = "ControlledByParent";
  snapshot.org_wide_defaults["Lead"] = "ReadEditTransfer";

  EXPECT_THAT(Drift(baseline, snapshot), IsEmpty());
}

TEST(DetectDriftTest, UndeclaredUsersGroupsAndObjectsNeverAppear) {
  auto snapshot = Snapshot();
  auto other = HubSpotUserState();
  other.username = "someone@acme.com";
  other.active = false;
  other.assignments.clear();
  snapshot.users["someone@acme.com"] = other;
  snapshot.org_wide_defaults["Opportunity"] = "ReadWrite";
  snapshot.sharing_rules.push_back({.object = "Opportunity"});
  snapshot.public_groups["Other_Group"] = {.id = "00G2", .developer_name = "Other_Group"};

  EXPECT_THAT(Drift(Baseline(), snapshot), IsEmpty());
}

TEST(DetectDriftTest, ItemsComeInBaselineOrder) {
  auto snapshot = Snapshot();
  snapshot.org_wide_defaults["Account"] = "Read";
  snapshot.sharing_rules.clear();
  snapshot.permission_sets[kSet].system["ModifyAllData"] = true;
  snapshot.users[kUser].profile = "Other";

  const auto items = Drift(Baseline(), snapshot);

  EXPECT_THAT(items, ElementsAre(Field(&DriftItem::kind, DriftKind::kProfileMismatch),
                                 Field(&DriftItem::kind, DriftKind::kSystemPermissionMismatch),
                                 Field(&DriftItem::kind, DriftKind::kSharingRuleMissing),
                                 Field(&DriftItem::kind, DriftKind::kOrgWideDefaultMismatch)));
}

TEST(DetectDriftTest, ObserveModeOfTheUserReportsWithoutEnforcing) {
  auto baseline = Baseline();
  baseline.users[0].mode = Mode::kObserve;
  auto snapshot = Snapshot();
  snapshot.users[kUser].assignments.clear();
  snapshot.permission_sets[kSet].system["ModifyAllData"] = true;

  const auto items = Drift(baseline, snapshot);

  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[0].disposition, Disposition::kObserve);
  EXPECT_EQ(items[1].disposition, Disposition::kObserve);
  EXPECT_EQ(items[2].kind, DriftKind::kSystemPermissionMismatch);
  EXPECT_EQ(items[2].disposition, Disposition::kEnforce);  // org-level: the org's mode
}

TEST(DetectDriftTest, ObserveModeOfTheOrgCoversOrgLevelItems) {
  auto baseline = Baseline();
  baseline.mode = Mode::kObserve;
  auto snapshot = Snapshot();
  snapshot.sharing_rules.clear();

  const auto items = Drift(baseline, snapshot);

  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].disposition, Disposition::kObserve);
}

TEST(DetectDriftTest, KindsOutsideTheEnforcedSetAreNotEnforced) {
  auto baseline = Baseline();
  baseline.enforce.erase(EnforceKind::kGroups);
  auto snapshot = Snapshot();
  snapshot.users[kUser].public_groups.clear();

  auto items = Drift(baseline, snapshot);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].disposition, Disposition::kKindNotEnforced);

  baseline.users[0].enforce = std::set{EnforceKind::kGroups};  // the user's own set wins
  items = Drift(baseline, snapshot);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].disposition, Disposition::kEnforce);
}

TEST(DetectDriftTest, AlertOnlyKindsStayAlertOnlyEvenWhenListedAsEnforced) {
  auto baseline = Baseline();
  baseline.enforce.insert(EnforceKind::kProfile);
  baseline.enforce.insert(EnforceKind::kOrgWideDefaults);
  auto snapshot = Snapshot();
  snapshot.users[kUser].profile = "System Administrator";
  snapshot.org_wide_defaults["Account"] = "Edit";

  const auto items = Drift(baseline, snapshot);

  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].disposition, Disposition::kAlertOnly);
  EXPECT_EQ(items[1].disposition, Disposition::kAlertOnly);
}

TEST(DetectDriftTest, AttributionIsTheLatestMatchingAuditEntry) {
  auto snapshot = Snapshot();
  snapshot.users[kUser].assignments.erase(snapshot.users[kUser].assignments.begin());
  std::vector<AuditObservation> audit = {
      Audit("0YM1", At(-30), "PermSetUnassign", "old@acme.com"),
      Audit("0YM3", At(-5), "PermSetUnassign", "alice@acme.com"),
      Audit("0YM2", At(-10), "PermSetUnassign", "bob@acme.com"),
      Audit("0YM4", At(-1), "frozeuser", "mallory@acme.com"),  // another action
  };
  for (auto& entry : audit) entry.concerns.permission_sets = {kSet};
  audit[2].delegate_user = "support@salesforce.com";

  const auto items = Drift(Baseline(), snapshot, audit);

  ASSERT_EQ(items.size(), 1u);
  ASSERT_TRUE(items[0].changed_by.has_value());
  EXPECT_EQ(items[0].changed_by->audit_id, "0YM3");
  EXPECT_EQ(items[0].changed_by->actor_username, "alice@acme.com");
  EXPECT_EQ(items[0].changed_by->actor_id, "005ADMIN");
  EXPECT_EQ(items[0].changed_by->time, At(-5));
  EXPECT_EQ(items[0].changed_by->action, "PermSetUnassign");
}

TEST(DetectDriftTest, AuditEntriesAboutOtherUsersOrSetsDoNotAttribute) {
  auto snapshot = Snapshot();
  snapshot.users[kUser].assignments.erase(snapshot.users[kUser].assignments.begin());
  auto other_user = Audit("0YM1", At(-5), "PermSetUnassign", "alice@acme.com");
  other_user.concerns.usernames = {"marketo@acme.com"};
  other_user.concerns.permission_sets = {kSet};
  auto other_set = Audit("0YM2", At(-4), "PermSetUnassign", "bob@acme.com");
  other_set.concerns.permission_sets = {"Marketo_Sync"};
  other_set.display = "Permission set Marketo_Sync: unassigned from user HubSpot Integration";

  const auto items = Drift(Baseline(), snapshot, {other_user, other_set});

  ASSERT_EQ(items.size(), 1u);
  EXPECT_FALSE(items[0].changed_by.has_value());
}

TEST(DetectDriftTest, ExtraUndeclaredSetIsAttributedByUserAndAction) {
  auto snapshot = Snapshot();
  snapshot.users[kUser].assignments.push_back(
      {.assignment_id = "0Pa9", .permission_set = "Marketing_Admin"});
  auto entry = Audit("0YM1", At(-2), "PermSetAssign", "alice@acme.com");  // no watched set

  const auto items = Drift(Baseline(), snapshot, {entry});

  ASSERT_EQ(items.size(), 1u);
  ASSERT_TRUE(items[0].changed_by.has_value());
  EXPECT_EQ(items[0].changed_by->actor_username, "alice@acme.com");
}

TEST(DetectDriftTest, UserStatusAndProfileAreAttributedByTheirActions) {
  auto snapshot = Snapshot();
  snapshot.users[kUser].frozen = true;
  snapshot.users[kUser].profile = "System Administrator";
  const auto froze = Audit("0YM1", At(-3), "frozeuser", "alice@acme.com");
  const auto profile = Audit("0YM2", At(-2), "changedprofileforuserstdtocust", "bob@acme.com");

  const auto items = Drift(Baseline(), snapshot, {froze, profile});

  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].kind, DriftKind::kUserFrozen);
  EXPECT_EQ(items[0].changed_by->actor_username, "alice@acme.com");
  EXPECT_EQ(items[1].kind, DriftKind::kProfileMismatch);
  EXPECT_EQ(items[1].changed_by->actor_username, "bob@acme.com");
}

TEST(DetectDriftTest, PermissionSetContentsAreAttributedByTheSet) {
  auto snapshot = Snapshot();
  snapshot.permission_sets[kSet].system["ModifyAllData"] = true;
  auto edit = Audit("0YM1", At(-3), "PermSetEnableUserPerm", "alice@acme.com");
  edit.concerns.usernames.clear();
  edit.concerns.permission_sets = {kSet};
  auto assign = Audit("0YM2", At(-1), "PermSetAssign", "bob@acme.com");  // not a content edit
  assign.concerns.permission_sets = {kSet};

  const auto items = Drift(Baseline(), snapshot, {edit, assign});

  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].changed_by->actor_username, "alice@acme.com");
}

TEST(DetectDriftTest, SharingRuleIsAttributedBySectionAndObject) {
  auto snapshot = Snapshot();
  snapshot.sharing_rules.clear();
  auto entry = Audit("0YM1", At(-3), "deleteSharingRule", "alice@acme.com");
  entry.section = "Sharing Rules";
  entry.concerns.usernames.clear();
  entry.concerns.objects = {"Account"};

  const auto items = Drift(Baseline(), snapshot, {entry});

  ASSERT_EQ(items.size(), 1u);
  ASSERT_TRUE(items[0].changed_by.has_value());
  EXPECT_EQ(items[0].changed_by->audit_id, "0YM1");
}

TEST(DependenciesTest, ObjectPrerequisites) {
  EXPECT_EQ(WithPrerequisites(ObjectAccess{.create = true}),
            (ObjectAccess{.read = true, .create = true}));
  EXPECT_EQ(WithPrerequisites(ObjectAccess{.del = true}),
            (ObjectAccess{.read = true, .edit = true, .del = true}));
  EXPECT_EQ(WithPrerequisites(ObjectAccess{.view_all = true}),
            (ObjectAccess{.read = true, .view_all = true}));
  EXPECT_EQ(WithPrerequisites(ObjectAccess{.modify_all = true}),
            (ObjectAccess{
                .read = true, .edit = true, .del = true, .view_all = true, .modify_all = true}));
  EXPECT_EQ(WithPrerequisites(ObjectAccess{.view_all_fields = true}),
            (ObjectAccess{.read = true, .view_all_fields = true}));
  EXPECT_EQ(WithPrerequisites(ObjectAccess{}), ObjectAccess{});
  EXPECT_EQ(WithPrerequisites(FieldAccess{.edit = true}),
            (FieldAccess{.read = true, .edit = true}));
}

}  // namespace
}  // namespace sfwarden::remediation
