#include "ingest_counters.hpp"

#include "dedup.hpp"

namespace companion::tracker {

std::vector<counter_sample> ingest_counters::samples() const {
  std::vector<counter_sample> out;
  for (std::size_t i = 0; i < wire_format_count; ++i) {
    std::string source(to_string(static_cast<wire_format>(i)));
    const auto& c = by_source[i];
    out.push_back({"tracker_frames_total", "source", source, c.frames});
    out.push_back({"tracker_posts_matched_total", "source", source, c.posts});
    out.push_back({"tracker_posts_not_matching_total", "source", source, c.not_matching});
    out.push_back({"tracker_posts_duplicate_total", "source", source, c.duplicates});
    out.push_back({"tracker_posts_accepted_total", "source", source, c.accepted});
    out.push_back({"tracker_deletions_total", "source", source, c.deletions});
    out.push_back({"tracker_identities_total", "source", source, c.identities});
    out.push_back({"tracker_skipped_total", "source", source, c.skipped});
  }
  for (std::size_t i = 0; i < skip_reason_count; ++i)
    out.push_back({"tracker_skipped_by_reason_total", "reason",
                   std::string(to_string(static_cast<skip_reason>(i))), skipped_by_reason[i]});
  out.push_back({"tracker_dedup_total", "outcome", "duplicate_id", duplicate_id});
  out.push_back({"tracker_dedup_total", "outcome", "duplicate_cross_source", duplicate_cross_source});
  out.push_back({"tracker_dedup_total", "outcome", "duplicate_repost", duplicate_repost});
  out.push_back({"tracker_dedup_total", "outcome", "likely_spam", likely_spam});
  out.push_back({"tracker_edits_total", "", "", edits});
  out.push_back({"tracker_deletions_unknown_total", "", "", deletions_unknown});
  out.push_back({"tracker_verdicts_total", "verdict", "rejected", rejected});
  out.push_back({"tracker_verdicts_total", "verdict", "pending", pending});
  out.push_back({"tracker_verdicts_total", "verdict", "approved", approved});
  for (std::size_t i = 0; i < moderation_rule_count; ++i)
    out.push_back(
        {"tracker_rule_total", "rule", std::string(to_string(static_cast<moderation_rule>(i))), by_rule[i]});
  return out;
}

}  // namespace companion::tracker
