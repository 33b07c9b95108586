#include "gateway/engine/engine_host.hpp"

#include <limits>
#include "gateway/process/clock.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "gateway/net/shard.hpp"
#include "gateway/net/ws_connection.hpp"
#include "gateway/process/log.hpp"
#include "gateway/protocol/ws_frame_writer.hpp"
#include "gateway/server.hpp"
#include "hashtag-tracker/moderation_rules.hpp"
#include "session/autopilot.hpp"
#include "session/epoch_carry.hpp"
#include "session/frames.hpp"
#include "session/journal_format.hpp"
#include "session/post_wall.hpp"

namespace companion::gateway {
namespace {

// Tallies of votes are coalesced to four a second; ticks come often enough for that.
constexpr auto tick_interval = std::chrono::milliseconds(250);

// Runs on the target's shard: hands a private frame to the connection, if it is still there.
void answer(const reply_target& target, std::string payload) {
  if (!target.home) return;
  net::post(target.home->context(),
            [home = target.home, connection = target.connection, payload = std::move(payload)]() mutable {
              home->answer(std::move(connection), std::move(payload));
            });
}

}  // namespace

shared_frame frame_text(std::string_view payload) {
  return std::make_shared<const std::string>(make_frame(ws_opcode::text, payload));
}

engine_host::engine_host(server& owner, session::journal_store& store)
    : owner_(owner), store_(store), tick_timer_(context_) {}

engine_host::~engine_host() {
  stop();
}

session::replica_limits engine_host::replica_limits() const {
  session::replica_limits limits;
  limits.ring_changes = owner_.config().resume_window_changes;
  limits.snapshot_open_questions = owner_.config().snapshot_open_questions;
  limits.snapshot_answered_questions = owner_.config().snapshot_answered_questions;
  limits.queue_snapshot_items = owner_.config().queue_snapshot_items;
  return limits;
}

bool engine_host::load(std::vector<session::event_definition> events, std::string& error) {
  const session::replica_limits limits = replica_limits();
  for (auto& definition : events) {
    std::string id = definition.id;
    if (loaded_.empty() && owner_.config().rehearsal && !start_rehearsal(id, error)) return false;
    std::string epoch = store_.epoch_for(id, wall_clock_ms(), error);
    if (epoch.empty()) return false;
    auto engine = std::make_unique<session::event_engine>(definition, epoch, engine_limits());
    loaded_.emplace_back(std::move(definition), epoch);
    std::vector<session::stored_record> records;
    std::uint64_t next = 1;
    if (!read_engine(id, *engine, records, next, error)) return false;
    const std::size_t journal_size = records.size();
    next_position_.push_back(next);
    generation_.push_back(0);
    retry_rebuild_.push_back(false);
    since_snapshot_.push_back(0);
    snapshot_taken_.push_back(std::chrono::steady_clock::now());
    snapshot_writing_.push_back(false);
    resetting_.push_back(0);
    held_.emplace_back();
    engine->set_rules_checker(&engine_host::check_rules);
    auto replica = std::make_unique<session::event_replica>(id, epoch, engine->seq(), engine->public_state(),
                                                            engine->queue_snapshot(), limits);
    // A snapshot carries the changes before it, so clients resume across the restart.
    replica->hold_earlier(engine->recent_changes());
    // Replaying the journal's tail rebuilds the rest and refills the resume window.
    std::string refusal;
    std::size_t skipped = replay(*engine, records, replica.get(), &refusal);
    if (!refusal.empty()) {
      // Replaying around what this build does not know would rebuild another history
      // under the same epoch, and resuming clients would be told wrong changes.
      error = "the journal of event " + id + " cannot be replayed by this build: " + refusal +
              " (this build replays format versions 1 to " + std::to_string(session::journal_version) +
              "). Start the build that wrote it, or start a new epoch from what this build reads with: " +
              "companion journal upgrade --data " + owner_.config().data_dir.string() + " --event " + id +
              " (clients then get a fresh snapshot)";
      return false;
    }
    log_event("event_loaded", {{"event", id},
                               {"epoch", epoch},
                               {"seq", std::to_string(engine->seq())},
                               {"journal", std::to_string(journal_size)},
                               {"next_position", std::to_string(next)},
                               {"skipped", std::to_string(skipped)}});
    engines_.push_back(std::move(engine));
    queue_depths_.emplace_back(0);
    questions_refused_.emplace_back(0);
    posts_evicted_.emplace_back();
    votes_refused_.emplace_back(0);
    polls_refused_.emplace_back(0);
    templates_.push_back(std::move(replica));
  }
  return true;
}

bool engine_host::start_rehearsal(const std::string& id, std::string& error) {
  std::vector<session::stored_record> records;
  if (!store_.read(id, 1, records, error)) {
    error = "cannot read the journal of " + id + ": " + error;
    return false;
  }
  std::vector<session::journal_entry> carried;
  for (auto& stored : records) {
    boost::system::error_code ec;
    auto parsed = boost::json::parse(stored.text, ec);
    if (!ec && parsed.is_object() && session::carried_across_reset(parsed.get_object()))
      carried.push_back({stored.format, std::move(stored.text)});
  }
  // Nothing but preparation so far (or nothing at all): the journal is the show's start.
  if (carried.size() == records.size()) return true;
  std::string old_epoch = store_.epoch_for(id, wall_clock_ms(), error);
  if (old_epoch.empty()) return false;
  std::string epoch = store_.begin_epoch(id, carried, error);
  if (epoch.empty()) {
    error = "cannot begin the rehearsal of " + id + ": " + error;
    return false;
  }
  log_event("event_reset", {{"event", id},
                            {"archived", old_epoch},
                            {"epoch", epoch},
                            {"carried", std::to_string(carried.size())},
                            {"why", "rehearsal"}});
  return true;
}

session::event_replica engine_host::make_replica(std::size_t event) const {
  return *templates_[event];
}

void engine_host::start() {
  store_.start();
  schedule_tick();
  thread_ = std::thread([this] { context_.run(); });
}

void engine_host::stop() {
  if (stopping_.exchange(true)) return;
  net::post(context_, [this] { tick_timer_.cancel(); });
  context_.stop();
  if (thread_.joinable()) thread_.join();
  snapshot_worker_.join();
}

void engine_host::schedule_tick() {
  tick_timer_.expires_after(tick_interval);
  tick_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopping_) return;
    session::millis now = wall_clock_ms();
    for (std::size_t event = 0; event < engines_.size(); ++event) {
      if (resetting_[event]) continue;  // its coalesced changes wait for the new epoch
      std::uint64_t viewers = 0;
      for (auto& s : owner_.shards()) viewers += s->joined_count(event);
      queue_depths_[event].store(engines_[event]->queue_depth(), std::memory_order_relaxed);
      questions_refused_[event].store(engines_[event]->questions_refused_full(), std::memory_order_relaxed);
      votes_refused_[event].store(engines_[event]->votes_refused_changes(), std::memory_order_relaxed);
      polls_refused_[event].store(engines_[event]->polls_refused_full(), std::memory_order_relaxed);
      const session::eviction_counts& evicted = engines_[event]->wall().evicted();
      posts_evicted_[event][0].store(evicted.settled, std::memory_order_relaxed);
      posts_evicted_[event][1].store(evicted.approved, std::memory_order_relaxed);
      posts_evicted_[event][2].store(evicted.held, std::memory_order_relaxed);
      session::engine_reply reply = engines_[event]->tick(now, viewers);
      if (reply.journal)
        finish(event, std::move(reply), reply_target{});
      else
        maybe_snapshot(event);  // a quiet event's records still get their snapshot in time
    }
    if (owner_.config().autopilot_speed > 0 && !engines_.empty() && !resetting_[0]) run_autopilot(now);
    schedule_tick();
  });
}

void engine_host::post_work(std::size_t event, std::function<void()> work) {
  net::post(context_, [this, event, work = std::move(work)]() mutable {
    if (resetting_[event])
      held_[event].push_back(std::move(work));
    else
      work();
  });
}

void engine_host::submit(std::size_t event, session::command cmd, session::actor who, reply_target target) {
  post_work(event,
            [this, event, cmd = std::move(cmd), who = std::move(who), target = std::move(target)]() mutable {
              session::engine_reply reply = engines_[event]->apply(cmd, who, wall_clock_ms());
              if (!reply.result.ok()) {
                answer(target, session::error_frame(target.id, reply.result.code, reply.result.message));
                return;
              }
              for (const auto& effect : reply.effects)
                if (std::holds_alternative<session::reset_requested>(effect))
                  return begin_reset(event, std::move(target));
              finish(event, std::move(reply), std::move(target));
            });
}

void engine_host::begin_reset(std::size_t event, reply_target target) {
  resetting_[event] = 1;
  // From here on, a state snapshot or a rebuild of the old epoch is old news: neither may
  // reach the store after the new epoch begins.
  ++generation_[event];
  const std::string& id = owner_.event_id(event);
  log_event("event_reset_begun", {{"event", id}});
  auto keep = [](const session::stored_record& record) {
    boost::system::error_code ec;
    auto parsed = boost::json::parse(record.text, ec);
    return !ec && parsed.is_object() && session::carried_across_reset(parsed.get_object());
  };
  store_.begin_epoch_live(
      id, keep, [this, event, target = std::move(target)](session::epoch_outcome result) mutable {
        net::post(context_, [this, event, target = std::move(target), result = std::move(result)]() mutable {
          complete_reset(event, std::move(result), std::move(target));
        });
      });
}

void engine_host::complete_reset(std::size_t event, session::epoch_outcome result, reply_target target) {
  const std::string& id = owner_.event_id(event);
  if (result.outcome.status != session::append_status::durable) {
    log_event("event_reset_failed", {{"event", id}, {"why", result.outcome.error}});
    answer(target, session::error_frame(target.id, session::error_code::internal,
                                        "the reset could not be stored; nothing was changed"));
    // The old epoch goes on; a refusal it heard meanwhile was set aside, so rebuild from
    // what is durable and take appends again.
    rebuild(event);
  } else {
    session::event_definition definition;
    std::string archived;
    {
      std::lock_guard lock(loaded_mutex_);
      archived = loaded_[event].second;
      loaded_[event].second = result.epoch;
      definition = loaded_[event].first;
    }
    auto engine =
        std::make_unique<session::event_engine>(std::move(definition), result.epoch, engine_limits());
    engine->set_rules_checker(&engine_host::check_rules);
    session::event_replica replica(id, result.epoch, engine->seq(), engine->public_state(),
                                   engine->queue_snapshot(), replica_limits());
    const std::size_t carried = result.journal.size();
    replay(*engine, result.journal, &replica);
    engines_[event] = std::move(engine);
    next_position_[event] = carried + 1;
    // The store dropped the old snapshot; the new epoch's first comes by the usual rule.
    since_snapshot_[event] = carried;
    snapshot_taken_[event] = std::chrono::steady_clock::now();
    // The tracker judges new posts by the rules and author lists the new epoch carried.
    auto parsed = tracker::moderation_rules::parse(engines_[event]->moderation_rules());
    if (auto* checked = std::get_if<tracker::moderation_rules>(&parsed))
      owner_.ingest().set_rules(event, std::move(*checked));
    owner_.ingest().set_authors(event, engines_[event]->authors());
    log_event("event_reset", {{"event", id},
                              {"archived", archived},
                              {"epoch", result.epoch},
                              {"carried", std::to_string(carried)},
                              {"seq", std::to_string(engines_[event]->seq())}});
    // Every shard starts over from the new replica, after the old epoch's last changes.
    for (auto& s : owner_.shards())
      net::post(s->context(), [target = s.get(), event, copy = replica]() mutable {
        target->reset(event, std::move(copy));
      });
    if (!target.id.is_null())
      answer(target, session::ack_frame(target.id, boost::json::object{{"epoch", result.epoch},
                                                                       {"archived", archived},
                                                                       {"seq", engines_[event]->seq()}}));
  }
  resetting_[event] = 0;
  auto held = std::move(held_[event]);
  held_[event].clear();
  for (auto& work : held) {
    if (resetting_[event]) {
      // A second reset among the held inputs: the rest waits for it in turn.
      held_[event].push_back(std::move(work));
      continue;
    }
    work();
  }
}

void engine_host::run_autopilot(session::millis now) {
  session::event_engine& engine = *engines_[0];
  auto move = session::autopilot_move(engine.run_of_show(), engine.definition().starts_at,
                                      owner_.config().autopilot_speed, now);
  if (!move) return;
  // The engine applies the move at once, so the next tick already sees it (no double moves).
  session::command cmd{nullptr, std::move(*move)};
  session::engine_reply reply =
      engine.apply(cmd, session::actor{session::role::producer, {}, "autopilot"}, now);
  if (!reply.result.ok()) return;
  log_event("autopilot",
            {{"event", owner_.event_id(0)}, {"move", std::string(session::type_name(cmd.body))}});
  finish(0, std::move(reply), reply_target{});
}

std::string engine_host::check_rules(const boost::json::object& rules) {
  // New auto-moderation rules are checked by the tracker that will apply them.
  auto parsed = tracker::moderation_rules::parse(rules);
  if (auto* refused = std::get_if<tracker::rules_error>(&parsed)) return "rules." + refused->message();
  return {};
}

void engine_host::apply_effects(std::size_t event, const std::vector<session::engine_effect>& effects) {
  for (const auto& effect : effects) {
    if (const auto* rules = std::get_if<session::rules_changed>(&effect)) {
      auto parsed = tracker::moderation_rules::parse(rules->rules);
      if (auto* checked = std::get_if<tracker::moderation_rules>(&parsed))
        owner_.ingest().set_rules(event, std::move(*checked));
    } else if (const auto* authors = std::get_if<session::authors_changed>(&effect)) {
      owner_.ingest().set_authors(event, authors->authors);
    } else if (const auto* decision = std::get_if<session::decision_made>(&effect)) {
      owner_.metrics().observe_decision(static_cast<std::uint64_t>(decision->waited));
    }
  }
}

void engine_host::submit_post(std::size_t event, session::social_post post,
                              session::moderation_decision decision) {
  post_work(event, [this, event, post = std::move(post), decision = std::move(decision)] {
    session::engine_reply reply = engines_[event]->ingest(post, decision, wall_clock_ms());
    // A post the wall already holds (a repeat after a restart) changes nothing.
    if (reply.result.ok()) finish(event, std::move(reply), reply_target{});
  });
}

void engine_host::submit_retraction(std::size_t event, std::string post_id) {
  post_work(event, [this, event, post_id = std::move(post_id)] {
    session::engine_reply reply = engines_[event]->retract(post_id, wall_clock_ms());
    if (reply.result.ok()) finish(event, std::move(reply), reply_target{});
  });
}

void engine_host::submit_edit(std::size_t event, session::social_post post,
                              session::moderation_decision decision) {
  post_work(event, [this, event, post = std::move(post), decision = std::move(decision)] {
    session::engine_reply reply = engines_[event]->edit(post, decision, wall_clock_ms());
    // An edit of a post the wall never took (filtered out, or unknown) changes nothing.
    if (reply.result.ok()) finish(event, std::move(reply), reply_target{});
  });
}

boost::json::object engine_host::moderation_rules(std::size_t event) const {
  return engines_[event]->moderation_rules();
}

std::shared_ptr<const session::author_lists> engine_host::authors(std::size_t event) const {
  return engines_[event]->authors();
}

std::vector<std::string> engine_host::known_posts(std::size_t event) const {
  return engines_[event]->wall().post_ids();
}

void engine_host::with_engine(std::size_t event, std::function<void(session::event_engine&)> work) {
  net::post(context_, [this, event, work = std::move(work)] { work(*engines_[event]); });
}

std::shared_ptr<const delivery> engine_host::frame_messages(
    std::vector<session::message_ptr> messages) const {
  auto batch = std::make_shared<delivery>();
  batch->frames.reserve(messages.size());
  for (const auto& message : messages) batch->frames.push_back(frame_text(message->payload));
  batch->messages = std::move(messages);
  return batch;
}

void engine_host::finish(std::size_t event, session::engine_reply reply, reply_target target) {
  apply_effects(event, reply.effects);
  std::string ack = target.id.is_null() ? std::string() : session::ack_frame(target.id, reply.ack);
  if (!reply.journal) {
    // Nothing changed (an idempotent command): answer at once.
    if (!ack.empty()) answer(target, std::move(ack));
    return;
  }
  auto batch = frame_messages(std::move(reply.messages));
  std::string record = boost::json::serialize(*reply.journal);
  const int format = session::journal_record_version(*reply.journal);
  std::vector<session::journal_entry> entries;
  entries.push_back({format, std::move(record), session::journal_record_folds(*reply.journal)});
  store_.append(
      owner_.event_id(event), next_position_[event]++, std::move(entries),
      [this, event, generation = generation_[event], batch = std::move(batch), target = std::move(target),
       ack = std::move(ack)](const session::append_outcome& outcome) mutable {
        if (outcome.status != session::append_status::durable) {
          const bool fenced = outcome.status == session::append_status::fenced;
          log_event(fenced ? "store_fenced" : "store_write_failed",
                    {{"event", owner_.event_id(event)}, {"why", outcome.error}});
          answer(target, session::error_frame(target.id, session::error_code::internal,
                                              "the change could not be stored; nothing was changed"));
          // The engine holds changes that were never stored: once per refusal, it is
          // rebuilt from what is durable (the refusals after the first are already covered).
          net::post(context_, [this, event, generation] {
            if (generation_[event] == generation) rebuild(event);
          });
          return;
        }
        // The batch reaches every shard before the ack, so the client sees its change first.
        if (!batch->messages.empty()) owner_.broadcast(event, batch);
        if (!ack.empty()) answer(target, std::move(ack));
      });
  ++since_snapshot_[event];
  maybe_snapshot(event);
}

void engine_host::maybe_snapshot(std::size_t event) {
  const auto now = std::chrono::steady_clock::now();
  const server_config& config = owner_.config();
  if (snapshot_writing_[event] || since_snapshot_[event] == 0) return;
  if (since_snapshot_[event] < config.snapshot_records &&
      now - snapshot_taken_[event] < config.snapshot_interval)
    return;
  // The state after every record appended so far: the store keeps it once they are durable,
  // and refuses it with them when one is refused.
  const std::uint64_t position = next_position_[event] - 1;
  auto state = std::make_shared<boost::json::object>(engines_[event]->snapshot());
  snapshot_writing_[event] = true;
  since_snapshot_[event] = 0;
  snapshot_taken_[event] = now;
  net::post(snapshot_worker_, [this, event, position, generation = generation_[event],
                               state = std::move(state)]() mutable {
    auto text = std::make_shared<std::string>(boost::json::serialize(*state));
    state.reset();
    // Handed to the store from the engine thread, in order with its appends. A rebuild
    // since it was taken means it may hold a record the store refused: it is dropped.
    net::post(context_, [this, event, position, generation, text = std::move(text)] {
      if (generation_[event] != generation) {
        snapshot_writing_[event] = false;
        return;
      }
      const std::size_t bytes = text->size();
      store_.write_snapshot(
          owner_.event_id(event), session::journal_snapshot{position, std::move(*text)},
          [this, event, position, bytes](const session::append_outcome& outcome) {
            if (outcome.status == session::append_status::durable)
              log_event("snapshot_stored", {{"event", owner_.event_id(event)},
                                            {"position", std::to_string(position)},
                                            {"bytes", std::to_string(bytes)}});
            else
              log_event("snapshot_failed", {{"event", owner_.event_id(event)}, {"why", outcome.error}});
            net::post(context_, [this, event] { snapshot_writing_[event] = false; });
          });
    });
  });
}

session::engine_limits engine_host::engine_limits() const {
  session::engine_limits limits;
  limits.max_questions = owner_.config().max_questions;
  limits.max_posts = owner_.config().max_posts;
  limits.max_polls = owner_.config().max_polls;
  limits.max_vote_changes = static_cast<std::uint32_t>(
      std::min<std::size_t>(owner_.config().max_vote_changes, std::numeric_limits<std::uint32_t>::max()));
  return limits;
}

std::size_t engine_host::replay(session::event_engine& engine, std::vector<session::stored_record>& records,
                                session::event_replica* replica, std::string* refusal) const {
  std::size_t skipped = 0;
  for (auto& stored : records) {
    boost::system::error_code ec;
    auto record = boost::json::parse(stored.text, ec);
    std::string().swap(stored.text);  // the text is done with: memory stays at about one journal
    if (refusal) {
      std::string problem = ec || !record.is_object() ? std::string("text that is not a JSON object")
                                                      : session::journal_record_problem(record.get_object());
      if (!problem.empty()) {
        *refusal = "record " + std::to_string(stored.position) + " has " + problem;
        return skipped;
      }
    }
    session::engine_reply reply;
    if (ec || !record.is_object() || !engine.replay(record.get_object(), reply)) {
      ++skipped;
      continue;
    }
    if (replica)
      for (const auto& message : reply.messages) replica->apply(message);
  }
  return skipped;
}

bool engine_host::export_audit(std::size_t event, const std::function<void(const session::audit_entry&)>& row,
                               std::string& error, const std::string& epoch) const {
  session::engine_limits limits = engine_limits();
  // The entries are taken after every record; one record (an author block over every post
  // kept, each with a waiting edit) makes at most two per post.
  limits.max_audit = 2 * limits.max_posts + 16;
  std::pair<session::event_definition, std::string> loaded;
  {
    std::lock_guard lock(loaded_mutex_);
    loaded = loaded_[event];
  }
  session::event_engine engine(loaded.first, loaded.second, limits);
  // A page at a time: memory holds one page of the journal's text, never all of it.
  constexpr std::size_t page = 4096;
  std::vector<session::stored_record> records;
  for (std::uint64_t from = 1;; from += page) {
    records.clear();
    const bool archived = !epoch.empty() && epoch != loaded.second;
    if (archived ? !store_.read_archived(loaded.first.id, epoch, from, records, error, page)
                 : !store_.read(loaded.first.id, from, records, error, page))
      return false;
    for (const auto& stored : records) {
      boost::system::error_code ec;
      auto record = boost::json::parse(stored.text, ec);
      session::engine_reply reply;
      if (!ec && record.is_object()) engine.replay(record.get_object(), reply);
      for (const auto& entry : engine.take_audit()) row(entry);
    }
    if (records.size() < page) return true;
  }
}

void engine_host::rebuild(std::size_t event) {
  const std::string& id = owner_.event_id(event);
  auto engine = std::make_unique<session::event_engine>(engines_[event]->definition(),
                                                        engines_[event]->epoch(), engine_limits());
  std::vector<session::stored_record> records;
  std::uint64_t next = 1;
  std::string error;
  if (!read_engine(id, *engine, records, next, error)) {
    // Appends stay refused; the store is tried again in a second (or at the next refusal),
    // so the event takes commands again soon after the store is back, by itself.
    log_event("rebuild_failed", {{"event", id}, {"why", error}});
    if (!retry_rebuild_[event]) {
      retry_rebuild_[event] = true;
      auto retry = std::make_shared<net::steady_timer>(context_, std::chrono::seconds(1));
      retry->async_wait(
          [this, retry, event, generation = generation_[event]](const boost::system::error_code& ec) {
            retry_rebuild_[event] = false;
            if (!ec && !stopping_ && generation_[event] == generation) rebuild(event);
          });
    }
    return;
  }
  replay(*engine, records, nullptr);
  engine->set_rules_checker(&engine_host::check_rules);
  log_event("event_rebuilt", {{"event", id}, {"seq", std::to_string(engine->seq())}});
  engines_[event] = std::move(engine);
  next_position_[event] = next;
  ++generation_[event];
  store_.resume(id);
}

bool engine_host::read_engine(const std::string& id, session::event_engine& engine,
                              std::vector<session::stored_record>& tail, std::uint64_t& next,
                              std::string& error) const {
  std::optional<session::journal_snapshot> snapshot;
  if (!store_.read_snapshot(id, snapshot, error)) {
    error = "cannot read the state snapshot of " + id + ": " + error;
    return false;
  }
  std::uint64_t from = 1;
  if (snapshot) {
    std::string why;
    // Votes and ticks before it may have left the journal: without it there is no going back.
    if (!engine.restore(snapshot->state, why)) {
      error = "the state snapshot of event " + id + " (journal position " +
              std::to_string(snapshot->position) + ") cannot be read by this build: " + why +
              ". Start the build that wrote it";
      return false;
    }
    from = snapshot->position + 1;
  }
  if (!store_.read(id, from, tail, error)) {
    error = "cannot read the journal of " + id + ": " + error;
    return false;
  }
  next = tail.empty() ? from : tail.back().position + 1;
  return true;
}

}  // namespace companion::gateway
