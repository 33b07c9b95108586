#include "reactions.hpp"

#include <algorithm>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace companion::session {
namespace {

constexpr std::string_view variation_selector_16 = "\xEF\xB8\x8F";  // U+FE0F

std::string without_selector(std::string_view emoji) {
  std::string out;
  out.reserve(emoji.size());
  for (std::size_t i = 0; i < emoji.size();) {
    if (emoji.substr(i, variation_selector_16.size()) == variation_selector_16) {
      i += variation_selector_16.size();
      continue;
    }
    out += emoji[i++];
  }
  return out;
}

}  // namespace

std::vector<std::string> default_reactions() {
  return {"\xF0\x9F\x91\x8F",          // 👏
          "\xE2\x9D\xA4\xEF\xB8\x8F",  // ❤️
          "\xF0\x9F\x98\x82",          // 😂
          "\xF0\x9F\x98\xAE",          // 😮
          "\xF0\x9F\xA4\x94",          // 🤔
          "\xF0\x9F\x8E\x89"};         // 🎉
}

std::string check_reaction(std::string_view emoji) {
  if (emoji.empty() || emoji.size() > max_reaction_bytes)
    return "must be 1.." + std::to_string(max_reaction_bytes) + " bytes long";
  // Words would be a second, unmoderated text channel on every viewer's screen: a
  // reaction is an emoji, and every emoji is outside ASCII.
  if (std::any_of(emoji.begin(), emoji.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; }))
    return "must be an emoji, without letters, digits, spaces or punctuation";
  if (without_selector(emoji).empty()) return "must be an emoji, not a variation selector alone";
  return {};
}

reaction_set::reaction_set(std::vector<std::string> emoji) : emoji_(std::move(emoji)) {
  keys_.reserve(emoji_.size());
  for (const auto& e : emoji_) keys_.push_back(without_selector(e));
}

std::size_t reaction_set::find(std::string_view emoji) const {
  for (std::size_t i = 0; i < emoji_.size(); ++i)
    if (emoji_[i] == emoji) return i;
  // Rarely reached: only a client that writes the selector differently from the file.
  if (emoji.size() > max_reaction_bytes + variation_selector_16.size()) return npos;
  const std::string key = without_selector(emoji);
  for (std::size_t i = 0; i < keys_.size(); ++i)
    if (keys_[i] == key) return i;
  return npos;
}

void reaction_window::merge(const reaction_window& other) {
  if (counts.size() < other.counts.size()) counts.resize(other.counts.size(), 0);
  for (std::size_t i = 0; i < other.counts.size(); ++i) counts[i] += other.counts[i];
}

bool reaction_window::empty() const {
  return std::all_of(counts.begin(), counts.end(), [](std::uint64_t n) { return n == 0; });
}

std::uint64_t reaction_window::total() const {
  std::uint64_t sum = 0;
  for (auto n : counts) sum += n;
  return sum;
}

reaction_tally::reaction_tally(std::size_t sources, std::size_t emoji)
    : emoji_(emoji), seen_(sources * emoji, 0), window_(emoji) {}

void reaction_tally::read(std::size_t source, std::span<const std::uint64_t> totals) {
  for (std::size_t i = 0; i < emoji_ && i < totals.size(); ++i) {
    std::uint64_t& seen = seen_[source * emoji_ + i];
    // Totals only grow; a reading that went back would be a bug, never a negative window.
    if (totals[i] > seen) window_.add(i, totals[i] - seen);
    seen = std::max(seen, totals[i]);
  }
}

reaction_window reaction_tally::take() {
  reaction_window done(emoji_);
  std::swap(done, window_);
  return done;
}

std::string reactions_frame(const reaction_set& set, const reaction_window& window, millis window_ms,
                            millis at) {
  boost::json::object counts;
  for (std::size_t i = 0; i < set.size() && i < window.counts.size(); ++i)
    if (window.counts[i] > 0) counts[set.emoji()[i]] = window.counts[i];
  boost::json::object frame{
      {"type", "reactions"}, {"counts", std::move(counts)}, {"window_ms", window_ms}, {"at", at}};
  return boost::json::serialize(frame);
}

}  // namespace companion::session
