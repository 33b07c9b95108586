// A set with a fixed capacity that forgets its oldest entries first (FIFO). Dedup and
// the Mastodon id map use it so that memory stays bounded however long a stream runs.
#pragma once

#include <cstddef>
#include <deque>
#include <unordered_map>
#include <utility>

namespace companion::tracker {

template <class Key, class Value = char, class Hash = std::hash<Key>>
class bounded_map {
 public:
  explicit bounded_map(std::size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

  // Inserts or overwrites; returns true when the key was new.
  bool put(const Key& key, Value value = {}) {
    auto [it, inserted] = entries_.try_emplace(key, std::move(value));
    if (!inserted) {
      it->second = std::move(value);
      return false;
    }
    order_.push_back(key);
    if (order_.size() > capacity_) {
      entries_.erase(order_.front());
      order_.pop_front();
    }
    return true;
  }

  bool contains(const Key& key) const { return entries_.count(key) != 0; }

  const Value* get(const Key& key) const {
    auto it = entries_.find(key);
    return it == entries_.end() ? nullptr : &it->second;
  }

  Value* find(const Key& key) {
    auto it = entries_.find(key);
    return it == entries_.end() ? nullptr : &it->second;
  }

  std::size_t size() const { return entries_.size(); }
  std::size_t capacity() const { return capacity_; }

 private:
  std::size_t capacity_;
  std::unordered_map<Key, Value, Hash> entries_;
  std::deque<Key> order_;
};

}  // namespace companion::tracker
