// The journal store of one machine: one SQLite database (WAL) in the data folder,
// written by one thread in group commits. An append's completion runs only after the
// transaction that holds it has committed.
#pragma once

#include <sqlite3.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "session/journal_store.hpp"

namespace companion::gateway {

class sqlite_store final : public session::journal_store {
 public:
  // Opens (creating) data_dir/companion.db. Returns null and sets `error` on failure.
  // `sole_writer`: holds a lock on the data folder for the store's life, refusing a second
  // process (a server, or an upgrade while one runs) that asks for it too.
  static std::unique_ptr<sqlite_store> open(const std::filesystem::path& data_dir, bool synchronous_full,
                                            std::string& error, bool sole_writer = false);
  ~sqlite_store() override;
  sqlite_store(const sqlite_store&) = delete;
  sqlite_store& operator=(const sqlite_store&) = delete;

  std::string epoch_for(const std::string& event, std::int64_t now_ms, std::string& error) override;
  bool read(const std::string& event, std::uint64_t from, std::vector<session::stored_record>& out,
            std::string& error, std::size_t limit = all_records) override;
  bool read_archived(const std::string& event, const std::string& epoch, std::uint64_t from,
                     std::vector<session::stored_record>& out, std::string& error,
                     std::size_t limit = all_records) override;
  void append(const std::string& event, std::uint64_t position, std::vector<session::journal_entry> records,
              session::append_done done) override;
  void resume(const std::string& event) override;
  void write_snapshot(const std::string& event, session::journal_snapshot snapshot,
                      session::append_done done) override;
  bool read_snapshot(const std::string& event, std::optional<session::journal_snapshot>& out,
                     std::string& error) override;
  std::string begin_epoch(const std::string& event, const std::vector<session::journal_entry>& records,
                          std::string& error) override;
  void begin_epoch_live(const std::string& event, session::record_filter keep,
                        session::epoch_done done) override;
  void start() override;
  void stop() override;
  session::store_stats stats() const override;

 private:
  // One item of the writer's queue: an append, a snapshot, or a resume.
  struct work {
    enum class kind { append, snapshot, resume, epoch } what = kind::append;
    std::string event;
    std::uint64_t position = 0;
    std::vector<session::journal_entry> records;
    std::string state;  // a snapshot's
    session::append_done done;
    session::append_outcome outcome;
    std::uint64_t folded = 0;  // records a stored snapshot dropped
    // A new epoch's: which records it keeps, what it came to, and whom to tell.
    session::record_filter keep;
    std::string epoch;
    std::vector<session::stored_record> kept;
    session::epoch_done epoch_done;
  };

  explicit sqlite_store(std::filesystem::path path);
  bool open_connection(sqlite3*& db, bool synchronous_full, std::string& error);
  // Adds column `name` with `definition` to a journal table written before it existed.
  bool add_journal_column(const char* name, const char* definition, std::string& error);
  void run();
  // Decides every item of `batch` in one transaction; false when the transaction failed.
  bool commit(std::vector<work>& batch, std::string& error);
  // Inside an open transaction: the event's journal moves to the archive, its snapshot is
  // dropped, and `epoch` begins with `records` at positions 1..n.
  bool replace_journal(const std::string& event, const std::string& epoch,
                       const std::vector<session::journal_entry>& records, std::string& error);
  // Inside the writer's transaction: the new epoch of `item`.
  bool start_epoch(work& item, std::string& error);

  std::filesystem::path path_;
  int lock_fd_ = -1;  // data_dir/companion.lock, flock'ed, when the sole writer
  sqlite3* db_ = nullptr;
  sqlite3_stmt* insert_ = nullptr;
  sqlite3_stmt* last_position_ = nullptr;
  sqlite3_stmt* save_snapshot_ = nullptr;
  sqlite3_stmt* fold_ = nullptr;

  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<work> queue_;
  bool stopping_ = false;
  std::thread writer_;
  // Writer thread only: events whose appends are refused until resume().
  std::set<std::string> refused_;

  std::atomic<std::uint64_t> commits_{0};
  std::atomic<std::uint64_t> records_{0};
  std::atomic<std::uint64_t> failures_{0};
  std::atomic<std::uint64_t> fenced_{0};
  std::atomic<std::uint64_t> snapshots_{0};
  std::atomic<std::uint64_t> folded_{0};
  std::array<std::atomic<std::uint64_t>, 11> latency_buckets_{};
  std::atomic<std::uint64_t> latency_sum_us_{0};
};

}  // namespace companion::gateway
