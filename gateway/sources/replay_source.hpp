// Replays an NDJSON file of social posts (any supported format) as if they were
// arriving now: paced by their own timestamps divided by a speed factor, or as
// fast as possible with speed 0. The demo's wall comes alive this way offline. A
// rehearsal anchors the file to the shifted schedule: each line is played when the
// rehearsal reaches the moment it describes, and its post is stamped with that time.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "gateway/config.hpp"
#include "gateway/engine/ingest_host.hpp"
#include "gateway/net/net.hpp"
#include "gateway/sources/ingest_source.hpp"

namespace companion::gateway {

class replay_source final : public ingest_source {
 public:
  // Reads the file at once (replay files are small); false with `error` when unreadable.
  static std::unique_ptr<replay_source> open(ingest_host& host, std::size_t event,
                                             const std::filesystem::path& file, double speed,
                                             std::optional<source_overrides::anchor> anchor,
                                             std::string& error);

  void start() override;
  void stop() override;
  boost::json::object status() const override;

  // The time a line describes (ms), or 0 when it has none; used for pacing.
  static session::millis line_time(std::string_view line);

 private:
  replay_source(ingest_host& host, std::size_t event, std::string name, std::vector<std::string> lines,
                double speed, std::optional<source_overrides::anchor> anchor);
  void step();
  // Anchored: when the line's moment comes on the wall clock (ms), 0 for a line without time.
  session::millis due(std::size_t line) const;
  void wait(session::millis delay_ms);

  ingest_host& host_;
  std::size_t event_;
  std::string name_;
  std::vector<std::string> lines_;
  std::vector<session::millis> times_;
  double speed_;
  std::optional<source_overrides::anchor> anchor_;
  std::size_t next_ = 0;
  std::uint64_t accepted_ = 0;
  net::steady_timer timer_;
  bool stopped_ = false;
};

}  // namespace companion::gateway
