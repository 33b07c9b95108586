// The run of show in an engine state snapshot: each segment as the event file writes
// it plus its timings, and the show's status, current segment and times.
#include <boost/json/array.hpp>

#include "agenda.hpp"
#include "snapshot_fields.hpp"

namespace companion::session {
namespace {

boost::json::value time_or_null(const std::optional<millis>& at) {
  return at ? boost::json::value(*at) : boost::json::value(nullptr);
}

std::optional<agenda_status> parse_status(std::string_view text) {
  for (auto s : {agenda_status::scheduled, agenda_status::live, agenda_status::paused, agenda_status::ended})
    if (to_string(s) == text) return s;
  return std::nullopt;
}

}  // namespace

boost::json::object agenda::snapshot() const {
  boost::json::array segments;
  for (const auto& segment : segments_)
    segments.push_back(boost::json::object{{"definition", segment_definition_to_json(segment.definition)},
                                           {"actual_start", time_or_null(segment.actual_start)},
                                           {"paused_ms", segment.paused_ms},
                                           {"elapsed_ms", segment.elapsed_ms}});
  return {{"segments", std::move(segments)},
          {"status", to_string(status_)},
          {"current", current_ ? boost::json::value(*current_) : boost::json::value(nullptr)},
          {"started_at", time_or_null(started_at_)},
          {"paused_at", time_or_null(paused_at_)},
          {"ended_at", time_or_null(ended_at_)},
          {"running_since", time_or_null(running_since_)}};
}

bool agenda::restore(const boost::json::object& in, std::string& why) {
  const boost::json::array* segments = nullptr;
  std::string status_text;
  const boost::json::value* current = nullptr;
  std::optional<millis> started_at, paused_at, ended_at, running_since;
  if (!read_field(in, "segments", segments, why) || !read_field(in, "status", status_text, why) ||
      !read_field(in, "current", current, why) || !read_field(in, "started_at", started_at, why) ||
      !read_field(in, "paused_at", paused_at, why) || !read_field(in, "ended_at", ended_at, why) ||
      !read_field(in, "running_since", running_since, why))
    return false;
  auto status = parse_status(status_text);
  if (!status) {
    why = "status: not an agenda status";
    return false;
  }
  std::vector<segment_state> restored;
  restored.reserve(segments->size());
  for (std::size_t i = 0; i < segments->size(); ++i) {
    const std::string where = "segments[" + std::to_string(i) + "]";
    const auto& item = (*segments)[i];
    if (!item.is_object()) {
      why = "not an object";
      return fail_at(where, why);
    }
    const auto& fields = item.get_object();
    const boost::json::value* definition = nullptr;
    segment_state segment;
    if (!read_field(fields, "definition", definition, why) ||
        !read_field(fields, "actual_start", segment.actual_start, why) ||
        !read_field(fields, "paused_ms", segment.paused_ms, why) ||
        !read_field(fields, "elapsed_ms", segment.elapsed_ms, why))
      return fail_at(where, why);
    // The event file's rules: a snapshot holds no segment a producer could not have made.
    if (!parse_segment(*definition, segment.definition, why)) return fail_at(where + ".definition", why);
    restored.push_back(std::move(segment));
  }
  std::optional<std::size_t> index;
  if (!current->is_null()) {
    if (!current->is_int64() || current->get_int64() < 0 ||
        static_cast<std::uint64_t>(current->get_int64()) >= restored.size()) {
      why = "current: not the index of a segment";
      return false;
    }
    index = static_cast<std::size_t>(current->get_int64());
  }
  // The state machine's invariant: a current segment exactly while the show runs.
  const bool running = *status == agenda_status::live || *status == agenda_status::paused;
  if (running != index.has_value()) {
    why = "current: a segment is current exactly while the show is live or paused";
    return false;
  }
  segments_ = std::move(restored);
  status_ = *status;
  current_ = index;
  started_at_ = started_at;
  paused_at_ = paused_at;
  ended_at_ = ended_at;
  running_since_ = running_since;
  return true;
}

}  // namespace companion::session
