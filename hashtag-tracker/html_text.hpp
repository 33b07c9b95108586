// Turns the HTML of a Mastodon status into plain text with a real HTML parser (gumbo):
// <br> and paragraph breaks become line breaks, links keep their text, every tag is
// dropped and entities are decoded.
#pragma once

#include <string>
#include <string_view>

namespace companion::tracker {

struct html_text {
  std::string text;
  int link_count = 0;  // <a> elements that are not mentions or hashtags
};

html_text html_to_text(std::string_view html);

}  // namespace companion::tracker
