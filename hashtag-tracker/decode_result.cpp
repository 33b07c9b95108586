#include "decode_result.hpp"

namespace companion::tracker {

std::string_view to_string(skip_reason reason) {
  switch (reason) {
    case skip_reason::malformed_json:
      return "malformed_json";
    case skip_reason::wrong_type:
      return "wrong_type";
    case skip_reason::missing_field:
      return "missing_field";
    case skip_reason::too_large:
      return "too_large";
    case skip_reason::unknown_collection:
      return "unknown_collection";
    case skip_reason::unknown_event:
      return "unknown_event";
    case skip_reason::unknown_post:
      return "unknown_post";
    case skip_reason::identity_event:
      return "identity_event";
    case skip_reason::account_event:
      return "account_event";
    case skip_reason::not_matching:
      return "not_matching";
    case skip_reason::foreign_source:
      return "foreign_source";
  }
  return "malformed_json";
}

}  // namespace companion::tracker
