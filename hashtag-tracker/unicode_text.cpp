#include "unicode_text.hpp"

#include <utf8proc.h>

#include <cstdlib>
#include <cstring>
#include <memory>

namespace companion::tracker {
namespace {

bool is_ascii(std::string_view text) {
  for (unsigned char c : text)
    if (c >= 0x80) return false;
  return true;
}

bool is_ascii_word(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

char ascii_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// Decodes the code point at `pos`; returns its length in bytes (at least 1, so callers always advance).
std::size_t decode_at(std::string_view text, std::size_t pos, char32_t& cp) {
  utf8proc_int32_t value = 0;
  auto n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(text.data() + pos),
                            static_cast<utf8proc_ssize_t>(text.size() - pos), &value);
  if (n <= 0) {
    cp = 0xFFFD;
    return 1;
  }
  cp = static_cast<char32_t>(value);
  return static_cast<std::size_t>(n);
}

// The code point that ends just before `pos`, or 0 at the start of the text.
char32_t decode_before(std::string_view text, std::size_t pos) {
  if (pos == 0) return 0;
  std::size_t start = pos - 1;
  while (start > 0 && pos - start < 4 && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80) --start;
  char32_t cp = 0;
  decode_at(text, start, cp);
  return cp;
}

// Length in bytes of the run of word characters starting at `pos`.
std::size_t word_length(std::string_view text, std::size_t pos) {
  std::size_t end = pos;
  while (end < text.size()) {
    auto c = static_cast<unsigned char>(text[end]);
    if (c < 0x80) {
      if (!is_ascii_word(c)) break;
      ++end;
      continue;
    }
    char32_t cp = 0;
    std::size_t n = decode_at(text, end, cp);
    if (!is_word_codepoint(cp)) break;
    end += n;
  }
  return end - pos;
}

}  // namespace

std::string fold_case(std::string_view text) {
  if (is_ascii(text)) {
    std::string out(text);
    for (char& c : out) c = (c == '\0') ? ' ' : ascii_lower(c);
    return out;
  }
  std::string input(text);
  for (char& c : input)
    if (c == '\0') c = ' ';
  utf8proc_uint8_t* folded = nullptr;
  auto n =
      utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(input.c_str()), 0, &folded,
                   static_cast<utf8proc_option_t>(UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPOSE |
                                                  UTF8PROC_COMPAT | UTF8PROC_CASEFOLD));
  std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> owned(folded, &std::free);
  if (n < 0) {
    // Invalid UTF-8: fold what ASCII there is rather than fail.
    for (char& c : input) c = ascii_lower(c);
    return input;
  }
  return std::string(reinterpret_cast<const char*>(folded), static_cast<std::size_t>(n));
}

bool is_word_codepoint(char32_t cp) {
  if (cp < 0x80) return is_ascii_word(static_cast<unsigned char>(cp));
  switch (utf8proc_category(static_cast<utf8proc_int32_t>(cp))) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_ND:
      return true;
    default:
      return false;
  }
}

void extract_hashtags(std::string_view text, std::vector<std::string_view>& out) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    // Jump to the next byte that can start '#' (0x23) or '＃' (EF BC 83).
    const char* base = text.data() + pos;
    std::size_t left = text.size() - pos;
    std::size_t skip = 0;
    while (skip < left && base[skip] != '#' && static_cast<unsigned char>(base[skip]) != 0xEF) ++skip;
    pos += skip;
    if (pos >= text.size()) break;
    std::size_t mark_len = 0;
    if (text[pos] == '#') {
      mark_len = 1;
    } else if (text.size() - pos >= 3 && static_cast<unsigned char>(text[pos + 1]) == 0xBC &&
               static_cast<unsigned char>(text[pos + 2]) == 0x83) {
      mark_len = 3;
    } else {
      ++pos;
      continue;
    }
    if (pos > 0) {
      auto prev = static_cast<unsigned char>(text[pos - 1]);
      if (is_ascii_word(prev) || prev == '/' || prev == '&') {
        pos += mark_len;
        continue;
      }
    }
    std::size_t start = pos + mark_len;
    std::size_t len = word_length(text, start);
    if (len > 0) out.push_back(text.substr(start, len));
    pos = start + len;
  }
}

void find_urls(std::string_view text, std::vector<byte_range>& out) {
  std::size_t pos = 0;
  while ((pos = text.find("http", pos)) != std::string_view::npos) {
    std::size_t scheme_end = 0;
    if (text.substr(pos, 7) == "http://")
      scheme_end = pos + 7;
    else if (text.substr(pos, 8) == "https://")
      scheme_end = pos + 8;
    if (scheme_end == 0 || scheme_end >= text.size() ||
        (pos > 0 && is_ascii_word(static_cast<unsigned char>(text[pos - 1])))) {
      pos += 4;
      continue;
    }
    std::size_t end = scheme_end;
    while (end < text.size() && static_cast<unsigned char>(text[end]) > 0x20) ++end;
    if (end > scheme_end) out.push_back({pos, end});
    pos = end;
  }
}

int count_urls(std::string_view text) {
  std::vector<byte_range> urls;
  find_urls(text, urls);
  return static_cast<int>(urls.size());
}

bool contains_whole_words(std::string_view haystack, std::string_view needle) {
  if (needle.empty()) return false;
  std::size_t pos = 0;
  while ((pos = haystack.find(needle, pos)) != std::string_view::npos) {
    std::size_t end = pos + needle.size();
    char32_t after = 0;
    if (end < haystack.size()) decode_at(haystack, end, after);
    // A needle that itself starts or ends with a non-word character (e.g. "$$$") needs no boundary there.
    char32_t first = 0, last = 0;
    decode_at(needle, 0, first);
    last = decode_before(needle, needle.size());
    bool left_ok = !is_word_codepoint(first) || pos == 0 || !is_word_codepoint(decode_before(haystack, pos));
    bool right_ok = !is_word_codepoint(last) || end == haystack.size() || !is_word_codepoint(after);
    if (left_ok && right_ok) return true;
    ++pos;
  }
  return false;
}

std::string normalize_for_comparison(std::string_view text) {
  std::string folded = fold_case(text);
  std::string out;
  out.reserve(folded.size());
  bool pending_space = false;
  for (char c : folded) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

}  // namespace companion::tracker
