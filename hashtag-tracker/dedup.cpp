#include "dedup.hpp"

#include <algorithm>
#include <functional>

#include "unicode_text.hpp"

namespace companion::tracker {
namespace {

std::uint64_t hash_of(std::string_view text) {
  return std::hash<std::string_view>{}(text);
}

// Handles compare without case and without a leading '@'.
std::string normalize_handle(std::string_view handle) {
  if (handle.starts_with('@')) handle.remove_prefix(1);
  return fold_case(handle);
}

}  // namespace

std::string_view to_string(dedup_verdict verdict) {
  switch (verdict) {
    case dedup_verdict::fresh:
      return "fresh";
    case dedup_verdict::duplicate_id:
      return "duplicate_id";
    case dedup_verdict::duplicate_cross_source:
      return "duplicate_cross_source";
    case dedup_verdict::duplicate_repost:
      return "duplicate_repost";
  }
  return "fresh";
}

deduplicator::deduplicator(dedup_limits limits)
    : limits_(limits),
      ids_(limits.remembered_posts),
      cross_source_keys_(limits.remembered_posts),
      texts_(limits.remembered_texts) {}

bool deduplicator::seen(std::string_view post_id) const {
  return ids_.contains(std::string(post_id));
}

void deduplicator::remember(std::string_view post_id) {
  ids_.put(std::string(post_id));
}

dedup_decision deduplicator::check(const session::social_post& post, std::string_view repost_of,
                                   session::millis now) {
  dedup_decision decision;
  if (ids_.contains(post.id)) {
    decision.verdict = dedup_verdict::duplicate_id;
    return decision;
  }
  if (!repost_of.empty() && ids_.contains(std::string(repost_of))) {
    decision.verdict = dedup_verdict::duplicate_repost;
    return decision;
  }
  std::string text = normalize_for_comparison(post.text);
  std::string handle = normalize_handle(post.author_handle);
  // Same words, same author, same minute: one post seen through two networks or feeds.
  std::string cross_key = handle;
  cross_key.push_back('\x1f');
  cross_key.append(std::to_string(post.created_at / 60'000));
  cross_key.push_back('\x1f');
  cross_key.append(text);
  if (!cross_source_keys_.put(hash_of(cross_key))) {
    decision.verdict = dedup_verdict::duplicate_cross_source;
    return decision;
  }
  ids_.put(post.id);
  // Later reposts of the same original are duplicates of this one.
  if (!repost_of.empty()) ids_.put(std::string(repost_of));
  decision.distinct_authors = note_text(hash_of(text), hash_of(handle), now);
  decision.likely_spam = decision.distinct_authors >= limits_.spam_authors;
  return decision;
}

int deduplicator::note_text(std::uint64_t text_key, std::uint64_t author_key, session::millis now) {
  std::vector<author_sighting>* sightings = texts_.find(text_key);
  if (sightings == nullptr) {
    texts_.put(text_key, {author_sighting{author_key, now}});
    return 1;
  }
  std::erase_if(*sightings, [&](const author_sighting& s) { return now - s.at > limits_.spam_window; });
  auto same = std::find_if(sightings->begin(), sightings->end(),
                           [&](const author_sighting& s) { return s.author == author_key; });
  if (same != sightings->end()) {
    same->at = now;
  } else if (sightings->size() < 64) {
    // Capped: past a few dozen authors the answer is already "spam".
    sightings->push_back({author_key, now});
  }
  return static_cast<int>(sightings->size());
}

}  // namespace companion::tracker
