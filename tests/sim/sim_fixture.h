#pragma once
// An in-process Sim seeded with a small org, and request helpers, for handler tests.

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "sim/crypto.h"
#include "sim/org_file.h"
#include "sim/sim.h"

namespace sfwarden::sim::testing {

inline constexpr const char* kTestOrg = R"(
organization: { name: Test Org }
clock: { start: 2024-01-02T03:04:05Z }
limits: { DailyApiRequests: 1000 }
session_timeout: 2h
profiles: [ { name: System Administrator }, { name: API Only } ]
users:
  - { username: admin@t.example, name: Admin User, profile: System Administrator, password: pw }
  - username: int@t.example
    name: Int User
    profile: API Only
    password: int-pw
    permission_sets: [Int_Access]
    groups: [Int_Group]
  - { username: frozen@t.example, name: Frozen User, profile: API Only, frozen: true }
  - { username: gone@t.example, name: Gone User, profile: API Only, active: false }
permission_sets:
  - name: Int_Access
    label: Int Access
    system: { ApiEnabled: true }
    objects: { Account: [read, edit] }
    fields: { Account.Phone: [read] }
  - { name: Extra_Access, label: Extra Access, system: { ViewAllData: true } }
groups: [ { name: Int_Group, label: Int Group }, { name: Other_Group } ]
sharing_rules:
  Account:
    - { name: Share_It, label: Share It, access: Edit, shared_to: { group: Int_Group },
        criteria: [ { field: Type, operation: equals, value: Partner } ] }
connected_apps:
  - { name: jwt-app, client_id: jwt-client, client_secret: jwt-secret, execution_user: int@t.example }
  - { name: cc-app, client_id: cc-client, client_secret: cc-secret, execution_user: int@t.example, daily_api_limit: 200 }
  - { name: closed-app, client_id: closed-client, client_secret: x, pre_authorized_users: [admin@t.example] }
)";

/// One RSA key for the whole test run (generation costs ~50 ms).
inline const KeyAndCertificate& TestKeys() {
  static const KeyAndCertificate keys = MakeSelfSigned("sfsim-test");
  return keys;
}

class SimFixture {
 public:
  explicit SimFixture(const std::string& org_text = kTestOrg) {
    auto org = LoadOrgText(org_text);
    for (auto& app : org->apps) app.certificate_pem = TestKeys().certificate_pem;
    sim = std::make_unique<Sim>(std::move(org));
    sim->set_base_url("http://127.0.0.1:1234");
  }

  Response Call(const std::string& method, const std::string& target, const std::string& body = "",
                const std::string& token = "", std::map<std::string, std::string> headers = {}) {
    Request r;
    r.method = method;
    r.target = target;
    r.body = body;
    r.headers = std::move(headers);
    if (!token.empty()) r.headers["authorization"] = "Bearer " + token;
    return sim->Handle(r);
  }

  std::string Jwt(const std::string& sub, const std::string& iss = "jwt-client",
                  const std::string& aud = "https://login.salesforce.com", long exp_in = 120) {
    nlohmann::json claims = {
        {"iss", iss}, {"sub", sub}, {"aud", aud}, {"exp", sim->org().Now() / 1000 + exp_in}};
    return MakeJwt(TestKeys().private_key_pem, claims.dump());
  }

  /// Logs in with the JWT bearer flow and returns the access token ("" on failure).
  std::string Login(const std::string& username = "int@t.example") {
    auto r = Call("POST", "/services/oauth2/token",
                  "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=" +
                      Jwt(username));
    if (r.status != 200) return "";
    return nlohmann::json::parse(r.body)["access_token"];
  }

  Org& org() { return sim->org(); }
  std::string UserId(const std::string& username) {
    return (*org().FindBy("User", "Username", username))["Id"];
  }

  std::unique_ptr<Sim> sim;
};

}  // namespace sfwarden::sim::testing
