// What the engine side hands to every shard after a commit: the messages in
// order, each already framed for the wire once and shared by all connections.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "session/engine.hpp"

namespace companion::gateway {

using shared_frame = std::shared_ptr<const std::string>;

struct delivery {
  std::vector<session::message_ptr> messages;
  std::vector<shared_frame> frames;  // frames[i] is messages[i] as a WebSocket text frame
};

// Frames a JSON text as one unmasked WebSocket text frame.
shared_frame frame_text(std::string_view payload);

}  // namespace companion::gateway
