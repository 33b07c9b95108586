#include "jetstream_decoder.hpp"

#include <string>
#include <utility>

#include "common/iso_time.hpp"
#include "unicode_text.hpp"

namespace companion::tracker {

namespace ondemand = simdjson::ondemand;
using simdjson::error_code;

namespace {

constexpr std::string_view post_collection = "app.bsky.feed.post";

}  // namespace

jetstream_decoder::jetstream_decoder(std::size_t handle_cache_capacity) : handles_(handle_cache_capacity) {}

decode_result jetstream_decoder::decode(std::string_view frame) {
  if (frame.size() > max_frame_bytes) return skip(skip_reason::too_large);
  tags_.clear();
  link_facets_.clear();
  urls_.clear();
  text_ = created_at_ = lang_ = {};
  has_text_ = is_reply_ = false;

  ondemand::document doc;
  if (auto error = parser_.iterate(buffer_.load(frame)).get(doc)) return skip(error);
  ondemand::object root;
  if (auto reason = open_root(doc, root)) return skip(*reason);

  std::string_view did, kind, operation, collection, rkey, identity_did, identity_handle;
  std::int64_t time_us = 0;
  bool has_record = false, has_commit = false, has_identity = false;

  // One pass in document order; Jetstream sends did, time_us, kind, then the payload,
  // so non-post commits are skipped as soon as their collection is read.
  for (auto field_result : root) {
    ondemand::field field;
    std::string_view key;
    if (auto error = std::move(field_result).get(field)) return skip(error);
    if (auto error = field.unescaped_key().get(key)) return skip(error);
    error_code error = simdjson::SUCCESS;
    if (key == "did") {
      error = field.value().get_string().get(did);
    } else if (key == "time_us") {
      error = field.value().get_int64().get(time_us);
      if (!error) cursor_ = time_us;
    } else if (key == "kind") {
      error = field.value().get_string().get(kind);
      if (!error && kind == "account") return skip(skip_reason::account_event);
      if (!error && kind != "commit" && kind != "identity") return skip(skip_reason::unknown_event);
    } else if (key == "commit") {
      has_commit = true;
      ondemand::object commit;
      if ((error = field.value().get_object().get(commit))) return skip(error);
      for (auto commit_field_result : commit) {
        ondemand::field commit_field;
        std::string_view commit_key;
        if ((error = std::move(commit_field_result).get(commit_field))) return skip(error);
        if ((error = commit_field.unescaped_key().get(commit_key))) return skip(error);
        if (commit_key == "operation") {
          error = commit_field.value().get_string().get(operation);
        } else if (commit_key == "collection") {
          error = commit_field.value().get_string().get(collection);
          if (!error && collection != post_collection) return skip(skip_reason::unknown_collection);
        } else if (commit_key == "rkey") {
          error = commit_field.value().get_string().get(rkey);
        } else if (commit_key == "record") {
          ondemand::object record;
          if ((error = commit_field.value().get_object().get(record))) return skip(error);
          has_record = true;
          error = read_record(record);
        }
        if (error) return skip(error);
      }
    } else if (key == "identity") {
      has_identity = true;
      ondemand::object identity;
      if ((error = field.value().get_object().get(identity))) return skip(error);
      for (auto id_field_result : identity) {
        ondemand::field id_field;
        std::string_view id_key;
        if ((error = std::move(id_field_result).get(id_field))) return skip(error);
        if ((error = id_field.unescaped_key().get(id_key))) return skip(error);
        if (id_key == "did")
          error = id_field.value().get_string().get(identity_did);
        else if (id_key == "handle")
          error = id_field.value().get_string().get(identity_handle);
        if (error) return skip(error);
      }
    }
    if (error) return skip(error);
  }

  if (kind.empty()) return skip(skip_reason::missing_field);
  if (kind == "identity") {
    if (!has_identity) return skip(skip_reason::missing_field);
    if (identity_did.empty()) identity_did = did;
    if (identity_did.empty()) return skip(skip_reason::missing_field);
    if (identity_handle.empty()) return skip(skip_reason::identity_event);
    handles_.put(identity_did, identity_handle);
    return identity_update{std::string(identity_did), std::string(identity_handle)};
  }

  if (!has_commit || did.empty() || operation.empty() || collection.empty() || rkey.empty())
    return skip(skip_reason::missing_field);
  if (operation == "delete") {
    std::string id = "bluesky:at://";
    id.append(did).append("/app.bsky.feed.post/").append(rkey);
    return post_deletion{std::move(id)};
  }
  if (operation != "create" && operation != "update") return skip(skip_reason::wrong_type);
  if (!has_record || !has_text_) return skip(skip_reason::missing_field);
  return build_post(did, rkey, time_us, operation == "update");
}

error_code jetstream_decoder::read_record(ondemand::object record) {
  for (auto field_result : record) {
    ondemand::field field;
    std::string_view key;
    error_code error = simdjson::SUCCESS;
    if ((error = std::move(field_result).get(field))) return error;
    if ((error = field.unescaped_key().get(key))) return error;
    if (key == "text") {
      error = field.value().get_string().get(text_);
      has_text_ = !error;
    } else if (key == "createdAt") {
      error = field.value().get_string().get(created_at_);
    } else if (key == "langs") {
      ondemand::array langs;
      if ((error = field.value().get_array().get(langs))) return error;
      for (auto lang : langs) {
        std::string_view value;
        if ((error = lang.get_string().get(value))) return error;
        if (lang_.empty()) lang_ = value;
      }
    } else if (key == "facets") {
      ondemand::array facets;
      if ((error = field.value().get_array().get(facets))) return error;
      error = read_facets(facets);
    } else if (key == "tags") {
      ondemand::array tags;
      if ((error = field.value().get_array().get(tags))) return error;
      for (auto tag : tags) {
        std::string_view value;
        if ((error = tag.get_string().get(value))) return error;
        tags_.push_back(value);
      }
    } else if (key == "reply") {
      is_reply_ = true;
    }
    if (error) return error;
  }
  return simdjson::SUCCESS;
}

error_code jetstream_decoder::read_facets(ondemand::array facets) {
  for (auto facet_result : facets) {
    ondemand::object facet;
    error_code error = simdjson::SUCCESS;
    if ((error = facet_result.get_object().get(facet))) return error;
    std::int64_t byte_start = -1, byte_end = -1;
    bool is_link = false;
    for (auto field_result : facet) {
      ondemand::field field;
      std::string_view key;
      if ((error = std::move(field_result).get(field))) return error;
      if ((error = field.unescaped_key().get(key))) return error;
      if (key == "index") {
        ondemand::object index;
        if ((error = field.value().get_object().get(index))) return error;
        for (auto index_field_result : index) {
          ondemand::field index_field;
          std::string_view index_key;
          if ((error = std::move(index_field_result).get(index_field))) return error;
          if ((error = index_field.unescaped_key().get(index_key))) return error;
          if (index_key == "byteStart")
            error = index_field.value().get_int64().get(byte_start);
          else if (index_key == "byteEnd")
            error = index_field.value().get_int64().get(byte_end);
          if (error) return error;
        }
      } else if (key == "features") {
        ondemand::array features;
        if ((error = field.value().get_array().get(features))) return error;
        for (auto feature_result : features) {
          ondemand::object feature;
          if ((error = feature_result.get_object().get(feature))) return error;
          std::string_view type, tag;
          for (auto feature_field_result : feature) {
            ondemand::field feature_field;
            std::string_view feature_key;
            if ((error = std::move(feature_field_result).get(feature_field))) return error;
            if ((error = feature_field.unescaped_key().get(feature_key))) return error;
            if (feature_key == "$type")
              error = feature_field.value().get_string().get(type);
            else if (feature_key == "tag")
              error = feature_field.value().get_string().get(tag);
            if (error) return error;
          }
          if (type == "app.bsky.richtext.facet#tag" && !tag.empty())
            tags_.push_back(tag);
          else if (type == "app.bsky.richtext.facet#link")
            is_link = true;
        }
      }
    }
    if (is_link) {
      // An unusable index still counts the link; it just cannot hide a typed URL.
      if (byte_start < 0 || byte_end < byte_start) byte_start = byte_end = 0;
      link_facets_.push_back({static_cast<std::size_t>(byte_start), static_cast<std::size_t>(byte_end)});
    }
  }
  return simdjson::SUCCESS;
}

decode_result jetstream_decoder::build_post(std::string_view did, std::string_view rkey, std::int64_t time_us,
                                            bool is_edit) {
  extract_hashtags(text_, tags_);
  if (!wanted(tags_)) return skip(skip_reason::not_matching);

  decoded_post out;
  out.is_edit = is_edit;
  auto& post = out.post;
  post.id = "bluesky:at://";
  post.id.append(did).append("/app.bsky.feed.post/").append(rkey);
  post.source = "bluesky";
  post.author_id = did;
  std::string_view handle = handles_.find(did);
  post.author_handle = handle.empty() ? did : handle;
  post.url = "https://bsky.app/profile/";
  post.url.append(post.author_handle).append("/post/").append(rkey);
  post.text = text_;
  post.lang = lang_;
  post.is_reply = is_reply_;
  if (auto created = common::parse_iso8601_ms(created_at_, common::iso8601_form::feed))
    post.created_at = *created;
  else
    post.created_at = time_us / 1000;

  // A typed URL inside a link facet is the same link; count it once.
  find_urls(text_, urls_);
  int links = static_cast<int>(link_facets_.size());
  for (const auto& url : urls_) {
    bool covered = false;
    for (const auto& facet : link_facets_)
      covered = covered || (url.begin < facet.end && facet.begin < url.end);
    if (!covered) ++links;
  }
  post.link_count = links;
  out.hashtags = unique_strings(tags_);
  return out;
}

}  // namespace companion::tracker
