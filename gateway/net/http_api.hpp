// The HTTP routes: pages, health, metrics and the JSON API. Answers that need
// the engine (exports, ingest) arrive later through `reply`, on the same shard.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "gateway/net/http_session.hpp"
#include "session/event_definition.hpp"

namespace companion::gateway {

class server;
class shard;

using http_reply = std::function<void(http_response)>;

// The /metrics page: every family of the server and of ingest.
std::string render_metrics(server& owner);

void handle_http(shard& home, const http_request& request, const std::string& address, http_reply reply);

// What the viewer page's player loads, from the events' "stream": HLS playlists and
// segments from these origins (fetched by hls.js, or played by the browser itself), and
// the privacy-enhanced YouTube embed in a frame.
struct stream_sources {
  std::vector<std::string> media_origins;
  bool youtube = false;
};
stream_sources stream_sources_of(const std::vector<session::event_definition>& events);

// The pages' Content-Security-Policy: WebSockets to the server's own origin and to the
// --allow-origin ones only; framed by the `frame_ancestors` sites only (by none when empty);
// and the players' sources when an event has a stream.
std::string content_security_policy_for(const std::vector<std::string>& allowed_origins,
                                        const std::vector<std::string>& frame_ancestors = {},
                                        const stream_sources& streams = {});
// Set once at start, before the shards run: the policy of every response, and the viewer
// page's when --embed-origin names sites that may frame it (empty: the same as the others).
void set_content_security_policy(std::string policy, std::string viewer_page_policy = {});

// Adds the headers every response carries (CSP, nosniff, ...). The viewer page may be framed
// by the --embed-origin sites: it carries their policy and no X-Frame-Options.
void add_common_headers(http_response& response, bool viewer_page = false);
http_response json_error(const http_request& request, http::status status, std::string_view code,
                         std::string_view message);

}  // namespace companion::gateway
