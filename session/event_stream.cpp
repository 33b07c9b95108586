// Validation of the event file's "stream". URLs are checked narrowly: a YouTube link
// must name a video (the page embeds only that), an HLS playlist must have a plain
// http(s) origin (the Content-Security-Policy opens to that origin and no other).
#include "event_stream.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include "common/iso_time.hpp"

namespace companion::session {

namespace json = boost::json;

namespace {

constexpr std::array<std::string_view, 4> stream_keys{"kind", "url", "delay_ms", "started_at"};
constexpr std::array<std::string_view, 3> stream_kinds{"youtube", "hls", "none"};
constexpr std::size_t max_url_length = 2048;
constexpr std::size_t youtube_id_length = 11;

std::string lowercase(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// "https://host:port/path?query" split after the scheme: host[:port] and the rest.
struct url_parts {
  std::string scheme;  // "http" or "https"
  std::string host;    // lowercased, with the port if any
  std::string_view rest;
};

// Printable ASCII only, without spaces, quotes or angle brackets: a URL as a page would
// write it in an attribute, already percent-encoded.
bool plain_url(std::string_view url) {
  return std::all_of(url.begin(), url.end(), [](unsigned char c) {
    return c > 0x20 && c < 0x7f &&
           std::string_view("\"'<>\\^`{|}").find(static_cast<char>(c)) == std::string_view::npos;
  });
}

std::optional<url_parts> split_url(std::string_view url) {
  if (!plain_url(url)) return std::nullopt;
  url_parts parts;
  if (url.starts_with("https://"))
    parts.scheme = "https";
  else if (url.starts_with("http://"))
    parts.scheme = "http";
  else
    return std::nullopt;
  url.remove_prefix(parts.scheme.size() + 3);
  const std::size_t end = std::min(url.find_first_of("/?#"), url.size());
  std::string_view host = url.substr(0, end);
  if (host.empty()) return std::nullopt;
  // Only what a host and port are made of: no user info, no spaces, nothing a policy would read.
  const bool plain = std::all_of(host.begin(), host.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '.' || c == '-' || c == ':' || c == '[' || c == ']';
  });
  if (!plain) return std::nullopt;
  parts.host = lowercase(host);
  parts.rest = url.substr(end);
  return parts;
}

bool is_id_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
}

// An id at the start of `text`, followed by its end or by ?, &, # or /.
std::string leading_video_id(std::string_view text) {
  if (text.size() < youtube_id_length) return {};
  std::string_view id = text.substr(0, youtube_id_length);
  if (!std::all_of(id.begin(), id.end(), is_id_char)) return {};
  if (text.size() > youtube_id_length &&
      std::string_view("?&#/").find(text[youtube_id_length]) == std::string_view::npos)
    return {};
  return std::string(id);
}

bool read_string(const json::object& object, std::string_view key, std::string& out, std::string& field,
                 std::string& why) {
  const json::value* value = object.if_contains(key);
  if (value == nullptr) return true;
  if (!value->is_string()) {
    field = "stream." + std::string(key);
    why = "must be a string";
    return false;
  }
  out = std::string(value->get_string());
  return true;
}

}  // namespace

std::string youtube_video_id(std::string_view url) {
  auto parts = split_url(url);
  if (!parts || parts->scheme != "https") return {};
  const std::string& host = parts->host;
  std::string_view rest = parts->rest;
  if (host == "youtu.be") return rest.starts_with("/") ? leading_video_id(rest.substr(1)) : std::string();
  const bool youtube = host == "youtube.com" || host == "www.youtube.com" || host == "m.youtube.com";
  const bool nocookie = host == "youtube-nocookie.com" || host == "www.youtube-nocookie.com";
  if (!youtube && !nocookie) return {};
  for (std::string_view prefix : {"/embed/", "/live/", "/shorts/"}) {
    if (nocookie && prefix != "/embed/") continue;
    if (rest.starts_with(prefix)) return leading_video_id(rest.substr(prefix.size()));
  }
  if (!youtube || !rest.starts_with("/watch?")) return {};
  std::string_view query = rest.substr(7);
  while (!query.empty()) {
    const std::size_t amp = std::min(query.find('&'), query.size());
    std::string_view pair = query.substr(0, amp);
    if (pair.starts_with("v=")) return leading_video_id(pair.substr(2));
    query.remove_prefix(std::min(amp + 1, query.size()));
  }
  return {};
}

std::string url_origin(std::string_view url) {
  auto parts = split_url(url);
  if (!parts) return {};
  return parts->scheme + "://" + parts->host;
}

bool parse_event_stream(const json::value& value, event_stream& out, std::string& field, std::string& why) {
  field = "stream";
  const json::object* object = value.if_object();
  if (object == nullptr) {
    why = "must be an object with kind, url, delay_ms and started_at";
    return false;
  }
  for (const auto& member : *object) {
    if (std::find(stream_keys.begin(), stream_keys.end(), member.key()) == stream_keys.end()) {
      field = "stream." + std::string(member.key());
      why = "unknown field (expected kind, url, delay_ms, started_at)";
      return false;
    }
  }
  if (!object->contains("kind")) {
    field = "stream.kind";
    why = "missing (youtube, hls or none)";
    return false;
  }
  if (!read_string(*object, "kind", out.kind, field, why)) return false;
  if (std::find(stream_kinds.begin(), stream_kinds.end(), out.kind) == stream_kinds.end()) {
    field = "stream.kind";
    why = "must be youtube, hls or none (got \"" + out.kind + "\")";
    return false;
  }
  if (!read_string(*object, "url", out.url, field, why)) return false;
  field = "stream.url";
  if (out.url.size() > max_url_length) {
    why = "must be at most " + std::to_string(max_url_length) + " bytes";
    return false;
  }
  if (out.kind == "youtube") {
    out.video_id = youtube_video_id(out.url);
    if (out.video_id.empty()) {
      why =
          "must be an https YouTube link naming a video (youtube.com/watch?v=..., youtu.be/..., "
          "youtube.com/live/... or an embed link)";
      return false;
    }
  } else if (out.kind == "hls") {
    if (url_origin(out.url).empty()) {
      why = "must be an http:// or https:// URL of an HLS playlist";
      return false;
    }
  } else if (!out.url.empty() && url_origin(out.url).empty()) {
    why = "must be empty or an http:// or https:// URL (a page to link to)";
    return false;
  }
  if (const json::value* delay = object->if_contains("delay_ms")) {
    field = "stream.delay_ms";
    const auto* number = delay->if_int64();
    if (number == nullptr || *number < 0 || *number > max_stream_delay_ms) {
      why = "must be a whole number of ms, 0.." + std::to_string(max_stream_delay_ms);
      return false;
    }
    out.delay_ms = *number;
  }
  if (object->contains("started_at")) {
    std::string text;
    if (!read_string(*object, "started_at", text, field, why)) return false;
    auto at = common::parse_iso8601_ms(text, common::iso8601_form::utc);
    if (!at) {
      field = "stream.started_at";
      why = "not an ISO 8601 UTC time (expected e.g. 2024-04-22T14:00:00Z, got \"" + text + "\")";
      return false;
    }
    out.started_at = *at;
  }
  field.clear();
  return true;
}

json::object event_stream_to_json(const event_stream& stream) {
  json::object out{
      {"kind", stream.kind},
      {"url", stream.url},
      {"delay_ms", stream.delay_ms},
      {"started_at", stream.started_at ? json::value(*stream.started_at) : json::value(nullptr)}};
  if (!stream.video_id.empty()) out["video_id"] = stream.video_id;
  return out;
}

}  // namespace companion::session
