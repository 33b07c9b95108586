// The wall in an engine state snapshot: every post kept, in arrival order, with its
// decision, state, featured flag and any edit waiting for a moderator; the ids on the
// public wall as viewers hold them; the author lists and the eviction counts. The
// arrival and eviction indexes are rebuilt from the posts.
#include <boost/json/array.hpp>

#include "post_wall.hpp"
#include "snapshot_fields.hpp"
#include "social_post_json.hpp"

namespace companion::session {
namespace {

std::optional<post_state> parse_state(std::string_view text) {
  for (auto s : {post_state::pending, post_state::approved, post_state::rejected, post_state::removed,
                 post_state::deleted})
    if (to_string(s) == text) return s;
  return std::nullopt;
}

boost::json::array decision_json(const moderation_decision& d) {
  return {boost::json::value(to_string(d.verdict)), boost::json::value(d.rule), boost::json::value(d.reason)};
}

bool read_decision(const boost::json::object& in, std::string_view key, moderation_decision& out,
                   std::string& why) {
  const boost::json::array* fields = nullptr;
  if (!read_field(in, key, fields, why)) return false;
  if (fields->size() != 3 || !(*fields)[0].is_string() || !(*fields)[1].is_string() ||
      !(*fields)[2].is_string())
    return (why = std::string(key) + ": not [verdict, rule, reason]", false);
  const std::string_view verdict = (*fields)[0].get_string();
  if (verdict != "rejected" && verdict != "pending" && verdict != "approved")
    return (why = std::string(key) + ": not a verdict", false);
  out = {parse_verdict(verdict), std::string((*fields)[1].get_string()),
         std::string((*fields)[2].get_string())};
  return true;
}

bool read_post(const boost::json::object& in, std::string_view key, social_post& out, std::string& why) {
  const boost::json::object* post = nullptr;
  if (!read_field(in, key, post, why)) return false;
  out = post_from_json(*post);
  return true;
}

boost::json::array marks_json(const std::map<author_key, author_mark>& marks) {
  boost::json::array out;
  for (const auto& [author, mark] : marks)
    out.push_back(boost::json::array{boost::json::value(author.first), boost::json::value(author.second),
                                     boost::json::value(mark.who), boost::json::value(mark.at)});
  return out;
}

bool read_marks(const boost::json::object& in, std::string_view key, std::map<author_key, author_mark>& out,
                std::string& why) {
  const boost::json::array* marks = nullptr;
  if (!read_field(in, key, marks, why)) return false;
  for (const auto& mark : *marks) {
    const boost::json::array* fields = mark.if_array();
    if (!fields || fields->size() != 4 || !(*fields)[0].is_string() || !(*fields)[1].is_string() ||
        !(*fields)[2].is_string() || !(*fields)[3].is_int64())
      return (why = std::string(key) + ": not [source, handle, by, at]", false);
    out[{std::string((*fields)[0].get_string()), std::string((*fields)[1].get_string())}] =
        author_mark{std::string((*fields)[2].get_string()), (*fields)[3].get_int64()};
  }
  return true;
}

}  // namespace

boost::json::object post_wall::snapshot() const {
  boost::json::array posts, wall;
  for (const auto& [arrival, id] : arrival_order_) {
    const wall_entry* entry = find(id);
    if (!entry) continue;
    boost::json::value edit = nullptr;
    if (entry->edit)
      edit = boost::json::object{{"post", post_to_json(entry->edit->post)},
                                 {"decision", decision_json(entry->edit->decision)},
                                 {"received_at", entry->edit->received_at}};
    posts.push_back(boost::json::object{{"post", post_to_json(entry->post)},
                                        {"decision", decision_json(entry->decision)},
                                        {"state", to_string(entry->state)},
                                        {"featured", entry->featured},
                                        {"received_at", entry->received_at},
                                        {"edit", std::move(edit)},
                                        {"by_author_list", entry->by_author_list},
                                        {"arrival", entry->arrival}});
  }
  for (const auto& id : wall_) wall.emplace_back(id);
  return {{"posts", std::move(posts)},
          {"next_arrival", next_arrival_},
          {"wall", std::move(wall)},
          {"on_screen", on_screen_},
          {"blocked", marks_json(blocked_)},
          {"trusted", marks_json(trusted_)},
          {"evicted", boost::json::array{evicted_.settled, evicted_.approved, evicted_.held}}};
}

bool post_wall::restore(const boost::json::object& in, std::string& why) {
  const boost::json::array* posts = nullptr;
  const boost::json::array* evicted = nullptr;
  std::uint64_t next_arrival = 1;
  std::vector<std::string> wall;
  std::string on_screen;
  std::map<author_key, author_mark> blocked, trusted;
  if (!read_field(in, "posts", posts, why) || !read_field(in, "next_arrival", next_arrival, why) ||
      !read_strings(in, "wall", wall, why) || !read_field(in, "on_screen", on_screen, why) ||
      !read_marks(in, "blocked", blocked, why) || !read_marks(in, "trusted", trusted, why) ||
      !read_field(in, "evicted", evicted, why))
    return false;
  if (evicted->size() != 3 || !(*evicted)[0].is_number() || !(*evicted)[1].is_number() ||
      !(*evicted)[2].is_number())
    return (why = "evicted: not [settled, approved, held]", false);
  eviction_counts counts;
  std::uint64_t* count_fields[] = {&counts.settled, &counts.approved, &counts.held};
  for (std::size_t i = 0; i < 3; ++i) {
    const auto& n = (*evicted)[i];
    if (n.is_uint64())
      *count_fields[i] = n.get_uint64();
    else if (n.is_int64() && n.get_int64() >= 0)
      *count_fields[i] = static_cast<std::uint64_t>(n.get_int64());
    else
      return (why = "evicted: not [settled, approved, held]", false);
  }
  std::map<std::string, wall_entry> restored;
  std::map<std::uint64_t, std::string> arrivals;
  for (std::size_t i = 0; i < posts->size(); ++i) {
    const std::string where = "posts[" + std::to_string(i) + "]";
    const boost::json::object* fields = (*posts)[i].if_object();
    if (!fields) return (why = "not an object", fail_at(where, why));
    wall_entry entry;
    std::string state;
    const boost::json::value* edit = nullptr;
    if (!read_post(*fields, "post", entry.post, why) ||
        !read_decision(*fields, "decision", entry.decision, why) ||
        !read_field(*fields, "state", state, why) || !read_field(*fields, "featured", entry.featured, why) ||
        !read_field(*fields, "received_at", entry.received_at, why) ||
        !read_field(*fields, "edit", edit, why) ||
        !read_field(*fields, "by_author_list", entry.by_author_list, why) ||
        !read_field(*fields, "arrival", entry.arrival, why))
      return fail_at(where, why);
    auto parsed = parse_state(state);
    if (!parsed) return (why = "state: not a post state", fail_at(where, why));
    entry.state = *parsed;
    if (!edit->is_null()) {
      const boost::json::object* edit_fields = edit->if_object();
      pending_edit waiting;
      if (!edit_fields) return (why = "edit: not null or an object", fail_at(where, why));
      if (!read_post(*edit_fields, "post", waiting.post, why) ||
          !read_decision(*edit_fields, "decision", waiting.decision, why) ||
          !read_field(*edit_fields, "received_at", waiting.received_at, why))
        return fail_at(where + ".edit", why);
      entry.edit = std::move(waiting);
    }
    if (entry.arrival == 0 || entry.arrival >= next_arrival ||
        !arrivals.emplace(entry.arrival, entry.post.id).second)
      return (why = "arrival: not a unique number below next_arrival", fail_at(where, why));
    std::string id = entry.post.id;
    if (!restored.emplace(std::move(id), std::move(entry)).second)
      return (why = "a second post with this id", fail_at(where, why));
  }
  for (const auto& id : wall)
    if (!restored.contains(id)) return (why = "wall: \"" + id + "\" is no post kept", false);
  posts_ = std::move(restored);
  arrival_order_ = std::move(arrivals);
  next_arrival_ = next_arrival;
  wall_ = std::deque<std::string>(wall.begin(), wall.end());
  on_screen_ = std::move(on_screen);
  blocked_ = std::move(blocked);
  trusted_ = std::move(trusted);
  evicted_ = counts;
  ++authors_version_;
  for (auto& list : evictable_) list.clear();
  // The eviction lists follow from each post's state, the wall and the screen.
  for (auto& [id, entry] : posts_) {
    entry.evict_tier = -1;
    reindex(entry);
  }
  return true;
}

}  // namespace companion::session
