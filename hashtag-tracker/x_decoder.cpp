#include "x_decoder.hpp"

#include <algorithm>
#include <string>
#include <utility>

#include "common/iso_time.hpp"
#include "unicode_text.hpp"

namespace companion::tracker {

namespace ondemand = simdjson::ondemand;
using simdjson::error_code;

decode_result x_decoder::decode(std::string_view frame) {
  if (frame.size() > max_frame_bytes) return skip(skip_reason::too_large);
  id_ = text_ = author_id_ = lang_ = created_at_ = reposted_id_ = {};
  is_reply_ = is_repost_ = false;
  url_entities_ = 0;
  tags_.clear();
  users_.clear();

  ondemand::document doc;
  if (auto error = parser_.iterate(buffer_.load(frame)).get(doc)) return skip(error);
  ondemand::object root;
  if (auto reason = open_root(doc, root)) return skip(*reason);
  bool has_data = false;
  for (auto field_result : root) {
    ondemand::field field;
    std::string_view key;
    if (auto error = std::move(field_result).get(field)) return skip(error);
    if (auto error = field.unescaped_key().get(key)) return skip(error);
    ondemand::object object;
    error_code error = simdjson::SUCCESS;
    if (key == "data") {
      if ((error = field.value().get_object().get(object))) return skip(error);
      has_data = true;
      error = read_data(object);
    } else if (key == "includes") {
      if ((error = field.value().get_object().get(object))) return skip(error);
      error = read_includes(object);
    }
    if (error) return skip(error);
  }
  if (!has_data || id_.empty() || text_.data() == nullptr || author_id_.empty())
    return skip(skip_reason::missing_field);

  extract_hashtags(text_, tags_);
  if (!wanted(tags_)) return skip(skip_reason::not_matching);

  const user_view* author = nullptr;
  for (const auto& user : users_)
    if (user.id == author_id_) author = &user;

  decoded_post out;
  auto& post = out.post;
  post.id = "x:";
  post.id.append(id_);
  post.source = "webhook";
  post.author_id = author_id_;
  if (author != nullptr && !author->username.empty()) {
    post.author_handle = author->username;
    post.author_display_name = author->name;
    post.url = "https://x.com/";
    post.url.append(author->username).append("/status/").append(id_);
  } else {
    post.author_handle = author_id_;
    post.url = "https://x.com/i/web/status/";
    post.url.append(id_);
  }
  post.text = text_;
  post.lang = lang_;
  post.is_reply = is_reply_;
  post.is_repost = is_repost_;
  post.link_count = std::max(url_entities_, count_urls(text_));
  if (auto created = common::parse_iso8601_ms(created_at_, common::iso8601_form::feed))
    post.created_at = *created;
  if (is_repost_ && !reposted_id_.empty()) out.repost_of = "x:" + std::string(reposted_id_);
  out.hashtags = unique_strings(tags_);
  return out;
}

error_code x_decoder::read_data(ondemand::object data) {
  for (auto field_result : data) {
    ondemand::field field;
    std::string_view key;
    error_code error = simdjson::SUCCESS;
    if ((error = std::move(field_result).get(field))) return error;
    if ((error = field.unescaped_key().get(key))) return error;
    if (key == "id") {
      error = field.value().get_string().get(id_);
    } else if (key == "text") {
      error = field.value().get_string().get(text_);
    } else if (key == "author_id") {
      error = field.value().get_string().get(author_id_);
    } else if (key == "lang") {
      error = field.value().get_string().get(lang_);
    } else if (key == "created_at") {
      error = field.value().get_string().get(created_at_);
    } else if (key == "referenced_tweets") {
      ondemand::array references;
      if ((error = field.value().get_array().get(references))) return error;
      error = read_references(references);
    } else if (key == "entities") {
      ondemand::object entities;
      if ((error = field.value().get_object().get(entities))) return error;
      error = read_entities(entities);
    }
    if (error) return error;
  }
  return simdjson::SUCCESS;
}

error_code x_decoder::read_references(ondemand::array references) {
  for (auto element : references) {
    ondemand::object reference;
    error_code error = simdjson::SUCCESS;
    if ((error = element.get_object().get(reference))) return error;
    std::string_view type, id;
    for (auto field_result : reference) {
      ondemand::field field;
      std::string_view key;
      if ((error = std::move(field_result).get(field))) return error;
      if ((error = field.unescaped_key().get(key))) return error;
      if (key == "type")
        error = field.value().get_string().get(type);
      else if (key == "id")
        error = field.value().get_string().get(id);
      if (error) return error;
    }
    if (type == "replied_to") is_reply_ = true;
    if (type == "retweeted") {
      is_repost_ = true;
      reposted_id_ = id;
    }
  }
  return simdjson::SUCCESS;
}

error_code x_decoder::read_entities(ondemand::object entities) {
  for (auto field_result : entities) {
    ondemand::field field;
    std::string_view key;
    error_code error = simdjson::SUCCESS;
    if ((error = std::move(field_result).get(field))) return error;
    if ((error = field.unescaped_key().get(key))) return error;
    if (key != "hashtags" && key != "urls") continue;
    ondemand::array items;
    if ((error = field.value().get_array().get(items))) return error;
    for (auto element : items) {
      ondemand::object item;
      if ((error = element.get_object().get(item))) return error;
      if (key == "urls") {
        ++url_entities_;
        continue;
      }
      std::string_view tag;
      for (auto item_field_result : item) {
        ondemand::field item_field;
        std::string_view item_key;
        if ((error = std::move(item_field_result).get(item_field))) return error;
        if ((error = item_field.unescaped_key().get(item_key))) return error;
        if (item_key == "tag" && (error = item_field.value().get_string().get(tag))) return error;
      }
      if (!tag.empty()) tags_.push_back(tag);
    }
  }
  return simdjson::SUCCESS;
}

error_code x_decoder::read_includes(ondemand::object includes) {
  for (auto field_result : includes) {
    ondemand::field field;
    std::string_view key;
    error_code error = simdjson::SUCCESS;
    if ((error = std::move(field_result).get(field))) return error;
    if ((error = field.unescaped_key().get(key))) return error;
    if (key != "users") continue;
    ondemand::array users;
    if ((error = field.value().get_array().get(users))) return error;
    for (auto element : users) {
      ondemand::object object;
      if ((error = element.get_object().get(object))) return error;
      user_view user;
      for (auto user_field_result : object) {
        ondemand::field user_field;
        std::string_view user_key;
        if ((error = std::move(user_field_result).get(user_field))) return error;
        if ((error = user_field.unescaped_key().get(user_key))) return error;
        if (user_key == "id")
          error = user_field.value().get_string().get(user.id);
        else if (user_key == "username")
          error = user_field.value().get_string().get(user.username);
        else if (user_key == "name")
          error = user_field.value().get_string().get(user.name);
        if (error) return error;
      }
      users_.push_back(user);
    }
  }
  return simdjson::SUCCESS;
}

}  // namespace companion::tracker
