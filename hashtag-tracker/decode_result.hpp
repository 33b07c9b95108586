// What one decoded frame or line turned into: a post, a deletion, a DID->handle
// update, or a counted reason for skipping it. Decoders return these; the
// ingest pipeline acts on them.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "session/social_post.hpp"

namespace companion::tracker {

// Frames above this size are refused before parsing: no real post comes close.
inline constexpr std::size_t max_frame_bytes = 64 * 1024;

enum class skip_reason {
  malformed_json,      // not JSON, truncated, or invalid UTF-8
  wrong_type,          // a field or the document has the wrong JSON type or an unknown value
  missing_field,       // a required field is absent
  too_large,           // frame larger than max_frame_bytes
  unknown_collection,  // a Jetstream commit for something other than app.bsky.feed.post
  unknown_event,       // a Mastodon streaming event or Jetstream kind we do not handle
  unknown_post,        // a deletion of a post this decoder never saw (ids are not resolvable)
  identity_event,      // a Jetstream identity frame that carries no handle
  account_event,       // a Jetstream account (status) frame
  not_matching,        // carries none of the event's hashtags
  foreign_source,      // a webhook line speaking for another source (its posts, deletes, identities)
};
inline constexpr std::size_t skip_reason_count = 11;

// Where a line comes from. A configured source (Jetstream, Mastodon, a replay file) speaks
// for its network; the webhook, reachable with an ingest token, speaks for itself only.
enum class ingest_lane { source, webhook };

// created_at outside [2000-01-01, now + 1 day] is clamped into it: a far-future or
// negative time would sort a post above every other and breaks date formatting in browsers.
inline constexpr session::millis earliest_created_at = 946'684'800'000;  // 2000-01-01T00:00:00Z
inline constexpr session::millis created_at_slack = 86'400'000;          // one day ahead
inline session::millis clamp_created_at(session::millis at, session::millis now) {
  if (at < earliest_created_at) return earliest_created_at;
  if (now > 0 && at > now + created_at_slack) return now + created_at_slack;
  return at;
}

std::string_view to_string(skip_reason reason);

struct decoded_post {
  session::social_post post;
  std::vector<std::string> hashtags;  // every hashtag found, without '#', as spelled in the source
  std::string repost_of;              // post id of the original when this is a repost
  bool is_edit = false;               // a new version of a post seen before
};

struct post_deletion {
  std::string post_id;
};

struct identity_update {
  std::string did;
  std::string handle;
};

struct skipped {
  skip_reason reason;
};

using decode_result = std::variant<decoded_post, post_deletion, identity_update, skipped>;

}  // namespace companion::tracker
