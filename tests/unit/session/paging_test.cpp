// Reading a big event a page at a time: cursors, the ordered lists behind pages,
// the snapshot's bounded window of questions, and a replica answering
// questions.page and queue.page to the end while changes keep arriving.
#include "session/paging.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <string>
#include <vector>

#include "engine_fixture.hpp"
#include "session/question_index.hpp"
#include "session/replica.hpp"

namespace companion::session {
namespace {

using namespace testing;

std::vector<std::string> ids_of(const boost::json::array& items) {
  std::vector<std::string> out;
  for (const auto& item : items) out.emplace_back(item.at("id").as_string());
  return out;
}

boost::json::object question_json(std::string id, std::int64_t asked_at, std::string status = "open",
                                  std::int64_t votes = 0, std::int64_t answered_at = 0) {
  boost::json::object q{{"id", id},       {"text", "Text of " + id}, {"author", nullptr},
                        {"votes", votes}, {"status", status},        {"asked_at", asked_at}};
  q["answered_at"] = status == "answered" ? boost::json::value(answered_at) : boost::json::value(nullptr);
  return q;
}

// ---- Cursors ----

TEST(CursorTest, RoundTripsAKeyWhoseIdHasColons) {
  page_key key{1713794400000, "at://did:plc:abc/app.bsky.feed.post/3k"};
  auto parsed = parse_cursor(encode_cursor(key));
  ASSERT_TRUE(parsed);
  EXPECT_EQ(*parsed, key);
}

TEST(CursorTest, TextThatIsNotACursorIsRefused) {
  for (auto text :
       {"", ":", "12", "12:", ":q1", "-3:q1", "1e3:q1", " 1:q1", "01:q1", "+1:q1", "99999999999999999999:q1"})
    EXPECT_FALSE(parse_cursor(text)) << text;
}

// ---- Ordered items ----

class OrderedItemsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (int i = 1; i <= 7; ++i) {
      std::string id = "q" + std::to_string(i);
      items_.put({100 + i / 2, id}, question_json(id, 100 + i / 2));
    }
  }
  ordered_items items_;
};

TEST_F(OrderedItemsTest, PagesWalkEveryItemOnceInOrder) {
  std::vector<std::string> seen;
  std::optional<page_key> after;
  int pages = 0;
  for (;;) {
    page p = items_.page_after(after, 3);
    ++pages;
    for (auto& id : ids_of(p.items)) seen.push_back(id);
    if (!p.next) break;
    after = parse_cursor(*p.next);
  }
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen, (std::vector<std::string>{"q1", "q2", "q3", "q4", "q5", "q6", "q7"}));
}

TEST_F(OrderedItemsTest, ExactlyFullLastPageHasNoNext) {
  page p = items_.page_after(std::nullopt, 7);
  EXPECT_EQ(p.items.size(), 7u);
  EXPECT_FALSE(p.next);
}

TEST_F(OrderedItemsTest, PageAfterARemovedItemStartsWhereItStood) {
  page first = items_.page_after(std::nullopt, 2);
  ASSERT_TRUE(first.next);
  items_.erase("q2");
  page second = items_.page_after(parse_cursor(*first.next), 2);
  EXPECT_EQ(ids_of(second.items), (std::vector<std::string>{"q3", "q4"}));
}

TEST_F(OrderedItemsTest, ReplacedItemKeepsItsPlace) {
  items_.put({999, "q1"}, question_json("q1", 999));
  EXPECT_EQ(ids_of(items_.first(2)), (std::vector<std::string>{"q1", "q2"}));
  EXPECT_EQ(items_.size(), 7u);
}

// ---- The snapshot's window ----

TEST(QuestionIndexTest, WindowHasTheMostVotedOpenThenTheNewestAnswered) {
  question_index index;
  for (int i = 1; i <= 10; ++i) index.put(question_json("q" + std::to_string(i), 100 + i, "open", i % 4));
  for (int i = 11; i <= 14; ++i)
    index.put(question_json("q" + std::to_string(i), 100 + i, "answered", 9, 1000 + (i * 7) % 5));
  EXPECT_EQ(index.size(), 14u);
  // Open by votes (3: q3 q7; 2: q2 q6 q10), oldest first among equals; answered by answered_at
  // (q12 at 1004, q14 at 1003).
  EXPECT_EQ(ids_of(index.window(4, 2)), (std::vector<std::string>{"q3", "q7", "q2", "q6", "q12", "q14"}));
}

TEST(QuestionIndexTest, VotesAndStatusChangesMoveQuestionsInTheWindow) {
  question_index index;
  for (int i = 1; i <= 5; ++i) index.put(question_json("q" + std::to_string(i), 100 + i));
  index.set_votes(boost::json::object{{"q5", 8}, {"q4", 2}, {"q99", 1}});
  EXPECT_EQ(ids_of(index.window(2, 0)), (std::vector<std::string>{"q5", "q4"}));
  index.put(question_json("q5", 105, "answered", 8, 2000));
  EXPECT_EQ(ids_of(index.window(2, 5)), (std::vector<std::string>{"q4", "q1", "q5"}));
  index.remove("q4");
  EXPECT_EQ(ids_of(index.window(2, 5)), (std::vector<std::string>{"q1", "q2", "q5"}));
  EXPECT_EQ(index.size(), 4u);
  // The page of the question's new status has it, with its votes.
  page answered = index.page_of(true, std::nullopt, 10);
  ASSERT_EQ(answered.items.size(), 1u);
  EXPECT_EQ(answered.items[0].at("votes"), 8);
}

TEST(QuestionIndexTest, PagesAreByAgeWhateverTheVotes) {
  question_index index;
  for (int i = 1; i <= 6; ++i) index.put(question_json("q" + std::to_string(i), 100 + i, "open", 10 - i));
  page p = index.page_of(false, std::nullopt, 4);
  EXPECT_EQ(ids_of(p.items), (std::vector<std::string>{"q1", "q2", "q3", "q4"}));
  ASSERT_TRUE(p.next);
  EXPECT_EQ(ids_of(index.page_of(false, parse_cursor(*p.next), 4).items),
            (std::vector<std::string>{"q5", "q6"}));
}

// ---- A replica of a big event ----

class PagedReplicaTest : public ::testing::Test {
 protected:
  static replica_limits small_windows() {
    replica_limits limits;
    limits.snapshot_open_questions = 5;
    limits.snapshot_answered_questions = 3;
    limits.queue_snapshot_items = 4;
    return limits;
  }

  PagedReplicaTest()
      : replica_(driver_.engine().definition().id, driver_.engine().epoch(), driver_.engine().seq(),
                 driver_.engine().public_state(), driver_.engine().queue_snapshot(), small_windows()) {}

  void catch_up() {
    for (; fed_ < driver_.messages().size(); ++fed_) replica_.apply(driver_.messages()[fed_]);
  }

  // Asks `n` questions (asked one millisecond apart) and approves the first `approve`.
  void ask(int n, int approve) {
    for (int i = 0; i < n; ++i) {
      engine_reply asked =
          driver_.run(boost::json::object{{"type", "question.ask"},
                                          {"text", "Question number " + std::to_string(i) + "?"}},
                      viewer("v" + std::to_string(i)), t0 + i);
      if (i < approve)
        driver_.run(boost::json::object{{"type", "question.approve"}, {"question", asked.ack.at("question")}},
                    moderator(), t0 + i);
    }
    catch_up();
  }

  // Every page of a list, following `next` to the end.
  std::vector<std::string> walk(bool queue, std::string_view which, std::size_t limit, int* pages = nullptr) {
    std::vector<std::string> seen;
    std::optional<page_key> after;
    for (int n = 1;; ++n) {
      page p = queue ? replica_.queue_page(which == "post", after, limit)
                     : replica_.questions_page(which == "answered", after, limit);
      EXPECT_LE(p.items.size(), limit);
      for (auto& id : ids_of(p.items)) seen.push_back(id);
      if (pages) *pages = n;
      if (!p.next) break;
      after = parse_cursor(*p.next);
    }
    return seen;
  }

  engine_driver driver_{nato_event};
  event_replica replica_;
  std::size_t fed_ = 0;
};

TEST_F(PagedReplicaTest, SnapshotHoldsTheWindowAndCountsEveryQuestion) {
  ask(20, 12);
  driver_.run(R"({"type":"question.answered","question":"q2"})", moderator(), t0 + 100);
  driver_.run(R"({"type":"question.answered","question":"q4"})", moderator(), t0 + 101);
  catch_up();
  boost::json::value frame = boost::json::parse(replica_.snapshot_payload());
  const auto& state = frame.at("state").as_object();
  EXPECT_EQ(state.at("questions_total"), 12);
  EXPECT_EQ(ids_of(state.at("questions").as_array()),
            (std::vector<std::string>{"q1", "q3", "q5", "q6", "q7", "q4", "q2"}));
  EXPECT_TRUE(replica_.state_windowed());
  EXPECT_EQ(replica_.state().at("questions_total"), 12);
}

TEST_F(PagedReplicaTest, QuestionOnScreenIsInTheSnapshotWhereverItRanks) {
  ask(20, 20);
  driver_.run(R"({"type":"on_screen.set","kind":"question","item":"q17"})", moderator(), t0 + 100);
  catch_up();
  const auto& questions = replica_.state().at("questions").as_array();
  ASSERT_EQ(questions.size(), 6u);
  EXPECT_EQ(questions.back().at("id"), "q17");
  EXPECT_EQ(replica_.state().at("questions_total"), 20);
}

TEST_F(PagedReplicaTest, QueueSnapshotHoldsTheOldestAndCountsEveryItem) {
  ask(9, 0);
  for (int i = 1; i <= 6; ++i) driver_.ingest(make_post("bluesky:" + std::to_string(i)), held, t0 + i);
  catch_up();
  boost::json::value queue = boost::json::parse(replica_.queue_snapshot_payload());
  EXPECT_EQ(ids_of(queue.at("questions").as_array()), (std::vector<std::string>{"q1", "q2", "q3", "q4"}));
  EXPECT_EQ(ids_of(queue.at("posts").as_array()),
            (std::vector<std::string>{"bluesky:1", "bluesky:2", "bluesky:3", "bluesky:4"}));
  EXPECT_EQ(queue.at("questions_total"), 9);
  EXPECT_EQ(queue.at("posts_total"), 6);
  // Pages go on from the snapshot's last item.
  page rest = replica_.queue_page(true, parse_cursor(std::string(queue.at("posts_next").as_string())), 10);
  EXPECT_EQ(ids_of(rest.items), (std::vector<std::string>{"bluesky:5", "bluesky:6"}));
  EXPECT_FALSE(rest.next);
  rest = replica_.queue_page(false, parse_cursor(std::string(queue.at("questions_next").as_string())), 10);
  EXPECT_EQ(ids_of(rest.items), (std::vector<std::string>{"q5", "q6", "q7", "q8", "q9"}));
  EXPECT_TRUE(replica_.queue_windowed());
}

TEST_F(PagedReplicaTest, QuestionPagesReachEveryQuestionOfAStatusInOrder) {
  ask(23, 23);
  int pages = 0;
  std::vector<std::string> open = walk(false, "open", 10, &pages);
  EXPECT_EQ(pages, 3);
  ASSERT_EQ(open.size(), 23u);
  for (int i = 0; i < 23; ++i) EXPECT_EQ(open[i], "q" + std::to_string(i + 1));
  EXPECT_TRUE(walk(false, "answered", 10).empty());
}

TEST_F(PagedReplicaTest, QueuePagesReachEveryItemOldestFirst) {
  ask(7, 0);
  for (int i = 1; i <= 5; ++i) driver_.ingest(make_post("bluesky:" + std::to_string(i)), held, t0 + 10 - i);
  catch_up();
  EXPECT_EQ(walk(true, "question", 3), (std::vector<std::string>{"q1", "q2", "q3", "q4", "q5", "q6", "q7"}));
  // Posts in the order they arrived, not by their own timestamps.
  EXPECT_EQ(walk(true, "post", 2),
            (std::vector<std::string>{"bluesky:1", "bluesky:2", "bluesky:3", "bluesky:4", "bluesky:5"}));
}

TEST_F(PagedReplicaTest, ChangesBetweenPagesNeitherRepeatNorSkipWhatStayed) {
  ask(10, 10);
  page first = replica_.questions_page(false, std::nullopt, 4);
  ASSERT_TRUE(first.next);
  // While the client reads: a question it has read goes, one ahead of it goes, a new one comes.
  driver_.run(R"({"type":"question.reject","question":"q3"})", moderator(), t0 + 50);
  driver_.run(R"({"type":"question.answered","question":"q6"})", moderator(), t0 + 51);
  engine_reply asked =
      driver_.run(R"({"type":"question.ask","text":"A late one?"})", viewer("late"), t0 + 52);
  driver_.run(boost::json::object{{"type", "question.approve"}, {"question", asked.ack.at("question")}},
              moderator(), t0 + 52);
  catch_up();
  std::vector<std::string> rest;
  std::optional<page_key> after = parse_cursor(*first.next);
  for (;;) {
    page p = replica_.questions_page(false, after, 4);
    for (auto& id : ids_of(p.items)) rest.push_back(id);
    if (!p.next) break;
    after = parse_cursor(*p.next);
  }
  EXPECT_EQ(rest, (std::vector<std::string>{"q5", "q7", "q8", "q9", "q10", "q11"}));
}

}  // namespace
}  // namespace companion::session
