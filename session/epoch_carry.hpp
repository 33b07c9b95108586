// What a reset after a rehearsal carries into the event's new epoch: the records that
// prepared the show, not those of the rehearsal itself. The rundown as edited, the
// moderation rules and the moderators' author lists are kept; the agenda's progress,
// announcements, questions, votes, posts and what was on screen are not (they stay in
// the archived journal of the old epoch).
#pragma once

#include <boost/json/object.hpp>
#include <string_view>

namespace companion::session {

// True for a command type whose records a new epoch keeps.
bool carried_command(std::string_view type);
// True for a journal record the new epoch's journal starts with (in the same order).
bool carried_across_reset(const boost::json::object& record);

}  // namespace companion::session
