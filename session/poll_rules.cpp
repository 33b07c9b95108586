#include "poll_rules.hpp"

#include "text_rules.hpp"

namespace companion::session {
namespace {

std::string check_text(std::string& text, std::size_t max, std::string_view field) {
  text = trim_text(text);
  const std::size_t length = count_code_points(text);
  if (length == 0 || length > max)
    return std::string(field) + ": must have 1.." + std::to_string(max) + " characters";
  if (has_control_characters(text)) return std::string(field) + ": contains control characters";
  return {};
}

}  // namespace

std::string check_poll_texts(poll_definition& poll) {
  if (auto why = check_text(poll.question, max_poll_question, "question"); !why.empty()) return why;
  if (poll.options.size() < min_poll_options || poll.options.size() > max_poll_options)
    return "options: must have " + std::to_string(min_poll_options) + ".." +
           std::to_string(max_poll_options) + " options";
  for (std::size_t i = 0; i < poll.options.size(); ++i) {
    const std::string field = "options[" + std::to_string(i) + "]";
    if (auto why = check_text(poll.options[i].text, max_poll_option_text, field); !why.empty()) return why;
    // Two options reading the same would split one answer's ballots in two.
    for (std::size_t j = 0; j < i; ++j)
      if (poll.options[j].text == poll.options[i].text)
        return field + ": repeats options[" + std::to_string(j) + "]";
  }
  return {};
}

}  // namespace companion::session
