// The durable journal of every event: one SQLite database (WAL) in the data
// folder, written by one thread in group commits. An entry's completion runs only
// after the transaction that holds it has committed.
#pragma once

#include <sqlite3.h>

#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace companion::gateway {

struct journal_append {
  std::string event;
  std::string record;  // one JSON journal record
  int format = 1;      // the record's format version (its "v"), kept in its own column too
  // Runs on the store thread after commit (ok) or after a failed transaction (error text).
  std::function<void(bool ok, const std::string& error)> done;
};

struct store_counters {
  std::atomic<std::uint64_t> commits{0};
  std::atomic<std::uint64_t> records{0};
  std::atomic<std::uint64_t> failures{0};
  // Commit latency histogram, upper bounds in microseconds (last bucket: +Inf).
  static constexpr std::array<std::uint64_t, 10> bounds_us{250,   500,   1000,  2500,   5000,
                                                           10000, 25000, 50000, 100000, 250000};
  std::array<std::atomic<std::uint64_t>, 11> latency_buckets{};
  std::atomic<std::uint64_t> latency_sum_us{0};
};

class sqlite_store {
 public:
  // Opens (creating) data_dir/companion.db. Returns null and sets `error` on failure.
  static std::unique_ptr<sqlite_store> open(const std::filesystem::path& data_dir, bool synchronous_full,
                                            std::string& error);
  ~sqlite_store();
  sqlite_store(const sqlite_store&) = delete;
  sqlite_store& operator=(const sqlite_store&) = delete;

  // Startup, before start(): the event's epoch (created on first use) and its journal.
  std::string epoch_for(const std::string& event, std::int64_t now_ms, std::string& error);
  bool load_journal(const std::string& event, std::vector<std::string>& records, std::string& error);

  // Starts the writer thread. `on_failure` runs on it once per event whose commit failed.
  void start(std::function<void(const std::string& event)> on_failure);
  // Thread-safe. Entries are committed in the order they were appended.
  void append(journal_append entry);
  // After a failed commit the event's later appends fail too, until the engine has
  // rebuilt itself from what was committed and calls this.
  void clear_failure(const std::string& event);
  // Reads the committed journal from any thread (its own connection).
  bool read_committed(const std::string& event, std::vector<std::string>& records, std::string& error);
  // Commits what is queued and stops the writer thread.
  void stop();

  const store_counters& counters() const { return counters_; }
  // Bytes SQLite holds on the heap (page caches, statements), for all connections.
  static std::uint64_t memory_used();

 private:
  explicit sqlite_store(std::filesystem::path path);
  bool open_connection(sqlite3*& db, bool synchronous_full, std::string& error);
  // Brings a journal table from before format versions up to date.
  bool add_format_column(std::string& error);
  void run();
  bool commit(std::vector<journal_append>& batch, std::string& error);

  std::filesystem::path path_;
  sqlite3* db_ = nullptr;
  sqlite3_stmt* insert_ = nullptr;
  std::map<std::string, std::int64_t> next_n_;

  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<journal_append> queue_;
  std::set<std::string> failed_events_;
  bool stopping_ = false;
  std::thread writer_;
  std::function<void(const std::string&)> on_failure_;
  store_counters counters_;
};

}  // namespace companion::gateway
