// The load generator's coordinator: forks the viewer workers, holds the producer
// connection, drives the chosen mode, measures the server from /proc and prints the
// summary (and, with --json, one machine-readable line).
#pragma once

#include "tests/bench/loadgen/options.hpp"

namespace loadgen {

// Exit status: 0 ok, 1 check failed, 2 could not run.
int run_coordinator(const options& opts);

}  // namespace loadgen
