#include "daemon/collector_target.h"

#include <set>

namespace sfwarden::daemon {

collectors::OrgTarget MakeOrgTarget(const OrgConfig& org) {
  collectors::OrgTarget target;
  target.org = org.name;
  target.api_version = org.api_version;
  std::set<std::string> usernames, permission_set_groups, groups, sharing_objects, owd_objects;
  for (const auto& user : org.integration_users) {
    usernames.insert(user.username);
    for (const auto& set : user.baseline.permission_sets) target.permission_sets[set];
    permission_set_groups.insert(user.baseline.permission_set_groups.begin(),
                                 user.baseline.permission_set_groups.end());
    groups.insert(user.baseline.public_groups.begin(), user.baseline.public_groups.end());
  }
  for (const auto& [name, set] : org.permission_sets) {
    auto& system = target.permission_sets[name];
    for (const auto& [permission, enabled] : set.system) system.insert(permission);
  }
  for (const auto& [object, rules] : org.sharing_rules) {
    sharing_objects.insert(object);
    for (const auto& rule : rules) {
      if (rule.shared_to.kind == SharingTarget::Kind::kGroup) groups.insert(rule.shared_to.name);
      if (rule.owned_by && rule.owned_by->kind == SharingTarget::Kind::kGroup) {
        groups.insert(rule.owned_by->name);
      }
    }
  }
  for (const auto& [object, model] : org.org_wide_defaults) owd_objects.insert(object);
  target.usernames.assign(usernames.begin(), usernames.end());
  target.permission_set_groups.assign(permission_set_groups.begin(), permission_set_groups.end());
  target.public_groups.assign(groups.begin(), groups.end());
  target.sharing_rule_objects.assign(sharing_objects.begin(), sharing_objects.end());
  target.org_wide_default_objects.assign(owd_objects.begin(), owd_objects.end());
  return target;
}

}  // namespace sfwarden::daemon
