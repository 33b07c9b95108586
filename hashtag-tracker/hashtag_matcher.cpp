#include "hashtag_matcher.hpp"

#include "unicode_text.hpp"

namespace companion::tracker {
namespace {

std::string_view strip_mark(std::string_view tag) {
  if (tag.starts_with('#')) return tag.substr(1);
  if (tag.starts_with("\xEF\xBC\x83")) return tag.substr(3);  // full-width number sign
  return tag;
}

bool is_ascii(std::string_view text) {
  for (unsigned char c : text)
    if (c >= 0x80) return false;
  return true;
}

// `folded` is already lower case; compares without building a folded copy of `candidate`.
bool ascii_equal_folded(std::string_view candidate, std::string_view folded) {
  if (candidate.size() != folded.size()) return false;
  for (std::size_t i = 0; i < candidate.size(); ++i) {
    char c = candidate[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != folded[i]) return false;
  }
  return true;
}

}  // namespace

hashtag_matcher::hashtag_matcher(std::vector<std::string> event_tags) {
  for (auto& tag : event_tags) {
    std::string_view bare = strip_mark(tag);
    if (bare.empty()) continue;
    std::string folded = fold_case(bare);
    bool duplicate = false;
    for (const auto& f : folded_) duplicate = duplicate || f == folded;
    if (duplicate) continue;
    tags_.emplace_back(bare);
    folded_is_ascii_.push_back(is_ascii(folded));
    folded_.push_back(std::move(folded));
  }
}

std::optional<std::size_t> hashtag_matcher::find(std::string_view candidate) const {
  candidate = strip_mark(candidate);
  if (candidate.empty()) return std::nullopt;
  if (is_ascii(candidate)) {
    // NFKC case folding maps ASCII to lowercase ASCII, so only ASCII event tags can match.
    for (std::size_t i = 0; i < folded_.size(); ++i)
      if (folded_is_ascii_[i] && ascii_equal_folded(candidate, folded_[i])) return i;
    return std::nullopt;
  }
  std::string folded = fold_case(candidate);
  for (std::size_t i = 0; i < folded_.size(); ++i)
    if (folded_[i] == folded) return i;
  return std::nullopt;
}

bool hashtag_matcher::matches_any(std::span<const std::string_view> candidates) const {
  for (std::string_view c : candidates)
    if (find(c)) return true;
  return false;
}

std::vector<std::string> hashtag_matcher::match(std::span<const std::string> candidates) const {
  std::vector<bool> hit(tags_.size(), false);
  for (const auto& c : candidates)
    if (auto i = find(c)) hit[*i] = true;
  std::vector<std::string> out;
  for (std::size_t i = 0; i < tags_.size(); ++i)
    if (hit[i]) out.push_back(tags_[i]);
  return out;
}

std::vector<std::string> hashtag_matcher::match_text(std::string_view text) const {
  std::vector<std::string_view> found;
  extract_hashtags(text, found);
  std::vector<std::string> owned(found.begin(), found.end());
  return match(owned);
}

}  // namespace companion::tracker
