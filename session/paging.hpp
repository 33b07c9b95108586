// Reading a long list a page at a time: the key an item is ordered by, the
// opaque cursor a page ends with, and a list of items kept in key order that
// answers "the first n" (for a bounded snapshot) and "the next n after this
// cursor" (for questions.page and queue.page) without walking the whole list.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace companion::session {

// A page holds 1..max_page_items items (protocol.md, "Joining a big event").
constexpr std::size_t max_page_items = 100;
// A page request without `limit` gets this many.
constexpr std::size_t default_page_items = 50;

// Where an item stands in its list: a time or an arrival number, then its id for ties.
struct page_key {
  std::int64_t primary = 0;
  std::string id;
};
// Ties on `primary` are ordered as question ids are ("q2" before "q10").
bool operator<(const page_key& a, const page_key& b);
bool operator==(const page_key& a, const page_key& b);

// The cursor text for the item at `key`; clients treat it as opaque.
std::string encode_cursor(const page_key& key);
// The key a cursor names, or nullopt when the text is not one of ours.
std::optional<page_key> parse_cursor(std::string_view cursor);

struct page {
  boost::json::array items;
  std::optional<std::string> next;  // the cursor of the last item looked at, when more follow
  bool scan_limited = false;        // a filtered page stopped at its scan bound, not full
};

// Which items a filtered page keeps.
using item_predicate = std::function<bool(const boost::json::value&)>;

// Items (JSON objects with an "id") kept in key order, each also found by id.
class ordered_items {
 public:
  // Adds an item under `key`, or replaces the item with the same id where it stands
  // (an edited item keeps its place).
  void put(const page_key& key, boost::json::value item);
  bool erase(const std::string& id);
  void clear();
  std::size_t size() const { return items_.size(); }
  const page_key* key_of(const std::string& id) const;
  boost::json::value* find(const std::string& id);
  // The first `n` items in order.
  boost::json::array first(std::size_t n) const;
  // Up to `limit` items after `after` (from the start when null).
  page page_after(const std::optional<page_key>& after, std::size_t limit) const;
  // Up to `limit` items after `after` that `keep` accepts, looking at no more than
  // `max_scan` items: a page that stops there may be short (even empty), and its
  // `next` goes on after the last item looked at.
  page page_after(const std::optional<page_key>& after, std::size_t limit, const item_predicate& keep,
                  std::size_t max_scan) const;
  const std::map<page_key, boost::json::value>& items() const { return items_; }

 private:
  std::map<page_key, boost::json::value> items_;
  std::unordered_map<std::string, page_key> keys_;
};

}  // namespace companion::session
