// Bluesky DID -> handle, learned from Jetstream identity frames. Jetstream posts carry
// only the author's DID; this turns it into a name people recognize. Bounded (LRU).
#pragma once

#include <cstddef>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>

namespace companion::tracker {

class did_handle_cache {
 public:
  explicit did_handle_cache(std::size_t capacity = 100'000);

  void put(std::string_view did, std::string_view handle);

  // The handle for `did`, or an empty view when unknown. Marks the entry recently used.
  // The view stays valid until the next put().
  std::string_view find(std::string_view did);

  std::size_t size() const { return index_.size(); }

 private:
  struct entry {
    std::string did;
    std::string handle;
  };
  std::size_t capacity_;
  std::list<entry> entries_;                                                // most recently used first
  std::unordered_map<std::string_view, std::list<entry>::iterator> index_;  // keys view entries_
};

}  // namespace companion::tracker
