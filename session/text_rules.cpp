#include "text_rules.hpp"

#include <cctype>

namespace companion::session {
namespace {

constexpr std::string_view ideographic_space = "\xE3\x80\x80";

bool starts_with_space(std::string_view text) {
  if (text.empty()) return false;
  if (text[0] == ' ' || text[0] == '\t' || text[0] == '\n' || text[0] == '\r') return true;
  return text.substr(0, 3) == ideographic_space;
}

bool ends_with_space(std::string_view text) {
  if (text.empty()) return false;
  char last = text.back();
  if (last == ' ' || last == '\t' || last == '\n' || last == '\r') return true;
  return text.size() >= 3 && text.substr(text.size() - 3) == ideographic_space;
}

}  // namespace

std::string trim_text(std::string_view text) {
  while (starts_with_space(text)) text.remove_prefix(text[0] == '\xE3' ? 3 : 1);
  while (ends_with_space(text)) text.remove_suffix(text.back() == '\x80' ? 3 : 1);
  return std::string(text);
}

std::size_t count_code_points(std::string_view text) {
  std::size_t count = 0;
  for (unsigned char c : text)
    if ((c & 0xC0) != 0x80) ++count;
  return count;
}

bool has_control_characters(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7F) return true;
    // C1 controls U+0080..U+009F are encoded as C2 80..C2 9F.
    if (c == 0xC2 && i + 1 < text.size()) {
      auto next = static_cast<unsigned char>(text[i + 1]);
      if (next >= 0x80 && next <= 0x9F) return true;
    }
  }
  return false;
}

std::string similarity_key(std::string_view text) {
  std::string key;
  key.reserve(text.size());
  for (unsigned char c : text) {
    if (c >= 0x80) {
      key.push_back(static_cast<char>(c));
    } else if (std::isalnum(c)) {
      key.push_back(static_cast<char>(std::tolower(c)));
    }
  }
  return key;
}

}  // namespace companion::session
