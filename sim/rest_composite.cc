// GCC 12 with -fsanitize reports false -Wmaybe-uninitialized inside <regex>'s
// std::function members (libstdc++ headers, not our code).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <cctype>
#include <optional>
#include <regex>
#include <string_view>
#include <utility>

#include "sim/api_usage.h"
#include "sim/limits.h"
#include "sim/rest_handlers.h"
#include "sim/rest_writes.h"
#include "sim/sim.h"

namespace sfwarden::sim {
namespace {

// "/services/data/v62.0/<rest>" -> {"62.0", "<rest>"}. Parsed by hand: std::regex
// recurses once per character of `.*`, and a 1,000-user IN list makes a ~27 KB URL
// that overflowed the stack.
std::optional<std::pair<std::string, std::string>> SplitDataUrl(std::string_view url) {
  constexpr std::string_view kPrefix = "/services/data/v";
  if (!url.starts_with(kPrefix)) return std::nullopt;
  url.remove_prefix(kPrefix.size());
  std::size_t dot = url.find('.');
  if (dot == 0 || dot == std::string_view::npos || dot + 2 >= url.size()) return std::nullopt;
  for (std::size_t i = 0; i < dot; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(url[i]))) return std::nullopt;
  }
  if (!std::isdigit(static_cast<unsigned char>(url[dot + 1])) || url[dot + 2] != '/') {
    return std::nullopt;
  }
  return std::pair{std::string(url.substr(0, dot + 2)), std::string(url.substr(dot + 3))};
}
using nlohmann::json;
using nlohmann::ordered_json;

constexpr size_t kMaxSubrequests = 25;  // [WIRE.md §6, DOC-REST resources_composite_composite]
constexpr size_t kMaxQueries = 5;
constexpr size_t kMaxCollectionRecords = 200;

// "@{ref.id}" / "@{ref.records[0].Id}" → value from an earlier subrequest's body.
std::optional<json> Lookup(const std::map<std::string, json>& results, const std::string& expr) {
  auto dot = expr.find('.');
  std::string ref = expr.substr(0, dot);
  auto it = results.find(ref);
  if (it == results.end()) return std::nullopt;
  const json* cur = &it->second;
  std::string rest = dot == std::string::npos ? "" : expr.substr(dot + 1);
  static const std::regex kStep(R"(([A-Za-z0-9_]+)(?:\[(\d+)\])?\.?)");
  for (std::sregex_iterator m(rest.begin(), rest.end(), kStep), end; m != end; ++m) {
    std::string key = (*m)[1];
    if (!cur->is_object() || !cur->contains(key)) return std::nullopt;
    cur = &(*cur)[key];
    if ((*m)[2].matched) {
      size_t idx = std::stoul((*m)[2]);
      if (!cur->is_array() || idx >= cur->size()) return std::nullopt;
      cur = &(*cur)[idx];
    }
  }
  return *cur;
}

std::optional<std::string> Substitute(const std::map<std::string, json>& results,
                                      const std::string& text, std::string* missing) {
  static const std::regex kRef(R"(@\{([^}]+)\})");
  std::string out;
  auto begin = text.cbegin();
  for (std::sregex_iterator m(text.begin(), text.end(), kRef), end; m != end; ++m) {
    out.append(begin, text.cbegin() + m->position());
    auto v = Lookup(results, (*m)[1]);
    if (!v) {
      *missing = (*m)[1];
      return std::nullopt;
    }
    out += v->is_string() ? v->get<std::string>() : v->dump();
    begin = text.cbegin() + m->position() + m->length();
  }
  out.append(begin, text.cend());
  return out;
}

json SubstituteJson(const std::map<std::string, json>& results, const json& body,
                    std::string* missing, bool* ok) {
  if (body.is_string()) {
    auto s = Substitute(results, body.get<std::string>(), missing);
    if (!s) {
      *ok = false;
      return body;
    }
    return *s;
  }
  if (body.is_object() || body.is_array()) {
    json out = body;
    for (auto it = out.begin(); it != out.end(); ++it)
      *it = SubstituteJson(results, *it, missing, ok);
    return out;
  }
  return body;
}

ordered_json Halted(const std::string& message) { return ErrorBody("PROCESSING_HALTED", message); }

// Rollback text for allOrNone (UNCONFIRMED wording).
constexpr const char* kRolledBack =
    "The transaction was rolled back since another operation in the same transaction failed.";
}  // namespace

Response HandleComposite(SimState& state, const Session& session, const Request& request,
                         const std::string&) {
  if (request.method != "POST")
    return ErrorResponse(405, "METHOD_NOT_ALLOWED",
                         "HTTP Method '" + request.method + "' not allowed. Allowed are POST");
  json body = json::parse(request.body, nullptr, false);
  if (!body.is_object() || !body.contains("compositeRequest") ||
      !body["compositeRequest"].is_array())
    return ErrorResponse(400, "JSON_PARSER_ERROR",
                         "The request body must contain a compositeRequest array");
  const json& subs = body["compositeRequest"];
  bool all_or_none = body.value("allOrNone", false);
  size_t queries = 0;
  for (const auto& s : subs) {
    std::string url = s.value("url", "");
    if (url.find("/query") != std::string::npos || url.find("/queryAll") != std::string::npos)
      ++queries;
  }
  // Error text for exceeding the limits is UNCONFIRMED.
  if (subs.size() > kMaxSubrequests)
    return ErrorResponse(400, "INVALID_FIELD",
                         "Maximum number of subrequests is " + std::to_string(kMaxSubrequests));
  if (queries > kMaxQueries)
    return ErrorResponse(400, "INVALID_FIELD",
                         "Maximum number of query subrequests is " + std::to_string(kMaxQueries));
  std::optional<Org::Snapshot> snapshot;
  if (all_or_none) snapshot = state.org.TakeSnapshot();
  std::map<std::string, json> results;
  ordered_json out = ordered_json::array();
  bool failed = false;
  for (const auto& s : subs) {
    std::string ref = s.value("referenceId", "");
    ordered_json item;
    auto finish = [&](const ordered_json& b, int status,
                      ordered_json headers = ordered_json::object()) {
      item["body"] = b;
      item["httpHeaders"] = headers;
      item["httpStatusCode"] = status;
      item["referenceId"] = ref;
      out.push_back(item);
    };
    if (failed && all_or_none) {
      finish(Halted(kRolledBack), 400);
      continue;
    }
    std::string missing;
    auto url = Substitute(results, s.value("url", ""), &missing);
    bool body_ok = true;
    json sub_body =
        s.contains("body") ? SubstituteJson(results, s["body"], &missing, &body_ok) : json();
    if (!url || !body_ok) {
      finish(Halted("Invalid reference specified. No value for " + missing +
                    " found in the results of earlier subrequests."),
             400);
      failed = true;
      continue;
    }
    auto parts = SplitDataUrl(*url);
    if (!parts) {
      finish(ErrorBody("NOT_FOUND", "The requested resource does not exist"), 404);
      failed = true;
      continue;
    }
    Request sub;
    sub.method = s.value("method", "GET");
    const std::string& version = parts->first;
    const std::string& rest = parts->second;
    sub.target = "/services/data/v" + version + "/" + rest;
    sub.body = sub_body.is_null() ? "" : sub_body.dump();
    sub.peer_ip = request.peer_ip;
    if (s.contains("httpHeaders") && s["httpHeaders"].is_object()) {
      for (auto it = s["httpHeaders"].begin(); it != s["httpHeaders"].end(); ++it) {
        std::string name = it.key();
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (it->is_string()) sub.headers[name] = it->get<std::string>();
      }
    }
    state.usage.CountSubrequest(EndpointKey(sub.method, rest));
    Response r = HandleRest(state, session, sub, version, rest.substr(0, rest.find('?')));
    json rbody = r.body.empty() ? json() : json::parse(r.body, nullptr, false);
    ordered_json headers = ordered_json::object();
    if (auto loc = r.Header("Location"); !loc.empty()) headers["Location"] = loc;
    finish(ordered_json::parse(r.body.empty() ? "null" : r.body, nullptr, false), r.status,
           headers);
    if (!ref.empty()) results[ref] = rbody;
    if (r.status >= 400) failed = true;
  }
  if (all_or_none && failed) {
    state.org.Restore(std::move(*snapshot));
    // Every subrequest that had succeeded is reported as rolled back.
    for (auto& item : out) {
      if (item["httpStatusCode"].get<int>() < 400) {
        item["body"] = Halted(kRolledBack);
        item["httpHeaders"] = ordered_json::object();
        item["httpStatusCode"] = 400;
      }
    }
  }
  return JsonResponse(200, ordered_json{{"compositeResponse", out}});
}

// Composite Batch (REST API Developer Guide, resources_composite_batch and
// requests_composite_batch; WIRE.md §6): subrequest urls are relative ("v60.0/sobjects/…",
// also accepted with a leading "/" or as "/services/data/v60.0/…"), bodies go in
// "richInput", each subrequest commits on its own, and "each subrequest counts against
// rate limits" -- unlike /composite, which counts once. With haltOnError, the subrequests
// after a 4xx/5xx get 412 BATCH_PROCESSING_HALTED and the batch still answers 200.
Response HandleCompositeBatch(SimState& state, const Session& session, const Request& request,
                              const std::string&) {
  if (request.method != "POST")
    return ErrorResponse(405, "METHOD_NOT_ALLOWED",
                         "HTTP Method '" + request.method + "' not allowed. Allowed are POST");
  json body = json::parse(request.body, nullptr, false);
  if (!body.is_object() || !body.contains("batchRequests") || !body["batchRequests"].is_array())
    return ErrorResponse(400, "JSON_PARSER_ERROR",
                         "The request body must contain a batchRequests array");
  const json& subs = body["batchRequests"];
  // Error text for exceeding the limit is UNCONFIRMED.
  if (subs.size() > kMaxSubrequests)
    return ErrorResponse(400, "INVALID_FIELD",
                         "Maximum number of subrequests is " + std::to_string(kMaxSubrequests));
  // Malformed subrequests refuse the whole batch before anything runs (requests_composite_batch:
  // "an invalid method or url field"); the error code is UNCONFIRMED.
  std::vector<std::pair<std::string, std::string>> targets;  // version, rest
  for (const auto& s : subs) {
    std::string method = s.is_object() ? s.value("method", "") : "";
    std::string url = s.is_object() ? s.value("url", "") : "";
    if (url.rfind("/services/data/", 0) == 0) url = url.substr(15);
    if (!url.empty() && url[0] == '/') url = url.substr(1);
    auto parts = SplitDataUrl("/services/data/" + url);
    if (!parts || (method != "GET" && method != "POST" && method != "PATCH" && method != "DELETE"))
      return ErrorResponse(400, "INVALID_BATCH_REQUEST",
                           "Invalid batch subrequest: method and url are required");
    targets.push_back(*parts);
  }
  bool halt_on_error = body.value("haltOnError", false);
  bool halted = false;
  bool has_errors = false;
  ordered_json results = ordered_json::array();
  for (size_t i = 0; i < subs.size(); ++i) {
    const json& s = subs[i];
    auto& [version, rest] = targets[i];
    if (halted) {
      // The message text is UNCONFIRMED.
      results.push_back({{"statusCode", 412},
                         {"result", ErrorBody("BATCH_PROCESSING_HALTED",
                                              "Batch processing halted per request")}});
      continue;
    }
    // The envelope was counted by the caller as the first subrequest's call.
    if (i > 0) {
      if (auto refused = LimitExceeded(state, session.app_name)) {
        results.push_back({{"statusCode", refused->status},
                           {"result", ordered_json::parse(refused->body, nullptr, false)}});
        has_errors = true;
        halted = halt_on_error;
        continue;
      }
      state.usage.Count(state.org.Now(), "POST composite/batch", session.user_id, session.app_name);
    }
    Request sub;
    sub.method = s.value("method", "GET");
    sub.target = "/services/data/v" + version + "/" + rest;
    sub.peer_ip = request.peer_ip;
    if (s.contains("richInput") && !s["richInput"].is_null()) sub.body = s["richInput"].dump();
    state.usage.CountSubrequest(EndpointKey(sub.method, rest));
    Response r = HandleRest(state, session, sub, version, rest.substr(0, rest.find('?')));
    ordered_json result =
        r.body.empty() ? ordered_json() : ordered_json::parse(r.body, nullptr, false);
    results.push_back({{"statusCode", r.status}, {"result", result}});
    if (r.status >= 400) {
      has_errors = true;
      halted = halt_on_error;
    }
  }
  return JsonResponse(200, ordered_json{{"hasErrors", has_errors}, {"results", results}});
}

Response HandleCollections(SimState& state, const Session& session, const Request& request,
                           const std::string&) {
  Changes changes(state, session.user_id);
  json body;
  std::vector<json> records;
  std::vector<std::string> ids;
  bool all_or_none = false;
  if (request.method == "DELETE") {
    auto params = request.Query();
    all_or_none = params["allOrNone"] == "true";
    std::string list = params["ids"];
    size_t start = 0;
    while (start < list.size()) {
      auto end = list.find(',', start);
      if (end == std::string::npos) end = list.size();
      ids.push_back(list.substr(start, end - start));
      start = end + 1;
    }
  } else if (request.method == "POST" || request.method == "PATCH") {
    body = json::parse(request.body, nullptr, false);
    if (!body.is_object() || !body.contains("records") || !body["records"].is_array())
      return ErrorResponse(400, "JSON_PARSER_ERROR",
                           "The request body must contain a records array");
    all_or_none = body.value("allOrNone", false);
    for (const auto& r : body["records"]) records.push_back(r);
  } else {
    return ErrorResponse(
        405, "METHOD_NOT_ALLOWED",
        "HTTP Method '" + request.method + "' not allowed. Allowed are POST,PATCH,DELETE");
  }
  size_t count = request.method == "DELETE" ? ids.size() : records.size();
  // Limit 200 records [WIRE.md §6]; error code/text UNCONFIRMED.
  if (count > kMaxCollectionRecords)
    return ErrorResponse(
        400, "EXCEEDED_ID_LIMIT",
        "record limit reached. cannot submit more than 200 records into this call");
  std::optional<Org::Snapshot> snapshot;
  if (all_or_none) snapshot = state.org.TakeSnapshot();
  ordered_json results = ordered_json::array();
  bool failed = false;
  auto push_error = [&](const json& id, const WriteError& e) {
    // Per-record error keys statusCode/message/fields [WIRE.md §6, UNCONFIRMED].
    results.push_back({{"id", id},
                       {"success", false},
                       {"errors", ordered_json::array({{{"statusCode", e.code},
                                                        {"message", e.message},
                                                        {"fields", e.fields}}})}});
    failed = true;
  };
  for (size_t i = 0; i < count; ++i) {
    if (request.method == "DELETE") {
      auto done = changes.Delete(
          ObjectForId(ids[i]) ? ObjectForId(ids[i])->name : "PermissionSetAssignment", ids[i]);
      if (!done)
        push_error(ids[i], done.error());
      else
        results.push_back({{"id", ids[i]}, {"success", true}, {"errors", ordered_json::array()}});
      continue;
    }
    const json& rec = records[i];
    std::string type = rec.contains("attributes") && rec["attributes"].is_object()
                           ? rec["attributes"].value("type", "")
                           : "";
    if (type.empty()) {
      push_error(
          nullptr,
          WriteError{
              400, "INVALID_TYPE", "Must specify a type in the attributes of the sObject", {}});
      continue;
    }
    if (request.method == "POST") {
      auto id = changes.Create(type, rec);
      if (!id)
        push_error(nullptr, id.error());
      else
        results.push_back({{"id", *id}, {"success", true}, {"errors", ordered_json::array()}});
    } else {
      std::string id = rec.contains("id") ? rec.value("id", "") : rec.value("Id", "");
      auto done = changes.Update(type, id, rec);
      if (!done)
        push_error(id, done.error());
      else
        results.push_back({{"id", id}, {"success", true}, {"errors", ordered_json::array()}});
    }
  }
  if (all_or_none && failed) {
    state.org.Restore(std::move(*snapshot));
    for (auto& r : results) {
      if (r["success"] == true) {
        r["success"] = false;
        if (request.method == "POST") r["id"] = nullptr;
        // Salesforce's rollback text for allOrNone collections (UNCONFIRMED wording).
        r["errors"] = ordered_json::array({{{"statusCode", "ALL_OR_NONE_OPERATION_ROLLED_BACK"},
                                            {"message",
                                             "Record rolled back because not all records were "
                                             "valid and the request was using AllOrNone header"},
                                            {"fields", ordered_json::array()}}});
      }
    }
  }
  return JsonResponse(200, results);
}

}  // namespace sfwarden::sim
