#include "generic_decoder.hpp"

#include <string>
#include <utility>

#include "common/iso_time.hpp"
#include "unicode_text.hpp"

namespace companion::tracker {

namespace ondemand = simdjson::ondemand;
using simdjson::error_code;

namespace {

bool known_source(std::string_view source) {
  return source == "webhook" || source == "replay" || source == "bluesky" || source == "mastodon";
}

// created_at may be milliseconds since the epoch or an ISO 8601 string.
error_code read_time(ondemand::value value, session::millis& out, bool& valid) {
  ondemand::json_type type;
  if (auto error = value.type().get(type)) return error;
  if (type == ondemand::json_type::number) {
    std::int64_t ms = 0;
    if (auto error = value.get_int64().get(ms)) return error;
    out = ms;
    valid = ms >= 0;
    return simdjson::SUCCESS;
  }
  std::string_view text;
  if (auto error = value.get_string().get(text)) return error;
  auto parsed = common::parse_iso8601_ms(text, common::iso8601_form::feed);
  valid = parsed.has_value();
  if (parsed) out = *parsed;
  return simdjson::SUCCESS;
}

}  // namespace

decode_result generic_decoder::decode(std::string_view frame) {
  if (frame.size() > max_frame_bytes) return skip(skip_reason::too_large);
  tags_.clear();
  author_id_ = handle_ = display_name_ = {};
  ondemand::document doc;
  if (auto error = parser_.iterate(buffer_.load(frame)).get(doc)) return skip(error);
  ondemand::object root;
  if (auto reason = open_root(doc, root)) return skip(*reason);

  std::string_view id, source = "webhook", url, text, lang, deleted;
  bool has_text = false, has_author = false, has_time = false, time_valid = false, reply = false,
       repost = false;
  session::millis created_at = 0;
  for (auto field_result : root) {
    ondemand::field field;
    std::string_view key;
    if (auto error = std::move(field_result).get(field)) return skip(error);
    if (auto error = field.unescaped_key().get(key)) return skip(error);
    error_code error = simdjson::SUCCESS;
    if (key == "id") {
      error = field.value().get_string().get(id);
    } else if (key == "source") {
      error = field.value().get_string().get(source);
    } else if (key == "url") {
      error = field.value().get_string().get(url);
    } else if (key == "text") {
      error = field.value().get_string().get(text);
      has_text = !error;
    } else if (key == "lang") {
      error = field.value().get_string().get(lang);
    } else if (key == "reply") {
      error = field.value().get_bool().get(reply);
    } else if (key == "repost") {
      error = field.value().get_bool().get(repost);
    } else if (key == "delete") {
      error = field.value().get_string().get(deleted);
    } else if (key == "created_at") {
      has_time = true;
      error = read_time(field.value(), created_at, time_valid);
    } else if (key == "author") {
      ondemand::object author;
      if ((error = field.value().get_object().get(author))) return skip(error);
      has_author = true;
      error = read_author(author);
    } else if (key == "tags") {
      ondemand::array tags;
      if ((error = field.value().get_array().get(tags))) return skip(error);
      for (auto tag : tags) {
        std::string_view value;
        if ((error = tag.get_string().get(value))) return skip(error);
        tags_.push_back(value);
      }
    }
    if (error) return skip(error);
  }

  if (!deleted.empty()) return post_deletion{std::string(deleted)};
  if (id.empty() || !has_text || !has_author || handle_.empty() || !has_time)
    return skip(skip_reason::missing_field);
  if (!time_valid || !known_source(source)) return skip(skip_reason::wrong_type);

  extract_hashtags(text, tags_);
  if (!wanted(tags_)) return skip(skip_reason::not_matching);

  decoded_post out;
  auto& post = out.post;
  // Ids are "<source>:<native id>" everywhere; accept ids that already carry the prefix.
  if (id.size() > source.size() && id.starts_with(source) && id[source.size()] == ':') {
    post.id = id;
  } else {
    post.id.assign(source).append(":").append(id);
  }
  post.source = source;
  post.url = url;
  post.author_id = author_id_.empty() ? handle_ : author_id_;
  post.author_handle = handle_;
  post.author_display_name = display_name_;
  post.text = text;
  post.lang = lang;
  post.created_at = created_at;
  post.is_reply = reply;
  post.is_repost = repost;
  post.link_count = count_urls(text);
  out.hashtags = unique_strings(tags_);
  return out;
}

error_code generic_decoder::read_author(ondemand::object author) {
  for (auto field_result : author) {
    ondemand::field field;
    std::string_view key;
    error_code error = simdjson::SUCCESS;
    if ((error = std::move(field_result).get(field))) return error;
    if ((error = field.unescaped_key().get(key))) return error;
    if (key == "id")
      error = field.value().get_string().get(author_id_);
    else if (key == "handle")
      error = field.value().get_string().get(handle_);
    else if (key == "display_name")
      error = field.value().get_string().get(display_name_);
    if (error) return error;
  }
  return simdjson::SUCCESS;
}

}  // namespace companion::tracker
