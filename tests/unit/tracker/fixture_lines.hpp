// Reads the wire-format fixture files (one JSON object per line) for the tracker tests.
#pragma once

#include <string>
#include <vector>

namespace companion::tracker::test {

// Non-empty lines of tests/unit/tracker/data/<name>.
std::vector<std::string> fixture_lines(const std::string& name);

}  // namespace companion::tracker::test
