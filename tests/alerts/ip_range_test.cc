#include "alerts/ip_range.h"

#include <gtest/gtest.h>

namespace sfwarden::alerts {
namespace {

IpRange MustParse(std::string_view text) {
  auto range = IpRange::Parse(text);
  EXPECT_TRUE(range.has_value()) << text << ": " << (range ? "" : range.error());
  return range ? *range : *IpRange::Parse("192.0.2.1");
}

TEST(IpRangeTest, Ipv4CidrContainsOnlyItsAddresses) {
  const IpRange range = MustParse("54.174.0.0/16");
  EXPECT_TRUE(range.Contains("54.174.0.0"));
  EXPECT_TRUE(range.Contains("54.174.255.255"));
  EXPECT_FALSE(range.Contains("54.175.0.1"));
  EXPECT_FALSE(range.Contains("54.173.255.255"));
  EXPECT_EQ(range.prefix_length(), 16);
  EXPECT_FALSE(range.is_v6());
}

TEST(IpRangeTest, Ipv6CidrContainsOnlyItsAddresses) {
  const IpRange range = MustParse("2600:1f18::/36");
  EXPECT_TRUE(range.Contains("2600:1f18::1"));
  EXPECT_TRUE(range.Contains("2600:1f18:0fff:ffff::1"));
  EXPECT_FALSE(range.Contains("2600:1f18:1000::1"));
  EXPECT_TRUE(range.is_v6());
  EXPECT_EQ(range.ToString(), "2600:1f18::/36");
}

TEST(IpRangeTest, BareAddressIsASingleHost) {
  EXPECT_EQ(MustParse("203.0.113.7").ToString(), "203.0.113.7/32");
  EXPECT_EQ(MustParse("2001:db8::7").ToString(), "2001:db8::7/128");
  EXPECT_TRUE(MustParse("203.0.113.7").Contains("203.0.113.7"));
  EXPECT_FALSE(MustParse("203.0.113.7").Contains("203.0.113.8"));
}

TEST(IpRangeTest, ZeroPrefixMatchesEveryAddressOfItsFamilyOnly) {
  EXPECT_TRUE(MustParse("0.0.0.0/0").Contains("198.51.100.1"));
  EXPECT_FALSE(MustParse("0.0.0.0/0").Contains("2001:db8::1"));
  EXPECT_TRUE(MustParse("::/0").Contains("2001:db8::1"));
}

TEST(IpRangeTest, Ipv4MappedIpv6AddressMatchesIpv4Range) {
  EXPECT_TRUE(MustParse("54.174.0.0/16").Contains("::ffff:54.174.1.2"));
  EXPECT_EQ(IpAddress::Parse("::ffff:54.174.1.2")->ToString(), "54.174.1.2");
}

TEST(IpRangeTest, PrefixOutOfRangeIsRefusedWithTheLimit) {
  auto v4 = IpRange::Parse("10.0.0.0/33");
  ASSERT_FALSE(v4.has_value());
  EXPECT_EQ(v4.error(), "prefix length '33' must be 0-32 for an IPv4 range");
  auto v6 = IpRange::Parse("2001:db8::/129");
  ASSERT_FALSE(v6.has_value());
  EXPECT_EQ(v6.error(), "prefix length '129' must be 0-128 for an IPv6 range");
  EXPECT_FALSE(IpRange::Parse("10.0.0.0/").has_value());
  EXPECT_FALSE(IpRange::Parse("10.0.0.0/1x").has_value());
  EXPECT_FALSE(IpRange::Parse("10.0.0.0/-1").has_value());
}

TEST(IpRangeTest, HostBitsAreRefusedWithTheLikelyNetwork) {
  auto range = IpRange::Parse("54.174.3.0/16");
  ASSERT_FALSE(range.has_value());
  EXPECT_EQ(range.error(),
            "'54.174.3.0/16' has host bits set after the /16 prefix; did you mean 54.174.0.0/16?");
}

TEST(IpRangeTest, NonAddressesAreRefused) {
  for (const char* text : {"", "54.174", "54.174.0.256", "1.2.3.4.5", "localhost", "fe80::1%eth0",
                           "2600:1f18:::/36", " 1.2.3.4"}) {
    auto range = IpRange::Parse(text);
    EXPECT_FALSE(range.has_value()) << text;
  }
  EXPECT_EQ(IpRange::Parse("54.174.0.x/16").error(), "'54.174.0.x' is not an IPv4 or IPv6 address");
}

TEST(IpRangeTest, ContainsIsFalseForUnparsableAddress) {
  EXPECT_FALSE(MustParse("0.0.0.0/0").Contains("not-an-ip"));
  EXPECT_FALSE(MustParse("0.0.0.0/0").Contains(""));
}

}  // namespace
}  // namespace sfwarden::alerts
