#include "any_decoder.hpp"

#include <utility>

namespace companion::tracker {

namespace ondemand = simdjson::ondemand;

std::string_view to_string(wire_format format) {
  switch (format) {
    case wire_format::jetstream:
      return "jetstream";
    case wire_format::mastodon:
      return "mastodon";
    case wire_format::x:
      return "x";
    case wire_format::generic:
      return "generic";
    case wire_format::unknown:
      return "unknown";
  }
  return "unknown";
}

wire_format format_sniffer::sniff(std::string_view line) {
  if (line.size() > max_frame_bytes) return wire_format::unknown;
  ondemand::document doc;
  if (parser_.iterate(buffer_.load(line)).get(doc)) return wire_format::unknown;
  ondemand::object root;
  if (doc.get_object().get(root)) return wire_format::unknown;
  bool event = false, payload = false, generic = false;
  for (auto field_result : root) {
    ondemand::field field;
    std::string_view key;
    if (std::move(field_result).get(field) || field.unescaped_key().get(key)) return wire_format::unknown;
    if (key == "kind") return wire_format::jetstream;
    if (key == "data") return wire_format::x;
    event = event || key == "event";
    payload = payload || key == "payload";
    if (event && payload) return wire_format::mastodon;
    generic = generic || key == "author" || key == "text" || key == "delete";
  }
  return generic ? wire_format::generic : wire_format::unknown;
}

any_decoder::any_decoder(std::size_t handle_cache_capacity, std::size_t mastodon_ids)
    : jetstream_(handle_cache_capacity), mastodon_(mastodon_ids) {}

void any_decoder::set_prefilter(const hashtag_matcher* matcher) {
  decoder::set_prefilter(matcher);
  jetstream_.set_prefilter(matcher);
  mastodon_.set_prefilter(matcher);
  x_.set_prefilter(matcher);
  generic_.set_prefilter(matcher);
}

decode_result any_decoder::decode(std::string_view line) {
  return decode_as(wire_format::unknown, line);
}

decode_result any_decoder::decode_webhook(std::string_view line) {
  if (line.size() > max_frame_bytes) {
    last_format_ = wire_format::unknown;
    return skip(skip_reason::too_large);
  }
  last_format_ = sniffer_.sniff(line);
  switch (last_format_) {
    case wire_format::jetstream:
    case wire_format::mastodon:
      return skip(skip_reason::foreign_source);
    case wire_format::x:
      return x_.decode(line);
    default:
      return generic_.decode(line);
  }
}

decode_result any_decoder::decode_as(wire_format format, std::string_view line) {
  if (line.size() > max_frame_bytes) {
    last_format_ = format;
    return skip(skip_reason::too_large);
  }
  if (format == wire_format::unknown) format = sniffer_.sniff(line);
  last_format_ = format;
  switch (format) {
    case wire_format::jetstream:
      return jetstream_.decode(line);
    case wire_format::mastodon:
      return mastodon_.decode(line);
    case wire_format::x:
      return x_.decode(line);
    case wire_format::generic:
      return generic_.decode(line);
    case wire_format::unknown:
      break;
  }
  // Let the generic decoder say what is wrong (malformed, wrong type, missing field).
  return generic_.decode(line);
}

}  // namespace companion::tracker
