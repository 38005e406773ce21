#include "collectors/detail/permission_rows.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <string_view>

#include "salesforce/query_decoder.h"
#include "salesforce/soql.h"

namespace sfwarden::collectors::detail {
namespace {

using nlohmann::json;
using salesforce::ApiError;
using salesforce::ErrorKind;

std::string Lower(std::string_view text) {
  std::string out(text);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

/// Typed fields of one record; the first problem is kept and ends the decoding.
class RowReader {
 public:
  RowReader(const json& row, std::string_view what) : row_(row), what_(what) {}

  std::string Text(std::string_view path) {
    auto value = salesforce::FieldString(row_, path);
    if (!value) Fail(path, "a string");
    return value.value_or("");
  }
  /// "" for null, and for a null parent on the path.
  std::string OptionalText(std::string_view path) {
    if (!Present(path)) {
      Fail(path, "a string or null");
      return "";
    }
    auto value = salesforce::FieldString(row_, path);
    if (!value && !IsNull(path)) Fail(path, "a string or null");
    return value.value_or("");
  }
  bool Bool(std::string_view field) {
    const json* value = Find(field);
    if (!value || !value->is_boolean()) {
      Fail(field, "a boolean");
      return false;
    }
    return value->get<bool>();
  }
  /// 0 for null.
  std::int64_t Int(std::string_view field) {
    const json* value = Find(field);
    if (value && value->is_null()) return 0;
    if (value && value->is_number_integer()) return value->get<std::int64_t>();
    // Salesforce sends int fields as JSON numbers; some serialise as 3.0.
    if (value && value->is_number_float()) return static_cast<std::int64_t>(value->get<double>());
    Fail(field, "a number");
    return 0;
  }
  std::optional<Time> OptionalTime(std::string_view field) {
    const json* value = Find(field);
    if (value && value->is_null()) return std::nullopt;
    return Required(field);
  }
  Time Required(std::string_view field) {
    const json* value = Find(field);
    if (value && value->is_string()) {
      if (auto t = salesforce::ParseSalesforceDateTime(value->get<std::string>())) {
        return std::chrono::floor<std::chrono::milliseconds>(*t);
      }
    }
    Fail(field, "a datetime");
    return Time{};
  }

  Applied Result() const {
    if (error_) return tl::unexpected(*error_);
    return {};
  }

 private:
  const json* Find(std::string_view field) const {
    if (!row_.is_object()) return nullptr;
    auto it = row_.find(field);
    return it == row_.end() ? nullptr : &*it;
  }
  // Whether every step of a dotted path exists (a null parent ends it early: present).
  bool Present(std::string_view path) const {
    const json* node = &row_;
    while (true) {
      auto dot = path.find('.');
      if (!node->is_object()) return false;
      auto it = node->find(path.substr(0, dot));
      if (it == node->end()) return false;
      if (it->is_null() || dot == std::string_view::npos) return true;
      node = &*it;
      path.remove_prefix(dot + 1);
    }
  }
  bool IsNull(std::string_view path) const {
    const json* node = &row_;
    while (true) {
      auto dot = path.find('.');
      auto it = node->find(path.substr(0, dot));
      if (it->is_null()) return true;
      if (dot == std::string_view::npos) return false;
      node = &*it;
      path.remove_prefix(dot + 1);
    }
  }
  void Fail(std::string_view field, std::string_view expected) {
    if (error_) return;
    error_ = salesforce::MakeError(ErrorKind::kDecode,
                                   std::string(what_) + " row: field " + std::string(field) +
                                       " is missing or not " + std::string(expected));
  }

  const json& row_;
  std::string_view what_;
  std::optional<ApiError> error_;
};

/// Watched users by record Id (several configured spellings may name one user).
std::map<std::string, std::vector<UserState*>> UsersById(PermissionSnapshot& snapshot) {
  std::map<std::string, std::vector<UserState*>> out;
  for (auto& [name, user] : snapshot.users) {
    if (user.found) out[user.id].push_back(&user);
  }
  return out;
}

template <class State>
std::map<std::string, State*> ById(std::map<std::string, State>& states) {
  std::map<std::string, State*> out;
  for (auto& [name, state] : states) {
    if (state.found) out[state.id] = &state;
  }
  return out;
}

template <class Map>
auto* Lookup(Map& map, const std::string& key) {
  auto it = map.find(key);
  return it == map.end() ? nullptr : &it->second;
}

}  // namespace

PermissionSnapshot EmptySnapshot(const OrgTarget& target) {
  PermissionSnapshot snapshot;
  for (const auto& username : target.usernames) snapshot.users[username].username = username;
  for (const auto& [name, permissions] : target.permission_sets) {
    snapshot.permission_sets[name].name = name;
  }
  for (const auto& name : target.public_groups) {
    snapshot.public_groups[name].developer_name = name;
  }
  for (const auto& name : target.permission_set_groups) {
    snapshot.permission_set_groups[name].developer_name = name;
  }
  return snapshot;
}

Applied ApplyUsers(const Rows& rows, PermissionSnapshot& snapshot) {
  std::map<std::string, std::vector<UserState*>> by_lower;
  for (auto& [name, user] : snapshot.users) by_lower[Lower(name)].push_back(&user);
  for (const auto& row : rows) {
    RowReader r(row, "User");
    std::string id = r.Text("Id");
    std::string username = r.Text("Username");
    std::string name = r.OptionalText("Name");
    bool active = r.Bool("IsActive");
    std::string profile = r.OptionalText("Profile.Name");
    if (auto ok = r.Result(); !ok) return ok;
    auto* users = Lookup(by_lower, Lower(username));
    if (!users) continue;
    for (auto* user : *users) {
      user->found = true;
      user->id = id;
      user->name = name;
      user->active = active;
      user->profile = profile;
    }
  }
  return {};
}

Applied ApplyUserLogins(const Rows& rows, PermissionSnapshot& snapshot) {
  auto users = UsersById(snapshot);
  for (const auto& row : rows) {
    RowReader r(row, "UserLogin");
    std::string user_id = r.Text("UserId");
    bool frozen = r.Bool("IsFrozen");
    if (auto ok = r.Result(); !ok) return ok;
    if (auto* found = Lookup(users, user_id)) {
      for (auto* user : *found) user->frozen = frozen;
    }
  }
  return {};
}

Applied ApplyAssignments(const Rows& rows, PermissionSnapshot& snapshot) {
  auto users = UsersById(snapshot);
  for (const auto& row : rows) {
    RowReader r(row, "PermissionSetAssignment");
    AssignmentState assignment;
    assignment.assignment_id = r.Text("Id");
    std::string user_id = r.Text("AssigneeId");
    std::string group_id = r.OptionalText("PermissionSetGroupId");
    assignment.permission_set_id = r.OptionalText("PermissionSetId");
    if (group_id.empty()) {
      assignment.permission_set = r.Text("PermissionSet.Name");
    } else {
      assignment.permission_set_group = r.Text("PermissionSetGroup.DeveloperName");
      assignment.permission_set_group_id = group_id;
    }
    assignment.expiration = r.OptionalTime("ExpirationDate");
    if (auto ok = r.Result(); !ok) return ok;
    if (auto* found = Lookup(users, user_id)) {
      for (auto* user : *found) user->assignments.push_back(assignment);
    }
  }
  return {};
}

Applied ApplyPermissionSets(const Rows& rows, const OrgTarget& target,
                            PermissionSnapshot& snapshot) {
  for (const auto& row : rows) {
    RowReader r(row, "PermissionSet");
    std::string id = r.Text("Id");
    std::string group_id = r.OptionalText("PermissionSetGroupId");
    if (!group_id.empty()) {
      // The aggregate set of a permission set group: it stands for the group.
      std::string developer_name = r.Text("PermissionSetGroup.DeveloperName");
      std::string label = r.OptionalText("PermissionSetGroup.MasterLabel");
      if (auto ok = r.Result(); !ok) return ok;
      auto* group = Lookup(snapshot.permission_set_groups, developer_name);
      if (!group) continue;
      group->found = true;
      group->id = group_id;
      group->name = label;
      continue;
    }
    std::string name = r.Text("Name");
    std::string label = r.OptionalText("Label");
    if (auto ok = r.Result(); !ok) return ok;
    auto* set = Lookup(snapshot.permission_sets, name);
    auto watched = target.permission_sets.find(name);
    if (!set || watched == target.permission_sets.end()) continue;
    set->found = true;
    set->id = id;
    set->label = label;
    for (const auto& permission : watched->second) {
      set->system[permission] = r.Bool("Permissions" + permission);
    }
    if (auto ok = r.Result(); !ok) return ok;
  }
  return {};
}

Applied ApplyPublicGroups(const Rows& rows, PermissionSnapshot& snapshot) {
  for (const auto& row : rows) {
    RowReader r(row, "Group");
    std::string id = r.Text("Id");
    std::string developer_name = r.Text("DeveloperName");
    std::string name = r.OptionalText("Name");
    if (auto ok = r.Result(); !ok) return ok;
    if (auto* group = Lookup(snapshot.public_groups, developer_name)) {
      group->found = true;
      group->id = id;
      group->name = name;
    }
  }
  return {};
}

Applied ApplyObjectPermissions(const Rows& rows, PermissionSnapshot& snapshot) {
  auto sets = ById(snapshot.permission_sets);
  for (const auto& row : rows) {
    RowReader r(row, "ObjectPermissions");
    ObjectPermissionState state;
    state.id = r.Text("Id");
    std::string parent = r.Text("ParentId");
    std::string object = r.Text("SobjectType");
    state.read = r.Bool("PermissionsRead");
    state.create = r.Bool("PermissionsCreate");
    state.edit = r.Bool("PermissionsEdit");
    state.del = r.Bool("PermissionsDelete");
    state.view_all = r.Bool("PermissionsViewAllRecords");
    state.modify_all = r.Bool("PermissionsModifyAllRecords");
    if (snapshot.view_all_fields_read) state.view_all_fields = r.Bool("PermissionsViewAllFields");
    if (auto ok = r.Result(); !ok) return ok;
    if (auto* set = Lookup(sets, parent)) (*set)->objects[object] = state;
  }
  return {};
}

Applied ApplyFieldPermissions(const Rows& rows, PermissionSnapshot& snapshot) {
  auto sets = ById(snapshot.permission_sets);
  for (const auto& row : rows) {
    RowReader r(row, "FieldPermissions");
    FieldPermissionState state;
    state.id = r.Text("Id");
    std::string parent = r.Text("ParentId");
    std::string field = r.Text("Field");  // "Account.Phone" (Object Reference: FieldPermissions)
    state.read = r.Bool("PermissionsRead");
    state.edit = r.Bool("PermissionsEdit");
    if (auto ok = r.Result(); !ok) return ok;
    if (auto* set = Lookup(sets, parent)) (*set)->fields[field] = state;
  }
  return {};
}

Applied ApplyGroupMembers(const Rows& rows, PermissionSnapshot& snapshot) {
  auto users = UsersById(snapshot);
  auto groups = ById(snapshot.public_groups);
  for (const auto& row : rows) {
    RowReader r(row, "GroupMember");
    std::string id = r.Text("Id");
    std::string group_id = r.Text("GroupId");
    std::string member_id = r.Text("UserOrGroupId");
    if (auto ok = r.Result(); !ok) return ok;
    auto* group = Lookup(groups, group_id);
    auto* found = Lookup(users, member_id);
    if (!group || !found) continue;
    for (auto* user : *found) {
      const std::string& name = (*group)->developer_name;
      if (user->group_member_ids.emplace(name, id).second) user->public_groups.push_back(name);
    }
  }
  for (auto& [name, user] : snapshot.users) {
    std::sort(user.public_groups.begin(), user.public_groups.end());
  }
  return {};
}

Applied ApplyOrganization(const Rows& rows, const std::vector<std::string>& objects,
                          PermissionSnapshot& snapshot) {
  if (rows.size() != 1) {
    return tl::unexpected(salesforce::MakeError(
        ErrorKind::kDecode, "Organization: expected one row, got " + std::to_string(rows.size())));
  }
  RowReader r(rows.front(), "Organization");
  for (const auto& object : objects) {
    snapshot.org_wide_defaults[object] = r.OptionalText("Default" + object + "Access");
  }
  return r.Result();
}

Applied ApplyOAuthTokens(const Rows& rows, PermissionSnapshot& snapshot) {
  auto users = UsersById(snapshot);
  for (const auto& row : rows) {
    RowReader r(row, "OAuthToken");
    OAuthTokenObservation token;
    token.id = r.Text("Id");
    std::string user_id = r.Text("UserId");
    token.app_name = r.OptionalText("AppName");
    token.created = r.Required("CreatedDate");
    token.last_used = r.OptionalTime("LastUsedDate");
    token.use_count = r.Int("UseCount");
    if (auto ok = r.Result(); !ok) return ok;
    auto* found = Lookup(users, user_id);
    if (!found) continue;
    token.username = found->front()->username;
    snapshot.oauth_tokens[token.id] = std::move(token);
  }
  return {};
}

}  // namespace sfwarden::collectors::detail
