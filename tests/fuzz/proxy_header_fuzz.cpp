// Client address fuzzer: the PROXY v2 header parser and the X-Forwarded-For rule.
// Input: [mode][bytes...]. Even mode parses the bytes as the start of a connection the
// way the HTTP session reads it (the fixed 16 bytes, then as many as the header says)
// and checks every answer against the whole input. Odd mode splits the bytes at the
// first newline into a --trust-proxy list and an X-Forwarded-For value, and checks that
// the client found is the peer or a canonical address, and that the address a trusted
// proxy appends last decides whatever the client wrote before it.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "gateway/protocol/client_address.hpp"
#include "gateway/protocol/proxy_header.hpp"

namespace {

using namespace companion::gateway;

constexpr std::size_t max_bytes = 1024;

void check_proxy(std::string_view input) {
  // The session reads exactly what the parser asks for, never more.
  std::size_t have = std::min(input.size(), proxy_v2_fixed_bytes);
  for (int rounds = 0;; ++rounds) {
    if (rounds > 2) std::abort();  // the fixed part, then the whole header: no third ask
    proxy_result result = parse_proxy_v2(input.substr(0, have), max_bytes);
    switch (result.status) {
      case proxy_parse::need_more:
        if (result.needed <= have || result.needed > max_bytes) std::abort();
        if (input.size() < result.needed) return;  // the connection would wait, then time out
        have = result.needed;
        continue;
      case proxy_parse::not_proxy:
        if (input.substr(0, have).starts_with(proxy_v2_signature.substr(0, have))) std::abort();
        return;
      case proxy_parse::invalid:
        if (result.why.empty()) std::abort();
        return;
      case proxy_parse::done: {
        const proxy_header& header = result.header;
        if (header.length < proxy_v2_fixed_bytes || header.length > have || header.length > max_bytes)
          std::abort();
        if (header.source && canonical_address(*header.source) != *header.source) std::abort();
        if (header.source && !parse_ip(*header.source)) std::abort();
        // Bytes after the header never change the answer.
        proxy_result whole = parse_proxy_v2(input, max_bytes);
        if (whole.status != proxy_parse::done || whole.header.length != header.length ||
            whole.header.source != header.source)
          std::abort();
        return;
      }
    }
  }
}

void check_forwarded(std::string_view input) {
  auto newline = input.find('\n');
  std::string_view list = input.substr(0, newline);
  std::string_view forwarded_for =
      newline == std::string_view::npos ? std::string_view() : input.substr(newline + 1);
  trusted_proxies trusted;
  std::string error;
  if (!trusted.add_list(list, error)) {
    if (error.empty()) std::abort();
    // A bad list still leaves a usable set of what parsed before it.
  }
  for (std::string_view peer : {"127.0.0.1", "10.1.2.3", "2001:db8::1", "198.51.100.7"}) {
    std::string client = forwarded_client(peer, forwarded_for, trusted);
    if (!trusted.contains(peer)) {
      if (client != peer) std::abort();
      continue;
    }
    auto parsed = parse_ip(client);
    if (!parsed || to_string(*parsed) != client) std::abort();
    if (forwarded_for.empty() && client != peer) std::abort();
    // Whatever the client wrote, the address a trusted proxy appends last decides.
    constexpr std::string_view appended = "192.0.2.77";
    if (!trusted.contains(appended) &&
        forwarded_client(peer, std::string(forwarded_for) + "," + std::string(appended), trusted) != appended)
      std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] % 2 == 0)
    check_proxy(input);
  else
    check_forwarded(input);
  return 0;
}
