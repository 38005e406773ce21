#include "sim/oauth.h"

#include <variant>

#include "sim/crypto.h"
#include "sim/ids.h"
#include "sim/login_history.h"

namespace sfwarden::sim {
namespace {
using nlohmann::json;
using nlohmann::ordered_json;

Response OAuthError(std::string_view error, std::string_view description) {
  Response r =
      JsonResponse(400, ordered_json{{"error", error}, {"error_description", description}});
  r.SetHeader("Cache-Control", "no-store");
  return r;
}

struct Grant {
  std::string user_id;
  const ConnectedApp* app = nullptr;
  std::string refresh_token;
};

std::string LoginHost(const Request& request) {
  std::string host = request.Header("host");
  return host.empty() ? "login.salesforce.com" : host;
}

// A failed login of a known user leaves a LoginHistory row with the failure status, as
// in real orgs (Status texts per WIRE.md §5).
void RecordFailure(SimState& state, const Request& request, const std::string& user_id,
                   const ConnectedApp* app, const std::string& status) {
  LoginRecord login;
  login.user_id = user_id;
  login.source_ip = request.peer_ip;
  login.status = status;
  login.application = app ? app->name : "";
  login.login_url = LoginHost(request);
  RecordLogin(state.org, login);
}

// Checks that apply to every grant once the user is known.
std::optional<Response> CheckUser(SimState& state, const Request& request, const json& user,
                                  const ConnectedApp* app) {
  std::string id = user["Id"];
  if (user["IsActive"] != true) {
    RecordFailure(state, request, id, app, "User is Inactive");
    return OAuthError("inactive_user", "User is inactive");
  }
  auto* login = state.org.FindBy("UserLogin", "UserId", id);
  if (login != nullptr && (*login)["IsFrozen"] == true) {
    // The OAuth error text for a frozen user is UNCONFIRMED; the LoginHistory status
    // "User Is Frozen" is from WIRE.md §5.
    RecordFailure(state, request, id, app, "User Is Frozen");
    return OAuthError("invalid_grant", "authentication failure");
  }
  return std::nullopt;
}

std::variant<Grant, Response> JwtBearer(SimState& state, const Request& request,
                                        const std::map<std::string, std::string>& form) {
  auto it = form.find("assertion");
  if (it == form.end() || it->second.empty())
    return OAuthError("invalid_request", "assertion is required");
  const std::string& jwt = it->second;
  auto d1 = jwt.find('.');
  auto d2 = d1 == std::string::npos ? d1 : jwt.find('.', d1 + 1);
  // "invalid assertion" for an unreadable or badly signed JWT: wording UNCONFIRMED.
  if (d2 == std::string::npos) return OAuthError("invalid_grant", "invalid assertion");
  auto header_text = Base64UrlDecode(std::string_view(jwt).substr(0, d1));
  auto claims_text = Base64UrlDecode(std::string_view(jwt).substr(d1 + 1, d2 - d1 - 1));
  auto signature = Base64UrlDecode(std::string_view(jwt).substr(d2 + 1));
  if (!header_text || !claims_text || !signature)
    return OAuthError("invalid_grant", "invalid assertion");
  json header = json::parse(*header_text, nullptr, false);
  json claims = json::parse(*claims_text, nullptr, false);
  if (!header.is_object() || !claims.is_object() || header.value("alg", "") != "RS256")
    return OAuthError("invalid_grant", "invalid assertion");
  const ConnectedApp* app = state.org.AppByClientId(claims.value("iss", ""));
  if (app == nullptr) return OAuthError("invalid_client_id", "client identifier invalid");
  if (app->certificate_pem.empty() ||
      !VerifyRs256(app->certificate_pem, std::string_view(jwt).substr(0, d2), *signature)) {
    return OAuthError("invalid_grant", "invalid assertion");
  }
  // aud must be the login server (login/test.salesforce.com, or a configured URL); real
  // error "audience is invalid" (useparagon.com "salesforce-invalid-grant-audience-is-invalid").
  std::string aud = claims["aud"].is_string() ? claims["aud"].get<std::string>() : "";
  bool aud_ok = aud == state.InstanceUrl();
  for (const auto& a : state.org.settings.login_audiences) aud_ok = aud_ok || aud == a;
  if (!aud_ok) return OAuthError("invalid_grant", "audience is invalid");
  // exp: NumericDate; simple-salesforce sends it as a decimal string [WIRE.md §1].
  std::int64_t exp = 0;
  if (claims["exp"].is_number()) {
    exp = claims["exp"].get<std::int64_t>();
  } else if (claims["exp"].is_string()) {
    exp = std::atoll(claims["exp"].get<std::string>().c_str());
  }
  std::int64_t now_s = state.org.Now() / 1000;
  // An expired assertion gets "expired authorization code" (salesforce.stackexchange.com/q/282513).
  if (exp <= now_s) return OAuthError("invalid_grant", "expired authorization code");
  // No public source gives the upper bound; WIRE.md §1 cites "within 3 minutes" as
  // commonly stated but UNCONFIRMED, so sfsim only refuses absurd ones (over 1 day).
  if (exp > now_s + 86400) return OAuthError("invalid_grant", "invalid assertion");
  auto* user = state.org.FindBy("User", "Username", claims.value("sub", ""));
  if (user == nullptr) return OAuthError("invalid_grant", "user hasn't approved this consumer");
  if (auto err = CheckUser(state, request, *user, app)) return *err;
  if (app->admin_approved_only) {
    bool approved = false;
    for (const auto& id : app->pre_authorized_user_ids) approved = approved || id == (*user)["Id"];
    if (!approved) {
      // Real body [WIRE.md §1, simple-salesforce test_login.py].
      return OAuthError("invalid_grant", "user hasn't approved this consumer");
    }
  }
  return Grant{(*user)["Id"], app, ""};
}

// Client credentials from "Authorization: Basic base64(id:secret)" or the form body.
std::pair<std::string, std::string> ClientCredentials(
    const Request& request, const std::map<std::string, std::string>& form) {
  std::string auth = request.Header("authorization");
  if (auth.size() > 6 && EqualsIgnoreCase(auth.substr(0, 6), "Basic ")) {
    if (auto decoded = Base64Decode(auth.substr(6))) {
      auto colon = decoded->find(':');
      if (colon != std::string::npos)
        return {decoded->substr(0, colon), decoded->substr(colon + 1)};
    }
  }
  auto get = [&](const char* k) {
    auto it = form.find(k);
    return it == form.end() ? std::string() : it->second;
  };
  return {get("client_id"), get("client_secret")};
}

std::variant<const ConnectedApp*, Response> App(SimState& state, const std::string& id,
                                                const std::string& secret, bool secret_required) {
  const ConnectedApp* app = state.org.AppByClientId(id);
  if (app == nullptr) return OAuthError("invalid_client_id", "client identifier invalid");
  if ((secret_required || !secret.empty()) && secret != app->client_secret)
    return OAuthError("invalid_client", "invalid client credentials");
  return app;
}

std::variant<Grant, Response> ClientCredentialsGrant(
    SimState& state, const Request& request, const std::map<std::string, std::string>& form) {
  auto [id, secret] = ClientCredentials(request, form);
  auto app = App(state, id, secret, true);
  if (auto* err = std::get_if<Response>(&app)) return *err;
  const ConnectedApp* a = std::get<const ConnectedApp*>(app);
  // An app without a "Run As" user cannot use this flow; message UNCONFIRMED (widely
  // reported as "no client credentials user enabled").
  if (a->execution_user_id.empty())
    return OAuthError("invalid_grant", "no client credentials user enabled");
  auto* user = state.org.Get(a->execution_user_id);
  if (auto err = CheckUser(state, request, *user, a)) return *err;
  return Grant{a->execution_user_id, a, ""};
}

std::variant<Grant, Response> PasswordGrant(SimState& state, const Request& request,
                                            const std::map<std::string, std::string>& form) {
  auto [id, secret] = ClientCredentials(request, form);
  auto app = App(state, id, secret, true);
  if (auto* err = std::get_if<Response>(&app)) return *err;
  const ConnectedApp* a = std::get<const ConnectedApp*>(app);
  auto get = [&](const char* k) {
    auto it = form.find(k);
    return it == form.end() ? std::string() : it->second;
  };
  auto* user = state.org.FindBy("User", "Username", get("username"));
  if (user == nullptr) return OAuthError("invalid_grant", "authentication failure");
  std::string uid = (*user)["Id"];
  auto pw = state.org.passwords.find(uid);
  if (pw == state.org.passwords.end() || pw->second != get("password")) {
    RecordFailure(state, request, uid, a, "Invalid Password");
    // Real body: restforce auth_error_response.json [WIRE.md §1].
    return OAuthError("invalid_grant", "authentication failure - Invalid Password");
  }
  if (auto err = CheckUser(state, request, *user, a)) return *err;
  return Grant{uid, a, ""};
}

std::variant<Grant, Response> RefreshGrantFlow(SimState& state,
                                               const std::map<std::string, std::string>& form,
                                               const Request& request) {
  auto [id, secret] = ClientCredentials(request, form);
  auto app = App(state, id, secret, false);
  if (auto* err = std::get_if<Response>(&app)) return *err;
  auto it = form.find("refresh_token");
  const RefreshGrant* g = it == form.end() ? nullptr : state.sessions.FindRefresh(it->second);
  // Real body: restforce refresh_error_response.json [WIRE.md §1].
  if (g == nullptr || g->app_id != std::get<const ConnectedApp*>(app)->id)
    return OAuthError("invalid_grant", "expired access/refresh token");
  auto* user = state.org.Get(g->user_id);
  if (user == nullptr || (*user)["IsActive"] != true)
    return OAuthError("inactive_user", "User is inactive");
  return Grant{g->user_id, std::get<const ConnectedApp*>(app), g->token};
}
}  // namespace

Response HandleToken(SimState& state, const Request& request) {
  if (request.method != "POST") return OAuthError("invalid_request", "must use HTTP POST");
  auto form = ParseForm(request.body);
  std::string grant_type = form["grant_type"];
  std::variant<Grant, Response> result =
      OAuthError("unsupported_grant_type", "grant type not supported");
  std::string login_sub_type;
  if (grant_type == "urn:ietf:params:oauth:grant-type:jwt-bearer") {
    result = JwtBearer(state, request, form);
  } else if (grant_type == "client_credentials") {
    result = ClientCredentialsGrant(state, request, form);
  } else if (grant_type == "password") {
    result = PasswordGrant(state, request, form);
    login_sub_type = "OAuth Username-Password";  // as in the real LoginEvent payload [WIRE.md §5]
  } else if (grant_type == "refresh_token") {
    result = RefreshGrantFlow(state, form, request);
  }
  if (auto* err = std::get_if<Response>(&result)) return *err;
  const Grant& grant = std::get<Grant>(result);
  const Session& s = state.sessions.Issue(state.org, grant.user_id, grant.app, grant.refresh_token);
  if (grant_type != "refresh_token") {
    LoginRecord login;
    login.user_id = grant.user_id;
    login.source_ip = request.peer_ip;
    login.login_sub_type = login_sub_type;
    login.application = grant.app->name;
    login.login_url = LoginHost(request);
    RecordLogin(state.org, login);
  }
  std::string id_url =
      state.InstanceUrl() + "/id/" + state.org.settings.org_id + "/" + grant.user_id;
  std::string issued_at = std::to_string(s.issued_at);
  std::string signature = HmacSha256Base64(grant.app->client_secret, id_url + issued_at);
  ordered_json body;
  if (grant_type == "password" || grant_type == "refresh_token") {
    // Key order of the real password/refresh responses (restforce fixtures).
    body = {{"id", id_url},
            {"issued_at", issued_at},
            {"instance_url", state.InstanceUrl()},
            {"signature", signature},
            {"access_token", s.access_token},
            {"token_type", "Bearer"},
            {"scope", "api"}};
  } else {
    // JWT / client credentials: no refresh_token [WIRE.md §1].
    body = {{"access_token", s.access_token},
            {"signature", signature},
            {"scope", "api"},
            {"instance_url", state.InstanceUrl()},
            {"id", id_url},
            {"token_type", "Bearer"},
            {"issued_at", issued_at}};
  }
  Response r = JsonResponse(200, body);
  r.SetHeader("Cache-Control", "no-store");
  return r;
}

Response HandleRevoke(SimState& state, const Request& request) {
  auto form = request.method == "GET" ? request.Query() : ParseForm(request.body);
  if (state.sessions.Revoke(state.org, form["token"])) {
    Response ok;
    ok.status = 200;
    return ok;
  }
  // jsforce parses a revoke failure body as form-encoded [WIRE.md §1]; format UNCONFIRMED.
  Response r;
  r.status = 400;
  r.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  r.body = "error=invalid_token&error_description=" + UrlEncode("invalid token");
  return r;
}

Response HandleIdentity(SimState& state, const Request& request) {
  Session* s = state.sessions.Authenticate(request.Header("authorization"), state.org.Now(),
                                           state.org.settings.session_timeout_ms);
  if (s == nullptr) return ErrorResponse(403, "Bad_OAuth_Token", "Bad_OAuth_Token");  // UNCONFIRMED
  auto* user = state.org.Get(s->user_id);
  std::string v = "/services/data/v" + state.org.settings.api_version + "/";
  ordered_json body = {
      {"id", state.InstanceUrl() + "/id/" + state.org.settings.org_id + "/" + s->user_id},
      {"user_id", s->user_id},
      {"organization_id", state.org.settings.org_id},
      {"username", (*user)["Username"]},
      {"display_name", (*user)["Name"]},
      {"active", (*user)["IsActive"]},
      {"user_type", "STANDARD"},
      {"urls",
       {{"rest", state.InstanceUrl() + v},
        {"query", state.InstanceUrl() + v + "query/"},
        {"sobjects", state.InstanceUrl() + v + "sobjects/"},
        {"metadata", state.InstanceUrl() + "/services/Soap/m/" + state.org.settings.api_version +
                         "/" + Id15(state.org.settings.org_id)}}}};
  return JsonResponse(200, body);
}

}  // namespace sfwarden::sim
