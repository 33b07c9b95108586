// Fuzzes restoring an engine from a stored state snapshot, as a server starting on a
// damaged or foreign database does: any bytes are either refused with a reason, leaving
// the engine as it was, or restored into a state that snapshots to itself again and
// takes the next inputs without harm.
#include <boost/json/serialize.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <variant>

#include "session/command.hpp"
#include "session/engine.hpp"
#include "session/event_definition.hpp"

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
  ]
})";

const event_definition& definition() {
  static const event_definition instance = [] {
    auto loaded = parse_event_definition(event_json, "fuzz.json");
    if (auto* error = std::get_if<event_load_error>(&loaded))
      std::fprintf(stderr, "%s\n", error->message().c_str());
    check(std::holds_alternative<event_definition>(loaded));
    return std::get<event_definition>(std::move(loaded));
  }();
  return instance;
}

void apply(event_engine& engine, std::string_view json, const actor& who) {
  command_decoder decoder;
  command cmd;
  decode_failure failure;
  check(decoder.decode(json, cmd, failure));
  engine.apply(cmd, who, 1713794500000);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  event_engine engine(definition(), "fuzzepoch001");
  const std::string before = boost::json::serialize(engine.snapshot());
  std::string why;
  if (!engine.restore(text, why)) {
    check(!why.empty());
    check(boost::json::serialize(engine.snapshot()) == before);
    return 0;
  }
  // What was restored snapshots to a text that restores to the same state.
  const std::string restored = boost::json::serialize(engine.snapshot());
  event_engine again(definition(), "fuzzepoch001");
  check(again.restore(restored, why));
  check(boost::json::serialize(again.snapshot()) == restored);
  check(again.recent_changes().size() == engine.recent_changes().size());
  // And it goes on: every part is used by a read, a tick, a post and commands.
  const std::uint64_t seq = engine.seq();
  (void)engine.public_state();
  (void)engine.queue_snapshot();
  (void)engine.queue_depth();
  engine.tick(1713794500000, 3);
  social_post post;
  post.id = "bluesky:fuzz";
  post.source = "bluesky";
  post.author_handle = "fuzz.example";
  post.text = "#Fuzz";
  post.tags = {"Fuzz"};
  engine.ingest(post, {post_verdict::approved, "fuzz", "fuzz"}, 1713794500000);
  apply(engine, R"({"type":"question.ask","text":"Does it hold?"})", {role::viewer, "v1", {}});
  apply(engine, R"({"type":"question.vote","question":"q1"})", {role::viewer, "v2", {}});
  apply(engine, R"({"type":"agenda.next"})", {role::producer, {}, "p"});
  apply(engine, R"({"type":"on_screen.set","kind":"highlight","item":"bluesky:fuzz"})",
        {role::producer, {}, "p"});
  apply(engine, R"({"type":"author.block","source":"bluesky","handle":"fuzz.example"})",
        {role::moderator, {}, "m"});
  check(engine.seq() >= seq);
  (void)engine.public_state();
  (void)engine.queue_snapshot();
  return 0;
}
