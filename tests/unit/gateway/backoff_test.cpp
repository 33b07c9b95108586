// The reconnect policy of the sources: full jitter under a doubling ceiling, a cap,
// and a fresh start after a connection that stayed up.
#include "gateway/sources/backoff.hpp"

#include <gtest/gtest.h>

namespace companion::gateway {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(BackoffTest, CeilingStartsAtBaseAndDoublesPerFailure) {
  backoff retry({milliseconds(500), seconds(30), seconds(30)}, 1);
  EXPECT_EQ(retry.ceiling(), milliseconds(500));
  retry.next();
  EXPECT_EQ(retry.ceiling(), milliseconds(1000));
  retry.next();
  EXPECT_EQ(retry.ceiling(), milliseconds(2000));
  retry.next();
  EXPECT_EQ(retry.ceiling(), milliseconds(4000));
}

TEST(BackoffTest, CeilingStopsAtTheCap) {
  backoff retry({milliseconds(500), seconds(30), seconds(30)}, 1);
  for (int i = 0; i < 100; ++i) retry.next();
  EXPECT_EQ(retry.ceiling(), seconds(30));
}

TEST(BackoffTest, EveryWaitLiesBetweenZeroAndTheCeiling) {
  backoff retry({milliseconds(500), seconds(30), seconds(30)}, 7);
  for (int i = 0; i < 200; ++i) {
    auto ceiling = retry.ceiling();
    auto wait = retry.next();
    EXPECT_GE(wait.count(), 0);
    EXPECT_LE(wait, ceiling);
  }
}

TEST(BackoffTest, WaitsAreJitteredAcrossTheWholeRange) {
  // At the cap, full jitter spreads waits over [0, 30 s]: some short, some long.
  int short_waits = 0, long_waits = 0;
  for (std::uint64_t seed = 0; seed < 200; ++seed) {
    backoff retry({milliseconds(500), seconds(30), seconds(30)}, seed);
    for (int i = 0; i < 10; ++i) retry.next();
    auto wait = retry.next();
    if (wait < seconds(10)) ++short_waits;
    if (wait > seconds(20)) ++long_waits;
  }
  EXPECT_GT(short_waits, 30);
  EXPECT_GT(long_waits, 30);
}

TEST(BackoffTest, ConnectionThatStayedUpStartsOver) {
  backoff retry({milliseconds(500), seconds(30), seconds(30)}, 1);
  for (int i = 0; i < 5; ++i) retry.next();
  auto opened = backoff::clock::time_point{} + seconds(100);
  retry.connected(opened);
  retry.disconnected(opened + seconds(31));
  EXPECT_EQ(retry.failures(), 0u);
  EXPECT_EQ(retry.ceiling(), milliseconds(500));
}

TEST(BackoffTest, ShortLivedConnectionKeepsBackingOff) {
  backoff retry({milliseconds(500), seconds(30), seconds(30)}, 1);
  for (int i = 0; i < 5; ++i) retry.next();
  auto opened = backoff::clock::time_point{} + seconds(100);
  retry.connected(opened);
  retry.disconnected(opened + seconds(2));
  EXPECT_EQ(retry.failures(), 5u);
  EXPECT_EQ(retry.ceiling(), milliseconds(16'000));
}

TEST(BackoffTest, DropWithoutConnectionKeepsBackingOff) {
  backoff retry({milliseconds(500), seconds(30), seconds(30)}, 1);
  retry.next();
  retry.disconnected(backoff::clock::time_point{} + seconds(1000));
  EXPECT_EQ(retry.failures(), 1u);
}

}  // namespace
}  // namespace companion::gateway
