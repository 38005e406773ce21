#include "sim/versions.h"

#include <gtest/gtest.h>

#include "tests/sim/sim_fixture.h"

namespace sfwarden::sim {
namespace {
using nlohmann::json;
using testing::SimFixture;

TEST(VersionsTest, ResourceDirectoryListsResourcesAndTheCallersIdentityUrl) {
  SimFixture f;
  std::string token = f.Login("int@t.example");
  auto r = f.Call("GET", "/services/data/v60.0/", "", token);
  ASSERT_EQ(r.status, 200) << r.body;
  auto body = json::parse(r.body);
  EXPECT_EQ(body["query"], "/services/data/v60.0/query");
  EXPECT_EQ(body["limits"], "/services/data/v60.0/limits");
  std::string expected =
      "http://127.0.0.1:1234/id/" + f.org().settings.org_id + "/" + f.UserId("int@t.example");
  EXPECT_EQ(body["identity"], expected);
  // jsforce's Connection.identity() follows it with ?format=json&oauth_token=….
  auto id = f.Call("GET", expected.substr(expected.find("/id/")) + "?format=json", "", token);
  ASSERT_EQ(id.status, 200) << id.body;
  EXPECT_EQ(json::parse(id.body)["username"], "int@t.example");
}

TEST(VersionsTest, ReleaseLabelsFollowTheThreeReleasesAYear) {
  EXPECT_EQ(ReleaseLabel(60), "Spring '24");
  EXPECT_EQ(ReleaseLabel(59), "Winter '24");
  EXPECT_EQ(ReleaseLabel(62), "Winter '25");
  EXPECT_EQ(ReleaseLabel(61), "Summer '24");
}

}  // namespace
}  // namespace sfwarden::sim
