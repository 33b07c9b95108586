// Shared setup for the engine and replica tests: an engine built from a shipped
// event file, commands decoded from real client frames, posts, and a log of every
// journal record the engine asked to store.
#pragma once

#include <gtest/gtest.h>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "session/command.hpp"
#include "session/engine.hpp"
#include "session/event_definition.hpp"

namespace companion::session::testing {

constexpr millis t0 = 1713794400000;  // 2024-04-22T14:00:00Z
constexpr const char* nato_event = "events/nato-indo-pacific-2024.json";
constexpr const char* demo_event = "events/examples/companion-demo.json";  // premoderate: false

inline event_definition load_event(std::string_view relative) {
  std::filesystem::path path = std::filesystem::path(COMPANION_SOURCE_DIR) / relative;
  std::ifstream in(path, std::ios::binary);
  std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  auto result = parse_event_definition(text, path.string());
  if (const auto* error = std::get_if<event_load_error>(&result)) {
    ADD_FAILURE() << error->message();
    return {};
  }
  return std::get<event_definition>(std::move(result));
}

// A command exactly as a client frame would carry it.
inline command frame(std::string_view json) {
  command_decoder decoder;
  command out;
  decode_failure failure;
  EXPECT_TRUE(decoder.decode(json, out, failure)) << json << ": " << failure.message;
  return out;
}

inline actor viewer(std::string id) {
  return {role::viewer, std::move(id), {}};
}
inline actor moderator(std::string subject = "mod-ana") {
  return {role::moderator, {}, std::move(subject)};
}
inline actor producer(std::string subject = "prod-joe") {
  return {role::producer, {}, std::move(subject)};
}

inline social_post make_post(const std::string& id, const std::string& handle = "ana.example",
                             std::vector<std::string> tags = {"Road2NATO"}) {
  social_post post;
  post.id = id;
  post.source = "bluesky";
  post.url = "https://bsky.app/profile/" + handle + "/post/" + id;
  post.author_id = "did:plc:" + handle;
  post.author_handle = handle;
  post.author_display_name = "Display " + handle;
  post.text = "Watching the summit";
  for (const auto& tag : tags) post.text += " #" + tag;
  post.tags = std::move(tags);
  post.lang = "en";
  post.created_at = t0 - 5000;
  return post;
}

inline const moderation_decision held{post_verdict::pending, "default", "held for review"};
inline const moderation_decision approved{post_verdict::approved, "trusted_author",
                                          "listed in the event file"};
inline const moderation_decision rejected{post_verdict::rejected, "blocked_term", "blocked term"};

inline std::vector<std::string> kinds_of(const engine_reply& reply) {
  std::vector<std::string> out;
  for (const auto& m : reply.messages) out.push_back(m->kind);
  return out;
}

inline std::size_t count_kind(const std::vector<message_ptr>& messages, std::string_view kind) {
  std::size_t n = 0;
  for (const auto& m : messages) n += m->kind == kind;
  return n;
}

// Drives one engine and keeps every message and journal record it produced.
class engine_driver {
 public:
  explicit engine_driver(std::string_view event_file, engine_limits limits = {})
      : engine_(std::make_unique<event_engine>(load_event(event_file), "epoch-1", limits)) {}

  engine_reply run(std::string_view json, const actor& who, millis at = t0) {
    return keep(engine_->apply(frame(json), who, at));
  }
  // For frames that carry ids or texts made by the test.
  engine_reply run(const boost::json::object& json, const actor& who, millis at = t0) {
    return run(boost::json::serialize(json), who, at);
  }
  engine_reply ingest(const social_post& post, const moderation_decision& decision, millis at = t0) {
    return keep(engine_->ingest(post, decision, at));
  }
  engine_reply edit(const social_post& post, const moderation_decision& decision, millis at = t0) {
    return keep(engine_->edit(post, decision, at));
  }
  engine_reply retract(const std::string& id, millis at = t0) { return keep(engine_->retract(id, at)); }
  engine_reply tick(millis at, std::uint64_t viewers = 0) { return keep(engine_->tick(at, viewers)); }

  event_engine& engine() { return *engine_; }
  const std::vector<boost::json::object>& journal() const { return journal_; }
  const std::vector<message_ptr>& messages() const { return messages_; }

 private:
  engine_reply keep(engine_reply reply) {
    if (reply.journal) journal_.push_back(*reply.journal);
    for (const auto& m : reply.messages) messages_.push_back(m);
    return reply;
  }

  std::unique_ptr<event_engine> engine_;
  std::vector<boost::json::object> journal_;
  std::vector<message_ptr> messages_;
};

}  // namespace companion::session::testing
