// GCC 12 with -fsanitize reports false -Wmaybe-uninitialized inside <regex>'s
// std::function members (libstdc++ headers, not our code).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include "sim/sim.h"

#include <regex>

#include "sim/control_api.h"
#include "sim/limits.h"
#include "sim/metadata_soap.h"
#include "sim/oauth.h"
#include "sim/rest_handlers.h"
#include "sim/versions.h"

namespace sfwarden::sim {

Sim::Sim(std::unique_ptr<Org> org) : org_(std::move(org)), state_(*org_) {}

Response Sim::Handle(const Request& request) {
  if (request.target.rfind("/__sim/", 0) == 0) return HandleControl(state_, request);
  std::optional<FaultRule> fault = state_.faults.Take(request);
  if (fault && fault->kind == "status") return Faults::StatusReply(*fault, request);
  Response response = Route(request);
  if (fault) Faults::Apply(*fault, request, response);
  return response;
}

std::string EndpointKey(const std::string& method, const std::string& rest_path) {
  std::string path = rest_path.substr(0, rest_path.find('?'));
  while (!path.empty() && path.back() == '/') path.pop_back();
  auto first = path.substr(0, path.find('/'));
  if (first == "sobjects" || (first == "composite" && (path.rfind("composite/sobjects", 0) == 0 ||
                                                       path.rfind("composite/batch", 0) == 0))) {
    // Keep the sObject name: "sobjects/PermissionSetAssignment".
    const size_t depth = 2;
    size_t pos = 0;
    for (size_t i = 0; i < depth && pos != std::string::npos; ++i) pos = path.find('/', pos + 1);
    return method + " " + path.substr(0, pos);
  }
  return method + " " + (first.empty() ? std::string("/") : first);
}

namespace {
std::string EntityOf(const Request& request, const std::string& rest_path) {
  if (rest_path.rfind("sobjects/", 0) == 0) {
    std::string rest = rest_path.substr(9);
    return rest.substr(0, rest.find('/'));
  }
  if (rest_path.rfind("query", 0) == 0) {
    std::string q = request.Query()["q"];
    std::string lower;
    for (char c : q) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto at = lower.find(" from ");
    if (at == std::string::npos) return "";
    std::string rest = q.substr(at + 6);
    auto end = rest.find_first_of(" \n\t");
    return rest.substr(0, end);
  }
  return "";
}
}  // namespace

Response Sim::CountedCall(const Session& session, const Request& request,
                          const std::string& version, const std::string& rest) {
  // Every authenticated /services/data/vNN.0 call counts once (composite and collections
  // too) over a rolling 24 h; at the limit Salesforce answers 403 REQUEST_LIMIT_EXCEEDED
  // [WIRE.md §3, §8; composed-rest-error-403-request-limit-exceeded.json].
  EpochMs now = org_->Now();
  if (auto refused = LimitExceeded(state_, session.app_name)) return *refused;
  state_.usage.Count(now, EndpointKey(request.method, rest), session.user_id, session.app_name);
  Response r = HandleRest(state_, session, request, version, rest);
  r.SetHeader("Sforce-Limit-Info", LimitInfoHeader(state_, session.app_name));
  ApiEvent event;
  event.time = now;
  event.user_id = session.user_id;
  if (auto* user = org_->Get(session.user_id)) event.username = (*user)["Username"];
  event.app_id = session.app_id;
  event.app_name = session.app_name;
  event.client_ip = request.peer_ip;
  event.method = request.method;
  event.resource =
      "/v" + version + "/" +
      rest.substr(0, rest.find('/') == std::string::npos ? rest.size() : rest.find('/'));
  event.entity = EntityOf(request, rest);
  event.api_version = version;
  event.status = r.status;
  state_.usage.AddEvent(std::move(event));
  return r;
}

Response Sim::Route(const Request& request) {
  std::string path = request.Path();
  if (path == "/services/oauth2/token") return HandleToken(state_, request);
  if (path == "/services/oauth2/revoke") return HandleRevoke(state_, request);
  if (path.rfind("/id/", 0) == 0) return HandleIdentity(state_, request);
  if (path.rfind("/services/Soap/m/", 0) == 0) return HandleMetadataSoap(state_, request);
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
    // A copy: the handler may end this very session (a user freezing or deactivating
    // themselves), which would leave a reference dangling.
    const Session caller = *session;
    return CountedCall(caller, request, version, rest);
  }
  return ErrorResponse(404, "NOT_FOUND", "The requested resource does not exist");
}

}  // namespace sfwarden::sim
