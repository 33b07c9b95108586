// CSV for exports (RFC 4180), with cells that a spreadsheet would run as a
// formula defused by a leading apostrophe: cells starting with =, +, -, @, tab or
// carriage return (spreadsheets skip the last two before looking for a formula).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace companion::gateway {

void append_csv_row(std::string& out, const std::vector<std::string>& cells);

}  // namespace companion::gateway
