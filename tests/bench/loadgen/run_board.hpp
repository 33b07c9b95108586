// What the coordinator and its worker processes share. The board lives in one
// MAP_SHARED page set up before fork: the coordinator writes the phase and the number
// of announcements sent; each worker publishes its progress in its own cache line. The
// final per-worker report (with the latency histogram) travels through a pipe.
#pragma once

#include <atomic>
#include <cstdint>

#include "tests/bench/loadgen/latency_histogram.hpp"

namespace loadgen {

enum class run_phase : int {
  setup = 0,      // connect and complete hello
  measuring = 1,  // broadcasts flow; slow viewers stop reading
  finishing = 2,  // slow viewers drain what they have, then every worker reports
};

struct alignas(64) worker_progress {
  std::atomic<std::uint64_t> ready{0};         // viewers that completed hello (snapshot seen)
  std::atomic<std::uint64_t> failed{0};        // viewers that never got there
  std::atomic<std::uint64_t> healthy_open{0};  // ready, reading, and not closed
  std::atomic<std::uint64_t> deliveries{0};    // stamped announcements seen by healthy viewers
  std::atomic<std::uint64_t> last_arrival_us{0};
  std::atomic<int> setup_done{0};
};

constexpr int max_workers = 64;

struct run_board {
  std::atomic<int> phase{static_cast<int>(run_phase::setup)};
  std::atomic<std::uint64_t> announcements_sent{0};
  worker_progress workers[max_workers];
};

// Maps a zeroed board shared with children forked later; nullptr on failure.
run_board* map_run_board();

struct worker_report {
  std::uint64_t ready = 0;
  std::uint64_t failed = 0;
  std::uint64_t slow = 0;        // viewers that stopped reading
  std::uint64_t deliveries = 0;  // healthy viewers, stamped announcements
  std::uint64_t slow_deliveries = 0;
  std::uint64_t other_changes = 0;  // agenda, stats, ... (checked for seq only)
  std::uint64_t missing = 0;        // announcements a healthy viewer never got
  std::uint64_t slow_missing = 0;   // slow viewers neither closed nor complete
  std::uint64_t duplicates = 0;
  std::uint64_t reordered = 0;
  std::uint64_t seq_gaps = 0;  // change seq jumped forward by more than one
  std::uint64_t seq_backwards = 0;
  std::uint64_t closes_4008 = 0;
  std::uint64_t unexpected_closes = 0;  // healthy viewers the server closed
  std::uint64_t slow_other_closes = 0;
  std::uint64_t error_frames = 0;
  std::uint64_t protocol_errors = 0;  // bad frames, malformed JSON
  std::uint64_t frames = 0;           // every frame read after setup (drain figure)
  std::uint64_t bytes = 0;
  std::uint64_t window_frames = 0;  // frames read inside the measured window
  std::uint64_t window_bytes = 0;
  std::uint64_t window_cpu_us = 0;  // this worker's own CPU time in the window
  std::uint64_t window_wall_us = 0;
  std::uint64_t reactions_sent = 0;                   // react commands the viewers sent
  std::uint64_t reaction_frames = 0;                  // `reactions` frames the viewers got
  std::uint64_t reaction_counts = 0;                  // their counts summed, over every viewer
  std::uint64_t reaction_frames_max_in_a_second = 0;  // most one viewer got within one second
  // Over every viewer: frames after its first, and the time from its first to its last.
  std::uint64_t reaction_gaps = 0;
  std::uint64_t reaction_span_us = 0;
  latency_histogram latency;
};

}  // namespace loadgen
