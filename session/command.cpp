#include "command.hpp"

#include "paging.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <array>
#include <boost/json/array.hpp>
#include <boost/json/string.hpp>

namespace companion::session {
namespace {

namespace od = simdjson::ondemand;

// Field requirements per command type. Unknown types are bad_request.
struct command_rule {
  std::string_view type;
  role required;
  bool needs_text = false;
  bool needs_question = false;
  bool needs_post = false;
  bool needs_highlight = false;
  bool needs_segment = false;
  bool needs_author = false;
  bool needs_open = false;
  bool needs_rules = false;
  bool needs_segment_fields = false;  // kind, title and planned_minutes (a new segment)
  bool needs_after = false;           // present, a segment id or null
};

constexpr std::array<command_rule, 40> command_rules{{
    {"hello", role::viewer},
    {"ping", role::viewer},
    {"token.refresh", role::moderator},
    {"question.ask", role::viewer, true},
    {"question.vote", role::viewer, false, true},
    {"question.unvote", role::viewer, false, true},
    {"question.approve", role::moderator, false, true},
    {"question.reject", role::moderator, false, true},
    {"question.answered", role::moderator, false, true},
    {"question.reopen", role::moderator, false, true},
    {"question.unmerge", role::moderator, false, true},
    {"question.edit", role::moderator, true, true},
    {"question.restore", role::moderator, false, true},
    {"post.approve", role::moderator, false, false, true},
    {"post.reject", role::moderator, false, false, true},
    {"post.feature", role::moderator, false, false, true},
    {"post.restore", role::moderator, false, false, true},
    {"highlight.remove", role::moderator, false, false, false, true},
    {"author.block", role::moderator, false, false, false, false, false, true},
    {"author.trust", role::moderator, false, false, false, false, false, true},
    {"author.unblock", role::moderator, false, false, false, false, false, true},
    {"author.untrust", role::moderator, false, false, false, false, false, true},
    {"on_screen.set", role::moderator},
    {"agenda.start", role::producer},
    {"agenda.next", role::producer},
    {"agenda.previous", role::producer},
    {"agenda.pause", role::producer},
    {"agenda.resume", role::producer},
    {"agenda.end", role::producer},
    {"agenda.goto", role::producer, false, false, false, false, true},
    {"announce", role::producer, true},
    {"stage.message", role::producer, true},
    {"segment.add", role::producer, false, false, false, false, true, false, false, false, true},
    {"segment.update", role::producer, false, false, false, false, true},
    {"segment.remove", role::producer, false, false, false, false, true},
    {"segment.move", role::producer, false, false, false, false, true, false, false, false, false, true},
    {"qa.set", role::producer, false, false, false, false, false, false, true},
    {"moderation.set", role::moderator, false, false, false, false, false, false, false, true},
    {"questions.page", role::viewer},
    {"queue.page", role::moderator},
}};

const command_rule* find_rule(std::string_view type) {
  for (const auto& rule : command_rules)
    if (rule.type == type) return &rule;
  return nullptr;
}

// Extension fields may nest, but not without bound: the walk below recurses.
constexpr int max_nesting = 64;

// Reads a value the command does not use, so that malformed JSON inside it is
// still refused (On-Demand would otherwise skip it unchecked). Returns why the
// value is refused, or an empty view.
std::string_view check_unused(od::value& value, int depth) {
  constexpr std::string_view malformed = "malformed JSON";
  if (depth > max_nesting) return "JSON nested too deeply";
  od::json_type type;
  if (value.type().get(type)) return malformed;
  switch (type) {
    case od::json_type::object: {
      od::object object;
      if (value.get_object().get(object)) return malformed;
      for (auto field : object) {
        std::string_view key;
        od::value inner;
        if (field.unescaped_key().get(key) || field.value().get(inner)) return malformed;
        if (auto why = check_unused(inner, depth + 1); !why.empty()) return why;
      }
      return {};
    }
    case od::json_type::array: {
      od::array array;
      if (value.get_array().get(array)) return malformed;
      for (auto element : array) {
        od::value inner;
        if (element.get(inner)) return malformed;
        if (auto why = check_unused(inner, depth + 1); !why.empty()) return why;
      }
      return {};
    }
    case od::json_type::string: {
      std::string_view text;
      return value.get_string().get(text) ? malformed : std::string_view();
    }
    case od::json_type::number: {
      od::number number;
      return value.get_number().get(number) ? malformed : std::string_view();
    }
    case od::json_type::boolean: {
      bool flag = false;
      return value.get_bool().get(flag) ? malformed : std::string_view();
    }
    case od::json_type::null: {
      bool is_null = false;
      return value.is_null().get(is_null) || !is_null ? malformed : std::string_view();
    }
  }
  return malformed;
}

// Reads a string (or, when `nullable`, null) field; records the first type error.
bool read_string(od::value& value, std::string_view key, std::optional<std::string>& out, bool nullable,
                 std::string& error) {
  if (nullable) {
    bool is_null = false;
    if (!value.is_null().get(is_null) && is_null) {
      out.reset();
      return true;
    }
  }
  std::string_view text;
  if (value.get_string().get(text)) {
    if (error.empty()) error = "field \"" + std::string(key) + "\" must be a string";
    return false;
  }
  out.emplace(text);
  return true;
}

bool read_string(od::value& value, std::string_view key, std::string& out, std::string& error) {
  std::optional<std::string> text;
  if (!read_string(value, key, text, false, error)) return false;
  out = std::move(*text);
  return true;
}

// Reads the command id: a string or an integer, kept as JSON text for echoing.
bool read_id(od::value& value, boost::json::value& id, std::optional<std::string>& as_item,
             std::string& error) {
  od::json_type type;
  if (value.type().get(type)) {
    error = "malformed JSON";
    return false;
  }
  switch (type) {
    case od::json_type::string: {
      std::string_view text;
      if (value.get_string().get(text)) break;
      id = boost::json::string(text);
      as_item.emplace(text);
      return true;
    }
    case od::json_type::number: {
      std::int64_t number = 0;
      if (value.get_int64().get(number)) break;
      id = number;
      as_item = std::to_string(number);
      return true;
    }
    case od::json_type::null: {
      // type() looks at the first byte only: "nope" must not pass for null.
      bool is_null = false;
      if (value.is_null().get(is_null) || !is_null) {
        if (error.empty()) error = "malformed JSON";
        return false;
      }
      as_item.reset();
      return true;
    }
    default:
      break;
  }
  if (error.empty()) error = "field \"id\" must be a string or an integer";
  return false;
}

// Reads a bulk selection: an array of 1..max_bulk_posts distinct, non-empty ids.
// The whole array is read even after a fault, so the rest of the frame stays parseable.
bool read_posts(od::value& value, std::vector<std::string>& out, std::string& error) {
  od::array array;
  if (value.get_array().get(array)) {
    if (error.empty()) error = "field \"posts\" must be an array of post ids";
    return false;
  }
  std::string fault;
  for (auto element : array) {
    od::value inner;
    std::string_view id;
    if (element.get(inner)) {
      fault = "malformed JSON";
      break;
    }
    od::json_type type;
    if (inner.type().get(type)) {
      fault = "malformed JSON";
      break;
    }
    if (type != od::json_type::string) {
      if (auto why = check_unused(inner, 2); !why.empty()) fault = why;
      if (fault.empty()) fault = "field \"posts\" must hold strings";
      continue;
    }
    if (inner.get_string().get(id)) {
      fault = "malformed JSON";
      break;
    }
    if (id.empty() && fault.empty()) fault = "field \"posts\" must hold non-empty strings";
    if (!fault.empty()) continue;
    if (out.size() == max_bulk_posts)
      fault = "field \"posts\" holds at most " + std::to_string(max_bulk_posts) + " ids";
    else if (std::find(out.begin(), out.end(), id) != out.end())
      fault = "field \"posts\" names \"" + std::string(id) + "\" twice";
    else
      out.emplace_back(id);
  }
  if (fault.empty() && out.empty()) fault = "field \"posts\" must not be empty";
  if (!fault.empty() && error.empty()) error = std::move(fault);
  return error.empty();
}

bool read_resume(od::value& value, std::optional<resume_point>& out, std::string& error) {
  od::object object;
  if (value.get_object().get(object)) {
    if (error.empty()) error = "field \"resume\" must be an object with epoch and seq";
    return false;
  }
  resume_point point;
  bool have_epoch = false, have_seq = false;
  for (auto field : object) {
    std::string_view key;
    od::value inner;
    if (field.unescaped_key().get(key) || field.value().get(inner)) {
      if (error.empty()) error = "malformed JSON";
      return false;
    }
    if (key == "epoch") {
      std::string_view epoch;
      if (inner.get_string().get(epoch)) {
        have_epoch = false;
        break;
      }
      point.epoch = epoch;
      have_epoch = true;
    } else if (key == "seq") {
      if (inner.get_uint64().get(point.seq)) {
        have_seq = false;
        break;
      }
      have_seq = true;
    } else if (auto why = check_unused(inner, 2); !why.empty()) {
      if (error.empty()) error = why;
      return false;
    }
  }
  if (!have_epoch || !have_seq) {
    if (error.empty()) error = "field \"resume\" must be an object with epoch (string) and seq (integer)";
    return false;
  }
  out = std::move(point);
  return true;
}

// Checks that the fields a type needs are present.
std::string missing_field(const command_rule& rule, const command& cmd) {
  if (rule.needs_text && !cmd.text) return "text";
  if (rule.needs_question && cmd.question.empty()) return "question";
  if (rule.needs_post && cmd.post.empty() && cmd.posts.empty()) return "post";
  if (rule.needs_highlight && cmd.highlight.empty()) return "highlight";
  if (rule.needs_segment && cmd.segment.empty()) return "segment";
  if (rule.needs_author && cmd.source.empty()) return "source";
  if (rule.needs_author && cmd.handle.empty()) return "handle";
  if (rule.needs_rules && cmd.rules_json.empty()) return "rules";
  if (rule.needs_open && !cmd.kind) return "open";
  if (rule.needs_segment_fields && !cmd.kind) return "kind";
  if (rule.needs_segment_fields && !cmd.title) return "title";
  if (rule.needs_segment_fields && !cmd.planned_minutes) return "planned_minutes";
  if (rule.needs_after && !cmd.after_given) return "after";
  return {};
}

// questions.page and queue.page: which list, and a page size within the protocol's bounds.
std::string check_page(command& cmd, std::optional<std::int64_t> limit) {
  if (cmd.type == "questions.page" && cmd.status != "open" && cmd.status != "answered")
    return "field \"status\" must be \"open\" or \"answered\"";
  if (cmd.type == "queue.page" && cmd.kind != "post" && cmd.kind != "question")
    return "field \"kind\" must be \"post\" or \"question\"";
  if (!limit) {
    cmd.limit = default_page_items;
  } else if (*limit < 1 || *limit > static_cast<std::int64_t>(max_page_items)) {
    return "field \"limit\" must be between 1 and " + std::to_string(max_page_items);
  } else {
    cmd.limit = static_cast<std::size_t>(*limit);
  }
  if (cmd.after && !parse_cursor(*cmd.after)) return "field \"after\" is not a cursor from an earlier page";
  if (cmd.type == "queue.page") {
    if (!cmd.source.empty()) cmd.filter.source = cmd.source;
    return check_queue_filter(cmd.filter, cmd.kind == "post");
  }
  return {};
}

}  // namespace

std::optional<role> required_role(std::string_view type) {
  if (const auto* rule = find_rule(type)) return rule->required;
  return std::nullopt;
}

bool command_decoder::decode(std::string_view frame, command& out, decode_failure& failure) {
  out = command{};
  failure = decode_failure{};
  // A reused buffer with simdjson's padding avoids an allocation per frame.
  if (buffer_.size() < frame.size() + simdjson::SIMDJSON_PADDING)
    buffer_ = simdjson::padded_string(frame.size() + simdjson::SIMDJSON_PADDING);
  std::copy(frame.begin(), frame.end(), buffer_.data());

  od::document doc;
  od::object object;
  if (parser_.iterate(buffer_.data(), frame.size(), buffer_.size()).get(doc) ||
      doc.get_object().get(object)) {
    failure.message = "a command must be one JSON object";
    return false;
  }

  std::string error;
  bool item_given = false;
  std::optional<std::string> id_as_item;
  std::optional<std::string> type;
  std::optional<bool> open;
  std::optional<std::int64_t> limit;
  auto refuse = [&](std::string_view why) {
    failure.id = out.id;
    failure.message = why;
    return false;
  };
  for (auto field : object) {
    std::string_view key;
    od::value value;
    if (field.unescaped_key().get(key) || field.value().get(value)) return refuse("malformed JSON");
    if (key == "type") {
      read_string(value, key, type, false, error);
    } else if (key == "id") {
      read_id(value, out.id, id_as_item, error);
    } else if (key == "event") {
      read_string(value, key, out.event, error);
    } else if (key == "token") {
      read_string(value, key, out.token, error);
    } else if (key == "viewer") {
      read_string(value, key, out.viewer, error);
    } else if (key == "resume") {
      bool is_null = false;
      if (value.is_null().get(is_null) || !is_null) read_resume(value, out.resume, error);
    } else if (key == "text") {
      read_string(value, key, out.text, false, error);
    } else if (key == "name") {
      read_string(value, key, out.name, true, error);
    } else if (key == "question") {
      read_string(value, key, out.question, error);
    } else if (key == "post") {
      read_string(value, key, out.post, error);
    } else if (key == "posts") {
      read_posts(value, out.posts, error);
    } else if (key == "highlight") {
      read_string(value, key, out.highlight, error);
    } else if (key == "segment") {
      read_string(value, key, out.segment, error);
    } else if (key == "source") {
      read_string(value, key, out.source, error);
    } else if (key == "handle") {
      read_string(value, key, out.handle, error);
    } else if (key == "kind") {
      read_string(value, key, out.kind, true, error);
    } else if (key == "item") {
      item_given = true;
      read_string(value, key, out.item, true, error);
    } else if (key == "rules") {
      // Kept as JSON text; parsed here too, since On-Demand skips an object's inside unchecked.
      od::object rules;
      std::string_view raw;
      boost::system::error_code ec;
      if (value.get_object().get(rules) || rules.raw_json().get(raw)) {
        if (error.empty()) error = "field \"rules\" must be an object";
      } else if (boost::json::parse(raw, ec); ec) {
        return refuse("malformed JSON");
      } else {
        out.rules_json = raw;
      }
    } else if (key == "status") {
      read_string(value, key, out.status, false, error);
    } else if (key == "held_by") {
      read_string(value, key, out.filter.held_by, false, error);
    } else if (key == "lang") {
      read_string(value, key, out.filter.lang, false, error);
    } else if (key == "search") {
      read_string(value, key, out.filter.search, error);
    } else if (key == "after") {
      // A page's cursor, or where a segment goes (segment.add, segment.move); null for both.
      out.after_given = true;
      read_string(value, key, out.after, true, error);
    } else if (key == "limit") {
      std::int64_t number = 0;
      if (value.get_int64().get(number)) {
        if (error.empty()) error = "field \"limit\" must be an integer";
      } else {
        limit = number;
      }
    } else if (key == "title") {
      read_string(value, key, out.title, false, error);
    } else if (key == "planned_minutes") {
      std::int64_t minutes = 0;
      if (value.get_int64().get(minutes)) {
        if (error.empty()) error = "field \"planned_minutes\" must be a whole number";
      } else {
        out.planned_minutes = minutes;
      }
    } else if (key == "speakers") {
      // Kept as JSON text and checked with the event file's rules by the engine.
      od::array speakers;
      std::string_view raw;
      boost::system::error_code ec;
      if (value.get_array().get(speakers) || speakers.raw_json().get(raw)) {
        if (error.empty()) error = "field \"speakers\" must be an array";
      } else if (boost::json::parse(raw, ec); ec) {
        return refuse("malformed JSON");
      } else {
        out.speakers_json = std::string(raw);
      }
    } else if (key == "open") {
      bool flag = false;
      if (value.get_bool().get(flag)) {
        if (error.empty()) error = "field \"open\" must be a boolean";
      } else {
        open = flag;
      }
    } else if (auto why = check_unused(value, 1); !why.empty()) {
      // Unknown fields are ignored so clients may send extensions, but they must be JSON.
      return refuse(why);
    }
  }
  // Text after the object (a second object, a stray bracket) makes the frame malformed.
  const char* trailing = nullptr;
  if (!doc.current_location().get(trailing)) return refuse("malformed JSON");
  failure.id = out.id;
  if (!error.empty()) {
    failure.message = std::move(error);
    return false;
  }
  if (!type) {
    failure.message = "field \"type\" is missing";
    return false;
  }
  out.type = std::move(*type);
  const command_rule* rule = find_rule(out.type);
  if (!rule) {
    failure.message = "unknown type \"" + out.type + "\"";
    return false;
  }
  // qa.set carries its state in `open`; the journal keeps it in `kind`.
  if (out.type == "qa.set") {
    out.kind.reset();
    if (open) out.kind = *open ? "open" : "closed";
  }
  // on_screen.set names its item in `id` (protocol v1) or, preferably, in `item`.
  if (out.type == "on_screen.set" && !item_given) out.item = id_as_item;
  if (out.type == "on_screen.set" && out.kind.has_value() != out.item.has_value()) {
    failure.message = "on_screen.set needs kind and id both set, or both null to clear";
    return false;
  }
  if (!out.posts.empty() && (out.type != "post.approve" && out.type != "post.reject")) {
    failure.message = "only post.approve and post.reject take \"posts\"";
    return false;
  }
  if (!out.posts.empty() && !out.post.empty()) {
    failure.message = "name the post in \"post\" or a selection in \"posts\", not both";
    return false;
  }
  if (std::string missing = missing_field(*rule, out); !missing.empty()) {
    failure.message = "field \"" + missing + "\" is missing";
    return false;
  }
  // A page filter means nothing to any other command, and the journal does not keep it.
  if (out.type != "questions.page") out.status.reset();
  if (out.type != "queue.page") out.filter = {};
  if (out.type == "questions.page" || out.type == "queue.page") {
    if (std::string why = check_page(out, limit); !why.empty()) {
      failure.message = std::move(why);
      return false;
    }
  }
  return true;
}

boost::json::object command_to_json(const command& cmd) {
  boost::json::object json;
  json["type"] = cmd.type;
  auto put = [&json](std::string_view key, const std::string& value) {
    if (!value.empty()) json[key] = value;
  };
  put("event", cmd.event);
  put("viewer", cmd.viewer);
  put("question", cmd.question);
  put("post", cmd.post);
  put("highlight", cmd.highlight);
  put("segment", cmd.segment);
  put("source", cmd.source);
  put("handle", cmd.handle);
  if (!cmd.posts.empty()) {
    boost::json::array posts;
    for (const auto& id : cmd.posts) posts.emplace_back(id);
    json["posts"] = std::move(posts);
  }
  if (cmd.text) json["text"] = *cmd.text;
  if (cmd.name) json["name"] = *cmd.name;
  if (cmd.kind) json["kind"] = *cmd.kind;
  if (cmd.item) json["item"] = *cmd.item;
  if (!cmd.rules_json.empty()) {
    boost::system::error_code ec;
    auto rules = boost::json::parse(cmd.rules_json, ec);
    if (!ec) json["rules"] = std::move(rules);
  }
  if (cmd.title) json["title"] = *cmd.title;
  if (cmd.planned_minutes) json["planned_minutes"] = *cmd.planned_minutes;
  if (cmd.speakers_json) {
    boost::system::error_code ec;
    auto speakers = boost::json::parse(*cmd.speakers_json, ec);
    if (!ec) json["speakers"] = std::move(speakers);
  }
  if (cmd.after_given)
    json["after"] = cmd.after ? boost::json::value(*cmd.after) : boost::json::value(nullptr);
  return json;
}

bool command_from_json(const boost::json::object& json, command& out) {
  out = command{};
  auto get = [&json](std::string_view key) -> const boost::json::string* {
    auto it = json.find(key);
    return it != json.end() && it->value().is_string() ? &it->value().get_string() : nullptr;
  };
  auto copy = [&get](std::string_view key, std::string& into) {
    if (const auto* s = get(key)) into = std::string(*s);
  };
  auto copy_optional = [&get](std::string_view key, std::optional<std::string>& into) {
    if (const auto* s = get(key)) into = std::string(*s);
  };
  copy("type", out.type);
  if (out.type.empty() || !find_rule(out.type)) return false;
  copy("event", out.event);
  copy("viewer", out.viewer);
  copy("question", out.question);
  copy("post", out.post);
  copy("highlight", out.highlight);
  copy("segment", out.segment);
  copy("source", out.source);
  copy("handle", out.handle);
  if (auto it = json.find("posts"); it != json.end() && it->value().is_array())
    for (const auto& id : it->value().get_array())
      if (id.is_string()) out.posts.emplace_back(id.get_string());
  copy_optional("text", out.text);
  copy_optional("name", out.name);
  copy_optional("kind", out.kind);
  copy_optional("item", out.item);
  if (auto it = json.find("rules"); it != json.end() && it->value().is_object())
    out.rules_json = boost::json::serialize(it->value());
  copy_optional("title", out.title);
  if (auto it = json.find("planned_minutes"); it != json.end() && it->value().is_int64())
    out.planned_minutes = it->value().get_int64();
  if (auto it = json.find("speakers"); it != json.end() && it->value().is_array())
    out.speakers_json = boost::json::serialize(it->value());
  if (auto it = json.find("after"); it != json.end()) {
    out.after_given = true;
    if (it->value().is_string()) out.after = std::string(it->value().get_string());
  }
  return true;
}

}  // namespace companion::session
