#include "gateway/store/open_store.hpp"

#include "gateway/store/sqlite_store.hpp"

namespace companion::gateway {

std::unique_ptr<session::journal_store> open_store(const server_config& config, std::string& error) {
  return sqlite_store::open(config.data_dir, config.synchronous_full, error, /*sole_writer=*/true);
}

}  // namespace companion::gateway
