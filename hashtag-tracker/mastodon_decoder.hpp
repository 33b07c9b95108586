// Decodes Mastodon streaming frames ({"stream","event","payload"}): update and
// status.update carry a status as a JSON string, delete carries a status id. The
// status HTML becomes plain text. Ids are remembered so deletes resolve to post ids.
#pragma once

#include <simdjson.h>

#include <string>
#include <string_view>
#include <vector>

#include "bounded_set.hpp"
#include "decoder.hpp"

namespace companion::tracker {

class mastodon_decoder final : public decoder {
 public:
  explicit mastodon_decoder(std::size_t remembered_ids = 100'000);

  decode_result decode(std::string_view frame) override;

 private:
  struct status_view {
    std::string_view id, uri, url, created_at, content, language;
    std::string_view account_id, account_url, acct, display_name;
    std::vector<std::string_view> tags;
    bool is_reply = false;
  };
  simdjson::error_code read_status(simdjson::ondemand::object object, status_view& status,
                                   status_view* reblog);
  decode_result decode_status(std::string_view payload, bool is_edit);

  simdjson::ondemand::parser frame_parser_;
  simdjson::ondemand::parser status_parser_;  // the payload is a second document
  common::padded_buffer frame_buffer_;
  common::padded_buffer status_buffer_;
  bounded_map<std::string, std::string> post_ids_;  // instance-local status id -> post id
  status_view status_, reblog_;
};

}  // namespace companion::tracker
