#include "sim/org_file.h"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <set>
#include <sstream>
#include <utility>

#include "sim/ids.h"
#include "sim/schema.h"

namespace sfwarden::sim {
namespace {
using nlohmann::json;

constexpr const char* kDefaultOrg = R"(
organization: { name: Acme Sim }
profiles:
  - name: System Administrator
  - name: Salesforce API Only System Integrations
users:
  - { username: admin@acme.example, name: Admin User, profile: System Administrator, password: admin-password }
  - username: hubspot.integration@acme.example
    name: HubSpot Integration
    profile: Salesforce API Only System Integrations
    password: hubspot-password
    permission_sets: [HubSpot_Sync_Access]
    groups: [HubSpot_Integration_Group]
permission_sets:
  - name: HubSpot_Sync_Access
    label: HubSpot Sync Access
    system: { ApiEnabled: true }
    objects: { Account: [read, create, edit], Contact: [read, create, edit] }
    fields: { Account.AnnualRevenue: [read] }
groups:
  - { name: HubSpot_Integration_Group, label: HubSpot Integration Group }
sharing_rules:
  Account:
    - name: Send_to_HubSpot
      label: Send to HubSpot
      access: Edit
      shared_to: { group: HubSpot_Integration_Group }
      criteria: [ { field: Send_to_HubSpot__c, operation: equals, value: "True" } ]
org_wide_defaults: { Account: Private, Contact: ControlledByParent }
connected_apps:
  - name: sfwarden
    client_id: sfwarden-client-id
    client_secret: sfwarden-client-secret
    execution_user: admin@acme.example
)";

class Loader {
 public:
  explicit Loader(Org& org) : org_(org) {}

  void Load(const YAML::Node& root) {
    if (!root.IsMap()) throw OrgFileError("org file: top level must be a mapping");
    Settings(root);
    for (size_t i = 0; i < Seq(root, "profiles").size(); ++i)
      Profile(root["profiles"][i], At("profiles", i));
    if (!org_.FindBy("Profile", "Name", "System Administrator"))
      AddProfile("System Administrator", "Standard");
    for (size_t i = 0; i < Seq(root, "users").size(); ++i) User(root["users"][i], At("users", i));
    admin_ = org_.DefaultAdminId();
    for (size_t i = 0; i < Seq(root, "permission_sets").size(); ++i)
      PermSet(root["permission_sets"][i], At("permission_sets", i));
    for (size_t i = 0; i < Seq(root, "permission_set_groups").size(); ++i)
      PermSetGroup(root["permission_set_groups"][i], At("permission_set_groups", i));
    for (size_t i = 0; i < Seq(root, "groups").size(); ++i)
      Group(root["groups"][i], At("groups", i));
    for (size_t i = 0; i < Seq(root, "users").size(); ++i)
      UserLinks(root["users"][i], At("users", i));
    SharingRules(root["sharing_rules"]);
    Organization(root);
    for (size_t i = 0; i < Seq(root, "connected_apps").size(); ++i)
      App(root["connected_apps"][i], At("connected_apps", i));
  }

 private:
  static std::string At(const std::string& key, size_t i) {
    return key + "[" + std::to_string(i) + "]";
  }
  static YAML::Node Seq(const YAML::Node& n, const char* key) {
    YAML::Node v = n[key];
    if (v && !v.IsSequence()) throw OrgFileError(std::string(key) + ": must be a list");
    return v ? v : YAML::Node(YAML::NodeType::Sequence);
  }
  static std::string Str(const YAML::Node& n, const char* key, const std::string& where,
                         std::optional<std::string> fallback = std::nullopt) {
    YAML::Node v = n[key];
    if (!v) {
      if (fallback) return *fallback;
      throw OrgFileError(where + "." + key + ": required");
    }
    if (!v.IsScalar()) throw OrgFileError(where + "." + key + ": must be a string");
    return v.as<std::string>();
  }
  static bool Bool(const YAML::Node& n, const char* key, const std::string& where, bool fallback) {
    YAML::Node v = n[key];
    if (!v) return fallback;
    try {
      return v.as<bool>();
    } catch (const YAML::Exception&) {
      throw OrgFileError(where + "." + key + ": must be true or false");
    }
  }
  static std::int64_t Int(const YAML::Node& n, const char* key, const std::string& where,
                          std::int64_t fallback) {
    YAML::Node v = n[key];
    if (!v) return fallback;
    try {
      return v.as<std::int64_t>();
    } catch (const YAML::Exception&) {
      throw OrgFileError(where + "." + key + ": must be an integer");
    }
  }
  static std::vector<std::string> Strings(const YAML::Node& n, const char* key,
                                          const std::string& where) {
    std::vector<std::string> out;
    YAML::Node v = n[key];
    if (!v) return out;
    if (!v.IsSequence()) throw OrgFileError(where + "." + key + ": must be a list");
    for (const auto& e : v) out.push_back(e.as<std::string>());
    return out;
  }

  void Settings(const YAML::Node& root) {
    auto& s = org_.settings;
    YAML::Node o = root["organization"];
    if (o) {
      s.name = Str(o, "name", "organization", s.name);
      s.organization_type = Str(o, "type", "organization", s.organization_type);
      s.instance_url = Str(o, "instance_url", "organization", "");
      if (o["id"]) {
        auto id = NormalizeId(Str(o, "id", "organization"));
        if (!id || id->substr(0, 3) != "00D") throw OrgFileError("organization.id: not an 00D… Id");
        s.org_id = *id;
      }
      if (o["login_urls"]) s.login_audiences = Strings(o, "login_urls", "organization");
    }
    if (YAML::Node c = root["clock"]; c && c["start"]) {
      auto t = ParseDateTime(Str(c, "start", "clock"));
      if (!t) throw OrgFileError("clock.start: not an ISO datetime like 2024-01-02T03:04:05Z");
      org_.clock() = VirtualClock(*t);
    }
    if (YAML::Node v = root["session_timeout"]) {
      auto ms = ParseDurationMs(v.as<std::string>());
      if (!ms || *ms <= 0) throw OrgFileError("session_timeout: expected a duration like 2h");
      s.session_timeout_ms = *ms;
    }
    s.query_batch_size = int(Int(root, "query_batch_size", "org", s.query_batch_size));
    if (s.query_batch_size < 1 || s.query_batch_size > 2000)
      throw OrgFileError("query_batch_size: must be 1..2000");
    if (YAML::Node l = root["limits"]) {
      s.daily_api_requests = Int(l, "DailyApiRequests", "limits", s.daily_api_requests);
    }
    s.api_version = Str(root, "api_version", "org", s.api_version);
  }

  json& AddProfile(const std::string& name, const std::string& user_type) {
    json& p = org_.Insert("Profile", {{"Name", name}, {"UserType", user_type}});
    // Each profile owns a hidden permission set (IsOwnedByProfile=true) that holds its
    // object and field permissions [WIRE.md §5 PermissionSetAssignment].
    std::string ps_id = org_.NewId("0PS");
    org_.Insert("PermissionSet", {{"Id", ps_id},
                                  {"Name", "X" + Id15(ps_id)},
                                  {"Label", name},
                                  {"IsOwnedByProfile", true},
                                  {"IsCustom", false},
                                  {"Type", "Profile"},
                                  {"ProfileId", p["Id"]}});
    return p;
  }

  void Profile(const YAML::Node& n, const std::string& where) {
    std::string name = Str(n, "name", where);
    if (org_.FindBy("Profile", "Name", name))
      throw OrgFileError(where + ".name: duplicate '" + name + "'");
    AddProfile(name, Str(n, "user_type", where, "Standard"));
  }

  std::string ProfileId(const std::string& name, const std::string& where) {
    auto* p = org_.FindBy("Profile", "Name", name);
    if (!p) throw OrgFileError(where + ": unknown profile '" + name + "'");
    return (*p)["Id"];
  }

  std::string UserId(const std::string& username, const std::string& where) {
    auto* u = org_.FindBy("User", "Username", username);
    if (!u) throw OrgFileError(where + ": unknown user '" + username + "'");
    return (*u)["Id"];
  }

  void User(const YAML::Node& n, const std::string& where) {
    std::string username = Str(n, "username", where);
    if (org_.FindBy("User", "Username", username))
      throw OrgFileError(where + ".username: duplicate '" + username + "'");
    std::string name = Str(n, "name", where, username);
    auto space = name.rfind(' ');
    json& u = org_.Insert(
        "User", {{"Username", username},
                 {"Name", name},
                 {"FirstName", space == std::string::npos ? json() : json(name.substr(0, space))},
                 {"LastName", space == std::string::npos ? name : name.substr(space + 1)},
                 {"Email", Str(n, "email", where, username)},
                 {"Alias", Str(n, "alias", where,
                               username.substr(0, std::min<size_t>(8, username.find('@'))))},
                 {"IsActive", Bool(n, "active", where, true)},
                 {"ProfileId",
                  ProfileId(Str(n, "profile", where, "System Administrator"), where + ".profile")},
                 {"UserType", Str(n, "user_type", where, "Standard")},
                 {"LastLoginDate", nullptr},
                 {"TimeZoneSidKey", "GMT"}});
    org_.Insert("UserLogin", {{"UserId", u["Id"]},
                              {"IsFrozen", Bool(n, "frozen", where, false)},
                              {"IsPasswordLocked", false}});
    if (n["password"]) org_.passwords[u["Id"]] = Str(n, "password", where);
  }

  void PermSet(const YAML::Node& n, const std::string& where) {
    std::string name = Str(n, "name", where);
    if (org_.FindBy("PermissionSet", "Name", name))
      throw OrgFileError(where + ".name: duplicate '" + name + "'");
    json rec = {{"Name", name},
                {"Label", Str(n, "label", where, name)},
                {"Description", Str(n, "description", where, "")},
                {"IsOwnedByProfile", false},
                {"IsCustom", true},
                {"Type", "Regular"}};
    if (YAML::Node sys = n["system"]) {
      for (const auto& kv : sys) {
        std::string perm = kv.first.as<std::string>();
        const auto& names = SystemPermissionNames();
        if (std::find(names.begin(), names.end(), perm) == names.end())
          throw OrgFileError(where + ".system." + perm + ": unknown system permission");
        rec["Permissions" + perm] = kv.second.as<bool>();
      }
    }
    json& ps = org_.Insert("PermissionSet", std::move(rec), admin_);
    std::string id = ps["Id"];
    if (YAML::Node objs = n["objects"]) {
      for (const auto& kv : objs) {
        std::string object = kv.first.as<std::string>();
        json op = {{"ParentId", id}, {"SobjectType", object}};
        for (const auto& [k, f] : ObjectAccessFields()) op[f] = false;
        for (const auto& a : kv.second) {
          std::string access = a.as<std::string>();
          bool known = false;
          for (const auto& [k, f] : ObjectAccessFields()) {
            if (access == k) op[f] = known = true;
          }
          if (!known)
            throw OrgFileError(where + ".objects." + object + ": unknown access '" + access + "'");
        }
        org_.Insert("ObjectPermissions", std::move(op), admin_);
      }
    }
    if (YAML::Node fields = n["fields"]) {
      for (const auto& kv : fields) {
        std::string field = kv.first.as<std::string>();
        auto dot = field.find('.');
        if (dot == std::string::npos)
          throw OrgFileError(where + ".fields." + field + ": expected Object.Field");
        json fp = {{"ParentId", id},
                   {"SobjectType", field.substr(0, dot)},
                   {"Field", field},
                   {"PermissionsRead", false},
                   {"PermissionsEdit", false}};
        for (const auto& a : kv.second) {
          std::string access = a.as<std::string>();
          if (access == "read")
            fp["PermissionsRead"] = true;
          else if (access == "edit")
            fp["PermissionsEdit"] = fp["PermissionsRead"] = true;
          else
            throw OrgFileError(where + ".fields." + field + ": unknown access '" + access + "'");
        }
        org_.Insert("FieldPermissions", std::move(fp), admin_);
      }
    }
  }

  void PermSetGroup(const YAML::Node& n, const std::string& where) {
    std::string name = Str(n, "name", where);
    json& g = org_.Insert("PermissionSetGroup",
                          {{"DeveloperName", name},
                           {"MasterLabel", Str(n, "label", where, name)},
                           {"Description", Str(n, "description", where, "")},
                           {"Language", "en_US"},
                           {"Status", "Updated"}},
                          admin_);
    // The group's aggregate permission set; its Name pattern "X<group Id 15>" is UNCONFIRMED
    // (composed-rest-query-permissionsetassignment.json).
    org_.Insert("PermissionSet",
                {{"Name", "X" + Id15(g["Id"].get<std::string>())},
                 {"Label", Str(n, "label", where, name)},
                 {"IsOwnedByProfile", false},
                 {"IsCustom", false},
                 {"Type", "Group"},
                 {"PermissionSetGroupId", g["Id"]}},
                admin_);
    for (const auto& ps : Strings(n, "permission_sets", where)) {
      if (!org_.FindBy("PermissionSet", "Name", ps))
        throw OrgFileError(where + ".permission_sets: unknown permission set '" + ps + "'");
    }
    group_members_[g["Id"]] = Strings(n, "permission_sets", where);
  }

  void Group(const YAML::Node& n, const std::string& where) {
    std::string name = Str(n, "name", where);
    json& g = org_.Insert("Group",
                          {{"Name", Str(n, "label", where, name)},
                           {"DeveloperName", name},
                           {"Type", Str(n, "type", where, "Regular")},
                           {"DoesIncludeBosses", true},
                           {"DoesSendEmailToMembers", false},
                           {"Description", Str(n, "description", where, "")}},
                          admin_);
    for (const auto& m : Strings(n, "members", where)) {
      AddMember(g["Id"].get<std::string>(), UserId(m, where + ".members"));
    }
  }

  void UserLinks(const YAML::Node& n, const std::string& where) {
    std::string uid = UserId(Str(n, "username", where), where);
    for (const auto& ps : Strings(n, "permission_sets", where)) {
      auto* p = org_.FindBy("PermissionSet", "Name", ps);
      if (!p) throw OrgFileError(where + ".permission_sets: unknown permission set '" + ps + "'");
      org_.Insert("PermissionSetAssignment",
                  {{"AssigneeId", uid},
                   {"PermissionSetId", (*p)["Id"]},
                   {"PermissionSetGroupId", nullptr},
                   {"ExpirationDate", nullptr},
                   {"IsActive", true},
                   {"IsRevoked", false}},
                  admin_);
    }
    for (const auto& name : Strings(n, "permission_set_groups", where)) {
      auto* g = org_.FindBy("PermissionSetGroup", "DeveloperName", name);
      if (!g) throw OrgFileError(where + ".permission_set_groups: unknown group '" + name + "'");
      auto* ps =
          org_.FindBy("PermissionSet", "PermissionSetGroupId", (*g)["Id"].get<std::string>());
      org_.Insert("PermissionSetAssignment",
                  {{"AssigneeId", uid},
                   {"PermissionSetId", (*ps)["Id"]},
                   {"PermissionSetGroupId", (*g)["Id"]},
                   {"ExpirationDate", nullptr},
                   {"IsActive", true},
                   {"IsRevoked", false}},
                  admin_);
    }
    for (const auto& name : Strings(n, "groups", where)) {
      auto* g = org_.FindBy("Group", "DeveloperName", name);
      if (!g) throw OrgFileError(where + ".groups: unknown group '" + name + "'");
      AddMember((*g)["Id"].get<std::string>(), uid);
    }
  }

  // A member named both under users[].groups and groups[].members is one GroupMember
  // record: Salesforce keeps one row per group and member (a duplicate create returns the
  // existing record, GroupMember object reference).
  void AddMember(const std::string& group_id, const std::string& member_id) {
    if (!members_.emplace(group_id, member_id).second) return;
    org_.Insert("GroupMember", {{"GroupId", group_id}, {"UserOrGroupId", member_id}});
  }

  void SharingRules(const YAML::Node& n) {
    if (!n) return;
    if (!n.IsMap()) throw OrgFileError("sharing_rules: must map object names to rule lists");
    for (const auto& kv : n) {
      std::string object = kv.first.as<std::string>();
      for (size_t i = 0; i < kv.second.size(); ++i) {
        std::string where = "sharing_rules." + object + "[" + std::to_string(i) + "]";
        const YAML::Node r = kv.second[i];
        SharingRule rule;
        rule.full_name = Str(r, "name", where);
        rule.label = Str(r, "label", where, rule.full_name);
        rule.access_level = Str(r, "access", where, "Read");
        rule.description = Str(r, "description", where, "");
        auto target = [&](const char* key, std::string& type, std::string& value) {
          YAML::Node t = r[key];
          if (!t || !t.IsMap() || t.size() != 1)
            throw OrgFileError(where + "." + key + ": expected { <type>: <name> }");
          type = t.begin()->first.as<std::string>();
          value = t.begin()->second.as<std::string>();
        };
        target("shared_to", rule.shared_to_type, rule.shared_to);
        if (object == "Account") {
          // Defaults as in both real Account rule files [metadata-sharingrules-*.xml].
          YAML::Node as = r["account_settings"];
          rule.case_access = as ? Str(as, "case", where + ".account_settings", "None") : "None";
          rule.contact_access =
              as ? Str(as, "contact", where + ".account_settings", "Read") : "Read";
          rule.opportunity_access =
              as ? Str(as, "opportunity", where + ".account_settings", "None") : "None";
        }
        if (r["shared_from"]) {
          rule.kind = SharingRule::Kind::kOwner;
          target("shared_from", rule.shared_from_type, rule.shared_from);
        } else {
          for (const auto& c : r["criteria"]) {
            rule.criteria.push_back({Str(c, "field", where + ".criteria"),
                                     Str(c, "operation", where + ".criteria"),
                                     Str(c, "value", where + ".criteria", "")});
          }
          rule.boolean_filter = Str(r, "boolean_filter", where, "");
          if (r["include_records_owned_by_all"])
            rule.include_records_owned_by_all =
                Bool(r, "include_records_owned_by_all", where, true);
        }
        org_.sharing_rules[object].push_back(std::move(rule));
      }
    }
  }

  void Organization(const YAML::Node& root) {
    // Defaults as in the real record rest-organization-record.json [WIRE.md §5].
    json org = {{"Id", org_.settings.org_id},
                {"Name", org_.settings.name},
                {"OrganizationType", org_.settings.organization_type},
                {"InstanceName", "SIM1"},
                {"IsSandbox", false},
                {"TimeZoneSidKey", "GMT"},
                {"DefaultAccountAccess", "Edit"},
                {"DefaultContactAccess", "ControlledByParent"},
                {"DefaultOpportunityAccess", "Edit"},
                {"DefaultLeadAccess", "ReadEditTransfer"},
                {"DefaultCaseAccess", "ReadEditTransfer"},
                {"DefaultCalendarAccess", "HideDetailsInsert"},
                {"DefaultPricebookAccess", "ReadSelect"},
                {"DefaultCampaignAccess", "All"}};
    if (YAML::Node owd = root["org_wide_defaults"]) {
      for (const auto& kv : owd) {
        std::string field = "Default" + kv.first.as<std::string>() + "Access";
        if (!org.contains(field))
          throw OrgFileError("org_wide_defaults." + kv.first.as<std::string>() +
                             ": unknown object");
        org[field] = kv.second.as<std::string>();
      }
    }
    org_.Insert("Organization", std::move(org), admin_);
  }

  void App(const YAML::Node& n, const std::string& where) {
    ConnectedApp app;
    app.id = org_.NewId("0H4");
    app.name = Str(n, "name", where);
    app.client_id = Str(n, "client_id", where);
    app.client_secret = Str(n, "client_secret", where, "");
    app.certificate_pem = Str(n, "certificate", where, "");
    if (n["certificate_file"]) {
      std::ifstream in(Str(n, "certificate_file", where));
      if (!in) throw OrgFileError(where + ".certificate_file: cannot read");
      std::stringstream ss;
      ss << in.rdbuf();
      app.certificate_pem = ss.str();
    }
    if (n["execution_user"])
      app.execution_user_id = UserId(Str(n, "execution_user", where), where + ".execution_user");
    if (n["pre_authorized_users"]) {
      app.admin_approved_only = true;
      for (const auto& u : Strings(n, "pre_authorized_users", where))
        app.pre_authorized_user_ids.push_back(UserId(u, where + ".pre_authorized_users"));
    }
    app.daily_api_limit = Int(n, "daily_api_limit", where, 0);
    if (org_.AppByClientId(app.client_id)) throw OrgFileError(where + ".client_id: duplicate");
    org_.Insert("ConnectedApplication",
                {{"Id", app.id},
                 {"Name", app.name},
                 {"OptionsAllowAdminApprovedUsersOnly", app.admin_approved_only}},
                admin_);
    org_.apps.push_back(std::move(app));
  }

  Org& org_;
  std::string admin_;
  std::set<std::pair<std::string, std::string>> members_;  // (group Id, member Id)
  std::map<std::string, std::vector<std::string>> group_members_;
};

std::unique_ptr<Org> Load(const YAML::Node& root) {
  auto org = std::make_unique<Org>();
  Loader(*org).Load(root);
  return org;
}
}  // namespace

std::unique_ptr<Org> LoadOrgText(const std::string& text) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw OrgFileError(std::string("org file: ") + e.what());
  }
  try {
    return Load(root);
  } catch (const YAML::Exception& e) {
    throw OrgFileError(std::string("org file: ") + e.what());
  }
}

std::unique_ptr<Org> LoadOrgFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw OrgFileError(path + ": cannot read");
  std::stringstream ss;
  ss << in.rdbuf();
  try {
    return LoadOrgText(ss.str());
  } catch (const OrgFileError& e) {
    throw OrgFileError(path + ": " + e.what());
  }
}

std::unique_ptr<Org> DefaultOrg() { return LoadOrgText(kDefaultOrg); }

}  // namespace sfwarden::sim
