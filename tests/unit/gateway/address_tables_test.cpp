// Per-address tables: IPv6 clients keyed by their /64, bucket tables that forget the
// least recently used address instead of every address, connection counts per key.
#include <gtest/gtest.h>

#include "gateway/protocol/address_key.hpp"
#include "gateway/protocol/address_limiter.hpp"
#include "gateway/protocol/rate_limiter.hpp"

namespace companion::gateway {
namespace {

TEST(AddressKey, Ipv4IsItselfIpv6IsItsSlash64) {
  EXPECT_EQ(address_key("192.0.2.7"), "192.0.2.7");
  EXPECT_EQ(address_key("::ffff:192.0.2.7"), "192.0.2.7");
  EXPECT_EQ(address_key("2001:db8:1:2:a:b:c:d"), "2001:db8:1:2::/64");
  EXPECT_EQ(address_key("2001:db8:1:2::1"), address_key("2001:db8:1:2:ffff:ffff:ffff:ffff"));
  EXPECT_NE(address_key("2001:db8:1:2::1"), address_key("2001:db8:1:3::1"));
  EXPECT_EQ(address_key("unknown"), "unknown");
}

TEST(AddressLimiter, CountsAWholeSlash64AsOneAddress) {
  address_limiter limits(2);
  EXPECT_TRUE(limits.try_acquire("2001:db8::1"));
  EXPECT_TRUE(limits.try_acquire("2001:db8::2"));
  EXPECT_FALSE(limits.try_acquire("2001:db8::3"));
  EXPECT_TRUE(limits.try_acquire("2001:db8:0:1::1"));
  limits.release("2001:db8::1");
  EXPECT_TRUE(limits.try_acquire("2001:db8::ffff"));
}

TEST(TotalLimiter, CapsAndReleases) {
  total_limiter total(2);
  EXPECT_TRUE(total.try_acquire());
  EXPECT_TRUE(total.try_acquire());
  EXPECT_FALSE(total.try_acquire());
  EXPECT_EQ(total.count(), 2u);
  total.release();
  EXPECT_TRUE(total.try_acquire());
}

TEST(AddressBuckets, ForgetTheLeastRecentlyUsedAddressOnly) {
  auto now = std::chrono::steady_clock::now();
  long retry = 0;
  address_buckets buckets(60, 1, 3);  // one a second, burst 1, three addresses
  EXPECT_TRUE(buckets.take("10.0.0.1", now, retry));
  EXPECT_FALSE(buckets.take("10.0.0.1", now, retry));  // spent
  EXPECT_TRUE(buckets.take("10.0.0.2", now, retry));
  EXPECT_TRUE(buckets.take("10.0.0.3", now, retry));
  EXPECT_FALSE(buckets.take("10.0.0.1", now, retry));  // still spent, and now the most recent
  // A fourth address pushes out 10.0.0.2, the least recently used, not 10.0.0.1.
  EXPECT_TRUE(buckets.take("10.0.0.4", now, retry));
  EXPECT_EQ(buckets.size(), 3u);
  EXPECT_EQ(buckets.evictions(), 1u);
  EXPECT_FALSE(buckets.take("10.0.0.1", now, retry));
  // A flood of fresh addresses evicts, one by one, never the whole table at once.
  for (int i = 0; i < 100; ++i) buckets.take("10.1.0." + std::to_string(i), now, retry);
  EXPECT_EQ(buckets.size(), 3u);
  EXPECT_EQ(buckets.evictions(), 101u);
}

TEST(AddressBuckets, ASlash64SharesOneBucket) {
  auto now = std::chrono::steady_clock::now();
  long retry = 0;
  address_buckets buckets(60, 2, 100);
  EXPECT_TRUE(buckets.take("2001:db8::1", now, retry));
  EXPECT_TRUE(buckets.take("2001:db8::2", now, retry));
  EXPECT_FALSE(buckets.take("2001:db8::3", now, retry));
  EXPECT_GT(retry, 0);
  EXPECT_TRUE(buckets.take("2001:db8:0:1::1", now, retry));
}

}  // namespace
}  // namespace companion::gateway
