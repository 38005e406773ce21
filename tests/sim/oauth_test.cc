#include "sim/oauth.h"

#include <gtest/gtest.h>

#include "sim/crypto.h"
#include "tests/sim/sim_fixture.h"

namespace sfwarden::sim {
namespace {
using nlohmann::json;
using testing::SimFixture;

constexpr const char* kJwtGrant =
    "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=";

json Body(const Response& r) { return json::parse(r.body); }

size_t LoginRows(SimFixture& f) { return f.org().table("LoginHistory").rows.size(); }

TEST(OAuthTest, JwtBearerSucceedsAndWritesLoginHistory) {
  SimFixture f;
  auto r = f.Call("POST", "/services/oauth2/token", kJwtGrant + f.Jwt("int@t.example"));
  ASSERT_EQ(r.status, 200) << r.body;
  auto body = Body(r);
  EXPECT_EQ(body["token_type"], "Bearer");
  EXPECT_EQ(body["instance_url"], "http://127.0.0.1:1234");
  EXPECT_TRUE(body["issued_at"].is_string());
  EXPECT_FALSE(body.contains("refresh_token"));
  EXPECT_EQ(body["id"], "http://127.0.0.1:1234/id/" + f.org().settings.org_id + "/" +
                            f.UserId("int@t.example"));
  ASSERT_EQ(LoginRows(f), 1u);
  const auto& row = f.org().table("LoginHistory").rows[0];
  EXPECT_EQ(row["Status"], "Success");
  EXPECT_EQ(row["LoginType"], "Remote Access 2.0");
  EXPECT_EQ(row["Application"], "jwt-app");
  EXPECT_EQ(row["Id"].get<std::string>().substr(0, 3), "0Ya");
  EXPECT_EQ((*f.org().Get(f.UserId("int@t.example")))["LastLoginDate"],
            "2024-01-02T03:04:05.000+0000");
}

TEST(OAuthTest, JwtErrorsUseSalesforceBodies) {
  SimFixture f;
  auto err = [&](const std::string& assertion) {
    auto r = f.Call("POST", "/services/oauth2/token", kJwtGrant + assertion);
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.Header("Cache-Control"), "no-store");
    auto b = Body(r);
    return b["error"].get<std::string>() + ": " + b["error_description"].get<std::string>();
  };
  EXPECT_EQ(err(f.Jwt("int@t.example", "nope")), "invalid_client_id: client identifier invalid");
  EXPECT_EQ(err(f.Jwt("int@t.example", "jwt-client", "https://evil.example")),
            "invalid_grant: audience is invalid");
  EXPECT_EQ(err(f.Jwt("int@t.example", "jwt-client", "https://login.salesforce.com", -5)),
            "invalid_grant: expired authorization code");
  EXPECT_EQ(err(f.Jwt("nobody@t.example")), "invalid_grant: user hasn't approved this consumer");
  EXPECT_EQ(err(f.Jwt("gone@t.example")), "inactive_user: User is inactive");
  EXPECT_EQ(err(f.Jwt("frozen@t.example")), "invalid_grant: authentication failure");
  EXPECT_EQ(err(f.Jwt("int@t.example", "closed-client")),
            "invalid_grant: user hasn't approved this consumer");
  std::string tampered = f.Jwt("int@t.example");
  tampered[tampered.size() - 5] = tampered[tampered.size() - 5] == 'A' ? 'B' : 'A';
  EXPECT_EQ(err(tampered), "invalid_grant: invalid assertion");
  auto other = MakeSelfSigned("other");
  EXPECT_EQ(err(MakeJwt(other.private_key_pem, json{{"iss", "jwt-client"},
                                                    {"sub", "int@t.example"},
                                                    {"aud", "https://login.salesforce.com"},
                                                    {"exp", f.org().Now() / 1000 + 60}}
                                                   .dump())),
            "invalid_grant: invalid assertion");
  // Failed logins of known users are in LoginHistory too.
  bool saw_frozen = false;
  for (const auto& row : f.org().table("LoginHistory").rows)
    saw_frozen |= row["Status"] == "User Is Frozen";
  EXPECT_TRUE(saw_frozen);
}

TEST(OAuthTest, ClientCredentialsWithBasicAuthOrBody) {
  SimFixture f;
  auto basic = f.Call("POST", "/services/oauth2/token", "grant_type=client_credentials", "",
                      {{"authorization", "Basic " + Base64Encode("cc-client:cc-secret")}});
  ASSERT_EQ(basic.status, 200) << basic.body;
  EXPECT_EQ(
      Body(basic)["id"].get<std::string>().substr(Body(basic)["id"].get<std::string>().size() - 18),
      f.UserId("int@t.example"));
  auto form = f.Call("POST", "/services/oauth2/token",
                     "grant_type=client_credentials&client_id=cc-client&client_secret=cc-secret");
  EXPECT_EQ(form.status, 200);
  auto bad = f.Call("POST", "/services/oauth2/token",
                    "grant_type=client_credentials&client_id=cc-client&client_secret=wrong");
  EXPECT_EQ(Body(bad)["error"], "invalid_client");
  auto no_user = f.Call("POST", "/services/oauth2/token",
                        "grant_type=client_credentials&client_id=closed-client&client_secret=x");
  EXPECT_EQ(Body(no_user)["error_description"], "no client credentials user enabled");
  EXPECT_EQ(LoginRows(f), 2u);
}

TEST(OAuthTest, PasswordGrantAndWrongPassword) {
  SimFixture f;
  auto ok = f.Call("POST", "/services/oauth2/token",
                   "grant_type=password&client_id=jwt-client&client_secret=jwt-secret&username=int%"
                   "40t.example&password=int-pw");
  ASSERT_EQ(ok.status, 200) << ok.body;
  auto bad = f.Call("POST", "/services/oauth2/token",
                    "grant_type=password&client_id=jwt-client&client_secret=jwt-secret&username="
                    "int%40t.example&password=no");
  EXPECT_EQ(
      bad.body,
      R"({"error":"invalid_grant","error_description":"authentication failure - Invalid Password"})");
  ASSERT_EQ(LoginRows(f), 2u);
  EXPECT_EQ(f.org().table("LoginHistory").rows[1]["Status"], "Invalid Password");
}

TEST(OAuthTest, RefreshTokenGrantDoesNotWriteLoginHistoryAndRevokeWorks) {
  SimFixture f;
  const auto& grant = f.sim->state().sessions.IssueRefresh(f.org(), f.UserId("int@t.example"),
                                                           f.org().AppByClientId("jwt-client"));
  std::string refresh = grant.token;
  auto r = f.Call("POST", "/services/oauth2/token",
                  "grant_type=refresh_token&client_id=jwt-client&refresh_token=" + refresh);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(LoginRows(f), 0u);
  std::string access = Body(r)["access_token"];
  EXPECT_EQ(f.Call("POST", "/services/oauth2/revoke", "token=" + refresh).status, 200);
  EXPECT_EQ(f.sim->state().sessions.Authenticate("Bearer " + access, f.org().Now(), 1000), nullptr);
  auto again = f.Call("POST", "/services/oauth2/token",
                      "grant_type=refresh_token&client_id=jwt-client&refresh_token=" + refresh);
  EXPECT_EQ(again.body,
            R"({"error":"invalid_grant","error_description":"expired access/refresh token"})");
  EXPECT_EQ(f.Call("POST", "/services/oauth2/revoke", "token=unknown").status, 400);
}

TEST(OAuthTest, UnsupportedGrantType) {
  SimFixture f;
  auto r = f.Call("POST", "/services/oauth2/token", "grant_type=authorization_code");
  EXPECT_EQ(Body(r)["error"], "unsupported_grant_type");
}

TEST(OAuthTest, SessionsExpireAfterIdleTimeout) {
  SimFixture f;
  std::string token = f.Login();
  ASSERT_FALSE(token.empty());
  auto& sessions = f.sim->state().sessions;
  const auto timeout = f.org().settings.session_timeout_ms;
  ASSERT_NE(sessions.Authenticate("Bearer " + token, f.org().Now(), timeout), nullptr);
  f.org().clock().Advance(timeout + 1);
  EXPECT_EQ(sessions.Authenticate("Bearer " + token, f.org().Now(), timeout), nullptr);
}

}  // namespace
}  // namespace sfwarden::sim
