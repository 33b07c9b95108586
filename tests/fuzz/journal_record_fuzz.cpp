// Fuzzes reading a journal record as a server starting on someone else's database
// does: any bytes are either refused with a reason (not JSON, a format or kind this
// build does not know) or replayed by an engine without harm; a record refused only
// for a newer format is replayable once `journal upgrade` stamps it with today's.
#include <boost/json/parse.hpp>
#include <boost/json/parse_options.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string_view>
#include <variant>

#include "session/engine.hpp"
#include "session/event_definition.hpp"
#include "session/journal_format.hpp"

namespace {

using namespace companion::session;

void check(bool condition) {
  if (!condition) std::abort();
}

constexpr std::string_view event_json = R"({
  "id": "fuzz", "title": "Fuzz", "summary": "A fuzzing event", "stream_url": "", "hashtags": ["Fuzz"], "starts_at": "2024-04-22T14:00:00Z",
  "time_zone": "UTC",
  "agenda": [
    {"id": "opening", "kind": "opening", "title": "Opening", "planned_minutes": 5},
    {"id": "panel", "kind": "panel", "title": "Panel", "planned_minutes": 30}
  ],
  "polls": [
    {"id": "cooperation-areas", "question": "Where first?", "multiple": true,
     "options": [{"id": "cyber", "text": "Cyber"}, {"id": "tech", "text": "Tech"}]}
  ]
})";

// One engine for the whole run, as a server replays a whole journal into one.
event_engine& engine() {
  static std::unique_ptr<event_engine> instance = [] {
    auto loaded = parse_event_definition(event_json, "fuzz.json");
    if (auto* error = std::get_if<event_load_error>(&loaded))
      std::fprintf(stderr, "%s\n", error->message().c_str());
    check(std::holds_alternative<event_definition>(loaded));
    return std::make_unique<event_engine>(std::get<event_definition>(std::move(loaded)), "fuzzepoch001");
  }();
  return *instance;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  boost::json::parse_options options;
  options.max_depth = 64;
  boost::system::error_code ec;
  boost::json::value parsed = boost::json::parse(text, ec, {}, options);
  if (ec || !parsed.is_object()) return 0;
  const auto& record = parsed.get_object();
  const std::string problem = journal_record_problem(record);
  const int version = journal_record_version(record);
  if (problem.empty()) {
    check(version >= 1 && version <= journal_version);
    // A readable record is left as it is by an upgrade, and replays without harm.
    check(restamp_journal_record(record) == record);
    const std::uint64_t before = engine().seq();
    engine_reply reply;
    engine().replay(record, reply);
    check(engine().seq() >= before);
    return 0;
  }
  auto restamped = restamp_journal_record(record);
  if (version > journal_version && restamped != record) {
    // Stamped only when the version was the one thing wrong: it then reads.
    check(journal_record_problem(restamped).empty());
    check(journal_record_version(restamped) == journal_version);
  } else {
    check(restamped == record);
  }
  return 0;
}
