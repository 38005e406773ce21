#include "sim/rest_handlers.h"

#include "sim/limits.h"
#include "sim/rest_writes.h"
#include "sim/versions.h"

namespace sfwarden::sim {
namespace {
bool StartsWith(const std::string& s, std::string_view p) { return s.rfind(p, 0) == 0; }
}  // namespace

Response HandleRest(SimState& state, const Session& session, const Request& request,
                    const std::string& version, const std::string& rest_path) {
  std::string path = rest_path;
  while (!path.empty() && path.back() == '/') path.pop_back();
  if (path.empty()) return HandleResources(state, version, session.user_id);
  if (path == "limits") return HandleLimits(state);
  if (path == "query" || path == "queryAll")
    return HandleQuery(state, request, version, path == "queryAll");
  if (StartsWith(path, "query/") || StartsWith(path, "queryAll/")) {
    if (request.method != "GET")
      return ErrorResponse(
          405, "METHOD_NOT_ALLOWED",
          "HTTP Method '" + request.method + "' not allowed. Allowed are GET,HEAD");
    return state.cursors.NextPage(state.org, path.substr(path.find('/') + 1));
  }
  if (path == "composite") return HandleComposite(state, session, request, version);
  if (path == "composite/sobjects") return HandleCollections(state, session, request, version);
  if (path == "composite/batch") return HandleCompositeBatch(state, session, request, version);
  if (path == "sobjects" || StartsWith(path, "sobjects/"))
    return HandleSObjects(state, session, request, version, path);
  return ErrorResponse(404, "NOT_FOUND", "The requested resource does not exist");
}

}  // namespace sfwarden::sim
