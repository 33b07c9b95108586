#include "gateway/net/reaction_pulse.hpp"

#include "gateway/net/shard.hpp"
#include "gateway/process/clock.hpp"

namespace companion::gateway {

reaction_pulse::reaction_pulse(net::io_context& context, const std::vector<std::unique_ptr<shard>>& shards,
                               std::vector<session::reaction_set> sets, std::chrono::milliseconds window,
                               sender send)
    : timer_(context), shards_(shards), sets_(std::move(sets)), window_(window), send_(std::move(send)) {
  for (const auto& set : sets_) tallies_.emplace_back(shards_.size(), set.size());
}

void reaction_pulse::start() {
  next_ = steady_clock::now() + window_;
  schedule();
}

void reaction_pulse::stop() {
  stopped_ = true;
  timer_.cancel();
}

void reaction_pulse::schedule() {
  // Windows follow a fixed cadence, so a slow tick does not stretch the next window.
  timer_.expires_at(next_);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopped_) return;
    collect();
    next_ += window_;
    if (auto now = steady_clock::now(); next_ < now) next_ = now + window_;
    schedule();
  });
}

void reaction_pulse::collect() {
  const session::millis at = wall_clock_ms();
  for (std::size_t event = 0; event < sets_.size(); ++event) {
    session::reaction_tally& tally = tallies_[event];
    for (std::size_t s = 0; s < shards_.size(); ++s) {
      shards_[s]->reaction_totals(event, sets_[event].size(), scratch_);
      tally.read(s, scratch_);
    }
    session::reaction_window window = tally.take();
    // A quiet window sends nothing: no frame per connection twice a second for nothing.
    if (window.empty()) continue;
    auto message = std::make_shared<session::published_message>();
    message->kind = "reactions";  // seq 0: not a change, so no replica keeps it
    message->payload = session::reactions_frame(sets_[event], window, window_.count(), at);
    auto batch = std::make_shared<delivery>();
    batch->frames.push_back(frame_text(message->payload));
    batch->messages.push_back(std::move(message));
    windows_sent_.fetch_add(1, std::memory_order_relaxed);
    send_(event, std::move(batch));
  }
}

}  // namespace companion::gateway
