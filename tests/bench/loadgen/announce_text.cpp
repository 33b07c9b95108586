// Encoding and decoding of the stamped announcement text.
#include "tests/bench/loadgen/announce_text.hpp"

#include <charconv>
#include <ctime>

namespace loadgen {
namespace {

constexpr std::string_view prefix = "lg:";

bool read_number(std::string_view& text, std::uint64_t& value) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end == text.data() + text.size() || *end != ':') return false;
  text.remove_prefix(static_cast<std::size_t>(end - text.data()) + 1);
  return true;
}

}  // namespace

std::string encode_announce_text(announce_stamp stamp, std::size_t text_bytes) {
  std::string text(prefix);
  text.append(std::to_string(stamp.number)).push_back(':');
  text.append(std::to_string(stamp.sent_us)).push_back(':');
  if (text.size() < text_bytes) text.append(text_bytes - text.size(), '.');
  return text;
}

std::optional<announce_stamp> decode_announce_text(std::string_view text) {
  if (!text.starts_with(prefix)) return std::nullopt;
  text.remove_prefix(prefix.size());
  announce_stamp stamp;
  if (!read_number(text, stamp.number) || !read_number(text, stamp.sent_us)) return std::nullopt;
  return stamp;
}

std::uint64_t monotonic_us() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<std::uint64_t>(now.tv_sec) * 1'000'000u +
         static_cast<std::uint64_t>(now.tv_nsec) / 1000u;
}

}  // namespace loadgen
