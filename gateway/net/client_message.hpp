// What a client sends on /ws: the session's commands, and the gateway's own
// connection messages that never reach an engine (hello to join an event with an
// optional token and resume point, ping, token.refresh). Both share one frame format
// and are read in one pass by the session's decoder.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <boost/json/value.hpp>

#include "session/command.hpp"
#include "session/types.hpp"

namespace companion::gateway {

struct resume_point {
  std::string epoch;
  std::uint64_t seq = 0;
};

struct hello {
  std::string event;   // empty: the server's first event
  std::string token;   // staff only
  std::string viewer;  // the signed viewer id from an earlier visit
  std::optional<resume_point> resume;
};
struct ping {};
struct token_refresh {};

struct client_message {
  boost::json::value id;  // echoed in the ack; null when the message has none
  std::variant<hello, ping, token_refresh, session::command_body> body;
};

// The role a connection message needs once joined (hello and ping: none).
session::role required_role(const token_refresh&);

// One per shard: reuses the session decoder's buffers for every frame.
class client_decoder {
 public:
  // False with `failure` filled when the frame is refused.
  bool decode(std::string_view frame, client_message& out, session::decode_failure& failure);

 private:
  session::command_decoder commands_;
};

}  // namespace companion::gateway
