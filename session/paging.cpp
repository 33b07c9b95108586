#include "paging.hpp"

#include <charconv>

#include "question_board.hpp"

namespace companion::session {

bool operator<(const page_key& a, const page_key& b) {
  if (a.primary != b.primary) return a.primary < b.primary;
  return question_id_less(a.id, b.id);
}

bool operator==(const page_key& a, const page_key& b) {
  return a.primary == b.primary && a.id == b.id;
}

std::string encode_cursor(const page_key& key) {
  return std::to_string(key.primary) + ":" + key.id;
}

std::optional<page_key> parse_cursor(std::string_view cursor) {
  auto colon = cursor.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == cursor.size()) return std::nullopt;
  // One spelling per key: digits only (from_chars takes "-0"), no leading zeros.
  if (cursor[0] == '-' || (cursor[0] == '0' && colon > 1)) return std::nullopt;
  page_key key;
  const char* first = cursor.data();
  const char* last = first + colon;
  auto [end, ec] = std::from_chars(first, last, key.primary);
  if (ec != std::errc() || end != last || key.primary < 0) return std::nullopt;
  key.id = std::string(cursor.substr(colon + 1));
  return key;
}

void ordered_items::put(const page_key& key, boost::json::value item) {
  auto known = keys_.find(key.id);
  if (known != keys_.end()) {
    items_[known->second] = std::move(item);
    return;
  }
  keys_.emplace(key.id, key);
  items_.emplace(key, std::move(item));
}

bool ordered_items::erase(const std::string& id) {
  auto known = keys_.find(id);
  if (known == keys_.end()) return false;
  items_.erase(known->second);
  keys_.erase(known);
  return true;
}

void ordered_items::clear() {
  items_.clear();
  keys_.clear();
}

const page_key* ordered_items::key_of(const std::string& id) const {
  auto known = keys_.find(id);
  return known == keys_.end() ? nullptr : &known->second;
}

boost::json::value* ordered_items::find(const std::string& id) {
  auto known = keys_.find(id);
  if (known == keys_.end()) return nullptr;
  return &items_.at(known->second);
}

boost::json::array ordered_items::first(std::size_t n) const {
  boost::json::array out;
  out.reserve(std::min(n, items_.size()));
  for (auto it = items_.begin(); it != items_.end() && out.size() < n; ++it) out.push_back(it->second);
  return out;
}

page ordered_items::page_after(const std::optional<page_key>& after, std::size_t limit) const {
  return page_after(after, limit, nullptr, items_.size());
}

page ordered_items::page_after(const std::optional<page_key>& after, std::size_t limit,
                               const item_predicate& keep, std::size_t max_scan) const {
  page out;
  // The item a cursor names may be gone since: the page starts after where it stood.
  auto it = after ? items_.upper_bound(*after) : items_.begin();
  auto last = items_.end();
  std::size_t scanned = 0;
  for (; it != items_.end() && out.items.size() < limit && scanned < max_scan; ++it, ++scanned) {
    if (!keep || keep(it->second)) out.items.push_back(it->second);
    last = it;
  }
  if (it != items_.end() && last != items_.end()) {
    out.next = encode_cursor(last->first);
    out.scan_limited = out.items.size() < limit;
  }
  return out;
}

}  // namespace companion::session
