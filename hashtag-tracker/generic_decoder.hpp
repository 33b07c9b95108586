// Decodes the project's own post format (one JSON object per line; see README.md):
// what webhooks, bots and replay files send when they are not a network's own format.
#pragma once

#include <simdjson.h>

#include <string_view>
#include <vector>

#include "decoder.hpp"

namespace companion::tracker {

class generic_decoder final : public decoder {
 public:
  decode_result decode(std::string_view frame) override;

 private:
  simdjson::error_code read_author(simdjson::ondemand::object author);

  simdjson::ondemand::parser parser_;
  common::padded_buffer buffer_;
  std::vector<std::string_view> tags_;
  std::string_view author_id_, handle_, display_name_;
};

}  // namespace companion::tracker
