#include "remediation/drift.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <set>
#include <utility>

namespace sfwarden::remediation {
namespace {

using collectors::AuditObservation;
using collectors::PermissionSnapshot;
using collectors::UserState;

bool Contains(std::string_view haystack, std::string_view needle) {
  return !needle.empty() && haystack.find(needle) != std::string_view::npos;
}

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

bool ContainsIgnoringCase(std::string_view haystack, std::string_view needle) {
  auto it = std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                        [](char a, char b) {
                          return std::tolower(static_cast<unsigned char>(a)) ==
                                 std::tolower(static_cast<unsigned char>(b));
                        });
  return it != haystack.end();
}

bool IsAssignmentAction(std::string_view action) {
  return action == "PermSetAssign" || action == "PermSetUnassign" ||
         action == "PermSetGroupAssign" || action == "PermSetGroupUnassign";
}

// Whether a setup audit entry concerns a drift item. Action codes come from WIRE.md §5
// (Manage Users: PermSetAssign, frozeuser, ...; Groups: groupMembership); the codes of
// permission set content edits and the sections of sharing edits are UNCONFIRMED there,
// so those match on the collector's concerns plus a permission set action or a
// "Sharing" section rather than on exact codes.
bool Concerns(const AuditObservation& entry, const DriftItem& item) {
  const auto& c = entry.concerns;
  const bool user = c.usernames.contains(item.subject);
  switch (item.kind) {
    case DriftKind::kMissingPermissionSetAssignment:
    case DriftKind::kExtraPermissionSetAssignment:
      // An extra set is undeclared, so the collector names no set for it.
      return user && (entry.action == "PermSetAssign" || entry.action == "PermSetUnassign") &&
             (c.permission_sets.contains(item.item) || Contains(entry.display, item.item) ||
              (item.kind == DriftKind::kExtraPermissionSetAssignment && c.permission_sets.empty()));
    case DriftKind::kMissingPermissionSetGroupAssignment:
    case DriftKind::kExtraPermissionSetGroupAssignment:
      return user &&
             (entry.action == "PermSetGroupAssign" || entry.action == "PermSetGroupUnassign") &&
             (c.groups.contains(item.item) || Contains(entry.display, item.item) ||
              (item.kind == DriftKind::kExtraPermissionSetGroupAssignment && c.groups.empty()));
    case DriftKind::kMissingPublicGroupMembership:
    case DriftKind::kExtraPublicGroupMembership:
      return user && entry.action == "groupMembership" &&
             (c.groups.contains(item.item) || Contains(entry.display, item.item));
    case DriftKind::kProfileMismatch:
      return user && StartsWith(entry.action, "changedprofileforuser");
    case DriftKind::kUserInactive:
      return user && entry.action == "deactivateduser";
    case DriftKind::kUserFrozen:
      return user && entry.action == "frozeuser";
    case DriftKind::kUserMissing:
      return false;
    case DriftKind::kSystemPermissionMismatch:
    case DriftKind::kObjectPermissionMismatch:
    case DriftKind::kFieldPermissionMismatch:
      return c.permission_sets.contains(item.subject) && StartsWith(entry.action, "PermSet") &&
             !IsAssignmentAction(entry.action);
    case DriftKind::kSharingRuleMissing:
    case DriftKind::kSharingRuleChanged:
      return c.objects.contains(item.subject) && entry.section == "Sharing Rules";
    case DriftKind::kOrgWideDefaultMismatch:
      return c.objects.contains(item.subject) && entry.section != "Sharing Rules" &&
             ContainsIgnoringCase(entry.section, "sharing");
  }
  return false;
}

std::optional<Attribution> Attribute(std::span<const AuditObservation> audit,
                                     const DriftItem& item) {
  const AuditObservation* latest = nullptr;
  for (const AuditObservation& entry : audit) {
    if (!Concerns(entry, item)) continue;
    if (latest == nullptr || std::tie(entry.time, entry.id) > std::tie(latest->time, latest->id)) {
      latest = &entry;
    }
  }
  if (latest == nullptr) return std::nullopt;
  return Attribution{.audit_id = latest->id,
                     .time = latest->time,
                     .actor_username = latest->actor_username,
                     .actor_id = latest->actor_id,
                     .delegate_user = latest->delegate_user,
                     .action = latest->action,
                     .display = latest->display};
}

std::string_view KeyPrefix(DriftKind kind) {
  switch (kind) {
    case DriftKind::kMissingPermissionSetAssignment:
    case DriftKind::kExtraPermissionSetAssignment:
      return "permission_set_assignment";
    case DriftKind::kMissingPermissionSetGroupAssignment:
    case DriftKind::kExtraPermissionSetGroupAssignment:
      return "permission_set_group_assignment";
    case DriftKind::kMissingPublicGroupMembership:
    case DriftKind::kExtraPublicGroupMembership:
      return "public_group_membership";
    case DriftKind::kSystemPermissionMismatch:
      return "system_permission";
    case DriftKind::kObjectPermissionMismatch:
      return "object_permission";
    case DriftKind::kFieldPermissionMismatch:
      return "field_permission";
    case DriftKind::kSharingRuleMissing:
    case DriftKind::kSharingRuleChanged:
      return "sharing_rule";
    case DriftKind::kProfileMismatch:
      return "profile";
    case DriftKind::kUserInactive:
      return "user_active";
    case DriftKind::kUserFrozen:
      return "user_frozen";
    case DriftKind::kUserMissing:
      return "user";
    case DriftKind::kOrgWideDefaultMismatch:
      return "org_wide_default";
  }
  return "unknown";
}

Disposition Decide(DriftKind kind, Mode mode, const std::set<EnforceKind>& enforced,
                   bool user_unavailable) {
  if (!IsEnforceable(kind)) return Disposition::kAlertOnly;
  if (mode == Mode::kObserve) return Disposition::kObserve;
  if (!enforced.contains(*EnforceKindOf(kind))) return Disposition::kKindNotEnforced;
  if (user_unavailable) return Disposition::kUserUnavailable;
  return Disposition::kEnforce;
}

// Collects the items of one report; `Add` fills key, attribution and disposition.
class Collector {
 public:
  Collector(const OrgBaseline& baseline, std::span<const AuditObservation> audit,
            DriftReport& report)
      : baseline_(baseline), audit_(audit), report_(report) {}

  // The scope the next items are decided in: a user's mode and kinds, or the org's.
  void ForUser(const UserBaseline& user, bool unavailable) {
    mode_ = user.mode;
    enforced_ = user.enforce ? &*user.enforce : &baseline_.enforce;
    user_unavailable_ = unavailable;
  }
  void ForOrg() {
    mode_ = baseline_.mode;
    enforced_ = &baseline_.enforce;
    user_unavailable_ = false;
  }

  void Add(DriftKind kind, std::string subject, std::string item, std::string expected,
           std::string actual) {
    DriftItem drift{.kind = kind,
                    .key = std::string(KeyPrefix(kind)) + "/" + subject,
                    .subject = std::move(subject),
                    .item = std::move(item),
                    .expected = std::move(expected),
                    .actual = std::move(actual)};
    if (!drift.item.empty()) drift.key += "/" + drift.item;
    drift.changed_by = Attribute(audit_, drift);
    drift.disposition = Decide(kind, mode_, *enforced_, user_unavailable_);
    report_.items.push_back(std::move(drift));
  }

 private:
  const OrgBaseline& baseline_;
  std::span<const AuditObservation> audit_;
  DriftReport& report_;
  Mode mode_ = Mode::kObserve;
  const std::set<EnforceKind>* enforced_ = nullptr;
  bool user_unavailable_ = false;
};

// Missing declared names, and (when exclusive) present undeclared ones.
void CompareMembership(Collector& out, const std::string& username,
                       const std::vector<std::string>& declared, bool exclusive,
                       const std::set<std::string>& present, DriftKind missing, DriftKind extra,
                       std::string_view present_word, std::string_view absent_word) {
  for (const std::string& name : declared) {
    if (!present.contains(name)) {
      out.Add(missing, username, name, std::string(present_word), std::string(absent_word));
    }
  }
  if (!exclusive) return;
  const std::set<std::string> wanted(declared.begin(), declared.end());
  for (const std::string& name : present) {
    if (!wanted.contains(name)) {
      out.Add(extra, username, name, std::string(absent_word), std::string(present_word));
    }
  }
}

void CompareUser(Collector& out, const UserBaseline& user, const PermissionSnapshot& snapshot) {
  auto found = snapshot.users.find(user.username);
  if (found == snapshot.users.end() || !found->second.found) {
    out.ForUser(user, true);
    out.Add(DriftKind::kUserMissing, user.username, "", "exists", "not found");
    return;
  }
  const UserState& state = found->second;
  out.ForUser(user, !state.active || state.frozen);
  if (!state.active) out.Add(DriftKind::kUserInactive, user.username, "", "active", "inactive");
  if (state.frozen) out.Add(DriftKind::kUserFrozen, user.username, "", "not frozen", "frozen");
  if (user.profile && *user.profile != state.profile) {
    out.Add(DriftKind::kProfileMismatch, user.username, "", *user.profile, state.profile);
  }

  std::set<std::string> sets, set_groups;
  for (const collectors::AssignmentState& a : state.assignments) {
    if (!a.permission_set.empty()) sets.insert(a.permission_set);
    if (!a.permission_set_group.empty()) set_groups.insert(a.permission_set_group);
  }
  CompareMembership(out, user.username, user.permission_sets, user.exclusive_permission_sets, sets,
                    DriftKind::kMissingPermissionSetAssignment,
                    DriftKind::kExtraPermissionSetAssignment, "assigned", "not assigned");
  CompareMembership(out, user.username, user.permission_set_groups,
                    user.exclusive_permission_set_groups, set_groups,
                    DriftKind::kMissingPermissionSetGroupAssignment,
                    DriftKind::kExtraPermissionSetGroupAssignment, "assigned", "not assigned");
  const std::set<std::string> groups(state.public_groups.begin(), state.public_groups.end());
  CompareMembership(out, user.username, user.public_groups, user.exclusive_public_groups, groups,
                    DriftKind::kMissingPublicGroupMembership,
                    DriftKind::kExtraPublicGroupMembership, "member", "not a member");
}

void ComparePermissionSet(Collector& out, const PermissionSetBaseline& want,
                          const collectors::PermissionSetState& have, bool view_all_fields_read) {
  for (const auto& [name, value] : want.system) {
    auto it = have.system.find(name);
    const bool actual = it != have.system.end() && it->second;
    if (actual != value) {
      out.Add(DriftKind::kSystemPermissionMismatch, want.name, name, value ? "true" : "false",
              actual ? "true" : "false");
    }
  }
  for (const auto& [object, access] : want.objects) {
    auto it = have.objects.find(object);
    const ObjectAccess actual = Comparable(
        it == have.objects.end() ? ObjectAccess{} : ToAccess(it->second), view_all_fields_read);
    const ObjectAccess expected = Comparable(WithPrerequisites(access), view_all_fields_read);
    if (actual != expected) {
      out.Add(DriftKind::kObjectPermissionMismatch, want.name, object, Describe(expected),
              Describe(actual));
    }
  }
  for (const auto& [field, access] : want.fields) {
    auto it = have.fields.find(field);
    const FieldAccess actual = it == have.fields.end()
                                   ? FieldAccess{}
                                   : FieldAccess{.read = it->second.read, .edit = it->second.edit};
    const FieldAccess expected = WithPrerequisites(access);
    if (actual != expected) {
      out.Add(DriftKind::kFieldPermissionMismatch, want.name, field, Describe(expected),
              Describe(actual));
    }
  }
}

const salesforce::SharingRule* FindRule(const salesforce::SharingRules& rules,
                                        std::string_view name) {
  for (const auto* list : {&rules.criteria_rules, &rules.owner_rules}) {
    for (const salesforce::SharingRule& rule : *list) {
      if (rule.full_name == name) return &rule;
    }
  }
  return nullptr;
}

void CompareSharingRules(Collector& out, const std::string& object,
                         const std::vector<salesforce::SharingRule>& declared,
                         const PermissionSnapshot& snapshot) {
  const salesforce::SharingRules* current = nullptr;
  for (const salesforce::SharingRules& rules : snapshot.sharing_rules) {
    if (rules.object == object) current = &rules;
  }
  for (const salesforce::SharingRule& want : declared) {
    const salesforce::SharingRule* have = current ? FindRule(*current, want.full_name) : nullptr;
    if (have == nullptr) {
      out.Add(DriftKind::kSharingRuleMissing, object, want.full_name, Describe(want), "absent");
    } else if (!SharingRuleMatches(want, *have)) {
      out.Add(DriftKind::kSharingRuleChanged, object, want.full_name, Describe(want),
              Describe(*have));
    }
  }
}

std::string Join(const std::vector<std::string_view>& words) {
  if (words.empty()) return "none";
  std::string out;
  for (std::string_view word : words) {
    if (!out.empty()) out += ", ";
    out += word;
  }
  return out;
}

std::string DescribeTarget(const salesforce::SharedTo& to) {
  return to.value.empty() ? to.kind : to.kind + ":" + to.value;
}

}  // namespace

std::string_view ToString(Mode mode) { return mode == Mode::kEnforce ? "enforce" : "observe"; }

std::string_view ToString(EnforceKind kind) {
  switch (kind) {
    case EnforceKind::kProfile:
      return "profile";
    case EnforceKind::kPermissionSets:
      return "permission_sets";
    case EnforceKind::kPermissionSetGroups:
      return "permission_set_groups";
    case EnforceKind::kGroups:
      return "groups";
    case EnforceKind::kSystemPermissions:
      return "system_permissions";
    case EnforceKind::kObjectPermissions:
      return "object_permissions";
    case EnforceKind::kFieldPermissions:
      return "field_permissions";
    case EnforceKind::kSharingRules:
      return "sharing_rules";
    case EnforceKind::kOrgWideDefaults:
      return "org_wide_defaults";
  }
  return "unknown";
}

std::string_view ToString(DriftKind kind) {
  switch (kind) {
    case DriftKind::kMissingPermissionSetAssignment:
      return "missing_permission_set_assignment";
    case DriftKind::kExtraPermissionSetAssignment:
      return "extra_permission_set_assignment";
    case DriftKind::kMissingPermissionSetGroupAssignment:
      return "missing_permission_set_group_assignment";
    case DriftKind::kExtraPermissionSetGroupAssignment:
      return "extra_permission_set_group_assignment";
    case DriftKind::kMissingPublicGroupMembership:
      return "missing_public_group_membership";
    case DriftKind::kExtraPublicGroupMembership:
      return "extra_public_group_membership";
    case DriftKind::kSystemPermissionMismatch:
      return "system_permission_mismatch";
    case DriftKind::kObjectPermissionMismatch:
      return "object_permission_mismatch";
    case DriftKind::kFieldPermissionMismatch:
      return "field_permission_mismatch";
    case DriftKind::kSharingRuleMissing:
      return "sharing_rule_missing";
    case DriftKind::kSharingRuleChanged:
      return "sharing_rule_changed";
    case DriftKind::kProfileMismatch:
      return "profile_mismatch";
    case DriftKind::kUserInactive:
      return "user_inactive";
    case DriftKind::kUserFrozen:
      return "user_frozen";
    case DriftKind::kUserMissing:
      return "user_missing";
    case DriftKind::kOrgWideDefaultMismatch:
      return "org_wide_default_mismatch";
  }
  return "unknown";
}

std::string_view ToString(Disposition disposition) {
  switch (disposition) {
    case Disposition::kEnforce:
      return "enforce";
    case Disposition::kAlertOnly:
      return "alert_only";
    case Disposition::kObserve:
      return "observe";
    case Disposition::kKindNotEnforced:
      return "kind_not_enforced";
    case Disposition::kUserUnavailable:
      return "user_unavailable";
  }
  return "unknown";
}

std::optional<EnforceKind> EnforceKindOf(DriftKind kind) {
  switch (kind) {
    case DriftKind::kMissingPermissionSetAssignment:
    case DriftKind::kExtraPermissionSetAssignment:
      return EnforceKind::kPermissionSets;
    case DriftKind::kMissingPermissionSetGroupAssignment:
    case DriftKind::kExtraPermissionSetGroupAssignment:
      return EnforceKind::kPermissionSetGroups;
    case DriftKind::kMissingPublicGroupMembership:
    case DriftKind::kExtraPublicGroupMembership:
      return EnforceKind::kGroups;
    case DriftKind::kSystemPermissionMismatch:
      return EnforceKind::kSystemPermissions;
    case DriftKind::kObjectPermissionMismatch:
      return EnforceKind::kObjectPermissions;
    case DriftKind::kFieldPermissionMismatch:
      return EnforceKind::kFieldPermissions;
    case DriftKind::kSharingRuleMissing:
    case DriftKind::kSharingRuleChanged:
      return EnforceKind::kSharingRules;
    case DriftKind::kProfileMismatch:
      return EnforceKind::kProfile;
    case DriftKind::kOrgWideDefaultMismatch:
      return EnforceKind::kOrgWideDefaults;
    case DriftKind::kUserInactive:
    case DriftKind::kUserFrozen:
    case DriftKind::kUserMissing:
      return std::nullopt;
  }
  return std::nullopt;
}

bool IsEnforceable(DriftKind kind) {
  switch (kind) {
    case DriftKind::kProfileMismatch:
    case DriftKind::kUserInactive:
    case DriftKind::kUserFrozen:
    case DriftKind::kUserMissing:
    case DriftKind::kOrgWideDefaultMismatch:
      return false;
    default:
      return true;
  }
}

ObjectAccess WithPrerequisites(ObjectAccess a) {
  if (a.modify_all) a.del = a.view_all = true;
  if (a.del) a.edit = true;
  if (a.create || a.edit || a.view_all || a.view_all_fields) a.read = true;
  return a;
}

ObjectAccess Comparable(ObjectAccess a, bool view_all_fields_read) {
  if (!view_all_fields_read) a.view_all_fields = false;
  return a;
}

ObjectAccess ToAccess(const collectors::ObjectPermissionState& row) {
  return {.read = row.read,
          .create = row.create,
          .edit = row.edit,
          .del = row.del,
          .view_all = row.view_all,
          .modify_all = row.modify_all,
          .view_all_fields = row.view_all_fields};
}

FieldAccess WithPrerequisites(FieldAccess a) {
  if (a.edit) a.read = true;
  return a;
}

std::string Describe(const ObjectAccess& a) {
  std::vector<std::string_view> words;
  if (a.read) words.push_back("read");
  if (a.create) words.push_back("create");
  if (a.edit) words.push_back("edit");
  if (a.del) words.push_back("delete");
  if (a.view_all) words.push_back("view_all");
  if (a.modify_all) words.push_back("modify_all");
  if (a.view_all_fields) words.push_back("view_all_fields");
  return Join(words);
}

std::string Describe(const FieldAccess& a) {
  std::vector<std::string_view> words;
  if (a.read) words.push_back("read");
  if (a.edit) words.push_back("edit");
  return Join(words);
}

std::string Describe(const salesforce::SharingRule& rule) {
  std::string out = rule.access_level + " to " + DescribeTarget(rule.shared_to);
  if (rule.type == salesforce::SharingRule::Type::kOwner) {
    return out + " from " + DescribeTarget(rule.shared_from);
  }
  for (std::size_t i = 0; i < rule.criteria_items.size(); ++i) {
    const salesforce::CriteriaItem& c = rule.criteria_items[i];
    out += i == 0 ? " where " : "; ";
    out += c.field + " " + c.operation + " " + (c.value_field.empty() ? c.value : c.value_field);
  }
  if (!rule.boolean_filter.empty()) out += " (" + rule.boolean_filter + ")";
  return out;
}

std::string NormalizeSharingModel(std::string_view value) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 4> kOrganization = {
      {{"None", "Private"},
       {"Edit", "ReadWrite"},
       {"ReadEditTransfer", "ReadWriteTransfer"},
       {"All", "FullAccess"}}};
  for (const auto& [from, to] : kOrganization) {
    if (value == from) return std::string(to);
  }
  return std::string(value);
}

bool SharingRuleMatches(const salesforce::SharingRule& want, const salesforce::SharingRule& have) {
  if (want.type != have.type || want.access_level != have.access_level ||
      want.shared_to != have.shared_to) {
    return false;
  }
  if (!want.label.empty() && want.label != have.label) return false;
  if (!want.description.empty() && want.description != have.description) return false;
  if (want.account_settings && want.account_settings != have.account_settings) return false;
  if (want.type == salesforce::SharingRule::Type::kOwner) {
    return want.shared_from == have.shared_from;
  }
  if (want.include_records_owned_by_all &&
      *want.include_records_owned_by_all != have.include_records_owned_by_all.value_or(false)) {
    return false;
  }
  return want.boolean_filter == have.boolean_filter && want.criteria_items == have.criteria_items;
}

DriftReport DetectDrift(const OrgBaseline& baseline, const PermissionSnapshot& snapshot,
                        std::span<const AuditObservation> recent_audit) {
  DriftReport report{.org = baseline.org, .read_at = snapshot.read_at, .items = {}};
  Collector out(baseline, recent_audit, report);
  for (const UserBaseline& user : baseline.users) CompareUser(out, user, snapshot);

  out.ForOrg();
  for (const auto& [name, want] : baseline.permission_sets) {
    auto have = snapshot.permission_sets.find(name);
    // A set missing in the org has no contents to compare; its assignments show as missing.
    if (have == snapshot.permission_sets.end() || !have->second.found) continue;
    ComparePermissionSet(out, want, have->second, snapshot.view_all_fields_read);
  }
  for (const auto& [object, rules] : baseline.sharing_rules) {
    CompareSharingRules(out, object, rules, snapshot);
  }
  for (const auto& [object, model] : baseline.org_wide_defaults) {
    auto have = snapshot.org_wide_defaults.find(object);
    if (have == snapshot.org_wide_defaults.end()) continue;  // not read: nothing to claim
    const std::string actual = NormalizeSharingModel(have->second);
    if (actual != NormalizeSharingModel(model)) {
      out.Add(DriftKind::kOrgWideDefaultMismatch, object, "", model, have->second);
    }
  }
  return report;
}

}  // namespace sfwarden::remediation
