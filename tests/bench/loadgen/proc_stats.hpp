// Readings of another process from /proc: CPU time (utime + stime) and resident memory.
#pragma once

#include <optional>

namespace loadgen {

// Seconds of CPU the process has used, user plus system, all threads.
std::optional<double> process_cpu_seconds(int pid);

// Resident set size in KiB (VmRSS).
std::optional<long> process_rss_kib(int pid);

}  // namespace loadgen
