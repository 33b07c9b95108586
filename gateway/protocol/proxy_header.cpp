#include "gateway/protocol/proxy_header.hpp"

#include <array>
#include <cstdint>

#include "gateway/protocol/client_address.hpp"

namespace companion::gateway {
namespace {

enum : unsigned { family_unspec = 0, family_inet = 1, family_inet6 = 2, family_unix = 3 };
enum : unsigned { transport_unspec = 0, transport_stream = 1, transport_dgram = 2 };
enum : unsigned { command_local = 0, command_proxy = 1 };

proxy_result invalid(std::string_view why) {
  return {proxy_parse::invalid, 0, {}, why};
}

std::uint8_t byte_at(std::string_view bytes, std::size_t at) {
  return static_cast<std::uint8_t>(bytes[at]);
}

}  // namespace

proxy_result parse_proxy_v2(std::string_view bytes, std::size_t max_bytes) {
  std::size_t compared = std::min(bytes.size(), proxy_v2_signature.size());
  if (bytes.substr(0, compared) != proxy_v2_signature.substr(0, compared)) return {proxy_parse::not_proxy};
  if (bytes.size() < proxy_v2_fixed_bytes) return {proxy_parse::need_more, proxy_v2_fixed_bytes};

  unsigned version = byte_at(bytes, 12) >> 4, command = byte_at(bytes, 12) & 0x0f;
  unsigned family = byte_at(bytes, 13) >> 4, transport = byte_at(bytes, 13) & 0x0f;
  std::size_t length = proxy_v2_fixed_bytes + (std::size_t{byte_at(bytes, 14)} << 8 | byte_at(bytes, 15));
  if (version != 2) return invalid("PROXY protocol version is not 2");
  if (command != command_local && command != command_proxy) return invalid("unknown PROXY command");
  if (family > family_unix || transport > transport_dgram) return invalid("unknown address family");
  if (length > max_bytes) return invalid("PROXY header too long");
  if (bytes.size() < length) return {proxy_parse::need_more, length};

  proxy_result result{proxy_parse::done};
  result.header.length = length;
  // LOCAL: the balancer speaks for itself (health checks); the address block means nothing.
  if (command == command_local) return result;
  if (transport == transport_dgram) return invalid("PROXY header for a datagram flow on a stream");
  std::string_view block = bytes.substr(proxy_v2_fixed_bytes, length - proxy_v2_fixed_bytes);
  if (family == family_inet || family == family_inet6) {
    // Source address, destination address, source port, destination port; TLVs may follow.
    std::size_t address_bytes = family == family_inet ? 4 : 16;
    if (block.size() < 2 * address_bytes + 4) return invalid("PROXY address block too short");
    ip_address source;
    source.v4 = family == family_inet;
    for (std::size_t i = 0; i < address_bytes; ++i) source.bytes[i] = byte_at(block, i);
    // An IPv4-mapped IPv6 source is the IPv4 client it stands for.
    result.header.source = canonical_address(to_string(source));
    return result;
  }
  if (family == family_unix && block.size() < 216) return invalid("PROXY address block too short");
  // UNSPEC or UNIX: no IP address to give; the connection's own peer is used.
  return result;
}

}  // namespace companion::gateway
