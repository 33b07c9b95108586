// Decides which of an event's hashtags a post carries. Tags compare after NFKC case
// folding, so #road2nato, #Road2NATO and ＃ＲＯＡＤ２ＮＡＴＯ are the same tag, while
// #Road2NATO2024 is not. Event tags are folded once up front; candidates only when needed.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace companion::tracker {

class hashtag_matcher {
 public:
  // `event_tags` as the event spells them, with or without a leading '#'.
  explicit hashtag_matcher(std::vector<std::string> event_tags);

  // Index into event_tags() of the tag `candidate` names, if any. A leading '#' or '＃' is ignored.
  std::optional<std::size_t> find(std::string_view candidate) const;

  bool matches_any(std::span<const std::string_view> candidates) const;

  // The event tags among the candidates, spelled as the event spells them, in event
  // order, each once.
  std::vector<std::string> match(std::span<const std::string> candidates) const;

  // Hashtags typed in `text` that are event tags (same spelling and order as match()).
  std::vector<std::string> match_text(std::string_view text) const;

  const std::vector<std::string>& event_tags() const { return tags_; }

 private:
  std::vector<std::string> tags_;      // event spelling
  std::vector<std::string> folded_;    // folded, same order
  std::vector<bool> folded_is_ascii_;  // lets ASCII candidates skip utf8proc entirely
};

}  // namespace companion::tracker
