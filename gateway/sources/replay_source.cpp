#include "gateway/sources/replay_source.hpp"

#include <boost/json/parse.hpp>
#include <fstream>

#include "common/iso_time.hpp"
#include "gateway/process/clock.hpp"

namespace companion::gateway {
namespace {

// A gap longer than this in the file is shortened: a replay should not fall silent for long.
constexpr session::millis max_gap_ms = 60'000;

session::millis time_of(const boost::json::value& value) {
  if (value.is_int64()) return value.get_int64();
  if (value.is_uint64()) return static_cast<session::millis>(value.get_uint64());
  if (value.is_string())
    return common::parse_iso8601_ms(value.get_string(), common::iso8601_form::feed).value_or(0);
  return 0;
}

session::millis field_time(const boost::json::object& object) {
  for (const char* key : {"created_at", "createdAt"})
    if (auto it = object.find(key); it != object.end()) return time_of(it->value());
  return 0;
}

}  // namespace

session::millis replay_source::line_time(std::string_view line) {
  boost::system::error_code ec;
  auto parsed = boost::json::parse(line, ec);
  if (ec || !parsed.is_object()) return 0;
  const auto& object = parsed.get_object();
  if (auto it = object.find("time_us"); it != object.end()) return time_of(it->value()) / 1000;
  if (session::millis at = field_time(object)) return at;
  if (auto it = object.find("data"); it != object.end() && it->value().is_object())
    return field_time(it->value().get_object());
  if (auto it = object.find("payload"); it != object.end() && it->value().is_string()) {
    auto payload = boost::json::parse(it->value().get_string(), ec);
    if (!ec && payload.is_object()) return field_time(payload.get_object());
  }
  return 0;
}

std::unique_ptr<replay_source> replay_source::open(ingest_host& host, std::size_t event,
                                                   const std::filesystem::path& file, double speed,
                                                   std::optional<source_overrides::anchor> anchor,
                                                   std::string& error) {
  std::ifstream in(file);
  if (!in) {
    error = "cannot read replay file " + file.string();
    return nullptr;
  }
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) lines.push_back(std::move(line));
  return std::unique_ptr<replay_source>(
      new replay_source(host, event, file.filename().string(), std::move(lines), speed, anchor));
}

replay_source::replay_source(ingest_host& host, std::size_t event, std::string name,
                             std::vector<std::string> lines, double speed,
                             std::optional<source_overrides::anchor> anchor)
    : host_(host),
      event_(event),
      name_(std::move(name)),
      lines_(std::move(lines)),
      speed_(speed),
      anchor_(anchor),
      timer_(host.context()) {
  times_.reserve(lines_.size());
  for (const auto& line : lines_) times_.push_back(line_time(line));
}

void replay_source::start() {
  timer_.expires_after(std::chrono::milliseconds(0));
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec && !stopped_) step();
  });
}

void replay_source::stop() {
  stopped_ = true;
  timer_.cancel();
}

session::millis replay_source::due(std::size_t line) const {
  if (!anchor_ || speed_ <= 0 || times_[line] <= 0) return 0;
  return anchor_->wall_ms +
         static_cast<session::millis>(static_cast<double>(times_[line] - anchor_->file_ms) / speed_);
}

void replay_source::wait(session::millis delay_ms) {
  timer_.expires_after(std::chrono::milliseconds(delay_ms));
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec && !stopped_) step();
  });
}

void replay_source::step() {
  // As fast as possible still yields every so often, so webhooks on this thread get a turn.
  for (int burst = 0; next_ < lines_.size() && burst < 256; ++burst) {
    std::size_t current = next_;
    // Anchored, a line waits for its moment on the wall clock (a file may describe hours).
    const session::millis stamp = due(current);
    if (stamp > 0) {
      const session::millis now = wall_clock_ms();
      if (stamp > now) return wait(stamp - now);
    }
    ++next_;
    if (host_.feed(event_, lines_[current], tracker::wire_format::unknown, nullptr,
                   tracker::ingest_lane::source, stamp) == ingest_host::line_outcome::accepted)
      ++accepted_;
    if (next_ >= lines_.size()) return;
    if (anchor_) continue;
    session::millis gap = 0;
    if (speed_ > 0 && times_[current] > 0 && times_[next_] > times_[current])
      gap = static_cast<session::millis>(
          static_cast<double>(std::min(times_[next_] - times_[current], max_gap_ms)) / speed_);
    if (gap > 0) return wait(gap);
  }
  if (next_ < lines_.size()) wait(0);
}

boost::json::object replay_source::status() const {
  return {{"kind", "replay"},
          {"file", name_},
          {"state", next_ >= lines_.size() ? "finished" : (stopped_ ? "stopped" : "replaying")},
          {"lines", lines_.size()},
          {"position", next_},
          {"accepted", accepted_},
          {"speed", speed_}};
}

}  // namespace companion::gateway
