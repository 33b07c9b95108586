#include "gateway/store/sqlite_store.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <map>
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

// A connection closed on every path out of a function.
struct connection {
  sqlite3* handle = nullptr;
  ~connection() { sqlite3_close(handle); }
};

void bind_text(sqlite3_stmt* statement, int index, const std::string& text) {
  sqlite3_bind_text(statement, index, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
}

std::string column_text(sqlite3_stmt* statement, int column) {
  return {reinterpret_cast<const char*>(sqlite3_column_text(statement, column)),
          static_cast<std::size_t>(sqlite3_column_bytes(statement, column))};
}

}  // namespace

sqlite_store::sqlite_store(std::filesystem::path path) : path_(std::move(path)) {}

std::unique_ptr<sqlite_store> sqlite_store::open(const std::filesystem::path& data_dir, bool synchronous_full,
                                                 std::string& error, bool sole_writer) {
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  if (ec) {
    error = "cannot create data folder " + data_dir.string() + ": " + ec.message();
    return nullptr;
  }
  std::unique_ptr<sqlite_store> store(new sqlite_store(data_dir / "companion.db"));
  if (sole_writer) {
    // The kernel drops the lock with the process, however it ends: no stale lock files.
    const auto lock_path = data_dir / "companion.lock";
    store->lock_fd_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (store->lock_fd_ < 0) {
      error = "cannot open " + lock_path.string() + ": " + std::strerror(errno);
      return nullptr;
    }
    if (::flock(store->lock_fd_, LOCK_EX | LOCK_NB) != 0) {
      error = errno == EWOULDBLOCK ? "another companion process is using the journal in " +
                                         data_dir.string() + " (a journal has one writer): stop it first"
                                   : "cannot lock " + lock_path.string() + ": " + std::strerror(errno);
      return nullptr;
    }
  }
  if (!store->open_connection(store->db_, synchronous_full, error)) return nullptr;
  // The first two tables are as every earlier build wrote them (plus `format`, added in
  // place below); the others are new and ignored by earlier builds.
  const char* schema =
      "CREATE TABLE IF NOT EXISTS events (id TEXT PRIMARY KEY, epoch TEXT NOT NULL, created_at INTEGER NOT "
      "NULL);"
      "CREATE TABLE IF NOT EXISTS journal (event TEXT NOT NULL, n INTEGER NOT NULL, record TEXT NOT NULL,"
      " format INTEGER NOT NULL DEFAULT 1, PRIMARY KEY (event, n)) WITHOUT ROWID;"
      "CREATE TABLE IF NOT EXISTS snapshots (event TEXT PRIMARY KEY, n INTEGER NOT NULL, state TEXT NOT "
      "NULL);"
      "CREATE TABLE IF NOT EXISTS journal_archive (event TEXT NOT NULL, epoch TEXT NOT NULL, n INTEGER NOT "
      "NULL, record TEXT NOT NULL, format INTEGER NOT NULL, PRIMARY KEY (event, epoch, n)) WITHOUT ROWID;";
  if (!exec(store->db_, schema, error)) {
    error = "cannot prepare " + store->path_.string() + ": " + error;
    return nullptr;
  }
  // A journal written before records had a format version has no such column; its rows
  // are all version 1, the column's default. Rows from before `folds` never fold: they
  // stay, whatever snapshot comes.
  if (!store->add_journal_column("format", "INTEGER NOT NULL DEFAULT 1", error)) return nullptr;
  if (!store->add_journal_column("folds", "INTEGER NOT NULL DEFAULT 0", error)) return nullptr;
  auto prepare = [&](const char* sql, sqlite3_stmt*& out) {
    if (sqlite3_prepare_v2(store->db_, sql, -1, &out, nullptr) == SQLITE_OK) return true;
    error = sqlite3_errmsg(store->db_);
    return false;
  };
  if (!prepare("INSERT INTO journal (event, n, record, format, folds) VALUES (?, ?, ?, ?, ?)",
               store->insert_) ||
      !prepare("DELETE FROM journal WHERE event = ? AND n < ? AND folds = 1", store->fold_) ||
      !prepare("SELECT coalesce(max(n), 0) FROM journal WHERE event = ?", store->last_position_) ||
      !prepare("INSERT OR REPLACE INTO snapshots (event, n, state) VALUES (?, ?, ?)", store->save_snapshot_))
    return nullptr;
  return store;
}

bool sqlite_store::add_journal_column(const char* name, const char* definition, std::string& error) {
  statement columns;
  if (sqlite3_prepare_v2(db_, "SELECT 1 FROM pragma_table_info('journal') WHERE name = ?", -1,
                         &columns.handle, nullptr) != SQLITE_OK) {
    error = sqlite3_errmsg(db_);
    return false;
  }
  sqlite3_bind_text(columns.handle, 1, name, -1, SQLITE_STATIC);
  int rc = sqlite3_step(columns.handle);
  if (rc == SQLITE_ROW) return true;
  if (rc != SQLITE_DONE) {
    error = sqlite3_errmsg(db_);
    return false;
  }
  const std::string alter = std::string("ALTER TABLE journal ADD COLUMN ") + name + " " + definition;
  return exec(db_, alter.c_str(), error);
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

session::store_stats sqlite_store::stats() const {
  session::store_stats out;
  out.commits = commits_.load(std::memory_order_relaxed);
  out.records = records_.load(std::memory_order_relaxed);
  out.failures = failures_.load(std::memory_order_relaxed);
  out.fenced = fenced_.load(std::memory_order_relaxed);
  out.snapshots = snapshots_.load(std::memory_order_relaxed);
  out.folded = folded_.load(std::memory_order_relaxed);
  // Heap SQLite holds (page caches, statements), for all connections.
  out.memory_bytes = static_cast<std::uint64_t>(sqlite3_memory_used());
  for (std::size_t i = 0; i < out.latency_buckets.size(); ++i)
    out.latency_buckets[i] = latency_buckets_[i].load(std::memory_order_relaxed);
  out.latency_sum_us = latency_sum_us_.load(std::memory_order_relaxed);
  return out;
}

sqlite_store::~sqlite_store() {
  stop();
  sqlite3_finalize(insert_);
  sqlite3_finalize(last_position_);
  sqlite3_finalize(save_snapshot_);
  sqlite3_finalize(fold_);
  sqlite3_close(db_);
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

std::string sqlite_store::epoch_for(const std::string& event, std::int64_t now_ms, std::string& error) {
  statement select;
  sqlite3_prepare_v2(db_, "SELECT epoch FROM events WHERE id = ?", -1, &select.handle, nullptr);
  bind_text(select.handle, 1, event);
  if (sqlite3_step(select.handle) == SQLITE_ROW) return column_text(select.handle, 0);
  std::string epoch = random_epoch();
  statement insert;
  sqlite3_prepare_v2(db_, "INSERT INTO events (id, epoch, created_at) VALUES (?, ?, ?)", -1, &insert.handle,
                     nullptr);
  bind_text(insert.handle, 1, event);
  bind_text(insert.handle, 2, epoch);
  sqlite3_bind_int64(insert.handle, 3, now_ms);
  if (sqlite3_step(insert.handle) != SQLITE_DONE) {
    error = std::string("cannot record the event's epoch: ") + sqlite3_errmsg(db_);
    return {};
  }
  return epoch;
}

bool sqlite_store::read(const std::string& event, std::uint64_t from,
                        std::vector<session::stored_record>& out, std::string& error, std::size_t limit) {
  // Its own connection, so that any thread may read while the writer writes.
  connection reader;
  if (!open_connection(reader.handle, false, error)) return false;
  statement select;
  if (sqlite3_prepare_v2(
          reader.handle,
          "SELECT n, format, record FROM journal WHERE event = ? AND n >= ? ORDER BY n LIMIT ?", -1,
          &select.handle, nullptr) != SQLITE_OK) {
    error = sqlite3_errmsg(reader.handle);
    return false;
  }
  bind_text(select.handle, 1, event);
  sqlite3_bind_int64(select.handle, 2, static_cast<sqlite3_int64>(from));
  sqlite3_bind_int64(select.handle, 3, static_cast<sqlite3_int64>(std::min<std::size_t>(limit, all_records)));
  int rc;
  while ((rc = sqlite3_step(select.handle)) == SQLITE_ROW)
    out.push_back({static_cast<std::uint64_t>(sqlite3_column_int64(select.handle, 0)),
                   sqlite3_column_int(select.handle, 1), column_text(select.handle, 2)});
  if (rc != SQLITE_DONE) {
    error = sqlite3_errmsg(reader.handle);
    return false;
  }
  return true;
}

bool sqlite_store::read_archived(const std::string& event, const std::string& epoch, std::uint64_t from,
                                 std::vector<session::stored_record>& out, std::string& error,
                                 std::size_t limit) {
  connection reader;
  if (!open_connection(reader.handle, false, error)) return false;
  statement select;
  if (sqlite3_prepare_v2(
          reader.handle,
          "SELECT n, format, record FROM journal_archive WHERE event = ? AND epoch = ? AND n >= ? "
          "ORDER BY n LIMIT ?",
          -1, &select.handle, nullptr) != SQLITE_OK) {
    error = sqlite3_errmsg(reader.handle);
    return false;
  }
  bind_text(select.handle, 1, event);
  bind_text(select.handle, 2, epoch);
  sqlite3_bind_int64(select.handle, 3, static_cast<sqlite3_int64>(from));
  sqlite3_bind_int64(select.handle, 4, static_cast<sqlite3_int64>(std::min<std::size_t>(limit, all_records)));
  int rc;
  while ((rc = sqlite3_step(select.handle)) == SQLITE_ROW)
    out.push_back({static_cast<std::uint64_t>(sqlite3_column_int64(select.handle, 0)),
                   sqlite3_column_int(select.handle, 1), column_text(select.handle, 2)});
  if (rc != SQLITE_DONE) {
    error = sqlite3_errmsg(reader.handle);
    return false;
  }
  return true;
}

bool sqlite_store::read_snapshot(const std::string& event, std::optional<session::journal_snapshot>& out,
                                 std::string& error) {
  connection reader;
  if (!open_connection(reader.handle, false, error)) return false;
  statement select;
  if (sqlite3_prepare_v2(reader.handle, "SELECT n, state FROM snapshots WHERE event = ?", -1, &select.handle,
                         nullptr) != SQLITE_OK) {
    error = sqlite3_errmsg(reader.handle);
    return false;
  }
  bind_text(select.handle, 1, event);
  int rc = sqlite3_step(select.handle);
  out.reset();
  if (rc == SQLITE_ROW)
    out = session::journal_snapshot{static_cast<std::uint64_t>(sqlite3_column_int64(select.handle, 0)),
                                    column_text(select.handle, 1)};
  else if (rc != SQLITE_DONE) {
    error = sqlite3_errmsg(reader.handle);
    return false;
  }
  return true;
}

bool sqlite_store::replace_journal(const std::string& event, const std::string& epoch,
                                   const std::vector<session::journal_entry>& records, std::string& error) {
  auto fail = [&] {
    if (error.empty()) error = sqlite3_errmsg(db_);
    return false;
  };
  statement archive;
  if (sqlite3_prepare_v2(
          db_,
          "INSERT INTO journal_archive (event, epoch, n, record, format) SELECT j.event, e.epoch, "
          "j.n, j.record, j.format FROM journal j JOIN events e ON e.id = j.event WHERE j.event = ?",
          -1, &archive.handle, nullptr) != SQLITE_OK)
    return fail();
  bind_text(archive.handle, 1, event);
  if (sqlite3_step(archive.handle) != SQLITE_DONE) return fail();
  for (const char* sql : {"DELETE FROM journal WHERE event = ?", "DELETE FROM snapshots WHERE event = ?"}) {
    statement clear;
    if (sqlite3_prepare_v2(db_, sql, -1, &clear.handle, nullptr) != SQLITE_OK) return fail();
    bind_text(clear.handle, 1, event);
    if (sqlite3_step(clear.handle) != SQLITE_DONE) return fail();
  }
  statement set_epoch;
  if (sqlite3_prepare_v2(db_, "INSERT OR REPLACE INTO events (id, epoch, created_at) VALUES (?, ?, ?)", -1,
                         &set_epoch.handle, nullptr) != SQLITE_OK)
    return fail();
  bind_text(set_epoch.handle, 1, event);
  bind_text(set_epoch.handle, 2, epoch);
  sqlite3_bind_int64(set_epoch.handle, 3,
                     std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count());
  if (sqlite3_step(set_epoch.handle) != SQLITE_DONE) return fail();
  std::int64_t n = 0;
  for (const auto& record : records) {
    sqlite3_reset(insert_);
    bind_text(insert_, 1, event);
    sqlite3_bind_int64(insert_, 2, ++n);
    bind_text(insert_, 3, record.text);
    sqlite3_bind_int(insert_, 4, record.format);
    sqlite3_bind_int(insert_, 5, record.folds ? 1 : 0);
    if (sqlite3_step(insert_) != SQLITE_DONE) {
      error = sqlite3_errmsg(db_);
      sqlite3_reset(insert_);
      return false;
    }
  }
  sqlite3_reset(insert_);
  return true;
}

std::string sqlite_store::begin_epoch(const std::string& event,
                                      const std::vector<session::journal_entry>& records,
                                      std::string& error) {
  // One transaction: the old journal moves to the archive and the new one takes its
  // place, or nothing changes at all.
  if (!exec(db_, "BEGIN IMMEDIATE", error)) return {};
  const std::string epoch = random_epoch();
  if (!replace_journal(event, epoch, records, error) || !exec(db_, "COMMIT", error)) {
    std::string ignored;
    exec(db_, "ROLLBACK", ignored);
    return {};
  }
  return epoch;
}

void sqlite_store::begin_epoch_live(const std::string& event, session::record_filter keep,
                                    session::epoch_done done) {
  {
    std::lock_guard lock(mutex_);
    work item{work::kind::epoch, event, 0, {}, {}, {}, {}};
    item.keep = std::move(keep);
    item.epoch_done = std::move(done);
    queue_.push_back(std::move(item));
  }
  wake_.notify_one();
}

bool sqlite_store::start_epoch(work& item, std::string& error) {
  // The journal as this transaction sees it: every append queued before this one is in it.
  statement select;
  if (sqlite3_prepare_v2(db_, "SELECT n, format, record FROM journal WHERE event = ? ORDER BY n", -1,
                         &select.handle, nullptr) != SQLITE_OK) {
    error = sqlite3_errmsg(db_);
    return false;
  }
  bind_text(select.handle, 1, item.event);
  std::vector<session::journal_entry> entries;
  int rc;
  while ((rc = sqlite3_step(select.handle)) == SQLITE_ROW) {
    session::stored_record record{static_cast<std::uint64_t>(sqlite3_column_int64(select.handle, 0)),
                                  sqlite3_column_int(select.handle, 1), column_text(select.handle, 2)};
    if (!item.keep(record)) continue;
    record.position = item.kept.size() + 1;
    entries.push_back({record.format, record.text});
    item.kept.push_back(std::move(record));
  }
  if (rc != SQLITE_DONE) {
    error = sqlite3_errmsg(db_);
    return false;
  }
  item.epoch = random_epoch();
  return replace_journal(item.event, item.epoch, entries, error);
}

void sqlite_store::start() {
  writer_ = std::thread([this] { run(); });
}

void sqlite_store::append(const std::string& event, std::uint64_t position,
                          std::vector<session::journal_entry> records, session::append_done done) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(work{work::kind::append, event, position, std::move(records), {}, std::move(done), {}});
  }
  wake_.notify_one();
}

void sqlite_store::write_snapshot(const std::string& event, session::journal_snapshot snapshot,
                                  session::append_done done) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(work{
        work::kind::snapshot, event, snapshot.position, {}, std::move(snapshot.state), std::move(done), {}});
  }
  wake_.notify_one();
}

void sqlite_store::resume(const std::string& event) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(work{work::kind::resume, event, 0, {}, {}, {}, {}});
  }
  wake_.notify_one();
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
  std::vector<work> batch;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return !queue_.empty() || stopping_; });
      if (queue_.empty() && stopping_) return;
      // Everything queued while the last transaction ran goes into this one: group commit.
      batch.swap(queue_);
    }
    std::string error;
    auto started = std::chrono::steady_clock::now();
    bool ok = commit(batch, error);
    auto elapsed_us = static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started)
            .count());
    std::size_t bucket = 0;
    while (bucket < session::store_stats::bounds_us.size() &&
           elapsed_us > session::store_stats::bounds_us[bucket])
      ++bucket;
    latency_buckets_[bucket].fetch_add(1, std::memory_order_relaxed);
    latency_sum_us_.fetch_add(elapsed_us, std::memory_order_relaxed);
    if (ok)
      commits_.fetch_add(1, std::memory_order_relaxed);
    else
      failures_.fetch_add(1, std::memory_order_relaxed);
    for (auto& item : batch) {
      if (item.what == work::kind::append && item.outcome.status == session::append_status::durable)
        records_.fetch_add(item.records.size(), std::memory_order_relaxed);
      if (item.what == work::kind::snapshot && item.outcome.status == session::append_status::durable) {
        snapshots_.fetch_add(1, std::memory_order_relaxed);
        folded_.fetch_add(item.folded, std::memory_order_relaxed);
      }
      if (item.outcome.status == session::append_status::fenced)
        fenced_.fetch_add(1, std::memory_order_relaxed);
      if (item.done) item.done(item.outcome);
      if (item.epoch_done) {
        if (item.outcome.status != session::append_status::durable) item.kept.clear();
        item.epoch_done({item.outcome,
                         item.outcome.status == session::append_status::durable ? item.epoch : "",
                         std::move(item.kept)});
      }
    }
    batch.clear();
  }
}

bool sqlite_store::commit(std::vector<work>& batch, std::string& error) {
  using session::append_status;
  auto refuse = [this](work& item, append_status status, std::string why) {
    item.outcome = {status, std::move(why)};
    if (item.what == work::kind::append) refused_.insert(item.event);
  };
  // Refusals and resumes are decided in queue order, so that an append made before a
  // resume() stays refused even when both share a batch.
  if (!exec(db_, "BEGIN IMMEDIATE", error)) {
    for (auto& item : batch)
      if (item.what == work::kind::resume)
        refused_.erase(item.event);
      else
        refuse(item, append_status::failed, error);
    return false;
  }
  // The end of each journal as this transaction sees it, read once: no other writer can
  // append between BEGIN IMMEDIATE and COMMIT.
  std::map<std::string, std::uint64_t> ends;
  auto end_of = [&](const std::string& event) -> std::optional<std::uint64_t> {
    if (auto it = ends.find(event); it != ends.end()) return it->second;
    sqlite3_reset(last_position_);
    bind_text(last_position_, 1, event);
    if (sqlite3_step(last_position_) != SQLITE_ROW) {
      error = sqlite3_errmsg(db_);
      sqlite3_reset(last_position_);
      return std::nullopt;
    }
    auto end = static_cast<std::uint64_t>(sqlite3_column_int64(last_position_, 0));
    sqlite3_reset(last_position_);
    return ends[event] = end;
  };
  bool written = true;
  for (auto& item : batch) {
    if (item.what == work::kind::resume) {
      refused_.erase(item.event);
      continue;
    }
    if (!written) {
      refuse(item, append_status::failed, error);
      continue;
    }
    if (item.what == work::kind::epoch) {
      written = start_epoch(item, error);
      if (!written) {
        item.outcome = {append_status::failed, error};
        continue;
      }
      // The new journal holds only durable records: the event's appends are taken again.
      refused_.erase(item.event);
      ends[item.event] = item.kept.size();
      item.outcome = {append_status::durable, {}};
      continue;
    }
    if (refused_.contains(item.event)) {
      refuse(item, append_status::failed,
             "an earlier append of this event was refused; the writer must resume");
      continue;
    }
    auto end = end_of(item.event);
    if (!end) {
      written = false;
      refuse(item, append_status::failed, error);
      continue;
    }
    if (item.what == work::kind::snapshot) {
      if (item.position > *end) {
        item.outcome = {append_status::failed, "the snapshot is ahead of the journal (position " +
                                                   std::to_string(item.position) + ", journal ends at " +
                                                   std::to_string(*end) + ")"};
        continue;
      }
      sqlite3_reset(save_snapshot_);
      bind_text(save_snapshot_, 1, item.event);
      sqlite3_bind_int64(save_snapshot_, 2, static_cast<sqlite3_int64>(item.position));
      bind_text(save_snapshot_, 3, item.state);
      written = sqlite3_step(save_snapshot_) == SQLITE_DONE;
      if (!written) error = sqlite3_errmsg(db_);
      sqlite3_reset(save_snapshot_);
      if (written) {
        // What the snapshot folds in leaves the journal; the record at its position stays,
        // so the journal still ends where the writer will append next.
        sqlite3_reset(fold_);
        bind_text(fold_, 1, item.event);
        sqlite3_bind_int64(fold_, 2, static_cast<sqlite3_int64>(item.position));
        written = sqlite3_step(fold_) == SQLITE_DONE;
        if (written)
          item.folded = static_cast<std::uint64_t>(sqlite3_changes(db_));
        else
          error = sqlite3_errmsg(db_);
        sqlite3_reset(fold_);
      }
      item.outcome = {written ? append_status::durable : append_status::failed, written ? "" : error};
      continue;
    }
    if (item.position <= *end) {
      refuse(item, append_status::fenced,
             "position " + std::to_string(item.position) + " is taken: the journal already ends at " +
                 std::to_string(*end));
      continue;
    }
    if (item.position > *end + 1) {
      refuse(item, append_status::failed,
             "position " + std::to_string(item.position) + " would leave a hole: the journal ends at " +
                 std::to_string(*end));
      continue;
    }
    std::uint64_t n = item.position;
    for (const auto& record : item.records) {
      sqlite3_reset(insert_);
      bind_text(insert_, 1, item.event);
      sqlite3_bind_int64(insert_, 2, static_cast<sqlite3_int64>(n));
      bind_text(insert_, 3, record.text);
      sqlite3_bind_int(insert_, 4, record.format);
      sqlite3_bind_int(insert_, 5, record.folds ? 1 : 0);
      if (sqlite3_step(insert_) != SQLITE_DONE) {
        error = sqlite3_errmsg(db_);
        written = false;
        break;
      }
      ++n;
    }
    sqlite3_reset(insert_);
    if (!written) {
      refuse(item, append_status::failed, error);
      continue;
    }
    ends[item.event] = n - 1;
    item.outcome = {append_status::durable, {}};
  }
  if (written && exec(db_, "COMMIT", error)) return true;
  std::string ignored;
  exec(db_, "ROLLBACK", ignored);
  // Nothing of the transaction was stored: what looked written fails too, and its event
  // is refused until resumed, as are the events of appends that were written.
  for (auto& item : batch)
    if (item.what != work::kind::resume && item.outcome.status == append_status::durable)
      refuse(item, append_status::failed, error);
  return false;
}

}  // namespace companion::gateway
