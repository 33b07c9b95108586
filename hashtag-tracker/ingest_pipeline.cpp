#include "ingest_pipeline.hpp"

namespace companion::tracker {

ingest_pipeline::ingest_pipeline(std::vector<std::string> event_hashtags, moderation_rules rules,
                                 pipeline_limits limits)
    : matcher_(std::move(event_hashtags)),
      decoders_(limits.handle_cache, limits.mastodon_ids),
      dedup_(limits.dedup),
      rules_(std::move(rules)) {
  decoders_.set_prefilter(&matcher_);
}

bool ingest_pipeline::keep_to_webhook(decode_result& decoded) {
  auto foreign = [&decoded] {
    decoded = skipped{skip_reason::foreign_source};
    return false;
  };
  if (auto* post = std::get_if<decoded_post>(&decoded))
    return post->post.source == "webhook" && !post->is_edit ? true : foreign();
  if (auto* deletion = std::get_if<post_deletion>(&decoded)) {
    // Webhook posts have ids "webhook:..." (own format) or "x:..." (X objects); a bare id
    // is the webhook's own, an id of any other source is not the webhook's to delete.
    std::string& id = deletion->post_id;
    if (id.starts_with("webhook:") || id.starts_with("x:")) return true;
    for (std::string_view other : {"bluesky:", "mastodon:", "replay:"})
      if (id.starts_with(other)) return foreign();
    id.insert(0, "webhook:");
    return true;
  }
  if (std::holds_alternative<identity_update>(decoded)) return foreign();
  return true;
}

ingest_result ingest_pipeline::ingest(std::string_view frame, wire_format format, session::millis now,
                                      ingest_lane lane) {
  decode_result decoded =
      lane == ingest_lane::webhook ? decoders_.decode_webhook(frame) : decoders_.decode_as(format, frame);
  if (lane == ingest_lane::webhook) keep_to_webhook(decoded);
  source_counters& source = counters_.source(decoders_.last_format());
  ++source.frames;

  if (auto* post = std::get_if<decoded_post>(&decoded)) return on_post(std::move(*post), source, now);
  if (auto* deletion = std::get_if<post_deletion>(&decoded)) {
    // Only posts the engine was given can be taken down; the firehose deletes far more.
    if (!dedup_.seen(deletion->post_id)) {
      ++counters_.deletions_unknown;
      return std::monostate{};
    }
    ++source.deletions;
    return deleted_post{std::move(deletion->post_id)};
  }
  if (std::holds_alternative<identity_update>(decoded)) {
    ++source.identities;
    return std::monostate{};
  }
  skip_reason reason = std::get<skipped>(decoded).reason;
  ++counters_.skipped_by_reason[static_cast<std::size_t>(reason)];
  if (reason == skip_reason::not_matching)
    ++source.not_matching;
  else
    ++source.skipped;
  return std::monostate{};
}

ingest_result ingest_pipeline::on_post(decoded_post&& decoded, source_counters& source, session::millis now) {
  decoded.post.created_at = clamp_created_at(decoded.post.created_at, now);
  decoded.post.tags = matcher_.match(decoded.hashtags);
  if (decoded.post.tags.empty()) {
    ++counters_.skipped_by_reason[static_cast<std::size_t>(skip_reason::not_matching)];
    ++source.not_matching;
    return std::monostate{};
  }
  ++source.posts;

  bool likely_spam = false;
  if (decoded.is_edit) {
    // An edit replaces a post the engine holds; it is not a duplicate of it.
    ++counters_.edits;
    dedup_.remember(decoded.post.id);
  } else {
    dedup_decision dd = dedup_.check(decoded.post, decoded.repost_of, now);
    switch (dd.verdict) {
      case dedup_verdict::fresh:
        break;
      case dedup_verdict::duplicate_id:
        ++counters_.duplicate_id;
        break;
      case dedup_verdict::duplicate_cross_source:
        ++counters_.duplicate_cross_source;
        break;
      case dedup_verdict::duplicate_repost:
        ++counters_.duplicate_repost;
        break;
    }
    if (dd.verdict != dedup_verdict::fresh) {
      ++source.duplicates;
      return std::monostate{};
    }
    likely_spam = dd.likely_spam;
    if (likely_spam) ++counters_.likely_spam;
  }

  session::moderation_decision decision = rules_.evaluate(decoded.post, now, likely_spam);
  switch (decision.verdict) {
    case session::post_verdict::rejected:
      ++counters_.rejected;
      break;
    case session::post_verdict::pending:
      ++counters_.pending;
      break;
    case session::post_verdict::approved:
      ++counters_.approved;
      break;
  }
  if (auto rule = parse_moderation_rule(decision.rule)) ++counters_.by_rule[static_cast<std::size_t>(*rule)];
  ++source.accepted;
  return accepted_post{std::move(decoded.post), std::move(decision), decoded.is_edit, likely_spam};
}

}  // namespace companion::tracker
