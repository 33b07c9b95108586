#include "gateway/store/open_store.hpp"

#include "gateway/store/redis_store.hpp"
#include "gateway/store/redis_url.hpp"
#include "gateway/store/sqlite_store.hpp"

namespace companion::gateway {

std::unique_ptr<session::journal_store> open_store(const server_config& config, std::string& error) {
  if (!config.store_url.empty()) {
    auto address = parse_redis_url(config.store_url, error);
    if (!address) return nullptr;
    redis_store_options options;
    options.address = *address;
    options.address.password = config.store_password;
    options.timeout = config.store_timeout;
    options.lease_token = config.lease_token;
    return redis_store::open(std::move(options), error);
  }
  return sqlite_store::open(config.data_dir, config.synchronous_full, error, /*sole_writer=*/true);
}

}  // namespace companion::gateway
