// A fixed table of atomic counters, one per side and step; nothing is allocated when a
// connection fails but the log line itself.
#include "gateway/net/connection_errors.hpp"

#include <string>
#include <vector>

namespace companion::gateway {
namespace {

std::array<std::atomic<std::uint64_t>, connection_steps.size()> counts{};

// "tls handshake" and "tls_handshake" are the same step.
bool same_step(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const char x = a[i] == ' ' ? '_' : a[i];
    const char y = b[i] == ' ' ? '_' : b[i];
    if (x != y) return false;
  }
  return true;
}

std::size_t index_of(connection_side side, std::string_view step) {
  std::size_t other = connection_steps.size();
  for (std::size_t i = 0; i < connection_steps.size(); ++i) {
    if (connection_steps[i].side != side) continue;
    if (same_step(connection_steps[i].step, step)) return i;
    if (connection_steps[i].step == "other") other = i;
  }
  return other;
}

}  // namespace

std::string_view to_string(connection_side side) {
  switch (side) {
    case connection_side::http:
      return "http";
    case connection_side::websocket:
      return "websocket";
    case connection_side::source:
      return "source";
  }
  return "unknown";
}

std::uint64_t connection_error_count(std::size_t index) {
  return index < counts.size() ? counts[index].load(std::memory_order_relaxed) : 0;
}

void connection_failed(connection_side side, std::string_view step, std::string_view why,
                       std::initializer_list<log_field> fields) {
  const std::size_t index = index_of(side, step);
  // A side without an "other" row (a caller's typo) still logs, so nothing goes unseen.
  if (index < counts.size()) counts[index].fetch_add(1, std::memory_order_relaxed);
  const std::string_view counted = index < counts.size() ? connection_steps[index].step : step;
  std::vector<log_field> line{{"side", std::string(to_string(side))}, {"step", std::string(counted)}};
  for (const auto& field : fields) line.push_back(field);
  line.emplace_back("error", std::string(why));
  log_debug_event("connection_error", std::span<const log_field>(line));
}

void connection_failed(connection_side side, std::string_view step, const boost::system::error_code& ec,
                       std::initializer_list<log_field> fields) {
  connection_failed(side, step, ec.message(), fields);
}

}  // namespace companion::gateway
