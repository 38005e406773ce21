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
