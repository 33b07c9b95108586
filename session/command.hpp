// Client commands as they arrive on /ws: decoded once with simdjson into a flat
// value type, validated per type, and serializable again for the journal.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "queue_filter.hpp"
#include "types.hpp"

namespace companion::session {

// A bulk decision names at most this many posts: a moderator's screenful of
// selected rows, and small enough that one journal record stays a few KiB.
constexpr std::size_t max_bulk_posts = 100;

struct resume_point {
  std::string epoch;
  std::uint64_t seq = 0;
};

struct command {
  std::string type;
  // The command id (a string or an integer); null when the command has none.
  boost::json::value id;
  // hello
  std::string event;
  std::string token;
  std::string viewer;
  std::optional<resume_point> resume;
  // payload fields; which ones a type needs is checked by decode_command
  std::optional<std::string> text;
  std::optional<std::string> name;
  std::string question;
  std::string post;
  // post.approve / post.reject on a selection: 1..max_bulk_posts distinct ids (then `post` is empty)
  std::vector<std::string> posts;
  std::string highlight;
  std::string segment;
  std::string source;
  std::string handle;
  // on_screen.set: kind and item may both be null to clear the screen
  std::optional<std::string> kind;
  std::optional<std::string> item;
  // moderation.set: the auto-moderation rules object, as JSON text
  std::string rules_json;
  // questions.page and queue.page (queue.page names its list in `kind`); reads that are
  // answered by the gateway and never journaled.
  std::optional<std::string> status;
  // queue.page only: what the page keeps (`source` above names the filter's source).
  queue_filter filter;
  // A cursor from an earlier page (null: from the start), or for segment.add and
  // segment.move the segment to place the segment after (null: first).
  std::optional<std::string> after;
  bool after_given = false;
  std::size_t limit = 0;
  // segment.add / segment.update: the segment's fields (`segment` names it, `kind` above)
  std::optional<std::string> title;
  std::optional<std::int64_t> planned_minutes;
  std::optional<std::string> speakers_json;  // the speakers array, as JSON text
};

struct decode_failure {
  boost::json::value id;  // when the id could still be read
  std::string message;
};

// Parses one text frame. Holds its simdjson parser so a connection's shard reuses it.
class command_decoder {
 public:
  // On failure returns false and fills `failure`; `out` is then unspecified.
  bool decode(std::string_view frame, command& out, decode_failure& failure);

 private:
  simdjson::ondemand::parser parser_;
  simdjson::padded_string buffer_;
};

// The role a command type requires, or nullopt when the type is unknown.
std::optional<role> required_role(std::string_view type);

// The command as a JSON object (for the journal and for replay through decode_command's rules).
boost::json::object command_to_json(const command& cmd);
// The inverse of command_to_json for journal records; false on a malformed record.
bool command_from_json(const boost::json::object& json, command& out);

}  // namespace companion::session
