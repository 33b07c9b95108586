#include "frame_fields.hpp"

#include <algorithm>
#include <boost/json/string.hpp>

#include "command.hpp"

namespace companion::session::frame_fields {
namespace {
namespace od = simdjson::ondemand;
// Extension fields may nest, but not without bound: the walk below recurses.
constexpr int max_nesting = 64;
}  // namespace

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

}  // namespace companion::session::frame_fields
