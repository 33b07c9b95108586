// Decodes X API v2 filtered-stream objects ({"data","includes","matching_rules"}), as
// forwarded to the webhook. The author's username comes from includes.users.
#pragma once

#include <simdjson.h>

#include <string_view>
#include <vector>

#include "decoder.hpp"

namespace companion::tracker {

class x_decoder final : public decoder {
 public:
  decode_result decode(std::string_view frame) override;

 private:
  struct user_view {
    std::string_view id, username, name;
  };
  simdjson::error_code read_data(simdjson::ondemand::object data);
  simdjson::error_code read_references(simdjson::ondemand::array references);
  simdjson::error_code read_entities(simdjson::ondemand::object entities);
  simdjson::error_code read_includes(simdjson::ondemand::object includes);

  simdjson::ondemand::parser parser_;
  common::padded_buffer buffer_;
  // Per-frame scratch; views die at the next iterate.
  std::string_view id_, text_, author_id_, lang_, created_at_, reposted_id_;
  bool is_reply_ = false, is_repost_ = false;
  int url_entities_ = 0;
  std::vector<std::string_view> tags_;
  std::vector<user_view> users_;
};

}  // namespace companion::tracker
