// What is particular to the Redis journal store, against a real redis-server on loopback:
// an engine without the lease writes nothing, Redis going away fails appends at once and
// cleanly, and the store carries on by itself when Redis is back, with every acknowledged
// record there after a kill -9 of Redis under appendfsync always. And the --store URL.
#include "gateway/store/redis_store.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <future>

#include "gateway/store/redis_url.hpp"
#include "redis_server.hpp"
#include "store_test_support.hpp"

namespace companion::gateway {
namespace {

using session::append_status;

std::unique_ptr<redis_store> open_redis(const testing::redis_server& redis, std::string lease_token = {}) {
  redis_store_options options;
  options.address = {"127.0.0.1", redis.port(), 0};
  options.timeout = std::chrono::milliseconds(500);
  options.lease_token = std::move(lease_token);
  std::string error;
  auto store = redis_store::open(options, error);
  EXPECT_TRUE(store) << error;
  return store;
}

// Runs one command on a connection of the test's own.
std::string redis_command(const testing::redis_server& redis, const std::vector<std::string>& args) {
  redis_connection connection({"127.0.0.1", redis.port(), 0}, std::chrono::milliseconds(1000));
  std::string error;
  auto reply = connection.command(args, error);
  EXPECT_TRUE(reply) << error;
  return reply ? reply_text(reply.get()) : std::string();
}

TEST(RedisStoreTest, AWriterWithoutTheLeaseIsFencedAndWritesNothing) {
  testing::redis_server redis;
  auto store = open_redis(redis, "engine-a");
  store->start();
  const std::string lease = redis_store::lease_key("companion:");
  // Nobody holds the lease: refused.
  auto refused = append_and_wait(*store, "e", 1, records_of({"a"}));
  EXPECT_EQ(refused.status, append_status::fenced);
  EXPECT_NE(refused.error.find("lease"), std::string::npos) << refused.error;
  // Held by this writer: stored, once resumed after the refusal.
  redis_command(redis, {"SET", lease, "engine-a"});
  store->resume("e");
  EXPECT_EQ(append_and_wait(*store, "e", 1, records_of({"a"})).status, append_status::durable);
  // Another engine took over (this one was paused past its lease): refused, and the
  // snapshot too.
  redis_command(redis, {"SET", lease, "engine-b"});
  EXPECT_EQ(append_and_wait(*store, "e", 2, records_of({"b"})).status, append_status::fenced);
  std::promise<session::append_outcome> snapshot;
  store->write_snapshot("e", {1, "{}"}, [&](const session::append_outcome& o) { snapshot.set_value(o); });
  EXPECT_EQ(snapshot.get_future().get().status, append_status::fenced);
  auto records = read_all(*store, "e");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].text, "a");
  EXPECT_EQ(store->stats().fenced, 3u);  // the two appends and the snapshot
}

TEST(RedisStoreTest, ThePositionIsTheStreamIdSoRedisRefusesATakenOne) {
  testing::redis_server redis;
  auto store = open_redis(redis);
  store->start();
  ASSERT_EQ(append_and_wait(*store, "e", 1, records_of({"a", "b"})).status, append_status::durable);
  // What another client sees: entries 1-0 and 2-0, and Redis itself refuses 2-0 again.
  EXPECT_EQ(redis_command(redis, {"XADD", "companion:e:journal", "2-0", "f", "3", "r", "x"}).find("ERR"), 0u);
  auto records = read_all(*store, "e");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[1].position, 2u);
  EXPECT_EQ(records[1].text, "b");
  EXPECT_EQ(records[1].format, 3);
}

TEST(RedisStoreTest, RedisDownFailsAppendsAtOnceAndTheStoreCarriesOnWhenItIsBack) {
  testing::redis_server redis({"--appendonly", "yes", "--appendfsync", "always"});
  auto store = open_redis(redis);
  store->start();
  ASSERT_EQ(append_and_wait(*store, "e", 1, records_of({"a", "b"})).status, append_status::durable);
  redis.stop();  // kill -9: only what was acknowledged under appendfsync always survives
  const auto started = std::chrono::steady_clock::now();
  auto failed = append_and_wait(*store, "e", 3, records_of({"c"}));
  EXPECT_EQ(failed.status, append_status::failed);
  EXPECT_NE(failed.error.find("Redis"), std::string::npos) << failed.error;
  // Refused until the writer rebuilds, even once Redis is back.
  EXPECT_EQ(append_and_wait(*store, "e", 3, records_of({"c"})).status, append_status::failed);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2)) << "failing does not hang";
  std::vector<stored_record> none;
  std::string error;
  EXPECT_FALSE(store->read("e", 1, none, error));
  EXPECT_FALSE(error.empty());

  redis.start();
  // Back: reads reconnect by themselves (within the reconnect backoff's cap of 2 s).
  std::vector<stored_record> records;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!store->read("e", 1, records, error) && std::chrono::steady_clock::now() < deadline) {
    records.clear();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(records.size(), 2u) << error;
  store->resume("e");
  session::append_outcome outcome;
  while ((outcome = append_and_wait(*store, "e", 3, records_of({"c"}))).status != append_status::durable &&
         std::chrono::steady_clock::now() < deadline) {
    store->resume("e");
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(outcome.status, append_status::durable) << outcome.error;
  records = read_all(*store, "e");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[2].text, "c");
}

TEST(RedisStoreTest, ARedisWithAPasswordTakesTheStoreOnlyWithIt) {
  testing::redis_server redis({"--requirepass", "a long shared secret"});
  redis_store_options options;
  options.address = {"127.0.0.1", redis.port(), 0};
  std::string error;
  EXPECT_FALSE(redis_store::open(options, error));
  EXPECT_NE(error.find("NOAUTH"), std::string::npos) << error;
  options.address.password = "not it";
  error.clear();
  EXPECT_FALSE(redis_store::open(options, error));
  EXPECT_NE(error.find("AUTH"), std::string::npos) << error;
  options.address.password = "a long shared secret";
  options.address.db = 2;
  auto store = redis_store::open(options, error);
  ASSERT_TRUE(store) << error;
  store->start();
  EXPECT_EQ(append_and_wait(*store, "e", 1, records_of({"a"})).status, append_status::durable);
  EXPECT_EQ(read_all(*store, "e").size(), 1u);
}

TEST(RedisUrlTest, ReadsHostPortAndDatabase) {
  std::string error;
  auto plain = parse_redis_url("redis://127.0.0.1:6380", error);
  ASSERT_TRUE(plain) << error;
  EXPECT_EQ(plain->host, "127.0.0.1");
  EXPECT_EQ(plain->port, 6380);
  EXPECT_EQ(plain->db, 0u);
  auto with_db = parse_redis_url("redis://redis.internal/3", error);
  ASSERT_TRUE(with_db) << error;
  EXPECT_EQ(with_db->host, "redis.internal");
  EXPECT_EQ(with_db->port, 6379);
  EXPECT_EQ(with_db->db, 3u);
  auto v6 = parse_redis_url("redis://[::1]:7000/1", error);
  ASSERT_TRUE(v6) << error;
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 7000);
  EXPECT_EQ(v6->db, 1u);
}

TEST(RedisUrlTest, RefusesWhatItCannotUseWithAReason) {
  for (const char* url :
       {"http://x:1", "redis://", "redis://:6379", "redis://h:0", "redis://h:70000",
        "redis://h:", "redis://h/x", "redis://user:pw@h:1", "redis://[::1", "redis://h h:1"}) {
    std::string error;
    EXPECT_FALSE(parse_redis_url(url, error)) << url;
    EXPECT_FALSE(error.empty()) << url;
  }
}

}  // namespace
}  // namespace companion::gateway
