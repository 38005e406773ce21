#include "daemon/baseline_yaml.h"

#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

namespace sfwarden::daemon {
namespace {

std::string Q(const std::string& s) {
  return nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string List(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + Q(items[i]);
  return out + "]";
}

// SharedTo kinds the config can declare (SharingTarget) -> their YAML key.
const char* TargetKey(const std::string& kind) {
  if (kind == "group") return "group";
  if (kind == "role") return "role";
  if (kind == "roleAndSubordinates") return "role_and_subordinates";
  if (kind == "roleAndSubordinatesInternal") return "role_and_subordinates_internal";
  return nullptr;
}

void WriteRule(std::ostringstream& y, const salesforce::SharingRule& r) {
  y << "    - name: " << Q(r.full_name) << "\n";
  if (!r.label.empty()) y << "      label: " << Q(r.label) << "\n";
  y << "      access: " << (r.access_level == "Edit" ? "Edit" : "Read") << "\n";
  y << "      shared_to: { " << TargetKey(r.shared_to.kind) << ": " << Q(r.shared_to.value)
    << " }\n";
  if (r.type == salesforce::SharingRule::Type::kOwner) {
    y << "      owned_by: { " << TargetKey(r.shared_from.kind) << ": " << Q(r.shared_from.value)
      << " }\n";
  } else {
    y << "      criteria:\n";
    for (const auto& c : r.criteria_items) {
      y << "        - { field: " << Q(c.field) << ", operation: " << Q(c.operation);
      if (!c.value_field.empty()) {
        y << ", value_field: " << Q(c.value_field);
      } else {
        y << ", value: " << Q(c.value);
      }
      y << " }\n";
    }
    if (!r.boolean_filter.empty()) y << "      boolean_filter: " << Q(r.boolean_filter) << "\n";
    if (r.include_records_owned_by_all.value_or(false)) {
      y << "      include_records_owned_by_all: true\n";
    }
  }
  if (r.account_settings) {
    const auto& a = *r.account_settings;
    std::string parts;
    auto add = [&](const char* key, const std::string& v) {
      if (!v.empty()) parts += std::string(parts.empty() ? "" : ", ") + key + ": " + v;
    };
    add("case_access", a.case_access_level);
    add("contact_access", a.contact_access_level);
    add("opportunity_access", a.opportunity_access_level);
    if (!parts.empty()) y << "      account_settings: { " << parts << " }\n";
  }
}

}  // namespace

const std::vector<std::string>& SnapshotSystemPermissions() {
  // PermissionSet fields (Object Reference, PermissionSet): each lets an integration user
  // reach far beyond its own data or change the org's security.
  static const std::vector<std::string> names = {
      "ApiEnabled",           "ModifyAllData",        "ViewAllData",    "ManageUsers",
      "AuthorApex",           "CustomizeApplication", "ModifyMetadata", "ViewSetup",
      "AssignPermissionSets", "ManageSharing"};
  return names;
}

std::string BaselineYaml(const collectors::PermissionSnapshot& s,
                         const std::vector<std::string>& usernames) {
  std::ostringstream y;
  std::set<std::string> sets, groups;
  y << "integration_users:\n";
  for (const auto& name : usernames) {
    const auto& u = s.users.at(name);
    std::vector<std::string> ps, psg;
    for (const auto& a : u.assignments) {
      if (!a.permission_set.empty()) ps.push_back(a.permission_set);
      if (!a.permission_set_group.empty()) psg.push_back(a.permission_set_group);
    }
    sets.insert(ps.begin(), ps.end());
    groups.insert(u.public_groups.begin(), u.public_groups.end());
    y << "  - username: " << Q(name) << "\n    baseline:\n";
    if (!u.profile.empty()) y << "      profile: " << Q(u.profile) << "\n";
    y << "      permission_sets: " << List(ps) << "\n"
      << "      exclusive_permission_sets: true\n";
    if (!psg.empty()) y << "      permission_set_groups: " << List(psg) << "\n";
    y << "      public_groups: " << List(u.public_groups) << "\n"
      << "      exclusive_public_groups: true\n";
  }
  y << "permission_sets:";
  if (sets.empty()) y << " {}";
  y << "\n";
  for (const auto& name : sets) {
    auto it = s.permission_sets.find(name);
    y << "  " << name << ":";
    if (it == s.permission_sets.end() || !it->second.found) {
      y << " {}\n";
      continue;
    }
    const auto& p = it->second;
    y << "\n    system: {";
    bool first = true;
    for (const auto& [perm, on] : p.system) {
      y << (first ? " " : ", ") << perm << ": " << (on ? "true" : "false");
      first = false;
    }
    y << (first ? "}" : " }") << "\n    objects: {";
    first = true;
    for (const auto& [object, o] : p.objects) {
      std::vector<std::string> a;
      if (o.read) a.push_back("read");
      if (o.create) a.push_back("create");
      if (o.edit) a.push_back("edit");
      if (o.del) a.push_back("delete");
      if (o.view_all) a.push_back("view_all");
      if (o.modify_all) a.push_back("modify_all");
      // Only true where it was read (API 63.0 and later), so a snapshot taken at an older
      // version never writes a flag its own config could not declare.
      if (o.view_all_fields) a.push_back("view_all_fields");
      std::string list = "[";
      for (std::size_t i = 0; i < a.size(); ++i) list += (i ? ", " : "") + a[i];
      y << (first ? " " : ", ") << object << ": " << list << "]";
      first = false;
    }
    y << (first ? "}" : " }") << "\n    fields: {";
    first = true;
    for (const auto& [field, f] : p.fields) {
      y << (first ? " " : ", ") << field << ": "
        << (f.edit   ? "[read, edit]"
            : f.read ? "[read]"
                     : "[]");
      first = false;
    }
    y << (first ? "}" : " }") << "\n";
  }
  // Rules over the users' groups, in a form the config can declare.
  std::ostringstream rules;
  for (const auto& object_rules : s.sharing_rules) {
    std::vector<const salesforce::SharingRule*> picked;
    for (const auto* list : {&object_rules.criteria_rules, &object_rules.owner_rules}) {
      for (const auto& r : *list) {
        bool to = r.shared_to.kind == "group" && groups.contains(r.shared_to.value);
        bool from = r.type == salesforce::SharingRule::Type::kOwner &&
                    r.shared_from.kind == "group" && groups.contains(r.shared_from.value);
        if (!to && !from) continue;
        if (!TargetKey(r.shared_to.kind)) continue;
        if (r.type == salesforce::SharingRule::Type::kOwner && !TargetKey(r.shared_from.kind)) {
          continue;
        }
        if (r.access_level != "Read" && r.access_level != "Edit") continue;
        picked.push_back(&r);
      }
    }
    if (picked.empty()) continue;
    rules << "  " << object_rules.object << ":\n";
    for (const auto* r : picked) WriteRule(rules, *r);
  }
  y << "sharing_rules:";
  if (rules.str().empty()) y << " {}";
  y << "\n" << rules.str();
  return y.str();
}

}  // namespace sfwarden::daemon
