// The cases every journal store must pass, run on each implementation against the real
// thing: a SQLite file in a temporary folder, and a redis-server started on loopback for
// the test. Ordering, durability callbacks, reads from a point and by page, snapshots,
// fencing between two writers, a new epoch.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <future>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "gateway/store/redis_store.hpp"
#include "gateway/store/sqlite_store.hpp"
#include "redis_server.hpp"
#include "store_test_support.hpp"

namespace companion::gateway {
namespace {

using session::append_outcome;
using session::append_status;
using session::journal_entry;
using session::stored_record;

enum class backend { sqlite, redis };

class JournalStoreTest : public ::testing::TestWithParam<backend> {
 protected:
  void SetUp() override {
    if (GetParam() == backend::redis) redis_ = std::make_unique<testing::redis_server>();
  }

  // Another store on the same data: a second process's view, or a second writer.
  std::unique_ptr<session::journal_store> open() {
    std::string error;
    std::unique_ptr<session::journal_store> store;
    if (GetParam() == backend::sqlite) {
      store = sqlite_store::open(folder_.path(), true, error);
    } else {
      redis_store_options options;
      options.address = {"127.0.0.1", redis_->port(), 0};
      store = redis_store::open(options, error);
    }
    EXPECT_TRUE(store) << error;
    return store;
  }

  temp_folder folder_;
  std::unique_ptr<testing::redis_server> redis_;
};

TEST_P(JournalStoreTest, BatchesAreStoredInTheOrderTheyWereAppended) {
  auto store = open();
  store->start();
  std::mutex mutex;
  std::vector<std::uint64_t> completed;
  std::promise<void> all_done;
  constexpr std::uint64_t batches = 500;
  std::uint64_t position = 1;
  for (std::uint64_t i = 0; i < batches; ++i) {
    // Batches of one, two and three records: positions advance by the batch's size.
    std::vector<journal_entry> batch;
    for (std::uint64_t k = 0; k <= i % 3; ++k) batch.push_back({3, "{\"i\":" + std::to_string(i) + "}"});
    const std::uint64_t size = batch.size();
    store->append("e", position, std::move(batch), [&, i](const append_outcome& outcome) {
      EXPECT_EQ(outcome.status, append_status::durable) << outcome.error;
      std::lock_guard lock(mutex);
      completed.push_back(i);
      if (completed.size() == batches) all_done.set_value();
    });
    position += size;
  }
  all_done.get_future().wait();
  for (std::uint64_t i = 0; i < batches; ++i) ASSERT_EQ(completed[i], i) << "callbacks run in append order";
  auto records = read_all(*store, "e");
  ASSERT_EQ(records.size(), position - 1);
  std::uint64_t expected_position = 1;
  for (std::uint64_t i = 0; i < batches; ++i)
    for (std::uint64_t k = 0; k <= i % 3; ++k) {
      const auto& record = records[expected_position - 1];
      EXPECT_EQ(record.position, expected_position);
      EXPECT_EQ(record.text, "{\"i\":" + std::to_string(i) + "}");
      EXPECT_EQ(record.format, 3);
      ++expected_position;
    }
  EXPECT_EQ(store->stats().records, position - 1);
}

TEST_P(JournalStoreTest, DurableOnlyAfterCommitAReaderSeesTheRecordsWhenTheCallbackRuns) {
  auto store = open();
  store->start();
  // A second process's view: another store instance on the same file, its own connection.
  auto observer = open();
  for (std::uint64_t position = 1; position <= 50; ++position) {
    std::promise<std::size_t> seen;
    store->append("e", position, records_of({"{\"n\":" + std::to_string(position) + "}"}),
                  [&](const append_outcome& outcome) {
                    EXPECT_EQ(outcome.status, append_status::durable);
                    // Inside the callback the record must already be committed.
                    seen.set_value(read_all(*observer, "e").size());
                  });
    EXPECT_EQ(seen.get_future().get(), position);
  }
}

TEST_P(JournalStoreTest, ReadsFromAPoint) {
  auto store = open();
  store->start();
  ASSERT_EQ(append_and_wait(*store, "e", 1, records_of({"a", "b", "c", "d"})).status, append_status::durable);
  ASSERT_EQ(append_and_wait(*store, "other", 1, records_of({"x"})).status, append_status::durable);
  auto tail = read_all(*store, "e", 3);
  ASSERT_EQ(tail.size(), 2u);
  EXPECT_EQ(tail[0].position, 3u);
  EXPECT_EQ(tail[0].text, "c");
  EXPECT_EQ(tail[1].text, "d");
  EXPECT_TRUE(read_all(*store, "e", 5).empty());
  EXPECT_EQ(read_all(*store, "other").size(), 1u);
  EXPECT_TRUE(read_all(*store, "never").empty());
}

TEST_P(JournalStoreTest, ReadsAPageAtATime) {
  auto store = open();
  store->start();
  ASSERT_EQ(append_and_wait(*store, "e", 1, records_of({"a", "b", "c", "d", "e"})).status,
            append_status::durable);
  std::vector<std::string> texts;
  std::string error;
  for (std::uint64_t from = 1;; from += 2) {
    std::vector<stored_record> page;
    ASSERT_TRUE(store->read("e", from, page, error, 2)) << error;
    ASSERT_LE(page.size(), 2u);
    for (const auto& record : page) texts.push_back(record.text);
    if (page.size() < 2) break;
  }
  EXPECT_EQ(texts, (std::vector<std::string>{"a", "b", "c", "d", "e"}));
}

TEST_P(JournalStoreTest, SnapshotsAreKeptOnlyForDurablePositions) {
  auto store = open();
  store->start();
  std::optional<session::journal_snapshot> snapshot;
  std::string error;
  ASSERT_TRUE(store->read_snapshot("e", snapshot, error)) << error;
  EXPECT_FALSE(snapshot);

  ASSERT_EQ(append_and_wait(*store, "e", 1, records_of({"a", "b"})).status, append_status::durable);
  std::promise<append_outcome> ahead;
  store->write_snapshot("e", {5, "{\"too\":\"far\"}"}, [&](const append_outcome& o) { ahead.set_value(o); });
  auto refused = ahead.get_future().get();
  EXPECT_EQ(refused.status, append_status::failed);
  EXPECT_NE(refused.error.find("ahead of the journal"), std::string::npos) << refused.error;

  // Queued right after an append, a snapshot covering it is kept: both are ordered.
  store->append("e", 3, records_of({"c"}), [](const append_outcome&) {});
  std::promise<append_outcome> kept;
  store->write_snapshot("e", {3, "{\"state\":3}"}, [&](const append_outcome& o) { kept.set_value(o); });
  EXPECT_EQ(kept.get_future().get().status, append_status::durable);
  ASSERT_TRUE(store->read_snapshot("e", snapshot, error)) << error;
  ASSERT_TRUE(snapshot);
  EXPECT_EQ(snapshot->position, 3u);
  EXPECT_EQ(snapshot->state, "{\"state\":3}");

  store->stop();
  auto reopened = open();
  ASSERT_TRUE(reopened->read_snapshot("e", snapshot, error)) << error;
  ASSERT_TRUE(snapshot);
  EXPECT_EQ(snapshot->position, 3u);
  EXPECT_EQ(read_all(*reopened, "e", snapshot->position + 1).size(), 0u);
}

TEST_P(JournalStoreTest, TwoWritersAtTheSamePositionOneIsFenced) {
  auto first = open();
  auto second = open();
  first->start();
  second->start();
  ASSERT_EQ(append_and_wait(*first, "e", 1, records_of({"first-1"})).status, append_status::durable);
  // The second writer believes the journal is empty: position 1 is taken.
  auto fenced = append_and_wait(*second, "e", 1, records_of({"second-1"}));
  EXPECT_EQ(fenced.status, append_status::fenced);
  EXPECT_NE(fenced.error.find("taken"), std::string::npos) << fenced.error;
  // Its next append, computed from the refused one, is refused as well: no fork, even
  // though position 2 is free.
  auto follower = append_and_wait(*second, "e", 2, records_of({"second-2"}));
  EXPECT_EQ(follower.status, append_status::failed);
  // The first writer carries on.
  EXPECT_EQ(append_and_wait(*first, "e", 2, records_of({"first-2"})).status, append_status::durable);
  // Resumed after reading what is durable, the second writes after the first's records.
  second->resume("e");
  EXPECT_EQ(append_and_wait(*second, "e", 3, records_of({"second-3"})).status, append_status::durable);
  auto records = read_all(*first, "e");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].text, "first-1");
  EXPECT_EQ(records[1].text, "first-2");
  EXPECT_EQ(records[2].text, "second-3");
  EXPECT_EQ(second->stats().fenced, 1u);
}

TEST_P(JournalStoreTest, RacingWritersNeverForkTheJournal) {
  auto first = open();
  auto second = open();
  first->start();
  second->start();
  // Both append positions 1..200 as fast as they can; every position ends up with exactly
  // one record, and each writer's durable records form one unbroken run from its start.
  constexpr std::uint64_t count = 200;
  std::mutex mutex;
  std::map<std::string, std::vector<std::uint64_t>> durable;
  std::promise<void> first_done, second_done;
  auto run = [&](session::journal_store& store, const std::string& name, std::promise<void>& done) {
    for (std::uint64_t position = 1; position <= count; ++position)
      store.append("e", position, records_of({name + "-" + std::to_string(position)}),
                   [&, position, name](const append_outcome& outcome) {
                     std::lock_guard lock(mutex);
                     if (outcome.status == append_status::durable) durable[name].push_back(position);
                     if (position == count) done.set_value();
                   });
  };
  std::thread a([&] { run(*first, "a", first_done); });
  std::thread b([&] { run(*second, "b", second_done); });
  a.join();
  b.join();
  first_done.get_future().wait();
  second_done.get_future().wait();
  auto records = read_all(*first, "e");
  for (std::size_t i = 0; i < records.size(); ++i) EXPECT_EQ(records[i].position, i + 1);
  // Both start at position 1: one writer is first and writes everything; the other is
  // fenced at once and, never resumed, writes nothing after.
  ASSERT_EQ(records.size(), count);
  EXPECT_TRUE((durable["a"].size() == count && durable["b"].empty()) ||
              (durable["b"].size() == count && durable["a"].empty()))
      << durable["a"].size() << " and " << durable["b"].size();
}

TEST_P(JournalStoreTest, TheEpochIsCreatedOnceAndKept) {
  auto store = open();
  std::string error;
  const std::string epoch = store->epoch_for("e", 1, error);
  ASSERT_FALSE(epoch.empty()) << error;
  EXPECT_EQ(store->epoch_for("e", 2, error), epoch);
  EXPECT_EQ(open()->epoch_for("e", 3, error), epoch);
  EXPECT_NE(store->epoch_for("other", 4, error), epoch);
}

TEST_P(JournalStoreTest, ANewEpochStartsAFreshJournalWithoutTheSnapshot) {
  auto store = open();
  std::string error;
  const std::string old_epoch = store->epoch_for("e", 1, error);
  store->start();
  ASSERT_EQ(append_and_wait(*store, "e", 1, records_of({"a", "b"})).status, append_status::durable);
  std::promise<append_outcome> kept;
  store->write_snapshot("e", {2, "{}"}, [&](const append_outcome& o) { kept.set_value(o); });
  ASSERT_EQ(kept.get_future().get().status, append_status::durable);
  store->stop();
  const std::string new_epoch = store->begin_epoch("e", {{3, "c"}}, error);
  ASSERT_FALSE(new_epoch.empty()) << error;
  EXPECT_NE(new_epoch, old_epoch);
  EXPECT_EQ(store->epoch_for("e", 2, error), new_epoch);
  auto records = read_all(*store, "e");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].text, "c");
  EXPECT_EQ(records[0].position, 1u);
  std::optional<session::journal_snapshot> snapshot;
  ASSERT_TRUE(store->read_snapshot("e", snapshot, error)) << error;
  EXPECT_FALSE(snapshot);
  // A writer of the old epoch, far ahead, cannot append into the new journal.
  auto writer = open();
  writer->start();
  EXPECT_NE(append_and_wait(*writer, "e", 3, records_of({"stale"})).status, append_status::durable);
}

INSTANTIATE_TEST_SUITE_P(Stores, JournalStoreTest, ::testing::Values(backend::sqlite, backend::redis),
                         [](const ::testing::TestParamInfo<backend>& param) {
                           return param.param == backend::sqlite ? "sqlite" : "redis";
                         });

}  // namespace
}  // namespace companion::gateway
