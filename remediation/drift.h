#pragma once
// The drift engine: a baseline against a permission snapshot, as typed differences. Pure:
// no I/O, callable from any thread on values it is given.

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "collectors/observations.h"
#include "remediation/baseline.h"

namespace sfwarden::remediation {

using Time = collectors::Time;

enum class DriftKind {
  kMissingPermissionSetAssignment,
  kExtraPermissionSetAssignment,  // only where the user's set list is exclusive
  kMissingPermissionSetGroupAssignment,
  kExtraPermissionSetGroupAssignment,  // only where the user's group list is exclusive
  kMissingPublicGroupMembership,
  kExtraPublicGroupMembership,  // only where the user's group list is exclusive
  kSystemPermissionMismatch,
  kObjectPermissionMismatch,
  kFieldPermissionMismatch,
  kSharingRuleMissing,
  kSharingRuleChanged,
  kProfileMismatch,         // alert-only
  kUserInactive,            // alert-only
  kUserFrozen,              // alert-only
  kUserMissing,             // alert-only: no such username in the org
  kOrgWideDefaultMismatch,  // alert-only
};
/// snake_case: "missing_permission_set_assignment", ... (metric label, JSON).
std::string_view ToString(DriftKind kind);

/// False for the alert-only kinds, which are never changed automatically.
bool IsEnforceable(DriftKind kind);
/// The config switch that governs the kind; nullopt for the user status kinds.
std::optional<EnforceKind> EnforceKindOf(DriftKind kind);

/// What enforcement will do about an item, as far as the baseline says.
enum class Disposition {
  kEnforce,          // enforce mode, kind enforced: the planner may fix it
  kAlertOnly,        // the kind is never changed automatically
  kObserve,          // the user's (or, for org-level items, the org's) mode is observe
  kKindNotEnforced,  // the enforced kinds of the org (or user) leave this kind out
  kUserUnavailable,  // the user is inactive or frozen: an admin may be containing an
                     // incident, so its access is not put back behind their back
};
std::string_view ToString(Disposition disposition);  // "enforce", "alert_only", ...

/// The latest setup audit entry that concerns a drifted item.
struct Attribution {
  std::string audit_id;
  Time time{};
  std::string actor_username;
  std::string actor_id;
  std::string delegate_user;  // "login as" admin, when set
  std::string action;
  std::string display;
};

struct DriftItem {
  DriftKind kind = DriftKind::kUserMissing;
  /// Stable across cycles for the same item ("permission_set_assignment/<user>/<set>",
  /// "object_permission/<set>/<object>", "sharing_rule/<object>/<rule>"...): flapping
  /// history and journal targets are keyed by it. Missing and extra assignments of one
  /// set share the key: they concern the same record.
  std::string key;
  /// Whom it concerns: the username (user kinds), the permission set (its contents) or
  /// the object (sharing rules, org-wide defaults).
  std::string subject;
  /// What within the subject: the permission set / group, the system permission
  /// ("ModifyAllData"), the object, the field ("Account.Phone"), the rule; "" for the user
  /// status kinds.
  std::string item;
  std::string expected;  // human-readable, e.g. "read, create, edit", "assigned"
  std::string actual;
  std::optional<Attribution> changed_by;
  Disposition disposition = Disposition::kAlertOnly;
};

struct DriftReport {
  std::string org;
  Time read_at{};                // the snapshot's
  std::vector<DriftItem> items;  // in baseline order: users, permission sets, objects
};

/// Compares `baseline` with `snapshot`. Only declared users, permission sets, groups and
/// objects appear, plus — where a user's list is exclusive — the extra assignments and
/// memberships of declared users. `recent_audit` (any order) attributes each item to the
/// latest entry concerning it. Object and field access are compared after closing the
/// baseline over Salesforce's permission dependencies (edit implies read, ...), so a
/// baseline of [edit] matches a row with read and edit.
DriftReport DetectDrift(const OrgBaseline& baseline, const collectors::PermissionSnapshot& snapshot,
                        std::span<const collectors::AuditObservation> recent_audit);

/// Salesforce's prerequisites, added: create/edit/view all need read, delete needs read
/// and edit, modify all needs read, edit, delete and view all (ObjectPermissions object
/// reference); view all fields needs read (UNCONFIRMED: the reference lists the field
/// without its dependencies; the config requires read with it); field edit needs read.
ObjectAccess WithPrerequisites(ObjectAccess access);
FieldAccess WithPrerequisites(FieldAccess access);

/// "read, create, edit" / "none" (the config's words: "view_all", "view_all_fields"...).
std::string Describe(const ObjectAccess& access);
/// `access` as it can be compared and written: without view_all_fields when
/// `view_all_fields_read` is false (PermissionSnapshot::view_all_fields_read).
ObjectAccess Comparable(ObjectAccess access, bool view_all_fields_read);
/// A snapshot row as ObjectAccess (view_all_fields as read; false when it was not).
ObjectAccess ToAccess(const collectors::ObjectPermissionState& row);
std::string Describe(const FieldAccess& access);
/// One line: "Edit to group:X where Field equals V" (owner rules: "from role:Y").
std::string Describe(const salesforce::SharingRule& rule);

/// Organization.Default*Access picklist values mapped to the Metadata SharingModel
/// spelling the baseline uses: None -> Private, Edit -> ReadWrite, ReadEditTransfer ->
/// ReadWriteTransfer, All -> FullAccess; others unchanged.
std::string NormalizeSharingModel(std::string_view value);

/// Whether `actual` satisfies the declared `expected` (see OrgBaseline::sharing_rules).
bool SharingRuleMatches(const salesforce::SharingRule& expected,
                        const salesforce::SharingRule& actual);

}  // namespace sfwarden::remediation
