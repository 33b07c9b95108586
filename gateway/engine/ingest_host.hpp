// The ingest thread: each event's tracker pipeline (decode, match, dedup,
// auto-moderate) and its sources run here, so parsing social payloads never slows
// the I/O shards or the engines. Accepted posts go on to the event's engine.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "gateway/config.hpp"
#include "gateway/net/net.hpp"
#include "gateway/sources/ingest_source.hpp"
#include "hashtag-tracker/ingest_pipeline.hpp"
#include "session/event_definition.hpp"

namespace companion::gateway {

class server;

// How one webhook body went, as the protocol's 202 answer counts it.
struct ingest_tally {
  std::uint64_t accepted = 0;   // handed to moderation (held or auto-approved)
  std::uint64_t duplicate = 0;  // seen before
  std::uint64_t rejected = 0;   // refused by a rule, or carrying none of the event's hashtags
  std::uint64_t invalid = 0;    // not a post in any known format
};

class ingest_host {
 public:
  explicit ingest_host(server& owner);
  ~ingest_host();

  // Builds each event's pipeline from its moderation rules and its sources from the
  // event file's "sources" (paths relative to `event_files[i]`'s folder).
  bool configure(const std::vector<session::event_definition>& events,
                 const std::vector<std::filesystem::path>& event_files, const source_overrides& overrides,
                 std::string& error);
  // Post ids the engine already holds (after a restart), so repeats are dropped.
  void remember(std::size_t event, const std::vector<std::string>& post_ids);

  void start();
  void stop();
  net::io_context& context() { return context_; }

  // --- on the ingest thread ---
  // One frame or line from a source or a webhook body; returns what became of it.
  // `unnamed_author`, when given, receives the author id of an accepted post that has
  // no handle yet (a Bluesky DID no identity frame has named), so the source can look it up.
  enum class line_outcome { accepted, duplicate, rejected, invalid, other };
  // Webhook bodies come in `lane` webhook: the webhook's own formats and posts only.
  // A non-zero `stamp` becomes the post's created_at (a rehearsal's replay happens now).
  line_outcome feed(std::size_t event, std::string_view line, tracker::wire_format format,
                    std::string* unnamed_author = nullptr,
                    tracker::ingest_lane lane = tracker::ingest_lane::source, session::millis stamp = 0);
  tracker::ingest_pipeline& pipeline(std::size_t event) { return *pipelines_[event]; }

  // Thread-safe: ingests an NDJSON (or single JSON) body, then calls `done` on the ingest thread.
  void ingest_body(std::size_t event, std::string body, std::function<void(ingest_tally)> done);

  // Thread-safe: the moderators' author lists changed (the engine holds them); later posts
  // are judged by this copy at ingest.
  void set_authors(std::size_t event, std::shared_ptr<const session::author_lists> authors);
  // Thread-safe: replaces an event's auto-moderation rules (moderation.set).
  void set_rules(std::size_t event, tracker::moderation_rules rules);

  // Thread-safe snapshots for /metrics.
  std::string metrics_text() const;
  // Thread-safe: each source's status() of `event`, as of the last metrics tick (for the
  // moderator console).
  boost::json::array sources_status(std::size_t event) const;

 private:
  void publish_metrics();
  // The event's Jetstream and Mastodon sources, from its file and (default event) the flags.
  bool configure_streams(std::size_t event, const session::event_definition& definition,
                         const std::filesystem::path& event_file, const source_overrides* overrides,
                         std::string& error);

  server& owner_;
  net::io_context context_{1};
  std::vector<std::unique_ptr<tracker::ingest_pipeline>> pipelines_;
  // Per event, the last copy of the moderators' author lists (ingest thread only).
  std::vector<std::shared_ptr<const session::author_lists>> authors_;
  std::vector<std::vector<std::unique_ptr<ingest_source>>> sources_;
  net::steady_timer metrics_timer_;
  mutable std::mutex metrics_mutex_;
  std::string metrics_text_;
  std::vector<boost::json::array> sources_status_;
  std::thread thread_;
  bool started_ = false;
};

}  // namespace companion::gateway
