// The HTTP routes: pages, health, metrics and the JSON API. Answers that need
// the engine (exports, ingest) arrive later through `reply`, on the same shard.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "gateway/net/http_session.hpp"

namespace companion::gateway {

class server;
class shard;

using http_reply = std::function<void(http_response)>;

// The /metrics page: every family of the server and of ingest.
std::string render_metrics(server& owner);

void handle_http(shard& home, const http_request& request, const std::string& address, http_reply reply);

// The pages' Content-Security-Policy: WebSockets to the server's own origin and to the
// --allow-origin ones only. Set once at start, before the shards run.
std::string content_security_policy_for(const std::vector<std::string>& allowed_origins);
void set_content_security_policy(std::string policy);

// Adds the headers every response carries (CSP, nosniff, ...).
void add_common_headers(http_response& response);
http_response json_error(const http_request& request, http::status status, std::string_view code,
                         std::string_view message);

}  // namespace companion::gateway
