// The one place that writes log lines to stderr. Producers (I/O threads, the engine
// thread, ingest) only append to a bounded in-memory queue; a thread of its own does
// the writing, so a stderr that stalls (a full pipe, a slow journald) costs dropped
// lines, counted, and never a stalled server.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace companion::gateway {

struct log_counters {
  std::atomic<std::uint64_t> written{0};  // lines handed to stderr
  std::atomic<std::uint64_t> dropped{0};  // lines refused because the queue was full
  std::atomic<std::uint64_t> sampled{0};  // per-connection lines left out by sampling at info
};

class log_writer {
 public:
  // Says, in the log's own format, how many lines were dropped since the last batch.
  using dropped_line = std::function<std::string(std::uint64_t lines)>;

  // `capacity_bytes` bounds the queued text, the batch being written included.
  log_writer(int fd, std::size_t capacity_bytes, log_counters& counters, dropped_line describe_drops);
  log_writer(const log_writer&) = delete;
  log_writer& operator=(const log_writer&) = delete;

  // Queues one line (ending in '\n'); false, and counted, when it does not fit or the
  // writer has stopped. Never waits for the writer.
  bool push(std::string line);

  // Writes what is queued and ends the thread. Returns false when the output did not
  // take it within `deadline`: the thread is then left blocked in write(2), detached,
  // and the process may exit under it.
  bool stop(std::chrono::milliseconds deadline);

 private:
  void run();
  void write_all(const std::string& text);

  const int fd_;
  const std::size_t capacity_bytes_;
  log_counters& counters_;
  const dropped_line describe_drops_;
  std::mutex mutex_;
  std::condition_variable wake_;     // the writer waits for lines or stop
  std::condition_variable drained_;  // stop() waits for the writer to finish
  std::deque<std::string> queue_;
  std::size_t queued_bytes_ = 0;          // queue_ plus the batch being written
  std::uint64_t dropped_unreported_ = 0;  // told on stderr once the writer catches up
  bool stopping_ = false;
  bool finished_ = false;
  std::thread thread_;
};

}  // namespace companion::gateway
