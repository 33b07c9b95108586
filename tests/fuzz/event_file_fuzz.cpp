// Fuzzes the event file loader: any bytes must give either a valid event that
// keeps every documented rule, or a refusal naming a field and a reason.
#include <boost/json/serialize.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>

#include "session/agenda.hpp"
#include "session/event_definition.hpp"

namespace {

using namespace companion::session;

void check(bool condition) {
  if (!condition) std::abort();
}

bool is_id(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

void check_event(const event_definition& event) {
  check(is_id(event.id));
  check(!event.title.empty());
  check(!event.hashtags.empty());
  for (const auto& tag : event.hashtags) check(!tag.empty() && tag.front() != '#');
  check(!event.segments.empty());
  for (std::size_t i = 0; i < event.segments.size(); ++i) {
    const auto& segment = event.segments[i];
    check(is_id(segment.id));
    check(segment.planned_minutes >= 1 && segment.planned_minutes <= 600);
    for (std::size_t j = 0; j < i; ++j) check(event.segments[j].id != segment.id);
  }
  // The public object must serialize and carry the id it was built from.
  const auto json = event_to_json(event);
  check(json.at("id").as_string() == event.id);
  check(!boost::json::serialize(json).empty());

  // Drive the loaded agenda through the whole show; every move here is legal.
  agenda show(event.segments);
  millis now = event.starts_at;
  check(show.start(now).ok());
  while (show.next(++now).ok()) {
  }
  check(*show.current_index() == event.segments.size() - 1);
  check(show.go_to(event.segments.front().id, ++now).ok() || event.segments.size() == 1);
  check(show.end(++now).ok());
  check(!boost::json::serialize(show.to_json()).empty());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto result = parse_event_definition(text, "fuzz.json");
  if (const auto* event = std::get_if<event_definition>(&result)) {
    check_event(*event);
  } else {
    const auto& error = std::get<event_load_error>(result);
    check(!error.field.empty() && !error.why.empty());
    check(error.message().starts_with("fuzz.json: "));
  }
  return 0;
}
