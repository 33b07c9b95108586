#include "gateway/protocol/client_address.hpp"

#include <gtest/gtest.h>

namespace companion::gateway {
namespace {

trusted_proxies trust(std::string_view list) {
  trusted_proxies set;
  std::string error;
  EXPECT_TRUE(set.add_list(list, error)) << error;
  return set;
}

TEST(IpAddressTest, ParsesBothFamiliesAndPrintsThemCanonically) {
  EXPECT_EQ(to_string(*parse_ip("192.0.2.1")), "192.0.2.1");
  EXPECT_EQ(to_string(*parse_ip("2001:DB8:0:0:0:0:0:1")), "2001:db8::1");
  EXPECT_FALSE(parse_ip("2001:db8::1")->v4);
}

TEST(IpAddressTest, MappedIpv6IsTheIpv4Client) {
  auto mapped = parse_ip("::ffff:192.0.2.1");
  ASSERT_TRUE(mapped);
  EXPECT_TRUE(mapped->v4);
  EXPECT_EQ(*mapped, *parse_ip("192.0.2.1"));
  EXPECT_EQ(canonical_address("::ffff:10.0.0.7"), "10.0.0.7");
}

TEST(IpAddressTest, RefusesWhatIsNotABareAddress) {
  for (std::string_view bad : {"", "192.0.2", "192.0.2.1:80", "[::1]", "::1%eth0", " 192.0.2.1", "256.0.0.1",
                               "example.com", "1.2.3.4.5", "unknown"})
    EXPECT_FALSE(parse_ip(bad)) << bad;
  EXPECT_EQ(canonical_address("unknown"), "unknown");
}

TEST(CidrTest, Ipv4PrefixMatchesItsRangeOnly) {
  auto range = parse_cidr("10.1.0.0/16");
  ASSERT_TRUE(range);
  EXPECT_TRUE(range->contains(*parse_ip("10.1.255.3")));
  EXPECT_FALSE(range->contains(*parse_ip("10.2.0.1")));
}

TEST(CidrTest, PrefixNotOnAByteBoundary) {
  auto range = parse_cidr("192.0.2.64/26");
  ASSERT_TRUE(range);
  EXPECT_TRUE(range->contains(*parse_ip("192.0.2.64")));
  EXPECT_TRUE(range->contains(*parse_ip("192.0.2.127")));
  EXPECT_FALSE(range->contains(*parse_ip("192.0.2.63")));
  EXPECT_FALSE(range->contains(*parse_ip("192.0.2.128")));
}

TEST(CidrTest, HostBitsAreCleared) {
  auto range = parse_cidr("10.9.8.7/8");
  ASSERT_TRUE(range);
  EXPECT_EQ(to_string(range->base), "10.0.0.0");
  EXPECT_TRUE(range->contains(*parse_ip("10.200.1.1")));
}

TEST(CidrTest, Ipv6Prefixes) {
  auto range = parse_cidr("2001:db8:abcd::/48");
  ASSERT_TRUE(range);
  EXPECT_TRUE(range->contains(*parse_ip("2001:db8:abcd:12::1")));
  EXPECT_FALSE(range->contains(*parse_ip("2001:db8:abce::1")));
  auto odd = parse_cidr("fd00::/7");
  ASSERT_TRUE(odd);
  EXPECT_TRUE(odd->contains(*parse_ip("fc12::1")));
  EXPECT_FALSE(odd->contains(*parse_ip("fe80::1")));
}

TEST(CidrTest, BareAddressIsOneHostAndZeroPrefixIsEverything) {
  auto host = parse_cidr("::1");
  ASSERT_TRUE(host);
  EXPECT_EQ(host->prefix, 128u);
  EXPECT_TRUE(host->contains(*parse_ip("::1")));
  EXPECT_FALSE(host->contains(*parse_ip("::2")));
  auto all = parse_cidr("0.0.0.0/0");
  ASSERT_TRUE(all);
  EXPECT_TRUE(all->contains(*parse_ip("203.0.113.9")));
}

TEST(CidrTest, FamiliesNeverMatchEachOther) {
  EXPECT_FALSE(parse_cidr("0.0.0.0/0")->contains(*parse_ip("2001:db8::1")));
  EXPECT_FALSE(parse_cidr("::/0")->contains(*parse_ip("192.0.2.1")));
  // ...but a mapped address is its IPv4 self.
  auto mapped = parse_cidr("::ffff:10.0.0.0/104");
  ASSERT_TRUE(mapped);
  EXPECT_TRUE(mapped->contains(*parse_ip("10.3.4.5")));
  EXPECT_FALSE(mapped->contains(*parse_ip("11.3.4.5")));
  EXPECT_FALSE(parse_cidr("::ffff:10.0.0.0/64"));
}

TEST(CidrTest, RefusesBadPrefixes) {
  for (std::string_view bad : {"10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/x", "10.0.0.0/8/8", "/8",
                               "10.0.0.0/-1", "10.0.0.0/+8"})
    EXPECT_FALSE(parse_cidr(bad)) << bad;
}

TEST(TrustedProxiesTest, ListWithSpacesAndBothFamilies) {
  auto set = trust("127.0.0.1/32, 10.0.0.0/8,::1");
  EXPECT_TRUE(set.contains("127.0.0.1"));
  EXPECT_TRUE(set.contains("10.4.4.4"));
  EXPECT_TRUE(set.contains("::1"));
  EXPECT_FALSE(set.contains("127.0.0.2"));
  EXPECT_FALSE(set.contains("unknown"));
}

TEST(TrustedProxiesTest, BadEntryIsNamed) {
  trusted_proxies set;
  std::string error;
  EXPECT_FALSE(set.add_list("10.0.0.0/8,nginx", error));
  EXPECT_NE(error.find("'nginx'"), std::string::npos);
}

TEST(ForwardedForTest, UntrustedPeerIsTheClientWhateverItClaims) {
  auto set = trust("127.0.0.1");
  EXPECT_EQ(forwarded_client("198.51.100.7", "203.0.113.1", set), "198.51.100.7");
  EXPECT_EQ(forwarded_client("198.51.100.7", "", set), "198.51.100.7");
}

TEST(ForwardedForTest, TrustedPeerNamesTheClient) {
  auto set = trust("127.0.0.1");
  EXPECT_EQ(forwarded_client("127.0.0.1", "203.0.113.1", set), "203.0.113.1");
}

TEST(ForwardedForTest, RightmostUntrustedWinsOverWhatTheClientWrote) {
  // The client wrote "1.1.1.1, 2.2.2.2"; nginx appended the address it saw.
  auto set = trust("127.0.0.1");
  EXPECT_EQ(forwarded_client("127.0.0.1", "1.1.1.1, 2.2.2.2, 203.0.113.1", set), "203.0.113.1");
}

TEST(ForwardedForTest, WalksPastAChainOfTrustedProxies) {
  auto set = trust("127.0.0.1,10.0.0.0/8");
  EXPECT_EQ(forwarded_client("127.0.0.1", "6.6.6.6, 203.0.113.1, 10.0.0.5, 10.0.0.9", set), "203.0.113.1");
}

TEST(ForwardedForTest, AllTrustedLeavesTheLeftmostHop) {
  auto set = trust("10.0.0.0/8");
  EXPECT_EQ(forwarded_client("10.0.0.1", "10.0.0.3, 10.0.0.2", set), "10.0.0.3");
}

TEST(ForwardedForTest, EmptyHeaderFromTrustedPeerIsThePeer) {
  auto set = trust("127.0.0.1");
  EXPECT_EQ(forwarded_client("127.0.0.1", "", set), "127.0.0.1");
  EXPECT_EQ(forwarded_client("127.0.0.1", " , ,", set), "127.0.0.1");
}

TEST(ForwardedForTest, GarbageStopsTheWalkAtTheLastTrustedHop) {
  auto set = trust("127.0.0.1,10.0.0.0/8");
  EXPECT_EQ(forwarded_client("127.0.0.1", "203.0.113.1, unknown, 10.0.0.4", set), "10.0.0.4");
  EXPECT_EQ(forwarded_client("127.0.0.1", "<script>", set), "127.0.0.1");
}

TEST(ForwardedForTest, EntriesWithPortsAndMappedAddresses) {
  auto set = trust("127.0.0.1");
  EXPECT_EQ(forwarded_client("127.0.0.1", "203.0.113.1:51234", set), "203.0.113.1");
  EXPECT_EQ(forwarded_client("127.0.0.1", "[2001:db8::7]:443", set), "2001:db8::7");
  EXPECT_EQ(forwarded_client("127.0.0.1", "2001:DB8::7", set), "2001:db8::7");
  EXPECT_EQ(forwarded_client("127.0.0.1", "::ffff:203.0.113.1", set), "203.0.113.1");
  EXPECT_EQ(forwarded_client("127.0.0.1", "[192.0.2.1]:80", set), "127.0.0.1");
}

TEST(ForwardedForTest, Ipv6ProxyRange) {
  auto set = trust("fd00::/8");
  EXPECT_EQ(forwarded_client("fd00::1", "2001:db8::1, fd00::2", set), "2001:db8::1");
}

}  // namespace
}  // namespace companion::gateway
