#include "frames.hpp"

#include <boost/json/serialize.hpp>

namespace companion::session {

std::string change_frame(std::uint64_t seq, std::string_view epoch, std::string_view kind, millis at,
                         const boost::json::value& data) {
  boost::json::object frame;
  frame["type"] = "change";
  frame["seq"] = seq;
  frame["epoch"] = epoch;
  frame["kind"] = kind;
  frame["at"] = at;
  frame["data"] = data;
  return boost::json::serialize(frame);
}

std::string snapshot_frame(std::uint64_t seq, const boost::json::object& state, std::string_view epoch) {
  boost::json::object frame;
  frame["type"] = "snapshot";
  frame["seq"] = seq;
  if (!epoch.empty()) frame["epoch"] = epoch;
  frame["state"] = state;
  return boost::json::serialize(frame);
}

std::string ack_frame(const boost::json::value& id, const boost::json::object& fields) {
  boost::json::object frame;
  frame["type"] = "ack";
  frame["id"] = id;
  for (const auto& field : fields) frame[field.key()] = field.value();
  return boost::json::serialize(frame);
}

std::string error_frame(const boost::json::value& id, error_code code, std::string_view message) {
  boost::json::object frame;
  frame["type"] = "error";
  frame["id"] = id;
  frame["code"] = to_string(code);
  frame["message"] = message;
  return boost::json::serialize(frame);
}

std::string pong_frame(const boost::json::value& id, millis server_time) {
  boost::json::object frame;
  frame["type"] = "pong";
  if (!id.is_null()) frame["id"] = id;
  frame["server_time"] = server_time;
  return boost::json::serialize(frame);
}

std::string welcome_frame(const boost::json::value& id, const welcome_fields& fields) {
  boost::json::object frame;
  frame["type"] = "welcome";
  if (!id.is_null()) frame["id"] = id;
  frame["role"] = to_string(fields.who);
  frame["event"] = fields.event;
  frame["viewer"] = fields.viewer;
  frame["epoch"] = fields.epoch;
  frame["seq"] = fields.seq;
  frame["server_time"] = fields.server_time;
  frame["recovered"] = fields.recovered;
  return boost::json::serialize(frame);
}

}  // namespace companion::session
