#include "did_handle_cache.hpp"

namespace companion::tracker {

did_handle_cache::did_handle_cache(std::size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

void did_handle_cache::put(std::string_view did, std::string_view handle) {
  if (auto it = index_.find(did); it != index_.end()) {
    it->second->handle.assign(handle);
    entries_.splice(entries_.begin(), entries_, it->second);
    return;
  }
  entries_.push_front(entry{std::string(did), std::string(handle)});
  index_.emplace(entries_.front().did, entries_.begin());
  if (index_.size() > capacity_) {
    index_.erase(entries_.back().did);
    entries_.pop_back();
  }
}

std::string_view did_handle_cache::find(std::string_view did) {
  auto it = index_.find(did);
  if (it == index_.end()) return {};
  entries_.splice(entries_.begin(), entries_, it->second);
  return it->second->handle;
}

}  // namespace companion::tracker
