// The "not before" time of staff and ingest tokens, set at run time by
// `companion tokens revoke`, which writes it to a file in the data folder. A thread
// of its own watches that file, so no I/O thread ever reads the disk; connections
// read the time from an atomic.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>

#include "session/types.hpp"

namespace companion::gateway {

// The file, in the data folder: one line, the not-before time in whole seconds since the epoch.
inline constexpr const char* tokens_not_before_file = "tokens-not-before";

// Writes a not-before time of the next whole second (atomically: a temporary file
// renamed over the old one) and returns it in ms; 0 and `error` set on failure.
session::millis write_tokens_not_before(const std::filesystem::path& data_dir, session::millis now,
                                        std::string& error);

class revocation_watch {
 public:
  revocation_watch(std::filesystem::path data_dir, std::chrono::milliseconds period);
  ~revocation_watch();

  // Reads the file once (at start-up, before any thread runs), then watches it.
  void load();
  void start();
  void stop();

  // Tokens issued before this (ms since the epoch) are refused; 0 when none are.
  session::millis not_before() const { return not_before_.load(std::memory_order_relaxed); }

 private:
  void check();

  std::filesystem::path file_;
  std::chrono::milliseconds period_;
  std::atomic<session::millis> not_before_{0};
  struct file_identity {
    std::uint64_t inode = 0;
    std::int64_t size = -1, seconds = 0, nanoseconds = 0;
    bool operator==(const file_identity&) const = default;
  };
  file_identity seen_;  // of the file last read; touched by one thread at a time
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace companion::gateway
