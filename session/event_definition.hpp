// An event as configured in its JSON file: identity, hashtags, the planned
// agenda and related links. Parsing is pure; reading the file is the caller's job.
#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "event_stream.hpp"
#include "poll_rules.hpp"
#include "reactions.hpp"
#include "types.hpp"

namespace companion::session {

struct speaker {
  std::string name;
  std::string role;   // "speaker", "moderator", "panelist" or "host"
  std::string title;  // affiliation line, e.g. "Deputy Secretary, U.S. Department of State"
};

struct segment_definition {
  std::string id;    // unique within the event, [a-z0-9-]+
  std::string kind;  // opening | keynote | panel | qa | break | closing
  std::string title;
  int planned_minutes = 0;  // 1..600
  std::vector<speaker> speakers;
};

struct event_link {
  std::string title;
  std::string url;        // may be empty
  std::string kind;       // e.g. "Analysis"
  std::string published;  // ISO date, may be empty
  std::string summary;
};

struct event_definition {
  std::string id;  // [a-z0-9-]+, 1..64 characters
  std::string title;
  std::string summary;
  std::vector<std::string> hashtags;  // without '#'
  std::string stream_url;             // may be empty
  millis starts_at = 0;               // from an ISO 8601 UTC string in the file
  std::vector<segment_definition> segments;
  std::vector<event_link> links;
  bool questions_premoderated = true;  // "qa": {"premoderate": bool}
  // Viewers see the current segment's remaining time (never an overrun); false hides it.
  bool show_timers = true;
  std::string time_zone = "UTC";       // IANA name; agenda times are shown in it
  bool on_air_producers_only = false;  // "on_air": "producer" reserves the overlay to producers
  // The emoji viewers may react with (`react`), in the order the reaction bar shows them.
  std::vector<std::string> reactions = default_reactions();
  // Polls prepared for the show ("polls"), drafts until staff open them. Their ids and
  // their options' ids are written in the file, so journaled ballots keep naming the same
  // options after the file is edited.
  std::vector<poll_definition> polls;
  // Sections owned by other components (hashtag tracker sources and moderation rules),
  // kept verbatim for them to parse.
  boost::json::object sources;
  boost::json::object moderation;
  std::optional<event_stream> stream;  // "stream": the video beside the companion, when set
};

// Why an event file was refused: which file, which field (a JSON path such as
// "agenda[2].planned_minutes") and why.
struct event_load_error {
  std::string file;
  std::string field;
  std::string why;
  std::string message() const;  // "FILE: FIELD: WHY"
};

using event_load_result = std::variant<event_definition, event_load_error>;

// Parses and validates an event file's text. `file` names it in errors.
event_load_result parse_event_definition(std::string_view json_text, std::string_view file);

// True when `name` is shaped like an IANA time zone name; whether the zone exists is
// checked against the system's zone database by whoever loads the file.
bool looks_like_time_zone(std::string_view name);

// Checks one agenda segment given as JSON by the event file's rules (id, kind, title,
// planned_minutes 1..600, speakers) and fills `out`; on failure returns false and sets
// `why` to the field and the reason ("planned_minutes: must be 1..600").
bool parse_segment(const boost::json::value& json, segment_definition& out, std::string& why);
// A segment as the event file writes it.
boost::json::object segment_definition_to_json(const segment_definition& segment);

// The public "event" object of the state (protocol.md), plus "links".
boost::json::object event_to_json(const event_definition& def);

}  // namespace companion::session
