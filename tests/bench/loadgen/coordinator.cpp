// Coordinator: worker processes, producer schedule, server readings, summary.
#include "tests/bench/loadgen/coordinator.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "tests/bench/loadgen/announce_text.hpp"
#include "tests/bench/loadgen/command_json.hpp"
#include "tests/bench/loadgen/proc_stats.hpp"
#include "tests/bench/loadgen/producer_link.hpp"
#include "tests/bench/loadgen/run_board.hpp"
#include "tests/bench/loadgen/viewer_worker.hpp"

namespace loadgen {
namespace {

// Bytes of a change frame around the announcement text: type, seq, epoch, kind, "at".
constexpr int change_frame_overhead = 116;
constexpr std::uint64_t setup_timeout_us = 130'000'000;
// A server still catching up this long after the last command is given up on, so a
// run stays bounded in time however far behind the server falls.
constexpr std::uint64_t max_catch_up_us = 120'000'000;
// Agenda commands get ids far from the announcement numbers.
constexpr std::int64_t agenda_id_base = 1'000'000'000;

struct worker_process {
  pid_t pid = -1;
  int report_fd = -1;
  worker_plan plan;
};

struct server_reading {
  std::optional<double> cpu_s;
  std::optional<long> rss_kib;
};

server_reading read_server(int pid) {
  if (pid <= 0) return {};
  return {process_cpu_seconds(pid), process_rss_kib(pid)};
}

bool read_all(int fd, void* data, std::size_t size) {
  auto* bytes = static_cast<char*>(data);
  while (size > 0) {
    const ssize_t n = read(fd, bytes, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

class coordinator {
 public:
  explicit coordinator(const options& opts) : opts_(opts) {}

  int run() {
    board_ = map_run_board();
    if (board_ == nullptr) return fatal("cannot map the shared board");
    if (opts_.mode != run_mode::drain) {
      std::string error;
      if (!producer_.open(opts_, 10'000, error)) return fatal(error);
    }
    rss_before_ = read_server(opts_.server_pid).rss_kib;
    if (!fork_workers()) return fatal("cannot fork the workers");
    if (!wait_setup()) return fatal("workers died during setup");
    rss_after_ = read_server(opts_.server_pid).rss_kib;
    if (opts_.mode == run_mode::burst) start_agenda();

    const server_reading cpu_before = read_server(opts_.server_pid);
    window_start_us_ = monotonic_us();
    board_->phase.store(static_cast<int>(run_phase::measuring), std::memory_order_release);
    switch (opts_.mode) {
      case run_mode::burst:
        run_bursts();
        break;
      case run_mode::sustained:
      case run_mode::slow:
        run_sustained();
        break;
      case run_mode::drain:
        pause_us(static_cast<std::uint64_t>(opts_.duration_s * 1e6));
        break;
    }
    if (opts_.mode != run_mode::drain) wait_deliveries(delivery_target());
    window_end_us_ = std::max(monotonic_us(), window_start_us_ + 1);
    if (opts_.mode != run_mode::drain) window_end_us_ = std::max(last_arrival_us(), window_start_us_ + 1);
    const server_reading cpu_after = read_server(opts_.server_pid);
    if (cpu_before.cpu_s && cpu_after.cpu_s) server_cpu_s_ = *cpu_after.cpu_s - *cpu_before.cpu_s;
    board_->phase.store(static_cast<int>(run_phase::finishing), std::memory_order_release);
    collect_reports();
    return summarize();
  }

 private:
  int fatal(const std::string& message) {
    std::fprintf(stderr, "loadgen: %s\n", message.c_str());
    stop_workers();
    return 2;
  }

  // --- workers -----------------------------------------------------------------------

  bool fork_workers() {
    const int k = opts_.workers;
    const int slow_total = opts_.mode == run_mode::slow
                               ? static_cast<int>(std::lround(opts_.connections * opts_.slow_share))
                               : 0;
    workers_.resize(static_cast<std::size_t>(k));
    setup_start_us_ = monotonic_us();
    for (int w = 0; w < k; ++w) {
      worker_process& worker = workers_[static_cast<std::size_t>(w)];
      worker.plan.index = w;
      worker.plan.connections = opts_.connections / k + (w < opts_.connections % k ? 1 : 0);
      worker.plan.slow_connections = slow_total / k + (w < slow_total % k ? 1 : 0);
      // Each worker owns its own source addresses when there are enough of them.
      const auto ips = opts_.source_ips.size();
      for (std::size_t i = 0; i < ips; ++i) {
        if (ips < static_cast<std::size_t>(k) ||
            i % static_cast<std::size_t>(k) == static_cast<std::size_t>(w)) {
          worker.plan.source_ips.push_back(opts_.source_ips[i]);
        }
      }
      int fds[2];
      if (pipe2(fds, O_CLOEXEC) != 0) return false;
      std::fflush(nullptr);
      const pid_t pid = fork();
      if (pid < 0) return false;
      if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        close(fds[0]);
        _exit(run_viewer_worker(opts_, worker.plan, *board_, fds[1]));
      }
      close(fds[1]);
      worker.pid = pid;
      worker.report_fd = fds[0];
    }
    return true;
  }

  bool any_worker_exited() {
    for (worker_process& worker : workers_) {
      int status = 0;
      if (worker.pid > 0 && waitpid(worker.pid, &status, WNOHANG) == worker.pid) {
        worker.pid = -1;
        return true;
      }
    }
    return false;
  }

  bool wait_setup() {
    std::uint64_t last_print = monotonic_us();
    for (;;) {
      bool done = true;
      std::uint64_t ready = 0;
      for (std::size_t w = 0; w < workers_.size(); ++w) {
        done = done && board_->workers[w].setup_done.load(std::memory_order_acquire) != 0;
        ready += board_->workers[w].ready.load(std::memory_order_relaxed);
      }
      if (done) break;
      if (any_worker_exited()) return false;
      if (monotonic_us() - setup_start_us_ > setup_timeout_us) return false;
      if (!opts_.json && monotonic_us() - last_print > 2'000'000) {
        std::fprintf(stderr, "loadgen: %llu of %d viewers ready\n", static_cast<unsigned long long>(ready),
                     opts_.connections);
        last_print = monotonic_us();
      }
      pause_us(5'000);
    }
    setup_end_us_ = monotonic_us();
    return true;
  }

  void collect_reports() {
    for (worker_process& worker : workers_) {
      worker_report report;
      if (worker.report_fd >= 0 && read_all(worker.report_fd, &report, sizeof(report))) {
        merge(report);
      } else {
        ++lost_workers_;
      }
      if (worker.report_fd >= 0) close(worker.report_fd);
      worker.report_fd = -1;
      if (worker.pid > 0) waitpid(worker.pid, nullptr, 0);
      worker.pid = -1;
    }
  }

  void stop_workers() {
    for (worker_process& worker : workers_) {
      if (worker.pid > 0) {
        kill(worker.pid, SIGKILL);
        waitpid(worker.pid, nullptr, 0);
        worker.pid = -1;
      }
    }
  }

  void merge(const worker_report& r) {
    total_.ready += r.ready;
    total_.failed += r.failed;
    total_.slow += r.slow;
    total_.deliveries += r.deliveries;
    total_.slow_deliveries += r.slow_deliveries;
    total_.other_changes += r.other_changes;
    total_.missing += r.missing;
    total_.slow_missing += r.slow_missing;
    total_.duplicates += r.duplicates;
    total_.reordered += r.reordered;
    total_.seq_gaps += r.seq_gaps;
    total_.seq_backwards += r.seq_backwards;
    total_.closes_4008 += r.closes_4008;
    total_.unexpected_closes += r.unexpected_closes;
    total_.slow_other_closes += r.slow_other_closes;
    total_.error_frames += r.error_frames;
    total_.protocol_errors += r.protocol_errors;
    total_.frames += r.frames;
    total_.bytes += r.bytes;
    total_.window_frames += r.window_frames;
    total_.window_bytes += r.window_bytes;
    total_.window_cpu_us += r.window_cpu_us;
    total_.window_wall_us = std::max(total_.window_wall_us, r.window_wall_us);
    total_.reactions_sent += r.reactions_sent;
    total_.reaction_frames += r.reaction_frames;
    total_.reaction_counts += r.reaction_counts;
    total_.reaction_gaps += r.reaction_gaps;
    total_.reaction_span_us += r.reaction_span_us;
    total_.reaction_frames_max_in_a_second =
        std::max(total_.reaction_frames_max_in_a_second, r.reaction_frames_max_in_a_second);
    total_.latency.merge(r.latency);
  }

  std::uint64_t delivered() const {
    std::uint64_t sum = 0;
    for (std::size_t w = 0; w < workers_.size(); ++w) {
      sum += board_->workers[w].deliveries.load(std::memory_order_relaxed);
    }
    return sum;
  }

  std::uint64_t delivery_target() const {
    std::uint64_t healthy = 0;
    for (std::size_t w = 0; w < workers_.size(); ++w) {
      healthy += board_->workers[w].healthy_open.load(std::memory_order_relaxed);
    }
    return healthy * announced_;
  }

  std::uint64_t last_arrival_us() const {
    std::uint64_t last = 0;
    for (std::size_t w = 0; w < workers_.size(); ++w) {
      last = std::max(last, board_->workers[w].last_arrival_us.load(std::memory_order_relaxed));
    }
    return last;
  }

  // --- producer schedule -------------------------------------------------------------

  // Waits `micros` while keeping the producer's socket drained.
  void pause_us(std::uint64_t micros) {
    const std::uint64_t until = monotonic_us() + micros;
    for (std::uint64_t now = monotonic_us(); now < until; now = monotonic_us()) {
      const int wait_ms = static_cast<int>(std::min<std::uint64_t>((until - now + 999) / 1000, 50));
      if (producer_.alive()) {
        producer_.pump(wait_ms);
      } else {
        usleep(static_cast<useconds_t>(wait_ms) * 1000);
      }
    }
  }

  void start_agenda() {
    // The agenda may already run (a reused data folder): a conflict here is fine.
    producer_.send(simple_command("agenda.start", agenda_id_base));
    ++commands_;
    const std::uint64_t deadline = monotonic_us() + 5'000'000;
    while (producer_.acks() + producer_.errors() < commands_ && monotonic_us() < deadline) producer_.pump(20);
    setup_errors_ = producer_.errors();
  }

  void announce() {
    ++announced_;
    const std::size_t text_bytes =
        static_cast<std::size_t>(std::max(16, opts_.payload_bytes - change_frame_overhead));
    const std::string text = encode_announce_text({announced_, monotonic_us()}, text_bytes);
    producer_.send(announce_command(static_cast<std::int64_t>(announced_), text));
    ++commands_;
    board_->announcements_sent.store(announced_, std::memory_order_release);
  }

  void run_bursts() {
    const auto total = static_cast<std::uint64_t>(opts_.broadcasts);
    for (std::uint64_t burst = 0; announced_ < total; ++burst) {
      // Each burst moves the agenda (alternating, so it never runs off the end), then
      // fires its announcements back to back.
      const char* move = burst % 2 == 0 ? "agenda.next" : "agenda.previous";
      producer_.send(simple_command(move, agenda_id_base + 1 + static_cast<std::int64_t>(burst)));
      ++commands_;
      const std::uint64_t burst_start = monotonic_us();
      for (int i = 0; i < opts_.burst_size && announced_ < total; ++i) announce();
      wait_deliveries(delivery_target());
      busy_us_ += std::max(last_arrival_us(), burst_start) - burst_start;
      if (announced_ < total) pause_us(static_cast<std::uint64_t>(opts_.burst_gap_ms) * 1000);
    }
  }

  void run_sustained() {
    const auto total = static_cast<std::uint64_t>(std::llround(opts_.rate * opts_.duration_s));
    const double interval_us = 1e6 / opts_.rate;
    const std::uint64_t start = monotonic_us();
    while (announced_ < total) {
      // Absolute schedule: a late send does not push every later one back.
      const auto due = start + static_cast<std::uint64_t>(static_cast<double>(announced_) * interval_us);
      const std::uint64_t now = monotonic_us();
      if (now < due) {
        pause_us(due - now);
        continue;
      }
      announce();
    }
  }

  // Until every healthy viewer holds every announcement and every command is answered,
  // or nothing moved for the settle timeout.
  void wait_deliveries(std::uint64_t target) {
    const auto settle_us = static_cast<std::uint64_t>(opts_.settle_timeout_s * 1e6);
    std::uint64_t last_count = delivered();
    std::uint64_t last_change = monotonic_us();
    const std::uint64_t deadline = last_change + max_catch_up_us;
    for (;;) {
      const std::uint64_t count = delivered();
      const bool answered = producer_.acks() + producer_.errors() >= commands_;
      if (count >= std::min(target, delivery_target()) && answered) return;
      if (count != last_count && monotonic_us() <= deadline) {
        last_count = count;
        last_change = monotonic_us();
      } else if (monotonic_us() - last_change > settle_us || monotonic_us() > deadline) {
        timed_out_ = true;
        return;
      }
      if (!producer_.alive()) {
        usleep(2000);
      } else {
        producer_.pump(2);
      }
    }
  }

  // --- summary -----------------------------------------------------------------------

  int summarize() {
    const double window_s = static_cast<double>(window_end_us_ - window_start_us_) / 1e6;
    const double setup_s = static_cast<double>(setup_end_us_ - setup_start_us_) / 1e6;
    const std::uint64_t expected = opts_.mode == run_mode::drain ? 0 : total_.deliveries + total_.missing;
    const std::uint64_t command_errors = producer_.errors() - setup_errors_;
    const auto ms = [](std::uint64_t micros) { return static_cast<double>(micros) / 1000.0; };
    const latency_histogram& h = total_.latency;

    boost::json::object out;
    out["mode"] = mode_name(opts_.mode);
    out["connections"] = opts_.connections;
    out["workers"] = opts_.workers;
    out["ready"] = total_.ready;
    out["failed"] = total_.failed;
    out["setup_s"] = setup_s;
    out["setup_per_s"] = setup_s > 0 ? static_cast<double>(total_.ready) / setup_s : 0.0;
    if (rss_before_) out["server_rss_before_kib"] = *rss_before_;
    if (rss_after_) out["server_rss_after_kib"] = *rss_after_;
    if (rss_before_ && rss_after_ && total_.ready > 0) {
      out["server_rss_per_conn_bytes"] =
          static_cast<double>(*rss_after_ - *rss_before_) * 1024.0 / static_cast<double>(total_.ready);
    }
    out["window_s"] = window_s;
    if (opts_.mode == run_mode::drain) {
      const double cpu_s = static_cast<double>(total_.window_cpu_us) / 1e6;
      out["frames"] = total_.window_frames;
      out["frames_per_s"] = static_cast<double>(total_.window_frames) / window_s;
      out["generator_cpu_s"] = cpu_s;
      out["frames_per_generator_cpu_s"] = cpu_s > 0 ? static_cast<double>(total_.window_frames) / cpu_s : 0.0;
      out["avg_frame_bytes"] = total_.window_frames > 0 ? static_cast<double>(total_.window_bytes) /
                                                              static_cast<double>(total_.window_frames)
                                                        : 0.0;
      out["decoded_announcements"] = total_.deliveries;
    } else {
      out["broadcasts"] = announced_;
      out["commands"] = commands_;
      out["acks"] = producer_.acks();
      out["command_errors"] = command_errors;
      out["deliveries"] = total_.deliveries;
      out["expected"] = expected;
      out["missing"] = total_.missing;
      out["duplicates"] = total_.duplicates;
      out["reordered"] = total_.reordered;
      out["seq_gaps"] = total_.seq_gaps;
      out["seq_backwards"] = total_.seq_backwards;
      out["other_changes"] = total_.other_changes;
      out["slow_viewers"] = total_.slow;
      out["slow_deliveries"] = total_.slow_deliveries;
      out["slow_missing"] = total_.slow_missing;
      out["closes_4008"] = total_.closes_4008;
      out["slow_other_closes"] = total_.slow_other_closes;
      out["unexpected_closes"] = total_.unexpected_closes;
      out["error_frames"] = total_.error_frames;
      out["protocol_errors"] = total_.protocol_errors;
      out["timed_out"] = timed_out_;
      out["latency_ms"] = boost::json::object{{"p50", ms(h.percentile(0.50))},
                                              {"p99", ms(h.percentile(0.99))},
                                              {"p999", ms(h.percentile(0.999))},
                                              {"max", ms(h.max())}};
      // Bursts: the rate while a burst is in flight, without the pauses between bursts.
      const double busy_s =
          opts_.mode == run_mode::burst && busy_us_ > 0 ? static_cast<double>(busy_us_) / 1e6 : window_s;
      out["deliveries_per_s"] = static_cast<double>(total_.deliveries) / busy_s;
      out["avg_frame_bytes"] = total_.window_frames > 0 ? static_cast<double>(total_.window_bytes) /
                                                              static_cast<double>(total_.window_frames)
                                                        : 0.0;
      if (server_cpu_s_) {
        out["server_cpu_s"] = *server_cpu_s_;
        // /proc counts in clock ticks: a window shorter than one tick reads as zero.
        if (*server_cpu_s_ > 0)
          out["deliveries_per_server_cpu_s"] = static_cast<double>(total_.deliveries) / *server_cpu_s_;
      }
    }
    if (opts_.react_rate > 0 && total_.ready > 0) {
      const auto ready = static_cast<double>(total_.ready);
      out["reactions_sent"] = total_.reactions_sent;
      out["reactions_sent_per_s"] = static_cast<double>(total_.reactions_sent) / window_s;
      out["reaction_frames"] = total_.reaction_frames;
      // The server's promise: one frame per 500 ms window per connection, whatever the storm.
      // Frames a second while they flowed: each viewer's frames after its first, over the
      // time from its first to its last.
      if (total_.reaction_span_us > 0)
        out["reaction_frames_per_viewer_s"] =
            static_cast<double>(total_.reaction_gaps) * 1e6 / static_cast<double>(total_.reaction_span_us);
      out["reaction_frames_max_in_a_second"] = total_.reaction_frames_max_in_a_second;
      // Every viewer sees every window, so each saw (about) every counted reaction.
      out["reactions_seen_per_viewer"] = static_cast<double>(total_.reaction_counts) / ready;
      if (server_cpu_s_ && total_.reactions_sent > 0)
        out["server_cpu_us_per_reaction"] = *server_cpu_s_ * 1e6 / static_cast<double>(total_.reactions_sent);
    }
    out["lost_workers"] = lost_workers_;

    const bool clean = lost_workers_ == 0 && total_.failed == 0 && total_.missing == 0 &&
                       total_.duplicates == 0 && total_.reordered == 0 && total_.seq_gaps == 0 &&
                       total_.seq_backwards == 0 && total_.unexpected_closes == 0 &&
                       total_.protocol_errors == 0 && command_errors == 0 && total_.slow_missing == 0 &&
                       (opts_.mode == run_mode::drain || total_.deliveries == expected);
    out["clean"] = clean;
    print_human(out);
    if (opts_.json) std::printf("%s\n", boost::json::serialize(out).c_str());
    std::fflush(stdout);
    if (opts_.check && !clean) {
      std::fprintf(stderr,
                   "loadgen: CHECK FAILED (missing, duplicated, out-of-order or failed deliveries)\n");
      return 1;
    }
    return 0;
  }

  static std::string human(const boost::json::value& value) {
    if (value.is_double()) {
      char text[64];
      std::snprintf(text, sizeof(text), "%.3f", value.get_double());
      return text;
    }
    if (value.is_object()) {
      std::string text;
      for (const auto& [key, inner] : value.get_object()) {
        text.append(text.empty() ? "" : "  ").append(key).append(" ").append(human(inner));
      }
      return text;
    }
    return boost::json::serialize(value);
  }

  void print_human(const boost::json::object& out) const {
    // With --json the table goes to stderr so stdout stays one parseable line.
    FILE* stream = opts_.json ? stderr : stdout;
    for (const auto& [key, value] : out) {
      std::fprintf(stream, "  %-30s %s\n", std::string(key).c_str(), human(value).c_str());
    }
  }

  const options& opts_;
  run_board* board_ = nullptr;
  producer_link producer_;
  std::vector<worker_process> workers_;
  worker_report total_;
  std::optional<long> rss_before_;
  std::optional<long> rss_after_;
  std::optional<double> server_cpu_s_;
  std::uint64_t announced_ = 0;
  std::uint64_t commands_ = 0;
  std::uint64_t setup_errors_ = 0;
  std::uint64_t setup_start_us_ = 0;
  std::uint64_t setup_end_us_ = 0;
  std::uint64_t window_start_us_ = 0;
  std::uint64_t window_end_us_ = 0;
  std::uint64_t busy_us_ = 0;  // burst mode: from each burst's first send to its last delivery
  int lost_workers_ = 0;
  bool timed_out_ = false;
};

}  // namespace

int run_coordinator(const options& opts) {
  signal(SIGPIPE, SIG_IGN);
  coordinator run(opts);
  return run.run();
}

}  // namespace loadgen
