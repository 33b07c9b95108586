// Reactions: the emoji an event allows, and the counts of one aggregation window.
// Windows are plain sums, so the windows of several shards (or, with scale-out,
// several gateway processes) merge by adding them up.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "types.hpp"

namespace companion::session {

// An event file lists at most this many: one row of buttons on a phone.
constexpr std::size_t max_reactions = 12;
// One reaction is one emoji, possibly a ZWJ sequence with modifiers; 32 bytes holds
// the longest (a family or a flag sequence) with room to spare.
constexpr std::size_t max_reaction_bytes = 32;

// 👏 ❤️ 😂 😮 🤔 🎉, the set an event without a `reactions` list gets.
std::vector<std::string> default_reactions();

// Why `emoji` cannot be in an event's reactions list; empty when it can.
std::string check_reaction(std::string_view emoji);

class reaction_set {
 public:
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

  reaction_set() : reaction_set(default_reactions()) {}
  explicit reaction_set(std::vector<std::string> emoji);

  const std::vector<std::string>& emoji() const { return emoji_; }
  std::size_t size() const { return emoji_.size(); }
  // The index of `emoji`, or npos. Keyboards differ on the variation selector (U+FE0F)
  // after a symbol such as ❤, so it is ignored on both sides.
  std::size_t find(std::string_view emoji) const;

 private:
  std::vector<std::string> emoji_;
  std::vector<std::string> keys_;  // emoji_ without U+FE0F
};

// The counts of one window, index-aligned with the event's reaction_set.
struct reaction_window {
  std::vector<std::uint64_t> counts;

  reaction_window() = default;
  explicit reaction_window(std::size_t emoji) : counts(emoji, 0) {}
  void add(std::size_t index, std::uint64_t n = 1) { counts[index] += n; }
  // Adds another window's counts (another shard's, another process's).
  void merge(const reaction_window& other);
  bool empty() const;
  std::uint64_t total() const;
};

// Turns the running totals that each counting source (one per I/O thread) only ever
// increases into windows: a window is what the totals grew by since the last reading.
// The sources never reset anything, so no counter is written by two threads.
class reaction_tally {
 public:
  reaction_tally(std::size_t sources, std::size_t emoji);
  // The current running totals of `source` (one per emoji).
  void read(std::size_t source, std::span<const std::uint64_t> totals);
  // What was counted since the last take(); starts the next window.
  reaction_window take();

 private:
  std::size_t emoji_;
  std::vector<std::uint64_t> seen_;  // per source and emoji: the totals at the last reading
  reaction_window window_;
};

// {"type":"reactions","counts":{"👏":41,...},"window_ms":500,"at":...}: the emoji
// counted in the window, in the event's order, leaving out those at zero.
std::string reactions_frame(const reaction_set& set, const reaction_window& window, millis window_ms,
                            millis at);

}  // namespace companion::session
