// What a poll may say: the limits of its question and options, shared by the event
// file's prepared polls and by poll.create, so both refuse the same things.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace companion::session {

// A question reads on one phone screen and on one overlay line pair.
constexpr std::size_t max_poll_question = 200;
// Two answers make a choice; more than six no longer fit a phone or a lower third.
constexpr std::size_t min_poll_options = 2;
constexpr std::size_t max_poll_options = 6;
// An option is a touch target's label: one line on a phone.
constexpr std::size_t max_poll_option_text = 80;

struct poll_option_definition {
  std::string id;  // unique within its poll: ballots in the journal name it
  std::string text;
};

// A poll as prepared in the event file, or as poll.create makes it.
struct poll_definition {
  std::string id;
  std::string question;
  std::vector<poll_option_definition> options;
  bool multiple = false;  // a ballot may name several options
};

// Why a poll's texts are refused, naming the field ("options[2]: ..."), or empty when
// they are good. Texts are trimmed in place first.
std::string check_poll_texts(poll_definition& poll);

}  // namespace companion::session
