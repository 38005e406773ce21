// orgs[].permission_sets, sharing_rules and org_wide_defaults: the declared contents of
// permission sets and the sharing model the drift engine compares against.

#include <algorithm>
#include <cctype>

#include "daemon/detail/config_enums.h"
#include "daemon/detail/config_sections.h"

namespace sfwarden::daemon::detail {
namespace {

const std::string kApiNameRule = "a letter, then letters, digits and '_'";

// Reads a list of access words into flags; `words` maps each word to its flag.
template <class Access, std::size_t N>
bool ReadAccessList(Context& ctx, YamlNode node, const std::string& path,
                    const EnumName<bool Access::*> (&words)[N], Access& out) {
  if (!node.IsNull() && !node.IsSequence()) {
    ctx.Error(
        node, path,
        "expected a list of permissions such as [read, edit], got " + std::string(KindOf(node)));
    return false;
  }
  bool ok = true;
  for (std::size_t i = 0; i < node.size(); ++i) {
    if (auto flag = ReadEnum<bool Access::*>(ctx, node[i], IndexPath(path, i), words)) {
      out.*(*flag) = true;
    } else {
      ok = false;
    }
  }
  return ok;
}

constexpr EnumName<bool ObjectAccess::*> kObjectWords[] = {
    {"read", &ObjectAccess::read},
    {"create", &ObjectAccess::create},
    {"edit", &ObjectAccess::edit},
    {"delete", &ObjectAccess::del},
    {"view_all", &ObjectAccess::view_all},
    {"modify_all", &ObjectAccess::modify_all},
    {"view_all_fields", &ObjectAccess::view_all_fields}};
constexpr EnumName<bool FieldAccess::*> kFieldWords[] = {{"read", &FieldAccess::read},
                                                         {"edit", &FieldAccess::edit}};

// Salesforce refuses object permissions whose prerequisites are missing (e.g. Edit needs
// Read; Modify All needs Read, Edit, Delete and View All): report the first gap.
std::optional<std::string> MissingPrerequisite(const ObjectAccess& a) {
  struct Rule {
    bool ObjectAccess::*has;
    bool ObjectAccess::*needs;
    const char* has_name;
    const char* needs_name;
  };
  static constexpr Rule kRules[] = {
      {&ObjectAccess::create, &ObjectAccess::read, "create", "read"},
      {&ObjectAccess::edit, &ObjectAccess::read, "edit", "read"},
      {&ObjectAccess::del, &ObjectAccess::edit, "delete", "edit"},
      {&ObjectAccess::view_all, &ObjectAccess::read, "view_all", "read"},
      {&ObjectAccess::view_all_fields, &ObjectAccess::read, "view_all_fields", "read"},
      {&ObjectAccess::modify_all, &ObjectAccess::del, "modify_all", "delete"},
      {&ObjectAccess::modify_all, &ObjectAccess::view_all, "modify_all", "view_all"},
  };
  for (const Rule& rule : kRules) {
    if (a.*rule.has && !(a.*rule.needs)) {
      return std::string(rule.has_name) + " requires " + rule.needs_name;
    }
  }
  return std::nullopt;
}

void CheckApiName(Context& ctx, const MapEntry& entry, const std::string& path,
                  std::string_view what) {
  if (!IsApiName(entry.key)) {
    ctx.Error(
        entry.key_node, path,
        "'" + entry.key + "' is not " + std::string(what) + " API name (" + kApiNameRule + ")");
  }
}

void ReadPermissionSet(Context& ctx, YamlNode node, const std::string& path,
                       PermissionSetConfig& set) {
  MapReader map(ctx, node, path, {"system", "objects", "fields"});
  if (const YamlNode* system = map.Get("system")) {
    for (const auto& entry : ReadNamedMap(ctx, *system, map.PathOf("system"))) {
      const std::string entry_path = ChildPath(map.PathOf("system"), entry.key);
      CheckApiName(ctx, entry, entry_path, "a system permission");
      if (auto value = ReadBool(ctx, entry.value, entry_path)) set.system[entry.key] = *value;
    }
  }
  if (const YamlNode* objects = map.Get("objects")) {
    for (const auto& entry : ReadNamedMap(ctx, *objects, map.PathOf("objects"))) {
      const std::string entry_path = ChildPath(map.PathOf("objects"), entry.key);
      CheckApiName(ctx, entry, entry_path, "an object");
      ObjectAccess access;
      if (!ReadAccessList(ctx, entry.value, entry_path, kObjectWords, access)) continue;
      if (auto gap = MissingPrerequisite(access)) {
        ctx.Error(entry.value, entry_path, *gap + " (Salesforce refuses it otherwise)");
      }
      set.objects[entry.key] = access;
    }
  }
  if (const YamlNode* fields = map.Get("fields")) {
    for (const auto& entry : ReadNamedMap(ctx, *fields, map.PathOf("fields"))) {
      const std::string entry_path = ChildPath(map.PathOf("fields"), entry.key);
      const auto dot = entry.key.find('.');
      if (dot == std::string::npos || !IsApiName(entry.key.substr(0, dot)) ||
          !IsApiName(entry.key.substr(dot + 1))) {
        ctx.Error(entry.key_node, entry_path,
                  "'" + entry.key + "' is not Object.Field (e.g. Account.AnnualRevenue)");
      }
      FieldAccess access;
      if (!ReadAccessList(ctx, entry.value, entry_path, kFieldWords, access)) continue;
      if (access.edit && !access.read) {
        ctx.Error(entry.value, entry_path, "edit requires read (Salesforce refuses it otherwise)");
      }
      set.fields[entry.key] = access;
    }
  }
}

std::optional<SharingTarget> ReadTarget(Context& ctx, YamlNode node, const std::string& path) {
  std::vector<std::string_view> kinds;
  for (const auto& [name, kind] : kSharingTargetNames) kinds.push_back(name);
  MapReader map(ctx, node, path, kinds);
  if (!map.is_map()) return std::nullopt;
  std::optional<SharingTarget> target;
  int given = 0;
  for (const auto& [name, kind] : kSharingTargetNames) {
    std::string value;
    if (!map.Has(name)) continue;
    ++given;
    if (given > 1) {
      ctx.Error(*map.Get(name), map.PathOf(name),
                "give exactly one of group, role, role_and_subordinates, "
                "role_and_subordinates_internal");
      return std::nullopt;
    }
    if (!map.String(name, value)) return std::nullopt;
    if (!IsApiName(value)) {
      ctx.Error(*map.Get(name), map.PathOf(name),
                "'" + value + "' is not a developer name (" + kApiNameRule + ")");
      return std::nullopt;
    }
    target = SharingTarget{kind, value};
  }
  if (given == 0 && map.is_map()) {
    ctx.Error(node, path,
              "missing one of group, role, role_and_subordinates, role_and_subordinates_internal");
  }
  return target;
}

// "1 AND (2 OR 3)": only numbers 1..count, AND, OR, NOT, parentheses and spaces.
std::optional<std::string> CheckBooleanFilter(std::string_view filter, std::size_t count) {
  for (std::size_t i = 0; i < filter.size();) {
    const char c = filter[i];
    if (std::isdigit(static_cast<unsigned char>(c))) {
      std::size_t end = i;
      while (end < filter.size() && std::isdigit(static_cast<unsigned char>(filter[end]))) ++end;
      const auto number = std::stoul(std::string(filter.substr(i, end - i)));
      if (number < 1 || number > count) {
        return "refers to criterion " + std::to_string(number) + " but there are " +
               std::to_string(count);
      }
      i = end;
    } else if (std::isalpha(static_cast<unsigned char>(c))) {
      std::size_t end = i;
      while (end < filter.size() && std::isalpha(static_cast<unsigned char>(filter[end]))) ++end;
      const std::string_view word = filter.substr(i, end - i);
      if (word != "AND" && word != "OR" && word != "NOT") {
        return "'" + std::string(word) + "' is not AND, OR or NOT";
      }
      i = end;
    } else if (c == '(' || c == ')' || c == ' ') {
      ++i;
    } else {
      return std::string("unexpected '") + c + "'";
    }
  }
  return std::nullopt;
}

constexpr std::string_view kOperations[] = {
    "equals",   "notEqual",   "lessThan",   "greaterThan", "lessOrEqual", "greaterOrEqual",
    "contains", "notContain", "startsWith", "includes",    "excludes",    "within"};

void ReadCriteria(Context& ctx, YamlNode node, const std::string& path,
                  std::vector<SharingCriterion>& out) {
  const auto items = ReadList(ctx, node, path);
  if (items.empty() && (node.IsNull() || node.IsSequence())) {
    ctx.Error(node, path, "must list at least one criterion");
  }
  for (std::size_t i = 0; i < items.size(); ++i) {
    MapReader map(ctx, items[i], IndexPath(path, i),
                  {"field", "operation", "value", "value_field"});
    SharingCriterion c;
    if (map.Require("field") && map.String("field", c.field) && !IsApiName(c.field)) {
      ctx.Error(*map.Get("field"), map.PathOf("field"),
                "'" + c.field + "' is not a field API name (" + kApiNameRule + ")");
    }
    if (map.Require("operation") && map.String("operation", c.operation) &&
        std::find(std::begin(kOperations), std::end(kOperations), c.operation) ==
            std::end(kOperations)) {
      ReportBadEnum(ctx, *map.Get("operation"), map.PathOf("operation"), c.operation,
                    std::vector<std::string_view>(std::begin(kOperations), std::end(kOperations)));
    }
    if (map.AtMostOne({"value", "value_field"}) <= 1) {
      map.String("value", c.value);
      map.String("value_field", c.value_field);
    }
    out.push_back(std::move(c));
  }
}

void ReadSharingRule(Context& ctx, YamlNode node, const std::string& path,
                     const std::string& object, SharingRuleConfig& rule) {
  MapReader map(ctx, node, path,
                {"name", "label", "access", "shared_to", "criteria", "boolean_filter",
                 "include_records_owned_by_all", "owned_by", "account_settings"});
  rule.object = object;
  if (map.Require("name") && map.String("name", rule.name) && !IsApiName(rule.name)) {
    ctx.Error(*map.Get("name"), map.PathOf("name"),
              "'" + rule.name + "' is not a developer name (" + kApiNameRule + ")");
  }
  map.String("label", rule.label);
  map.Enum<SharingAccess>("access", rule.access, kSharingAccessNames);
  if (map.Require("shared_to")) {
    if (auto target = ReadTarget(ctx, *map.Get("shared_to"), map.PathOf("shared_to"))) {
      rule.shared_to = *target;
    }
  }
  const int kinds = map.AtMostOne({"criteria", "owned_by"});
  if (kinds == 0 && map.is_map()) {
    ctx.Error(node, path,
              "missing 'criteria' (criteria-based rule) or 'owned_by' (owner-based rule)");
  }
  if (const YamlNode* owned_by = map.Get("owned_by"); owned_by && kinds == 1) {
    rule.owned_by = ReadTarget(ctx, *owned_by, map.PathOf("owned_by"));
    if (!rule.owned_by) rule.owned_by = SharingTarget{};  // keep it owner-based
    for (const char* key : {"boolean_filter", "include_records_owned_by_all"}) {
      if (map.Has(key)) {
        ctx.Error(*map.Get(key), map.PathOf(key), "only applies to criteria-based rules");
      }
    }
  }
  if (const YamlNode* criteria = map.Get("criteria"); criteria && kinds == 1) {
    ReadCriteria(ctx, *criteria, map.PathOf("criteria"), rule.criteria);
    if (map.String("boolean_filter", rule.boolean_filter)) {
      if (auto problem = CheckBooleanFilter(rule.boolean_filter, rule.criteria.size())) {
        ctx.Error(*map.Get("boolean_filter"), map.PathOf("boolean_filter"),
                  "bad boolean filter '" + rule.boolean_filter + "': " + *problem);
      }
    }
    map.Bool("include_records_owned_by_all", rule.include_records_owned_by_all);
  }
  if (const YamlNode* settings = map.Get("account_settings")) {
    if (object != "Account") {
      ctx.Error(*settings, map.PathOf("account_settings"), "only applies to Account rules");
    } else {
      MapReader s(ctx, *settings, map.PathOf("account_settings"),
                  {"case_access", "contact_access", "opportunity_access"});
      for (const auto& [key, field] : {std::pair{"case_access", &rule.case_access},
                                       std::pair{"contact_access", &rule.contact_access},
                                       std::pair{"opportunity_access", &rule.opportunity_access}}) {
        RelatedAccess access{};
        if (s.Enum<RelatedAccess>(key, access, kRelatedAccessNames)) *field = access;
      }
    }
  }
}

}  // namespace

void ReadPermissionSets(Context& ctx, YamlNode node, const std::string& path,
                        std::map<std::string, PermissionSetConfig>& out) {
  for (const auto& entry : ReadNamedMap(ctx, node, path)) {
    const std::string set_path = ChildPath(path, entry.key);
    CheckApiName(ctx, entry, set_path, "a permission set");
    PermissionSetConfig set;
    set.name = entry.key;
    ReadPermissionSet(ctx, entry.value, set_path, set);
    out[entry.key] = std::move(set);
  }
}

void ReadSharingRules(Context& ctx, YamlNode node, const std::string& path,
                      std::map<std::string, std::vector<SharingRuleConfig>>& out) {
  for (const auto& entry : ReadNamedMap(ctx, node, path)) {
    const std::string object_path = ChildPath(path, entry.key);
    CheckApiName(ctx, entry, object_path, "an object");
    auto& rules = out[entry.key];
    const auto items = ReadList(ctx, entry.value, object_path);
    for (std::size_t i = 0; i < items.size(); ++i) {
      SharingRuleConfig rule;
      const std::string rule_path = IndexPath(object_path, i);
      ReadSharingRule(ctx, items[i], rule_path, entry.key, rule);
      auto first = std::find_if(rules.begin(), rules.end(), [&](const SharingRuleConfig& r) {
        return !rule.name.empty() && r.name == rule.name;
      });
      if (first != rules.end()) {
        ctx.Error(Lookup(items[i], "name"), rule_path + ".name",
                  "duplicate sharing rule name '" + rule.name + "' on " + entry.key +
                      " (first at " + IndexPath(object_path, first - rules.begin()) + ")");
      }
      rules.push_back(std::move(rule));
    }
  }
}

void ReadOrgWideDefaults(Context& ctx, YamlNode node, const std::string& path,
                         std::map<std::string, SharingModel>& out) {
  for (const auto& entry : ReadNamedMap(ctx, node, path)) {
    const std::string entry_path = ChildPath(path, entry.key);
    CheckApiName(ctx, entry, entry_path, "an object");
    if (auto model = ReadEnum<SharingModel>(ctx, entry.value, entry_path, kSharingModelNames)) {
      out[entry.key] = *model;
    }
  }
}

}  // namespace sfwarden::daemon::detail
