// The Q&A board on its own: text and name limits counted in code points,
// pre-moderation, votes and their coalescing, merges of near-identical
// questions and the order viewers see.
#include "session/question_board.hpp"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>
#include <optional>
#include <string>
#include <vector>

#include "recording_publisher.hpp"

namespace companion::session {
namespace {

using testing::recording_publisher;

constexpr millis t0 = 1713794400000;
const std::string ideographic_space = "\xE3\x80\x80";
const std::string ji = "\xE5\xAD\x97";  // 字, three bytes

std::string repeat(const std::string& piece, std::size_t times) {
  std::string out;
  for (std::size_t i = 0; i < times; ++i) out += piece;
  return out;
}

std::vector<std::string> ids_of(const boost::json::array& questions) {
  std::vector<std::string> out;
  for (const auto& q : questions) out.emplace_back(q.at("id").as_string());
  return out;
}

class QuestionBoardTest : public ::testing::Test {
 protected:
  explicit QuestionBoardTest(bool premoderated = true) : board_(premoderated) {}

  outcome ask(const std::string& viewer, const std::string& text,
              std::optional<std::string> name = std::nullopt, millis at = t0) {
    ack_ = {};
    return board_.ask(viewer, text, name, "keynote", at, out_, ack_);
  }

  // Asks and approves; returns the question id.
  std::string ask_approved(const std::string& viewer, const std::string& text, millis at = t0) {
    EXPECT_TRUE(ask(viewer, text, std::nullopt, at).ok());
    std::string id(ack_.at("question").as_string());
    EXPECT_TRUE(board_.approve(id, out_).ok());
    out_.clear();
    return id;
  }

  question_board board_;
  recording_publisher out_;
  boost::json::object ack_;
};

class OpenQuestionBoardTest : public QuestionBoardTest {
 protected:
  OpenQuestionBoardTest() : QuestionBoardTest(false) {}
};

// ---- Limits ----

TEST_F(QuestionBoardTest, QuestionOf280CharactersIsAccepted) {
  EXPECT_TRUE(ask("v1", std::string(280, 'a')).ok());
}

TEST_F(QuestionBoardTest, QuestionOf281CharactersIsRejected) {
  outcome result = ask("v1", std::string(281, 'a'));
  EXPECT_EQ(result.code, error_code::bad_request);
  EXPECT_EQ(result.message, "a question has at most 280 characters");
  EXPECT_TRUE(out_.entries.empty());
}

TEST_F(QuestionBoardTest, JapaneseQuestionIsCountedInCodePoints) {
  EXPECT_TRUE(ask("v1", repeat(ji, 280)).ok());
  EXPECT_EQ(ask("v2", repeat(ji, 281) + "?").code, error_code::bad_request);
}

TEST_F(QuestionBoardTest, SurroundingSpaceDoesNotCountTowardsTheLimit) {
  ASSERT_TRUE(ask("v1", ideographic_space + " " + std::string(280, 'b') + " " + ideographic_space).ok());
  EXPECT_EQ(board_.find("q1")->text, std::string(280, 'b'));
}

TEST_F(QuestionBoardTest, IdeographicSpaceIsTrimmedFromTheText) {
  ASSERT_TRUE(ask("v1", ideographic_space + ji + ideographic_space).ok());
  EXPECT_EQ(board_.find("q1")->text, ji);
}

TEST_F(QuestionBoardTest, WhiteSpaceOnlyQuestionIsRejected) {
  EXPECT_EQ(ask("v1", " \t ").code, error_code::bad_request);
  EXPECT_EQ(ask("v1", ideographic_space + ideographic_space).code, error_code::bad_request);
  EXPECT_EQ(ask("v1", "").message, "the question is empty");
}

TEST_F(QuestionBoardTest, QuestionWithControlCharactersIsRejected) {
  EXPECT_EQ(ask("v1", "line one\nline two").code, error_code::bad_request);
  EXPECT_EQ(ask("v1", "bell\x07").code, error_code::bad_request);
  EXPECT_EQ(ask("v1", "c1 \xC2\x85 control").code, error_code::bad_request);
}

TEST_F(QuestionBoardTest, NameOf40CharactersIsAccepted) {
  ASSERT_TRUE(ask("v1", "Why?", std::string(40, 'n')).ok());
  EXPECT_EQ(board_.find("q1")->author, std::string(40, 'n'));
}

TEST_F(QuestionBoardTest, NameOf41CharactersIsRejected) {
  outcome result = ask("v1", "Why?", std::string(41, 'n'));
  EXPECT_EQ(result.code, error_code::bad_request);
  EXPECT_EQ(result.message, "a name has at most 40 characters");
}

TEST_F(QuestionBoardTest, JapaneseNameIsCountedInCodePoints) {
  EXPECT_TRUE(ask("v1", "Why?", repeat(ji, 40)).ok());
  EXPECT_EQ(ask("v2", "Why not?", repeat(ji, 41)).code, error_code::bad_request);
}

TEST_F(QuestionBoardTest, NameWithControlCharactersIsRejected) {
  EXPECT_EQ(ask("v1", "Why?", "Kai\x1B").code, error_code::bad_request);
}

TEST_F(QuestionBoardTest, WhiteSpaceOnlyNameMeansAnonymous) {
  ASSERT_TRUE(ask("v1", "Why?", ideographic_space + " ").ok());
  EXPECT_FALSE(board_.find("q1")->author.has_value());
}

TEST_F(QuestionBoardTest, NameIsTrimmed) {
  ASSERT_TRUE(ask("v1", "Why?", ideographic_space + "Kai ").ok());
  EXPECT_EQ(board_.find("q1")->author, "Kai");
}

// ---- Pre-moderation ----

TEST_F(QuestionBoardTest, PremoderatedQuestionGoesToTheStaffQueue) {
  ASSERT_TRUE(ask("v1", "Why?").ok());
  EXPECT_EQ(ack_.at("question"), "q1");
  EXPECT_EQ(ack_.at("status"), "pending");
  ASSERT_EQ(out_.kinds(), (std::vector<std::string>{"queue.question"}));
  const auto& staff_question = out_.last().data.at("question");
  EXPECT_EQ(staff_question.at("status"), "pending");
  EXPECT_EQ(staff_question.at("segment"), "keynote");
  EXPECT_FALSE(board_.is_public("q1"));
  EXPECT_TRUE(board_.public_questions().empty());
}

TEST_F(QuestionBoardTest, ApprovalMovesTheQuestionFromQueueToPublic) {
  ASSERT_TRUE(ask("v1", "Why?").ok());
  out_.clear();
  ASSERT_TRUE(board_.approve("q1", out_).ok());
  ASSERT_EQ(out_.kinds(), (std::vector<std::string>{"queue.removed", "question.added"}));
  EXPECT_EQ(out_.entries[0].data.at("kind"), "question");
  EXPECT_EQ(out_.entries[1].data.at("status"), "open");
  EXPECT_TRUE(board_.is_public("q1"));
}

TEST_F(QuestionBoardTest, SecondApprovalIsConflict) {
  std::string id = ask_approved("v1", "Why?");
  EXPECT_EQ(board_.approve(id, out_).code, error_code::conflict);
  EXPECT_TRUE(out_.entries.empty());
}

TEST_F(QuestionBoardTest, ApprovingUnknownQuestionIsNotFound) {
  EXPECT_EQ(board_.approve("q99", out_).code, error_code::not_found);
}

TEST_F(QuestionBoardTest, RejectingPendingQuestionOnlyTellsStaff) {
  ASSERT_TRUE(ask("v1", "Why?").ok());
  out_.clear();
  ASSERT_TRUE(board_.reject("q1", out_).ok());
  EXPECT_EQ(out_.kinds(), (std::vector<std::string>{"queue.removed"}));
  EXPECT_TRUE(board_.staff_questions().empty());
}

TEST_F(QuestionBoardTest, RejectingPublicQuestionRemovesItPublicly) {
  std::string id = ask_approved("v1", "Why?");
  ASSERT_TRUE(board_.reject(id, out_).ok());
  EXPECT_EQ(out_.kinds(), (std::vector<std::string>{"question.removed"}));
  EXPECT_FALSE(board_.is_public(id));
}

TEST_F(QuestionBoardTest, RejectingTwiceIsConflict) {
  std::string id = ask_approved("v1", "Why?");
  ASSERT_TRUE(board_.reject(id, out_).ok());
  EXPECT_EQ(board_.reject(id, out_).code, error_code::conflict);
}

TEST_F(OpenQuestionBoardTest, QuestionIsPublishedAtOnce) {
  ASSERT_TRUE(ask("v1", "Why?").ok());
  EXPECT_EQ(ack_.at("status"), "open");
  ASSERT_EQ(out_.kinds(), (std::vector<std::string>{"question.added"}));
  EXPECT_EQ(out_.last().data.at("votes"), 0);
}

// ---- Closing Q&A ----

TEST_F(QuestionBoardTest, AskingWhileClosedIsConflict) {
  ASSERT_TRUE(board_.set_open(false, out_).ok());
  EXPECT_EQ(ask("v1", "Why?").code, error_code::conflict);
}

TEST_F(QuestionBoardTest, QaChangeCarriesOpenAndPremoderated) {
  ASSERT_TRUE(board_.set_open(false, out_).ok());
  ASSERT_EQ(out_.kinds(), (std::vector<std::string>{"qa"}));
  EXPECT_EQ(out_.last().data,
            boost::json::value(boost::json::object{{"open", false}, {"premoderated", true}}));
}

TEST_F(QuestionBoardTest, ClosingTwiceIsConflict) {
  ASSERT_TRUE(board_.set_open(false, out_).ok());
  EXPECT_EQ(board_.set_open(false, out_).code, error_code::conflict);
}

// ---- Votes ----

TEST_F(QuestionBoardTest, VoteIsCountedOncePerViewer) {
  std::string id = ask_approved("v1", "Why?");
  ASSERT_TRUE(board_.vote(id, "v2", true, out_).ok());
  EXPECT_EQ(board_.vote(id, "v2", true, out_).code, error_code::conflict);
  EXPECT_EQ(board_.find(id)->voters.size(), 1u);
}

TEST_F(QuestionBoardTest, VoteIsNotPublishedUntilFlushed) {
  std::string id = ask_approved("v1", "Why?");
  ASSERT_TRUE(board_.vote(id, "v2", true, out_).ok());
  EXPECT_TRUE(out_.entries.empty());
  EXPECT_TRUE(board_.has_pending_votes());
}

TEST_F(QuestionBoardTest, FlushPublishesAllTalliesInOneChange) {
  std::string a = ask_approved("v1", "Why?");
  std::string b = ask_approved("v1", "How?");
  for (auto viewer : {"v2", "v3", "v4"}) ASSERT_TRUE(board_.vote(a, viewer, true, out_).ok());
  ASSERT_TRUE(board_.vote(b, "v2", true, out_).ok());
  board_.flush_votes(out_);
  ASSERT_EQ(out_.kinds(), (std::vector<std::string>{"votes"}));
  EXPECT_EQ(out_.last().data, boost::json::value(boost::json::object{{a, 3}, {b, 1}}));
  EXPECT_FALSE(board_.has_pending_votes());
}

TEST_F(QuestionBoardTest, FlushWithoutVotesPublishesNothing) {
  ask_approved("v1", "Why?");
  board_.flush_votes(out_);
  EXPECT_TRUE(out_.entries.empty());
}

TEST_F(QuestionBoardTest, UnvoteTakesTheVoteBack) {
  std::string id = ask_approved("v1", "Why?");
  ASSERT_TRUE(board_.vote(id, "v2", true, out_).ok());
  ASSERT_TRUE(board_.vote(id, "v2", false, out_).ok());
  EXPECT_TRUE(board_.find(id)->voters.empty());
}

TEST_F(QuestionBoardTest, UnvoteWithoutVoteIsConflict) {
  std::string id = ask_approved("v1", "Why?");
  EXPECT_EQ(board_.vote(id, "v2", false, out_).code, error_code::conflict);
}

TEST_F(QuestionBoardTest, VoteOnPendingQuestionIsNotFound) {
  ASSERT_TRUE(ask("v1", "Why?").ok());
  EXPECT_EQ(board_.vote("q1", "v2", true, out_).code, error_code::not_found);
}

TEST_F(QuestionBoardTest, VoteOnAnsweredQuestionIsConflict) {
  std::string id = ask_approved("v1", "Why?");
  ASSERT_TRUE(board_.mark_answered(id, t0 + 1, out_).ok());
  EXPECT_EQ(board_.vote(id, "v2", true, out_).code, error_code::conflict);
}

TEST_F(QuestionBoardTest, VoteWithoutViewerIdIsForbidden) {
  std::string id = ask_approved("v1", "Why?");
  EXPECT_EQ(board_.vote(id, "", true, out_).code, error_code::forbidden);
}

// ---- Merges ----

TEST_F(OpenQuestionBoardTest, NearIdenticalQuestionIsMergedAsAVote) {
  ASSERT_TRUE(ask("v1", "What about Taiwan?").ok());
  out_.clear();
  ASSERT_TRUE(ask("v2", "what about  TAIWAN").ok());
  EXPECT_EQ(ack_.at("question"), "q1");
  EXPECT_EQ(ack_.at("merged_into"), "q1");
  EXPECT_EQ(ack_.at("asked"), "q2");
  EXPECT_EQ(board_.find("q1")->voters.size(), 1u);
  EXPECT_EQ(board_.find("q2")->status, question_status::merged);
  ASSERT_EQ(out_.kinds(), (std::vector<std::string>{"queue.question"}));
  EXPECT_EQ(out_.last().data.at("question").at("merged_into"), "q1");
}

TEST_F(OpenQuestionBoardTest, MergeByTheSameViewerAddsNoSecondVote) {
  ASSERT_TRUE(ask("v1", "What about Taiwan?").ok());
  ASSERT_TRUE(board_.vote("q1", "v2", true, out_).ok());
  ASSERT_TRUE(ask("v2", "What about Taiwan").ok());
  EXPECT_EQ(board_.find("q1")->voters.size(), 1u);
  ASSERT_TRUE(board_.unmerge("q2", out_).ok());
  EXPECT_EQ(board_.find("q1")->voters.size(), 1u);
}

TEST_F(OpenQuestionBoardTest, UnmergeTakesBackTheMergedVote) {
  ASSERT_TRUE(ask("v1", "What about Taiwan?").ok());
  ASSERT_TRUE(ask("v2", "What about Taiwan").ok());
  board_.flush_votes(out_);
  out_.clear();
  ASSERT_TRUE(board_.unmerge("q2", out_).ok());
  EXPECT_EQ(board_.find("q1")->voters.size(), 0u);
  EXPECT_TRUE(board_.find("q1")->merged_from.empty());
  EXPECT_EQ(board_.find("q2")->status, question_status::open);
  EXPECT_EQ(out_.kinds(), (std::vector<std::string>{"queue.removed", "question.added"}));
  board_.flush_votes(out_);
  EXPECT_EQ(out_.last().data, boost::json::value(boost::json::object{{"q1", 0}}));
}

TEST_F(QuestionBoardTest, UnmergeOfAPendingTargetUpdatesItsQueueEntry) {
  ASSERT_TRUE(ask("v1", "What about Taiwan?").ok());
  ASSERT_TRUE(ask("v2", "What about Taiwan").ok());
  out_.clear();
  ASSERT_TRUE(board_.unmerge("q2", out_).ok());
  ASSERT_EQ(out_.count("queue.question"), 2u);
  bool target_updated = false;
  for (const auto& e : out_.entries)
    if (e.kind == "queue.question" && e.data.at("question").at("id") == "q1") {
      target_updated = true;
      EXPECT_EQ(e.data.at("question").at("votes"), 0);
      EXPECT_TRUE(e.data.at("question").at("merged_from").as_array().empty());
    }
  EXPECT_TRUE(target_updated);
  EXPECT_EQ(board_.find("q2")->status, question_status::pending);
}

TEST_F(QuestionBoardTest, MergeIntoAPendingQuestionRevealsNothingOfIt) {
  ASSERT_TRUE(ask("v1", "What about Taiwan?").ok());
  ASSERT_TRUE(ask("v2", "What about Taiwan").ok());
  // The ack is that of any new pending question: its own id, no target id or status.
  EXPECT_EQ(ack_, (boost::json::object{{"question", "q2"}, {"status", "pending"}}));
  EXPECT_EQ(board_.find("q2")->status, question_status::merged);
  EXPECT_EQ(board_.find("q2")->merged_into, "q1");
}

TEST_F(QuestionBoardTest, RejectingAMergedQuestionUpdatesThePendingTarget) {
  ASSERT_TRUE(ask("v1", "What about Taiwan?").ok());
  ASSERT_TRUE(ask("v2", "What about Taiwan").ok());
  out_.clear();
  ASSERT_TRUE(board_.reject("q2", out_).ok());
  ASSERT_EQ(out_.kinds(), (std::vector<std::string>{"queue.removed", "queue.question"}));
  EXPECT_TRUE(out_.last().data.at("question").at("merged_from").as_array().empty());
}

TEST_F(QuestionBoardTest, UnmergingAQuestionThatIsNotMergedIsConflict) {
  ASSERT_TRUE(ask("v1", "Why?").ok());
  EXPECT_EQ(board_.unmerge("q1", out_).code, error_code::conflict);
}

TEST_F(OpenQuestionBoardTest, AnsweredQuestionTakesNoMerges) {
  ASSERT_TRUE(ask("v1", "What about Taiwan?").ok());
  ASSERT_TRUE(board_.mark_answered("q1", t0 + 5, out_).ok());
  ASSERT_TRUE(ask("v2", "What about Taiwan").ok());
  EXPECT_FALSE(ack_.contains("merged_into"));
  EXPECT_EQ(board_.find("q2")->status, question_status::open);
}

// ---- Ranking ----

TEST_F(OpenQuestionBoardTest, OpenQuestionsRankByVotesThenAgeWithAnsweredBelow) {
  ASSERT_TRUE(ask("v1", "First", std::nullopt, t0).ok());
  ASSERT_TRUE(ask("v1", "Second", std::nullopt, t0 + 1).ok());
  ASSERT_TRUE(ask("v1", "Third", std::nullopt, t0 + 2).ok());
  ASSERT_TRUE(ask("v1", "Fourth", std::nullopt, t0 + 3).ok());
  ASSERT_TRUE(board_.vote("q3", "v2", true, out_).ok());
  ASSERT_TRUE(board_.vote("q3", "v3", true, out_).ok());
  ASSERT_TRUE(board_.vote("q1", "v2", true, out_).ok());
  ASSERT_TRUE(board_.vote("q4", "v2", true, out_).ok());
  ASSERT_TRUE(board_.vote("q4", "v3", true, out_).ok());
  ASSERT_TRUE(board_.vote("q4", "v4", true, out_).ok());
  ASSERT_TRUE(board_.mark_answered("q4", t0 + 10, out_).ok());
  EXPECT_EQ(ids_of(board_.public_questions()), (std::vector<std::string>{"q3", "q1", "q2", "q4"}));
}

TEST_F(OpenQuestionBoardTest, QuestionsAskedInTheSameMillisecondRankInAskingOrder) {
  for (int i = 0; i < 12; ++i)
    ASSERT_TRUE(ask("v1", "Question number " + std::string(1, char('a' + i))).ok());
  auto ids = ids_of(board_.public_questions());
  ASSERT_EQ(ids.size(), 12u);
  for (int i = 0; i < 12; ++i) EXPECT_EQ(ids[i], "q" + std::to_string(i + 1));
}

TEST_F(QuestionBoardTest, StaffQueueIsOldestFirst) {
  for (int i = 0; i < 11; ++i)
    ASSERT_TRUE(ask("v1", "Question number " + std::string(1, char('a' + i))).ok());
  auto ids = ids_of(board_.staff_questions());
  ASSERT_EQ(ids.size(), 11u);
  for (int i = 0; i < 11; ++i) EXPECT_EQ(ids[i], "q" + std::to_string(i + 1));
}

// ---- Answer, reopen, edit ----

TEST_F(QuestionBoardTest, AnsweredQuestionCarriesItsTime) {
  std::string id = ask_approved("v1", "Why?");
  ASSERT_TRUE(board_.mark_answered(id, t0 + 60'000, out_).ok());
  ASSERT_EQ(out_.kinds(), (std::vector<std::string>{"question.updated"}));
  EXPECT_EQ(out_.last().data.at("status"), "answered");
  EXPECT_EQ(out_.last().data.at("answered_at"), t0 + 60'000);
}

TEST_F(QuestionBoardTest, ReopenMakesAnAnsweredQuestionOpen) {
  std::string id = ask_approved("v1", "Why?");
  ASSERT_TRUE(board_.mark_answered(id, t0 + 1, out_).ok());
  ASSERT_TRUE(board_.reopen(id, out_).ok());
  EXPECT_EQ(out_.last().data.at("status"), "open");
  EXPECT_TRUE(out_.last().data.at("answered_at").is_null());
}

TEST_F(QuestionBoardTest, ReopeningAnOpenQuestionIsConflict) {
  std::string id = ask_approved("v1", "Why?");
  EXPECT_EQ(board_.reopen(id, out_).code, error_code::conflict);
}

TEST_F(QuestionBoardTest, EditChangesThePublicText) {
  std::string id = ask_approved("v1", "Why??");
  ASSERT_TRUE(board_.edit(id, "  Why?  ", out_).ok());
  ASSERT_EQ(out_.kinds(), (std::vector<std::string>{"question.updated"}));
  EXPECT_EQ(out_.last().data.at("text"), "Why?");
}

TEST_F(QuestionBoardTest, EditFollowsTheTextLimits) {
  std::string id = ask_approved("v1", "Why?");
  EXPECT_EQ(board_.edit(id, std::string(281, 'x'), out_).code, error_code::bad_request);
  EXPECT_EQ(board_.find(id)->text, "Why?");
}

TEST_F(QuestionBoardTest, PublicJsonNeverShowsTheAsker) {
  std::string id = ask_approved("viewer-secret", "Why?");
  std::string json = boost::json::serialize(board_.public_questions());
  EXPECT_EQ(json.find("viewer-secret"), std::string::npos);
  EXPECT_NE(json.find(id), std::string::npos);
}

}  // namespace
}  // namespace companion::session
