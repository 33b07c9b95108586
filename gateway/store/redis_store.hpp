// The journal store on Redis: each event's journal is a Redis Stream whose entry IDs
// are the records' positions (`<position>-0`), so a second writer can never fork it:
// Redis refuses an XADD whose ID is not above the stream's last, and the append script
// checks the engine lease in the same atomic step. A record is durable once Redis has
// acknowledged it (how durable that is depends on Redis's appendonly and appendfsync:
// docs/deployment.md). Appends go out from one thread of the store's own, in group
// commits like the SQLite store's; reads use a second connection.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "gateway/store/redis_connection.hpp"
#include "gateway/store/redis_url.hpp"
#include "session/journal_store.hpp"

namespace companion::gateway {

struct redis_store_options {
  redis_address address;
  // A Redis reply slower than this counts as Redis being down: the command fails.
  std::chrono::milliseconds timeout{2000};
  // Keys start with this, so one Redis can hold several deployments (and tests).
  std::string key_prefix = "companion:";
  // When set, an append or snapshot is stored only while this token holds the engine
  // lease (key `<prefix>engine-lease`): an engine that lost its lease writes nothing.
  std::string lease_token;
};

class redis_store final : public session::journal_store {
 public:
  // Null with `error` when Redis cannot be reached.
  static std::unique_ptr<redis_store> open(redis_store_options options, std::string& error);
  ~redis_store() override;
  redis_store(const redis_store&) = delete;
  redis_store& operator=(const redis_store&) = delete;

  std::string epoch_for(const std::string& event, std::int64_t now_ms, std::string& error) override;
  bool read(const std::string& event, std::uint64_t from, std::vector<session::stored_record>& out,
            std::string& error, std::size_t limit = all_records) override;
  void append(const std::string& event, std::uint64_t position, std::vector<session::journal_entry> records,
              session::append_done done) override;
  void resume(const std::string& event) override;
  void write_snapshot(const std::string& event, session::journal_snapshot snapshot,
                      session::append_done done) override;
  bool read_snapshot(const std::string& event, std::optional<session::journal_snapshot>& out,
                     std::string& error) override;
  std::string begin_epoch(const std::string& event, const std::vector<session::journal_entry>& records,
                          std::string& error) override;
  void start() override;
  void stop() override;
  session::store_stats stats() const override;

  // The key of the engine lease, for the lease itself.
  static std::string lease_key(const std::string& prefix) { return prefix + "engine-lease"; }

 private:
  struct work {
    enum class kind { append, snapshot, resume } what = kind::append;
    std::string event;
    std::uint64_t position = 0;
    std::vector<session::journal_entry> records;
    std::string state;
    session::append_done done;
    session::append_outcome outcome;
  };

  explicit redis_store(redis_store_options options);
  std::string key(const std::string& event, const char* part) const;
  void enqueue(work item);
  void run();
  // Decides batch[first .. last): appends of one event at consecutive positions, in one
  // script call; false when Redis could not be reached.
  bool write_appends(std::vector<work>& batch, std::size_t first, std::size_t last);
  bool write_snapshot_now(work& item);

  redis_store_options options_;
  redis_connection writer_connection_;  // writer thread only
  std::mutex reader_mutex_;
  redis_connection reader_connection_;

  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<work> queue_;
  bool stopping_ = false;
  std::thread writer_;
  std::set<std::string> refused_;  // writer thread only

  std::atomic<std::uint64_t> commits_{0};
  std::atomic<std::uint64_t> records_{0};
  std::atomic<std::uint64_t> failures_{0};
  std::atomic<std::uint64_t> fenced_{0};
  std::array<std::atomic<std::uint64_t>, 11> latency_buckets_{};
  std::atomic<std::uint64_t> latency_sum_us_{0};
};

}  // namespace companion::gateway
