// decode_any: picks the decoder for each line by its top-level keys, so replay files
// and webhook NDJSON may mix Jetstream, Mastodon, X and the generic format freely.
#pragma once

#include <simdjson.h>

#include <string_view>

#include "decoder.hpp"
#include "generic_decoder.hpp"
#include "jetstream_decoder.hpp"
#include "mastodon_decoder.hpp"
#include "x_decoder.hpp"

namespace companion::tracker {

enum class wire_format { jetstream, mastodon, x, generic, unknown };
inline constexpr std::size_t wire_format_count = 5;

std::string_view to_string(wire_format format);

// Recognizes a line's format from its top-level keys: "kind" -> Jetstream, "event" and
// "payload" -> Mastodon streaming, "data" -> X, "author"/"text"/"delete" -> generic.
class format_sniffer {
 public:
  wire_format sniff(std::string_view line);

 private:
  simdjson::ondemand::parser parser_;
  common::padded_buffer buffer_;
};

class any_decoder final : public decoder {
 public:
  explicit any_decoder(std::size_t handle_cache_capacity = 100'000, std::size_t mastodon_ids = 100'000);

  // decode_any: sniffs the format, then decodes with that format's decoder.
  decode_result decode(std::string_view line) override;
  // Decodes with the named format's decoder (unknown sniffs).
  decode_result decode_as(wire_format format, std::string_view line);
  // A webhook line: the webhook's own formats only (generic and X); Jetstream and Mastodon
  // payloads would speak for those networks and are skipped as foreign_source.
  decode_result decode_webhook(std::string_view line);

  // The format of the line most recently decoded.
  wire_format last_format() const { return last_format_; }

  jetstream_decoder& jetstream() { return jetstream_; }
  const jetstream_decoder& jetstream() const { return jetstream_; }

  void set_prefilter(const hashtag_matcher* matcher);

 private:
  format_sniffer sniffer_;
  jetstream_decoder jetstream_;
  mastodon_decoder mastodon_;
  x_decoder x_;
  generic_decoder generic_;
  wire_format last_format_ = wire_format::unknown;
};

}  // namespace companion::tracker
