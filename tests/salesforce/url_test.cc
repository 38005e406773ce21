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

TEST(UrlTest, RejectsPathsThatWouldSplitTheRequestLine) {
  // A nextRecordsUrl or LogFile path from the org is appended to the instance URL: CR/LF
  // would add headers (or a second request), a space would end the request-target.
  for (const char* bad :
       {"https://acme.my.salesforce.com/services/data/v60.0/query/01g-2000\r\nX-Forged: 1",
        "https://acme.my.salesforce.com/services/data/v60.0/query/01g-2000\nHost: evil",
        "https://acme.my.salesforce.com/services/data/v60.0/x HTTP/1.1",
        "https://acme.my.salesforce.com/services/data/v60.0/x\x7f",
        "https://acme.my.salesforce.com/services/data/v60.0/x\x1b[2J"}) {
    SCOPED_TRACE(bad);
    auto u = ParseUrl(bad);
    ASSERT_FALSE(u);
    EXPECT_EQ(u.error().kind, ErrorKind::kTransport);
  }
  EXPECT_TRUE(ParseUrl("https://acme.my.salesforce.com/services/data/v60.0/query/01gD0-2000"));
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

TEST(UrlTest, NoProxyIpAddressesCidrBlocksAndWildcards) {
  EXPECT_TRUE(BypassesProxy("10.1.2.3", "10.0.0.0/8"));
  EXPECT_FALSE(BypassesProxy("11.1.2.3", "10.0.0.0/8"));
  EXPECT_TRUE(BypassesProxy("192.168.7.9", "example.com 192.168.7.9"));  // space-separated
  EXPECT_TRUE(BypassesProxy("2001:db8::5", "[2001:db8::5]:443"));
  EXPECT_TRUE(BypassesProxy("[2001:db8::5]", "2001:db8::/32"));
  EXPECT_FALSE(BypassesProxy("2001:db9::5", "2001:db8::/32"));
  EXPECT_FALSE(BypassesProxy("10.1.2.3", "10.1.2.3/abc,10.1.2.30"));
  EXPECT_TRUE(BypassesProxy("acme.my.salesforce.com", "*.salesforce.com"));
  EXPECT_TRUE(BypassesProxy("acme.my.salesforce.com.", "salesforce.com."));
  EXPECT_FALSE(BypassesProxy("salesforce.com.evil.example", "salesforce.com"));
  EXPECT_FALSE(BypassesProxy("acme.my.salesforce.com", "10.0.0.0/8"));  // names never match IPs
}

TEST(UrlTest, ProxyUrlCredentialsArePercentDecoded) {
  auto p = ParseProxyUrl("http://svc%40corp:p%3Ass@w0rd@proxy.corp:3128/");
  ASSERT_TRUE(p) << p.error();
  EXPECT_EQ(p->user, "svc@corp");
  EXPECT_EQ(p->password, "p:ss@w0rd");
  EXPECT_EQ(p->url.host, "proxy.corp");
  EXPECT_EQ(p->url.port, "3128");
  auto plain = ParseProxyUrl("http://proxy.corp:3128");
  ASSERT_TRUE(plain);
  EXPECT_FALSE(plain->has_credentials());
  for (const char* bad : {"https://u:secret@proxy:1", "http://u:secret%zz@proxy:1",
                          "socks5://u:secret@proxy:1", "http://u:secret@pro xy:1"}) {
    auto r = ParseProxyUrl(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().ToString().find("secret"), std::string::npos);
  }
}

TEST(IsOrgDataPathTest, AcceptsThePathsSalesforceHandsOut) {
  EXPECT_TRUE(IsOrgDataPath("/services/data/v62.0/query/01gD0000002HU6KIAW-2000"));
  EXPECT_TRUE(IsOrgDataPath("/services/data/v62.0/sobjects/EventLogFile/0AT5e00000XyZ/LogFile"));
  EXPECT_TRUE(IsOrgDataPath("/services/data/v62.0/query?q=SELECT+Id+FROM+User+WHERE+a/../b"));
}

TEST(IsOrgDataPathTest, RefusesPathsThatLeaveServicesData) {
  for (const char* path : {
           "/services/oauth2/revoke",
           "https://evil.example/services/data/v62.0/query/x",
           "/services/data/v62.0/../../oauth2/revoke",
           "/services/data/./v62.0/query/x",
           "/services/data/v62.0/%2E%2E/%2e%2e/oauth2/revoke",
           "/services/data/v62.0/.%2e/x",
           "/services/data/v62.0//query/x",
           "/services/data/v62.0/query%2F..%2Fx",
           "/services/data/v62.0\\..\\x",
           "/services/data/v62.0/query/x#frag",
           "/services/data/v62.0/query/x y",
           "/services/data/v62.0/query/x\r\nHost: evil",
           "/services/data/v62.0/query/\xc2\x9bx",
       }) {
    EXPECT_FALSE(IsOrgDataPath(path)) << path;
  }
}

}  // namespace
}  // namespace sfwarden::salesforce::detail
