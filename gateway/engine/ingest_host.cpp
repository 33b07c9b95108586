#include "gateway/engine/ingest_host.hpp"

#include <map>
#include "gateway/process/clock.hpp"

#include <array>
#include <cstdlib>
#include <future>
#include <span>

#include "common/prometheus_text.hpp"
#include "gateway/process/log.hpp"
#include "gateway/server.hpp"
#include "gateway/sources/cursor_file.hpp"
#include "gateway/sources/jetstream_source.hpp"
#include "gateway/sources/mastodon_source.hpp"
#include "gateway/sources/replay_source.hpp"

namespace companion::gateway {
namespace {

// Counters are copied out for /metrics this often; scrapes never touch the pipelines.
constexpr auto metrics_interval = std::chrono::seconds(1);

double number_or(const boost::json::object& object, std::string_view key, double fallback) {
  auto it = object.find(key);
  if (it == object.end()) return fallback;
  if (it->value().is_double()) return it->value().get_double();
  if (it->value().is_int64()) return static_cast<double>(it->value().get_int64());
  return fallback;
}

// A string setting of an object, or nullopt when absent; false when present but not a string.
bool string_setting(const boost::json::object& object, std::string_view key,
                    std::optional<std::string>& out) {
  auto it = object.find(key);
  if (it == object.end()) return true;
  if (!it->value().is_string()) return false;
  out = std::string(it->value().get_string());
  return true;
}

// How long stop() waits for the sources to close and write their cursors.
constexpr auto stop_grace = std::chrono::seconds(2);

}  // namespace

ingest_host::ingest_host(server& owner) : owner_(owner), metrics_timer_(context_) {}

ingest_host::~ingest_host() {
  stop();
}

bool ingest_host::configure(const std::vector<session::event_definition>& events,
                            const std::vector<std::filesystem::path>& event_files,
                            const source_overrides& overrides, std::string& error) {
  for (std::size_t event = 0; event < events.size(); ++event) {
    const auto& definition = events[event];
    auto rules = tracker::moderation_rules::parse(definition.moderation);
    if (auto* refused = std::get_if<tracker::rules_error>(&rules)) {
      error = event_files[event].string() + ": moderation." + refused->message();
      return false;
    }
    pipelines_.push_back(std::make_unique<tracker::ingest_pipeline>(
        definition.hashtags, std::move(std::get<tracker::moderation_rules>(rules))));
    authors_.emplace_back();
    sources_.emplace_back();

    std::filesystem::path folder = event_files[event].parent_path();
    std::optional<std::filesystem::path> replay_file;
    double replay_speed = 1.0;
    if (auto it = definition.sources.find("replay"); it != definition.sources.end()) {
      if (!it->value().is_object() || !it->value().get_object().contains("file") ||
          !it->value().get_object().at("file").is_string()) {
        error =
            event_files[event].string() + ": sources.replay: needs {\"file\": \"...\", \"speed\": number}";
        return false;
      }
      replay_file = folder / std::string(it->value().get_object().at("file").get_string());
      replay_speed = number_or(it->value().get_object(), "speed", 1.0);
    }
    if (event == 0 && overrides.replay_file) replay_file = overrides.replay_file;
    if (event == 0 && overrides.replay_speed) replay_speed = *overrides.replay_speed;
    if (replay_file) {
      auto source = replay_source::open(*this, event, *replay_file, replay_speed,
                                        event == 0 ? overrides.replay_anchor : std::nullopt, error);
      if (!source) return false;
      sources_[event].push_back(std::move(source));
    }
    if (!configure_streams(event, definition, event_files[event], event == 0 ? &overrides : nullptr, error))
      return false;
  }
  return true;
}

bool ingest_host::configure_streams(std::size_t event, const session::event_definition& definition,
                                    const std::filesystem::path& event_file,
                                    const source_overrides* overrides, std::string& error) {
  auto settings_of = [&](std::string_view kind, boost::json::object& out) {
    auto it = definition.sources.find(kind);
    if (it == definition.sources.end()) return true;
    if (!it->value().is_object()) {
      error = event_file.string() + ": sources." + std::string(kind) + ": needs an object";
      return false;
    }
    out = it->value().get_object();
    return true;
  };

  // Jetstream: {"url": "wss://...", "did_resolver": "https://..." | ""}
  boost::json::object jetstream;
  bool has_jetstream = definition.sources.contains("jetstream");
  if (!settings_of("jetstream", jetstream)) return false;
  std::optional<std::string> jetstream_url, resolver_url;
  if (!string_setting(jetstream, "url", jetstream_url) ||
      !string_setting(jetstream, "did_resolver", resolver_url)) {
    error = event_file.string() + ": sources.jetstream: url and did_resolver are strings";
    return false;
  }
  if (overrides && overrides->jetstream_url) {
    has_jetstream = true;
    jetstream_url = overrides->jetstream_url;
  }
  if (overrides && overrides->did_resolver_url) resolver_url = overrides->did_resolver_url;
  if (has_jetstream) {
    jetstream_settings settings;
    if (jetstream_url) settings.url = *jetstream_url;
    if (resolver_url) settings.did_resolver_url = *resolver_url;
    auto path = cursor_file::path_for(owner_.config().data_dir, owner_.event_id(event), "jetstream");
    auto source = jetstream_source::create(*this, event, std::move(settings), std::move(path), error);
    if (!source) return false;
    sources_[event].push_back(std::move(source));
  }

  // Mastodon: {"url": "https://server", "token_env": "NAME", "token_in_query": false}
  boost::json::object mastodon;
  bool has_mastodon = definition.sources.contains("mastodon");
  if (!settings_of("mastodon", mastodon)) return false;
  std::optional<std::string> mastodon_url, token_env;
  if (!string_setting(mastodon, "url", mastodon_url) || !string_setting(mastodon, "token_env", token_env)) {
    error = event_file.string() + ": sources.mastodon: url and token_env are strings";
    return false;
  }
  if (overrides && overrides->mastodon_url) {
    has_mastodon = true;
    mastodon_url = overrides->mastodon_url;
  }
  if (!has_mastodon) return true;
  if (!mastodon_url) {
    error = event_file.string() +
            ": sources.mastodon: needs {\"url\": \"https://server\", \"token_env\": \"NAME\"}";
    return false;
  }
  mastodon_settings settings;
  settings.url = *mastodon_url;
  settings.data_dir = owner_.config().data_dir;
  settings.event_id = owner_.event_id(event);
  // The token itself never sits in the event file, which is shared and versioned.
  if (token_env)
    if (const char* value = std::getenv(token_env->c_str())) settings.token = value;
  if (overrides && overrides->mastodon_token) settings.token = *overrides->mastodon_token;
  if (auto it = mastodon.find("token_in_query"); it != mastodon.end() && it->value().is_bool())
    settings.token_in_query = it->value().get_bool();
  auto source = mastodon_source::create(*this, event, std::move(settings), definition.hashtags, error);
  if (!source) return false;
  sources_[event].push_back(std::move(source));
  return true;
}

void ingest_host::remember(std::size_t event, const std::vector<std::string>& post_ids) {
  for (const auto& id : post_ids) pipelines_[event]->remember(id);
}

void ingest_host::start() {
  started_ = true;
  for (auto& event_sources : sources_)
    for (auto& source : event_sources) source->start();
  publish_metrics();
  thread_ = std::thread([this] { context_.run(); });
}

void ingest_host::stop() {
  if (!started_) return;
  started_ = false;
  // The sources stop on their own thread (close frames, cursor files) before the loop ends.
  auto stopped = std::make_shared<std::promise<void>>();
  auto done = stopped->get_future();
  net::post(context_, [this, stopped] {
    metrics_timer_.cancel();
    for (auto& event_sources : sources_)
      for (auto& source : event_sources) source->stop();
    stopped->set_value();
  });
  if (thread_.joinable()) done.wait_for(stop_grace);
  context_.stop();
  if (thread_.joinable()) thread_.join();
}

ingest_host::line_outcome ingest_host::feed(std::size_t event, std::string_view line,
                                            tracker::wire_format format, std::string* unnamed_author,
                                            tracker::ingest_lane lane, session::millis stamp) {
  tracker::ingest_pipeline& pipeline = *pipelines_[event];
  const auto before = pipeline.counters();
  tracker::ingest_result result = pipeline.ingest(line, format, wall_clock_ms(), lane);
  if (auto* post = std::get_if<tracker::accepted_post>(&result)) {
    bool rejected = post->decision.verdict == session::post_verdict::rejected;
    if (stamp > 0) post->post.created_at = stamp;
    if (unnamed_author && post->post.author_handle == post->post.author_id)
      *unnamed_author = post->post.author_id;
    if (post->is_edit)
      owner_.engines().submit_edit(event, std::move(post->post), std::move(post->decision));
    else
      owner_.engines().submit_post(event, std::move(post->post), std::move(post->decision));
    return rejected ? line_outcome::rejected : line_outcome::accepted;
  }
  if (auto* deleted = std::get_if<tracker::deleted_post>(&result)) {
    owner_.engines().submit_retraction(event, std::move(deleted->post_id));
    return line_outcome::other;
  }
  const auto& after = pipeline.counters();
  auto total = [](const tracker::ingest_counters& counters, auto field) {
    std::uint64_t sum = 0;
    for (const auto& source : counters.by_source) sum += source.*field;
    return sum;
  };
  if (total(after, &tracker::source_counters::duplicates) >
      total(before, &tracker::source_counters::duplicates))
    return line_outcome::duplicate;
  if (total(after, &tracker::source_counters::not_matching) >
      total(before, &tracker::source_counters::not_matching))
    return line_outcome::rejected;
  if (total(after, &tracker::source_counters::skipped) > total(before, &tracker::source_counters::skipped))
    return line_outcome::invalid;
  return line_outcome::other;
}

void ingest_host::ingest_body(std::size_t event, std::string body, std::function<void(ingest_tally)> done) {
  net::post(context_, [this, event, body = std::move(body), done = std::move(done)] {
    ingest_tally tally;
    std::string_view rest = body;
    while (!rest.empty()) {
      auto end = rest.find('\n');
      std::string_view line = rest.substr(0, end);
      rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
      while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
        line.remove_suffix(1);
      while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
      if (line.empty()) continue;
      switch (feed(event, line, tracker::wire_format::unknown, nullptr, tracker::ingest_lane::webhook)) {
        case line_outcome::accepted:
          ++tally.accepted;
          break;
        case line_outcome::duplicate:
          ++tally.duplicate;
          break;
        case line_outcome::rejected:
          ++tally.rejected;
          break;
        case line_outcome::invalid:
          ++tally.invalid;
          break;
        case line_outcome::other:
          break;
      }
    }
    done(tally);
  });
}

namespace {

// What each ingest family counts, for the # HELP line Prometheus shows beside it.
std::string_view ingest_family_help(std::string_view name) {
  static const std::map<std::string_view, std::string_view> help{
      {"companion_tracker_frames_total", "Payloads received, by wire format."},
      {"companion_tracker_posts_matched_total", "Posts carrying one of the event's hashtags."},
      {"companion_tracker_posts_not_matching_total", "Posts without the event's hashtags."},
      {"companion_tracker_posts_duplicate_total", "Posts already seen."},
      {"companion_tracker_posts_accepted_total", "Posts handed to moderation."},
      {"companion_tracker_deletions_total", "Deletions received."},
      {"companion_tracker_identities_total", "Identity (handle) updates received."},
      {"companion_tracker_skipped_total", "Payloads skipped, by wire format."},
      {"companion_tracker_skipped_by_reason_total", "Payloads skipped, by reason."},
      {"companion_tracker_dedup_total", "Posts dropped by deduplication, by outcome."},
      {"companion_tracker_edits_total", "Edits of known posts."},
      {"companion_tracker_deletions_unknown_total", "Deletions of posts never seen."},
      {"companion_tracker_verdicts_total", "Auto-moderation verdicts."},
      {"companion_tracker_rule_total", "Auto-moderation rule hits."},
      {"companion_source_accepted_total", "Posts accepted from each connected source."},
      {"companion_source_frames_total", "Frames read from each connected source."},
      {"companion_source_reconnects_total", "Reconnections of each source."},
      {"companion_source_cursor", "Each source's durable resume position."},
      {"companion_source_state", "1 for each source's current connection state."},
      {"companion_source_lag_ms", "How far each source runs behind real time, in milliseconds."},
      {"companion_source_up", "1 while a source is connected or replaying."},
  };
  auto it = help.find(name);
  return it == help.end() ? std::string_view("Ingest counter.") : it->second;
}

}  // namespace

void ingest_host::publish_metrics() {
  // The writer groups samples by family, so each family is one block under its HELP and TYPE.
  common::prometheus_text text;
  auto line = [&text](const std::string& name, std::span<const common::metric_label> labels,
                      std::uint64_t value) {
    text.family(name, name.ends_with("_total") ? common::metric_type::counter : common::metric_type::gauge,
                ingest_family_help(name));
    text.sample(name, value, labels);
  };
  std::vector<boost::json::array> statuses(pipelines_.size());
  for (std::size_t event = 0; event < pipelines_.size(); ++event) {
    const std::string& event_id = owner_.event_id(event);
    for (const auto& sample : pipelines_[event]->counters().samples()) {
      std::vector<common::metric_label> labels{{"event", event_id}};
      if (!sample.label.empty()) labels.emplace_back(sample.label, sample.label_value);
      line("companion_" + sample.name, labels, sample.value);
    }
    for (const auto& source : sources_[event]) {
      boost::json::object status = source->status();
      std::string kind(status.at("kind").as_string());
      const std::array<common::metric_label, 2> labels{{{"event", event_id}, {"source", kind}}};
      if (auto it = status.find("accepted"); it != status.end() && it->value().is_uint64())
        line("companion_source_accepted_total", labels, it->value().get_uint64());
      if (auto it = status.find("frames"); it != status.end() && it->value().is_uint64())
        line("companion_source_frames_total", labels, it->value().get_uint64());
      if (auto it = status.find("reconnects"); it != status.end() && it->value().is_uint64())
        line("companion_source_reconnects_total", labels, it->value().get_uint64());
      if (auto it = status.find("cursor"); it != status.end() && it->value().is_int64())
        line("companion_source_cursor", labels,
             static_cast<std::uint64_t>(std::max<std::int64_t>(0, it->value().get_int64())));
      // One series per known state, 1 for the current one, so dashboards can plot transitions.
      if (auto it = status.find("state"); it != status.end() && it->value().is_string() && kind != "replay")
        for (std::string_view state : {"connecting", "connected", "backoff", "stopped"}) {
          const std::array<common::metric_label, 3> with_state{{labels[0], labels[1], {"state", state}}};
          line("companion_source_state", with_state, it->value().get_string() == state ? 1 : 0);
        }
      if (auto it = status.find("lag_ms"); it != status.end() && it->value().is_int64())
        line("companion_source_lag_ms", labels,
             static_cast<std::uint64_t>(std::max<std::int64_t>(0, it->value().get_int64())));
      if (auto it = status.find("state"); it != status.end() && it->value().is_string())
        line("companion_source_up", labels,
             it->value().get_string() == "connected" || it->value().get_string() == "replaying" ? 1 : 0);
      statuses[event].push_back(std::move(status));
    }
  }
  {
    std::lock_guard lock(metrics_mutex_);
    metrics_text_ = text.str();
    sources_status_ = std::move(statuses);
  }
  metrics_timer_.expires_after(metrics_interval);
  metrics_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) publish_metrics();
  });
}

std::string ingest_host::metrics_text() const {
  std::lock_guard lock(metrics_mutex_);
  return metrics_text_;
}

boost::json::array ingest_host::sources_status(std::size_t event) const {
  std::lock_guard lock(metrics_mutex_);
  return event < sources_status_.size() ? sources_status_[event] : boost::json::array();
}

void ingest_host::set_authors(std::size_t event, std::shared_ptr<const session::author_lists> authors) {
  net::post(context_, [this, event, authors = std::move(authors)] {
    authors_[event] = authors;
    pipelines_[event]->rules().set_moderator_authors(*authors);
  });
}

void ingest_host::set_rules(std::size_t event, tracker::moderation_rules rules) {
  net::post(context_, [this, event, rules = std::move(rules)]() mutable {
    // The moderators' author lists stand whatever rules come.
    if (authors_[event]) rules.set_moderator_authors(*authors_[event]);
    pipelines_[event]->rules() = std::move(rules);
  });
}

}  // namespace companion::gateway
