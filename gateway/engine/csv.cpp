#include "gateway/engine/csv.hpp"

#include <string_view>

namespace companion::gateway {

void append_csv_row(std::string& out, const std::vector<std::string>& cells) {
  bool first = true;
  for (const auto& cell : cells) {
    if (!first) out += ',';
    first = false;
    std::string value = cell;
    if (!value.empty() && std::string_view("=+-@\t\r").find(value[0]) != std::string_view::npos)
      value.insert(value.begin(), '\'');
    if (value.find_first_of(",\"\r\n") != std::string::npos) {
      out += '"';
      for (char c : value) {
        if (c == '"') out += '"';
        out += c;
      }
      out += '"';
    } else {
      out += value;
    }
  }
  out += "\r\n";
}

}  // namespace companion::gateway
