// The moderators' blocked and trusted authors, each as (source, handle). The engine's
// wall owns them; the tracker is handed a read-only copy whenever they change.
#pragma once

#include <set>
#include <string>
#include <utility>

namespace companion::session {

using author_key = std::pair<std::string, std::string>;  // source, handle

struct author_lists {
  std::set<author_key> blocked;
  std::set<author_key> trusted;
  bool operator==(const author_lists&) const = default;
};

}  // namespace companion::session
