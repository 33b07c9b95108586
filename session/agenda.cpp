// The run-of-show state machine. Each command either applies completely or leaves
// the agenda untouched and says why, so a producer's misclick never corrupts the show.
#include "agenda.hpp"

#include <algorithm>
#include <boost/json/array.hpp>
#include <string>

namespace companion::session {

namespace json = boost::json;

namespace {

outcome conflict(std::string message) {
  return outcome::failure(error_code::conflict, std::move(message));
}

json::value optional_time(const std::optional<millis>& at) {
  if (at) return json::value(*at);
  return json::value(nullptr);
}

json::object segment_to_json(const segment_state& segment) {
  json::array speakers;
  for (const auto& person : segment.definition.speakers) {
    speakers.emplace_back(
        json::object{{"name", person.name}, {"role", person.role}, {"title", person.title}});
  }
  return json::object{
      {"id", segment.definition.id},       {"kind", segment.definition.kind},
      {"title", segment.definition.title}, {"planned_minutes", segment.definition.planned_minutes},
      {"speakers", std::move(speakers)},   {"actual_start", optional_time(segment.actual_start)},
      {"paused_ms", segment.paused_ms},    {"elapsed_ms", segment.elapsed_ms}};
}

}  // namespace

std::string_view to_string(agenda_status s) {
  switch (s) {
    case agenda_status::scheduled:
      return "scheduled";
    case agenda_status::live:
      return "live";
    case agenda_status::paused:
      return "paused";
    case agenda_status::ended:
      return "ended";
  }
  return "scheduled";
}

agenda::agenda(std::vector<segment_definition> segments) {
  segments_.reserve(segments.size());
  for (auto& definition : segments) segments_.push_back(segment_state{std::move(definition), std::nullopt});
}

outcome agenda::start(millis now) {
  if (status_ == agenda_status::ended) return conflict("the show has ended");
  if (status_ != agenda_status::scheduled) return conflict("the show has already started");
  if (segments_.empty()) return conflict("the agenda has no segments");
  status_ = agenda_status::live;
  started_at_ = now;
  enter(0, now);
  return outcome::success();
}

outcome agenda::next(millis now) {
  if (auto refused = require_running(); !refused.ok()) return refused;
  if (*current_ + 1 >= segments_.size()) return conflict("already on the last segment");
  enter(*current_ + 1, now);
  return outcome::success();
}

outcome agenda::previous(millis now) {
  if (auto refused = require_running(); !refused.ok()) return refused;
  if (*current_ == 0) return conflict("already on the first segment");
  enter(*current_ - 1, now);
  return outcome::success();
}

outcome agenda::go_to(std::string_view segment_id, millis now) {
  if (auto refused = require_running(); !refused.ok()) return refused;
  const auto found = std::find_if(segments_.begin(), segments_.end(),
                                  [&](const segment_state& s) { return s.definition.id == segment_id; });
  if (found == segments_.end()) {
    return outcome::failure(error_code::not_found, "no segment \"" + std::string(segment_id) + "\"");
  }
  const auto index = static_cast<std::size_t>(found - segments_.begin());
  if (index == *current_)
    return conflict("\"" + std::string(segment_id) + "\" is already the current segment");
  enter(index, now);
  return outcome::success();
}

outcome agenda::pause(millis now) {
  if (status_ == agenda_status::paused) return conflict("the show is already paused");
  if (auto refused = require_running(); !refused.ok()) return refused;
  credit_stint(now);
  status_ = agenda_status::paused;
  paused_at_ = now;
  return outcome::success();
}

outcome agenda::resume(millis now) {
  if (status_ == agenda_status::live) return conflict("the show is not paused");
  if (auto refused = require_running(); !refused.ok()) return refused;
  credit_pause(now);
  status_ = agenda_status::live;
  paused_at_.reset();
  running_since_ = now;
  return outcome::success();
}

outcome agenda::end(millis now) {
  if (auto refused = require_running(); !refused.ok()) return refused;
  credit_stint(now);
  if (status_ == agenda_status::paused) credit_pause(now);
  status_ = agenda_status::ended;
  current_.reset();
  // An ended show is no longer paused; keeping the pause time would suggest it is.
  paused_at_.reset();
  ended_at_ = now;
  return outcome::success();
}

std::optional<std::size_t> agenda::find(std::string_view segment_id) const {
  for (std::size_t i = 0; i < segments_.size(); ++i)
    if (segments_[i].definition.id == segment_id) return i;
  return std::nullopt;
}

std::size_t agenda::first_upcoming() const {
  return current_ ? *current_ + 1 : 0;
}

outcome agenda::upcoming_position(const std::optional<std::string>& after, std::size_t& position) const {
  if (!after) {
    position = 0;
  } else if (auto index = find(*after)) {
    position = *index + 1;
  } else {
    return outcome::failure(error_code::not_found, "no segment \"" + *after + "\"");
  }
  if (position < first_upcoming())
    return conflict("only upcoming segments can change place: put it after the current segment or later");
  return outcome::success();
}

outcome agenda::update_segment(segment_definition replacement) {
  if (status_ == agenda_status::ended) return conflict("the show has ended");
  auto index = find(replacement.id);
  if (!index) return outcome::failure(error_code::not_found, "no segment \"" + replacement.id + "\"");
  segments_[*index].definition = std::move(replacement);
  return outcome::success();
}

outcome agenda::add_segment(segment_definition segment, const std::optional<std::string>& after, bool at_end,
                            std::size_t max_segments) {
  if (status_ == agenda_status::ended) return conflict("the show has ended");
  if (find(segment.id)) return conflict("a segment \"" + segment.id + "\" exists already");
  if (segments_.size() >= max_segments)
    return conflict("the agenda has " + std::to_string(max_segments) + " segments, the most it may have");
  std::size_t position = segments_.size();
  if (!at_end)
    if (auto refused = upcoming_position(after, position); !refused.ok()) return refused;
  segments_.insert(segments_.begin() + static_cast<std::ptrdiff_t>(position),
                   segment_state{std::move(segment), std::nullopt});
  return outcome::success();
}

outcome agenda::remove_segment(std::string_view segment_id) {
  if (status_ == agenda_status::ended) return conflict("the show has ended");
  auto index = find(segment_id);
  if (!index)
    return outcome::failure(error_code::not_found, "no segment \"" + std::string(segment_id) + "\"");
  if (*index < first_upcoming())
    return conflict("\"" + std::string(segment_id) +
                    "\" is running or has run; only upcoming segments can go");
  if (segments_.size() == 1) return conflict("the agenda needs at least one segment");
  segments_.erase(segments_.begin() + static_cast<std::ptrdiff_t>(*index));
  return outcome::success();
}

outcome agenda::move_segment(std::string_view segment_id, const std::optional<std::string>& after) {
  if (status_ == agenda_status::ended) return conflict("the show has ended");
  auto index = find(segment_id);
  if (!index)
    return outcome::failure(error_code::not_found, "no segment \"" + std::string(segment_id) + "\"");
  if (after && *after == segment_id)
    return outcome::failure(error_code::bad_request, "a segment cannot go after itself");
  if (*index < first_upcoming())
    return conflict("\"" + std::string(segment_id) + "\" is running or has run; only upcoming segments move");
  // Taken out first, so the position is counted in the list without it.
  segment_state moving = std::move(segments_[*index]);
  segments_.erase(segments_.begin() + static_cast<std::ptrdiff_t>(*index));
  std::size_t position = 0;
  if (auto refused = upcoming_position(after, position); !refused.ok()) {
    segments_.insert(segments_.begin() + static_cast<std::ptrdiff_t>(*index), std::move(moving));
    return refused;
  }
  segments_.insert(segments_.begin() + static_cast<std::ptrdiff_t>(position), std::move(moving));
  return outcome::success();
}

json::object agenda::to_json() const {
  json::array segments;
  for (const auto& segment : segments_) segments.emplace_back(segment_to_json(segment));
  json::value current(nullptr);
  if (current_) current = json::value(segments_[*current_].definition.id);
  return json::object{{"status", to_string(status_)},
                      {"current", std::move(current)},
                      {"started_at", optional_time(started_at_)},
                      {"paused_at", optional_time(paused_at_)},
                      {"ended_at", optional_time(ended_at_)},
                      {"running_since", optional_time(running_since_)},
                      {"segments", std::move(segments)}};
}

outcome agenda::require_running() const {
  if (status_ == agenda_status::scheduled) return conflict("the show has not started");
  if (status_ == agenda_status::ended) return conflict("the show has ended");
  return outcome::success();
}

void agenda::credit_pause(millis now) {
  if (current_ && paused_at_) segments_[*current_].paused_ms += std::max<millis>(0, now - *paused_at_);
}

void agenda::credit_stint(millis now) {
  if (current_ && running_since_)
    segments_[*current_].elapsed_ms += std::max<millis>(0, now - *running_since_);
  running_since_.reset();
}

millis agenda::current_elapsed(millis now) const {
  if (!current_) return 0;
  millis running = running_since_ ? std::max<millis>(0, now - *running_since_) : 0;
  return segments_[*current_].elapsed_ms + running;
}

void agenda::enter(std::size_t index, millis now) {
  // The time rule: whichever way the show moves, the segment it leaves keeps the time
  // it was current and the one it enters goes on from its own.
  credit_stint(now);
  if (status_ == agenda_status::live) running_since_ = now;
  // A pause that goes on across a move belongs to the segment it began in up to now.
  if (status_ == agenda_status::paused) {
    credit_pause(now);
    paused_at_ = now;
  }
  // Moving back means the later segments have not run yet in this telling of the show,
  // so their start times would misreport the chapters.
  if (current_ && index < *current_) {
    for (std::size_t i = index + 1; i < segments_.size(); ++i) {
      segments_[i].actual_start.reset();
      segments_[i].paused_ms = 0;
    }
  }
  current_ = index;
  if (!segments_[index].actual_start) {
    segments_[index].actual_start = now;
    segments_[index].paused_ms = 0;
  }
}

}  // namespace companion::session
