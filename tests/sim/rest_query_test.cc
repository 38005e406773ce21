#include <gtest/gtest.h>

#include "sim/http.h"
#include "tests/sim/sim_fixture.h"

namespace sfwarden::sim {
namespace {
using nlohmann::json;
using testing::SimFixture;

std::string Q(const std::string& soql) { return "/services/data/v60.0/query?q=" + UrlEncode(soql); }

TEST(RestQueryTest, RequiresAValidSession) {
  SimFixture f;
  auto r = f.Call("GET", Q("SELECT Id FROM User"), "", "bogus");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.body,
            R"([{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}])");
  std::string token = f.Login();
  EXPECT_EQ(f.Call("GET", Q("SELECT Id FROM User"), "", token).status, 200);
  f.org().clock().Advance(f.org().settings.session_timeout_ms + 1);
  EXPECT_EQ(f.Call("GET", Q("SELECT Id FROM User"), "", token).status, 401);
}

TEST(RestQueryTest, CursorsAreNotCappedPerUserAndExpireTwoDaysAfterTheirQuery) {
  SimFixture f;
  std::string token = f.Login();
  for (int i = 0; i < 4; ++i) f.Login();
  std::vector<std::string> next;
  for (int i = 0; i < 12; ++i) {  // more than the 10 per user of API < 56.0
    auto page = json::parse(f.Call("GET", Q("SELECT Id FROM LoginHistory"), "", token,
                                   {{"sforce-query-options", "batchSize=2"}})
                                .body);
    next.push_back(page["nextRecordsUrl"]);
  }
  EXPECT_EQ(f.Call("GET", next.front(), "", token).status, 200);  // the oldest still works
  f.org().clock().Advance(47 * 3'600'000);
  token = f.Login();
  EXPECT_EQ(f.Call("GET", next.back(), "", token).status, 200);
  f.org().clock().Advance(3'600'000 + 1000);
  auto expired = f.Call("GET", next.back(), "", token);
  EXPECT_EQ(expired.status, 400);
  EXPECT_EQ(json::parse(expired.body)[0]["errorCode"], "INVALID_QUERY_LOCATOR");
}

TEST(RestQueryTest, PagesWithNextRecordsUrlAndKeepsTotalSize) {
  SimFixture f;
  std::string token = f.Login();
  for (int i = 0; i < 4; ++i) f.Login();  // 5 LoginHistory rows
  auto first = f.Call("GET", Q("SELECT Id FROM LoginHistory ORDER BY LoginTime"), "", token,
                      {{"sforce-query-options", "batchSize=2"}});
  ASSERT_EQ(first.status, 200) << first.body;
  auto page = json::parse(first.body);
  EXPECT_EQ(page["totalSize"], 5);
  EXPECT_EQ(page["done"], false);
  EXPECT_EQ(page["records"].size(), 2u);
  EXPECT_EQ(first.body.rfind(R"({"totalSize":5,"done":false,"nextRecordsUrl":)", 0), 0u);
  std::string next = page["nextRecordsUrl"];
  EXPECT_EQ(next.rfind("/services/data/v60.0/query/01g", 0), 0u) << next;
  size_t seen = page["records"].size();
  while (!page["done"].get<bool>()) {
    auto r = f.Call("GET", page["nextRecordsUrl"], "", token);
    ASSERT_EQ(r.status, 200) << r.body;
    page = json::parse(r.body);
    EXPECT_EQ(page["totalSize"], 5);
    seen += page["records"].size();
  }
  EXPECT_EQ(seen, 5u);
  EXPECT_FALSE(page.contains("nextRecordsUrl"));
  // A page can be fetched again (retry after a dropped reply).
  EXPECT_EQ(f.Call("GET", next, "", token).status, 200);
  auto bad = f.Call("GET", "/services/data/v60.0/query/01gXXXXXXXXXXXXXXX-2", "", token);
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("INVALID_QUERY_LOCATOR"), std::string::npos);
}

TEST(RestQueryTest, PagesTogetherHoldEveryRowOnceInQueryOrder) {
  SimFixture f;
  std::string token = f.Login();
  for (int i = 0; i < 6; ++i) {
    f.org().clock().Advance(1000);
    f.Login(i % 2 == 0 ? "int@t.example" : "admin@t.example");
  }
  const std::string soql = "SELECT Id, UserId FROM LoginHistory ORDER BY UserId, LoginTime DESC";
  auto whole = json::parse(f.Call("GET", Q(soql), "", token).body);
  ASSERT_EQ(whole["records"].size(), 7u);
  std::vector<json> paged;
  auto page = json::parse(
      f.Call("GET", Q(soql), "", token, {{"sforce-query-options", "batchSize=3"}}).body);
  for (;;) {
    for (const auto& rec : page["records"]) paged.push_back(rec);
    if (page["done"].get<bool>()) break;
    page = json::parse(f.Call("GET", page["nextRecordsUrl"], "", token).body);
  }
  EXPECT_EQ(json(paged), whole["records"]);
}

TEST(RestQueryTest, PageTextIsCompactJsonWithEscapedStrings) {
  SimFixture f;
  std::string token = f.Login();
  const std::string awkward =
      "Say \"hi\"\\ \xc3\xbc"
      "ber\ttab\x01";
  auto made = f.Call("POST", "/__sim/logins",
                     json{{"username", "int@t.example"}, {"application", awkward}}.dump());
  ASSERT_EQ(made.status, 200) << made.body;
  auto r = f.Call(
      "GET", Q("SELECT Application, LoginSubType FROM LoginHistory WHERE Application LIKE 'Say%'"),
      "", token);
  ASSERT_EQ(r.status, 200) << r.body;
  // Byte for byte what nlohmann writes for the same document: no spaces, same escapes.
  EXPECT_EQ(r.body, nlohmann::ordered_json::parse(r.body).dump());
  auto rec = json::parse(r.body)["records"][0];
  EXPECT_EQ(rec["Application"], awkward);
  EXPECT_TRUE(rec["LoginSubType"].is_null());
  auto nested =
      f.Call("GET",
             Q("SELECT Id, PermissionSet.Name, Assignee.Username, PermissionSet.Label, "
               "PermissionSetGroup.DeveloperName FROM PermissionSetAssignment "
               "WHERE Assignee.Username = 'int@t.example' AND PermissionSetGroupId = null "
               "AND PermissionSet.IsOwnedByProfile = false"),
             "", token);
  ASSERT_EQ(nested.status, 200) << nested.body;
  EXPECT_EQ(nested.body, nlohmann::ordered_json::parse(nested.body).dump());
  auto psa = nlohmann::ordered_json::parse(nested.body)["records"][0];
  std::vector<std::string> keys;
  for (auto it = psa.begin(); it != psa.end(); ++it) keys.push_back(it.key());
  // Both PermissionSet fields share one nested object, placed where the first one was.
  EXPECT_EQ(keys, (std::vector<std::string>{"attributes", "Id", "PermissionSet", "Assignee",
                                            "PermissionSetGroup"}));
  EXPECT_EQ(psa["PermissionSet"]["Name"], "Int_Access");
  EXPECT_EQ(psa["PermissionSet"]["Label"], "Int Access");
  EXPECT_EQ(psa["PermissionSet"]["attributes"]["type"], "PermissionSet");
  EXPECT_EQ(psa["Assignee"]["Username"], "int@t.example");
  EXPECT_TRUE(psa["PermissionSetGroup"].is_null());
}

TEST(RestQueryTest, ErrorsAre400WithErrorArrays) {
  SimFixture f;
  std::string token = f.Login();
  auto r = f.Call("GET", Q("SELECT Id FRM User"), "", token);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(json::parse(r.body)[0]["errorCode"], "MALFORMED_QUERY");
  auto empty = f.Call("GET", "/services/data/v60.0/query", "", token);
  EXPECT_EQ(json::parse(empty.body)[0]["errorCode"], "MALFORMED_QUERY");
  auto slash =
      f.Call("GET", "/services/data/v60.0/query/?q=" + UrlEncode("select count() from Account"), "",
             token);
  EXPECT_EQ(json::parse(slash.body)[0]["errorCode"], "INVALID_TYPE");
  auto all = f.Call("GET", "/services/data/v60.0/queryAll?q=" + UrlEncode("SELECT Id FROM User"),
                    "", token);
  EXPECT_EQ(json::parse(all.body)["totalSize"], 4);
  EXPECT_EQ(f.Call("GET", "/services/data/v60.0/nothing", "", token).status, 404);
}

}  // namespace
}  // namespace sfwarden::sim
