// The one interface every source format sits behind, plus the small pieces all
// simdjson-based decoders share (error mapping, root object).
#pragma once

#include <simdjson.h>

#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/padded_buffer.hpp"
#include "decode_result.hpp"
#include "hashtag_matcher.hpp"

namespace companion::tracker {

class decoder {
 public:
  virtual ~decoder() = default;

  // Decodes one frame or NDJSON line. Never throws; bad input becomes `skipped`.
  virtual decode_result decode(std::string_view frame) = 0;

  // When set, posts carrying none of the matcher's hashtags come back as
  // skipped{not_matching} before any of their fields are copied: on a firehose
  // almost every post is irrelevant, so this is the hot path.
  void set_prefilter(const hashtag_matcher* matcher) { prefilter_ = matcher; }

 protected:
  bool wanted(std::span<const std::string_view> hashtags) const {
    return prefilter_ == nullptr || prefilter_->matches_any(hashtags);
  }

  const hashtag_matcher* prefilter_ = nullptr;
};

// Type errors are the sender's schema problem; everything else means the bytes are not JSON.
inline skip_reason reason_for(simdjson::error_code error) {
  switch (error) {
    case simdjson::INCORRECT_TYPE:
    case simdjson::NUMBER_ERROR:
    case simdjson::NUMBER_OUT_OF_RANGE:
      return skip_reason::wrong_type;
    case simdjson::NO_SUCH_FIELD:
      return skip_reason::missing_field;
    default:
      return skip_reason::malformed_json;
  }
}

// Opens the document's root object. A root that is valid JSON but not an object (an
// array, "null", a number) is the wrong type; anything else is malformed.
inline std::optional<skip_reason> open_root(simdjson::ondemand::document& doc,
                                            simdjson::ondemand::object& root) {
  auto error = doc.get_object().get(root);
  if (!error) return std::nullopt;
  if (error != simdjson::INCORRECT_TYPE) return reason_for(error);
  simdjson::ondemand::json_type type;
  if (doc.type().get(type)) return skip_reason::malformed_json;
  bool valid = false;
  switch (type) {
    case simdjson::ondemand::json_type::array:
      valid = true;
      break;
    case simdjson::ondemand::json_type::string:
      valid = !doc.get_string().error();
      break;
    case simdjson::ondemand::json_type::number:
      valid = !doc.get_double().error();
      break;
    case simdjson::ondemand::json_type::boolean:
      valid = !doc.get_bool().error();
      break;
    case simdjson::ondemand::json_type::null: {
      bool is_null = false;
      valid = !doc.is_null().get(is_null) && is_null;
      break;
    }
    case simdjson::ondemand::json_type::object:
      break;
  }
  return valid ? skip_reason::wrong_type : skip_reason::malformed_json;
}

inline decode_result skip(skip_reason reason) {
  return skipped{reason};
}
inline decode_result skip(simdjson::error_code error) {
  return skipped{reason_for(error)};
}

// Copies views into owned strings, dropping exact repeats (a tag often appears as
// a facet and in the text).
inline std::vector<std::string> unique_strings(std::span<const std::string_view> views) {
  std::vector<std::string> out;
  out.reserve(views.size());
  for (std::string_view v : views) {
    bool seen = false;
    for (const auto& s : out) seen = seen || s == v;
    if (!seen) out.emplace_back(v);
  }
  return out;
}

}  // namespace companion::tracker
