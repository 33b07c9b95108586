// The socket-free heart of the hashtag tracker: one frame or line in, at most one thing
// for the engine out. decode -> match the event's hashtags -> dedup -> auto-moderate.
// Network adapters (Jetstream, Mastodon, webhook, replay) feed it; it never does I/O.
// Not thread-safe: one pipeline per ingest thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "any_decoder.hpp"
#include "dedup.hpp"
#include "hashtag_matcher.hpp"
#include "ingest_counters.hpp"
#include "moderation_rules.hpp"
#include "session/social_post.hpp"

namespace companion::tracker {

struct pipeline_limits {
  std::size_t handle_cache = 100'000;  // DIDs with a known handle; covers a busy day's active posters
  std::size_t mastodon_ids = 100'000;  // status ids kept so that deletes can be resolved
  dedup_limits dedup;
};

// A post for the engine, with what auto-moderation decided.
struct accepted_post {
  session::social_post post;
  session::moderation_decision decision;
  bool is_edit = false;      // replaces an earlier version of the same post id
  bool likely_spam = false;  // also reflected in decision when no rejecting rule applied
};

// A post the engine was given earlier and that its author deleted.
struct deleted_post {
  std::string post_id;
};

using ingest_result = std::variant<std::monostate, accepted_post, deleted_post>;

class ingest_pipeline {
 public:
  ingest_pipeline(std::vector<std::string> event_hashtags, moderation_rules rules,
                  pipeline_limits limits = {});

  ingest_pipeline(const ingest_pipeline&) = delete;
  ingest_pipeline& operator=(const ingest_pipeline&) = delete;

  // One frame or NDJSON line. `format` unknown sniffs the format per line (decode_any).
  // `now` is the arrival time (rate limits, spam window).
  // `lane` webhook keeps the line to the webhook's own posts (see ingest_lane).
  ingest_result ingest(std::string_view frame, wire_format format, session::millis now,
                       ingest_lane lane = ingest_lane::source);

  const ingest_counters& counters() const { return counters_; }
  // time_us of the last Jetstream frame processed (0 before any): the resume cursor.
  std::int64_t jetstream_cursor() const { return decoders_.jetstream().cursor(); }

  moderation_rules& rules() { return rules_; }
  const hashtag_matcher& matcher() const { return matcher_; }
  did_handle_cache& handles() { return decoders_.jetstream().handles(); }

  // Marks a post id the engine already holds (e.g. after a restart), so that repeats are
  // dropped and its deletion is passed on.
  void remember(std::string_view post_id) { dedup_.remember(post_id); }

 private:
  // Refuses what a webhook line may not do; false when `decoded` became foreign_source.
  static bool keep_to_webhook(decode_result& decoded);
  ingest_result on_post(decoded_post&& decoded, source_counters& source, session::millis now);

  hashtag_matcher matcher_;
  any_decoder decoders_;
  deduplicator dedup_;
  moderation_rules rules_;
  ingest_counters counters_;
};

}  // namespace companion::tracker
