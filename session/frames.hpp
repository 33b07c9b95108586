// Server frames as JSON text, built once with Boost.JSON. The gateway wraps the
// text in a WebSocket frame and shares it with every connection that needs it.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "types.hpp"

namespace companion::session {

// `at` is the engine's time when it applied the change, as journaled with it.
std::string change_frame(std::uint64_t seq, std::string_view epoch, std::string_view kind, millis at,
                         const boost::json::value& data);
// `epoch`, when given, names the history the snapshot belongs to (a client that gets one
// without asking, after a reset, learns the new epoch from it).
std::string snapshot_frame(std::uint64_t seq, const boost::json::object& state, std::string_view epoch = {});
// `fields` may carry result fields such as the seq a change produced.
std::string ack_frame(const boost::json::value& id, const boost::json::object& fields = {});
std::string error_frame(const boost::json::value& id, error_code code, std::string_view message);
std::string pong_frame(const boost::json::value& id, millis server_time);

struct welcome_fields {
  role who = role::viewer;
  std::string event;
  std::string viewer;
  std::string epoch;
  std::uint64_t seq = 0;
  millis server_time = 0;
  bool recovered = false;
};
std::string welcome_frame(const boost::json::value& id, const welcome_fields& fields);

}  // namespace companion::session
