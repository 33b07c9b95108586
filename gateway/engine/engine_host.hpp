// The engines' thread: every event's single writer runs here. Commands arrive as
// posted work; replies and changes leave only after the store has committed them.
#pragma once

#include <array>
#include <boost/asio/thread_pool.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "gateway/net/delivery.hpp"
#include "gateway/net/net.hpp"
#include "hashtag-tracker/moderation_rules.hpp"
#include "session/engine.hpp"
#include "session/journal_store.hpp"
#include "session/replica.hpp"

namespace companion::gateway {

class server;
class shard;
class ws_connection;

// Where a command's answer goes: a connection on its home shard.
struct reply_target {
  shard* home = nullptr;
  std::weak_ptr<ws_connection> connection;
  boost::json::value id;  // the command id; null: no ack, errors only
};

class engine_host {
 public:
  engine_host(server& owner, session::journal_store& store);
  ~engine_host();

  // Before start(): builds each engine by replaying its journal. False with `error` on failure.
  bool load(std::vector<session::event_definition> events, std::string& error);
  // A replica of the event as of the last committed change, for a shard to start from.
  session::event_replica make_replica(std::size_t event) const;

  void start();
  void stop();

  // Thread-safe: runs the command on the engine thread.
  void submit(std::size_t event, session::command cmd, session::actor who, reply_target target);
  // Thread-safe: a post from the tracker, and a deletion at its source.
  void submit_post(std::size_t event, session::social_post post, session::moderation_decision decision);
  void submit_retraction(std::size_t event, std::string post_id);
  // Thread-safe: a post edited at its source, with the rules' verdict on the new version.
  void submit_edit(std::size_t event, session::social_post post, session::moderation_decision decision);
  // Before start(): the post ids an event's wall already holds.
  std::vector<std::string> known_posts(std::size_t event) const;
  // Before start(): the authors moderators blocked or trusted at runtime.
  std::shared_ptr<const session::author_lists> authors(std::size_t event) const;
  // Before start(): the auto-moderation rules in force after replaying the journal.
  boost::json::object moderation_rules(std::size_t event) const;
  // Thread-safe: runs `work` with the engine on the engine thread (exports).
  void with_engine(std::size_t event, std::function<void(session::event_engine&)> work);
  // Any thread but the engine's (it takes as long as the journal is long): rebuilds the event
  // from its committed journal, one record at a time, and hands every moderation decision to
  // `row` as it is made: memory holds a page of the journal's text and the event's bounded
  // state, never the whole journal or audit. False with `error` when the journal cannot be
  // read.
  // `epoch`: an earlier epoch's archived journal (a rehearsal's, after a reset) instead of
  // the present one; an epoch the event never had gives no rows.
  bool export_audit(std::size_t event, const std::function<void(const session::audit_entry&)>& row,
                    std::string& error, const std::string& epoch = {}) const;
  // On the engine thread: commits the reply's journal record, then publishes and answers.
  void finish(std::size_t event, session::engine_reply reply, reply_target target);

  net::io_context& context() { return context_; }
  // Posts and questions waiting for a moderator, as of the last tick; thread-safe.
  std::uint64_t queue_depth(std::size_t event) const {
    return queue_depths_[event].load(std::memory_order_relaxed);
  }
  std::size_t size() const { return engines_.size(); }
  // Questions refused because the event was full, as of the last tick; thread-safe.
  std::uint64_t questions_refused(std::size_t event) const {
    return questions_refused_[event].load(std::memory_order_relaxed);
  }
  // Votes refused at --max-vote-changes, as of the last tick; thread-safe.
  std::uint64_t votes_refused(std::size_t event) const {
    return votes_refused_[event].load(std::memory_order_relaxed);
  }
  // poll.create refused at --max-polls, as of the last tick; thread-safe.
  std::uint64_t polls_refused(std::size_t event) const {
    return polls_refused_[event].load(std::memory_order_relaxed);
  }
  // Posts forgotten at --max-posts, as of the last tick: settled, approved, held; thread-safe.
  std::uint64_t posts_evicted(std::size_t event, std::size_t kind) const {
    return posts_evicted_[event][kind].load(std::memory_order_relaxed);
  }

 private:
  void schedule_tick();
  // On the engine thread: runs `work` for `event` now, or after the event's reset when one
  // is under way (nothing that arrives meanwhile is lost or applied to the old epoch).
  void post_work(std::size_t event, std::function<void()> work);
  // event.reset, confirmed: the store starts the new epoch in order with the appends
  // before it; complete_reset() then builds the engine and every shard's replica anew.
  void begin_reset(std::size_t event, reply_target target);
  void complete_reset(std::size_t event, session::epoch_outcome result, reply_target target);
  session::replica_limits replica_limits() const;
  // Before load (--rehearsal): a journal holding more than preparation gets a new epoch
  // that keeps only the preparation, as event.reset does. False with `error` on failure.
  bool start_rehearsal(const std::string& id, std::string& error);
  // --autopilot: moves the default event's agenda when its segment has run its time.
  void run_autopilot(session::millis now);
  // moderation.set's rules as the tracker reads them: why they are refused, or empty.
  static std::string check_rules(const boost::json::object& rules);
  // What the ingest side and the metrics learn of an accepted input.
  void apply_effects(std::size_t event, const std::vector<session::engine_effect>& effects);
  // After a refused append: the engine again from what is durable, and appends resumed.
  void rebuild(std::size_t event);
  // Replays `records` into `engine` (and `replica`, when given); the count not understood.
  // With `refusal`, stops at the first record this build cannot replay and says why there.
  std::size_t replay(session::event_engine& engine, std::vector<session::stored_record>& records,
                     session::event_replica* replica, std::string* refusal = nullptr) const;
  // The engine as the store holds it: the newest state snapshot restored into `engine`,
  // and in `tail` the journal after it (all of it without a snapshot); `next` is the
  // position of the next append. False with `error`.
  bool read_engine(const std::string& id, session::event_engine& engine,
                   std::vector<session::stored_record>& tail, std::uint64_t& next, std::string& error) const;
  // On the engine thread, after an append: a snapshot when --snapshot-records records or
  // --snapshot-seconds have passed since the last and none is being written. The state is
  // copied here; serialising and storing it happen off this thread.
  void maybe_snapshot(std::size_t event);
  // The engines' limits from the configuration.
  session::engine_limits engine_limits() const;
  std::shared_ptr<const delivery> frame_messages(std::vector<session::message_ptr> messages) const;

  server& owner_;
  session::journal_store& store_;
  // Engine thread only, per event: the journal position of the next append, and how many
  // times the engine was rebuilt (a refusal from before the last rebuild is old news).
  std::vector<std::uint64_t> next_position_;
  std::vector<std::uint64_t> generation_;
  std::vector<bool> retry_rebuild_;  // a rebuild is due again after the store failed to read
  net::io_context context_{1};
  net::steady_timer tick_timer_;
  std::vector<std::unique_ptr<session::event_engine>> engines_;
  // Each event's definition and epoch as loaded (the epoch changes at a reset), read from
  // any thread under loaded_mutex_.
  std::vector<std::pair<session::event_definition, std::string>> loaded_;
  mutable std::mutex loaded_mutex_;
  // Engine thread only, per event: a reset is under way, and the inputs waiting for it.
  std::vector<char> resetting_;
  std::vector<std::vector<std::function<void()>>> held_;
  std::vector<std::unique_ptr<session::event_replica>> templates_;  // as of load()
  std::deque<std::atomic<std::uint64_t>> queue_depths_;             // a deque: atomics never move
  std::deque<std::atomic<std::uint64_t>> questions_refused_;
  std::deque<std::array<std::atomic<std::uint64_t>, 3>> posts_evicted_;
  std::deque<std::atomic<std::uint64_t>> votes_refused_;
  // Engine thread only, per event: records appended since the last snapshot was taken,
  // when it was taken, and whether it is still being written.
  std::vector<std::uint64_t> since_snapshot_;
  std::vector<std::chrono::steady_clock::time_point> snapshot_taken_;
  std::vector<bool> snapshot_writing_;
  // Serialises snapshots, so a big state never holds the engine thread for that.
  boost::asio::thread_pool snapshot_worker_{1};
  std::deque<std::atomic<std::uint64_t>> polls_refused_;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
};

}  // namespace companion::gateway
