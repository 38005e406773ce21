#include "sim/sim.h"

#include <regex>

#include "sim/oauth.h"
#include "sim/rest_handlers.h"
#include "sim/versions.h"

namespace sfwarden::sim {

Sim::Sim(std::unique_ptr<Org> org) : org_(std::move(org)), state_(*org_) {}

Response Sim::Handle(const Request& request) { return Route(request); }

Response Sim::Route(const Request& request) {
  std::string path = request.Path();
  if (path == "/services/oauth2/token") return HandleToken(state_, request);
  if (path == "/services/oauth2/revoke") return HandleRevoke(state_, request);
  if (path.rfind("/id/", 0) == 0) return HandleIdentity(state_, request);
  if (path == "/services/data" || path == "/services/data/") {
    if (request.method != "GET")
      return ErrorResponse(405, "METHOD_NOT_ALLOWED",
                           "HTTP Method '" + request.method + "' not allowed. Allowed are GET");
    return HandleVersions(state_);
  }
  static const std::regex kData(R"(/services/data/v(\d+\.\d)(/.*)?)");
  std::smatch m;
  if (std::regex_match(path, m, kData)) {
    std::string version = m[1];
    std::string rest = m[2].matched ? std::string(m[2]).substr(1) : std::string();
    Session* session = state_.sessions.Authenticate(request.Header("authorization"), org_->Now(),
                                                    org_->settings.session_timeout_ms);
    // Real body: restforce expired_session_response.json [WIRE.md §3].
    if (session == nullptr)
      return ErrorResponse(401, "INVALID_SESSION_ID", "Session expired or invalid");
    return HandleRest(state_, *session, request, version, rest);
  }
  return ErrorResponse(404, "NOT_FOUND", "The requested resource does not exist");
}

}  // namespace sfwarden::sim
