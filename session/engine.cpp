#include "engine.hpp"

#include <algorithm>
#include <array>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <deque>
#include <functional>
#include <map>
#include <type_traits>

#include "frames.hpp"
#include "poll_board.hpp"
#include "post_wall.hpp"
#include "question_board.hpp"
#include "snapshot_fields.hpp"
#include "social_post_json.hpp"
#include "text_rules.hpp"

namespace companion::session {
namespace {

// Announcements are one line on a phone banner.
constexpr std::size_t max_announcement = 500;
// A stage message is read from across a stage at a glance, in large type.
constexpr std::size_t max_stage_message = 140;
// A segment title is one line on a phone's Now card and in the agenda list.
constexpr std::size_t max_segment_title = 200;
// A stage holds a panel; more names than this do not fit any page that lists them.
constexpr std::size_t max_segment_speakers = 12;
constexpr millis minute = 60'000;

std::string string_field(const boost::json::object& json, std::string_view key) {
  auto it = json.find(key);
  return it != json.end() && it->value().is_string() ? std::string(it->value().get_string()) : std::string();
}

std::int64_t int_field(const boost::json::object& json, std::string_view key) {
  auto it = json.find(key);
  if (it == json.end()) return 0;
  if (it->value().is_int64()) return it->value().get_int64();
  if (it->value().is_uint64()) return static_cast<std::int64_t>(it->value().get_uint64());
  return 0;
}

}  // namespace

struct event_engine::state final : publisher {
  state(event_definition d, std::string e, engine_limits l)
      : definition(std::move(d)),
        epoch(std::move(e)),
        limits(l),
        run(definition.segments),
        questions(definition.questions_premoderated),
        wall(wall_limits{l.wall_size, l.max_posts, l.max_audit}),
        moderation(definition.moderation),
        polls(definition.polls) {
    for (const auto& tag : definition.hashtags) tag_totals[tag] = 0;
    // The state shows only published stats, so that it always equals what followers hold.
    last_stats = stats_json(0);
  }

  event_definition definition;
  std::string epoch;
  engine_limits limits;
  std::uint64_t seq = 0;
  agenda run;
  boost::json::value announcement;  // null or {"text","at"}
  boost::json::value on_screen;     // null or {"kind","id","by"}
  boost::json::value stage;         // null or {"text","at"}: the producer's message to the speakers
  question_board questions;
  post_wall wall;
  boost::json::object moderation;  // auto-moderation rules in force (the event file's, then moderators')
  poll_board polls;

  // Stats: totals per hashtag and the arrivals of the last minute.
  std::map<std::string, std::uint64_t> tag_totals;
  std::deque<std::pair<millis, std::string>> recent_tags;
  std::uint64_t viewers = 0;
  boost::json::value last_stats;  // what the last `stats` change said (all zero before the first)
  millis last_stats_at = 0;
  millis last_votes_at = 0;

  engine_reply* reply = nullptr;  // where change() and staff() collect, for the input being handled
  // When the input being handled was applied (its journal record's "at" on replay):
  // every change it makes carries it, so a change says the same time live, on resume
  // and after a restart.
  millis applied_at = 0;
  // The journal format whose rules apply to the input being handled: the current
  // one live, the record's own while replaying.
  int rules_version = journal_version;
  bool replaying = false;  // inside replay(): limits on new input do not apply
  // Checks moderation.set's rules before they are taken (empty: accepted).
  std::function<std::string(const boost::json::object&)> rules_checker;
  std::uint64_t questions_refused_full = 0;
  std::uint64_t votes_refused_changes = 0;
  // The latest public changes, for a snapshot to carry the resume window.
  std::deque<message_ptr> recent;

  void change(std::string_view kind, boost::json::value data) override {
    auto message = std::make_shared<published_message>();
    message->seq = ++seq;
    message->kind = kind;
    message->at = applied_at;
    message->payload = change_frame(message->seq, epoch, kind, applied_at, data);
    message->data = std::move(data);
    reply->ack["seq"] = message->seq;
    recent.push_back(message);
    if (recent.size() > limits.recent_changes) recent.pop_front();
    reply->messages.push_back(std::move(message));
  }

  void staff(boost::json::object frame) override {
    auto message = std::make_shared<published_message>();
    message->staff_only = true;
    message->kind = std::string(frame["type"].as_string());
    message->payload = boost::json::serialize(frame);
    message->data = std::move(frame);
    reply->messages.push_back(std::move(message));
  }

  void forget_old_tags(millis now) {
    while (!recent_tags.empty() && recent_tags.front().first <= now - minute) recent_tags.pop_front();
  }

  boost::json::value stats_json(millis now) const {
    std::map<std::string, std::uint64_t> per_minute;
    for (const auto& [at, tag] : recent_tags)
      if (at > now - minute) ++per_minute[tag];
    boost::json::object tags;
    for (const auto& [tag, total] : tag_totals)
      tags[tag] = boost::json::object{{"total", total},
                                      {"per_minute", per_minute.contains(tag) ? per_minute.at(tag) : 0}};
    return boost::json::object{{"viewers", viewers}, {"tags", std::move(tags)}};
  }

  // The on-screen item must stay public; when it stops being so, the screen clears.
  void clear_screen_if_gone() {
    if (on_screen.is_null()) return;
    const auto& screen = on_screen.get_object();
    std::string kind = string_field(screen, "kind"), id = string_field(screen, "id");
    bool visible = kind == "question" ? questions.is_public(id)
                   : kind == "poll"   ? polls.is_public(id)
                                      : wall.is_highlight(id);
    if (!visible) {
      on_screen = nullptr;
      change("on_screen", nullptr);
    }
  }

  // post.approve / post.reject on a selection. Posts another moderator settled meanwhile
  // are skipped and listed in the ack; the command fails only when none could be decided.
  outcome decide_posts(const std::vector<std::string>& posts, bool approve, const std::string& who,
                       millis now, boost::json::object& ack) {
    boost::json::array done, skipped;
    for (const auto& id : posts) {
      outcome one = approve ? wall.approve(id, who, now, *this) : wall.reject(id, who, now, *this);
      if (one.ok())
        done.emplace_back(id);
      else
        skipped.push_back(
            boost::json::object{{"post", id}, {"code", to_string(one.code)}, {"message", one.message}});
    }
    if (done.empty())
      return outcome::failure(error_code::conflict, std::string("none of the posts could be ") +
                                                        (approve ? "approved" : "rejected"));
    ack["done"] = std::move(done);
    ack["skipped"] = std::move(skipped);
    return outcome::success();
  }

  outcome set_screen(const on_screen_set& cmd, const actor& who, const std::string& by) {
    if (definition.on_air_producers_only && !role_allows(who.who, role::producer))
      return outcome::failure(error_code::forbidden, "this event reserves the overlay to producers");
    if (!cmd.kind) {
      if (on_screen.is_null()) return outcome::success();
      on_screen = nullptr;
      change("on_screen", nullptr);
      return outcome::success();
    }
    const std::string& id = *cmd.item;
    if (*cmd.kind == "question") {
      if (!questions.is_public(id))
        return outcome::failure(error_code::not_found, "no such approved question");
    } else if (*cmd.kind == "highlight") {
      if (!wall.is_highlight(id)) return outcome::failure(error_code::not_found, "no such highlight");
    } else if (*cmd.kind == "poll") {
      // A draft is staff-only until opened; an open or a closed poll may go on air.
      if (!polls.is_public(id)) return outcome::failure(error_code::not_found, "no such open or closed poll");
    } else {
      return outcome::failure(error_code::bad_request, "kind must be question, highlight or poll");
    }
    if (!on_screen.is_null() && string_field(on_screen.get_object(), "kind") == *cmd.kind &&
        string_field(on_screen.get_object(), "id") == id)
      return outcome::success();
    // `by` tells the producer who put the item on air.
    boost::json::object screen{{"kind", *cmd.kind}, {"id", id}, {"by", by}};
    on_screen = screen;
    change("on_screen", std::move(screen));
    return outcome::success();
  }

  outcome set_announcement(const std::string& raw, millis now) {
    std::string text = trim_text(raw);
    if (count_code_points(text) > max_announcement)
      return outcome::failure(error_code::bad_request, "an announcement has at most " +
                                                           std::to_string(max_announcement) + " characters");
    if (has_control_characters(text))
      return outcome::failure(error_code::bad_request, "the announcement contains control characters");
    if (text.empty()) {
      if (announcement.is_null()) return outcome::success();
      announcement = nullptr;
    } else {
      announcement = boost::json::object{{"text", text}, {"at", now}};
    }
    change("announcement", announcement);
    return outcome::success();
  }

  // Same text rules as an announcement, shorter; an empty text clears the message.
  outcome set_stage_message(const std::string& raw, millis now) {
    std::string text = trim_text(raw);
    if (count_code_points(text) > max_stage_message)
      return outcome::failure(error_code::bad_request, "a stage message has at most " +
                                                           std::to_string(max_stage_message) + " characters");
    if (has_control_characters(text))
      return outcome::failure(error_code::bad_request, "the stage message contains control characters");
    if (text.empty()) {
      if (stage.is_null()) return outcome::success();
      stage = nullptr;
    } else {
      stage = boost::json::object{{"text", text}, {"at", now}};
    }
    change("stage", stage);
    return outcome::success();
  }

  // Live rundown edits: the segment is checked by the event file's rules, so what a
  // producer adds during the show is as valid as what the file held.
  outcome checked_segment(boost::json::object fields, const std::optional<std::string>& kind,
                          const std::optional<std::string>& title, const std::optional<std::int64_t>& minutes,
                          const std::optional<boost::json::value>& speakers, segment_definition& segment) {
    if (kind) fields["kind"] = *kind;
    if (title) {
      std::string trimmed = trim_text(*title);
      if (count_code_points(trimmed) > max_segment_title)
        return outcome::failure(
            error_code::bad_request,
            "a segment title has at most " + std::to_string(max_segment_title) + " characters");
      if (has_control_characters(trimmed))
        return outcome::failure(error_code::bad_request, "the title contains control characters");
      fields["title"] = trimmed;
    }
    if (minutes) fields["planned_minutes"] = *minutes;
    if (speakers) {
      if (!speakers->is_array())
        return outcome::failure(error_code::bad_request, "speakers must be an array");
      if (speakers->as_array().size() > max_segment_speakers)
        return outcome::failure(
            error_code::bad_request,
            "a segment has at most " + std::to_string(max_segment_speakers) + " speakers");
      fields["speakers"] = *speakers;
    }
    std::string why;
    if (!parse_segment(fields, segment, why)) return outcome::failure(error_code::bad_request, why);
    return outcome::success();
  }

  outcome rundown_changed(outcome result) {
    if (result.ok()) change("agenda", run.to_json());
    return result;
  }

  outcome agenda_changed(outcome result) {
    if (result.ok()) change("agenda", run.to_json());
    return result;
  }

  // An ended show takes no more questions and leaves nothing on air. Each is its
  // usual change, in the same committed step as the end.
  void close_after_end() {
    if (questions.is_open()) questions.set_open(false, *this);
    if (!on_screen.is_null()) {
      on_screen = nullptr;
      change("on_screen", nullptr);
    }
  }

  // The audit row of an accepted command whose decision the wall does not record itself
  // (posts are recorded there, one row per post): questions, authors, the overlay, the
  // show and the rules. Each names the item, its text as decided on, and who decided.
  void audit_decision(const command& cmd, const actor& who, millis now, const boost::json::object& ack) {
    if (std::holds_alternative<question_vote>(cmd.body) ||
        std::holds_alternative<question_unvote>(cmd.body) || std::holds_alternative<poll_vote>(cmd.body))
      return;
    const std::string type(type_name(cmd.body));
    // The command's fields by name, as the journal writes them.
    const boost::json::object fields = command_to_json(cmd.body);
    auto field = [&fields](std::string_view key) { return string_field(fields, key); };
    const std::string by = who.subject.empty() ? std::string(to_string(who.who)) : who.subject;
    auto note = [&](std::string kind, std::string action, std::string item, std::string text,
                    std::string author = {}, std::string reason = {}, std::string name = {}) {
      wall.note({now,
                 name.empty() ? by : name,
                 std::move(action),
                 std::move(item),
                 std::move(author),
                 {},
                 std::move(reason),
                 std::move(kind),
                 std::move(text)});
    };
    auto after_dot = [&type] { return type.substr(type.find('.') + 1); };
    if (type == "question.ask") {
      // Asking is no decision; a merge into an earlier question is, made by the rules. The
      // new question is `asked` when merged into a public one, else `question`.
      std::string id = string_field(ack, ack.contains("asked") ? "asked" : "question");
      const question* q = questions.find(id);
      if (q && q->status == question_status::merged)
        note("question", "merged", id, q->text, q->author.value_or(""), "same as " + q->merged_into, "auto");
      return;
    }
    if (type.starts_with("question.") && type != "question.vote" && type != "question.unvote") {
      static const std::map<std::string, std::string, std::less<>> done{
          {"question.approve", "approved"},  {"question.reject", "rejected"},
          {"question.answered", "answered"}, {"question.reopen", "reopened"},
          {"question.edit", "edited"},       {"question.unmerge", "unmerged"},
          {"question.restore", "restored"}};
      auto action = done.find(type);
      const question* q = questions.find(field("question"));
      if (action != done.end() && q) note("question", action->second, q->id, q->text, q->author.value_or(""));
      return;
    }
    if (type.starts_with("author.")) {
      note("author", after_dot() + "ed", field("source") + ":" + field("handle"), {},
           field("handle"));  // blocked, trusted, ...
      return;
    }
    if (const auto* screen = std::get_if<on_screen_set>(&cmd.body)) {
      if (!screen->kind) return note("on_screen", "cleared", {}, {});
      std::string text;
      if (*screen->kind == "question") {
        if (const question* q = questions.find(*screen->item)) text = q->text;
      } else if (*screen->kind == "poll") {
        if (const poll* p = polls.find(*screen->item)) text = p->definition.question;
      } else if (const wall_entry* post = wall.find(*screen->item)) {
        text = post->post.text;
      }
      return note("on_screen", "on_air", *screen->kind + ":" + *screen->item, text);
    }
    if (type.starts_with("agenda.") || type.starts_with("segment.")) {
      // The segment the command names, else the one current after it.
      std::string id = field("segment").empty() ? current_segment() : field("segment");
      std::string title;
      for (const auto& segment : run.segments())
        if (segment.definition.id == id) title = segment.definition.title;
      return note(type.starts_with("agenda.") ? "agenda" : "segment", after_dot(), id, title);
    }
    if (type == "announce" || type == "stage.message") {
      const boost::json::value& now_shown = type == "announce" ? announcement : stage;
      std::string text = now_shown.is_object() ? string_field(now_shown.get_object(), "text") : std::string();
      return note(type == "announce" ? "announcement" : "stage", text.empty() ? "cleared" : "set", {}, text);
    }
    if (const auto* qa = std::get_if<qa_set>(&cmd.body))
      return note("qa", qa->open ? "opened" : "closed", {}, {});
    if (type == "moderation.set") return note("rules", "set", {}, boost::json::serialize(moderation));
    if (type.starts_with("poll.")) {
      static const std::map<std::string, std::string, std::less<>> done{
          {"poll.create", "created"}, {"poll.open", "opened"}, {"poll.close", "closed"}};
      std::string id = field("poll").empty() ? string_field(ack, "poll") : field("poll");
      auto action = done.find(type);
      if (const poll* p = polls.find(id); p && action != done.end())
        note("poll", action->second, id, p->definition.question);
    }
  }

  std::string current_segment() const {
    auto index = run.current_index();
    return index ? run.segments()[*index].definition.id : std::string();
  }

  // What applying one command needs besides the command.
  struct applying {
    const actor& who;
    millis now;
    boost::json::object& ack;
    std::string staff_name;  // who decided, in the audit trail and on the overlay
  };

  outcome handle(const agenda_start&, applying& a) { return agenda_changed(run.start(a.now)); }
  outcome handle(const agenda_next&, applying& a) { return agenda_changed(run.next(a.now)); }
  outcome handle(const agenda_previous&, applying& a) { return agenda_changed(run.previous(a.now)); }
  outcome handle(const agenda_pause&, applying& a) { return agenda_changed(run.pause(a.now)); }
  outcome handle(const agenda_resume&, applying& a) { return agenda_changed(run.resume(a.now)); }
  outcome handle(const agenda_goto& cmd, applying& a) {
    return agenda_changed(run.go_to(cmd.segment, a.now));
  }
  outcome handle(const agenda_end&, applying& a) {
    outcome result = agenda_changed(run.end(a.now));
    if (result.ok() && rules_version >= 2) close_after_end();
    return result;
  }
  outcome handle(const announce& cmd, applying& a) { return set_announcement(cmd.text, a.now); }
  outcome handle(const stage_message& cmd, applying& a) { return set_stage_message(cmd.text, a.now); }
  outcome handle(const segment_add& cmd, applying&) {
    segment_definition segment;
    outcome checked = checked_segment(boost::json::object{{"id", cmd.segment}}, cmd.kind, cmd.title,
                                      cmd.planned_minutes, cmd.speakers, segment);
    if (!checked.ok()) return checked;
    std::optional<std::string> after = cmd.after ? *cmd.after : std::nullopt;
    return rundown_changed(run.add_segment(std::move(segment), after, !cmd.after, limits.max_segments));
  }
  outcome handle(const segment_update& cmd, applying&) {
    auto found = std::find_if(run.segments().begin(), run.segments().end(),
                              [&](const segment_state& s) { return s.definition.id == cmd.segment; });
    if (found == run.segments().end())
      return outcome::failure(error_code::not_found, "no segment \"" + cmd.segment + "\"");
    segment_definition segment;
    outcome checked = checked_segment(segment_definition_to_json(found->definition), cmd.kind, cmd.title,
                                      cmd.planned_minutes, cmd.speakers, segment);
    if (!checked.ok()) return checked;
    return rundown_changed(run.update_segment(std::move(segment)));
  }
  outcome handle(const segment_remove& cmd, applying&) {
    return rundown_changed(run.remove_segment(cmd.segment));
  }
  outcome handle(const segment_move& cmd, applying&) {
    return rundown_changed(run.move_segment(cmd.segment, cmd.after));
  }
  outcome handle(const qa_set& cmd, applying&) { return questions.set_open(cmd.open, *this); }
  outcome handle(const event_reset& cmd, applying&) {
    if (cmd.confirm != definition.id)
      return outcome::failure(error_code::bad_request,
                              "confirm must repeat the event's id (\"" + definition.id + "\") to reset it");
    return outcome::success();
  }
  outcome handle(const on_screen_set& cmd, applying& a) { return set_screen(cmd, a.who, a.staff_name); }

  outcome handle(const question_ask& cmd, applying& a) {
    if (!replaying && questions.all().size() >= limits.max_questions) {
      // Counted, and journaled asks replay whatever the cap is now: nothing accepted is lost.
      ++questions_refused_full;
      return outcome::failure(error_code::conflict, "this event takes no more questions (at most " +
                                                        std::to_string(limits.max_questions) + ")");
    }
    return questions.ask(a.who.viewer, cmd.text, cmd.name, current_segment(), a.now, *this, a.ack);
  }
  outcome vote(const std::string& question, const std::string& viewer, bool up) {
    if (!replaying && questions.vote_changes(question, viewer) >= limits.max_vote_changes) {
      ++votes_refused_changes;
      return outcome::failure(error_code::conflict, "this vote has been changed too often (at most " +
                                                        std::to_string(limits.max_vote_changes) + " times)");
    }
    return questions.vote(question, viewer, up, *this);
  }
  outcome handle(const question_vote& cmd, applying& a) { return vote(cmd.question, a.who.viewer, true); }
  outcome handle(const question_unvote& cmd, applying& a) { return vote(cmd.question, a.who.viewer, false); }
  outcome handle(const question_approve& cmd, applying&) { return questions.approve(cmd.question, *this); }
  outcome handle(const question_reject& cmd, applying&) { return questions.reject(cmd.question, *this); }
  outcome handle(const question_answered& cmd, applying& a) {
    return questions.mark_answered(cmd.question, a.now, *this);
  }
  outcome handle(const question_reopen& cmd, applying&) { return questions.reopen(cmd.question, *this); }
  outcome handle(const question_edit& cmd, applying&) {
    return questions.edit(cmd.question, cmd.text, *this);
  }
  outcome handle(const question_unmerge& cmd, applying&) { return questions.unmerge(cmd.question, *this); }
  outcome handle(const question_restore& cmd, applying&) { return questions.restore(cmd.question, *this); }

  outcome handle(const post_approve& cmd, applying& a) {
    if (!cmd.posts.empty()) return decide_posts(cmd.posts, true, a.staff_name, a.now, a.ack);
    return wall.approve(cmd.post, a.staff_name, a.now, *this);
  }
  outcome handle(const post_reject& cmd, applying& a) {
    if (!cmd.posts.empty()) return decide_posts(cmd.posts, false, a.staff_name, a.now, a.ack);
    return wall.reject(cmd.post, a.staff_name, a.now, *this);
  }
  outcome handle(const post_restore& cmd, applying& a) {
    return wall.restore(cmd.post, a.staff_name, a.now, *this);
  }
  outcome handle(const post_feature& cmd, applying& a) {
    return wall.feature(cmd.post, a.staff_name, a.now, *this);
  }
  outcome handle(const highlight_remove& cmd, applying& a) {
    return wall.remove(cmd.highlight, a.staff_name, a.now, *this);
  }
  outcome handle(const author_block& cmd, applying& a) {
    return wall.block_author(cmd.source, cmd.handle, a.staff_name, a.now, *this);
  }
  outcome handle(const author_trust& cmd, applying& a) {
    return wall.trust_author(cmd.source, cmd.handle, a.staff_name, a.now, *this);
  }
  outcome handle(const author_unblock& cmd, applying& a) {
    return wall.unblock_author(cmd.source, cmd.handle, a.staff_name, a.now, *this);
  }
  outcome handle(const author_untrust& cmd, applying& a) {
    return wall.untrust_author(cmd.source, cmd.handle, a.staff_name, a.now, *this);
  }
  outcome handle(const moderation_set& cmd, applying& a) {
    // Checked by whoever applies the rules to posts; journaled rules were checked when they came.
    if (rules_checker && !replaying)
      if (std::string why = rules_checker(cmd.rules); !why.empty())
        return outcome::failure(error_code::bad_request, why);
    moderation = cmd.rules;
    staff(boost::json::object{{"type", "moderation.rules"}, {"rules", moderation}, {"by", a.staff_name}});
    reply->effects.emplace_back(rules_changed{moderation});
    return outcome::success();
  }
  outcome handle(const poll_create& cmd, applying& a) {
    if (!replaying && polls.size() >= limits.max_polls) {
      // Counted; journaled polls replay whatever the cap is now.
      ++polls.refused_full;
      return outcome::failure(error_code::conflict, "this event takes no more polls (at most " +
                                                        std::to_string(limits.max_polls) + ")");
    }
    poll_definition made{{}, cmd.question, {}, cmd.multiple};
    for (const auto& text : cmd.options) made.options.push_back({{}, text});
    return polls.create(std::move(made), *this, a.ack);
  }
  outcome handle(const poll_open& cmd, applying& a) { return polls.open(cmd.poll, a.now, *this); }
  outcome handle(const poll_close& cmd, applying& a) { return polls.close(cmd.poll, a.now, *this); }
  outcome handle(const poll_vote& cmd, applying& a) {
    return polls.vote(cmd.poll, a.who.viewer, cmd.options);
  }

  // Reads a shard answers from its replica, and reactions a shard counts.
  template <class page>
  requires std::is_same_v<page, questions_page> || std::is_same_v<page, queue_page> ||
      std::is_same_v<page, react>
          outcome handle(const page&, applying&) {
    return outcome::failure(error_code::bad_request, "\"" + std::string(info(command_body(page{})).name) +
                                                         "\" is not an event command");
  }

  // How long a queued item had waited when a moderator decided on it.
  std::optional<millis> queued_post_since(const std::string& id) const {
    const wall_entry* entry = wall.find(id);
    if (entry && entry->edit) return entry->edit->received_at;
    if (entry && entry->state == post_state::pending) return entry->received_at;
    return std::nullopt;
  }
  std::optional<millis> queued_question_since(const std::string& id) const {
    const question* asked = questions.find(id);
    if (asked && asked->status == question_status::pending) return asked->asked_at;
    return std::nullopt;
  }
  std::optional<millis> queued_since(const command_body& body) const {
    if (const auto* c = std::get_if<post_approve>(&body)) return queued_post_since(c->post);
    if (const auto* c = std::get_if<post_reject>(&body)) return queued_post_since(c->post);
    if (const auto* c = std::get_if<post_feature>(&body)) return queued_post_since(c->post);
    if (const auto* c = std::get_if<question_approve>(&body)) return queued_question_since(c->question);
    if (const auto* c = std::get_if<question_reject>(&body)) return queued_question_since(c->question);
    return std::nullopt;
  }
};

event_engine::event_engine(event_definition definition, std::string epoch, engine_limits limits)
    : state_(std::make_unique<state>(std::move(definition), std::move(epoch), limits)) {}

event_engine::~event_engine() = default;

engine_reply event_engine::apply(const command& cmd, const actor& who, millis now) {
  engine_reply reply;
  // The one check of a command's role: every command the engine applies comes here.
  reply.result = authorize(info(cmd.body), who.who);
  if (!reply.result.ok()) return reply;
  std::optional<millis> queued_since = state_->queued_since(cmd.body);
  const std::size_t authors_before = state_->wall.authors_version();
  state_->reply = &reply;
  state_->applied_at = now;
  state::applying context{who, now, reply.ack,
                          who.subject.empty() ? std::string(to_string(who.who)) : who.subject};
  reply.result = std::visit([&](const auto& body) { return state_->handle(body, context); }, cmd.body);
  if (reply.result.ok()) state_->clear_screen_if_gone();
  if (reply.result.ok()) state_->audit_decision(cmd, who, now, reply.ack);
  state_->reply = nullptr;
  if (!reply.result.ok()) {
    // A failed command changes nothing; the parts check before they mutate.
    reply.messages.clear();
    reply.ack = {};
    reply.effects.clear();
    return reply;
  }
  if (std::holds_alternative<event_reset>(cmd.body)) {
    // The new epoch is the gateway's to start; the old journal gets no record of it.
    reply.effects.emplace_back(reset_requested{});
    return reply;
  }
  if (queued_since) reply.effects.emplace_back(decision_made{std::max<millis>(0, now - *queued_since)});
  if (state_->wall.authors_version() != authors_before)
    reply.effects.emplace_back(authors_changed{authors()});
  // Every accepted command is journaled, also those that publish nothing: a vote, or
  // an author block with no queued posts, changes state that a replay must rebuild.
  // Votes are the bulk of a busy event's journal: they get a compact record of their own.
  const auto* up = std::get_if<question_vote>(&cmd.body);
  const auto* down = std::get_if<question_unvote>(&cmd.body);
  if ((up || down) && state_->rules_version >= 4) {
    reply.journal = boost::json::object{{"v", state_->rules_version},
                                        {"kind", up ? "vote" : "unvote"},
                                        {"w", who.viewer},
                                        {"q", up ? up->question : down->question}};
    return reply;
  }
  reply.journal =
      boost::json::object{{"v", state_->rules_version},      {"kind", "command"},    {"at", now},
                          {"role", to_string(who.who)},      {"viewer", who.viewer}, {"subject", who.subject},
                          {"cmd", command_to_json(cmd.body)}};
  return reply;
}

engine_reply event_engine::ingest(const social_post& post, const moderation_decision& decision, millis now) {
  engine_reply reply;
  state_->reply = &reply;
  state_->applied_at = now;
  // What is on screen stays however many posts arrive after it.
  const auto* screen = state_->on_screen.if_object();
  state_->wall.set_on_screen(
      screen && string_field(*screen, "kind") == "highlight" ? string_field(*screen, "id") : std::string());
  // --max-posts applies from format 4 on: an older journal replays every post it kept.
  state_->wall.set_capped(state_->rules_version >= 4);
  reply.result = state_->wall.ingest(post, decision, now, *state_);
  if (reply.result.ok()) {
    for (const auto& tag : post.tags) {
      if (!state_->tag_totals.contains(tag)) continue;
      ++state_->tag_totals[tag];
      state_->recent_tags.emplace_back(now, tag);
    }
    reply.journal = boost::json::object{{"v", state_->rules_version},
                                        {"kind", "post"},
                                        {"at", now},
                                        {"post", post_to_json(post)},
                                        {"verdict", to_string(decision.verdict)},
                                        {"rule", decision.rule},
                                        {"reason", decision.reason}};
  }
  state_->reply = nullptr;
  return reply;
}

engine_reply event_engine::edit(const social_post& post, const moderation_decision& decision, millis now) {
  engine_reply reply;
  state_->reply = &reply;
  state_->applied_at = now;
  // Hashtag stats count arrivals, so an edit leaves them alone.
  reply.result = state_->wall.edit(post, decision, now, *state_);
  if (reply.result.ok())
    reply.journal = boost::json::object{{"v", state_->rules_version},
                                        {"kind", "edit"},
                                        {"at", now},
                                        {"post", post_to_json(post)},
                                        {"verdict", to_string(decision.verdict)},
                                        {"rule", decision.rule},
                                        {"reason", decision.reason}};
  state_->reply = nullptr;
  return reply;
}

engine_reply event_engine::retract(const std::string& post_id, millis now) {
  engine_reply reply;
  state_->reply = &reply;
  state_->applied_at = now;
  reply.result = state_->wall.retract(post_id, now, *state_);
  if (reply.result.ok()) {
    state_->clear_screen_if_gone();
    reply.journal =
        boost::json::object{{"v", state_->rules_version}, {"kind", "retract"}, {"at", now}, {"id", post_id}};
  }
  state_->reply = nullptr;
  return reply;
}

engine_reply event_engine::tick(millis now, std::uint64_t viewers) {
  engine_reply reply;
  state& s = *state_;
  s.reply = &reply;
  s.applied_at = now;
  s.viewers = viewers;
  millis votes_interval = 1000 / std::max(1, s.limits.votes_changes_per_second);
  if (s.questions.has_pending_votes() && now - s.last_votes_at >= votes_interval) {
    s.questions.flush_votes(s);
    s.last_votes_at = now;
  }
  // Poll counts follow the same pace, per poll.
  if (s.polls.has_pending_votes()) s.polls.flush_votes(now, votes_interval, s);
  if (now - s.last_stats_at >= s.limits.stats_interval) {
    s.forget_old_tags(now);
    boost::json::value stats = s.stats_json(now);
    if (stats != s.last_stats) {
      s.last_stats = stats;
      s.last_stats_at = now;
      s.change("stats", std::move(stats));
    }
  }
  s.reply = nullptr;
  if (!reply.messages.empty())
    reply.journal =
        boost::json::object{{"v", s.rules_version}, {"kind", "tick"}, {"at", now}, {"viewers", viewers}};
  return reply;
}

int journal_record_version(const boost::json::object& record) {
  auto it = record.find("v");
  if (it == record.end() || !it->value().is_int64()) return 1;
  return static_cast<int>(it->value().get_int64());
}

bool event_engine::replay(const boost::json::object& record, engine_reply& reply) {
  const int version = journal_record_version(record);
  // A record from a newer server has rules this one does not know.
  if (version < 1 || version > journal_version) return false;
  state_->rules_version = version;
  state_->replaying = true;
  bool understood = replay_record(record, reply);
  state_->replaying = false;
  state_->rules_version = journal_version;
  return understood;
}

bool event_engine::replay_record(const boost::json::object& record, engine_reply& reply) {
  std::string kind = string_field(record, "kind");
  millis at = int_field(record, "at");
  if (kind == "command") {
    auto it = record.find("cmd");
    command cmd;
    if (it == record.end() || !it->value().is_object() ||
        !command_from_json(it->value().get_object(), cmd.body))
      return false;
    actor who;
    who.who = parse_role(string_field(record, "role")).value_or(role::viewer);
    who.viewer = string_field(record, "viewer");
    who.subject = string_field(record, "subject");
    reply = apply(cmd, who, at);
    return true;
  }
  if (kind == "vote" || kind == "unvote") {
    std::string question = string_field(record, "q");
    if (question.empty()) return false;
    command cmd;
    if (kind == "vote")
      cmd.body = question_vote{std::move(question)};
    else
      cmd.body = question_unvote{std::move(question)};
    reply = apply(cmd, actor{role::viewer, string_field(record, "w"), {}}, at);
    return true;
  }
  if (kind == "post") {
    auto it = record.find("post");
    if (it == record.end() || !it->value().is_object()) return false;
    moderation_decision decision{parse_verdict(string_field(record, "verdict")), string_field(record, "rule"),
                                 string_field(record, "reason")};
    reply = ingest(post_from_json(it->value().get_object()), decision, at);
    return true;
  }
  if (kind == "edit") {
    auto it = record.find("post");
    if (it == record.end() || !it->value().is_object()) return false;
    social_post post = post_from_json(it->value().get_object());
    if (state_->rules_version >= 3) {
      moderation_decision decision{parse_verdict(string_field(record, "verdict")),
                                   string_field(record, "rule"), string_field(record, "reason")};
      reply = edit(post, decision, at);
    } else {
      // Written before edits were moderated: replayed as they were applied then, so the
      // rebuilt state and seqs match what clients were told.
      reply = engine_reply{};
      state_->reply = &reply;
      state_->applied_at = at;
      reply.result = state_->wall.replace_content(post, at, *state_);
      if (reply.result.ok()) reply.journal = record;
      state_->reply = nullptr;
    }
    return true;
  }
  if (kind == "retract") {
    reply = retract(string_field(record, "id"), at);
    return true;
  }
  if (kind == "tick") {
    reply = tick(at, static_cast<std::uint64_t>(int_field(record, "viewers")));
    return true;
  }
  return false;
}

const event_definition& event_engine::definition() const {
  return state_->definition;
}
const std::string& event_engine::epoch() const {
  return state_->epoch;
}
std::uint64_t event_engine::seq() const {
  return state_->seq;
}
const agenda& event_engine::run_of_show() const {
  return state_->run;
}

std::size_t event_engine::queue_depth() const {
  std::size_t pending = state_->wall.queue_depth();
  for (const auto& [id, q] : state_->questions.all())
    if (q.status == question_status::pending) ++pending;
  return pending;
}
const question_board& event_engine::questions() const {
  return state_->questions;
}

std::uint64_t event_engine::questions_refused_full() const {
  return state_->questions_refused_full;
}
std::uint64_t event_engine::votes_refused_changes() const {
  return state_->votes_refused_changes;
}
const post_wall& event_engine::wall() const {
  return state_->wall;
}
const poll_board& event_engine::polls() const {
  return state_->polls;
}
std::uint64_t event_engine::polls_refused_full() const {
  return state_->polls.refused_full;
}
std::deque<audit_entry> event_engine::take_audit() {
  return state_->wall.take_audit();
}

boost::json::object event_engine::public_state() const {
  const state& s = *state_;
  return {{"event", event_to_json(s.definition)},
          {"agenda", s.run.to_json()},
          {"announcement", s.announcement},
          {"highlights", s.wall.highlights()},
          {"questions", s.questions.public_questions()},
          {"polls", s.polls.public_polls()},
          {"polls_total", s.polls.public_count()},
          {"on_screen", s.on_screen},
          {"stage", s.stage},
          {"stats", s.last_stats},
          {"qa", boost::json::object{{"open", s.questions.is_open()},
                                     {"premoderated", s.definition.questions_premoderated}}}};
}

boost::json::object event_engine::queue_snapshot() const {
  return {{"type", "queue.snapshot"},
          {"posts", state_->wall.queued_posts()},
          {"questions", state_->questions.staff_questions()},
          {"polls", state_->polls.drafts()},
          {"rules", state_->moderation},
          {"authors", state_->wall.authors_json()}};
}

void event_engine::set_rules_checker(std::function<std::string(const boost::json::object&)> checker) {
  state_->rules_checker = std::move(checker);
}

std::shared_ptr<const author_lists> event_engine::authors() const {
  auto lists = std::make_shared<author_lists>();
  for (const auto& [author, mark] : state_->wall.blocked_authors()) lists->blocked.insert(author);
  for (const auto& [author, mark] : state_->wall.trusted_authors()) lists->trusted.insert(author);
  return lists;
}

const boost::json::object& event_engine::moderation_rules() const {
  return state_->moderation;
}

// Snapshots. Each part of the state is one object under "parts", written and read by the
// part itself. A part added later (polls, say) gets its name in snapshot_parts, writes its
// object in snapshot() and reads it in restore(); a snapshot written before it has no such
// key and the part starts as a new event's does. A name this build does not know refuses
// the whole snapshot: starting without that part's state would be another history.
namespace {

constexpr std::array<std::string_view, 6> snapshot_parts{"engine", "agenda", "questions",
                                                         "wall",   "polls",  "recent"};

bool null_or_object(const boost::json::value& value) {
  return value.is_null() || value.is_object();
}

}  // namespace

boost::json::object event_engine::snapshot() const {
  const state& s = *state_;
  boost::json::object tags;
  for (const auto& [tag, total] : s.tag_totals) tags[tag] = total;
  boost::json::array recent_tags, recent;
  for (const auto& [at, tag] : s.recent_tags)
    recent_tags.push_back(boost::json::array{at, boost::json::value(tag)});
  // The frames exactly as clients got them, so a resume after a restart sends the same bytes.
  for (const auto& message : s.recent) recent.emplace_back(message->payload);
  boost::json::object own{{"seq", s.seq},
                          {"announcement", s.announcement},
                          {"on_screen", s.on_screen},
                          {"stage", s.stage},
                          {"moderation", s.moderation},
                          {"tag_totals", std::move(tags)},
                          {"recent_tags", std::move(recent_tags)},
                          {"viewers", s.viewers},
                          {"stats", s.last_stats},
                          {"stats_at", s.last_stats_at},
                          {"votes_at", s.last_votes_at},
                          {"questions_refused_full", s.questions_refused_full},
                          {"votes_refused_changes", s.votes_refused_changes}};
  boost::json::object parts{{"engine", std::move(own)},
                            {"agenda", s.run.snapshot()},
                            {"questions", s.questions.snapshot()},
                            {"wall", s.wall.snapshot()},
                            {"polls", s.polls.snapshot()},
                            {"recent", boost::json::object{{"changes", std::move(recent)}}}};
  return {{"snapshot", snapshot_version}, {"epoch", s.epoch}, {"seq", s.seq}, {"parts", std::move(parts)}};
}

namespace {

// The engine's own fields, into `s`.
template <class engine_state>
bool restore_own(const boost::json::object& in, engine_state& s, std::string& why) {
  const boost::json::value *announcement = nullptr, *on_screen = nullptr, *stage = nullptr, *stats = nullptr;
  const boost::json::object *moderation = nullptr, *tags = nullptr;
  const boost::json::array* recent_tags = nullptr;
  if (!read_field(in, "seq", s.seq, why) || !read_field(in, "announcement", announcement, why) ||
      !read_field(in, "on_screen", on_screen, why) || !read_field(in, "stage", stage, why) ||
      !read_field(in, "moderation", moderation, why) || !read_field(in, "tag_totals", tags, why) ||
      !read_field(in, "recent_tags", recent_tags, why) || !read_field(in, "viewers", s.viewers, why) ||
      !read_field(in, "stats", stats, why) || !read_field(in, "stats_at", s.last_stats_at, why) ||
      !read_field(in, "votes_at", s.last_votes_at, why) ||
      !read_field(in, "questions_refused_full", s.questions_refused_full, why) ||
      !read_field(in, "votes_refused_changes", s.votes_refused_changes, why))
    return false;
  if (!null_or_object(*announcement) || !null_or_object(*on_screen) || !null_or_object(*stage))
    return (why = "announcement, on_screen and stage: each null or an object", false);
  if (on_screen->is_object() &&
      (!on_screen->get_object().contains("kind") || !on_screen->get_object().contains("id")))
    return (why = "on_screen: without its kind and id", false);
  s.announcement = *announcement;
  s.on_screen = *on_screen;
  s.stage = *stage;
  s.moderation = *moderation;
  s.last_stats = *stats;
  s.tag_totals.clear();
  for (const auto& [tag, total] : *tags) {
    if (!total.is_uint64() && !(total.is_int64() && total.get_int64() >= 0))
      return (why = "tag_totals: not counts", false);
    s.tag_totals[std::string(tag)] =
        total.is_uint64() ? total.get_uint64() : static_cast<std::uint64_t>(total.get_int64());
  }
  for (const auto& item : *recent_tags) {
    const boost::json::array* pair = item.if_array();
    if (!pair || pair->size() != 2 || !(*pair)[0].is_int64() || !(*pair)[1].is_string())
      return (why = "recent_tags: not [at, tag] pairs", false);
    s.recent_tags.emplace_back((*pair)[0].get_int64(), std::string((*pair)[1].get_string()));
  }
  return true;
}

}  // namespace

bool event_engine::restore(std::string_view text, std::string& why) {
  boost::system::error_code ec;
  // The tree lives only while the state is built from it: one arena, freed at once, holds
  // it in about half the memory of one allocation per value.
  boost::json::monotonic_resource arena;
  boost::json::value parsed = boost::json::parse(text, ec, &arena);
  if (ec || !parsed.is_object()) return (why = "not a JSON object", false);
  const boost::json::object& root = parsed.get_object();
  std::int64_t version = 0;
  std::string epoch;
  std::uint64_t seq = 0;
  const boost::json::object* parts = nullptr;
  if (!read_field(root, "snapshot", version, why)) return false;
  if (version != snapshot_version)
    return (why = "snapshot version " + std::to_string(version) + " (this build reads version " +
                  std::to_string(snapshot_version) + ")",
            false);
  if (!read_field(root, "epoch", epoch, why) || !read_field(root, "seq", seq, why) ||
      !read_field(root, "parts", parts, why))
    return false;
  if (epoch != state_->epoch) return (why = "a snapshot of epoch " + epoch + ", not " + state_->epoch, false);
  for (const auto& [name, part] : *parts) {
    if (std::find(snapshot_parts.begin(), snapshot_parts.end(), name) == snapshot_parts.end())
      return (why = "part \"" + std::string(name) + "\", which this build does not know", false);
    if (!part.is_object()) return (why = "parts." + std::string(name) + ": not an object", false);
  }
  auto fresh = std::make_unique<state>(state_->definition, state_->epoch, state_->limits);
  auto part = [parts](std::string_view name) -> const boost::json::object* {
    auto it = parts->find(name);
    return it == parts->end() ? nullptr : &it->value().get_object();
  };
  if (const auto* own = part("engine"); own && !restore_own(*own, *fresh, why)) return fail_at("engine", why);
  if (fresh->seq != seq) return (why = "seq: not the engine's", false);
  if (const auto* p = part("agenda"); p && !fresh->run.restore(*p, why)) return fail_at("agenda", why);
  if (const auto* p = part("questions"); p && !fresh->questions.restore(*p, why))
    return fail_at("questions", why);
  if (const auto* p = part("wall"); p && !fresh->wall.restore(*p, why)) return fail_at("wall", why);
  if (const auto* p = part("polls"); p && !fresh->polls.restore(*p, why)) return fail_at("polls", why);
  if (const auto* p = part("recent")) {
    std::vector<std::string> frames;
    if (!read_strings(*p, "changes", frames, why)) return fail_at("recent", why);
    // Consecutive changes that end at the snapshot's seq.
    std::uint64_t expected = seq + 1 - std::min<std::uint64_t>(seq, frames.size());
    if (frames.size() > seq) return (why = "recent: more changes than seq", false);
    for (auto& payload : frames) {
      boost::json::value frame = boost::json::parse(payload, ec, &arena);
      const boost::json::object* fields = ec ? nullptr : frame.if_object();
      auto message = std::make_shared<published_message>();
      const boost::json::value* data = nullptr;
      if (!fields || !read_field(*fields, "seq", message->seq, why) ||
          !read_field(*fields, "kind", message->kind, why) || !read_field(*fields, "data", data, why) ||
          message->seq != expected++)
        return (why = "recent: not the changes before seq", false);
      message->data = boost::json::value(*data, boost::json::storage_ptr());  // off the arena
      if (const auto* at = fields->if_contains("at"); at && at->is_int64()) message->at = at->get_int64();
      message->payload = std::move(payload);
      fresh->recent.push_back(std::move(message));
    }
  }
  fresh->rules_checker = std::move(state_->rules_checker);
  state_ = std::move(fresh);
  return true;
}

std::vector<message_ptr> event_engine::recent_changes() const {
  return {state_->recent.begin(), state_->recent.end()};
}

}  // namespace companion::session
