#pragma once
// A baseline for one integration user (the DESIGN.md recipe) and a snapshot of an org that
// matches it exactly; tests change one thing in the snapshot and look at the drift.

#include <chrono>
#include <string>

#include "collectors/observations.h"
#include "remediation/baseline.h"

namespace sfwarden::remediation::fixtures {

inline constexpr char kUser[] = "hubspot@acme.com";
inline constexpr char kUserId[] = "005000000000001AAA";
inline constexpr char kSet[] = "HubSpot_Sync_Access";
inline constexpr char kSetId[] = "0PS000000000001AAA";
inline constexpr char kSetGroup[] = "Sync_Bundle";
inline constexpr char kSetGroupId[] = "0PG000000000001AAA";
inline constexpr char kGroup[] = "HubSpot_Integration_Group";
inline constexpr char kGroupId[] = "00G000000000001AAA";
inline constexpr char kProfile[] = "Salesforce API Only System Integrations";

/// 2026-01-01T00:00:00Z plus `minutes`.
inline collectors::Time At(int minutes) {
  using namespace std::chrono;
  return sys_days(year(2026) / January / 1) + std::chrono::minutes(minutes);
}

inline salesforce::SharingRule SendToHubSpot() {
  salesforce::SharingRule rule;
  rule.full_name = "Send_to_HubSpot";
  rule.access_level = "Edit";
  rule.label = "Send to HubSpot";
  rule.shared_to = {.kind = "group", .value = kGroup};
  rule.criteria_items = {
      {.field = "Send_to_HubSpot__c", .operation = "equals", .value = "True", .value_field = ""}};
  return rule;
}

inline UserBaseline HubSpotUser() {
  return {.username = kUser,
          .mode = Mode::kEnforce,
          .enforce = std::nullopt,
          .profile = kProfile,
          .permission_sets = {kSet},
          .exclusive_permission_sets = true,
          .permission_set_groups = {kSetGroup},
          .exclusive_permission_set_groups = true,
          .public_groups = {kGroup},
          .exclusive_public_groups = true};
}

inline OrgBaseline Baseline() {
  OrgBaseline b;
  b.org = "prod";
  b.mode = Mode::kEnforce;
  b.enforce = {EnforceKind::kPermissionSets,
               EnforceKind::kPermissionSetGroups,
               EnforceKind::kGroups,
               EnforceKind::kSystemPermissions,
               EnforceKind::kObjectPermissions,
               EnforceKind::kFieldPermissions,
               EnforceKind::kSharingRules};
  b.max_changes_per_cycle = 10;
  b.users = {HubSpotUser()};
  b.permission_sets[kSet] = {.name = kSet,
                             .system = {{"ApiEnabled", true}, {"ModifyAllData", false}},
                             .objects = {{"Account", {.read = true, .create = true, .edit = true}}},
                             .fields = {{"Account.AnnualRevenue", {.read = true}}}};
  b.sharing_rules["Account"] = {SendToHubSpot()};
  b.org_wide_defaults["Account"] = "Private";
  return b;
}

inline collectors::UserState HubSpotUserState() {
  collectors::UserState u;
  u.id = kUserId;
  u.username = kUser;
  u.name = "HubSpot Integration";
  u.found = true;
  u.active = true;
  u.profile = kProfile;
  u.assignments = {{.assignment_id = "0Pa000000000001AAA", .permission_set = kSet},
                   {.assignment_id = "0Pa000000000002AAA", .permission_set_group = kSetGroup}};
  u.public_groups = {kGroup};
  u.group_member_ids = {{kGroup, "011000000000001AAA"}};
  return u;
}

inline collectors::PermissionSnapshot Snapshot() {
  collectors::PermissionSnapshot s;
  s.read_at = At(0);
  s.users[kUser] = HubSpotUserState();
  collectors::PermissionSetState set;
  set.id = kSetId;
  set.name = kSet;
  set.label = "HubSpot Sync Access";
  set.found = true;
  set.system = {{"ApiEnabled", true}, {"ModifyAllData", false}};
  set.objects["Account"] = {.id = "110000000000001AAA", .read = true, .create = true, .edit = true};
  set.fields["Account.AnnualRevenue"] = {.id = "01k000000000001AAA", .read = true};
  s.permission_sets[kSet] = set;
  s.public_groups[kGroup] = {
      .id = kGroupId, .developer_name = kGroup, .name = "HubSpot", .found = true};
  s.permission_set_groups[kSetGroup] = {
      .id = kSetGroupId, .developer_name = kSetGroup, .name = "Sync Bundle", .found = true};
  salesforce::SharingRules account{.object = "Account"};
  account.criteria_rules = {SendToHubSpot()};
  s.sharing_rules = {account};
  s.org_wide_defaults["Account"] = "Private";
  return s;
}

}  // namespace sfwarden::remediation::fixtures
