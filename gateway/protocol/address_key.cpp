#include "gateway/protocol/address_key.hpp"

#include "gateway/protocol/client_address.hpp"

namespace companion::gateway {

std::string address_key(std::string_view address) {
  auto parsed = parse_ip(address);
  if (!parsed) return std::string(address);
  if (parsed->v4) return to_string(*parsed);
  for (std::size_t i = 8; i < parsed->bytes.size(); ++i) parsed->bytes[i] = 0;
  return to_string(*parsed) + "/64";
}

}  // namespace companion::gateway
