#include "fixture_lines.hpp"

#include <fstream>
#include <stdexcept>

namespace companion::tracker::test {

std::vector<std::string> fixture_lines(const std::string& name) {
  std::ifstream in(std::string(TRACKER_TEST_DATA) + "/" + name);
  if (!in) throw std::runtime_error("cannot open fixture " + name);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) lines.push_back(line);
  return lines;
}

}  // namespace companion::tracker::test
