// The event file's "stream": the video the viewer page plays beside the companion,
// its typical latency (how far the video runs behind the room) and where the
// recording's time 0 is, so the agenda as it ran can be placed on it as chapters.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "types.hpp"

namespace companion::session {

// A glass-to-glass delay longer than this is a replay, not a livestream to keep in step with.
inline constexpr millis max_stream_delay_ms = 300'000;

struct event_stream {
  std::string kind = "none";  // youtube | hls | none
  // youtube: a watch, share, live or embed link; hls: the playlist (.m3u8);
  // none: a page to link to (a recording elsewhere), may be empty.
  std::string url;
  std::string video_id;              // youtube only: the 11-character id the embed names
  millis delay_ms = 0;               // 0..max_stream_delay_ms
  std::optional<millis> started_at;  // the recording's time 0; unset: the agenda's actual start
};

// Checks the "stream" object and fills `out`; on failure returns false with `field`
// (a path below "stream", such as "stream.delay_ms") and `why`.
bool parse_event_stream(const boost::json::value& json, event_stream& out, std::string& field,
                        std::string& why);

// The 11-character video id of a YouTube link (youtube.com/watch?v=, /live/, /embed/,
// /shorts/, youtu.be/, youtube-nocookie.com/embed/), over https; empty when there is none.
std::string youtube_video_id(std::string_view url);

// The origin ("https://host[:port]") of an http(s) URL; empty when it has none.
std::string url_origin(std::string_view url);

// "event.stream" in the public state.
boost::json::object event_stream_to_json(const event_stream& stream);

}  // namespace companion::session
