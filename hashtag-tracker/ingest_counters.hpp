// What the ingest pipeline did, as plain counters: per source format, per skip reason,
// per dedup outcome and per moderation rule. samples() names them for /metrics.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "any_decoder.hpp"
#include "decode_result.hpp"
#include "moderation_rules.hpp"

namespace companion::tracker {

struct source_counters {
  std::uint64_t frames = 0;        // frames or lines received
  std::uint64_t posts = 0;         // carried one of the event's hashtags
  std::uint64_t not_matching = 0;  // posts without any of them
  std::uint64_t duplicates = 0;    // dropped by dedup
  std::uint64_t accepted = 0;      // handed to the engine (any verdict)
  std::uint64_t deletions = 0;     // deletions of posts handed to the engine
  std::uint64_t identities = 0;    // DID -> handle updates
  std::uint64_t skipped = 0;       // malformed, wrong type, other collections and the like
};

// One exposition line: name{label="value"} value.
struct counter_sample {
  std::string name;
  std::string label;
  std::string label_value;
  std::uint64_t value = 0;
};

struct ingest_counters {
  std::array<source_counters, wire_format_count> by_source{};
  std::array<std::uint64_t, skip_reason_count> skipped_by_reason{};
  std::uint64_t duplicate_id = 0;
  std::uint64_t duplicate_cross_source = 0;
  std::uint64_t duplicate_repost = 0;
  std::uint64_t likely_spam = 0;
  std::uint64_t edits = 0;
  std::uint64_t deletions_unknown = 0;  // deletions of posts never handed on; dropped
  std::uint64_t rejected = 0;
  std::uint64_t pending = 0;
  std::uint64_t approved = 0;
  std::array<std::uint64_t, moderation_rule_count> by_rule{};

  source_counters& source(wire_format format) { return by_source[static_cast<std::size_t>(format)]; }
  const source_counters& source(wire_format format) const {
    return by_source[static_cast<std::size_t>(format)];
  }

  // Every counter as a named sample, e.g. {"tracker_frames_total","source","jetstream",n}.
  std::vector<counter_sample> samples() const;
};

}  // namespace companion::tracker
