#include "gateway/store/journal_upgrade.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "gateway/process/clock.hpp"
#include "session/engine.hpp"
#include "session/journal_format.hpp"

namespace companion::gateway {

bool upgrade_journal(session::journal_store& store, const std::string& event, upgrade_report& report,
                     std::string& error) {
  report = upgrade_report{};
  report.old_epoch = store.epoch_for(event, wall_clock_ms(), error);
  if (report.old_epoch.empty()) return false;
  std::vector<session::stored_record> records;
  if (!store.read(event, 1, records, error)) return false;
  std::vector<session::journal_entry> carried;
  carried.reserve(records.size());
  bool changed = false;
  for (auto& stored : records) {
    boost::system::error_code ec;
    auto parsed = boost::json::parse(stored.text, ec);
    std::string problem = ec || !parsed.is_object() ? std::string("text that is not a JSON object")
                                                    : session::journal_record_problem(parsed.get_object());
    if (problem.empty()) {
      carried.push_back({stored.format, std::move(stored.text)});
      ++report.kept;
      continue;
    }
    changed = true;
    if (report.first_problem.empty())
      report.first_problem = "record " + std::to_string(stored.position) + " has " + problem;
    if (!ec && parsed.is_object()) {
      auto restamped = session::restamp_journal_record(std::move(parsed.get_object()));
      if (session::journal_record_problem(restamped).empty()) {
        carried.push_back({session::journal_version, boost::json::serialize(restamped)});
        ++report.restamped;
        continue;
      }
    }
    ++report.left_out;
  }
  if (!changed) return true;
  report.new_epoch = store.begin_epoch(event, carried, error);
  return !report.new_epoch.empty();
}

}  // namespace companion::gateway
