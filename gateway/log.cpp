#include "gateway/log.hpp"

#include <atomic>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <cstdio>

namespace companion::gateway {
namespace {

std::atomic<log_format> format_{log_format::text};
std::atomic<bool> quiet_{false};

bool needs_quotes(std::string_view value) {
  if (value.empty()) return true;
  for (char c : value)
    if (c == ' ' || c == '"' || c == '=' || static_cast<unsigned char>(c) < 0x20) return true;
  return false;
}

}  // namespace

void set_log_format(log_format format) {
  format_.store(format);
}
void set_log_quiet(bool quiet) {
  quiet_.store(quiet);
}

void log_event(std::string_view event, std::initializer_list<log_field> fields) {
  if (quiet_.load(std::memory_order_relaxed)) return;
  auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
  std::string line;
  if (format_.load(std::memory_order_relaxed) == log_format::json) {
    boost::json::object json{{"ts", now}, {"event", event}};
    for (const auto& [key, value] : fields) json[key] = value;
    line = boost::json::serialize(json);
  } else {
    line = "ts=" + std::to_string(now) + " event=" + std::string(event);
    for (const auto& [key, value] : fields) {
      line += ' ';
      line += key;
      line += '=';
      // Quoted values go through the JSON string encoder, so no byte can forge a field.
      line += needs_quotes(value) ? boost::json::serialize(boost::json::string_view(value)) : value;
    }
  }
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace companion::gateway
