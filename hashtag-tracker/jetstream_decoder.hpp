// Decodes Bluesky Jetstream frames: post creates, updates and deletes, identity
// frames (DID -> handle) and account frames. Keeps the last time_us as the cursor
// to resume the stream from.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <string_view>
#include <vector>

#include "decoder.hpp"
#include "did_handle_cache.hpp"
#include "unicode_text.hpp"

namespace companion::tracker {

class jetstream_decoder final : public decoder {
 public:
  explicit jetstream_decoder(std::size_t handle_cache_capacity = 100'000);

  decode_result decode(std::string_view frame) override;

  // time_us of the last frame decoded (0 before any): resume with ?cursor=<this>.
  std::int64_t cursor() const { return cursor_; }
  did_handle_cache& handles() { return handles_; }

 private:
  simdjson::error_code read_record(simdjson::ondemand::object record);
  simdjson::error_code read_facets(simdjson::ondemand::array facets);
  decode_result build_post(std::string_view did, std::string_view rkey, std::int64_t time_us, bool is_edit);

  simdjson::ondemand::parser parser_;
  common::padded_buffer buffer_;
  did_handle_cache handles_;
  std::int64_t cursor_ = 0;

  // Per-frame scratch, reused so that the common (non-matching) case allocates nothing.
  // Views point into the parser's string buffer and die at the next iterate.
  std::vector<std::string_view> tags_;
  std::vector<byte_range> link_facets_;
  std::vector<byte_range> urls_;
  std::string_view text_, created_at_, lang_;
  bool has_text_ = false, is_reply_ = false;
};

}  // namespace companion::tracker
