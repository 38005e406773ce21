#include "salesforce/detail/url.h"

#include <gtest/gtest.h>

namespace sfwarden::salesforce::detail {
namespace {

TEST(UrlTest, ParsesHostPortAndTarget) {
  auto u = ParseUrl("https://Acme.my.salesforce.com/services/data/v60.0/query?q=SELECT+Id");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->scheme, "https");
  EXPECT_EQ(u->host, "acme.my.salesforce.com");
  EXPECT_EQ(u->port, "443");
  EXPECT_EQ(u->target, "/services/data/v60.0/query?q=SELECT+Id");
  EXPECT_EQ(u->Authority(), "acme.my.salesforce.com");
  auto local = ParseUrl("http://127.0.0.1:8080");
  ASSERT_TRUE(local);
  EXPECT_EQ(local->target, "/");
  EXPECT_EQ(local->Authority(), "127.0.0.1:8080");
  auto v6 = ParseUrl("https://[::1]:8443/x#frag");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->target, "/x");
  EXPECT_EQ(v6->Authority(), "[::1]:8443");
}

TEST(UrlTest, RejectsOtherUrls) {
  for (const char* bad :
       {"", "/relative", "ftp://x/", "https://", "https://user:pw@host/", "https://host:99999999/",
        "https://host:abc/", "https://ho st/", "https://[::1/"}) {
    SCOPED_TRACE(bad);
    auto u = ParseUrl(bad);
    ASSERT_FALSE(u);
    EXPECT_EQ(u.error().kind, ErrorKind::kTransport);
  }
}

TEST(UrlTest, LoopbackHosts) {
  for (const char* h : {"localhost", "LOCALHOST", "127.0.0.1", "127.1.2.3", "::1"}) {
    EXPECT_TRUE(IsLoopbackHost(h)) << h;
  }
  for (const char* h : {"10.0.0.1", "example.com", "localhost.example.com", "::2", "128.0.0.1"}) {
    EXPECT_FALSE(IsLoopbackHost(h)) << h;
  }
}

TEST(UrlTest, NoProxyMatching) {
  EXPECT_TRUE(BypassesProxy("acme.my.salesforce.com", "*"));
  EXPECT_TRUE(BypassesProxy("acme.my.salesforce.com", "internal, .salesforce.com"));
  EXPECT_TRUE(BypassesProxy("acme.my.salesforce.com", "salesforce.com"));
  EXPECT_TRUE(BypassesProxy("acme.my.salesforce.com", "ACME.my.salesforce.com:443"));
  EXPECT_FALSE(BypassesProxy("acme.my.salesforce.com", "force.com,notsalesforce.com"));
  EXPECT_FALSE(BypassesProxy("acme.my.salesforce.com", ""));
  EXPECT_TRUE(BypassesProxy("127.0.0.1", ""));
}

}  // namespace
}  // namespace sfwarden::salesforce::detail
