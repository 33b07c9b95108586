// The PROXY protocol version 2 header (HAProxy's proxy-protocol.txt, section 2.2):
// the binary preamble a load balancer writes at the start of a TCP connection, before
// TLS if any, naming the client it accepted. Only a trusted peer's bytes are read
// this way. Socket-free, so it is unit-tested and fuzzed on its own.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace companion::gateway {

// Every v2 header starts with this 12-byte signature and is at least 16 bytes long. No
// HTTP request and no TLS record starts with it, and either is longer than 16 bytes.
inline constexpr std::string_view proxy_v2_signature{"\r\n\r\n\0\r\nQUIT\n", 12};
inline constexpr std::size_t proxy_v2_fixed_bytes = 16;

struct proxy_header {
  std::size_t length = 0;             // bytes the header takes, TLVs included
  std::optional<std::string> source;  // the client's address (canonical text); none for
                                      // LOCAL (the balancer's own health check) and for
                                      // UNSPEC or UNIX families: the peer is the client
};

enum class proxy_parse {
  need_more,  // a prefix of a header: read up to `needed` bytes and parse again
  not_proxy,  // the bytes start with something else (HTTP, TLS)
  invalid,    // a v2 signature followed by a header we must not believe
  done,       // `header` is filled in
};

struct proxy_result {
  proxy_parse status;
  std::size_t needed = 0;  // need_more: the total byte count to have before parsing again
  proxy_header header;
  std::string_view why;  // invalid: what was wrong
};

// Parses the bytes at the start of a connection. A header longer than `max_bytes`
// (signature and TLVs included) is invalid: the length field allows 64 KiB and
// no balancer needs more than a few hundred bytes.
proxy_result parse_proxy_v2(std::string_view bytes, std::size_t max_bytes);

}  // namespace companion::gateway
