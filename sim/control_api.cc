#include "sim/control_api.h"

#include <algorithm>

#include "sim/changes.h"
#include "sim/event_log.h"
#include "sim/login_history.h"
#include "sim/rest_writes.h"
#include "sim/schema.h"

namespace sfwarden::sim {
namespace {
using nlohmann::json;

Response Bad(const std::string& message) { return JsonResponse(400, {{"error", message}}); }
Response Ok(json body = {{"ok", true}}) { return JsonResponse(200, body); }

std::string Str(const json& b, const char* key, const std::string& fallback = "") {
  return b.contains(key) && b[key].is_string() ? b[key].get<std::string>() : fallback;
}

struct Lookup {
  SimState& state;
  std::string error;
  std::string Id(const char* object, const char* field, const std::string& value) {
    auto* row = state.org.FindBy(object, field, value);
    if (row == nullptr) {
      error = std::string("unknown ") + object + " '" + value + "'";
      return "";
    }
    return (*row)["Id"];
  }
};

Response FromWrite(const tl::expected<std::string, WriteError>& r) {
  if (!r) return WriteErrorResponse(r.error());
  return Ok({{"ok", true}, {"id", *r}});
}
Response FromWrite(const tl::expected<void, WriteError>& r) {
  if (!r) return WriteErrorResponse(r.error());
  return Ok();
}

// "Act as another admin": the same Changes code path as API writes, so the same audit rows.
Response Act(SimState& state, const json& b) {
  Lookup find{state, ""};
  std::string actor = b.contains("actor") ? find.Id("User", "Username", Str(b, "actor"))
                                          : state.org.DefaultAdminId();
  if (!find.error.empty()) return Bad(find.error);
  Changes changes(state, actor);
  std::string action = Str(b, "action");
  Org& org = state.org;
  auto user = [&] { return find.Id("User", "Username", Str(b, "username")); };
  auto first_live = [&](const char* object,
                        std::initializer_list<std::pair<const char*, std::string>> match) -> json* {
    for (auto& row : org.table(object).rows) {
      bool all = !row.value("IsDeleted", false);
      for (const auto& [f, v] : match) all = all && row[f] == v;
      if (all) return &row;
    }
    return nullptr;
  };
  if (action == "create" || action == "update" || action == "delete") {
    std::string object = Str(b, "object");
    if (action == "create")
      return FromWrite(changes.Create(object, b.value("fields", json::object())));
    if (action == "update")
      return FromWrite(changes.Update(object, Str(b, "id"), b.value("fields", json::object())));
    return FromWrite(changes.Delete(object, Str(b, "id")));
  }
  if (action == "assign_permission_set" || action == "unassign_permission_set") {
    std::string uid = user(), ps = find.Id("PermissionSet", "Name", Str(b, "permission_set"));
    if (!find.error.empty()) return Bad(find.error);
    if (action == "assign_permission_set")
      return FromWrite(changes.Create("PermissionSetAssignment",
                                      {{"AssigneeId", uid}, {"PermissionSetId", ps}}));
    json* row =
        first_live("PermissionSetAssignment", {{"AssigneeId", uid}, {"PermissionSetId", ps}});
    if (row == nullptr) return Bad("no such assignment");
    return FromWrite(changes.Delete("PermissionSetAssignment", (*row)["Id"]));
  }
  if (action == "add_group_member" || action == "remove_group_member") {
    std::string uid = user(), group = find.Id("Group", "DeveloperName", Str(b, "group"));
    if (!find.error.empty()) return Bad(find.error);
    if (action == "add_group_member")
      return FromWrite(changes.Create("GroupMember", {{"GroupId", group}, {"UserOrGroupId", uid}}));
    json* row = first_live("GroupMember", {{"GroupId", group}, {"UserOrGroupId", uid}});
    if (row == nullptr) return Bad("no such group member");
    return FromWrite(changes.Delete("GroupMember", (*row)["Id"]));
  }
  if (action == "freeze_user" || action == "unfreeze_user") {
    std::string uid = user();
    if (!find.error.empty()) return Bad(find.error);
    json* login = org.FindBy("UserLogin", "UserId", uid);
    return FromWrite(
        changes.Update("UserLogin", (*login)["Id"], {{"IsFrozen", action == "freeze_user"}}));
  }
  if (action == "deactivate_user" || action == "activate_user") {
    std::string uid = user();
    if (!find.error.empty()) return Bad(find.error);
    return FromWrite(changes.Update("User", uid, {{"IsActive", action == "activate_user"}}));
  }
  if (action == "change_profile") {
    std::string uid = user(), profile = find.Id("Profile", "Name", Str(b, "profile"));
    if (!find.error.empty()) return Bad(find.error);
    return FromWrite(changes.Update("User", uid, {{"ProfileId", profile}}));
  }
  if (action == "set_system_permission") {
    std::string ps = find.Id("PermissionSet", "Name", Str(b, "permission_set"));
    if (!find.error.empty()) return Bad(find.error);
    return FromWrite(changes.Update(
        "PermissionSet", ps, {{"Permissions" + Str(b, "permission"), b.value("enabled", true)}}));
  }
  if (action == "set_object_permissions") {
    // {"permission_set", "object", "access": ["read", "edit", …]}; [] removes the row.
    std::string ps = find.Id("PermissionSet", "Name", Str(b, "permission_set"));
    if (!find.error.empty()) return Bad(find.error);
    json fields = json::object();
    for (const auto& [word, field] : ObjectAccessFields()) fields[field] = false;
    for (const auto& a : b.value("access", json::array())) {
      const std::string word = a.is_string() ? a.get<std::string>() : a.dump();
      auto it = std::find_if(ObjectAccessFields().begin(), ObjectAccessFields().end(),
                             [&](const auto& known) { return known.first == word; });
      if (it == ObjectAccessFields().end()) return Bad("unknown access '" + word + "'");
      fields[it->second] = true;
    }
    std::string object = Str(b, "object");
    json* row = first_live("ObjectPermissions", {{"ParentId", ps}, {"SobjectType", object}});
    if (b.value("access", json::array()).empty())
      return row ? FromWrite(changes.Delete("ObjectPermissions", (*row)["Id"])) : Ok();
    if (row) return FromWrite(changes.Update("ObjectPermissions", (*row)["Id"], fields));
    fields["ParentId"] = ps;
    fields["SobjectType"] = object;
    return FromWrite(changes.Create("ObjectPermissions", fields));
  }
  if (action == "set_field_permissions") {
    // {"permission_set", "field": "Account.Phone", "access": [] | ["read"] | ["read", "edit"]}
    std::string ps = find.Id("PermissionSet", "Name", Str(b, "permission_set"));
    if (!find.error.empty()) return Bad(find.error);
    std::string field = Str(b, "field");
    bool read = false, edit = false;
    for (const auto& a : b.value("access", json::array())) {
      read = read || a == "read" || a == "edit";
      edit = edit || a == "edit";
    }
    json* row = first_live("FieldPermissions", {{"ParentId", ps}, {"Field", field}});
    if (!read) return row ? FromWrite(changes.Delete("FieldPermissions", (*row)["Id"])) : Ok();
    json fields = {{"PermissionsRead", read}, {"PermissionsEdit", edit}};
    if (row) return FromWrite(changes.Update("FieldPermissions", (*row)["Id"], fields));
    fields["ParentId"] = ps;
    fields["SobjectType"] = field.substr(0, field.find('.'));
    fields["Field"] = field;
    return FromWrite(changes.Create("FieldPermissions", fields));
  }
  if (action == "delete_sharing_rule" || action == "edit_sharing_rule") {
    std::string object = Str(b, "object"), name = Str(b, "name");
    auto& rules = org.sharing_rules[object];
    auto it = std::find_if(rules.begin(), rules.end(),
                           [&](const SharingRule& r) { return r.full_name == name; });
    if (it == rules.end()) return Bad("unknown sharing rule " + object + "." + name);
    if (action == "delete_sharing_rule") {
      rules.erase(it);
      changes.AuditSharingRule("deleteSharingRule", object, name, "Deleted");
    } else {
      if (b.contains("access_level")) it->access_level = Str(b, "access_level");
      if (b.contains("shared_to")) {
        const json& t = b["shared_to"];
        if (!t.is_object() || t.size() != 1)
          return Bad("shared_to: expected {\"<type>\": \"<name>\"}");
        it->shared_to_type = t.begin().key();
        it->shared_to = t.begin()->get<std::string>();
      }
      if (b.contains("criteria")) {
        it->criteria.clear();
        for (const auto& c : b["criteria"])
          it->criteria.push_back({Str(c, "field"), Str(c, "operation"), Str(c, "value")});
      }
      changes.AuditSharingRule("updateSharingRule", object, name, "Updated");
    }
    return Ok();
  }
  return Bad("unknown action '" + action + "'");
}

Response RecordLoginCall(SimState& state, const json& b) {
  Lookup find{state, ""};
  LoginRecord l;
  l.user_id = find.Id("User", "Username", Str(b, "username"));
  if (!find.error.empty()) return Bad(find.error);
  if (b.contains("time")) {
    auto t = ParseDateTime(Str(b, "time"));
    if (!t) return Bad("time: expected ISO datetime");
    l.time = *t;
  }
  l.source_ip = Str(b, "source_ip", l.source_ip);
  l.status = Str(b, "status", l.status);
  l.login_type = Str(b, "login_type", l.login_type);
  l.login_sub_type = Str(b, "login_sub_type");
  l.application = Str(b, "application");
  l.login_url = Str(b, "login_url", l.login_url);
  l.country_iso = Str(b, "country_iso");
  auto& row = RecordLogin(state.org, l);
  return Ok({{"ok", true}, {"id", row["Id"]}});
}

Response RecordApiUsage(SimState& state, const json& b) {
  Lookup find{state, ""};
  std::string uid = find.Id("User", "Username", Str(b, "username"));
  if (!find.error.empty()) return Bad(find.error);
  const ConnectedApp* app = state.org.AppByName(Str(b, "app"));
  if (b.contains("app") && app == nullptr)
    return Bad("unknown connected app '" + Str(b, "app") + "'");
  long calls = b.value("calls", 1L);
  if (calls < 1 || calls > 10'000'000) return Bad("calls: 1..10000000");
  EpochMs when = state.org.Now();
  if (b.contains("time")) {
    auto t = ParseDateTime(Str(b, "time"));
    if (!t) return Bad("time: expected ISO datetime");
    when = *t;
  }
  std::string method = Str(b, "method", "GET");
  std::string resource = Str(b, "resource", "/v" + state.org.settings.api_version + "/query");
  state.usage.Count(when, "recorded " + method + " " + resource, uid, app ? app->name : "", calls);
  // Events are capped; a huge `calls` becomes one event per call up to 10,000.
  for (long i = 0; i < std::min(calls, 10'000L); ++i) {
    ApiEvent e;
    e.time = when;
    e.user_id = uid;
    e.username = Str(b, "username");
    if (app) {
      e.app_id = app->id;
      e.app_name = app->name;
    }
    e.client_ip = Str(b, "client_ip", "127.0.0.1");
    e.method = method;
    e.resource = resource;
    e.entity = Str(b, "entity");
    e.api_family = Str(b, "api_family", "REST");
    e.api_version = state.org.settings.api_version;
    state.usage.AddEvent(std::move(e));
  }
  // The user's OAuthToken for this app shows the use [issue 3: "feeds … the user's
  // OAuthToken use count"].
  for (auto& row : state.org.table("OAuthToken").rows) {
    if (row["UserId"] == uid && (!app || row["AppName"] == app->name) &&
        !row.value("IsDeleted", false)) {
      row["UseCount"] = row["UseCount"].get<long>() + calls;
      row["LastUsedDate"] = FormatDateTime(when);
      break;
    }
  }
  return Ok({{"ok", true}, {"used", state.usage.Used(state.org.Now())}});
}

Response IssueToken(SimState& state, const json& b) {
  Lookup find{state, ""};
  std::string uid = find.Id("User", "Username", Str(b, "username"));
  if (!find.error.empty()) return Bad(find.error);
  const ConnectedApp* app = state.org.AppByName(Str(b, "app"));
  if (b.contains("app") && app == nullptr)
    return Bad("unknown connected app '" + Str(b, "app") + "'");
  json out = {{"ok", true}};
  std::string refresh;
  if (b.value("refresh_token", false)) {
    const auto& g = state.sessions.IssueRefresh(state.org, uid, app);
    refresh = g.token;
    out["refresh_token"] = refresh;
    out["oauth_token_id"] = g.oauth_token_id;
  }
  out["access_token"] = state.sessions.Issue(state.org, uid, app, refresh).access_token;
  out["instance_url"] = state.InstanceUrl();
  return Ok(out);
}
}  // namespace

Response HandleControl(SimState& state, const Request& request) {
  std::string path = request.Path().substr(std::string("/__sim").size());
  json body = request.body.empty() ? json::object() : json::parse(request.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) return Bad("body must be a JSON object");
  const std::string& m = request.method;
  if (path == "/health") return Ok();
  if (path == "/logins" && m == "POST") return RecordLoginCall(state, body);
  if (path == "/act" && m == "POST") return Act(state, body);
  if (path == "/api-usage" && m == "POST") return RecordApiUsage(state, body);
  if (path == "/tokens" && m == "POST") return IssueToken(state, body);
  if (path == "/tokens/revoke" && m == "POST") {
    if (!state.sessions.Revoke(state.org, Str(body, "token"))) return Bad("unknown token");
    return Ok();
  }
  if (path == "/clock") {
    if (m == "POST") {
      std::optional<std::int64_t> ms;
      if (body.contains("advance")) ms = ParseDurationMs(Str(body, "advance"));
      if (body.contains("advance_ms") && body["advance_ms"].is_number_integer())
        ms = body["advance_ms"].get<std::int64_t>();
      if (!ms || *ms < 0)
        return Bad("expected {\"advance\": \"90s|15m|2h|1d\"} or {\"advance_ms\": N}");
      state.org.clock().Advance(*ms);
    }
    return Ok({{"now", state.org.NowText()}, {"frozen", state.org.clock().frozen()}});
  }
  if (path == "/faults") {
    if (m == "DELETE") {
      state.faults.Clear();
      return Ok();
    }
    if (m == "POST") {
      auto rule = Faults::Parse(body);
      if (auto* err = std::get_if<std::string>(&rule)) return Bad(*err);
      if (!state.faults.Add(std::get<FaultRule>(rule))) return Bad("too many fault rules");
    }
    return Ok({{"faults", state.faults.List()}});
  }
  if (path == "/counters" && m == "GET") {
    json out = state.usage.Counters();
    out["daily_api_requests"] = {{"used", state.usage.Used(state.org.Now())},
                                 {"max", state.org.settings.daily_api_requests}};
    out["active_sessions"] = state.sessions.active_count();
    return Ok(out);
  }
  if (path == "/event-log-files" && m == "POST") {
    // {"date": "2024-01-02"} (Daily) or {"hour": "2024-01-02T03:00:00Z"} (Hourly).
    std::optional<EpochMs> start;
    std::string interval = "Daily";
    if (body.contains("hour")) {
      start = ParseDateTime(Str(body, "hour"));
      interval = "Hourly";
    } else {
      start = body.contains("date") ? ParseDate(Str(body, "date")) : StartOfDay(state.org.Now());
    }
    if (!start) return Bad("expected {\"date\": \"YYYY-MM-DD\"} or {\"hour\": ISO datetime}");
    return Ok({{"ok", true}, {"id", PublishApiTotalUsage(state, *start, interval)}});
  }
  return JsonResponse(404, {{"error", "unknown control endpoint " + m + " " + path}});
}

}  // namespace sfwarden::sim
