// The announcement text the producer sends: it carries the broadcast's sequence number
// and its send time (CLOCK_MONOTONIC microseconds, shared by every process on the host),
// padded so the whole change frame is about the wanted size.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace loadgen {

struct announce_stamp {
  std::uint64_t number = 0;   // 1, 2, 3, ... per run
  std::uint64_t sent_us = 0;  // monotonic clock at send
};

// "lg:<number>:<sent_us>:" followed by '.' padding up to `text_bytes` characters.
std::string encode_announce_text(announce_stamp stamp, std::size_t text_bytes);

// Empty when the text was not written by encode_announce_text.
std::optional<announce_stamp> decode_announce_text(std::string_view text);

// Microseconds on CLOCK_MONOTONIC.
std::uint64_t monotonic_us();

}  // namespace loadgen
