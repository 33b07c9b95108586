// Client command serialization through Boost.JSON.
#include "tests/bench/loadgen/command_json.hpp"

#include <boost/json.hpp>

namespace loadgen {

std::string hello_command(std::int64_t id, std::string_view event, std::string_view token) {
  boost::json::object hello{{"type", "hello"}, {"id", id}};
  if (!event.empty()) hello["event"] = event;
  if (!token.empty()) hello["token"] = token;
  return boost::json::serialize(hello);
}

std::string announce_command(std::int64_t id, std::string_view text) {
  return boost::json::serialize(boost::json::object{{"type", "announce"}, {"id", id}, {"text", text}});
}

std::string react_command(std::string_view emoji) {
  return boost::json::serialize(boost::json::object{{"type", "react"}, {"emoji", emoji}});
}

std::string simple_command(std::string_view type, std::int64_t id) {
  return boost::json::serialize(boost::json::object{{"type", type}, {"id", id}});
}

}  // namespace loadgen
