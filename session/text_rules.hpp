// Checks and normalization for short texts typed by people: questions, names,
// announcements.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace companion::session {

// Strips leading and trailing white space (ASCII and U+3000).
std::string trim_text(std::string_view text);
// Number of Unicode code points in valid UTF-8.
std::size_t count_code_points(std::string_view text);
// True when the text holds a C0 or C1 control character or DEL.
bool has_control_characters(std::string_view text);
// A key under which near-identical questions compare equal: case-folded ASCII,
// punctuation and spacing dropped, other characters kept.
std::string similarity_key(std::string_view text);

}  // namespace companion::session
