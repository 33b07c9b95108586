// Who the client is when the server sits behind a proxy: IP addresses as values,
// CIDR ranges of trusted proxies, and the X-Forwarded-For rule. Socket-free, so it is
// unit-tested and fuzzed on its own; the HTTP session applies it in one place.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace companion::gateway {

// An IPv4 or IPv6 address. IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) are stored as
// IPv4, so one client has one key whether it came over an IPv4 or a dual-stack socket.
struct ip_address {
  std::array<std::uint8_t, 16> bytes{};  // IPv4 in the first 4 bytes
  bool v4 = true;

  friend bool operator==(const ip_address&, const ip_address&) = default;
};

// Parses "192.0.2.1", "2001:db8::1", "::ffff:192.0.2.1"; nullopt for anything else
// (no ports, brackets, zone ids or spaces).
std::optional<ip_address> parse_ip(std::string_view text);
// Canonical text: dotted quad for IPv4, RFC 5952 for IPv6.
std::string to_string(const ip_address& address);
// The canonical text of `text` when it is an address, else `text` unchanged.
std::string canonical_address(std::string_view text);

// A CIDR range such as 10.0.0.0/8 or fd00::/8; a bare address is a single host.
struct ip_range {
  ip_address base;  // with the bits past the prefix cleared
  unsigned prefix = 0;

  bool contains(const ip_address& address) const;
};
std::optional<ip_range> parse_cidr(std::string_view text);

// The proxies whose forwarding headers the server believes (--trust-proxy).
class trusted_proxies {
 public:
  // "CIDR[,CIDR...]" added to the set; false with `error` naming the bad entry.
  bool add_list(std::string_view list, std::string& error);
  bool contains(const ip_address& address) const;
  bool contains(std::string_view address) const;
  bool empty() const { return ranges_.empty(); }

 private:
  std::vector<ip_range> ranges_;
};

// The client address of a request that arrived from `peer` (canonical text) carrying
// `forwarded_for` (every X-Forwarded-For field, joined with commas). From an untrusted
// peer the header means nothing and the peer is the client. From a trusted one the list
// is walked from the right, past trusted proxies, to the first address that is not
// one: each proxy appends the address it got the request from, so the entries left of
// that one were written by the client and prove nothing. When every entry is trusted
// or the walk meets an entry that is not an address, the last address reached is the
// client (a proxy we trust vouched for it). Entries may carry a port ("192.0.2.1:443",
// "[2001:db8::1]:443") as some load balancers write them.
std::string forwarded_client(std::string_view peer, std::string_view forwarded_for,
                             const trusted_proxies& trusted);

}  // namespace companion::gateway
