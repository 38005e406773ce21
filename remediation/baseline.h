#pragma once
// The remediation's own model of what one org should look like. The daemon builds it from
// its config (daemon/config.h) — remediation never sees the config — so the shapes follow
// the config one to one:
//   OrgConfig.mode / enforcement.{enforce,max_changes_per_cycle,flapping} -> OrgBaseline
//   IntegrationUserConfig {username, mode (effective), baseline.*}        -> UserBaseline
//   PermissionSetConfig {system, objects, fields}                         -> PermissionSetBaseline
//   SharingRuleConfig                                   -> salesforce::SharingRule (by object):
//     name -> full_name, label, access kRead/kEdit -> "Read"/"Edit",
//     shared_to {kGroup, kRole, kRoleAndSubordinates, kRoleAndSubordinatesInternal, name}
//       -> SharedTo{"group" | "role" | "roleAndSubordinates" | "roleAndSubordinatesInternal",
//       name},
//     criteria -> criteria_items, boolean_filter, include_records_owned_by_all (set it),
//     owned_by -> type kOwner + shared_from, case/contact/opportunity_access ->
//       account_settings {"None" | "Read" | "Edit"}
//   org_wide_defaults: SharingModel                     -> its YAML/Metadata spelling
//
// Plain values, built once per config load and read-only afterwards.

#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "salesforce/sharing_rules.h"

namespace sfwarden::remediation {

/// `observe`: detect and report, never write. `enforce`: also put the baseline back.
enum class Mode { kObserve, kEnforce };

/// What may be changed in `enforce` mode; the same values as daemon::EnforceKind. Profile
/// and org-wide defaults are listed so that a config naming them maps one to one, but
/// their drift is alert-only whatever the set says (DESIGN.md, "Safety of enforcement").
enum class EnforceKind {
  kProfile,
  kPermissionSets,       // permission set assignments of declared users
  kPermissionSetGroups,  // permission set group assignments of declared users
  kGroups,               // public group membership of declared users
  kSystemPermissions,    // system permissions inside declared permission sets
  kObjectPermissions,    // object permissions inside declared permission sets
  kFieldPermissions,     // field permissions inside declared permission sets
  kSharingRules,         // declared sharing rules
  kOrgWideDefaults,
};
std::string_view ToString(Mode mode);         // "observe", "enforce"
std::string_view ToString(EnforceKind kind);  // the config spelling: "permission_sets", ...

/// Object permissions of a permission set (ObjectPermissions.Permissions*). A declared
/// object is compared on all seven flags; view_all_fields (PermissionsViewAllFields) only
/// where the snapshot could read it (API 63.0 and later, PermissionSnapshot::
/// view_all_fields_read), and it is never written where it was not read.
struct ObjectAccess {
  bool read = false, create = false, edit = false, del = false;
  bool view_all = false, modify_all = false;
  bool view_all_fields = false;
  friend bool operator==(const ObjectAccess&, const ObjectAccess&) = default;
};

/// Field permissions (FieldPermissions.Permissions{Read,Edit}); all false means no access.
struct FieldAccess {
  bool read = false, edit = false;
  friend bool operator==(const FieldAccess&, const FieldAccess&) = default;
};

/// What a declared permission set must contain. Only what is named is compared: a system
/// permission, object or field the baseline does not name is never looked at.
struct PermissionSetBaseline {
  std::string name;                             // API name
  std::map<std::string, bool> system;           // "ModifyAllData" -> false (no prefix)
  std::map<std::string, ObjectAccess> objects;  // "Account" -> access
  std::map<std::string, FieldAccess> fields;    // "Account.AnnualRevenue" -> access
};

/// One declared integration user: what it should have, nothing more.
struct UserBaseline {
  std::string username;
  Mode mode = Mode::kObserve;  // effective: the user's own mode, else the org's
  /// Kinds enforced for this user's assignments and memberships; nullopt: the org's set.
  std::optional<std::set<EnforceKind>> enforce;
  std::optional<std::string> profile;  // Profile.Name; nullopt: not compared
  std::vector<std::string> permission_sets;
  bool exclusive_permission_sets = false;          // an assignment of any other set is drift
  std::vector<std::string> permission_set_groups;  // DeveloperName
  /// An assignment of any other permission set group is drift. The config has one switch,
  /// `exclusive_permission_sets`; the daemon passes it here too.
  bool exclusive_permission_set_groups = false;
  std::vector<std::string> public_groups;  // DeveloperName
  /// A membership in any other *watched* group is drift (the snapshot only lists
  /// memberships of groups some baseline names).
  bool exclusive_public_groups = false;
};

/// Drift of one item that comes back `threshold` times within `window` is no longer
/// reverted, only reported (someone keeps re-applying it).
struct FlappingPolicy {
  std::chrono::milliseconds window = std::chrono::hours(1);
  int threshold = 3;
};

struct OrgBaseline {
  std::string org;             // the `org` label
  Mode mode = Mode::kObserve;  // for org-level items: set contents, sharing rules, OWD
  std::set<EnforceKind> enforce = {EnforceKind::kPermissionSets, EnforceKind::kGroups,
                                   EnforceKind::kObjectPermissions, EnforceKind::kFieldPermissions,
                                   EnforceKind::kSharingRules};
  int max_changes_per_cycle = 10;  // larger drift is reported, not applied
  FlappingPolicy flapping;
  std::vector<UserBaseline> users;
  std::map<std::string, PermissionSetBaseline> permission_sets;  // by API name
  /// Declared rules by object ("Account"). Compared on what the config can declare: type,
  /// access level, shared to/from, criteria, boolean filter, and label, description,
  /// account settings and includeRecordsOwnedByAll where the baseline sets them.
  std::map<std::string, std::vector<salesforce::SharingRule>> sharing_rules;
  /// "Account" -> Metadata API SharingModel spelling ("Private", "ReadWrite",
  /// "ControlledByParent"...); Organization.Default*Access values are mapped onto it.
  std::map<std::string, std::string> org_wide_defaults;
};

}  // namespace sfwarden::remediation
