// The run of show as a state machine: scheduled -> live <-> paused -> ended,
// with a current segment. Every illegal move is a conflict; nothing reads a clock.
#pragma once

#include <boost/json/object.hpp>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "event_definition.hpp"
#include "types.hpp"

namespace companion::session {

enum class agenda_status { scheduled, live, paused, ended };
std::string_view to_string(agenda_status s);

struct segment_state {
  segment_definition definition;
  std::optional<millis>
      actual_start;      // when it last became current, cleared if the show moves back before it
  millis paused_ms = 0;  // time the show stood paused while this segment was current
  // The time rule: the sum of the time this segment was current while the show was
  // live, over its past stints. The running stint is added by readers (running_since).
  millis elapsed_ms = 0;
};

class agenda {
 public:
  explicit agenda(std::vector<segment_definition> segments);

  // scheduled -> live on the first segment.
  outcome start(millis now);
  // Moves to the following segment; conflict on the last one.
  outcome next(millis now);
  // Moves to the preceding segment; conflict on the first one.
  outcome previous(millis now);
  // Jumps to a segment by id: not_found for an unknown id, conflict if already current.
  outcome go_to(std::string_view segment_id, millis now);
  // live -> paused.
  outcome pause(millis now);
  // paused -> live.
  outcome resume(millis now);
  // live|paused -> ended; current becomes none.
  outcome end(millis now);

  // Live rundown edits. Upcoming segments (after the current one; every one before the
  // start) may be added, removed and reordered; any segment may be renamed, re-timed or
  // get other speakers. Nothing may change after the end.
  // Replaces a segment's definition (same id): not_found for an unknown id.
  outcome update_segment(segment_definition replacement);
  // Adds a segment after `after` (nullopt: first), or at the end when `at_end`.
  outcome add_segment(segment_definition segment, const std::optional<std::string>& after, bool at_end,
                      std::size_t max_segments);
  outcome remove_segment(std::string_view segment_id);
  // Moves an upcoming segment to just after `after` (nullopt: first).
  outcome move_segment(std::string_view segment_id, const std::optional<std::string>& after);

  agenda_status status() const { return status_; }
  std::optional<std::size_t> current_index() const { return current_; }
  const std::vector<segment_state>& segments() const { return segments_; }
  std::optional<millis> started_at() const { return started_at_; }
  std::optional<millis> paused_at() const { return paused_at_; }
  std::optional<millis> ended_at() const { return ended_at_; }
  // When the current segment's present stint began; none while paused or not running.
  std::optional<millis> running_since() const { return running_since_; }
  // The current segment's elapsed time at `now` under the time rule (0 when none is current).
  millis current_elapsed(millis now) const;

  // The public "agenda" object (protocol.md), plus "paused_at" and "ended_at".
  boost::json::object to_json() const;

  // The whole run of show for an engine state snapshot (agenda_snapshot.cpp), and back:
  // false with `why`, and the agenda unchanged, when `in` is not what snapshot() writes.
  boost::json::object snapshot() const;
  bool restore(const boost::json::object& in, std::string& why);

 private:
  // Rules shared by next/previous/go_to: the show must be live or paused.
  outcome require_running() const;
  // The index of a segment by id, if any.
  std::optional<std::size_t> find(std::string_view segment_id) const;
  // The first index the rundown may change at: after the current segment.
  std::size_t first_upcoming() const;
  // Where a segment goes when placed after `after` (nullopt: first); not_found or a
  // conflict for a position that is not upcoming.
  outcome upcoming_position(const std::optional<std::string>& after, std::size_t& position) const;
  void enter(std::size_t index, millis now);
  // Adds the pause so far to the current segment's paused time.
  void credit_pause(millis now);
  // Closes the current segment's running stint, adding it to its elapsed time.
  void credit_stint(millis now);

  std::vector<segment_state> segments_;
  agenda_status status_ = agenda_status::scheduled;
  std::optional<std::size_t> current_;
  std::optional<millis> started_at_;
  std::optional<millis> paused_at_;
  std::optional<millis> ended_at_;
  std::optional<millis> running_since_;
};

}  // namespace companion::session
