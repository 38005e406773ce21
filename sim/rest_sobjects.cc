#include "sim/ids.h"
#include "sim/rest_writes.h"

namespace sfwarden::sim {
namespace {
using nlohmann::json;
using nlohmann::ordered_json;

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    auto end = s.find(sep, start);
    if (end == std::string::npos) end = s.size();
    out.push_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

Response GetRecord(SimState& state, const Request& request, const ObjectDef& def,
                   const std::string& id, const std::string& version) {
  auto full = NormalizeId(id);
  if (!full)
    return ErrorResponse(404, "NOT_FOUND",
                         "Provided external ID field does not exist or is not accessible: " + id);
  json* row = state.org.Get(*full);
  if (row == nullptr || full->substr(0, 3) != def.key_prefix || row->value("IsDeleted", false))
    return ErrorResponse(404, "NOT_FOUND", "The requested resource does not exist");
  std::vector<std::string> wanted;
  auto params = request.Query();
  if (auto it = params.find("fields"); it != params.end()) wanted = Split(it->second, ',');
  ordered_json out;
  out["attributes"] = {
      {"type", def.name},
      {"url", "/services/data/v" + version + "/sobjects/" + def.name + "/" + *full}};
  for (const auto& f : def.fields) {
    if (!wanted.empty() && std::find_if(wanted.begin(), wanted.end(), [&](const std::string& w) {
                             return EqualsIgnoreCase(w, f.name);
                           }) == wanted.end()) {
      continue;
    }
    auto it = row->find(f.name);
    out[f.name] = it == row->end() ? json() : *it;
  }
  if (def.name == "EventLogFile")
    out["LogFile"] = "/services/data/v" + version + "/sobjects/EventLogFile/" + *full + "/LogFile";
  return JsonResponse(200, out);
}
}  // namespace

Response WriteErrorResponse(const WriteError& e) {
  return JsonResponse(e.status, ErrorBody(e.code, e.message, &e.fields));
}

Response HandleSObjects(SimState& state, const Session& session, const Request& request,
                        const std::string& version, const std::string& rest_path) {
  auto parts = Split(rest_path, '/');  // "sobjects", Type, [Id], [LogFile]
  while (!parts.empty() && parts.back().empty()) parts.pop_back();
  if (parts.size() < 2) {
    if (request.method != "GET")
      return ErrorResponse(
          405, "METHOD_NOT_ALLOWED",
          "HTTP Method '" + request.method + "' not allowed. Allowed are GET,HEAD");
    ordered_json list = ordered_json::array();
    for (const auto& o : AllObjects()) {
      list.push_back(
          {{"name", o.name},
           {"keyPrefix", o.key_prefix},
           {"createable", o.createable},
           {"deletable", o.deletable},
           {"queryable", true},
           {"urls", {{"sobject", "/services/data/v" + version + "/sobjects/" + o.name}}}});
    }
    return JsonResponse(
        200, ordered_json{{"encoding", "UTF-8"}, {"maxBatchSize", 200}, {"sobjects", list}});
  }
  const ObjectDef* def = FindObject(parts[1]);
  if (def == nullptr)
    return ErrorResponse(404, "NOT_FOUND", "The requested resource does not exist");
  Changes changes(state, session.user_id);
  if (parts.size() == 2) {
    if (request.method == "GET") {
      return JsonResponse(200, ordered_json{{"objectDescribe",
                                             {{"name", def->name}, {"keyPrefix", def->key_prefix}}},
                                            {"recentItems", ordered_json::array()}});
    }
    if (request.method != "POST")
      return ErrorResponse(
          405, "METHOD_NOT_ALLOWED",
          "HTTP Method '" + request.method + "' not allowed. Allowed are GET,HEAD,POST");
    json body = json::parse(request.body, nullptr, false);
    if (body.is_discarded())
      return ErrorResponse(400, "JSON_PARSER_ERROR", "Unexpected character in the request body");
    auto id = changes.Create(def->name, body);
    if (!id) return WriteErrorResponse(id.error());
    // 201 {"id", "success", "errors"} [WIRE.md §6; rest-create-account-201.json].
    Response r = JsonResponse(
        201, ordered_json{{"id", *id}, {"success", true}, {"errors", ordered_json::array()}});
    r.SetHeader("Location", "/services/data/v" + version + "/sobjects/" + def->name + "/" + *id);
    return r;
  }
  const std::string& id = parts[2];
  if (parts.size() == 4 && def->name == "EventLogFile" && parts[3] == "LogFile" &&
      request.method == "GET") {
    auto full = NormalizeId(id);
    auto it = full ? state.log_files.find(*full) : state.log_files.end();
    if (it == state.log_files.end())
      return ErrorResponse(404, "NOT_FOUND", "The requested resource does not exist");
    Response r;
    r.headers.emplace_back("Content-Type", "text/csv");
    r.body = it->second;
    return r;
  }
  if (parts.size() != 3)
    return ErrorResponse(404, "NOT_FOUND", "The requested resource does not exist");
  if (request.method == "GET") return GetRecord(state, request, *def, id, version);
  if (request.method == "PATCH") {
    json body = json::parse(request.body, nullptr, false);
    if (body.is_discarded())
      return ErrorResponse(400, "JSON_PARSER_ERROR", "Unexpected character in the request body");
    auto done = changes.Update(def->name, id, body);
    if (!done) return WriteErrorResponse(done.error());
    Response r;
    r.status = 204;
    return r;
  }
  if (request.method == "DELETE") {
    auto done = changes.Delete(def->name, id);
    if (!done) return WriteErrorResponse(done.error());
    Response r;
    r.status = 204;
    return r;
  }
  return ErrorResponse(
      405, "METHOD_NOT_ALLOWED",
      "HTTP Method '" + request.method + "' not allowed. Allowed are GET,HEAD,PATCH,DELETE");
}

}  // namespace sfwarden::sim
