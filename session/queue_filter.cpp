#include "queue_filter.hpp"

#include <string.h>  // memmem: linear time whatever the needle, unlike a naive search
#include <boost/json/object.hpp>

#include "text_rules.hpp"

namespace companion::session {
namespace {

// The lower-case partner of a code point, for the alphabets fold_for_search names.
char32_t fold(char32_t c) {
  if (c < 0x80) return c >= 'A' && c <= 'Z' ? c + 32 : c;
  if (c >= 0xC0 && c <= 0xDE && c != 0xD7) return c + 32;  // Latin-1: À..Þ, not ×
  if (c == 0x130) return 'i';                              // İ
  if (c == 0x178) return 0xFF;                             // Ÿ
  // Latin Extended-A pairs its capitals with the next code point, from an even one
  // (Ā ā ... ķ, Ŋ ŋ ... ŷ) or an odd one (Ĺ ĺ ... ň, Ź ź ... ž).
  if ((c >= 0x100 && c <= 0x137) || (c >= 0x14A && c <= 0x177)) return c % 2 == 0 ? c + 1 : c;
  if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E)) return c % 2 == 1 ? c + 1 : c;
  if (c >= 0x391 && c <= 0x3A9 && c != 0x3A2) return c + 32;  // Greek Α..Ω
  if (c == 0x386) return 0x3AC;                               // Ά
  if (c >= 0x388 && c <= 0x38A) return c + 37;                // Έ Ή Ί
  if (c == 0x38C) return 0x3CC;                               // Ό
  if (c == 0x38E || c == 0x38F) return c + 63;                // Ύ Ώ
  if (c == 0x3C2) return 0x3C3;                               // final ς searches as σ
  if (c >= 0x410 && c <= 0x42F) return c + 32;                // Cyrillic А..Я
  if (c >= 0x400 && c <= 0x40F) return c + 80;                // Ѐ..Џ
  return c;
}

// Writes `text` folded to `out`, which has room for text.size() bytes (folding never
// lengthens a text); returns the end of what was written.
char* fold_into(std::string_view text, char* out) {
  std::size_t i = 0;
  const std::size_t n = text.size();
  while (i < n) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      *out++ = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
      ++i;
      continue;
    }
    // Only two-byte sequences hold letters that fold; anything else is copied byte for byte.
    if ((c & 0xE0) == 0xC0 && i + 1 < n && (static_cast<unsigned char>(text[i + 1]) & 0xC0) == 0x80 &&
        c >= 0xC2) {
      char32_t point =
          fold((static_cast<char32_t>(c & 0x1F) << 6) | (static_cast<unsigned char>(text[i + 1]) & 0x3F));
      if (point < 0x80) {
        *out++ = static_cast<char>(point);
      } else {
        *out++ = static_cast<char>(0xC0 | (point >> 6));
        *out++ = static_cast<char>(0x80 | (point & 0x3F));
      }
      i += 2;
      continue;
    }
    *out++ = static_cast<char>(c);
    ++i;
  }
  return out;
}

bool is_string_field(const boost::json::object& item, std::string_view key, std::string_view& out) {
  auto it = item.find(key);
  if (it == item.end() || !it->value().is_string()) return false;
  out = it->value().get_string();
  return true;
}

bool ascii_iequal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] + 32) : a[i];
    char y = b[i] >= 'A' && b[i] <= 'Z' ? static_cast<char>(b[i] + 32) : b[i];
    if (x != y) return false;
  }
  return true;
}

// "de" matches "de" and "de-AT" (a BCP 47 tag and its subtags), in any case.
bool language_matches(std::string_view wanted, std::string_view tag) {
  if (wanted.empty()) return tag.empty();
  if (tag.size() > wanted.size() && tag[wanted.size()] == '-') tag = tag.substr(0, wanted.size());
  return ascii_iequal(wanted, tag);
}

}  // namespace

std::string check_queue_filter(const queue_filter& filter, bool posts) {
  auto check = [posts](const std::optional<std::string>& value, std::string_view name) -> std::string {
    if (!value) return {};
    if (!posts) return "field \"" + std::string(name) + "\" filters posts only";
    if (value->size() > max_filter_value_bytes)
      return "field \"" + std::string(name) + "\" has at most " + std::to_string(max_filter_value_bytes) +
             " bytes";
    return {};
  };
  for (auto [value, name] : {std::pair{&filter.source, "source"}, std::pair{&filter.held_by, "held_by"},
                             std::pair{&filter.lang, "lang"}})
    if (std::string why = check(*value, name); !why.empty()) return why;
  if (count_code_points(filter.search) > max_search_chars)
    return "field \"search\" has at most " + std::to_string(max_search_chars) + " characters";
  if (has_control_characters(filter.search)) return "field \"search\" contains control characters";
  return {};
}

void fold_for_search(std::string_view text, std::string& out) {
  std::size_t start = out.size();
  out.resize(start + text.size());
  out.resize(static_cast<std::size_t>(fold_into(text, out.data() + start) - out.data()));
}

queue_matcher::queue_matcher(const queue_filter& filter) : filter_(filter) {
  fold_for_search(trim_text(filter.search), needle_);
}

bool queue_matcher::contains(std::string_view haystack) {
  if (haystack.size() < needle_.size()) return false;
  if (folded_.size() < haystack.size()) folded_.resize(haystack.size());
  const char* end = fold_into(haystack, folded_.data());
  return memmem(folded_.data(), static_cast<std::size_t>(end - folded_.data()), needle_.data(),
                needle_.size()) != nullptr;
}

bool queue_matcher::operator()(const boost::json::value& value) {
  const boost::json::object* item = value.if_object();
  if (!item) return false;
  std::string_view field;
  if (filter_.source && !(is_string_field(*item, "source", field) && field == *filter_.source)) return false;
  if (filter_.held_by && !(is_string_field(*item, "held_by", field) && field == *filter_.held_by))
    return false;
  if (filter_.lang) {
    if (!is_string_field(*item, "lang", field)) field = {};
    if (!language_matches(*filter_.lang, field)) return false;
  }
  if (needle_.empty()) return true;
  if (is_string_field(*item, "text", field) && contains(field)) return true;
  // A question's author is the name typed with it; a post's is a handle and a display name.
  auto author = item->find("author");
  if (author == item->end()) return false;
  if (author->value().is_string()) return contains(author->value().get_string());
  if (const auto* who = author->value().if_object()) {
    if (is_string_field(*who, "handle", field) && contains(field)) return true;
    if (is_string_field(*who, "display_name", field) && contains(field)) return true;
  }
  return false;
}

}  // namespace companion::session
