#include "sim/api_usage.h"

#include <gtest/gtest.h>

#include "sim/http.h"
#include "sim/sim.h"
#include "tests/sim/sim_fixture.h"

namespace sfwarden::sim {
namespace {
using nlohmann::json;
using testing::SimFixture;

TEST(ApiUsageTest, RollingWindowForgetsCallsOlderThan24Hours) {
  ApiUsage usage;
  usage.Count(0, "GET query", "u", "app");
  usage.Count(3'600'000, "GET query", "u", "app", 2);
  EXPECT_EQ(usage.Used(3'600'000), 3);
  EXPECT_EQ(usage.UsedByApp(3'600'000, "app"), 3);
  EXPECT_EQ(usage.Used(24 * 3'600'000 + 60'000), 2);
  EXPECT_EQ(usage.Counters()["per_endpoint"]["GET query"], 3);
}

TEST(ApiUsageTest, EndpointKeys) {
  EXPECT_EQ(EndpointKey("GET", "query"), "GET query");
  EXPECT_EQ(EndpointKey("GET", "query/01g5g0000000001AAA-2000"), "GET query");
  EXPECT_EQ(EndpointKey("DELETE", "sobjects/PermissionSetAssignment/0Pa5g0000000001AAA"),
            "DELETE sobjects/PermissionSetAssignment");
  EXPECT_EQ(EndpointKey("POST", "composite/sobjects"), "POST composite/sobjects");
  EXPECT_EQ(EndpointKey("POST", "composite"), "POST composite");
  EXPECT_EQ(EndpointKey("POST", "composite/batch"), "POST composite/batch");
}

class LimitsTest : public ::testing::Test {
 protected:
  Response Get(const std::string& path) { return f_.Call("GET", path, "", token_); }
  SimFixture f_;
  std::string token_ = f_.Login();
};

TEST_F(LimitsTest, EveryDataCallCountsAndCarriesTheHeader) {
  EXPECT_EQ(Get("/services/data/v60.0/limits").Header("Sforce-Limit-Info"), "api-usage=1/1000");
  EXPECT_EQ(Get("/services/data/v60.0/").Header("Sforce-Limit-Info"), "api-usage=2/1000");
  // The Versions resource does not count and has no header [WIRE.md §8].
  auto versions = Get("/services/data/");
  EXPECT_EQ(versions.Header("Sforce-Limit-Info"), "");
  auto limits = Get("/services/data/v60.0/limits");
  EXPECT_EQ(limits.Header("Sforce-Limit-Info"), "api-usage=3/1000");
  auto body = json::parse(limits.body);
  EXPECT_EQ(body["DailyApiRequests"]["Max"], 1000);
  EXPECT_EQ(body["DailyApiRequests"]["Remaining"], 997);
  EXPECT_EQ(body["DailyApiRequests"]["jwt-app"], (json{{"Max", 0}, {"Remaining", 0}}));
  EXPECT_EQ(body["DailyApiRequests"]["cc-app"], (json{{"Max", 200}, {"Remaining", 200}}));
  auto counters = f_.sim->state().usage.Counters();
  EXPECT_EQ(counters["per_endpoint"]["GET limits"], 2);
  EXPECT_EQ(counters["per_user"][f_.UserId("int@t.example")], 3);
}

TEST_F(LimitsTest, PerAppUsageInHeader) {
  auto token = f_.Call("POST", "/services/oauth2/token",
                       "grant_type=client_credentials&client_id=cc-client&client_secret=cc-secret");
  std::string cc = json::parse(token.body)["access_token"];
  auto r = f_.Call("GET", "/services/data/v60.0/limits", "", cc);
  EXPECT_EQ(r.Header("Sforce-Limit-Info"),
            "api-usage=1/1000; per-app-api-usage=1/200(appName=cc-app)");
  EXPECT_EQ(json::parse(r.body)["DailyApiRequests"]["cc-app"]["Remaining"], 199);
}

TEST_F(LimitsTest, ExhaustedAllowanceIs403UntilTheWindowMoves) {
  f_.org().settings.daily_api_requests = 2;
  EXPECT_EQ(Get("/services/data/v60.0/limits").status, 200);
  EXPECT_EQ(Get("/services/data/v60.0/limits").status, 200);
  auto r = Get("/services/data/v60.0/limits");
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(
      r.body,
      R"([{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}])");
  EXPECT_EQ(r.Header("Sforce-Limit-Info"), "api-usage=2/2");
  f_.org().clock().Advance(24 * 3'600'000 + 60'000);
  token_ = f_.Login();
  EXPECT_EQ(Get("/services/data/v60.0/limits").status, 200);
}

TEST_F(LimitsTest, AConnectedAppsOwnAllowanceRefusesOnlyItsCalls) {
  auto token = f_.Call("POST", "/services/oauth2/token",
                       "grant_type=client_credentials&client_id=cc-client&client_secret=cc-secret");
  std::string cc = json::parse(token.body)["access_token"];
  for (auto& app : f_.org().apps) {
    if (app.name == "cc-app") app.daily_api_limit = 2;
  }
  EXPECT_EQ(f_.Call("GET", "/services/data/v60.0/limits", "", cc).status, 200);
  EXPECT_EQ(f_.Call("GET", "/services/data/v60.0/limits", "", cc).status, 200);
  auto refused = f_.Call("GET", "/services/data/v60.0/limits", "", cc);
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(json::parse(refused.body)[0]["errorCode"], "REQUEST_LIMIT_EXCEEDED");
  EXPECT_EQ(refused.Header("Sforce-Limit-Info"),
            "api-usage=2/1000; per-app-api-usage=2/2(appName=cc-app)");
  // Another app's session still works; the refused call was not counted.
  auto other = Get("/services/data/v60.0/limits");
  EXPECT_EQ(other.status, 200);
  EXPECT_EQ(other.Header("Sforce-Limit-Info"), "api-usage=3/1000");
  f_.org().clock().Advance(24 * 3'600'000 + 60'000);
  auto renewed =
      f_.Call("POST", "/services/oauth2/token",
              "grant_type=client_credentials&client_id=cc-client&client_secret=cc-secret");
  cc = json::parse(renewed.body)["access_token"];
  EXPECT_EQ(f_.Call("GET", "/services/data/v60.0/limits", "", cc).status, 200);
}

}  // namespace
}  // namespace sfwarden::sim
