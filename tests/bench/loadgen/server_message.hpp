// Decodes the server's JSON text messages the generator cares about (welcome, snapshot,
// change, ack, error) with one reused simdjson On Demand parser. Views in the result
// point into the decoder and stay valid until the next decode().
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <string_view>
#include <vector>

namespace loadgen {

enum class message_type { welcome, snapshot, change, ack, error, pong, reactions, other, malformed };

struct server_message {
  message_type type = message_type::other;
  std::uint64_t seq = 0;  // welcome, snapshot, change; ack when present
  bool has_seq = false;
  std::string_view kind;             // change
  std::string_view announce_text;    // change of kind "announcement"
  std::int64_t id = -1;              // ack / error / welcome when the id is an integer
  std::string_view error_code;       // error
  std::uint64_t reaction_count = 0;  // reactions: the window's counts summed
};

class server_message_decoder {
 public:
  server_message_decoder();
  // `payload` is copied into a padded scratch buffer first, so it may point anywhere.
  server_message decode(std::string_view payload);

 private:
  simdjson::ondemand::parser parser_;
  std::vector<char> scratch_;
};

}  // namespace loadgen
