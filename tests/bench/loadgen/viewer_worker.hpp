// One worker process of the load generator: a single-threaded epoll loop holding many
// viewer connections. It connects them (bind to a 127.0.0.x source first), upgrades,
// completes hello, then reads every frame with one shared buffer and no allocation per
// frame, timing stamped announcements and checking that each arrives once and in order.
#pragma once

#include <netinet/in.h>

#include <vector>

#include "tests/bench/loadgen/options.hpp"
#include "tests/bench/loadgen/run_board.hpp"

namespace loadgen {

struct worker_plan {
  int index = 0;
  int connections = 0;
  int slow_connections = 0;         // the first ones stop reading while measuring
  std::vector<in_addr> source_ips;  // round robin
};

// Runs until the board says `finishing` and the slow viewers have drained, then writes
// one worker_report to `report_fd`. Returns the process exit status.
int run_viewer_worker(const options& opts, const worker_plan& plan, run_board& board, int report_fd);

}  // namespace loadgen
