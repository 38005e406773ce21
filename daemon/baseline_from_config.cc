#include "daemon/baseline_from_config.h"

namespace sfwarden::daemon {
namespace {

std::string SharedToKind(SharingTarget::Kind kind) {
  switch (kind) {
    case SharingTarget::Kind::kGroup:
      return "group";
    case SharingTarget::Kind::kRole:
      return "role";
    case SharingTarget::Kind::kRoleAndSubordinates:
      return "roleAndSubordinates";
    case SharingTarget::Kind::kRoleAndSubordinatesInternal:
      return "roleAndSubordinatesInternal";
  }
  return "group";
}

std::string RelatedAccessName(RelatedAccess access) {
  switch (access) {
    case RelatedAccess::kNone:
      return "None";
    case RelatedAccess::kRead:
      return "Read";
    case RelatedAccess::kEdit:
      return "Edit";
  }
  return "None";
}

salesforce::SharingRule ToRule(const SharingRuleConfig& c) {
  salesforce::SharingRule rule;
  rule.type = c.is_criteria_based() ? salesforce::SharingRule::Type::kCriteria
                                    : salesforce::SharingRule::Type::kOwner;
  rule.full_name = c.name;
  rule.label = c.label;
  rule.access_level = c.access == SharingAccess::kEdit ? "Edit" : "Read";
  rule.shared_to = {SharedToKind(c.shared_to.kind), c.shared_to.name};
  if (c.is_criteria_based()) {
    for (const auto& item : c.criteria) {
      rule.criteria_items.push_back({.field = item.field,
                                     .operation = item.operation,
                                     .value = item.value,
                                     .value_field = item.value_field});
    }
    rule.boolean_filter = c.boolean_filter;
    rule.include_records_owned_by_all = c.include_records_owned_by_all;
  } else {
    rule.shared_from = {SharedToKind(c.owned_by->kind), c.owned_by->name};
  }
  if (c.case_access || c.contact_access || c.opportunity_access) {
    // Unset ones stay empty: the rule as read keeps its value (remediation::PutSharingRule).
    salesforce::AccountSettings settings;
    if (c.case_access) settings.case_access_level = RelatedAccessName(*c.case_access);
    if (c.contact_access) settings.contact_access_level = RelatedAccessName(*c.contact_access);
    if (c.opportunity_access) {
      settings.opportunity_access_level = RelatedAccessName(*c.opportunity_access);
    }
    rule.account_settings = settings;
  }
  return rule;
}

}  // namespace

remediation::Mode ToRemediation(Mode mode) {
  return mode == Mode::kEnforce ? remediation::Mode::kEnforce : remediation::Mode::kObserve;
}

remediation::EnforceKind ToRemediation(EnforceKind kind) {
  using R = remediation::EnforceKind;
  switch (kind) {
    case EnforceKind::kProfile:
      return R::kProfile;
    case EnforceKind::kPermissionSets:
      return R::kPermissionSets;
    case EnforceKind::kPermissionSetGroups:
      return R::kPermissionSetGroups;
    case EnforceKind::kGroups:
      return R::kGroups;
    case EnforceKind::kSystemPermissions:
      return R::kSystemPermissions;
    case EnforceKind::kObjectPermissions:
      return R::kObjectPermissions;
    case EnforceKind::kFieldPermissions:
      return R::kFieldPermissions;
    case EnforceKind::kSharingRules:
      return R::kSharingRules;
    case EnforceKind::kOrgWideDefaults:
      return R::kOrgWideDefaults;
  }
  return R::kProfile;
}

remediation::OrgBaseline BaselineFromConfig(const OrgConfig& org) {
  remediation::OrgBaseline b;
  b.org = org.name;
  b.mode = ToRemediation(org.mode);
  b.enforce.clear();
  for (EnforceKind kind : org.enforcement.enforce) b.enforce.insert(ToRemediation(kind));
  b.max_changes_per_cycle = org.enforcement.max_changes_per_cycle;
  b.flapping = {.window = org.enforcement.flapping.window,
                .threshold = org.enforcement.flapping.threshold};
  for (const auto& u : org.integration_users) {
    const BaselineConfig& c = u.baseline;
    std::optional<std::set<remediation::EnforceKind>> user_enforce;
    if (u.enforce) {
      user_enforce.emplace();
      for (EnforceKind kind : *u.enforce) user_enforce->insert(ToRemediation(kind));
    }
    b.users.push_back({.username = u.username,
                       .mode = ToRemediation(u.mode),
                       .enforce = std::move(user_enforce),
                       .profile = c.profile,
                       .permission_sets = c.permission_sets,
                       .exclusive_permission_sets = c.exclusive_permission_sets,
                       .permission_set_groups = c.permission_set_groups,
                       .exclusive_permission_set_groups = c.exclusive_permission_sets,
                       .public_groups = c.public_groups,
                       .exclusive_public_groups = c.exclusive_public_groups});
  }
  for (const auto& [name, set] : org.permission_sets) {
    remediation::PermissionSetBaseline p;
    p.name = name;
    p.system = set.system;
    for (const auto& [object, a] : set.objects) {
      p.objects[object] = {.read = a.read,
                           .create = a.create,
                           .edit = a.edit,
                           .del = a.del,
                           .view_all = a.view_all,
                           .modify_all = a.modify_all,
                           .view_all_fields = a.view_all_fields};
    }
    for (const auto& [field, a] : set.fields) p.fields[field] = {.read = a.read, .edit = a.edit};
    b.permission_sets[name] = std::move(p);
  }
  for (const auto& [object, rules] : org.sharing_rules) {
    auto& list = b.sharing_rules[object];
    for (const auto& rule : rules) list.push_back(ToRule(rule));
  }
  for (const auto& [object, model] : org.org_wide_defaults) {
    b.org_wide_defaults[object] = std::string(ToString(model));
  }
  return b;
}

}  // namespace sfwarden::daemon
