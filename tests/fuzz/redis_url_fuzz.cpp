// --store URL fuzzer. A refused URL always says why; an accepted one names a host and a
// port, and written back in full (brackets for IPv6, port and database) reads back as itself.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "gateway/store/redis_url.hpp"

using namespace companion::gateway;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string error;
  const auto address = parse_redis_url(text, error);
  if (!address) {
    if (error.empty()) std::abort();
    return 0;
  }
  if (address->host.empty() || address->port == 0) std::abort();
  const bool v6 = address->host.find(':') != std::string::npos;
  const std::string again = "redis://" + (v6 ? "[" + address->host + "]" : address->host) + ":" +
                            std::to_string(address->port) + "/" + std::to_string(address->db);
  const auto reread = parse_redis_url(again, error);
  if (!reread || reread->host != address->host || reread->port != address->port || reread->db != address->db)
    std::abort();
  return 0;
}
