#include "gateway/process/log_writer.hpp"

#include <unistd.h>

#include <cerrno>

namespace companion::gateway {

log_writer::log_writer(int fd, std::size_t capacity_bytes, log_counters& counters,
                       dropped_line describe_drops)
    : fd_(fd),
      capacity_bytes_(capacity_bytes),
      counters_(counters),
      describe_drops_(std::move(describe_drops)),
      thread_([this] { run(); }) {}

bool log_writer::push(std::string line) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || queued_bytes_ + line.size() > capacity_bytes_) {
      ++dropped_unreported_;
      counters_.dropped.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
    queued_bytes_ += line.size();
    queue_.push_back(std::move(line));
  }
  wake_.notify_one();
  return true;
}

bool log_writer::stop(std::chrono::milliseconds deadline) {
  std::unique_lock lock(mutex_);
  stopping_ = true;
  wake_.notify_one();
  if (!drained_.wait_for(lock, deadline, [this] { return finished_; })) {
    lock.unlock();
    thread_.detach();
    return false;
  }
  lock.unlock();
  thread_.join();
  return true;
}

void log_writer::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) break;  // stopping, and everything is written
    // One write(2) for everything queued: a burst of lines costs one system call.
    std::string batch;
    std::size_t lines = queue_.size();
    for (auto& line : queue_) batch += line;
    queue_.clear();
    if (dropped_unreported_ > 0) {
      batch += describe_drops_(dropped_unreported_);
      dropped_unreported_ = 0;
    }
    std::size_t taken = queued_bytes_;
    lock.unlock();
    write_all(batch);
    counters_.written.fetch_add(lines, std::memory_order_relaxed);
    lock.lock();
    queued_bytes_ -= taken;
  }
  finished_ = true;
  drained_.notify_all();
}

void log_writer::write_all(const std::string& text) {
  std::size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd_, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // a closed or broken stderr: nothing to do but carry on
    done += static_cast<std::size_t>(n);
  }
}

}  // namespace companion::gateway
