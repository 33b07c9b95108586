// A publisher that keeps what the parts of the engine publish, so their tests
// can look at every change and staff frame in order.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "session/publisher.hpp"

namespace companion::session::testing {

class recording_publisher final : public publisher {
 public:
  struct entry {
    bool staff = false;
    std::string kind;  // change kind, or the staff frame's type
    boost::json::value data;
  };

  void change(std::string_view kind, boost::json::value data) override {
    entries.push_back({false, std::string(kind), std::move(data)});
  }
  void staff(boost::json::object frame) override {
    std::string type(frame.at("type").as_string());
    entries.push_back({true, std::move(type), std::move(frame)});
  }

  std::vector<std::string> kinds() const {
    std::vector<std::string> out;
    for (const auto& e : entries) out.push_back(e.kind);
    return out;
  }
  std::size_t count(std::string_view kind) const {
    std::size_t n = 0;
    for (const auto& e : entries) n += e.kind == kind;
    return n;
  }
  const entry& last() const { return entries.back(); }
  void clear() { entries.clear(); }

  std::vector<entry> entries;
};

}  // namespace companion::session::testing
