// simdjson On Demand decoding of server messages.
#include "tests/bench/loadgen/server_message.hpp"

#include <cstring>

namespace loadgen {
namespace {

message_type type_of(std::string_view type) {
  if (type == "change") return message_type::change;
  if (type == "ack") return message_type::ack;
  if (type == "welcome") return message_type::welcome;
  if (type == "snapshot") return message_type::snapshot;
  if (type == "error") return message_type::error;
  if (type == "pong") return message_type::pong;
  if (type == "reactions") return message_type::reactions;
  return message_type::other;
}

}  // namespace

server_message_decoder::server_message_decoder() : scratch_(64 * 1024 + simdjson::SIMDJSON_PADDING) {}

server_message server_message_decoder::decode(std::string_view payload) {
  server_message out;
  // Frames sit back to back in the read buffer, so copy one out to give simdjson its padding.
  if (scratch_.size() < payload.size() + simdjson::SIMDJSON_PADDING) {
    scratch_.resize(payload.size() + simdjson::SIMDJSON_PADDING);
  }
  std::memcpy(scratch_.data(), payload.data(), payload.size());
  std::memset(scratch_.data() + payload.size(), ' ', simdjson::SIMDJSON_PADDING);

  simdjson::ondemand::document doc;
  if (parser_.iterate(scratch_.data(), payload.size(), scratch_.size()).get(doc) != simdjson::SUCCESS) {
    out.type = message_type::malformed;
    return out;
  }
  simdjson::ondemand::object object;
  std::string_view type;
  if (doc.get_object().get(object) || object["type"].get_string().get(type)) {
    out.type = message_type::malformed;
    return out;
  }
  out.type = type_of(type);
  switch (out.type) {
    case message_type::change: {
      if (object["seq"].get_uint64().get(out.seq) || object["kind"].get_string().get(out.kind)) {
        out.type = message_type::malformed;
        return out;
      }
      out.has_seq = true;
      if (out.kind == "announcement") {
        simdjson::ondemand::object data;
        // A cleared announcement has data null: no text, nothing to time.
        if (object["data"].get_object().get(data) == simdjson::SUCCESS) {
          if (data["text"].get_string().get(out.announce_text)) out.announce_text = {};
        }
      }
      break;
    }
    case message_type::welcome:
    case message_type::snapshot:
    case message_type::ack:
      out.has_seq = object["seq"].get_uint64().get(out.seq) == simdjson::SUCCESS;
      if (out.type != message_type::snapshot) {
        if (object["id"].get_int64().get(out.id)) out.id = -1;
      }
      break;
    case message_type::reactions: {
      simdjson::ondemand::object counts;
      if (object["counts"].get_object().get(counts)) {
        out.type = message_type::malformed;
        return out;
      }
      for (auto field : counts) {
        std::uint64_t n = 0;
        if (field.value().get_uint64().get(n)) {
          out.type = message_type::malformed;
          return out;
        }
        out.reaction_count += n;
      }
      break;
    }
    case message_type::error:
      if (object["id"].get_int64().get(out.id)) out.id = -1;
      if (object["code"].get_string().get(out.error_code)) out.error_code = {};
      break;
    default:
      break;
  }
  return out;
}

}  // namespace loadgen
