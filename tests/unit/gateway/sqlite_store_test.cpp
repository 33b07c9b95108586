// The SQLite journal store on its own, against a real database file in a temporary
// folder: ordering, durability callbacks, crash safety, reads from a point, snapshots,
// fencing between two writers, and a disk that refuses writes.
#include "gateway/store/sqlite_store.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <future>
#include <map>
#include <mutex>
#include <random>
#include <thread>

namespace companion::gateway {
namespace {

using session::append_outcome;
using session::append_status;
using session::journal_entry;
using session::stored_record;

class temp_folder {
 public:
  temp_folder() {
    path_ = std::filesystem::temp_directory_path() /
            ("companion-store-" + std::to_string(::getpid()) + "-" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(path_);
  }
  ~temp_folder() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

std::vector<journal_entry> records_of(std::initializer_list<std::string> texts) {
  std::vector<journal_entry> out;
  for (const auto& text : texts) out.push_back({3, text});
  return out;
}

// Appends and waits for the outcome.
append_outcome append_and_wait(session::journal_store& store, const std::string& event,
                               std::uint64_t position, std::vector<journal_entry> records) {
  std::promise<append_outcome> done;
  auto outcome = done.get_future();
  store.append(event, position, std::move(records), [&](const append_outcome& o) { done.set_value(o); });
  return outcome.get();
}

std::vector<stored_record> read_all(session::journal_store& store, const std::string& event,
                                    std::uint64_t from = 1) {
  std::vector<stored_record> out;
  std::string error;
  EXPECT_TRUE(store.read(event, from, out, error)) << error;
  return out;
}

std::unique_ptr<sqlite_store> open_store(const std::filesystem::path& folder) {
  std::string error;
  auto store = sqlite_store::open(folder, true, error);
  EXPECT_TRUE(store) << error;
  return store;
}

TEST(SqliteStoreTest, BatchesAreStoredInTheOrderTheyWereAppended) {
  temp_folder folder;
  auto store = open_store(folder.path());
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

TEST(SqliteStoreTest, DurableOnlyAfterCommitAReaderSeesTheRecordsWhenTheCallbackRuns) {
  temp_folder folder;
  auto store = open_store(folder.path());
  store->start();
  // A second process's view: another store instance on the same file, its own connection.
  auto observer = open_store(folder.path());
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

TEST(SqliteStoreTest, ReadsFromAPoint) {
  temp_folder folder;
  auto store = open_store(folder.path());
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

TEST(SqliteStoreTest, ReadsAPageAtATime) {
  temp_folder folder;
  auto store = open_store(folder.path());
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

TEST(SqliteStoreTest, SnapshotsAreKeptOnlyForDurablePositions) {
  temp_folder folder;
  auto store = open_store(folder.path());
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
  auto reopened = open_store(folder.path());
  ASSERT_TRUE(reopened->read_snapshot("e", snapshot, error)) << error;
  ASSERT_TRUE(snapshot);
  EXPECT_EQ(snapshot->position, 3u);
  EXPECT_EQ(read_all(*reopened, "e", snapshot->position + 1).size(), 0u);
}

TEST(SqliteStoreTest, TwoWritersAtTheSamePositionOneIsFenced) {
  temp_folder folder;
  auto first = open_store(folder.path());
  auto second = open_store(folder.path());
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

TEST(SqliteStoreTest, RacingWritersNeverForkTheJournal) {
  temp_folder folder;
  auto first = open_store(folder.path());
  auto second = open_store(folder.path());
  first->start();
  second->start();
  // Both append positions 1..200 as fast as they can; every position ends up with exactly
  // one record, and each writer's durable records form one unbroken run from its start.
  constexpr std::uint64_t count = 200;
  std::mutex mutex;
  std::map<std::string, std::vector<std::uint64_t>> durable;
  std::promise<void> first_done, second_done;
  auto run = [&](sqlite_store& store, const std::string& name, std::promise<void>& done) {
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

// Kills a child process while it appends, many times over, and reopens the journal:
// what is there is a prefix of what was appended, with no hole and no torn record.
TEST(SqliteStoreTest, AKilledWriterLeavesAPrefixWithNoHole) {
  temp_folder folder;
  std::uint64_t last_seen = 0;
  for (int round = 0; round < 8; ++round) {
    int ready[2];
    ASSERT_EQ(::pipe(ready), 0);
    pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      ::close(ready[0]);
      std::string error;
      auto store = sqlite_store::open(folder.path(), true, error);
      if (!store) ::_exit(3);
      std::vector<stored_record> existing;
      if (!store->read("e", 1, existing, error)) ::_exit(4);
      store->start();
      std::uint64_t position = existing.size() + 1;
      std::atomic<int> outstanding{0};
      std::atomic<bool> signalled{false};
      const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
      // Appends without waiting for each, a few dozen in flight, until killed.
      while (std::chrono::steady_clock::now() < give_up) {
        std::vector<journal_entry> batch;
        for (std::uint64_t k = 0; k < 4; ++k)
          batch.push_back(
              {3, "{\"n\":" + std::to_string(position + k) + ",\"pad\":\"" + std::string(300, 'x') + "\"}"});
        ++outstanding;
        store->append("e", position, std::move(batch), [&](const append_outcome& outcome) {
          if (outcome.status != append_status::durable) ::_exit(5);
          if (!signalled.exchange(true)) (void)!::write(ready[1], "x", 1);
          --outstanding;
        });
        position += 4;
        while (outstanding.load() > 32) std::this_thread::sleep_for(std::chrono::microseconds(100));
      }
      ::_exit(6);
    }
    ::close(ready[1]);
    char byte;
    ASSERT_EQ(::read(ready[0], &byte, 1), 1) << "the child made a first append durable";
    ::close(ready[0]);
    // Let it run into the middle of some transaction, then kill it without warning.
    std::this_thread::sleep_for(std::chrono::milliseconds(20 + 15 * round));
    ::kill(child, SIGKILL);
    int status = 0;
    ::waitpid(child, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status)) << "the child was still appending when killed (exit "
                                     << WEXITSTATUS(status) << ")";

    auto store = open_store(folder.path());
    auto records = read_all(*store, "e");
    ASSERT_GE(records.size(), last_seen) << "nothing durable was lost";
    ASSERT_EQ(records.size() % 4, 0u) << "a batch is whole or absent";
    for (std::size_t i = 0; i < records.size(); ++i) {
      ASSERT_EQ(records[i].position, i + 1);
      ASSERT_EQ(records[i].text.find("{\"n\":" + std::to_string(i + 1) + ","), 0u) << records[i].text;
    }
    last_seen = records.size();
  }
  EXPECT_GT(last_seen, 0u);
}

// A disk that fills up: the file size limit stands for a full disk in a child process
// (no privileges needed); the append fails with SQLite's reason and nothing is half-stored.
TEST(SqliteStoreTest, AFullDiskFailsTheAppendClearlyAndKeepsWhatWasDurable) {
  temp_folder folder;
  {
    auto store = open_store(folder.path());
    store->start();
    ASSERT_EQ(append_and_wait(*store, "e", 1, records_of({"{\"before\":1}"})).status, append_status::durable);
  }
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::signal(SIGXFSZ, SIG_IGN);
    std::string error;
    auto store = sqlite_store::open(folder.path(), true, error);
    if (!store) ::_exit(3);
    store->start();
    rlimit limit{1 << 20, 1 << 20};
    ::setrlimit(RLIMIT_FSIZE, &limit);
    std::uint64_t position = 2;
    for (int i = 0; i < 100; ++i) {
      auto outcome = append_and_wait(*store, "e", position, {{3, std::string(64 * 1024, 'y')}});
      if (outcome.status == append_status::failed) {
        // SQLite says why: "database or disk is full" or a disk I/O error.
        const bool clear = outcome.error.find("full") != std::string::npos ||
                           outcome.error.find("disk I/O") != std::string::npos;
        // Later appends are refused until the writer resumes.
        auto next = append_and_wait(*store, "e", position, {{3, "{}"}});
        ::_exit(clear && next.status == append_status::failed ? 0 : 7);
      }
      ++position;
    }
    ::_exit(8);
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "3: open, 7: unclear error, 8: never failed";
  auto store = open_store(folder.path());
  auto records = read_all(*store, "e");
  ASSERT_GE(records.size(), 1u);
  EXPECT_EQ(records[0].text, "{\"before\":1}");
  for (std::size_t i = 0; i < records.size(); ++i) EXPECT_EQ(records[i].position, i + 1);
  for (std::size_t i = 1; i < records.size(); ++i) EXPECT_EQ(records[i].text.size(), 64u * 1024);
  // Room again: the same store carries on after resume.
  store->start();
  store->resume("e");
  EXPECT_EQ(append_and_wait(*store, "e", records.size() + 1, records_of({"{\"after\":1}"})).status,
            append_status::durable);
}

// A real full filesystem: a 256 KiB tmpfs (needs the privilege to mount; skipped without).
TEST(SqliteStoreTest, AFullFilesystemFailsTheAppendAndKeepsAPrefix) {
  temp_folder folder;
  const auto mount_point = folder.path() / "small";
  std::filesystem::create_directories(mount_point);
  if (::mount("tmpfs", mount_point.c_str(), "tmpfs", 0, "size=256k") != 0)
    GTEST_SKIP() << "cannot mount a tmpfs here";
  struct unmount {
    std::filesystem::path path;
    ~unmount() { ::umount2(path.c_str(), MNT_DETACH); }
  } unmount_at_end{mount_point};
  {
    auto store = open_store(mount_point);
    store->start();
    ASSERT_EQ(append_and_wait(*store, "e", 1, records_of({"{\"before\":1}"})).status, append_status::durable);
    std::uint64_t position = 2;
    append_outcome outcome;
    for (int i = 0; i < 100; ++i, ++position) {
      outcome = append_and_wait(*store, "e", position, {{3, std::string(32 * 1024, 'z')}});
      if (outcome.status != append_status::durable) break;
    }
    ASSERT_EQ(outcome.status, append_status::failed);
    EXPECT_TRUE(outcome.error.find("full") != std::string::npos ||
                outcome.error.find("disk I/O") != std::string::npos)
        << outcome.error;
  }
  auto store = open_store(mount_point);
  auto records = read_all(*store, "e");
  ASSERT_GE(records.size(), 1u);
  EXPECT_EQ(records[0].text, "{\"before\":1}");
  for (std::size_t i = 0; i < records.size(); ++i) EXPECT_EQ(records[i].position, i + 1);
}

TEST(SqliteStoreTest, AnUnwritableFolderIsAClearErrorAtOpen) {
  temp_folder folder;
  const auto blocked = folder.path() / "file";
  {
    std::FILE* f = std::fopen(blocked.c_str(), "w");
    std::fclose(f);
  }
  std::string error;
  auto store = sqlite_store::open(blocked / "data", true, error);
  EXPECT_FALSE(store);
  EXPECT_NE(error.find("cannot create data folder"), std::string::npos) << error;
}

// A database as the builds before the store interface wrote it (and, without `format`,
// the ones before format versions): opened in place, read whole, appended to after its end.
TEST(SqliteStoreTest, DatabasesOfEarlierBuildsOpenInPlace) {
  for (bool with_format : {true, false}) {
    temp_folder folder;
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((folder.path() / "companion.db").c_str(), &db), SQLITE_OK);
    std::string schema =
        "PRAGMA journal_mode=WAL;"
        "CREATE TABLE events (id TEXT PRIMARY KEY, epoch TEXT NOT NULL, created_at INTEGER NOT NULL);"
        "INSERT INTO events VALUES ('e', 'oldepoch0001', 1);";
    schema += with_format
                  ? "CREATE TABLE journal (event TEXT NOT NULL, n INTEGER NOT NULL, record TEXT NOT NULL,"
                    " format INTEGER NOT NULL DEFAULT 1, PRIMARY KEY (event, n)) WITHOUT ROWID;"
                    "INSERT INTO journal VALUES ('e', 1, '{\"a\":1}', 1), ('e', 2, '{\"v\":3}', 3);"
                  : "CREATE TABLE journal (event TEXT NOT NULL, n INTEGER NOT NULL, record TEXT NOT NULL,"
                    " PRIMARY KEY (event, n)) WITHOUT ROWID;"
                    "INSERT INTO journal VALUES ('e', 1, '{\"a\":1}'), ('e', 2, '{\"v\":3}');";
    ASSERT_EQ(sqlite3_exec(db, schema.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
    sqlite3_close(db);

    auto store = open_store(folder.path());
    std::string error;
    EXPECT_EQ(store->epoch_for("e", 2, error), "oldepoch0001");
    auto records = read_all(*store, "e");
    ASSERT_EQ(records.size(), 2u);
    EXPECT_EQ(records[0].text, "{\"a\":1}");
    EXPECT_EQ(records[0].format, 1);
    EXPECT_EQ(records[1].format, with_format ? 3 : 1);
    store->start();
    EXPECT_EQ(append_and_wait(*store, "e", 2, records_of({"{}"})).status, append_status::fenced);
    store->resume("e");
    EXPECT_EQ(append_and_wait(*store, "e", 3, records_of({"{}"})).status, append_status::durable);
    EXPECT_EQ(read_all(*store, "e").size(), 3u);
  }
}

TEST(SqliteStoreTest, ASoleWriterLocksTheDataFolderUntilItCloses) {
  temp_folder folder;
  std::string error;
  auto first = sqlite_store::open(folder.path(), true, error, /*sole_writer=*/true);
  ASSERT_TRUE(first) << error;
  // Another process asking to be the sole writer is refused with the reason.
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    std::string refused;
    auto second = sqlite_store::open(folder.path(), true, refused, true);
    ::_exit(!second && refused.find("another companion process is using the journal") != std::string::npos
                ? 0
                : 1);
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  first.reset();
  auto again = sqlite_store::open(folder.path(), true, error, true);
  EXPECT_TRUE(again) << error;
}

TEST(SqliteStoreTest, ANewEpochKeepsTheOldJournalAside) {
  temp_folder folder;
  auto store = open_store(folder.path());
  std::string error;
  const std::string old_epoch = store->epoch_for("e", 1, error);
  ASSERT_FALSE(old_epoch.empty()) << error;
  store->start();
  ASSERT_EQ(append_and_wait(*store, "e", 1, records_of({"a", "b"})).status, append_status::durable);
  store->stop();
  const std::string new_epoch = store->begin_epoch("e", {{3, "c"}}, error);
  ASSERT_FALSE(new_epoch.empty()) << error;
  EXPECT_NE(new_epoch, old_epoch);
  EXPECT_EQ(store->epoch_for("e", 2, error), new_epoch);
  auto records = read_all(*store, "e");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].text, "c");
  EXPECT_EQ(records[0].position, 1u);
  // The old epoch's records are still in the database, under their epoch.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((folder.path() / "companion.db").c_str(), &db), SQLITE_OK);
  sqlite3_stmt* count = nullptr;
  sqlite3_prepare_v2(db, "SELECT count(*), min(epoch) FROM journal_archive WHERE event = 'e'", -1, &count,
                     nullptr);
  ASSERT_EQ(sqlite3_step(count), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(count, 0), 2);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(sqlite3_column_text(count, 1))), old_epoch);
  sqlite3_finalize(count);
  sqlite3_close(db);
}

}  // namespace
}  // namespace companion::gateway
