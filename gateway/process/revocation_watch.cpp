#include "gateway/process/revocation_watch.hpp"

#include <sys/stat.h>

#include <charconv>
#include <fstream>
#include <iterator>

#include "gateway/process/log.hpp"
#include "gateway/protocol/jwt.hpp"

namespace companion::gateway {

session::millis write_tokens_not_before(const std::filesystem::path& data_dir, session::millis now,
                                        std::string& error) {
  // The next whole second: tokens carry `iat` in seconds, so a token issued in the same
  // second as the revocation is refused, and one issued after the command returns is not.
  const std::int64_t seconds = now / 1000 + 1;
  const auto target = data_dir / tokens_not_before_file;
  const auto temporary = data_dir / (std::string(tokens_not_before_file) + ".tmp");
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << seconds << '\n';
    out.flush();
    if (!out) {
      error = "cannot write " + temporary.string();
      return 0;
    }
  }
  std::error_code ec;
  std::filesystem::rename(temporary, target, ec);
  if (ec) {
    error = "cannot write " + target.string() + ": " + ec.message();
    return 0;
  }
  return seconds * 1000;
}

revocation_watch::revocation_watch(std::filesystem::path data_dir, std::chrono::milliseconds period)
    : file_(std::move(data_dir) / tokens_not_before_file), period_(period) {}

revocation_watch::~revocation_watch() {
  stop();
}

void revocation_watch::load() {
  check();
}

void revocation_watch::start() {
  thread_ = std::thread([this] {
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, period_, [this] { return stopping_; })) {
      lock.unlock();
      check();
      lock.lock();
    }
  });
}

void revocation_watch::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void revocation_watch::check() {
  struct ::stat info {};
  // No file: no revocation yet (or the folder is unreadable: keep what we have).
  if (::stat(file_.c_str(), &info) != 0) return;
  // The file is replaced by a rename, so a new revocation is a new inode even when it
  // lands within the file system's timestamp granularity of the last one.
  const file_identity now{info.st_ino, info.st_size, info.st_mtim.tv_sec, info.st_mtim.tv_nsec};
  if (now == seen_) return;
  seen_ = now;
  std::ifstream in(file_);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const session::millis value = parse_tokens_not_before(text);
  if (value == 0) {
    log_event("tokens_not_before_unreadable", {{"file", file_.string()}});
    return;
  }
  // Only forward: an older file (a restored backup) does not bring revoked tokens back.
  if (value <= not_before_.load(std::memory_order_relaxed)) return;
  not_before_.store(value, std::memory_order_relaxed);
  log_event("tokens_revoked", {{"not_before_ms", std::to_string(value)}});
}

}  // namespace companion::gateway
