#include "gateway/process/log.hpp"

#include <unistd.h>

#include <atomic>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <map>
#include <mutex>

namespace companion::gateway {
namespace {

std::atomic<log_format> format_{log_format::text};
std::atomic<log_level> level_{log_level::info};
std::atomic<bool> quiet_{false};
log_counters counters_;
// Never destroyed: when stderr is stalled at exit the writer thread is left blocked in
// write(2) and must still find its state while the process unwinds.
std::atomic<log_writer*> writer_{nullptr};
std::atomic<bool> stopped_{false};

// At info, per-connection lines are sampled per kind: the first in each second passes.
struct sample_window {
  std::int64_t second = -1;
  std::uint64_t left_out = 0;
};
std::mutex sampling_mutex_;
std::map<std::string, sample_window, std::less<>> sampling_;

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool needs_quotes(std::string_view value) {
  if (value.empty()) return true;
  for (char c : value)
    if (c == ' ' || c == '"' || c == '=' || static_cast<unsigned char>(c) < 0x20) return true;
  return false;
}

std::string format_line(std::string_view event, std::span<const log_field> fields,
                        std::optional<log_field> extra = std::nullopt) {
  auto now = now_ms();
  std::string line;
  if (format_.load(std::memory_order_relaxed) == log_format::json) {
    boost::json::object json{{"ts", now}, {"event", event}};
    for (const auto& [key, value] : fields) json[key] = value;
    if (extra) json[extra->first] = extra->second;
    line = boost::json::serialize(json);
  } else {
    line = "ts=" + std::to_string(now) + " event=" + std::string(event);
    auto append = [&line](const log_field& field) {
      line += ' ';
      line += field.first;
      line += '=';
      // Quoted values go through the JSON string encoder, so no byte can forge a field.
      line += needs_quotes(field.second) ? boost::json::serialize(boost::json::string_view(field.second))
                                         : field.second;
    };
    for (const auto& field : fields) append(field);
    if (extra) append(*extra);
  }
  line += '\n';
  return line;
}

void emit(std::string line) {
  if (log_writer* writer = writer_.load(std::memory_order_acquire)) {
    writer->push(std::move(line));
  } else if (stopped_.load(std::memory_order_acquire)) {
    counters_.dropped.fetch_add(1, std::memory_order_relaxed);
  } else {
    std::size_t done = 0;
    while (done < line.size()) {
      ssize_t n = ::write(STDERR_FILENO, line.data() + done, line.size() - done);
      if (n <= 0) return;
      done += static_cast<std::size_t>(n);
    }
    counters_.written.fetch_add(1, std::memory_order_relaxed);
  }
}

}  // namespace

std::optional<log_level> parse_log_level(std::string_view text) {
  if (text == "debug") return log_level::debug;
  if (text == "info") return log_level::info;
  return std::nullopt;
}

void set_log_format(log_format format) {
  format_.store(format);
}
void set_log_level(log_level level) {
  level_.store(level);
}
void set_log_quiet(bool quiet) {
  quiet_.store(quiet);
}

void start_log_writer(std::size_t capacity_bytes) {
  if (writer_.load() || stopped_.load()) return;
  writer_.store(new log_writer(STDERR_FILENO, capacity_bytes, counters_, [](std::uint64_t lines) {
    const log_field field{"lines", std::to_string(lines)};
    return format_line("log_lines_dropped", std::span<const log_field>(&field, 1));
  }));
}

bool stop_log_writer(std::chrono::milliseconds deadline) {
  stopped_.store(true, std::memory_order_release);
  log_writer* writer = writer_.load();
  if (!writer) return true;
  // The writer object stays: a producer that loaded it just before may still push, which
  // it refuses (and counts) from now on.
  return writer->stop(deadline);
}

const log_counters& log_stats() {
  return counters_;
}

void log_event(std::string_view event, std::initializer_list<log_field> fields) {
  if (quiet_.load(std::memory_order_relaxed)) return;
  emit(format_line(event, std::span<const log_field>(fields.begin(), fields.size())));
}

void log_connection_event(std::string_view event, std::initializer_list<log_field> fields) {
  log_connection_event(event, std::span<const log_field>(fields.begin(), fields.size()));
}

void log_connection_event(std::string_view event, std::span<const log_field> fields) {
  if (quiet_.load(std::memory_order_relaxed)) return;
  if (level_.load(std::memory_order_relaxed) == log_level::debug) {
    emit(format_line(event, fields));
    return;
  }
  std::uint64_t left_out = 0;
  {
    std::lock_guard lock(sampling_mutex_);
    auto it = sampling_.find(event);
    if (it == sampling_.end()) it = sampling_.emplace(std::string(event), sample_window{}).first;
    std::int64_t second = now_ms() / 1000;
    if (it->second.second == second) {
      ++it->second.left_out;
      counters_.sampled.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    it->second.second = second;
    left_out = std::exchange(it->second.left_out, 0);
  }
  if (left_out == 0) {
    emit(format_line(event, fields));
  } else {
    emit(format_line(event, fields, log_field{"left_out", std::to_string(left_out)}));
  }
}

void log_debug_event(std::string_view event, std::span<const log_field> fields) {
  if (quiet_.load(std::memory_order_relaxed) || level_.load(std::memory_order_relaxed) != log_level::debug)
    return;
  emit(format_line(event, fields));
}

}  // namespace companion::gateway
