#include "gateway/sources/cursor_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <iterator>

namespace companion::gateway {
namespace {

bool write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace

cursor_file::cursor_file(std::filesystem::path path, std::chrono::milliseconds min_interval)
    : path_(std::move(path)), min_interval_(min_interval) {}

std::filesystem::path cursor_file::path_for(const std::filesystem::path& data_dir, std::string_view event,
                                            std::string_view source) {
  std::string name;
  name.append(event).append(".").append(source).append(".cursor");
  return data_dir / "cursors" / name;
}

std::optional<std::int64_t> cursor_file::load() const {
  std::ifstream in(path_);
  if (!in) return std::nullopt;
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value < 0) return std::nullopt;
  return value;
}

bool cursor_file::update(std::int64_t cursor, clock::time_point now) {
  latest_ = cursor;
  if (cursor == written_) return false;
  if (last_write_ && now - *last_write_ < min_interval_) return false;
  last_write_ = now;
  return write(cursor);
}

bool cursor_file::flush() {
  if (latest_ == written_) return true;
  return write(latest_);
}

bool cursor_file::write(std::int64_t cursor) {
  std::error_code ec;
  std::filesystem::create_directories(path_.parent_path(), ec);
  std::filesystem::path temp = path_;
  temp += ".tmp";
  std::string text = std::to_string(cursor) + "\n";

  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    error_ = "open " + temp.string() + ": " + std::strerror(errno);
    return false;
  }
  // Synced before the rename, so the name never points at a file whose bytes are not on disk.
  bool ok = write_all(fd, text) && ::fsync(fd) == 0;
  int saved = errno;
  ::close(fd);
  if (!ok) {
    error_ = "write " + temp.string() + ": " + std::strerror(saved);
    return false;
  }
  if (::rename(temp.c_str(), path_.c_str()) != 0) {
    error_ = "rename " + path_.string() + ": " + std::strerror(errno);
    return false;
  }
  // The rename itself is durable only once the folder is synced.
  int dir = ::open(path_.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  written_ = cursor;
  error_.clear();
  return true;
}

}  // namespace companion::gateway
