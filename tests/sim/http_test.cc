#include "sim/http.h"

#include <gtest/gtest.h>

#include "sim/versions.h"

namespace sfwarden::sim {
namespace {

TEST(HttpTest, ParsesFormsAndQueries) {
  auto form = ParseForm("grant_type=client_credentials&client_id=a%2Bb&x=1+2&empty=");
  EXPECT_EQ(form["grant_type"], "client_credentials");
  EXPECT_EQ(form["client_id"], "a+b");
  EXPECT_EQ(form["x"], "1 2");
  EXPECT_EQ(form["empty"], "");
  Request r;
  r.target = "/services/data/v60.0/query?q=SELECT+Id+FROM+User%20WHERE+Name+%3D+%27a%27";
  EXPECT_EQ(r.Path(), "/services/data/v60.0/query");
  EXPECT_EQ(r.Query()["q"], "SELECT Id FROM User WHERE Name = 'a'");
  EXPECT_EQ(UrlDecode(UrlEncode("a b/ü&=")), "a b/ü&=");
}

TEST(HttpTest, ErrorBodyIsSalesforceArray) {
  auto r = ErrorResponse(404, "NOT_FOUND", "The requested resource does not exist");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.Header("content-type"), "application/json;charset=UTF-8");
  EXPECT_EQ(r.body,
            R"([{"message":"The requested resource does not exist","errorCode":"NOT_FOUND"}])");
}

TEST(HttpTest, ReleaseLabels) {
  EXPECT_EQ(ReleaseLabel(60), "Spring '24");
  EXPECT_EQ(ReleaseLabel(59), "Winter '24");
  EXPECT_EQ(ReleaseLabel(58), "Summer '23");
  EXPECT_EQ(ReleaseLabel(62), "Winter '25");
  EXPECT_EQ(ReleaseLabel(63), "Spring '25");
}

}  // namespace
}  // namespace sfwarden::sim
