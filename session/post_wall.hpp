// The social wall: posts held for moderation, approved highlights, featured
// ones, author block/trust lists and the audit trail of every decision.
#pragma once

#include <array>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "author_lists.hpp"
#include "publisher.hpp"
#include "social_post.hpp"
#include "types.hpp"

namespace companion::session {

enum class post_state { pending, approved, rejected, removed, deleted };
std::string_view to_string(post_state s);

// A new version of an approved post, edited at its source, waiting for a moderator.
// Until one approves it, viewers and the overlay keep the approved version.
struct pending_edit {
  social_post post;
  moderation_decision decision;  // what the rules said of the new version
  millis received_at = 0;        // the first edit since the last decision
};

struct wall_entry {
  social_post post;  // the version viewers see (or, while queued, the one moderators judge)
  moderation_decision decision;
  post_state state = post_state::pending;
  bool featured = false;
  millis received_at = 0;
  std::optional<pending_edit> edit;  // only while approved
  // Decided by a moderator's author list (block or trust), not by a look at the post:
  // lifting the list (unblock, untrust) takes such decisions back.
  bool by_author_list = false;
  std::uint64_t arrival = 0;  // the wall's arrival number: eviction and the queue go oldest first
  int evict_tier = -1;        // the eviction list it is on (post_wall::evict_tier), -1: none
};

// A moderator's entry on the blocked or trusted list: who put the author there, and when.
struct author_mark {
  std::string who;
  millis at = 0;
  bool operator==(const author_mark&) const = default;
};

// One decision, automatic or by a person: on a post, and (recorded by the engine) on a
// question, an author, the overlay or the show.
struct audit_entry {
  millis at = 0;
  std::string who;  // "auto", "source" or the staff token's subject
  std::string
      action;  // auto_approved, auto_rejected, held, approved, rejected, featured, removed, deleted, ...
  std::string post_id;  // the item's id, whatever its kind
  std::string author;
  std::string rule;
  std::string reason;
  std::string kind =
      "post";        // post, question, author, on_screen, agenda, segment, announcement, stage, qa, rules
  std::string text;  // the item's text as decided on
};

struct wall_limits {
  std::size_t wall_size = 50;  // newest highlights in the public state
  // Posts kept, in every state. A busy hashtag brings tens of thousands in a day; past
  // this the oldest settled posts go first, then approved ones no viewer holds, then the
  // oldest held ones (staff are told). The wall, featured posts and the one on screen stay.
  std::size_t max_posts = 100'000;
  std::size_t max_audit = 200'000;  // audit entries kept in memory
};

// Posts forgotten at max_posts, by what they were.
struct eviction_counts {
  std::uint64_t settled = 0;   // rejected, removed or deleted
  std::uint64_t approved = 0;  // approved but off the wall, not featured and not on screen
  std::uint64_t held = 0;      // waiting for a moderator: staff get queue.removed
};

class post_wall {
 public:
  explicit post_wall(wall_limits limits = {});

  // A post from the tracker with auto-moderation's decision. Duplicate ids are a conflict.
  outcome ingest(const social_post& post, const moderation_decision& decision, millis now, publisher& out);
  outcome approve(const std::string& id, const std::string& who, millis now, publisher& out);
  outcome reject(const std::string& id, const std::string& who, millis now, publisher& out);
  outcome feature(const std::string& id, const std::string& who, millis now, publisher& out);
  outcome remove(const std::string& id, const std::string& who, millis now, publisher& out);
  // Undoes a rejection or a removal: the post goes back to the queue, in its arrival place.
  outcome restore(const std::string& id, const std::string& who, millis now, publisher& out);
  // The post was edited at its source. A queued post is replaced in place (same id,
  // decision and queue position) and sent to staff again. An approved post keeps its
  // approved version where it is shown; the new one waits in the queue under the same
  // id, carrying `decision` (the rules' verdict on the new text) and `edit_of` (the
  // version shown), until post.approve puts it on the wall in place (featured flag and
  // position kept) or post.reject drops it. Rejected, removed and deleted posts take the
  // new content silently.
  outcome edit(const social_post& post, const moderation_decision& decision, millis now, publisher& out);
  // How edits were applied before they were moderated: the content is replaced and a
  // shown highlight republished at once. Only for replaying journals written then.
  outcome replace_content(const social_post& post, millis now, publisher& out);
  // The post was deleted at its source.
  outcome retract(const std::string& id, millis now, publisher& out);
  // Moderators' author lists; blocking rejects the author's queued posts, trusting approves them.
  // Staff get the lists again as a queue.authors frame after each change.
  outcome block_author(const std::string& source, const std::string& handle, const std::string& who,
                       millis now, publisher& out);
  outcome trust_author(const std::string& source, const std::string& handle, const std::string& who,
                       millis now, publisher& out);
  // The inverses: the author leaves the list, and the posts the list decided on (and no one
  // has decided on since) go back to the queue.
  outcome unblock_author(const std::string& source, const std::string& handle, const std::string& who,
                         millis now, publisher& out);
  outcome untrust_author(const std::string& source, const std::string& handle, const std::string& who,
                         millis now, publisher& out);

  const std::map<author_key, author_mark>& blocked_authors() const { return blocked_; }
  const std::map<author_key, author_mark>& trusted_authors() const { return trusted_; }
  // Counts changes to the author lists, so a caller can tell whether a step changed them.
  std::size_t authors_version() const { return authors_version_; }
  // {"blocked":[{"source","handle","by","at"}],"trusted":[...]}, for staff.
  boost::json::object authors_json() const;
  const std::deque<audit_entry>& audit() const { return audit_; }
  // Hands over the audit entries recorded so far and forgets them: the export streams
  // them out record by record instead of holding a whole event's decisions.
  std::deque<audit_entry> take_audit() { return std::exchange(audit_, {}); }
  // Decisions on the rest of the event (questions, authors, the show) join the same
  // trail, so the audit reads in the order things were decided.
  void note(audit_entry entry);
  const wall_entry* find(const std::string& id) const;
  bool is_highlight(const std::string& id) const;
  std::size_t queue_depth() const;
  // Every post id held, for sources to skip what the wall already has after a restart.
  std::vector<std::string> post_ids() const;
  std::size_t size() const { return posts_.size(); }
  // The highlight on screen, which max_posts never forgets (empty: none). The engine says
  // so before each ingest, as the screen is its state.
  void set_on_screen(std::string id);
  // Whether ingest forgets posts past max_posts. The cap came with journal format 4: a
  // journal written before it replays whole, as the posts it kept were what clients saw.
  void set_capped(bool capped) { capped_ = capped; }
  const eviction_counts& evicted() const { return evicted_; }

  // Every post kept, the wall, the author lists and the eviction counts, for an engine
  // state snapshot (post_wall_snapshot.cpp), and back: false with `why`, and the wall
  // unchanged, when `in` is not what snapshot() writes. The audit entries in memory are
  // not part of it: the audit export reads the journal.
  boost::json::object snapshot() const;
  bool restore(const boost::json::object& in, std::string& why);

  boost::json::array highlights() const;    // newest first, at most wall_size
  boost::json::array queued_posts() const;  // oldest first
  static boost::json::object to_highlight_json(const wall_entry& entry);
  static boost::json::object to_queue_json(const wall_entry& entry);
  // The queue item of an approved post's pending edit.
  static boost::json::object to_edit_queue_json(const wall_entry& entry);

 private:
  wall_entry* find_mutable(const std::string& id);
  void record(millis at, const std::string& who, std::string action, const wall_entry& entry);
  void publish_highlight(wall_entry& entry, publisher& out);
  void take_down(const std::string& id);
  bool on_wall(const std::string& id) const;
  // A moderator's answer to a pending edit: the new version goes live, or is dropped.
  // `republish`: tell viewers where they hold the post (in place, never on top).
  void accept_edit(wall_entry& entry, const std::string& who, std::string action, millis now, publisher& out,
                   bool republish = true);
  void drop_edit(wall_entry& entry, const std::string& who, std::string action, millis now, publisher& out);
  // Forgets the posts past max_posts, each in O(log n).
  void trim(millis now, publisher& out);
  // The eviction list a post belongs on now, or -1 when it is kept whatever happens.
  int tier_of(const wall_entry& entry) const;
  // Moves the post to the eviction list its state calls for.
  void reindex(wall_entry& entry);
  void reindex(const std::string& id);
  void requeue(wall_entry& entry, const std::string& who, millis now, publisher& out);
  // Staff get the lists again; every change to them ends here.
  void publish_authors(publisher& out);

  wall_limits limits_;
  std::map<std::string, wall_entry> posts_;
  std::uint64_t next_arrival_ = 1;
  std::map<std::uint64_t, std::string> arrival_order_;  // every post, by arrival
  // Eviction lists by arrival, one per tier: settled, approved off the wall, held.
  std::array<std::map<std::uint64_t, std::string>, 3> evictable_;
  std::string on_screen_;
  bool capped_ = true;
  eviction_counts evicted_;
  // Ids on the public wall, newest first, exactly as a viewer applying the changes holds it.
  std::deque<std::string> wall_;
  std::map<author_key, author_mark> blocked_;
  std::map<author_key, author_mark> trusted_;
  std::size_t authors_version_ = 0;
  std::deque<audit_entry> audit_;
};

}  // namespace companion::session
