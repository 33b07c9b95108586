// The one place that picks the journal store for a data folder and a configuration:
// the embedded SQLite database, or Redis with --store redis://.
#pragma once

#include <memory>
#include <string>

#include "gateway/config.hpp"
#include "session/journal_store.hpp"

namespace companion::gateway {

// Null with `error` when the store cannot be opened.
std::unique_ptr<session::journal_store> open_store(const server_config& config, std::string& error);

}  // namespace companion::gateway
