// The demo's autopilot: moves the run of show on its own, at a faster pace than
// planned, so a rehearsal of an event shows the show happen without a producer.
// Pure: it reads the agenda and the time it is given and names the next move.
#pragma once

#include <optional>

#include "agenda.hpp"
#include "command.hpp"
#include "types.hpp"

namespace companion::session {

// The move the autopilot makes at `now`, if any: the start once `starts_at` is reached,
// then the next segment (the end after the last) once the current one has run its
// planned minutes divided by `speed`. A paused or ended show is left alone, and a
// producer may move the show by hand at any time: the autopilot goes on from there.
std::optional<command_body> autopilot_move(const agenda& run_of_show, millis starts_at, double speed,
                                           millis now);

}  // namespace companion::session
