#include "gateway/ingest_host.hpp"

#include "gateway/log.hpp"
#include "gateway/replay_source.hpp"
#include "gateway/server.hpp"

namespace companion::gateway {
namespace {

session::millis wall_clock_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Counters are copied out for /metrics this often; scrapes never touch the pipelines.
constexpr auto metrics_interval = std::chrono::seconds(1);

double number_or(const boost::json::object& object, std::string_view key, double fallback) {
  auto it = object.find(key);
  if (it == object.end()) return fallback;
  if (it->value().is_double()) return it->value().get_double();
  if (it->value().is_int64()) return static_cast<double>(it->value().get_int64());
  return fallback;
}

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
      auto source = replay_source::open(*this, event, *replay_file, replay_speed, error);
      if (!source) return false;
      sources_[event].push_back(std::move(source));
    }
  }
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
  net::post(context_, [this] {
    metrics_timer_.cancel();
    for (auto& event_sources : sources_)
      for (auto& source : event_sources) source->stop();
  });
  context_.stop();
  if (thread_.joinable()) thread_.join();
}

ingest_host::line_outcome ingest_host::feed(std::size_t event, std::string_view line,
                                            tracker::wire_format format) {
  tracker::ingest_pipeline& pipeline = *pipelines_[event];
  const auto before = pipeline.counters();
  tracker::ingest_result result = pipeline.ingest(line, format, wall_clock_ms());
  if (auto* post = std::get_if<tracker::accepted_post>(&result)) {
    bool rejected = post->decision.verdict == session::post_verdict::rejected;
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
      switch (feed(event, line, tracker::wire_format::unknown)) {
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

void ingest_host::publish_metrics() {
  std::string text;
  auto line = [&text](const std::string& name, const std::string& labels, std::uint64_t value) {
    text += name + "{" + labels + "} " + std::to_string(value) + "\n";
  };
  for (std::size_t event = 0; event < pipelines_.size(); ++event) {
    std::string event_label = "event=\"" + owner_.event_id(event) + "\"";
    for (const auto& sample : pipelines_[event]->counters().samples()) {
      std::string labels = event_label;
      if (!sample.label.empty()) labels += "," + sample.label + "=\"" + sample.label_value + "\"";
      line("companion_" + sample.name, labels, sample.value);
    }
    for (const auto& source : sources_[event]) {
      boost::json::object status = source->status();
      std::string kind(status.at("kind").as_string());
      std::string labels = event_label + ",source=\"" + kind + "\"";
      if (auto it = status.find("accepted"); it != status.end() && it->value().is_uint64())
        line("companion_source_accepted_total", labels, it->value().get_uint64());
      if (auto it = status.find("lag_ms"); it != status.end() && it->value().is_int64())
        line("companion_source_lag_ms", labels,
             static_cast<std::uint64_t>(std::max<std::int64_t>(0, it->value().get_int64())));
      if (auto it = status.find("state"); it != status.end() && it->value().is_string())
        line("companion_source_up", labels,
             it->value().get_string() == "connected" || it->value().get_string() == "replaying" ? 1 : 0);
    }
  }
  {
    std::lock_guard lock(metrics_mutex_);
    metrics_text_ = std::move(text);
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

}  // namespace companion::gateway
