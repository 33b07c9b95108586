// The key of a client address in per-address tables: the address itself for IPv4, its
// /64 for IPv6, since one IPv6 host usually holds a whole /64 and could otherwise take a
// fresh entry (and a fresh budget) for every address in it.
#pragma once

#include <string>
#include <string_view>

namespace companion::gateway {

// "192.0.2.1" -> "192.0.2.1"; "2001:db8:1:2:a:b:c:d" -> "2001:db8:1:2::/64"; text that
// is not an address is its own key.
std::string address_key(std::string_view address);

}  // namespace companion::gateway
