// What this build can replay: a journal record is readable when its format version
// (its "v") is one the engine has rules for and its kind (and a command's type) is one
// it knows. The server refuses a journal holding anything else rather than rebuild a
// different history under the same epoch; `companion journal upgrade` starts a new one.
#pragma once

#include <boost/json/object.hpp>
#include <string>

namespace companion::session {

// Why this build cannot replay `record` ("format version 4", "kind \"vote\"", ...);
// empty when it can.
std::string journal_record_problem(const boost::json::object& record);

// Whether a state snapshot taken after `record` makes it unneeded: votes, unvotes and
// clock ticks decide nothing a moderator did (the audit export skips them) and only a
// replay from the start, which a snapshot replaces, reads them.
bool journal_record_folds(const boost::json::object& record);

// The record as this build will replay it in a new epoch: a record of a newer format
// is stamped with the current one (its fields are read by today's rules). Only for
// records whose one problem is their version.
boost::json::object restamp_journal_record(boost::json::object record);

}  // namespace companion::session
