#include "epoch_carry.hpp"

#include <array>

namespace companion::session {

bool carried_command(std::string_view type) {
  // Preparation, not rehearsal: the rundown's edits replay on a show not yet started just
  // as they did (every edit is allowed before the start), rules and author lists depend
  // on no post or question, and a poll made in the consoles comes back a draft (its
  // opening, ballots and close were the rehearsal's; the event file's polls are drafts
  // of every epoch anyway).
  static constexpr std::array<std::string_view, 10> kept{
      "segment.add",  "segment.update", "segment.remove", "segment.move",   "moderation.set",
      "author.block", "author.trust",   "author.unblock", "author.untrust", "poll.create",
  };
  for (auto name : kept)
    if (name == type) return true;
  return false;
}

bool carried_across_reset(const boost::json::object& record) {
  const auto* kind = record.if_contains("kind");
  if (!kind || !kind->is_string() || kind->get_string() != "command") return false;
  const auto* cmd = record.if_contains("cmd");
  if (!cmd || !cmd->is_object()) return false;
  const auto* type = cmd->get_object().if_contains("type");
  return type && type->is_string() && carried_command(type->get_string());
}

}  // namespace companion::session
