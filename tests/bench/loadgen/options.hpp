// Command-line options of the fan-out load generator, with the hard safety caps
// (loopback only, bounded duration and connection count) enforced while parsing.
#pragma once

#include <netinet/in.h>
#include <cstdint>
#include <string>
#include <vector>

namespace loadgen {

enum class run_mode { burst, sustained, slow, drain };

struct options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  std::string token;  // producer JWT
  std::string event;  // event id for hello; empty means the server default
  int connections = 1000;
  int workers = 0;  // 0: one per 9,000 connections
  run_mode mode = run_mode::burst;
  double rate = 100;                // broadcasts per second (sustained, slow)
  double duration_s = 10;           // sustained, slow, drain
  int broadcasts = 100;             // burst: announcements in total
  int burst_size = 10;              // burst: commands sent back to back
  int burst_gap_ms = 100;           // burst: pause after the previous burst was delivered
  double slow_share = 0.05;         // slow: share of viewers that stop reading
  int slow_rcvbuf = 4096;           // slow: receive buffer of those viewers, so they back up fast
  std::vector<in_addr> source_ips;  // one bind address per connection, round robin
  int server_pid = 0;               // for CPU time and RSS; 0: not measured
  int payload_bytes = 300;          // wanted size of each change frame
  int connect_concurrency = 256;    // connects in flight per worker
  double settle_timeout_s = 15;     // wait for late deliveries after the last command
  double react_rate = 0;            // sustained, slow: reactions each viewer sends a second; 0: none
  bool json = false;
  bool check = false;
};

// Longest measured window and most viewers one run may open.
constexpr double max_duration_s = 600;
constexpr int max_connections = 60000;
// Per worker process: stays well below the 20,000 descriptors a process may hold.
constexpr int max_connections_per_worker = 18000;
constexpr int default_connections_per_worker = 9000;

// On error returns false and sets `error`; prints nothing.
bool parse_options(int argc, char** argv, options& out, std::string& error);

const char* usage();
const char* mode_name(run_mode mode);

}  // namespace loadgen
