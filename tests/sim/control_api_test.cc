#include <gtest/gtest.h>

#include "sim/http.h"
#include "tests/sim/sim_fixture.h"

namespace sfwarden::sim {
namespace {
using nlohmann::json;
using testing::SimFixture;

class ControlApiTest : public ::testing::Test {
 protected:
  json Control(const std::string& method, const std::string& path,
               const json& body = json::object(), int expect = 200) {
    auto r = f_.Call(method, "/__sim/" + path, body.dump());
    EXPECT_EQ(r.status, expect) << path << " " << r.body;
    return json::parse(r.body);
  }
  json Query(const std::string& soql) {
    auto r = f_.Call("GET", "/services/data/v60.0/query?q=" + UrlEncode(soql), "", token_);
    EXPECT_EQ(r.status, 200) << r.body;
    return json::parse(r.body);
  }
  SimFixture f_;
  std::string token_ = f_.Login("admin@t.example");
};

TEST_F(ControlApiTest, RecordsLoginsQueryableAsLoginHistory) {
  Control("POST", "logins",
          {{"username", "int@t.example"},
           {"time", "2024-01-01T12:00:00Z"},
           {"source_ip", "198.51.100.7"},
           {"status", "Restricted IP"},
           {"application", "hubspot"},
           {"country_iso", "DE"}});
  auto r = Query(
      "SELECT SourceIp, Status, CountryIso, LoginTime FROM LoginHistory WHERE SourceIp = "
      "'198.51.100.7'");
  ASSERT_EQ(r["totalSize"], 1);
  EXPECT_EQ(r["records"][0]["Status"], "Restricted IP");
  EXPECT_EQ(r["records"][0]["CountryIso"], "DE");
  EXPECT_EQ(r["records"][0]["LoginTime"], "2024-01-01T12:00:00.000+0000");
  Control("POST", "logins", {{"username", "nobody@x"}}, 400);
}

TEST_F(ControlApiTest, ActingAdminChangesAuditLikeApiWrites) {
  Control("POST", "act",
          {{"actor", "admin@t.example"},
           {"action", "assign_permission_set"},
           {"username", "int@t.example"},
           {"permission_set", "Extra_Access"}});
  Control(
      "POST", "act",
      {{"action", "remove_group_member"}, {"username", "int@t.example"}, {"group", "Int_Group"}});
  Control("POST", "act",
          {{"action", "set_object_permissions"},
           {"permission_set", "Int_Access"},
           {"object", "Account"},
           {"access", {"read"}}});
  Control("POST", "act",
          {{"action", "set_field_permissions"},
           {"permission_set", "Int_Access"},
           {"field", "Account.Phone"},
           {"access", json::array()}});
  Control("POST", "act", {{"action", "freeze_user"}, {"username", "int@t.example"}});
  Control("POST", "act", {{"action", "deactivate_user"}, {"username", "int@t.example"}});
  Control("POST", "act",
          {{"action", "delete_sharing_rule"}, {"object", "Account"}, {"name", "Share_It"}});
  auto audit = Query(
      "SELECT Action, Section, Display, CreatedBy.Username FROM SetupAuditTrail ORDER BY "
      "CreatedDate, Id");
  std::vector<std::string> actions;
  for (const auto& r : audit["records"]) actions.push_back(r["Action"]);
  EXPECT_EQ(actions,
            (std::vector<std::string>{"PermSetAssign", "groupMembership",
                                      "PermSetEntityPermChanged", "PermSetFlsChanged", "frozeuser",
                                      "deactivateduser", "deleteSharingRule"}));
  EXPECT_EQ(audit["records"][0]["CreatedBy"]["Username"], "admin@t.example");
  EXPECT_TRUE(f_.org().sharing_rules["Account"].empty());
  auto err = Control("POST", "act",
                     {{"action", "assign_permission_set"},
                      {"username", "int@t.example"},
                      {"permission_set", "Extra_Access"}},
                     400);
  EXPECT_EQ(err[0]["errorCode"], "DUPLICATE_VALUE");
  Control("POST", "act", {{"action", "explode"}}, 400);
}

TEST_F(ControlApiTest, ViewAllFieldsIsSetAuditedAndNeedsRead) {
  auto set = [&](json access, int expect) {
    return Control("POST", "act",
                   {{"action", "set_object_permissions"},
                    {"permission_set", "Int_Access"},
                    {"object", "Account"},
                    {"access", std::move(access)}},
                   expect);
  };
  set({"read", "viewAllFields"}, 200);
  auto r = f_.Call("GET",
                   "/services/data/v63.0/query?q=" +
                       UrlEncode("SELECT PermissionsViewAllFields FROM ObjectPermissions WHERE "
                                 "SobjectType = 'Account' AND Parent.Name = 'Int_Access'"),
                   "", token_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body)["records"][0]["PermissionsViewAllFields"], true) << r.body;
  auto audit = Query("SELECT Display FROM SetupAuditTrail ORDER BY CreatedDate DESC, Id DESC");
  EXPECT_NE(audit["records"][0]["Display"].get<std::string>().find("to Read, View All Fields"),
            std::string::npos)
      << audit.dump();
  auto refused = set({"viewAllFields"}, 400);
  EXPECT_EQ(refused[0]["errorCode"], "FIELD_INTEGRITY_EXCEPTION");
}

TEST_F(ControlApiTest, ApiUsageFeedsLimitsCountersTokensAndEventLogFiles) {
  auto tok = Control("POST", "tokens",
                     {{"username", "int@t.example"}, {"app", "cc-app"}, {"refresh_token", true}});
  ASSERT_TRUE(tok.contains("access_token"));
  Control("POST", "api-usage",
          {{"username", "int@t.example"},
           {"app", "cc-app"},
           {"client_ip", "203.0.113.10"},
           {"calls", 5},
           {"entity", "Account"}});
  auto limits = json::parse(f_.Call("GET", "/services/data/v60.0/limits", "", token_).body);
  EXPECT_EQ(limits["DailyApiRequests"]["Remaining"], 1000 - 5 - 1);
  EXPECT_EQ(limits["DailyApiRequests"]["cc-app"]["Remaining"], 195);
  auto tokens = Query("SELECT AppName, UseCount, User.Username FROM OAuthToken");
  EXPECT_EQ(tokens["records"][0]["UseCount"], 5);
  EXPECT_EQ(tokens["records"][0]["User"]["Username"], "int@t.example");
  auto counters = Control("GET", "counters");
  EXPECT_EQ(counters["daily_api_requests"]["used"], 7);
  EXPECT_EQ(counters["per_user"][f_.UserId("int@t.example")], 5);
  auto file = Control("POST", "event-log-files", {{"date", "2024-01-02"}});
  std::string id = file["id"];
  auto elf = Query(
      "SELECT Id, EventType, LogDate, LogFile, Interval FROM EventLogFile WHERE EventType = "
      "'ApiTotalUsage'");
  ASSERT_EQ(elf["totalSize"], 1);
  EXPECT_EQ(elf["records"][0]["LogDate"], "2024-01-02T00:00:00.000+0000");
  std::string url = elf["records"][0]["LogFile"];
  EXPECT_EQ(url, "/services/data/v60.0/sobjects/EventLogFile/" + id + "/LogFile");
  auto csv = f_.Call("GET", url, "", token_);
  ASSERT_EQ(csv.status, 200);
  EXPECT_EQ(csv.Header("Content-Type"), "text/csv");
  EXPECT_EQ(csv.body.rfind("\"EVENT_TYPE\",\"TIMESTAMP\",\"REQUEST_ID\"", 0), 0u);
  EXPECT_NE(csv.body.find("\"203.0.113.10\""), std::string::npos);
  EXPECT_NE(csv.body.find("\"cc-app\""), std::string::npos);
  // Revoking the issued refresh token revokes its access token.
  Control("POST", "tokens/revoke", {{"token", tok["refresh_token"]}});
  EXPECT_EQ(f_.Call("GET", "/services/data/v60.0/limits", "", tok["access_token"]).status, 401);
}

TEST_F(ControlApiTest, ClockAdvances) {
  auto c = Control("POST", "clock", {{"advance", "2h"}});
  EXPECT_EQ(c["now"], "2024-01-02T05:04:05.000+0000");
  Control("POST", "clock", {{"advance", "soon"}}, 400);
}

TEST_F(ControlApiTest, FaultsHitTheNextMatchingRequests) {
  Control(
      "POST", "faults",
      {{"path", "/services/data/v60.0/query"}, {"count", 2}, {"kind", "status"}, {"status", 503}});
  auto q = [&] {
    return f_.Call("GET", "/services/data/v60.0/query?q=SELECT+Id+FROM+User", "", token_);
  };
  EXPECT_EQ(q().status, 503);
  EXPECT_EQ(q().status, 503);
  EXPECT_EQ(q().status, 200);
  Control("POST", "faults", {{"kind", "status"}, {"status", 401}});
  auto expired = q();
  EXPECT_EQ(expired.body,
            R"([{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}])");
  Control("POST", "faults", {{"kind", "malformed"}});
  EXPECT_TRUE(json::parse(q().body, nullptr, false).is_discarded());
  Control("POST", "faults", {{"kind", "close"}, {"bytes", 10}});
  EXPECT_EQ(q().close_after_body_bytes, 10u);
  Control("POST", "faults", {{"kind", "delay"}, {"delay_ms", 1500}});
  auto slow = q();
  EXPECT_EQ(slow.delay_ms, 1500);
  EXPECT_EQ(slow.status, 200);
  Control("POST", "faults", {{"kind", "truncate"}, {"bytes", 7}});
  EXPECT_EQ(q().body.size(), 7u);
  Control("POST", "faults", {{"kind", "status"}, {"status", 403}, {"method", "POST"}});
  EXPECT_EQ(q().status, 200);  // method does not match
  EXPECT_EQ(Control("GET", "faults")["faults"].size(), 1u);
  Control("DELETE", "faults");
  EXPECT_EQ(Control("GET", "faults")["faults"].size(), 0u);
  Control("POST", "faults", {{"kind", "explode"}}, 400);
}

}  // namespace
}  // namespace sfwarden::sim
