// Parses and validates an event file. The first problem found is reported with the
// JSON path of the offending field, so an operator can fix the file without guessing.
#include "event_definition.hpp"

#include "common/iso_time.hpp"

#include <algorithm>
#include <array>
#include <boost/json/serialize.hpp>
#include <boost/json/stream_parser.hpp>
#include <boost/json/value.hpp>
#include <cctype>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>

namespace companion::session {

namespace json = boost::json;

namespace {

constexpr std::size_t max_id_length = 64;
constexpr std::size_t max_hashtag_length = 100;
constexpr int min_planned_minutes = 1;
constexpr int max_planned_minutes = 600;
constexpr std::string_view root_field = "(root)";

constexpr std::array<std::string_view, 17> event_keys{
    "id",      "title",      "summary",     "hashtags",  "starts_at", "stream_url", "agenda", "links", "qa",
    "sources", "moderation", "show_timers", "time_zone", "on_air",    "reactions",  "stream", "polls"};
constexpr std::array<std::string_view, 2> on_air_roles{"moderator", "producer"};
constexpr std::array<std::string_view, 5> segment_keys{"id", "kind", "title", "planned_minutes", "speakers"};
constexpr std::array<std::string_view, 3> speaker_keys{"name", "role", "title"};
constexpr std::array<std::string_view, 5> link_keys{"title", "url", "kind", "published", "summary"};
constexpr std::array<std::string_view, 1> qa_keys{"premoderate"};
constexpr std::array<std::string_view, 4> poll_keys{"id", "question", "options", "multiple"};
constexpr std::array<std::string_view, 2> poll_option_keys{"id", "text"};
// A show prepares a handful of polls; a hundred is a long conference day with room to spare,
// and every draft is in each staff console's snapshot.
constexpr std::size_t max_prepared_polls = 100;
constexpr std::array<std::string_view, 6> segment_kinds{"opening", "keynote", "panel",
                                                        "qa",      "break",   "closing"};
constexpr std::array<std::string_view, 4> speaker_roles{"speaker", "moderator", "panelist", "host"};

struct field_error {
  std::string field;
  std::string why;
};

// Every reader returns the first problem it found, or nothing when the field is good.
using problem = std::optional<field_error>;

problem fail(std::string field, std::string why) {
  return field_error{std::move(field), std::move(why)};
}

std::string member_path(std::string_view parent, std::string_view key) {
  std::string path(parent);
  if (!path.empty()) path += '.';
  path += key;
  return path;
}

// An unknown key is written as the author typed it; one that is empty or not a plain
// word is quoted in brackets so the path stays readable and control characters escaped.
std::string key_path(std::string_view parent, std::string_view key) {
  const bool plain = !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-';
  });
  if (plain) return member_path(parent, key);
  std::string path(parent);
  path += '[';
  path += json::serialize(json::string_view(key));
  path += ']';
  return path;
}

std::string element_path(std::string_view parent, std::size_t index) {
  std::string path(parent);
  path += '[';
  path += std::to_string(index);
  path += ']';
  return path;
}

std::string quoted(std::string_view text) {
  std::string out = "\"";
  out += text;
  out += '"';
  return out;
}

std::string joined(std::span<const std::string_view> words, std::string_view separator) {
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i > 0) out += separator;
    out += words[i];
  }
  return out;
}

bool contains(std::span<const std::string_view> words, std::string_view word) {
  return std::find(words.begin(), words.end(), word) != words.end();
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// A misspelt key would otherwise be ignored and its field silently defaulted or
// reported missing, so every object we define refuses keys it does not know.
problem refuse_unknown_keys(const json::object& object, std::string_view path,
                            std::span<const std::string_view> allowed) {
  for (const auto& member : object) {
    const std::string_view key = member.key();
    if (contains(allowed, key)) continue;
    std::string why = "unknown key";
    const auto closest = std::min_element(allowed.begin(), allowed.end(), [&](auto x, auto y) {
      return edit_distance(key, x) < edit_distance(key, y);
    });
    // Suggest only close matches: a short key is one slip away at most.
    const std::size_t close_enough = key.size() >= 5 ? 2 : 1;
    if (!key.empty() && closest != allowed.end() && edit_distance(key, *closest) <= close_enough) {
      why += " (did you mean " + quoted(*closest) + "?)";
    } else {
      why += " (expected " + joined(allowed, ", ") + ")";
    }
    return fail(key_path(path, key), std::move(why));
  }
  return std::nullopt;
}

problem read_string(const json::value& value, const std::string& path, std::string& out) {
  const json::string* text = value.if_string();
  if (text == nullptr) return fail(path, "must be a string");
  out.assign(text->data(), text->size());
  return std::nullopt;
}

problem read_required_string(const json::object& object, std::string_view parent, std::string_view key,
                             std::string& out) {
  const std::string path = member_path(parent, key);
  const json::value* value = object.if_contains(key);
  if (value == nullptr) return fail(path, "missing");
  return read_string(*value, path, out);
}

problem read_optional_string(const json::object& object, std::string_view parent, std::string_view key,
                             std::string& out) {
  const json::value* value = object.if_contains(key);
  if (value == nullptr) return std::nullopt;
  return read_string(*value, member_path(parent, key), out);
}

problem read_non_empty_string(const json::object& object, std::string_view parent, std::string_view key,
                              std::string& out) {
  if (auto p = read_required_string(object, parent, key, out)) return p;
  if (out.empty()) return fail(member_path(parent, key), "must not be empty");
  return std::nullopt;
}

bool is_id_character(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

problem check_id(const std::string& id, const std::string& path) {
  if (id.empty() || id.size() > max_id_length || !std::all_of(id.begin(), id.end(), is_id_character)) {
    return fail(path, "must be 1.." + std::to_string(max_id_length) +
                          " characters of lowercase letters, digits and '-' (got " + quoted(id) + ")");
  }
  return std::nullopt;
}

// Links are rendered as anchors in browsers, so only web schemes may pass (no "javascript:").
problem check_web_url(const std::string& url, const std::string& path) {
  if (url.empty() || url.starts_with("https://") || url.starts_with("http://")) return std::nullopt;
  return fail(path, "must be empty or an http:// or https:// URL");
}

problem read_hashtags(const json::object& root, std::vector<std::string>& out) {
  const json::value* value = root.if_contains("hashtags");
  if (value == nullptr) return fail("hashtags", "missing");
  const json::array* tags = value->if_array();
  if (tags == nullptr) return fail("hashtags", "must be an array of strings");
  if (tags->empty()) return fail("hashtags", "must not be empty");
  for (std::size_t i = 0; i < tags->size(); ++i) {
    const std::string path = element_path("hashtags", i);
    std::string tag;
    if (auto p = read_string((*tags)[i], path, tag)) return p;
    if (tag.empty() || tag.size() > max_hashtag_length) {
      return fail(path, "must be 1.." + std::to_string(max_hashtag_length) + " bytes long");
    }
    if (tag.front() == '#') return fail(path, "must be written without '#' (got " + quoted(tag) + ")");
    // Hashtags in Japanese or Korean are common, so any non-ASCII (already valid
    // UTF-8) byte passes; ASCII is limited to what networks accept in a tag.
    const bool valid = std::all_of(tag.begin(), tag.end(), [](char c) {
      const auto byte = static_cast<unsigned char>(c);
      return byte >= 0x80 || std::isalnum(byte) != 0 || c == '_';
    });
    if (!valid) return fail(path, "must contain only letters, digits and '_' (got " + quoted(tag) + ")");
    // Networks match tags case-insensitively, so "road2nato" repeats "Road2NATO".
    const auto same = std::find_if(out.begin(), out.end(), [&](const std::string& seen) {
      return std::equal(seen.begin(), seen.end(), tag.begin(), tag.end(), [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
      });
    });
    if (same != out.end()) return fail(path, "duplicate hashtag " + quoted(tag));
    out.push_back(std::move(tag));
  }
  return std::nullopt;
}

problem read_speaker(const json::value& value, const std::string& path, speaker& out) {
  const json::object* object = value.if_object();
  if (object == nullptr) return fail(path, "must be an object with name, role and title");
  if (auto p = refuse_unknown_keys(*object, path, speaker_keys)) return p;
  if (auto p = read_non_empty_string(*object, path, "name", out.name)) return p;
  if (auto p = read_required_string(*object, path, "role", out.role)) return p;
  if (!contains(speaker_roles, out.role)) {
    return fail(member_path(path, "role"),
                "unknown role " + quoted(out.role) + " (expected " + joined(speaker_roles, "|") + ")");
  }
  return read_required_string(*object, path, "title", out.title);
}

problem read_planned_minutes(const json::object& segment, const std::string& parent, int& out) {
  const std::string path = member_path(parent, "planned_minutes");
  const json::value* value = segment.if_contains("planned_minutes");
  if (value == nullptr) return fail(path, "missing");
  const std::string range =
      "must be " + std::to_string(min_planned_minutes) + ".." + std::to_string(max_planned_minutes);
  if (const std::int64_t* number = value->if_int64()) {
    if (*number < min_planned_minutes || *number > max_planned_minutes) return fail(path, range);
    out = static_cast<int>(*number);
    return std::nullopt;
  }
  // Unsigned values only appear above INT64_MAX, which is out of range anyway.
  if (value->is_uint64()) return fail(path, range);
  return fail(path, "must be a whole number of minutes");
}

problem read_segment(const json::value& value, const std::string& path, segment_definition& out) {
  const json::object* object = value.if_object();
  if (object == nullptr) return fail(path, "must be an object");
  if (auto p = refuse_unknown_keys(*object, path, segment_keys)) return p;
  if (auto p = read_required_string(*object, path, "id", out.id)) return p;
  if (auto p = check_id(out.id, member_path(path, "id"))) return p;
  if (auto p = read_required_string(*object, path, "kind", out.kind)) return p;
  if (!contains(segment_kinds, out.kind)) {
    return fail(member_path(path, "kind"),
                "unknown kind " + quoted(out.kind) + " (expected " + joined(segment_kinds, "|") + ")");
  }
  if (auto p = read_non_empty_string(*object, path, "title", out.title)) return p;
  if (auto p = read_planned_minutes(*object, path, out.planned_minutes)) return p;
  // A break or a closing may have nobody on stage, so "speakers" may be left out.
  const json::value* speakers = object->if_contains("speakers");
  if (speakers == nullptr) return std::nullopt;
  const std::string speakers_path = member_path(path, "speakers");
  const json::array* list = speakers->if_array();
  if (list == nullptr) return fail(speakers_path, "must be an array");
  out.speakers.resize(list->size());
  for (std::size_t i = 0; i < list->size(); ++i) {
    if (auto p = read_speaker((*list)[i], element_path(speakers_path, i), out.speakers[i])) return p;
  }
  return std::nullopt;
}

problem read_agenda(const json::object& root, std::vector<segment_definition>& out) {
  const json::value* value = root.if_contains("agenda");
  if (value == nullptr) return fail("agenda", "missing");
  const json::array* list = value->if_array();
  if (list == nullptr) return fail("agenda", "must be an array of segments");
  if (list->empty()) return fail("agenda", "must have at least one segment");
  out.resize(list->size());
  for (std::size_t i = 0; i < list->size(); ++i) {
    const std::string path = element_path("agenda", i);
    if (auto p = read_segment((*list)[i], path, out[i])) return p;
    for (std::size_t j = 0; j < i; ++j) {
      if (out[j].id == out[i].id)
        return fail(member_path(path, "id"), "duplicate segment id " + quoted(out[i].id));
    }
  }
  return std::nullopt;
}

problem read_link(const json::value& value, const std::string& path, event_link& out) {
  const json::object* object = value.if_object();
  if (object == nullptr) return fail(path, "must be an object");
  if (auto p = refuse_unknown_keys(*object, path, link_keys)) return p;
  if (auto p = read_non_empty_string(*object, path, "title", out.title)) return p;
  if (auto p = read_optional_string(*object, path, "url", out.url)) return p;
  if (auto p = check_web_url(out.url, member_path(path, "url"))) return p;
  if (auto p = read_optional_string(*object, path, "kind", out.kind)) return p;
  if (auto p = read_optional_string(*object, path, "published", out.published)) return p;
  if (!out.published.empty() && (out.published.size() != 10 || !common::parse_iso8601_date(out.published))) {
    return fail(member_path(path, "published"), "not an ISO 8601 date (expected e.g. 2024-04-22)");
  }
  return read_optional_string(*object, path, "summary", out.summary);
}

problem read_links(const json::object& root, std::vector<event_link>& out) {
  const json::value* value = root.if_contains("links");
  if (value == nullptr) return std::nullopt;
  const json::array* list = value->if_array();
  if (list == nullptr) return fail("links", "must be an array");
  out.resize(list->size());
  for (std::size_t i = 0; i < list->size(); ++i) {
    if (auto p = read_link((*list)[i], element_path("links", i), out[i])) return p;
  }
  return std::nullopt;
}

problem read_qa(const json::object& root, bool& premoderate) {
  const json::value* value = root.if_contains("qa");
  if (value == nullptr) return std::nullopt;
  const json::object* object = value->if_object();
  if (object == nullptr) return fail("qa", "must be an object");
  if (auto p = refuse_unknown_keys(*object, "qa", qa_keys)) return p;
  const json::value* flag = object->if_contains("premoderate");
  if (flag == nullptr) return std::nullopt;
  const bool* b = flag->if_bool();
  if (b == nullptr) return fail("qa.premoderate", "must be true or false");
  premoderate = *b;
  return std::nullopt;
}

problem read_poll_option(const json::value& value, const std::string& path, poll_option_definition& out) {
  const json::object* object = value.if_object();
  if (object == nullptr) return fail(path, "must be an object with id and text");
  if (auto p = refuse_unknown_keys(*object, path, poll_option_keys)) return p;
  if (auto p = read_required_string(*object, path, "id", out.id)) return p;
  if (auto p = check_id(out.id, member_path(path, "id"))) return p;
  return read_required_string(*object, path, "text", out.text);
}

problem read_poll(const json::value& value, const std::string& path, poll_definition& out) {
  const json::object* object = value.if_object();
  if (object == nullptr) return fail(path, "must be an object");
  if (auto p = refuse_unknown_keys(*object, path, poll_keys)) return p;
  if (auto p = read_required_string(*object, path, "id", out.id)) return p;
  if (auto p = check_id(out.id, member_path(path, "id"))) return p;
  if (auto p = read_required_string(*object, path, "question", out.question)) return p;
  const std::string options_path = member_path(path, "options");
  const json::value* options = object->if_contains("options");
  if (options == nullptr) return fail(options_path, "missing");
  const json::array* list = options->if_array();
  if (list == nullptr) return fail(options_path, "must be an array of options");
  out.options.resize(list->size());
  for (std::size_t i = 0; i < list->size(); ++i) {
    const std::string option_path = element_path(options_path, i);
    if (auto p = read_poll_option((*list)[i], option_path, out.options[i])) return p;
    for (std::size_t j = 0; j < i; ++j)
      if (out.options[j].id == out.options[i].id)
        return fail(member_path(option_path, "id"), "duplicate option id " + quoted(out.options[i].id));
  }
  if (const json::value* multiple = object->if_contains("multiple")) {
    const bool* b = multiple->if_bool();
    if (b == nullptr) return fail(member_path(path, "multiple"), "must be true or false");
    out.multiple = *b;
  }
  // The same rules as poll.create; their field names are relative to the poll.
  if (std::string why = check_poll_texts(out); !why.empty()) {
    const std::size_t colon = why.find(": ");
    std::string field = why.substr(0, colon);
    if (field.starts_with("options[")) field = "options" + field.substr(7) + ".text";
    return fail(member_path(path, field), why.substr(colon + 2));
  }
  return std::nullopt;
}

problem read_polls(const json::object& root, std::vector<poll_definition>& out) {
  const json::value* value = root.if_contains("polls");
  if (value == nullptr) return std::nullopt;
  const json::array* list = value->if_array();
  if (list == nullptr) return fail("polls", "must be an array of polls");
  if (list->size() > max_prepared_polls)
    return fail("polls", "at most " + std::to_string(max_prepared_polls) + " polls");
  out.resize(list->size());
  for (std::size_t i = 0; i < list->size(); ++i) {
    const std::string path = element_path("polls", i);
    if (auto p = read_poll((*list)[i], path, out[i])) return p;
    for (std::size_t j = 0; j < i; ++j)
      if (out[j].id == out[i].id)
        return fail(member_path(path, "id"), "duplicate poll id " + quoted(out[i].id));
  }
  return std::nullopt;
}

problem read_optional_bool(const json::object& root, std::string_view key, bool& out) {
  const json::value* value = root.if_contains(key);
  if (value == nullptr) return std::nullopt;
  const bool* b = value->if_bool();
  if (b == nullptr) return fail(std::string(key), "must be true or false");
  out = *b;
  return std::nullopt;
}

// Sections that belong to other components: only their shape is checked here.
problem read_verbatim_object(const json::object& root, std::string_view key, json::object& out) {
  const json::value* value = root.if_contains(key);
  if (value == nullptr) return std::nullopt;
  const json::object* object = value->if_object();
  if (object == nullptr) return fail(std::string(key), "must be an object");
  out = *object;
  return std::nullopt;
}

}  // namespace

bool looks_like_time_zone(std::string_view name) {
  // IANA names: "UTC", "Asia/Tokyo", "America/Argentina/Buenos_Aires", "Etc/GMT+5".
  if (name.empty() || name.size() > 64 || name.front() == '/' || name.back() == '/') return false;
  if (name.find("..") != std::string_view::npos || name.find("//") != std::string_view::npos) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '_' || c == '-' || c == '+';
  });
}

namespace {

problem read_reactions(const json::object& root, std::vector<std::string>& out) {
  const json::value* value = root.if_contains("reactions");
  if (value == nullptr) return std::nullopt;  // the default set
  const json::array* list = value->if_array();
  if (list == nullptr) return fail("reactions", "must be an array of emoji");
  if (list->empty() || list->size() > max_reactions)
    return fail("reactions", "must list 1.." + std::to_string(max_reactions) + " emoji");
  std::vector<std::string> emoji;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const std::string path = element_path("reactions", i);
    std::string one;
    if (auto p = read_string((*list)[i], path, one)) return p;
    if (std::string why = check_reaction(one); !why.empty())
      return fail(path, why + " (got " + quoted(one) + ")");
    if (reaction_set(emoji).find(one) != reaction_set::npos)
      return fail(path, "duplicate reaction " + quoted(one));
    emoji.push_back(std::move(one));
  }
  out = std::move(emoji);
  return std::nullopt;
}

problem read_event(const json::object& root, event_definition& out) {
  if (auto p = refuse_unknown_keys(root, "", event_keys)) return p;
  if (auto p = read_required_string(root, "", "id", out.id)) return p;
  if (auto p = check_id(out.id, "id")) return p;
  if (auto p = read_non_empty_string(root, "", "title", out.title)) return p;
  if (auto p = read_required_string(root, "", "summary", out.summary)) return p;
  if (auto p = read_hashtags(root, out.hashtags)) return p;
  std::string starts_at;
  if (auto p = read_required_string(root, "", "starts_at", starts_at)) return p;
  const auto start = common::parse_iso8601_ms(starts_at, common::iso8601_form::utc);
  if (!start) {
    return fail("starts_at", "not an ISO 8601 UTC time (expected e.g. 2024-04-22T14:00:00Z, got " +
                                 quoted(starts_at) + ")");
  }
  out.starts_at = *start;
  if (auto p = read_optional_string(root, "", "stream_url", out.stream_url)) return p;
  if (auto p = check_web_url(out.stream_url, "stream_url")) return p;
  if (const json::value* stream = root.if_contains("stream")) {
    event_stream parsed;
    std::string field, why;
    if (!parse_event_stream(*stream, parsed, field, why)) return fail(std::move(field), std::move(why));
    out.stream = std::move(parsed);
  }
  if (auto p = read_agenda(root, out.segments)) return p;
  if (auto p = read_links(root, out.links)) return p;
  if (auto p = read_qa(root, out.questions_premoderated)) return p;
  if (auto p = read_optional_bool(root, "show_timers", out.show_timers)) return p;
  if (auto p = read_optional_string(root, "", "time_zone", out.time_zone)) return p;
  if (out.time_zone.empty()) out.time_zone = "UTC";
  if (!looks_like_time_zone(out.time_zone))
    return fail("time_zone", "not an IANA time zone name (expected e.g. America/New_York, got " +
                                 quoted(out.time_zone) + ")");
  std::string on_air;
  if (auto p = read_optional_string(root, "", "on_air", on_air)) return p;
  if (!on_air.empty() && std::find(on_air_roles.begin(), on_air_roles.end(), on_air) == on_air_roles.end())
    return fail("on_air", "unknown role " + quoted(on_air) + " (expected " + joined(on_air_roles, "|") + ")");
  out.on_air_producers_only = on_air == "producer";
  if (auto p = read_reactions(root, out.reactions)) return p;
  if (auto p = read_polls(root, out.polls)) return p;
  if (auto p = read_verbatim_object(root, "sources", out.sources)) return p;
  return read_verbatim_object(root, "moderation", out.moderation);
}

// Line and column (both from 1) of a byte offset, for JSON syntax errors.
std::string position_of(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  std::size_t line = 1;
  std::size_t column = 1;
  for (std::size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

}  // namespace

std::string event_load_error::message() const {
  return file + ": " + field + ": " + why;
}

event_load_result parse_event_definition(std::string_view json_text, std::string_view file) {
  const auto refused = [&](field_error e) {
    return event_load_error{std::string(file), std::move(e.field), std::move(e.why)};
  };
  // stream_parser rather than json::parse: it reports how far it got, so a syntax
  // error can name its line and column.
  json::stream_parser parser;
  boost::system::error_code ec;
  const std::size_t consumed = parser.write(json_text.data(), json_text.size(), ec);
  if (!ec) parser.finish(ec);
  if (ec) {
    return refused({std::string(root_field),
                    "invalid JSON at " + position_of(json_text, consumed) + ": " + ec.message()});
  }
  const json::value document = parser.release();
  const json::object* root = document.if_object();
  if (root == nullptr) return refused({std::string(root_field), "must be a JSON object"});
  event_definition def;
  if (auto p = read_event(*root, def)) return refused(std::move(*p));
  return def;
}

bool parse_segment(const json::value& json, segment_definition& out, std::string& why) {
  segment_definition parsed;
  if (auto p = read_segment(json, "", parsed)) {
    why = p->field.empty() ? p->why : p->field + ": " + p->why;
    return false;
  }
  out = std::move(parsed);
  return true;
}

json::object segment_definition_to_json(const segment_definition& segment) {
  json::array speakers;
  for (const auto& person : segment.speakers)
    speakers.emplace_back(
        json::object{{"name", person.name}, {"role", person.role}, {"title", person.title}});
  return json::object{{"id", segment.id},
                      {"kind", segment.kind},
                      {"title", segment.title},
                      {"planned_minutes", segment.planned_minutes},
                      {"speakers", std::move(speakers)}};
}

namespace {

json::object event_fields(const event_definition& def) {
  json::array hashtags;
  for (const auto& tag : def.hashtags) hashtags.emplace_back(tag);
  json::array reactions;
  for (const auto& emoji : def.reactions) reactions.emplace_back(emoji);
  json::array links;
  for (const auto& link : def.links) {
    links.emplace_back(json::object{{"title", link.title},
                                    {"url", link.url},
                                    {"kind", link.kind},
                                    {"published", link.published},
                                    {"summary", link.summary}});
  }
  return json::object{{"id", def.id},
                      {"title", def.title},
                      {"summary", def.summary},
                      {"hashtags", std::move(hashtags)},
                      {"stream_url", def.stream_url},
                      {"starts_at", def.starts_at},
                      {"show_timers", def.show_timers},
                      {"time_zone", def.time_zone},
                      {"on_air", def.on_air_producers_only ? "producer" : "moderator"},
                      {"reactions", std::move(reactions)},
                      {"links", std::move(links)}};
}

}  // namespace

json::object event_to_json(const event_definition& def) {
  json::object out = event_fields(def);
  out["stream"] = def.stream ? json::value(event_stream_to_json(*def.stream)) : json::value(nullptr);
  return out;
}

}  // namespace companion::session
