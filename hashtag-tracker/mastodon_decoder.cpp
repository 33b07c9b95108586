#include "mastodon_decoder.hpp"

#include <utility>

#include "common/iso_time.hpp"
#include "html_text.hpp"
#include "unicode_text.hpp"

namespace companion::tracker {

namespace ondemand = simdjson::ondemand;
using simdjson::error_code;

namespace {

// Reads a string that may also be null (null leaves `out` empty).
error_code optional_string(ondemand::value value, std::string_view& out) {
  ondemand::json_type type;
  if (auto error = value.type().get(type)) return error;
  if (type == ondemand::json_type::null) return simdjson::SUCCESS;
  return value.get_string().get(out);
}

// "https://social.example/@alice" -> "social.example"
std::string_view host_of(std::string_view url) {
  auto scheme = url.find("://");
  if (scheme == std::string_view::npos) return {};
  url.remove_prefix(scheme + 3);
  return url.substr(0, url.find('/'));
}

}  // namespace

mastodon_decoder::mastodon_decoder(std::size_t remembered_ids) : post_ids_(remembered_ids) {}

decode_result mastodon_decoder::decode(std::string_view frame) {
  if (frame.size() > max_frame_bytes) return skip(skip_reason::too_large);
  ondemand::document doc;
  if (auto error = frame_parser_.iterate(frame_buffer_.load(frame)).get(doc)) return skip(error);
  ondemand::object root;
  if (auto reason = open_root(doc, root)) return skip(*reason);

  std::string_view event, payload;
  bool has_payload = false;
  for (auto field_result : root) {
    ondemand::field field;
    std::string_view key;
    if (auto error = std::move(field_result).get(field)) return skip(error);
    if (auto error = field.unescaped_key().get(key)) return skip(error);
    error_code error = simdjson::SUCCESS;
    if (key == "event") {
      error = field.value().get_string().get(event);
    } else if (key == "payload") {
      error = field.value().get_string().get(payload);
      has_payload = !error;
    }
    if (error) return skip(error);
  }
  if (event.empty() || !has_payload) return skip(skip_reason::missing_field);

  if (event == "delete") {
    const std::string* id = post_ids_.get(std::string(payload));
    if (id == nullptr) return skip(skip_reason::unknown_post);
    return post_deletion{*id};
  }
  if (event == "update") return decode_status(payload, false);
  if (event == "status.update") return decode_status(payload, true);
  return skip(skip_reason::unknown_event);
}

decode_result mastodon_decoder::decode_status(std::string_view payload, bool is_edit) {
  if (payload.size() > max_frame_bytes) return skip(skip_reason::too_large);
  ondemand::document doc;
  if (auto error = status_parser_.iterate(status_buffer_.load(payload)).get(doc)) return skip(error);
  ondemand::object root;
  if (auto reason = open_root(doc, root)) return skip(*reason);
  status_ = {};
  reblog_ = {};
  bool is_repost = false;
  if (auto error = read_status(root, status_, &reblog_)) return skip(error);
  is_repost = !reblog_.uri.empty();
  if (status_.id.empty() || status_.uri.empty() || (status_.account_url.empty() && status_.acct.empty()))
    return skip(skip_reason::missing_field);

  // A boost shows the original status; the boost itself is only a pointer to it.
  const status_view& shown = is_repost ? reblog_ : status_;
  std::vector<std::string_view> candidates = shown.tags;
  html_text body = html_to_text(shown.content);
  extract_hashtags(body.text, candidates);
  if (!wanted(candidates)) return skip(skip_reason::not_matching);

  decoded_post out;
  out.is_edit = is_edit;
  auto& post = out.post;
  post.id = "mastodon:";
  post.id.append(status_.uri);
  post.source = "mastodon";
  post.url = shown.url.empty() ? shown.uri : shown.url;
  post.author_id = shown.account_url.empty() ? shown.account_id : shown.account_url;
  post.author_handle = shown.acct;
  // Local accounts have a bare username; qualify it with the instance so handles are unique.
  if (post.author_handle.find('@') == std::string::npos) {
    std::string_view host = host_of(shown.account_url);
    if (!host.empty()) post.author_handle.append("@").append(host);
  }
  post.author_display_name = shown.display_name;
  post.text = std::move(body.text);
  post.lang = shown.language;
  post.is_reply = shown.is_reply;
  post.is_repost = is_repost;
  post.link_count = body.link_count;
  if (auto created = common::parse_iso8601_ms(shown.created_at, common::iso8601_form::feed))
    post.created_at = *created;
  if (is_repost) out.repost_of = "mastodon:" + std::string(reblog_.uri);
  out.hashtags = unique_strings(candidates);
  post_ids_.put(std::string(status_.id), post.id);
  return out;
}

error_code mastodon_decoder::read_status(ondemand::object object, status_view& status, status_view* reblog) {
  for (auto field_result : object) {
    ondemand::field field;
    std::string_view key;
    error_code error = simdjson::SUCCESS;
    if ((error = std::move(field_result).get(field))) return error;
    if ((error = field.unescaped_key().get(key))) return error;
    ondemand::value value = field.value();
    if (key == "id") {
      error = value.get_string().get(status.id);
    } else if (key == "uri") {
      error = value.get_string().get(status.uri);
    } else if (key == "url") {
      error = optional_string(value, status.url);
    } else if (key == "created_at") {
      error = value.get_string().get(status.created_at);
    } else if (key == "content") {
      error = value.get_string().get(status.content);
    } else if (key == "language") {
      error = optional_string(value, status.language);
    } else if (key == "in_reply_to_id") {
      std::string_view parent;
      error = optional_string(value, parent);
      status.is_reply = !parent.empty();
    } else if (key == "account") {
      ondemand::object account;
      if ((error = value.get_object().get(account))) return error;
      for (auto account_field_result : account) {
        ondemand::field account_field;
        std::string_view account_key;
        if ((error = std::move(account_field_result).get(account_field))) return error;
        if ((error = account_field.unescaped_key().get(account_key))) return error;
        if (account_key == "id")
          error = account_field.value().get_string().get(status.account_id);
        else if (account_key == "acct")
          error = account_field.value().get_string().get(status.acct);
        else if (account_key == "display_name")
          error = optional_string(account_field.value(), status.display_name);
        else if (account_key == "url")
          error = optional_string(account_field.value(), status.account_url);
        if (error) return error;
      }
    } else if (key == "tags") {
      ondemand::array tags;
      if ((error = value.get_array().get(tags))) return error;
      for (auto tag_result : tags) {
        ondemand::object tag;
        if ((error = tag_result.get_object().get(tag))) return error;
        std::string_view name;
        for (auto tag_field_result : tag) {
          ondemand::field tag_field;
          std::string_view tag_key;
          if ((error = std::move(tag_field_result).get(tag_field))) return error;
          if ((error = tag_field.unescaped_key().get(tag_key))) return error;
          if (tag_key == "name" && (error = tag_field.value().get_string().get(name))) return error;
        }
        if (!name.empty()) status.tags.push_back(name);
      }
    } else if (key == "reblog" && reblog != nullptr) {
      ondemand::json_type type;
      if ((error = value.type().get(type))) return error;
      if (type != ondemand::json_type::null) {
        ondemand::object original;
        if ((error = value.get_object().get(original))) return error;
        // Only one level: a boost of a boost is not something Mastodon sends.
        error = read_status(original, *reblog, nullptr);
      }
    }
    if (error) return error;
  }
  return simdjson::SUCCESS;
}

}  // namespace companion::tracker
