#include "sim/changes.h"

#include "sim/ids.h"

namespace sfwarden::sim {
namespace {
using nlohmann::json;

WriteError Err(std::string code, std::string message, std::vector<std::string> fields = {},
               int status = 400) {
  return {status, std::move(code), std::move(message), std::move(fields)};
}

// Object access as Setup shows it ("No Access", "Read", "Read, Create, Edit", …), used
// in Display texts modelled on the real profileOlpChangedCustom rows
// ("…: ApiVersionEvent object permissions were changed from No Access to Read").
std::string ObjectAccess(const json& op) {
  static const std::pair<const char*, const char*> kPerms[] = {
      {"PermissionsRead", "Read"},
      {"PermissionsCreate", "Create"},
      {"PermissionsEdit", "Edit"},
      {"PermissionsDelete", "Delete"},
      {"PermissionsViewAllRecords", "View All"},
      {"PermissionsModifyAllRecords", "Modify All"},
      {"PermissionsViewAllFields", "View All Fields"}};
  std::string out;
  for (const auto& [field, label] : kPerms) {
    if (op.is_object() && op.value(field, false))
      out += (out.empty() ? "" : ", ") + std::string(label);
  }
  return out.empty() ? "No Access" : out;
}

// Field access as in the real profileFlsChanged rows: No Access / Read Only / Read/Write.
std::string FieldAccess(const json& fp) {
  if (!fp.is_object() || !fp.value("PermissionsRead", false)) return "No Access";
  return fp.value("PermissionsEdit", false) ? "Read/Write" : "Read Only";
}

// Object permission dependencies [WIRE.md §5 ObjectPermissions]: Create/Edit/ViewAll need
// Read; Delete needs Read+Edit; ModifyAll needs Read+Edit+Delete+ViewAll; ViewAllFields
// needs Read (UNCONFIRMED: the field reference lists it without its dependencies).
std::optional<WriteError> CheckObjectDependencies(const json& op) {
  auto has = [&](const char* f) { return op.value(f, false); };
  struct Dep {
    const char* perm;
    const char* label;
    std::vector<std::pair<const char*, const char*>> needs;
  };
  static const std::vector<Dep> kDeps = {
      {"PermissionsCreate", "Create", {{"PermissionsRead", "Read"}}},
      {"PermissionsEdit", "Edit", {{"PermissionsRead", "Read"}}},
      {"PermissionsViewAllRecords", "View All", {{"PermissionsRead", "Read"}}},
      {"PermissionsViewAllFields", "View All Fields", {{"PermissionsRead", "Read"}}},
      {"PermissionsDelete", "Delete", {{"PermissionsRead", "Read"}, {"PermissionsEdit", "Edit"}}},
      {"PermissionsModifyAllRecords",
       "Modify All",
       {{"PermissionsRead", "Read"},
        {"PermissionsEdit", "Edit"},
        {"PermissionsDelete", "Delete"},
        {"PermissionsViewAllRecords", "View All"}}}};
  for (const auto& d : kDeps) {
    if (!has(d.perm)) continue;
    std::string missing;
    for (const auto& [f, l] : d.needs) {
      if (!has(f)) missing += (missing.empty() ? "" : ", ") + std::string(l);
    }
    // Message wording UNCONFIRMED; FIELD_INTEGRITY_EXCEPTION is the code Salesforce uses for
    // permission dependency violations (real SOAP example in WIRE.md §3).
    if (!missing.empty())
      return Err("FIELD_INTEGRITY_EXCEPTION",
                 std::string("Permission ") + d.label + " depends on permission(s): " + missing,
                 {d.perm});
  }
  return std::nullopt;
}
}  // namespace

std::string Changes::Label(const std::string& id, const char* field) {
  json* row = state_.org.Get(id);
  return row && (*row)[field].is_string() ? (*row)[field].get<std::string>() : id;
}

std::optional<WriteError> Changes::CheckFields(const ObjectDef& def, const json& fields,
                                               bool create) {
  if (!fields.is_object())
    return Err("JSON_PARSER_ERROR", "Expected a JSON object for the sObject");
  for (auto it = fields.begin(); it != fields.end(); ++it) {
    if (it.key() == "attributes" || (!create && it.key() == "Id") || (it.key() == "id" && !create))
      continue;
    const FieldDef* f = def.Field(it.key());
    // Real message: restforce write_error_response.json [WIRE.md §3].
    if (f == nullptr)
      return Err("INVALID_FIELD",
                 "No such column '" + it.key() + "' on sobject of type " + def.name);
    if (create ? !f->createable : !f->updateable) {
      return Err("INVALID_FIELD_FOR_INSERT_UPDATE",
                 "Unable to create/update fields: " + f->name +
                     ". Please check the security settings of this field and verify that it is "
                     "read/write for your profile or permission set.",
                 {f->name});
    }
    const json& v = it.value();
    if (v.is_null()) continue;
    bool ok = true;
    switch (f->type) {
      case FieldType::kBool:
        ok = v.is_boolean();
        break;
      case FieldType::kInt:
      case FieldType::kDouble:
        ok = v.is_number();
        break;
      case FieldType::kDateTime:
        ok = v.is_string() && ParseDateTime(v.get<std::string>()).has_value();
        break;
      default:
        ok = v.is_string();
        break;
    }
    if (!ok) {
      return Err("JSON_PARSER_ERROR",
                 "Cannot deserialize value for field " + f->name + " from " + v.dump());
    }
    if (f->type == FieldType::kReference) {
      auto id = NormalizeId(v.get<std::string>());
      // "id value of incorrect type" is Salesforce's MALFORMED_ID text (UNCONFIRMED here).
      if (!id)
        return Err("MALFORMED_ID",
                   f->name + ": id value of incorrect type: " + v.get<std::string>(), {f->name});
      json* target = state_.org.Get(*id);
      const ObjectDef* type = ObjectForId(*id);
      bool type_ok = f->ref_object.empty()
                         ? (type && (type->name == "User" || type->name == "Group"))
                         : (type && type->name == f->ref_object);
      if (target == nullptr || !type_ok || target->value("IsDeleted", false))
        return Err("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", {f->name});
    }
  }
  return std::nullopt;
}

tl::expected<std::string, WriteError> Changes::Create(const std::string& object,
                                                      const json& fields) {
  const ObjectDef* def = FindObject(object);
  if (def == nullptr)
    return tl::unexpected(Err("NOT_FOUND", "The requested resource does not exist", {}, 404));
  if (!def->createable)
    return tl::unexpected(
        Err("INVALID_TYPE_FOR_OPERATION", "entity type " + def->name + " does not support insert"));
  if (auto e = CheckFields(*def, fields, true)) return tl::unexpected(*e);
  json rec;
  for (auto it = fields.begin(); it != fields.end(); ++it) {
    if (it.key() == "attributes") continue;
    const FieldDef* f = def->Field(it.key());
    rec[f->name] = f->type == FieldType::kReference && it->is_string()
                       ? json(*NormalizeId(it->get<std::string>()))
                       : *it;
  }
  auto required = [&](std::vector<std::string> names) -> std::optional<WriteError> {
    std::vector<std::string> missing;
    for (const auto& n : names) {
      if (!rec.contains(n) || rec[n].is_null()) missing.push_back(n);
    }
    if (missing.empty()) return std::nullopt;
    std::string list;
    for (const auto& m : missing) list += (list.empty() ? "" : ", ") + m;
    return Err("REQUIRED_FIELD_MISSING", "Required fields are missing: [" + list + "]", missing);
  };
  Org& org = state_.org;
  const std::string& name = def->name;
  if (name == "PermissionSetAssignment") {
    if (rec.contains("PermissionSetGroupId") && rec["PermissionSetGroupId"].is_string() &&
        (!rec.contains("PermissionSetId") || rec["PermissionSetId"].is_null())) {
      if (auto* ps = org.FindBy("PermissionSet", "PermissionSetGroupId",
                                rec["PermissionSetGroupId"].get<std::string>()))
        rec["PermissionSetId"] = (*ps)["Id"];
    }
    if (auto e = required({"AssigneeId", "PermissionSetId"})) return tl::unexpected(*e);
    std::string assignee = rec["AssigneeId"], ps = rec["PermissionSetId"];
    for (const auto& row : org.table(name).rows) {
      if (row["AssigneeId"] == assignee && row["PermissionSetId"] == ps &&
          !row.value("IsDeleted", false)) {
        // composed-rest-error-400-duplicate-value-permissionsetassignment.json
        return tl::unexpected(Err("DUPLICATE_VALUE",
                                  "Duplicate PermissionSetAssignment. Assignee: " + Id15(assignee) +
                                      "; Permission Set: " + Id15(ps)));
      }
    }
    if ((*org.Get(ps)).value("IsOwnedByProfile", false))
      return tl::unexpected(
          Err("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", {"PermissionSetId"}));
    rec["IsActive"] = true;
    rec["IsRevoked"] = false;
    if (!rec.contains("PermissionSetGroupId")) rec["PermissionSetGroupId"] = nullptr;
    json& row = org.Insert(name, rec, actor_);
    std::string user = Label(assignee, "Name");
    if (row["PermissionSetGroupId"].is_string()) {
      org.Audit("PermSetGroupAssign", "Manage Users",
                "Permission set group " + Label(row["PermissionSetGroupId"], "MasterLabel") +
                    ": assigned to user " + user + " (UserID: [" + Id15(assignee) + "])",
                actor_);
    } else {
      // Display modelled on composed-rest-query-setupaudittrail-user-changes.json (UNCONFIRMED
      // text).
      org.Audit("PermSetAssign", "Manage Users",
                "Permission set " + Label(ps, "Label") + ": assigned to user " + user +
                    " (UserID: [" + Id15(assignee) + "])",
                actor_);
    }
    return row["Id"].get<std::string>();
  }
  if (name == "GroupMember") {
    if (auto e = required({"GroupId", "UserOrGroupId"})) return tl::unexpected(*e);
    // Unlike PermissionSetAssignment, a GroupMember that exists already is no error: "If
    // you attempt to create a record that matches an existing record, the system simply
    // returns the existing record" (Object Reference, GroupMember, Usage). Nothing
    // changes, so nothing is audited.
    for (const auto& row : org.table(name).rows) {
      if (row["GroupId"] == rec["GroupId"] && row["UserOrGroupId"] == rec["UserOrGroupId"] &&
          !row.value("IsDeleted", false)) {
        return row["Id"].get<std::string>();
      }
    }
    json& row = org.Insert(name, rec, actor_);
    // Section "Groups", action groupMembership [WIRE.md §5]; Display UNCONFIRMED.
    org.Audit("groupMembership", "Groups",
              "Added " + Label(rec["UserOrGroupId"], "Name") + " to the group " +
                  Label(rec["GroupId"], "Name"),
              actor_);
    return row["Id"].get<std::string>();
  }
  if (name == "ObjectPermissions" || name == "FieldPermissions") {
    bool is_op = name == "ObjectPermissions";
    if (auto e = required(is_op ? std::vector<std::string>{"ParentId", "SobjectType"}
                                : std::vector<std::string>{"ParentId", "SobjectType", "Field"}))
      return tl::unexpected(*e);
    if (!is_op &&
        rec["Field"].get<std::string>().rfind(rec["SobjectType"].get<std::string>() + ".", 0) != 0)
      return tl::unexpected(Err("FIELD_INTEGRITY_EXCEPTION",
                                "Field must be of the form SobjectType.FieldName", {"Field"}));
    for (const auto& row : org.table(name).rows) {
      if (row["ParentId"] == rec["ParentId"] && row["SobjectType"] == rec["SobjectType"] &&
          (is_op || row["Field"] == rec["Field"]) && !row.value("IsDeleted", false)) {
        return tl::unexpected(
            Err("DUPLICATE_VALUE",
                "duplicate value found: <unknown> duplicates value on record with id: " +
                    row["Id"].get<std::string>()));
      }
    }
    for (const auto& f : def->fields) {
      if (f.type == FieldType::kBool && f.name.rfind("Permissions", 0) == 0 &&
          !rec.contains(f.name))
        rec[f.name] = false;
    }
    if (is_op) {
      if (auto e = CheckObjectDependencies(rec)) return tl::unexpected(*e);
    } else if (rec["PermissionsEdit"] == true && rec["PermissionsRead"] != true) {
      return tl::unexpected(Err("FIELD_INTEGRITY_EXCEPTION",
                                "Permission Edit depends on permission(s): Read",
                                {"PermissionsEdit"}));
    }
    json& row = org.Insert(name, rec, actor_);
    if (is_op)
      AuditObjectPermissions(json(), row);
    else
      AuditFieldPermissions(json(), row);
    return row["Id"].get<std::string>();
  }
  if (name == "PermissionSet") {
    if (auto e = required({"Name", "Label"})) return tl::unexpected(*e);
    if (org.FindBy(name, "Name", rec["Name"].get<std::string>()))
      return tl::unexpected(Err("DUPLICATE_DEVELOPER_NAME",
                                "The API name you specified is already in use.", {"Name"}));
    rec["IsOwnedByProfile"] = false;
    rec["IsCustom"] = true;
    rec["Type"] = "Regular";
    json& row = org.Insert(name, rec, actor_);
    // Display from the object reference's PermSetCreate example [WIRE.md §5].
    org.Audit("PermSetCreate", "Manage Users",
              "Created permission set " + rec["Label"].get<std::string>() +
                  ": with user license Salesforce.",
              actor_);
    return row["Id"].get<std::string>();
  }
  json& row = org.Insert(name, rec, actor_);
  return row["Id"].get<std::string>();
}

tl::expected<json*, WriteError> Changes::Existing(const std::string& object,
                                                  const std::string& id) {
  const ObjectDef* def = FindObject(object);
  if (def == nullptr)
    return tl::unexpected(Err("NOT_FOUND", "The requested resource does not exist", {}, 404));
  auto full = NormalizeId(id);
  // A malformed Id in the URL is read as an external Id (real body:
  // rest-error-404-not-found-external-id.json).
  if (!full)
    return tl::unexpected(
        Err("NOT_FOUND", "Provided external ID field does not exist or is not accessible: " + id,
            {}, 404));
  if (full->substr(0, 3) != def->key_prefix)
    return tl::unexpected(Err("MALFORMED_ID", "malformed id " + id, {}, 400));
  json* row = state_.org.Get(*full);
  if (row == nullptr)
    return tl::unexpected(Err("NOT_FOUND", "The requested resource does not exist", {}, 404));
  if (row->value("IsDeleted", false))
    return tl::unexpected(Err("ENTITY_IS_DELETED", "entity is deleted", {}, 404));
  return row;
}

tl::expected<void, WriteError> Changes::Update(const std::string& object, const std::string& id,
                                               const json& fields) {
  auto found = Existing(object, id);
  if (!found) return tl::unexpected(found.error());
  json& row = **found;
  const ObjectDef* def = FindObject(object);
  if (auto e = CheckFields(*def, fields, false)) return tl::unexpected(*e);
  json before = row;
  json after = row;
  for (auto it = fields.begin(); it != fields.end(); ++it) {
    if (it.key() == "attributes" || it.key() == "Id" || it.key() == "id") continue;
    const FieldDef* f = def->Field(it.key());
    after[f->name] = f->type == FieldType::kReference && it->is_string()
                         ? json(*NormalizeId(it->get<std::string>()))
                         : *it;
  }
  const std::string& name = def->name;
  if (name == "ObjectPermissions") {
    if (auto e = CheckObjectDependencies(after)) return tl::unexpected(*e);
  }
  if (name == "FieldPermissions" && after["PermissionsEdit"] == true &&
      after["PermissionsRead"] != true)
    return tl::unexpected(Err("FIELD_INTEGRITY_EXCEPTION",
                              "Permission Edit depends on permission(s): Read",
                              {"PermissionsEdit"}));
  if (name == "PermissionSet" && before.value("IsOwnedByProfile", false))
    return tl::unexpected(
        Err("INSUFFICIENT_ACCESS_OR_READONLY", "insufficient access rights on object id"));
  row = after;
  state_.org.Touch(row, actor_);
  Org& org = state_.org;
  if (name == "ObjectPermissions") AuditObjectPermissions(before, row);
  if (name == "FieldPermissions") AuditFieldPermissions(before, row);
  if (name == "PermissionSet") {
    for (const auto& perm : SystemPermissionNames()) {
      std::string f = "Permissions" + perm;
      if (before[f] == row[f]) continue;
      bool on = row[f] == true;
      // Action codes PermSetEnableUserPerm/PermSetDisableUserPerm [WIRE.md §5]; Display
      // modelled on the real profilePermChangedCustom rows.
      org.Audit(on ? "PermSetEnableUserPerm" : "PermSetDisableUserPerm", "Manage Users",
                "Changed permission set " + row["Label"].get<std::string>() +
                    ": general user permission " + perm + " was changed from " +
                    (on ? "disabled to enabled" : "enabled to disabled"),
                actor_);
    }
  }
  if (name == "UserLogin" && before["IsFrozen"] != row["IsFrozen"]) {
    bool frozen = row["IsFrozen"] == true;
    std::string user = Label(row["UserId"], "Name");
    // frozeuser / unfrozeuser, Section "Manage Users" [WIRE.md §5]; Display UNCONFIRMED.
    org.Audit(frozen ? "frozeuser" : "unfrozeuser", "Manage Users",
              std::string(frozen ? "Froze" : "Unfroze") + " user " + user, actor_);
    // A frozen user cannot use existing sessions either (UNCONFIRMED; the safe reading).
    if (frozen) state_.sessions.RevokeUser(row["UserId"]);
  }
  if (name == "User") {
    std::string user = row["Name"].is_string() ? row["Name"].get<std::string>()
                                               : row["Username"].get<std::string>();
    if (before["IsActive"] != row["IsActive"]) {
      bool active = row["IsActive"] == true;
      org.Audit(active ? "activateduser" : "deactivateduser", "Manage Users",
                std::string(active ? "Activated" : "Deactivated") + " user " + user, actor_);
      if (!active) state_.sessions.RevokeUser(row["Id"]);
    }
    if (before["ProfileId"] != row["ProfileId"]) {
      // "Changed profile for user X from A to B" is seen in public code [WIRE.md §5].
      org.Audit("changedprofileforuser", "Manage Users",
                "Changed profile for user " + user + " from " + Label(before["ProfileId"], "Name") +
                    " to " + Label(row["ProfileId"], "Name"),
                actor_);
    }
  }
  return {};
}

tl::expected<void, WriteError> Changes::Delete(const std::string& object, const std::string& id) {
  auto found = Existing(object, id);
  if (!found) return tl::unexpected(found.error());
  json& row = **found;
  const ObjectDef* def = FindObject(object);
  if (!def->deletable || def->name == "PermissionSet")
    return tl::unexpected(
        Err("INVALID_TYPE_FOR_OPERATION", "entity type " + def->name + " does not support delete"));
  json before = row;
  Org& org = state_.org;
  org.MarkDeleted(row, actor_);
  const std::string& name = def->name;
  if (name == "PermissionSetAssignment") {
    std::string assignee = before["AssigneeId"];
    std::string user = Label(assignee, "Name");
    if (before["PermissionSetGroupId"].is_string()) {
      org.Audit("PermSetGroupUnassign", "Manage Users",
                "Permission set group " + Label(before["PermissionSetGroupId"], "MasterLabel") +
                    ": unassigned from user " + user + " (UserID: [" + Id15(assignee) + "])",
                actor_);
    } else {
      org.Audit("PermSetUnassign", "Manage Users",
                "Permission set " + Label(before["PermissionSetId"], "Label") +
                    ": unassigned from user " + user + " (UserID: [" + Id15(assignee) + "])",
                actor_);
    }
  } else if (name == "GroupMember") {
    org.Audit("groupMembership", "Groups",
              "Removed " + Label(before["UserOrGroupId"], "Name") + " from the group " +
                  Label(before["GroupId"], "Name"),
              actor_);
  } else if (name == "ObjectPermissions") {
    AuditObjectPermissions(before, json());
  } else if (name == "FieldPermissions") {
    AuditFieldPermissions(before, json());
  }
  return {};
}

void Changes::AuditObjectPermissions(const json& before, const json& after) {
  const json& any = after.is_object() ? after : before;
  std::string from = ObjectAccess(before), to = ObjectAccess(after);
  if (from == to) return;
  // Action PermSetEntityPermChanged [WIRE.md §5]; Display modelled on the real
  // profileOlpChangedCustom rows; Section UNCONFIRMED.
  state_.org.Audit("PermSetEntityPermChanged", "Manage Users",
                   "Changed permission set " + Label(any["ParentId"], "Label") + ": " +
                       any["SobjectType"].get<std::string>() +
                       " object permissions were changed from " + from + " to " + to,
                   actor_);
}

void Changes::AuditFieldPermissions(const json& before, const json& after) {
  const json& any = after.is_object() ? after : before;
  std::string from = FieldAccess(before), to = FieldAccess(after);
  if (from == to) return;
  std::string field = any["Field"];
  std::string object = any["SobjectType"];
  std::string short_name = field.substr(field.find('.') + 1);
  // Action PermSetFlsChanged [WIRE.md §5]; Display modelled on the real profileFlsChanged rows.
  state_.org.Audit("PermSetFlsChanged", "Manage Users",
                   "Changed permission set " + Label(any["ParentId"], "Label") +
                       ": field-level security for " + object + ": " + short_name +
                       " was changed from " + from + " to " + to,
                   actor_);
}

void Changes::AuditSharingRule(const std::string& action, const std::string& object,
                               const std::string& rule, const std::string& verb) {
  state_.org.Audit(action, "Sharing Rules", verb + " sharing rule " + rule + " for " + object,
                   actor_);
}

}  // namespace sfwarden::sim
