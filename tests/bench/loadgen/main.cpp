// Fan-out load generator: parses flags and runs the coordinator.
#include <cstdio>
#include <string>

#include "tests/bench/loadgen/coordinator.hpp"
#include "tests/bench/loadgen/options.hpp"

int main(int argc, char** argv) {
  loadgen::options opts;
  std::string error;
  if (!loadgen::parse_options(argc, argv, opts, error)) {
    std::fprintf(stderr, "loadgen: %s\n%s", error.c_str(), loadgen::usage());
    return 2;
  }
  return loadgen::run_coordinator(opts);
}
