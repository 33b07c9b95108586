// A reused buffer that gives simdjson the padding it reads past the end of its input,
// without allocating per frame.
#pragma once

#include <simdjson.h>

#include <cstring>
#include <string_view>
#include <vector>

namespace companion::common {

class padded_buffer {
 public:
  // A view of a copy of `bytes`, valid until the next load.
  simdjson::padded_string_view load(std::string_view bytes) {
    if (bytes_.size() < bytes.size() + simdjson::SIMDJSON_PADDING)
      bytes_.resize(bytes.size() + simdjson::SIMDJSON_PADDING);
    if (!bytes.empty()) std::memcpy(bytes_.data(), bytes.data(), bytes.size());
    return simdjson::padded_string_view(bytes_.data(), bytes.size(), bytes_.size());
  }

 private:
  std::vector<char> bytes_;
};

}  // namespace companion::common
