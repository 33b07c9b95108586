#include "social_post_json.hpp"

#include <boost/json/array.hpp>

#include "json_fields.hpp"

namespace companion::session {
namespace {

bool bool_at(const boost::json::object& json, std::string_view key) {
  auto it = json.find(key);
  return it != json.end() && it->value().is_bool() && it->value().get_bool();
}

}  // namespace

boost::json::object post_to_json(const social_post& post) {
  boost::json::array tags;
  for (const auto& tag : post.tags) tags.push_back(boost::json::value(tag));
  return {{"id", post.id},
          {"source", post.source},
          {"url", post.url},
          {"author_id", post.author_id},
          {"author_handle", post.author_handle},
          {"author_display_name", post.author_display_name},
          {"text", post.text},
          {"tags", std::move(tags)},
          {"lang", post.lang},
          {"created_at", post.created_at},
          {"is_reply", post.is_reply},
          {"is_repost", post.is_repost},
          {"link_count", post.link_count}};
}

social_post post_from_json(const boost::json::object& json) {
  social_post post;
  post.id = string_at(json, "id");
  post.source = string_at(json, "source");
  post.url = string_at(json, "url");
  post.author_id = string_at(json, "author_id");
  post.author_handle = string_at(json, "author_handle");
  post.author_display_name = string_at(json, "author_display_name");
  post.text = string_at(json, "text");
  if (auto it = json.find("tags"); it != json.end() && it->value().is_array())
    for (const auto& tag : it->value().get_array())
      if (tag.is_string()) post.tags.emplace_back(tag.get_string());
  post.lang = string_at(json, "lang");
  post.created_at = number_at(json, "created_at");
  post.is_reply = bool_at(json, "is_reply");
  post.is_repost = bool_at(json, "is_repost");
  post.link_count = static_cast<int>(number_at(json, "link_count"));
  return post;
}

std::string_view to_string(post_verdict v) {
  switch (v) {
    case post_verdict::rejected:
      return "rejected";
    case post_verdict::pending:
      return "pending";
    case post_verdict::approved:
      return "approved";
  }
  return "pending";
}

post_verdict parse_verdict(std::string_view text) {
  if (text == "rejected") return post_verdict::rejected;
  if (text == "approved") return post_verdict::approved;
  return post_verdict::pending;
}

}  // namespace companion::session
