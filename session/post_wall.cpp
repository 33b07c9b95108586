#include "post_wall.hpp"

#include <algorithm>

namespace companion::session {
namespace {

boost::json::object queue_removed(const std::string& id) {
  return {{"type", "queue.removed"}, {"kind", "post"}, {"id", id}};
}

// An edit of a live post waits for a person whatever the rules say; a verdict that
// would have approved it says so instead of naming a rule that did not hold it.
moderation_decision edit_decision(const moderation_decision& rules) {
  if (rules.verdict != post_verdict::approved) return rules;
  return {post_verdict::pending, "edited_at_source",
          "the approved version stays shown until a moderator decides"};
}

}  // namespace

std::string_view to_string(post_state s) {
  switch (s) {
    case post_state::pending:
      return "pending";
    case post_state::approved:
      return "approved";
    case post_state::rejected:
      return "rejected";
    case post_state::removed:
      return "removed";
    case post_state::deleted:
      return "deleted";
  }
  return "pending";
}

post_wall::post_wall(wall_limits limits) : limits_(limits) {}

void post_wall::record(millis at, const std::string& who, std::string action, const wall_entry& entry) {
  note({at, who, std::move(action), entry.post.id, entry.post.author_handle, entry.decision.rule,
        entry.decision.reason, "post", entry.post.text});
}

void post_wall::note(audit_entry entry) {
  audit_.push_back(std::move(entry));
  if (audit_.size() > limits_.max_audit) audit_.pop_front();
}

void post_wall::publish_highlight(wall_entry& entry, publisher& out) {
  // As viewers apply highlight.added: a shown id is replaced in place, a new one goes
  // on top and the oldest beyond wall_size drops off (a later removal does not bring it back).
  if (std::find(wall_.begin(), wall_.end(), entry.post.id) == wall_.end()) {
    wall_.push_front(entry.post.id);
    if (wall_.size() > limits_.wall_size) {
      std::string left = std::move(wall_.back());
      wall_.pop_back();
      reindex(left);
    }
  }
  reindex(entry);
  out.change("highlight.added", to_highlight_json(entry));
}

bool post_wall::on_wall(const std::string& id) const {
  return std::find(wall_.begin(), wall_.end(), id) != wall_.end();
}

void post_wall::accept_edit(wall_entry& entry, const std::string& who, std::string action, millis now,
                            publisher& out, bool republish) {
  moderation_decision approved_as = entry.edit->decision;
  entry.post = std::move(entry.edit->post);
  entry.edit.reset();
  note({now, who, std::move(action), entry.post.id, entry.post.author_handle, approved_as.rule,
        approved_as.reason, "post", entry.post.text});
  out.staff(queue_removed(entry.post.id));
  // Replaced in place where viewers hold it; one that left the wall stays off it.
  if (republish && on_wall(entry.post.id)) out.change("highlight.added", to_highlight_json(entry));
}

void post_wall::drop_edit(wall_entry& entry, const std::string& who, std::string action, millis now,
                          publisher& out) {
  note({now, who, std::move(action), entry.post.id, entry.edit->post.author_handle, entry.edit->decision.rule,
        entry.edit->decision.reason, "post", entry.edit->post.text});
  entry.edit.reset();
  out.staff(queue_removed(entry.post.id));
}

void post_wall::take_down(const std::string& id) {
  if (auto it = std::find(wall_.begin(), wall_.end(), id); it != wall_.end()) wall_.erase(it);
}

outcome post_wall::ingest(const social_post& post, const moderation_decision& decision, millis now,
                          publisher& out) {
  if (posts_.contains(post.id)) return outcome::failure(error_code::conflict, "post already known");
  wall_entry entry{post, decision, post_state::pending, false, now};
  entry.arrival = next_arrival_++;
  std::pair<std::string, std::string> author{post.source, post.author_handle};
  // Moderators' lists made at runtime outrank the event file's rules.
  if (blocked_.contains(author)) {
    entry.decision = {post_verdict::rejected, "blocked_author", "author blocked by a moderator"};
    entry.by_author_list = true;
  } else if (trusted_.contains(author) && decision.verdict == post_verdict::pending) {
    entry.decision = {post_verdict::approved, "trusted_author", "author trusted by a moderator"};
    entry.by_author_list = true;
  }
  auto [it, inserted] = posts_.emplace(post.id, std::move(entry));
  arrival_order_.emplace(it->second.arrival, post.id);
  wall_entry& stored = it->second;
  switch (stored.decision.verdict) {
    case post_verdict::rejected:
      stored.state = post_state::rejected;
      record(now, "auto", "auto_rejected", stored);
      break;
    case post_verdict::approved:
      stored.state = post_state::approved;
      record(now, "auto", "auto_approved", stored);
      publish_highlight(stored, out);
      break;
    case post_verdict::pending:
      record(now, "auto", "held", stored);
      out.staff(boost::json::object{{"type", "queue.post"}, {"post", to_queue_json(stored)}});
      break;
  }
  reindex(stored);
  if (capped_) trim(now, out);
  return outcome::success();
}

outcome post_wall::approve(const std::string& id, const std::string& who, millis now, publisher& out) {
  wall_entry* entry = find_mutable(id);
  if (!entry) return outcome::failure(error_code::not_found, "no such post");
  if (entry->edit) {
    accept_edit(*entry, who, "edit_approved", now, out);
    return outcome::success();
  }
  if (entry->state == post_state::approved) return outcome::failure(error_code::conflict, "already approved");
  if (entry->state != post_state::pending && entry->state != post_state::rejected)
    return outcome::failure(error_code::conflict, "the post is " + std::string(to_string(entry->state)));
  bool was_queued = entry->state == post_state::pending;
  entry->state = post_state::approved;
  entry->by_author_list = false;
  record(now, who, "approved", *entry);
  if (was_queued) out.staff(queue_removed(id));
  publish_highlight(*entry, out);
  return outcome::success();
}

outcome post_wall::reject(const std::string& id, const std::string& who, millis now, publisher& out) {
  wall_entry* entry = find_mutable(id);
  if (!entry) return outcome::failure(error_code::not_found, "no such post");
  if (entry->edit) {
    // The approved version stays where it is shown.
    drop_edit(*entry, who, "edit_rejected", now, out);
    return outcome::success();
  }
  if (entry->state != post_state::pending)
    return outcome::failure(error_code::conflict, "the post is " + std::string(to_string(entry->state)));
  entry->state = post_state::rejected;
  entry->by_author_list = false;
  record(now, who, "rejected", *entry);
  out.staff(queue_removed(id));
  reindex(*entry);
  return outcome::success();
}

outcome post_wall::feature(const std::string& id, const std::string& who, millis now, publisher& out) {
  wall_entry* entry = find_mutable(id);
  if (!entry) return outcome::failure(error_code::not_found, "no such post");
  if (entry->edit) {
    // Featuring a queued edit approves it too, as featuring a queued post does.
    bool was_featured = std::exchange(entry->featured, true);
    accept_edit(*entry, who, "edit_approved", now, out, was_featured);
    if (!was_featured) {
      record(now, who, "featured", *entry);
      publish_highlight(*entry, out);
    }
    return outcome::success();
  }
  if (entry->featured) return outcome::failure(error_code::conflict, "already featured");
  if (entry->state == post_state::pending) {
    entry->by_author_list = false;
    entry->state = post_state::approved;
    entry->featured = true;
    record(now, who, "featured", *entry);
    out.staff(queue_removed(id));
    publish_highlight(*entry, out);
    return outcome::success();
  }
  if (entry->state != post_state::approved)
    return outcome::failure(error_code::conflict, "the post is " + std::string(to_string(entry->state)));
  entry->featured = true;
  entry->by_author_list = false;
  record(now, who, "featured", *entry);
  // A highlight.added for a known id replaces it in place: that is how a wall learns it is featured.
  publish_highlight(*entry, out);
  return outcome::success();
}

outcome post_wall::remove(const std::string& id, const std::string& who, millis now, publisher& out) {
  wall_entry* entry = find_mutable(id);
  if (!entry || entry->state != post_state::approved)
    return outcome::failure(error_code::not_found, "no such highlight");
  if (entry->edit) drop_edit(*entry, who, "edit_dropped", now, out);
  entry->state = post_state::removed;
  entry->featured = false;
  entry->by_author_list = false;
  take_down(id);
  reindex(*entry);
  record(now, who, "removed", *entry);
  out.change("highlight.removed", boost::json::object{{"id", id}});
  return outcome::success();
}

void post_wall::requeue(wall_entry& entry, const std::string& who, millis now, publisher& out) {
  entry.state = post_state::pending;
  entry.featured = false;
  entry.by_author_list = false;
  // A queued post is judged as it is now; an edit that waited on the shown version goes with it.
  if (entry.edit) entry.post = entry.edit->post;
  entry.edit.reset();
  reindex(entry);
  record(now, who, "restored", entry);
  out.staff(boost::json::object{{"type", "queue.post"}, {"post", to_queue_json(entry)}});
}

outcome post_wall::restore(const std::string& id, const std::string& who, millis now, publisher& out) {
  wall_entry* entry = find_mutable(id);
  if (!entry) return outcome::failure(error_code::not_found, "no such post");
  if (entry->state != post_state::rejected && entry->state != post_state::removed)
    return outcome::failure(error_code::conflict, "the post is " + std::string(to_string(entry->state)) +
                                                      ": only a rejected or removed post can be restored");
  requeue(*entry, who, now, out);
  return outcome::success();
}

outcome post_wall::edit(const social_post& post, const moderation_decision& decision, millis now,
                        publisher& out) {
  wall_entry* entry = find_mutable(post.id);
  if (!entry) return outcome::failure(error_code::not_found, "no such post");
  if (entry->state != post_state::approved) {
    // Queued: moderators judge the newest version, in its place. Not shown: kept for the audit.
    entry->post = post;
    record(now, "source", "edited", *entry);
    if (entry->state == post_state::pending)
      out.staff(boost::json::object{{"type", "queue.post"}, {"post", to_queue_json(*entry)}});
    return outcome::success();
  }
  wall_entry proposed{post, {}, post_state::approved, entry->featured, now};
  if (to_highlight_json(proposed) == to_highlight_json(*entry)) {
    // Nothing a viewer sees changed (Mastodon also sends updates for polls and media):
    // taken as is, and an edit still waiting is withdrawn by its author.
    entry->post = post;
    record(now, "source", "edited", *entry);
    if (entry->edit) drop_edit(*entry, "source", "edit_withdrawn", now, out);
    return outcome::success();
  }
  moderation_decision held = edit_decision(decision);
  if (blocked_.contains({post.source, post.author_handle}))
    held = {post_verdict::rejected, "blocked_author", "author blocked by a moderator"};
  // A second edit before a decision replaces the first in the queue, in its place.
  millis since = entry->edit ? entry->edit->received_at : now;
  entry->edit = pending_edit{post, held, since};
  note({now, "source", "edit_held", post.id, post.author_handle, held.rule, held.reason, "post", post.text});
  out.staff(boost::json::object{{"type", "queue.post"}, {"post", to_edit_queue_json(*entry)}});
  return outcome::success();
}

outcome post_wall::replace_content(const social_post& post, millis now, publisher& out) {
  wall_entry* entry = find_mutable(post.id);
  if (!entry) return outcome::failure(error_code::not_found, "no such post");
  entry->post = post;
  record(now, "source", "edited", *entry);
  if (entry->state == post_state::pending) {
    out.staff(boost::json::object{{"type", "queue.post"}, {"post", to_queue_json(*entry)}});
  } else if (entry->state == post_state::approved && on_wall(post.id)) {
    out.change("highlight.added", to_highlight_json(*entry));
  }
  return outcome::success();
}

outcome post_wall::retract(const std::string& id, millis now, publisher& out) {
  wall_entry* entry = find_mutable(id);
  if (!entry) return outcome::failure(error_code::not_found, "no such post");
  post_state before = entry->state;
  if (before == post_state::deleted) return outcome::failure(error_code::conflict, "already deleted");
  // Deleted at the source: down at once, a waiting edit with it.
  if (entry->edit) drop_edit(*entry, "source", "edit_dropped", now, out);
  entry->state = post_state::deleted;
  record(now, "source", "deleted", *entry);
  if (before == post_state::pending) out.staff(queue_removed(id));
  if (before == post_state::approved) take_down(id);
  reindex(*entry);
  if (before == post_state::approved) {
    out.change("highlight.removed", boost::json::object{{"id", id}});
  }
  return outcome::success();
}

outcome post_wall::block_author(const std::string& source, const std::string& handle, const std::string& who,
                                millis now, publisher& out) {
  author_key author{source, handle};
  if (!blocked_.emplace(author, author_mark{who, now}).second)
    return outcome::failure(error_code::conflict, "author already blocked");
  trusted_.erase(author);
  for (auto& [id, entry] : posts_) {
    if (entry.edit && entry.post.source == source && entry.post.author_handle == handle)
      drop_edit(entry, who, "edit_rejected", now, out);
    if (entry.state != post_state::pending || entry.post.source != source ||
        entry.post.author_handle != handle)
      continue;
    entry.state = post_state::rejected;
    entry.decision = {post_verdict::rejected, "blocked_author", "author blocked by " + who};
    entry.by_author_list = true;
    reindex(entry);
    record(now, who, "rejected", entry);
    out.staff(queue_removed(id));
  }
  publish_authors(out);
  return outcome::success();
}

outcome post_wall::trust_author(const std::string& source, const std::string& handle, const std::string& who,
                                millis now, publisher& out) {
  author_key author{source, handle};
  if (!trusted_.emplace(author, author_mark{who, now}).second)
    return outcome::failure(error_code::conflict, "author already trusted");
  blocked_.erase(author);
  for (auto& [id, entry] : posts_) {
    if (entry.edit && entry.post.source == source && entry.post.author_handle == handle)
      accept_edit(entry, who, "edit_approved", now, out);
    if (entry.state != post_state::pending || entry.post.source != source ||
        entry.post.author_handle != handle)
      continue;
    entry.state = post_state::approved;
    entry.decision = {post_verdict::approved, "trusted_author", "author trusted by " + who};
    entry.by_author_list = true;
    record(now, who, "approved", entry);
    out.staff(queue_removed(id));
    publish_highlight(entry, out);
  }
  publish_authors(out);
  return outcome::success();
}

outcome post_wall::unblock_author(const std::string& source, const std::string& handle,
                                  const std::string& who, millis now, publisher& out) {
  if (blocked_.erase(author_key{source, handle}) == 0)
    return outcome::failure(error_code::not_found, "the author is not blocked");
  // Arrival order, so the posts come back to the queue where they were.
  for (const auto& [arrival, id] : arrival_order_) {
    wall_entry* entry = find_mutable(id);
    if (!entry || !entry->by_author_list || entry->state != post_state::rejected ||
        entry->post.source != source || entry->post.author_handle != handle)
      continue;
    entry->decision = {post_verdict::pending, "unblocked_author", "author unblocked by " + who};
    requeue(*entry, who, now, out);
  }
  publish_authors(out);
  return outcome::success();
}

outcome post_wall::untrust_author(const std::string& source, const std::string& handle,
                                  const std::string& who, millis now, publisher& out) {
  if (trusted_.erase(author_key{source, handle}) == 0)
    return outcome::failure(error_code::not_found, "the author is not trusted");
  for (const auto& [arrival, id] : arrival_order_) {
    wall_entry* entry = find_mutable(id);
    if (!entry || !entry->by_author_list || entry->state != post_state::approved ||
        entry->post.source != source || entry->post.author_handle != handle)
      continue;
    // Off the wall and back to the queue, as if the trust had never approved it.
    if (std::find(wall_.begin(), wall_.end(), id) != wall_.end()) {
      take_down(id);
      out.change("highlight.removed", boost::json::object{{"id", id}});
    }
    entry->decision = {post_verdict::pending, "untrusted_author", "author no longer trusted, by " + who};
    requeue(*entry, who, now, out);
  }
  publish_authors(out);
  return outcome::success();
}

boost::json::object post_wall::authors_json() const {
  auto list = [](const std::map<author_key, author_mark>& marks) {
    boost::json::array out;
    for (const auto& [author, mark] : marks)
      out.push_back(boost::json::object{
          {"source", author.first}, {"handle", author.second}, {"by", mark.who}, {"at", mark.at}});
    return out;
  };
  return {{"blocked", list(blocked_)}, {"trusted", list(trusted_)}};
}

void post_wall::publish_authors(publisher& out) {
  ++authors_version_;
  out.staff(boost::json::object{{"type", "queue.authors"}, {"authors", authors_json()}});
}

const wall_entry* post_wall::find(const std::string& id) const {
  auto it = posts_.find(id);
  return it == posts_.end() ? nullptr : &it->second;
}

wall_entry* post_wall::find_mutable(const std::string& id) {
  auto it = posts_.find(id);
  return it == posts_.end() ? nullptr : &it->second;
}

bool post_wall::is_highlight(const std::string& id) const {
  const wall_entry* entry = find(id);
  return entry && entry->state == post_state::approved;
}

std::size_t post_wall::queue_depth() const {
  return static_cast<std::size_t>(std::count_if(posts_.begin(), posts_.end(), [](const auto& item) {
    return item.second.state == post_state::pending || item.second.edit.has_value();
  }));
}

std::vector<std::string> post_wall::post_ids() const {
  std::vector<std::string> ids;
  ids.reserve(posts_.size());
  for (const auto& [id, entry] : posts_) ids.push_back(id);
  return ids;
}

boost::json::array post_wall::highlights() const {
  boost::json::array out;
  for (const auto& id : wall_)
    if (const wall_entry* entry = find(id)) out.push_back(to_highlight_json(*entry));
  return out;
}

boost::json::array post_wall::queued_posts() const {
  // Posts held on arrival and edits of live posts, each by when it reached the queue.
  std::vector<std::pair<millis, boost::json::object>> queued;
  for (const auto& [arrival, id] : arrival_order_) {
    const wall_entry* entry = find(id);
    if (entry && entry->state == post_state::pending)
      queued.emplace_back(entry->received_at, to_queue_json(*entry));
  }
  for (const auto& [id, entry] : posts_)
    if (entry.edit) queued.emplace_back(entry.edit->received_at, to_edit_queue_json(entry));
  std::stable_sort(queued.begin(), queued.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  boost::json::array out;
  for (auto& [at, json] : queued) out.push_back(std::move(json));
  return out;
}

boost::json::object post_wall::to_highlight_json(const wall_entry& entry) {
  const social_post& post = entry.post;
  boost::json::array tags;
  for (const auto& tag : post.tags) tags.push_back(boost::json::value(tag));
  return {{"id", post.id},
          {"source", post.source},
          {"url", post.url},
          {"author",
           boost::json::object{{"handle", post.author_handle}, {"display_name", post.author_display_name}}},
          {"text", post.text},
          {"tags", std::move(tags)},
          {"lang", post.lang},
          {"created_at", post.created_at},
          {"featured", entry.featured}};
}

boost::json::object post_wall::to_queue_json(const wall_entry& entry) {
  boost::json::object json = to_highlight_json(entry);
  json["held_by"] = entry.decision.rule;
  json["reason"] = entry.decision.reason;
  json["received_at"] = entry.received_at;
  return json;
}

boost::json::object post_wall::to_edit_queue_json(const wall_entry& entry) {
  wall_entry proposed{entry.edit->post, entry.edit->decision, post_state::pending, entry.featured,
                      entry.edit->received_at};
  boost::json::object json = to_queue_json(proposed);
  json["edit_of"] = to_highlight_json(entry);
  return json;
}

void post_wall::set_on_screen(std::string id) {
  if (id == on_screen_) return;
  std::string before = std::exchange(on_screen_, std::move(id));
  reindex(before);
  reindex(on_screen_);
}

int post_wall::tier_of(const wall_entry& entry) const {
  // What a viewer or the overlay holds is never forgotten.
  if (entry.featured || entry.post.id == on_screen_ || on_wall(entry.post.id)) return -1;
  switch (entry.state) {
    case post_state::rejected:
    case post_state::removed:
    case post_state::deleted:
      return 0;
    case post_state::approved:
      return 1;
    case post_state::pending:
      return 2;
  }
  return -1;
}

void post_wall::reindex(wall_entry& entry) {
  int tier = tier_of(entry);
  if (tier == entry.evict_tier) return;
  if (entry.evict_tier >= 0) evictable_[static_cast<std::size_t>(entry.evict_tier)].erase(entry.arrival);
  if (tier >= 0) evictable_[static_cast<std::size_t>(tier)].emplace(entry.arrival, entry.post.id);
  entry.evict_tier = tier;
}

void post_wall::reindex(const std::string& id) {
  if (wall_entry* entry = find_mutable(id)) reindex(*entry);
}

void post_wall::trim(millis now, publisher& out) {
  while (posts_.size() > limits_.max_posts) {
    auto list = std::find_if(evictable_.begin(), evictable_.end(), [](const auto& l) { return !l.empty(); });
    // Only what viewers hold is left: the wall, featured posts and the one on screen.
    if (list == evictable_.end()) return;
    auto tier = static_cast<std::size_t>(list - evictable_.begin());
    auto oldest = list->begin();
    auto it = posts_.find(oldest->second);
    list->erase(oldest);
    if (it == posts_.end()) continue;
    wall_entry& entry = it->second;
    entry.evict_tier = -1;
    if (tier == 1 && entry.edit) out.staff(queue_removed(entry.post.id));  // its edit leaves the queue
    if (tier == 2) {
      // Staff drop it from their queue, and the audit says why it went undecided.
      out.staff(queue_removed(entry.post.id));
      audit_.push_back({now, "auto", "evicted", entry.post.id, entry.post.author_handle, "max_posts",
                        "the event keeps at most " + std::to_string(limits_.max_posts) + " posts"});
      if (audit_.size() > limits_.max_audit) audit_.pop_front();
    }
    ++(tier == 0 ? evicted_.settled : tier == 1 ? evicted_.approved : evicted_.held);
    arrival_order_.erase(entry.arrival);
    posts_.erase(it);
  }
}

}  // namespace companion::session
