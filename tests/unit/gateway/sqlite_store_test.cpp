// What is particular to the SQLite journal store, against real database files in a
// temporary folder: crash safety, a disk that refuses writes, databases of earlier
// builds, the data folder's lock, the archive of old epochs. The cases every store
// passes are in journal_store_test.cpp.
#include "gateway/store/sqlite_store.hpp"
#include "store_test_support.hpp"

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

std::unique_ptr<sqlite_store> open_store(const std::filesystem::path& folder) {
  std::string error;
  auto store = sqlite_store::open(folder, true, error);
  EXPECT_TRUE(store) << error;
  return store;
}

// A stored snapshot drops the records it folds in before its position, keeps every other
// record, and keeps the one at its position so the journal ends where the writer goes on.
TEST(SqliteStoreTest, ASnapshotDropsTheRecordsItFoldsInAndTheJournalGoesOn) {
  temp_folder folder;
  auto store = open_store(folder.path());
  store->start();
  std::vector<journal_entry> batch;
  for (int n = 1; n <= 8; ++n) batch.push_back({4, "r" + std::to_string(n), n % 2 == 0});  // even: votes
  ASSERT_EQ(append_and_wait(*store, "e", 1, std::move(batch)).status, append_status::durable);
  ASSERT_EQ(append_and_wait(*store, "other", 1, {{4, "x1", true}, {4, "x2", false}}).status,
            append_status::durable);
  std::promise<append_outcome> kept;
  store->write_snapshot("e", {6, "{}"}, [&](const append_outcome& o) { kept.set_value(o); });
  ASSERT_EQ(kept.get_future().get().status, append_status::durable);
  std::vector<std::string> left;
  for (const auto& record : read_all(*store, "e")) left.push_back(record.text);
  // r2 and r4 folded; r6 marks the snapshot's position; r8 is after it.
  EXPECT_EQ(left, (std::vector<std::string>{"r1", "r3", "r5", "r6", "r7", "r8"}));
  EXPECT_EQ(read_all(*store, "other").size(), 2u);
  EXPECT_EQ(store->stats().snapshots, 1u);
  EXPECT_EQ(store->stats().folded, 2u);
  EXPECT_EQ(append_and_wait(*store, "e", 9, {{4, "r9", true}}).status, append_status::durable);
  EXPECT_EQ(append_and_wait(*store, "e", 9, {{4, "again", true}}).status, append_status::fenced);
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

TEST(SqliteStoreTest, ALiveNewEpochIsOrderedWithTheAppendsAroundIt) {
  temp_folder folder;
  auto store = open_store(folder.path());
  std::string error;
  const std::string old_epoch = store->epoch_for("e", 1, error);
  ASSERT_FALSE(old_epoch.empty()) << error;
  store->start();
  ASSERT_EQ(append_and_wait(*store, "e", 1, records_of({"keep 1", "drop 2"})).status, append_status::durable);
  // Queued together, in this order: an append of the old epoch, the new epoch, an append
  // of the new one (numbered after the kept records), and another event's append.
  std::promise<append_outcome> before_done;
  std::promise<session::epoch_outcome> epoch_done;
  std::promise<append_outcome> after_done, other_done;
  store->append("e", 3, records_of({"keep 3"}), [&](const append_outcome& o) { before_done.set_value(o); });
  store->begin_epoch_live(
      "e", [](const stored_record& record) { return record.text.starts_with("keep"); },
      [&](session::epoch_outcome o) { epoch_done.set_value(std::move(o)); });
  store->append("e", 3, records_of({"new 3"}), [&](const append_outcome& o) { after_done.set_value(o); });
  store->append("f", 1, records_of({"other"}), [&](const append_outcome& o) { other_done.set_value(o); });
  EXPECT_EQ(before_done.get_future().get().status, append_status::durable);
  session::epoch_outcome epoch = epoch_done.get_future().get();
  ASSERT_EQ(epoch.outcome.status, append_status::durable) << epoch.outcome.error;
  EXPECT_NE(epoch.epoch, old_epoch);
  ASSERT_EQ(epoch.journal.size(), 2u);
  EXPECT_EQ(epoch.journal[0].text, "keep 1");
  EXPECT_EQ(epoch.journal[1].text, "keep 3");
  EXPECT_EQ(epoch.journal[1].position, 2u);
  EXPECT_EQ(after_done.get_future().get().status, append_status::durable);
  EXPECT_EQ(other_done.get_future().get().status, append_status::durable);
  store->stop();

  EXPECT_EQ(store->epoch_for("e", 2, error), epoch.epoch);
  auto records = read_all(*store, "e");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[2].text, "new 3");
  EXPECT_EQ(read_all(*store, "f").size(), 1u);
  // The old epoch's journal, all three records, reads back from the archive.
  std::vector<stored_record> archived;
  ASSERT_TRUE(store->read_archived("e", old_epoch, 1, archived, error)) << error;
  ASSERT_EQ(archived.size(), 3u);
  EXPECT_EQ(archived[1].text, "drop 2");
  archived.clear();
  ASSERT_TRUE(store->read_archived("e", "no-such-epoch", 1, archived, error)) << error;
  EXPECT_TRUE(archived.empty());
}

TEST(SqliteStoreTest, ALiveNewEpochTakesAnEventARefusalStopped) {
  temp_folder folder;
  auto store = open_store(folder.path());
  std::string error;
  ASSERT_FALSE(store->epoch_for("e", 1, error).empty()) << error;
  store->start();
  ASSERT_EQ(append_and_wait(*store, "e", 1, records_of({"a"})).status, append_status::durable);
  // A hole: refused, and so is every later append until the writer resumes...
  EXPECT_EQ(append_and_wait(*store, "e", 5, records_of({"x"})).status, append_status::failed);
  EXPECT_EQ(append_and_wait(*store, "e", 2, records_of({"b"})).status, append_status::failed);
  // ...or a new epoch begins: it holds only durable records, so appends are taken again.
  std::promise<session::epoch_outcome> epoch_done;
  store->begin_epoch_live(
      "e", [](const stored_record&) { return true; },
      [&](session::epoch_outcome o) { epoch_done.set_value(std::move(o)); });
  auto epoch = epoch_done.get_future().get();
  ASSERT_EQ(epoch.outcome.status, append_status::durable) << epoch.outcome.error;
  EXPECT_EQ(epoch.journal.size(), 1u);
  EXPECT_EQ(append_and_wait(*store, "e", 2, records_of({"b"})).status, append_status::durable);
  store->stop();
}

}  // namespace
}  // namespace companion::gateway
