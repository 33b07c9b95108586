// Drops posts the wall has already seen: the same id twice, the same post arriving from
// two sources, and reposts of a post already seen. Flags (does not drop) the same text
// from several authors in a short window as likely spam. Memory is bounded throughout.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "bounded_set.hpp"
#include "session/social_post.hpp"

namespace companion::tracker {

enum class dedup_verdict { fresh, duplicate_id, duplicate_cross_source, duplicate_repost };

std::string_view to_string(dedup_verdict verdict);

struct dedup_decision {
  dedup_verdict verdict = dedup_verdict::fresh;
  bool likely_spam = false;  // identical text from spam_authors or more authors within spam_window
  int distinct_authors = 1;  // authors seen with this text in the window, this one included
};

struct dedup_limits {
  std::size_t remembered_posts = 200'000;  // ids and cross-source keys kept (FIFO); ~ a day of a busy event
  session::millis spam_window = 10 * 60 * 1000;  // copy-paste campaigns arrive within minutes
  int spam_authors = 3;                   // two people can say the same short thing; three is a pattern
  std::size_t remembered_texts = 50'000;  // texts tracked for spam (FIFO)
};

class deduplicator {
 public:
  explicit deduplicator(dedup_limits limits = {});

  // Classifies `post` and, when it is fresh, remembers it. `repost_of` is the original's
  // post id for reposts (may be empty). `now` is arrival time, used for the spam window.
  dedup_decision check(const session::social_post& post, std::string_view repost_of, session::millis now);

  bool seen(std::string_view post_id) const;
  // Marks a post id as seen, e.g. posts the engine already holds after a restart.
  void remember(std::string_view post_id);

 private:
  struct author_sighting {
    std::uint64_t author = 0;
    session::millis at = 0;
  };
  int note_text(std::uint64_t text_key, std::uint64_t author_key, session::millis now);

  dedup_limits limits_;
  bounded_map<std::string> ids_;
  bounded_map<std::uint64_t> cross_source_keys_;
  bounded_map<std::uint64_t, std::vector<author_sighting>> texts_;
};

}  // namespace companion::tracker
