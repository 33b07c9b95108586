#include "session/journal_format.hpp"

#include <array>
#include <string_view>

#include "session/command.hpp"
#include "session/engine.hpp"

namespace companion::session {
namespace {

// The record kinds event_engine::replay has rules for.
constexpr std::array<std::string_view, 7> known_kinds{"command", "post", "edit",  "retract",
                                                      "tick",    "vote", "unvote"};

std::string kind_problem(const boost::json::object& record) {
  auto kind = record.find("kind");
  if (kind == record.end() || !kind->value().is_string()) return "no kind";
  const std::string_view name = kind->value().get_string();
  bool known = false;
  for (auto k : known_kinds) known = known || k == name;
  if (!known) return "kind \"" + std::string(name) + "\"";
  if (name != "command") return {};
  auto cmd = record.find("cmd");
  if (cmd == record.end() || !cmd->value().is_object()) return "a command record without its command";
  auto type = cmd->value().get_object().find("type");
  if (type == cmd->value().get_object().end() || !type->value().is_string())
    return "a command without a type";
  const std::string_view type_name = type->value().get_string();
  if (!find_command(type_name)) return "command \"" + std::string(type_name) + "\"";
  return {};
}

}  // namespace

std::string journal_record_problem(const boost::json::object& record) {
  if (auto v = record.find("v"); v != record.end() && !v->value().is_int64())
    return "a format version that is not a whole number";
  const int version = journal_record_version(record);
  if (version < 1 || version > journal_version) return "format version " + std::to_string(version);
  return kind_problem(record);
}

bool journal_record_folds(const boost::json::object& record) {
  auto kind = record.find("kind");
  if (kind == record.end() || !kind->value().is_string()) return false;
  const std::string_view name = kind->value().get_string();
  return name == "vote" || name == "unvote" || name == "tick";
}

boost::json::object restamp_journal_record(boost::json::object record) {
  if (journal_record_version(record) > journal_version && kind_problem(record).empty())
    record["v"] = journal_version;
  return record;
}

}  // namespace companion::session
