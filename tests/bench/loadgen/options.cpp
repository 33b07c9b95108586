// Parsing and validation of the load generator's flags.
#include "tests/bench/loadgen/options.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <string_view>

namespace loadgen {
namespace {

bool is_loopback(const in_addr& address) {
  return (ntohl(address.s_addr) >> 24) == 127;
}

bool parse_ip(std::string_view text, in_addr& out) {
  const std::string copy(text);
  return inet_pton(AF_INET, copy.c_str(), &out) == 1;
}

// "127.0.0.2-127.0.0.9" or "127.0.0.2,127.0.0.5" or a single address.
bool parse_source_ips(std::string_view text, std::vector<in_addr>& out, std::string& error) {
  out.clear();
  while (!text.empty()) {
    const std::size_t comma = text.find(',');
    const std::string_view item = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    const std::size_t dash = item.find('-');
    in_addr first{};
    in_addr last{};
    if (!parse_ip(item.substr(0, dash), first) ||
        !parse_ip(dash == std::string_view::npos ? item : item.substr(dash + 1), last)) {
      error = "bad --source-ips item: " + std::string(item);
      return false;
    }
    if (!is_loopback(first) || !is_loopback(last) || ntohl(last.s_addr) < ntohl(first.s_addr) ||
        ntohl(last.s_addr) - ntohl(first.s_addr) > 1024) {
      error = "--source-ips must be a short range inside 127.0.0.0/8: " + std::string(item);
      return false;
    }
    for (std::uint32_t ip = ntohl(first.s_addr); ip <= ntohl(last.s_addr); ++ip) {
      out.push_back(in_addr{htonl(ip)});
    }
  }
  return !out.empty();
}

template <typename T>
bool parse_number(std::string_view text, T& out) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
  return error == std::errc{} && end == text.data() + text.size();
}

}  // namespace

const char* usage() {
  return "usage: loadgen --port P [--host 127.0.0.1] [--token JWT] [--event ID]\n"
         "  --connections N (<= 60000)   --workers K (default: one per 9000 connections)\n"
         "  --mode burst|sustained|slow|drain\n"
         "  --broadcasts B --burst-size S --burst-gap-ms G   (burst)\n"
         "  --rate R --duration S                           (sustained, slow; drain uses --duration)\n"
         "  --slow-share 0.05 --slow-rcvbuf 4096            (slow)\n"
         "  --react-rate 5                                  (sustained, slow: reactions per viewer a "
         "second)\n"
         "  --source-ips 127.0.0.2-127.0.0.9 --server-pid PID --payload-bytes 300\n"
         "  --connect-concurrency 256 --settle-timeout S --json --check\n";
}

const char* mode_name(run_mode mode) {
  switch (mode) {
    case run_mode::burst:
      return "burst";
    case run_mode::sustained:
      return "sustained";
    case run_mode::slow:
      return "slow";
    case run_mode::drain:
      return "drain";
  }
  return "?";
}

bool parse_options(int argc, char** argv, options& out, std::string& error) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (flag == "--json") {
      out.json = true;
      continue;
    }
    if (flag == "--check") {
      out.check = true;
      continue;
    }
    if (i + 1 >= argc) {
      error = "missing value for " + std::string(flag);
      return false;
    }
    const std::string_view value = argv[++i];
    bool ok = true;
    if (flag == "--host")
      out.host = value;
    else if (flag == "--port")
      ok = parse_number(value, out.port);
    else if (flag == "--token")
      out.token = value;
    else if (flag == "--event")
      out.event = value;
    else if (flag == "--connections")
      ok = parse_number(value, out.connections);
    else if (flag == "--workers")
      ok = parse_number(value, out.workers);
    else if (flag == "--rate")
      ok = parse_number(value, out.rate);
    else if (flag == "--duration")
      ok = parse_number(value, out.duration_s);
    else if (flag == "--broadcasts")
      ok = parse_number(value, out.broadcasts);
    else if (flag == "--burst-size")
      ok = parse_number(value, out.burst_size);
    else if (flag == "--burst-gap-ms")
      ok = parse_number(value, out.burst_gap_ms);
    else if (flag == "--react-rate")
      ok = parse_number(value, out.react_rate);
    else if (flag == "--slow-share")
      ok = parse_number(value, out.slow_share);
    else if (flag == "--slow-rcvbuf")
      ok = parse_number(value, out.slow_rcvbuf);
    else if (flag == "--server-pid")
      ok = parse_number(value, out.server_pid);
    else if (flag == "--payload-bytes")
      ok = parse_number(value, out.payload_bytes);
    else if (flag == "--connect-concurrency")
      ok = parse_number(value, out.connect_concurrency);
    else if (flag == "--settle-timeout")
      ok = parse_number(value, out.settle_timeout_s);
    else if (flag == "--source-ips") {
      if (!parse_source_ips(value, out.source_ips, error)) return false;
    } else if (flag == "--mode") {
      if (value == "burst")
        out.mode = run_mode::burst;
      else if (value == "sustained")
        out.mode = run_mode::sustained;
      else if (value == "slow")
        out.mode = run_mode::slow;
      else if (value == "drain")
        out.mode = run_mode::drain;
      else
        ok = false;
    } else {
      error = "unknown flag " + std::string(flag);
      return false;
    }
    if (!ok) {
      error = "bad value for " + std::string(flag) + ": " + std::string(value);
      return false;
    }
  }

  in_addr host{};
  if (!parse_ip(out.host, host) || !is_loopback(host)) {
    error = "--host must be an IPv4 address in 127.0.0.0/8";
    return false;
  }
  if (out.port == 0) {
    error = "--port is required";
    return false;
  }
  if (out.connections < 1 || out.connections > max_connections) {
    error = "--connections must be 1.." + std::to_string(max_connections);
    return false;
  }
  if (out.duration_s <= 0 || out.duration_s > max_duration_s) {
    error = "--duration must be in (0, 600] seconds";
    return false;
  }
  if (out.rate <= 0 || out.rate > 100000) {
    error = "--rate must be in (0, 100000]";
    return false;
  }
  if (out.broadcasts < 1 || out.broadcasts > 10'000'000) {
    error = "--broadcasts must be >= 1";
    return false;
  }
  if (out.burst_size < 1) {
    error = "--burst-size must be >= 1";
    return false;
  }
  if (out.react_rate < 0 || out.react_rate > 100) {
    error = "--react-rate must be in [0, 100]";
    return false;
  }
  if (out.slow_share < 0 || out.slow_share >= 1) {
    error = "--slow-share must be in [0, 1)";
    return false;
  }
  if (out.settle_timeout_s <= 0 || out.settle_timeout_s > 120) {
    error = "--settle-timeout must be in (0, 120]";
    return false;
  }
  if (out.payload_bytes < 64 || out.payload_bytes > 16000) {
    error = "--payload-bytes must be 64..16000";
    return false;
  }
  if (out.connect_concurrency < 1) out.connect_concurrency = 1;
  if (out.mode != run_mode::drain && out.mode != run_mode::burst && out.rate * out.duration_s > 10'000'000) {
    error = "--rate x --duration is too many broadcasts";
    return false;
  }
  if (out.workers <= 0) {
    out.workers = (out.connections + default_connections_per_worker - 1) / default_connections_per_worker;
  }
  if ((out.connections + out.workers - 1) / out.workers > max_connections_per_worker) {
    error = "too many connections per worker: raise --workers";
    return false;
  }
  if (out.workers > 64) {
    error = "--workers must be <= 64";
    return false;
  }
  if (out.source_ips.empty()) out.source_ips.push_back(in_addr{htonl(0x7F000001)});
  return true;
}

}  // namespace loadgen
