// A social post after decoding and normalization, whatever network it came
// from. The hashtag tracker produces these; the engine moderates and shows them.
#pragma once

#include <string>
#include <vector>

#include "types.hpp"

namespace companion::session {

struct social_post {
  std::string id;         // stable across sources and restarts: "<network>:<native id>"
  std::string source;     // bluesky | mastodon | webhook | replay
  std::string url;        // link to the original post, may be empty
  std::string author_id;  // DID, account URI or numeric id
  std::string author_handle;
  std::string author_display_name;
  std::string text;               // plain text, never HTML
  std::vector<std::string> tags;  // the event hashtags it carries, spelled as the event spells them
  std::string lang;               // BCP 47 when known
  millis created_at = 0;
  bool is_reply = false;
  bool is_repost = false;
  int link_count = 0;
};

// What auto-moderation decided for a post, and why.
enum class post_verdict { rejected, pending, approved };

struct moderation_decision {
  post_verdict verdict = post_verdict::pending;
  std::string rule;    // e.g. "blocked_term", "trusted_author", "default"
  std::string reason;  // human text for moderators
};

}  // namespace companion::session
