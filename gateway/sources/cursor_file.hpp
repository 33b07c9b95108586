// The durable resume position of one source of one event: a small file in the
// data folder holding the last position processed (Jetstream's time_us). It is
// replaced atomically (temp file, fsync, rename) at most once per interval and
// at stop, so a crash leaves either the old or the new cursor, never a torn one.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace companion::gateway {

class cursor_file {
 public:
  using clock = std::chrono::steady_clock;

  // At most one write per second: a few bytes and an fsync, off the per-frame path.
  explicit cursor_file(std::filesystem::path path,
                       std::chrono::milliseconds min_interval = std::chrono::seconds(1));

  // <data_dir>/cursors/<event>.<source>.cursor
  static std::filesystem::path path_for(const std::filesystem::path& data_dir, std::string_view event,
                                        std::string_view source);

  // The stored cursor; nullopt when there is none or the file does not hold one.
  std::optional<std::int64_t> load() const;

  // Records `cursor` as processed; writes it when the last write is at least the
  // interval old. True when it was written.
  bool update(std::int64_t cursor, clock::time_point now);

  // Writes the latest cursor if it has not been written yet (at stop). False on an I/O error.
  bool flush();

  std::int64_t latest() const { return latest_; }
  const std::filesystem::path& path() const { return path_; }
  // The last write's error, empty after a successful write.
  const std::string& error() const { return error_; }

 private:
  bool write(std::int64_t cursor);

  std::filesystem::path path_;
  std::chrono::milliseconds min_interval_;
  std::int64_t latest_ = 0;
  std::int64_t written_ = 0;
  std::optional<clock::time_point> last_write_;
  std::string error_;
};

// Where to resume from a stored cursor: a little earlier, so that frames processed
// but not yet recorded are not lost; dedup drops the repeats.
constexpr std::int64_t rewind_cursor(std::int64_t cursor_us, std::int64_t rewind_us = 2'000'000) {
  return cursor_us > rewind_us ? cursor_us - rewind_us : 0;
}

}  // namespace companion::gateway
