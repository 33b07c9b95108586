#include "autopilot.hpp"

namespace companion::session {

std::optional<command_body> autopilot_move(const agenda& run_of_show, millis starts_at, double speed,
                                           millis now) {
  if (speed <= 0) return std::nullopt;
  switch (run_of_show.status()) {
    case agenda_status::scheduled:
      if (now >= starts_at && !run_of_show.segments().empty()) return agenda_start{};
      return std::nullopt;
    case agenda_status::live: {
      auto current = run_of_show.current_index();
      if (!current) return std::nullopt;
      const auto& segment = run_of_show.segments()[*current].definition;
      const auto due = static_cast<millis>(static_cast<double>(segment.planned_minutes) * 60'000.0 / speed);
      if (run_of_show.current_elapsed(now) < due) return std::nullopt;
      if (*current + 1 >= run_of_show.segments().size()) return agenda_end{};
      return agenda_next{};
    }
    case agenda_status::paused:
    case agenda_status::ended:
      return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace companion::session
