// `companion journal upgrade`: an event whose journal this build cannot replay as it is
// (records of a newer format, or of kinds it has no rules for) starts a new epoch from
// what this build reads, so that no client is told a history it would rebuild differently.
#pragma once

#include <cstddef>
#include <string>

#include "session/journal_store.hpp"

namespace companion::gateway {

struct upgrade_report {
  std::string old_epoch;
  std::string new_epoch;      // empty when the journal needed no upgrade
  std::size_t kept = 0;       // records carried over unchanged
  std::size_t restamped = 0;  // records of a newer format, now read by this build's rules
  std::size_t left_out = 0;   // records this build has no rules for (still in the archive)
  std::string first_problem;  // what the first unreadable record was, for the operator
};

// With no server running on the store. False with `error` when the store fails.
bool upgrade_journal(session::journal_store& store, const std::string& event, upgrade_report& report,
                     std::string& error);

}  // namespace companion::gateway
