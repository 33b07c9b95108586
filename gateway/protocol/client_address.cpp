#include "gateway/protocol/client_address.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <cstring>

namespace companion::gateway {
namespace {

constexpr std::array<std::uint8_t, 12> v4_mapped_prefix{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
// inet_pton needs a NUL-terminated copy; no textual address is longer than this.
constexpr std::size_t max_address_text = 45;

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// One X-Forwarded-For entry to an address: bare, "v4:port" or "[v6]:port".
std::optional<ip_address> parse_entry(std::string_view entry) {
  entry = trim(entry);
  if (auto address = parse_ip(entry)) return address;
  if (entry.starts_with('[')) {
    auto close = entry.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    std::string_view rest = entry.substr(close + 1);
    if (!rest.empty() && !rest.starts_with(':')) return std::nullopt;
    auto address = parse_ip(entry.substr(1, close - 1));
    if (!address || address->v4) return std::nullopt;
    return address;
  }
  auto colon = entry.find(':');
  if (colon == std::string_view::npos || entry.find(':', colon + 1) != std::string_view::npos)
    return std::nullopt;
  auto address = parse_ip(entry.substr(0, colon));
  if (!address || !address->v4) return std::nullopt;
  return address;
}

}  // namespace

std::optional<ip_address> parse_ip(std::string_view text) {
  if (text.empty() || text.size() > max_address_text) return std::nullopt;
  char copy[max_address_text + 1];
  std::memcpy(copy, text.data(), text.size());
  copy[text.size()] = '\0';
  ip_address address;
  if (text.find(':') == std::string_view::npos) {
    if (inet_pton(AF_INET, copy, address.bytes.data()) != 1) return std::nullopt;
    return address;
  }
  std::array<std::uint8_t, 16> v6{};
  if (inet_pton(AF_INET6, copy, v6.data()) != 1) return std::nullopt;
  if (std::equal(v4_mapped_prefix.begin(), v4_mapped_prefix.end(), v6.begin())) {
    std::copy(v6.begin() + 12, v6.end(), address.bytes.begin());
    return address;
  }
  address.bytes = v6;
  address.v4 = false;
  return address;
}

std::string to_string(const ip_address& address) {
  char text[INET6_ADDRSTRLEN] = {};
  inet_ntop(address.v4 ? AF_INET : AF_INET6, address.bytes.data(), text, sizeof text);
  return text;
}

std::string canonical_address(std::string_view text) {
  auto address = parse_ip(text);
  return address ? to_string(*address) : std::string(text);
}

bool ip_range::contains(const ip_address& address) const {
  if (address.v4 != base.v4) return false;
  unsigned full = prefix / 8, rest = prefix % 8;
  if (!std::equal(base.bytes.begin(), base.bytes.begin() + full, address.bytes.begin())) return false;
  if (rest == 0) return true;
  auto mask = static_cast<std::uint8_t>(0xff << (8 - rest));
  return (address.bytes[full] & mask) == base.bytes[full];
}

std::optional<ip_range> parse_cidr(std::string_view text) {
  text = trim(text);
  auto slash = text.find('/');
  auto address = parse_ip(text.substr(0, slash));
  if (!address) return std::nullopt;
  unsigned bits = address->v4 ? 32 : 128;
  unsigned prefix = bits;
  if (slash != std::string_view::npos) {
    std::string_view digits = text.substr(slash + 1);
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
    if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
    // ::ffff:a.b.c.d/N was written in IPv6 bits; the address is kept as IPv4.
    bool mapped = address->v4 && text.substr(0, slash).find(':') != std::string_view::npos;
    if (mapped) {
      if (prefix < 96) return std::nullopt;
      prefix -= 96;
    }
    if (prefix > bits) return std::nullopt;
  }
  ip_range range{*address, prefix};
  // Clear the host bits so "10.1.2.3/8" means 10.0.0.0/8.
  for (unsigned bit = prefix; bit < bits; ++bit)
    range.base.bytes[bit / 8] &= static_cast<std::uint8_t>(~(0x80u >> (bit % 8)));
  return range;
}

bool trusted_proxies::add_list(std::string_view list, std::string& error) {
  while (!list.empty()) {
    auto comma = list.find(',');
    std::string_view item = trim(list.substr(0, comma));
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    if (item.empty()) continue;
    auto range = parse_cidr(item);
    if (!range) {
      error = "not an IPv4 or IPv6 CIDR: '" + std::string(item) + "'";
      return false;
    }
    ranges_.push_back(*range);
  }
  return true;
}

bool trusted_proxies::contains(const ip_address& address) const {
  return std::any_of(ranges_.begin(), ranges_.end(),
                     [&](const ip_range& range) { return range.contains(address); });
}

bool trusted_proxies::contains(std::string_view address) const {
  auto parsed = parse_ip(address);
  return parsed && contains(*parsed);
}

std::string forwarded_client(std::string_view peer, std::string_view forwarded_for,
                             const trusted_proxies& trusted) {
  auto hop = parse_ip(peer);
  if (!hop || !trusted.contains(*hop)) return std::string(peer);
  // Right to left: `hop` is the nearest address we have reached and is trusted.
  while (!forwarded_for.empty()) {
    auto comma = forwarded_for.rfind(',');
    std::string_view entry =
        comma == std::string_view::npos ? forwarded_for : forwarded_for.substr(comma + 1);
    forwarded_for = comma == std::string_view::npos ? std::string_view() : forwarded_for.substr(0, comma);
    if (trim(entry).empty()) continue;
    auto address = parse_entry(entry);
    if (!address) break;
    hop = address;
    if (!trusted.contains(*hop)) break;
  }
  return to_string(*hop);
}

}  // namespace companion::gateway
