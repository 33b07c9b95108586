#include "gateway/store/sqlite_store.hpp"

#include <chrono>
#include <random>

namespace companion::gateway {
namespace {

bool exec(sqlite3* db, const char* sql, std::string& error) {
  char* message = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &message) == SQLITE_OK) return true;
  error = message ? message : sqlite3_errmsg(db);
  sqlite3_free(message);
  return false;
}

std::string random_epoch() {
  std::random_device device;
  static constexpr char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::string epoch;
  for (int i = 0; i < 12; ++i) epoch.push_back(digits[device() % 36]);
  return epoch;
}

// Prepared statements closed on every path out of a function.
struct statement {
  sqlite3_stmt* handle = nullptr;
  ~statement() { sqlite3_finalize(handle); }
};

}  // namespace

sqlite_store::sqlite_store(std::filesystem::path path) : path_(std::move(path)) {}

std::unique_ptr<sqlite_store> sqlite_store::open(const std::filesystem::path& data_dir, bool synchronous_full,
                                                 std::string& error) {
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  if (ec) {
    error = "cannot create data folder " + data_dir.string() + ": " + ec.message();
    return nullptr;
  }
  std::unique_ptr<sqlite_store> store(new sqlite_store(data_dir / "companion.db"));
  if (!store->open_connection(store->db_, synchronous_full, error)) return nullptr;
  const char* schema =
      "CREATE TABLE IF NOT EXISTS events (id TEXT PRIMARY KEY, epoch TEXT NOT NULL, created_at INTEGER NOT "
      "NULL);"
      "CREATE TABLE IF NOT EXISTS journal (event TEXT NOT NULL, n INTEGER NOT NULL, record TEXT NOT NULL,"
      " format INTEGER NOT NULL DEFAULT 1, PRIMARY KEY (event, n)) WITHOUT ROWID;";
  if (!exec(store->db_, schema, error)) return nullptr;
  if (!store->add_format_column(error)) return nullptr;
  if (sqlite3_prepare_v2(store->db_, "INSERT INTO journal (event, n, record, format) VALUES (?, ?, ?, ?)", -1,
                         &store->insert_, nullptr) != SQLITE_OK) {
    error = sqlite3_errmsg(store->db_);
    return nullptr;
  }
  return store;
}

bool sqlite_store::add_format_column(std::string& error) {
  // A journal written before records had a format version has no such column;
  // its rows are all version 1, which is the column's default.
  statement columns;
  if (sqlite3_prepare_v2(db_, "SELECT 1 FROM pragma_table_info('journal') WHERE name = 'format'", -1,
                         &columns.handle, nullptr) != SQLITE_OK) {
    error = sqlite3_errmsg(db_);
    return false;
  }
  int rc = sqlite3_step(columns.handle);
  if (rc == SQLITE_ROW) return true;
  if (rc != SQLITE_DONE) {
    error = sqlite3_errmsg(db_);
    return false;
  }
  return exec(db_, "ALTER TABLE journal ADD COLUMN format INTEGER NOT NULL DEFAULT 1", error);
}

bool sqlite_store::open_connection(sqlite3*& db, bool synchronous_full, std::string& error) {
  if (sqlite3_open_v2(path_.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                      nullptr) != SQLITE_OK) {
    error = "cannot open " + path_.string() + ": " + (db ? sqlite3_errmsg(db) : "out of memory");
    return false;
  }
  sqlite3_busy_timeout(db, 5000);
  // WAL lets readers run beside the single writer; FULL syncs the WAL on every commit.
  // Appends touch only the right edge of the journal's B-tree and reads are one scan,
  // so a small page cache does as well as SQLite's 2 MiB default and keeps memory flat.
  std::string pragmas = std::string("PRAGMA journal_mode=WAL; PRAGMA cache_size=-512; PRAGMA synchronous=") +
                        (synchronous_full ? "FULL" : "NORMAL") + ";";
  if (!exec(db, pragmas.c_str(), error)) {
    error = "cannot configure " + path_.string() + ": " + error;
    return false;
  }
  return true;
}

std::uint64_t sqlite_store::memory_used() {
  return static_cast<std::uint64_t>(sqlite3_memory_used());
}

sqlite_store::~sqlite_store() {
  stop();
  sqlite3_finalize(insert_);
  sqlite3_close(db_);
}

std::string sqlite_store::epoch_for(const std::string& event, std::int64_t now_ms, std::string& error) {
  statement select;
  sqlite3_prepare_v2(db_, "SELECT epoch FROM events WHERE id = ?", -1, &select.handle, nullptr);
  sqlite3_bind_text(select.handle, 1, event.c_str(), -1, SQLITE_TRANSIENT);
  if (sqlite3_step(select.handle) == SQLITE_ROW)
    return reinterpret_cast<const char*>(sqlite3_column_text(select.handle, 0));
  std::string epoch = random_epoch();
  statement insert;
  sqlite3_prepare_v2(db_, "INSERT INTO events (id, epoch, created_at) VALUES (?, ?, ?)", -1, &insert.handle,
                     nullptr);
  sqlite3_bind_text(insert.handle, 1, event.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(insert.handle, 2, epoch.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(insert.handle, 3, now_ms);
  if (sqlite3_step(insert.handle) != SQLITE_DONE) {
    error = std::string("cannot record the event's epoch: ") + sqlite3_errmsg(db_);
    return {};
  }
  return epoch;
}

bool sqlite_store::load_journal(const std::string& event, std::vector<std::string>& records,
                                std::string& error) {
  statement select;
  if (sqlite3_prepare_v2(db_, "SELECT n, record FROM journal WHERE event = ? ORDER BY n", -1, &select.handle,
                         nullptr) != SQLITE_OK) {
    error = sqlite3_errmsg(db_);
    return false;
  }
  sqlite3_bind_text(select.handle, 1, event.c_str(), -1, SQLITE_TRANSIENT);
  std::int64_t last = 0;
  int rc;
  while ((rc = sqlite3_step(select.handle)) == SQLITE_ROW) {
    last = sqlite3_column_int64(select.handle, 0);
    records.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(select.handle, 1)),
                         static_cast<std::size_t>(sqlite3_column_bytes(select.handle, 1)));
  }
  if (rc != SQLITE_DONE) {
    error = sqlite3_errmsg(db_);
    return false;
  }
  next_n_[event] = last + 1;
  return true;
}

bool sqlite_store::read_committed(const std::string& event, std::vector<std::string>& records,
                                  std::string& error) {
  sqlite3* reader = nullptr;
  if (!open_connection(reader, false, error)) {
    sqlite3_close(reader);
    return false;
  }
  bool ok;
  {
    statement select;
    ok = sqlite3_prepare_v2(reader, "SELECT record FROM journal WHERE event = ? ORDER BY n", -1,
                            &select.handle, nullptr) == SQLITE_OK;
    if (ok) {
      sqlite3_bind_text(select.handle, 1, event.c_str(), -1, SQLITE_TRANSIENT);
      int rc;
      while ((rc = sqlite3_step(select.handle)) == SQLITE_ROW)
        records.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(select.handle, 0)),
                             static_cast<std::size_t>(sqlite3_column_bytes(select.handle, 0)));
      ok = rc == SQLITE_DONE;
    }
    if (!ok) error = sqlite3_errmsg(reader);
  }
  sqlite3_close(reader);
  return ok;
}

void sqlite_store::start(std::function<void(const std::string& event)> on_failure) {
  on_failure_ = std::move(on_failure);
  writer_ = std::thread([this] { run(); });
}

void sqlite_store::append(journal_append entry) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(entry));
  }
  wake_.notify_one();
}

void sqlite_store::clear_failure(const std::string& event) {
  std::lock_guard lock(mutex_);
  failed_events_.erase(event);
}

void sqlite_store::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && !writer_.joinable()) return;
    stopping_ = true;
  }
  wake_.notify_one();
  if (writer_.joinable()) writer_.join();
}

void sqlite_store::run() {
  std::vector<journal_append> batch;
  for (;;) {
    std::set<std::string> failed;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return !queue_.empty() || stopping_; });
      if (queue_.empty() && stopping_) return;
      // Everything queued while the last transaction ran goes into this one: group commit.
      batch.swap(queue_);
      failed = failed_events_;
    }
    // Entries of an event whose earlier commit failed were computed from state that
    // was never stored; they fail until that event has been rebuilt.
    std::vector<journal_append> refused;
    std::erase_if(batch, [&](journal_append& entry) {
      if (!failed.contains(entry.event)) return false;
      refused.push_back(std::move(entry));
      return true;
    });
    for (auto& entry : refused) entry.done(false, "the store is recovering from a failed write");

    std::string error;
    auto started = std::chrono::steady_clock::now();
    bool ok = batch.empty() || commit(batch, error);
    auto elapsed_us = static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started)
            .count());
    if (!batch.empty()) {
      std::size_t bucket = 0;
      while (bucket < store_counters::bounds_us.size() && elapsed_us > store_counters::bounds_us[bucket])
        ++bucket;
      counters_.latency_buckets[bucket].fetch_add(1, std::memory_order_relaxed);
      counters_.latency_sum_us.fetch_add(elapsed_us, std::memory_order_relaxed);
    }
    if (ok) {
      counters_.commits.fetch_add(1, std::memory_order_relaxed);
      counters_.records.fetch_add(batch.size(), std::memory_order_relaxed);
    } else {
      counters_.failures.fetch_add(1, std::memory_order_relaxed);
      std::set<std::string> newly_failed;
      for (const auto& entry : batch) newly_failed.insert(entry.event);
      {
        std::lock_guard lock(mutex_);
        failed_events_.insert(newly_failed.begin(), newly_failed.end());
      }
      if (on_failure_)
        for (const auto& event : newly_failed) on_failure_(event);
    }
    for (auto& entry : batch) entry.done(ok, error);
    batch.clear();
  }
}

bool sqlite_store::commit(std::vector<journal_append>& batch, std::string& error) {
  auto numbering = next_n_;
  if (!exec(db_, "BEGIN IMMEDIATE", error)) return false;
  for (const auto& entry : batch) {
    std::int64_t& n = next_n_[entry.event];
    if (n == 0) n = 1;
    sqlite3_reset(insert_);
    sqlite3_bind_text(insert_, 1, entry.event.data(), static_cast<int>(entry.event.size()), SQLITE_STATIC);
    sqlite3_bind_int64(insert_, 2, n);
    sqlite3_bind_text(insert_, 3, entry.record.data(), static_cast<int>(entry.record.size()), SQLITE_STATIC);
    sqlite3_bind_int(insert_, 4, entry.format);
    if (sqlite3_step(insert_) != SQLITE_DONE) {
      error = sqlite3_errmsg(db_);
      sqlite3_reset(insert_);
      std::string ignored;
      exec(db_, "ROLLBACK", ignored);
      next_n_ = std::move(numbering);
      return false;
    }
    ++n;
  }
  sqlite3_reset(insert_);
  if (!exec(db_, "COMMIT", error)) {
    std::string ignored;
    exec(db_, "ROLLBACK", ignored);
    next_n_ = std::move(numbering);
    return false;
  }
  return true;
}

}  // namespace companion::gateway
