// `--store redis://HOST:PORT[/DB]`: where the Redis that holds the journal is. Pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace companion::gateway {

struct redis_address {
  std::string host;  // a name or an IPv4/IPv6 address (brackets stripped)
  std::uint16_t port = 6379;
  unsigned db = 0;  // SELECT'ed after connecting
  // Sent with AUTH after connecting when set; never in the URL (COMPANION_REDIS_PASSWORD).
  std::string password;
};

// nullopt with `error` saying what is wrong with `url`.
std::optional<redis_address> parse_redis_url(std::string_view url, std::string& error);

}  // namespace companion::gateway
