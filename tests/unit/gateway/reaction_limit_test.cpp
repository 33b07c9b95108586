// Each connection's own reaction limit, with the server's defaults: five a second,
// what exceeds it dropped, and the steady rate kept however fast a client taps.
#include <gtest/gtest.h>

#include <chrono>

#include "gateway/config.hpp"
#include "gateway/protocol/rate_limiter.hpp"

namespace companion::gateway {
namespace {

using namespace std::chrono_literals;

token_bucket reaction_limit() {
  server_config config;
  return token_bucket(config.reactions_per_second, config.reaction_burst);
}

TEST(ReactionLimitTest, FiveAtOnceThenTheSixthIsDropped) {
  token_bucket limit = reaction_limit();
  auto now = std::chrono::steady_clock::now();
  long retry = 0;
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(limit.take(now, retry)) << i;
  EXPECT_FALSE(limit.take(now, retry));
  EXPECT_TRUE(limit.take(now + 200ms, retry));
}

TEST(ReactionLimitTest, TappingFasterStillCountsFiveASecond) {
  token_bucket limit = reaction_limit();
  auto start = std::chrono::steady_clock::now();
  long retry = 0;
  int counted = 0;
  // 50 taps a second for ten seconds.
  for (int tap = 0; tap < 500; ++tap) counted += limit.take(start + tap * 20ms, retry) ? 1 : 0;
  EXPECT_GE(counted, 50);
  EXPECT_LE(counted, 55);  // the first burst, then 5 a second
}

}  // namespace
}  // namespace companion::gateway
