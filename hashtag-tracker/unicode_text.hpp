// Unicode-aware text helpers shared by the decoders, the hashtag matcher, dedup and
// the moderation rules: NFKC case folding, word characters, hashtag and URL scanning.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace companion::tracker {

// NFKC + case fold (utf8proc). ASCII input takes a fast path (a plain lowercase copy),
// which gives the same result. Embedded NULs become spaces so they cannot cut text short.
std::string fold_case(std::string_view text);

// True for letters, marks, decimal digits and '_': the characters a hashtag or a word is made of.
bool is_word_codepoint(char32_t cp);

// Appends every hashtag typed in `text` (after '#' or full-width '＃', without it) as views
// into `text`. A tag ends at the first non-word character; a '#' right after an ASCII
// letter, digit, '_' or '/' (C#, URL fragments) does not start one.
void extract_hashtags(std::string_view text, std::vector<std::string_view>& out);

// Number of "http://" or "https://" links typed in the text.
int count_urls(std::string_view text);

// Byte offsets of each URL typed in the text, as [begin, end) pairs.
struct byte_range {
  std::size_t begin = 0;
  std::size_t end = 0;
};
void find_urls(std::string_view text, std::vector<byte_range>& out);

// True when `needle` occurs in `haystack` as whole words: the characters just before and
// after the occurrence are not word characters. Both must already be folded.
bool contains_whole_words(std::string_view haystack, std::string_view needle);

// Folds, trims and collapses runs of white space to one space: the form dedup compares.
std::string normalize_for_comparison(std::string_view text);

}  // namespace companion::tracker
