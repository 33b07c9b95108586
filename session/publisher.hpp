// Where the parts of the engine put what they changed: public changes (numbered
// by the engine) and staff-only queue frames.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <string_view>

namespace companion::session {

class publisher {
 public:
  virtual ~publisher() = default;
  // A change to the public state; the engine gives it the next seq.
  virtual void change(std::string_view kind, boost::json::value data) = 0;
  // A frame for moderators and producers only, outside the seq.
  virtual void staff(boost::json::object frame) = 0;
};

}  // namespace companion::session
