#include "snapshot_fields.hpp"

#include <vector>

namespace companion::session {
namespace {

const boost::json::value* find(const boost::json::object& in, std::string_view key, std::string& why) {
  auto it = in.find(key);
  if (it == in.end()) {
    why = std::string(key) + ": missing";
    return nullptr;
  }
  return &it->value();
}

bool wrong(std::string_view key, std::string_view expected, std::string& why) {
  why = std::string(key) + ": not " + std::string(expected);
  return false;
}

}  // namespace

bool read_field(const boost::json::object& in, std::string_view key, std::string& out, std::string& why) {
  const auto* value = find(in, key, why);
  if (!value) return false;
  if (!value->is_string()) return wrong(key, "a string", why);
  out = value->get_string();
  return true;
}

bool read_field(const boost::json::object& in, std::string_view key, std::int64_t& out, std::string& why) {
  const auto* value = find(in, key, why);
  if (!value) return false;
  if (value->is_int64()) {
    out = value->get_int64();
    return true;
  }
  return wrong(key, "an integer", why);
}

bool read_field(const boost::json::object& in, std::string_view key, std::uint64_t& out, std::string& why) {
  const auto* value = find(in, key, why);
  if (!value) return false;
  if (value->is_uint64()) {
    out = value->get_uint64();
    return true;
  }
  if (value->is_int64() && value->get_int64() >= 0) {
    out = static_cast<std::uint64_t>(value->get_int64());
    return true;
  }
  return wrong(key, "a count", why);
}

bool read_field(const boost::json::object& in, std::string_view key, bool& out, std::string& why) {
  const auto* value = find(in, key, why);
  if (!value) return false;
  if (!value->is_bool()) return wrong(key, "true or false", why);
  out = value->get_bool();
  return true;
}

bool read_field(const boost::json::object& in, std::string_view key, const boost::json::object*& out,
                std::string& why) {
  const auto* value = find(in, key, why);
  if (!value) return false;
  if (!value->is_object()) return wrong(key, "an object", why);
  out = &value->get_object();
  return true;
}

bool read_field(const boost::json::object& in, std::string_view key, const boost::json::array*& out,
                std::string& why) {
  const auto* value = find(in, key, why);
  if (!value) return false;
  if (!value->is_array()) return wrong(key, "an array", why);
  out = &value->get_array();
  return true;
}

bool read_field(const boost::json::object& in, std::string_view key, const boost::json::value*& out,
                std::string& why) {
  out = find(in, key, why);
  return out != nullptr;
}

bool read_field(const boost::json::object& in, std::string_view key, std::optional<millis>& out,
                std::string& why) {
  const auto* value = find(in, key, why);
  if (!value) return false;
  if (value->is_null()) {
    out.reset();
    return true;
  }
  if (!value->is_int64()) return wrong(key, "null or an integer", why);
  out = value->get_int64();
  return true;
}

bool read_strings(const boost::json::object& in, std::string_view key, std::vector<std::string>& out,
                  std::string& why) {
  const boost::json::array* items = nullptr;
  if (!read_field(in, key, items, why)) return false;
  out.clear();
  out.reserve(items->size());
  for (const auto& item : *items) {
    if (!item.is_string()) return wrong(key, "an array of strings", why);
    out.emplace_back(item.get_string());
  }
  return true;
}

bool fail_at(std::string_view where, std::string& why) {
  why = std::string(where) + ": " + why;
  return false;
}

}  // namespace companion::session
