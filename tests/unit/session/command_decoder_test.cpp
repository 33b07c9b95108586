// Client frame decoding: every command type with its required fields, the
// failures a client can provoke (each naming the field at fault), command ids of
// every JSON type, on_screen.set's two spellings, and the journal round trip.
#include "session/command.hpp"
#include "session/paging.hpp"
#include "session/queue_filter.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace companion::session {
namespace {

class CommandDecoderTest : public ::testing::Test {
 protected:
  // Decodes a frame that must be accepted.
  command accept(std::string_view frame) {
    command out;
    decode_failure failure;
    EXPECT_TRUE(decoder_.decode(frame, out, failure)) << frame << " -> " << failure.message;
    return out;
  }

  // Decodes a frame that must be refused.
  decode_failure refuse(std::string_view frame) {
    command out;
    decode_failure failure;
    EXPECT_FALSE(decoder_.decode(frame, out, failure)) << frame << " was accepted";
    EXPECT_FALSE(failure.message.empty());
    return failure;
  }

  command_decoder decoder_;
};

// ---- Every command type with its required fields ----

struct command_shape {
  std::string_view type;
  std::vector<std::string_view> required;  // string fields the type must carry
};

std::ostream& operator<<(std::ostream& out, const command_shape& shape) {
  return out << shape.type;
}

const std::vector<command_shape> command_shapes{
    {"question.ask", {"text"}},
    {"question.vote", {"question"}},
    {"question.unvote", {"question"}},
    {"question.approve", {"question"}},
    {"question.reject", {"question"}},
    {"question.answered", {"question"}},
    {"question.reopen", {"question"}},
    {"question.unmerge", {"question"}},
    {"question.edit", {"question", "text"}},
    {"post.approve", {"post"}},
    {"post.reject", {"post"}},
    {"post.feature", {"post"}},
    {"highlight.remove", {"highlight"}},
    {"author.block", {"source", "handle"}},
    {"author.trust", {"source", "handle"}},
    {"agenda.start", {}},
    {"agenda.next", {}},
    {"agenda.previous", {}},
    {"agenda.pause", {}},
    {"agenda.resume", {}},
    {"agenda.end", {}},
    {"agenda.goto", {"segment"}},
    {"announce", {"text"}},
};

// A frame of the shape's type carrying every required field, except `skip`; the
// field named `as_number` is sent as a number instead of a string.
std::string frame_for(const command_shape& shape, std::string_view skip = {},
                      std::string_view as_number = {}) {
  boost::json::object frame{{"type", shape.type}, {"id", 1}};
  for (auto field : shape.required) {
    if (field == skip) continue;
    if (field == as_number)
      frame[field] = 42;
    else
      frame[field] = std::string("value of ") + std::string(field);
  }
  return boost::json::serialize(frame);
}

class CommandShapeTest : public CommandDecoderTest, public ::testing::WithParamInterface<command_shape> {};

TEST_P(CommandShapeTest, DecodesWithItsRequiredFields) {
  const command_shape& shape = GetParam();
  command cmd = accept(frame_for(shape));
  EXPECT_EQ(type_name(cmd.body), shape.type);
  EXPECT_EQ(cmd.id, boost::json::value(1));
  EXPECT_EQ(find_command(shape.type), &info(cmd.body));
  // The typed command keeps every field it needs, as its journal form shows.
  boost::json::object stored = command_to_json(cmd.body);
  for (auto field : shape.required)
    EXPECT_EQ(stored.at(field), boost::json::value("value of " + std::string(field))) << field;
}

INSTANTIATE_TEST_SUITE_P(EveryType, CommandShapeTest, ::testing::ValuesIn(command_shapes),
                         [](const auto& param_info) {
                           std::string name(param_info.param.type);
                           for (char& c : name)
                             if (c == '.') c = '_';
                           return name;
                         });

// One required field of one command type.
struct required_field {
  command_shape shape;
  std::string_view field;
};

std::ostream& operator<<(std::ostream& out, const required_field& param) {
  return out << param.shape.type << "." << param.field;
}

std::vector<required_field> every_required_field() {
  std::vector<required_field> out;
  for (const auto& shape : command_shapes)
    for (auto field : shape.required) out.push_back({shape, field});
  return out;
}

class RequiredFieldTest : public CommandDecoderTest, public ::testing::WithParamInterface<required_field> {};

TEST_P(RequiredFieldTest, MissingFieldIsNamed) {
  decode_failure failure = refuse(frame_for(GetParam().shape, GetParam().field));
  EXPECT_EQ(failure.message, "field \"" + std::string(GetParam().field) + "\" is missing");
  EXPECT_EQ(failure.id, boost::json::value(1));
}

TEST_P(RequiredFieldTest, IllTypedFieldIsNamed) {
  decode_failure failure = refuse(frame_for(GetParam().shape, {}, GetParam().field));
  EXPECT_EQ(failure.message, "field \"" + std::string(GetParam().field) + "\" must be a string");
  EXPECT_EQ(failure.id, boost::json::value(1));
}

INSTANTIATE_TEST_SUITE_P(EveryType, RequiredFieldTest, ::testing::ValuesIn(every_required_field()),
                         [](const auto& param_info) {
                           std::string name = std::string(param_info.param.shape.type) + "_" +
                                              std::string(param_info.param.field);
                           for (char& c : name)
                             if (c == '.') c = '_';
                           return name;
                         });

TEST_F(CommandDecoderTest, QuestionAskKeepsTheOptionalName) {
  auto ask = std::get<question_ask>(accept(R"({"type":"question.ask","text":"Why?","name":"Kai"})").body);
  EXPECT_EQ(ask.text, "Why?");
  EXPECT_EQ(ask.name, "Kai");
}

TEST_F(CommandDecoderTest, NullNameMeansNoName) {
  command cmd = accept(R"({"type":"question.ask","text":"Why?","name":null})");
  EXPECT_FALSE(std::get<question_ask>(cmd.body).name.has_value());
}

TEST_F(CommandDecoderTest, IllTypedNameIsNamed) {
  EXPECT_EQ(refuse(R"({"type":"question.ask","text":"Why?","name":5})").message,
            "field \"name\" must be a string");
}

TEST_F(CommandDecoderTest, NullTextIsIllTyped) {
  EXPECT_EQ(refuse(R"({"type":"announce","text":null})").message, "field \"text\" must be a string");
}

TEST_F(CommandDecoderTest, EmptyAnnouncementTextIsAccepted) {
  command cmd = accept(R"({"type":"announce","text":""})");
  EXPECT_EQ(std::get<announce>(cmd.body).text, "");
}

TEST_F(CommandDecoderTest, QaSetReadsOpenAsBoolean) {
  EXPECT_TRUE(std::get<qa_set>(accept(R"({"type":"qa.set","open":true})").body).open);
  EXPECT_FALSE(std::get<qa_set>(accept(R"({"type":"qa.set","open":false})").body).open);
}

TEST_F(CommandDecoderTest, QaSetWithoutOpenIsNamed) {
  EXPECT_EQ(refuse(R"({"type":"qa.set"})").message, "field \"open\" is missing");
}

TEST_F(CommandDecoderTest, QaSetWithStringOpenIsNamed) {
  EXPECT_EQ(refuse(R"({"type":"qa.set","open":"yes"})").message, "field \"open\" must be a boolean");
}

TEST_F(CommandDecoderTest, OpenFieldOnOtherCommandsIsIgnored) {
  command cmd = accept(R"({"type":"on_screen.set","kind":"question","item":"q1","open":true})");
  EXPECT_EQ(std::get<on_screen_set>(cmd.body).kind, "question");
}

TEST_F(CommandDecoderTest, QaSetTakesItsStateOnlyFromOpen) {
  EXPECT_EQ(refuse(R"({"type":"qa.set","kind":"open"})").message, "field \"open\" is missing");
  EXPECT_FALSE(std::get<qa_set>(accept(R"({"type":"qa.set","kind":"open","open":false})").body).open);
}

TEST_F(CommandDecoderTest, ModerationSetKeepsItsRulesObject) {
  command cmd = accept(R"({"type":"moderation.set","rules":{"blocked_terms":["spoiler"],"max_links":2}})");
  EXPECT_EQ(std::get<moderation_set>(cmd.body).rules,
            (boost::json::object{{"blocked_terms", {"spoiler"}}, {"max_links", 2}}));
}

TEST_F(CommandDecoderTest, ModerationSetWithoutRulesIsNamed) {
  EXPECT_EQ(refuse(R"({"type":"moderation.set"})").message, "field \"rules\" is missing");
}

TEST_F(CommandDecoderTest, ModerationSetWithArrayRulesIsNamed) {
  EXPECT_EQ(refuse(R"({"type":"moderation.set","rules":["spoiler"]})").message,
            "field \"rules\" must be an object");
}

TEST_F(CommandDecoderTest, ModerationSetWithMalformedRulesIsRefused) {
  refuse(R"({"type":"moderation.set","rules":{"blocked_terms":[1,]}})");
}

TEST_F(CommandDecoderTest, EscapedStringsAreUnescaped) {
  command cmd = accept(R"({"type":"question.ask","text":"caf\u00e9 \"quoted\" \ud83d\ude00"})");
  EXPECT_EQ(std::get<question_ask>(cmd.body).text, "caf\xC3\xA9 \"quoted\" \xF0\x9F\x98\x80");
}

// ---- Malformed input ----

TEST_F(CommandDecoderTest, MalformedJsonIsRefused) {
  refuse(R"({"type":"agenda.next")");
  refuse(R"({"type":"agenda.next",})");
  refuse(R"({type:"ping"})");
  refuse("");
  refuse("   ");
}

TEST_F(CommandDecoderTest, TrailingContentAfterTheObjectIsRefused) {
  refuse(R"({"type":"agenda.next"} {"type":"agenda.next"})");
  refuse(R"({"type":"agenda.next"}])");
}

TEST_F(CommandDecoderTest, MalformedValueOfAnUnknownFieldIsRefused) {
  refuse(R"({"type":"agenda.next","extra":[1,2,]})");
  refuse(R"({"type":"agenda.next","extra":{"a":}})");
  refuse(R"({"type":"agenda.next","extra":tru})");
}

TEST_F(CommandDecoderTest, WhiteSpaceAroundTheObjectIsAccepted) {
  EXPECT_EQ(type_name(accept(" \n{\"type\":\"agenda.next\"}\r\n\t ").body), "agenda.next");
}

TEST_F(CommandDecoderTest, DeeplyNestedUnknownFieldIsRefused) {
  std::string frame = R"({"type":"agenda.next","x":)" + std::string(100, '[') + std::string(100, ']') + "}";
  EXPECT_EQ(refuse(frame).message, "JSON nested too deeply");
}

TEST_F(CommandDecoderTest, ModeratelyNestedUnknownFieldIsAccepted) {
  std::string frame = R"({"type":"agenda.next","x":)" + std::string(20, '[') + std::string(20, ']') + "}";
  EXPECT_EQ(type_name(accept(frame).body), "agenda.next");
}

TEST_F(CommandDecoderTest, InvalidUtf8IsRefused) {
  refuse("{\"type\":\"question.ask\",\"text\":\"\xC3\x28\"}");
}

TEST_F(CommandDecoderTest, NonObjectIsRefused) {
  EXPECT_EQ(refuse("[1,2]").message, "a command must be one JSON object");
  EXPECT_EQ(refuse(R"("ping")").message, "a command must be one JSON object");
  EXPECT_EQ(refuse("42").message, "a command must be one JSON object");
  EXPECT_EQ(refuse("null").message, "a command must be one JSON object");
}

TEST_F(CommandDecoderTest, MissingTypeIsNamed) {
  decode_failure failure = refuse(R"({"id":3})");
  EXPECT_EQ(failure.message, "field \"type\" is missing");
  EXPECT_EQ(failure.id, boost::json::value(3));
}

TEST_F(CommandDecoderTest, IllTypedTypeIsNamed) {
  EXPECT_EQ(refuse(R"({"type":7})").message, "field \"type\" must be a string");
}

TEST_F(CommandDecoderTest, UnknownTypeIsNamedInTheMessage) {
  decode_failure failure = refuse(R"({"type":"question.delete","id":"x"})");
  EXPECT_EQ(failure.message, "unknown type \"question.delete\"");
  EXPECT_EQ(failure.id, boost::json::value("x"));
  EXPECT_EQ(find_command("question.delete"), nullptr);
}

TEST_F(CommandDecoderTest, UnknownFieldsAreIgnored) {
  command cmd = accept(R"({"type":"question.vote","question":"q1","client":{"v":[1,2,{"x":null}]},"n":1.5})");
  EXPECT_EQ(std::get<question_vote>(cmd.body).question, "q1");
}

// ---- Command ids ----

TEST_F(CommandDecoderTest, StringIdIsKept) {
  EXPECT_EQ(accept(R"({"type":"agenda.next","id":"abc"})").id, boost::json::value("abc"));
}

TEST_F(CommandDecoderTest, IntegerIdIsKept) {
  EXPECT_EQ(accept(R"({"type":"agenda.next","id":-12})").id, boost::json::value(-12));
  EXPECT_EQ(accept(R"({"type":"agenda.next","id":9007199254740993})").id,
            boost::json::value(9007199254740993));
}

TEST_F(CommandDecoderTest, BareWordIdIsRefused) {
  refuse(R"({"type":"question.vote","id":name3,"question":"q1"})");
  refuse(R"({"type":"agenda.next","id":nul})");
}

TEST_F(CommandDecoderTest, NullIdMeansNoId) {
  EXPECT_TRUE(accept(R"({"type":"agenda.next","id":null})").id.is_null());
}

TEST_F(CommandDecoderTest, AbsentIdMeansNoId) {
  EXPECT_TRUE(accept(R"({"type":"agenda.next"})").id.is_null());
}

TEST_F(CommandDecoderTest, IdBeyondSixtyFourBitsIsRefused) {
  decode_failure failure = refuse(R"({"type":"agenda.next","id":123456789012345678901234567890})");
  EXPECT_EQ(failure.message, "field \"id\" must be a string or an integer");
  EXPECT_TRUE(failure.id.is_null());
}

TEST_F(CommandDecoderTest, FractionalIdIsRefused) {
  EXPECT_EQ(refuse(R"({"type":"agenda.next","id":1.5})").message,
            "field \"id\" must be a string or an integer");
}

TEST_F(CommandDecoderTest, ObjectIdIsRefused) {
  EXPECT_EQ(refuse(R"({"type":"agenda.next","id":{"n":1}})").message,
            "field \"id\" must be a string or an integer");
  EXPECT_EQ(refuse(R"({"type":"agenda.next","id":[1]})").message,
            "field \"id\" must be a string or an integer");
  EXPECT_EQ(refuse(R"({"type":"agenda.next","id":true})").message,
            "field \"id\" must be a string or an integer");
}

TEST_F(CommandDecoderTest, IdIsReportedWhenALaterFieldIsIllTyped) {
  EXPECT_EQ(refuse(R"({"id":8,"type":"question.vote","question":1})").id, boost::json::value(8));
}

TEST_F(CommandDecoderTest, IdIsReportedWhenAnEarlierFieldIsIllTyped) {
  EXPECT_EQ(refuse(R"({"type":"question.vote","question":1,"id":"late"})").id, boost::json::value("late"));
}

TEST_F(CommandDecoderTest, IdIsReportedWhenTheJsonBreaksAfterIt) {
  EXPECT_EQ(refuse(R"({"id":9,"type":"agenda.next","x":})").id, boost::json::value(9));
}

TEST_F(CommandDecoderTest, IdIsReportedForAnUnknownType) {
  EXPECT_EQ(refuse(R"({"type":"nope","id":10})").id, boost::json::value(10));
}

// ---- on_screen.set ----

TEST_F(CommandDecoderTest, OnScreenNamesItsItemInItem) {
  command cmd = accept(R"({"type":"on_screen.set","id":4,"kind":"question","item":"q7"})");
  EXPECT_EQ(std::get<on_screen_set>(cmd.body).kind, "question");
  EXPECT_EQ(std::get<on_screen_set>(cmd.body).item, "q7");
  EXPECT_EQ(cmd.id, boost::json::value(4));
}

TEST_F(CommandDecoderTest, OnScreenNamesItsItemInIdAsInVersionOne) {
  command cmd = accept(R"({"type":"on_screen.set","kind":"highlight","id":"bluesky:abc"})");
  EXPECT_EQ(std::get<on_screen_set>(cmd.body).kind, "highlight");
  EXPECT_EQ(std::get<on_screen_set>(cmd.body).item, "bluesky:abc");
}

TEST_F(CommandDecoderTest, OnScreenWithIntegerIdNamesThatItem) {
  EXPECT_EQ(
      std::get<on_screen_set>(accept(R"({"type":"on_screen.set","kind":"question","id":12})").body).item,
      "12");
}

TEST_F(CommandDecoderTest, OnScreenWithNullKindAndItemClears) {
  command cmd = accept(R"({"type":"on_screen.set","id":5,"kind":null,"item":null})");
  EXPECT_EQ(std::get<on_screen_set>(cmd.body), on_screen_set{});
  EXPECT_EQ(cmd.id, boost::json::value(5));
}

TEST_F(CommandDecoderTest, OnScreenWithNullKindAndIdClears) {
  command cmd = accept(R"({"type":"on_screen.set","kind":null,"id":null})");
  EXPECT_EQ(std::get<on_screen_set>(cmd.body), on_screen_set{});
}

TEST_F(CommandDecoderTest, OnScreenWithKindButNoItemIsRefused) {
  refuse(R"({"type":"on_screen.set","kind":"question"})");
  refuse(R"({"type":"on_screen.set","kind":"question","item":null,"id":3})");
}

TEST_F(CommandDecoderTest, OnScreenWithItemButNullKindIsRefused) {
  refuse(R"({"type":"on_screen.set","kind":null,"item":"q1"})");
}

TEST_F(CommandDecoderTest, OnScreenWithIllTypedItemIsNamed) {
  EXPECT_EQ(refuse(R"({"type":"on_screen.set","kind":"question","item":7})").message,
            "field \"item\" must be a string");
}

TEST_F(CommandDecoderTest, OnScreenWithIllTypedKindIsNamed) {
  EXPECT_EQ(refuse(R"({"type":"on_screen.set","kind":1,"item":"q1"})").message,
            "field \"kind\" must be a string");
}

// ---- Reuse ----

TEST_F(CommandDecoderTest, DecoderIsReusableAcrossFramesOfAnySize) {
  std::string long_text(10'000, 'a');
  command big =
      accept(boost::json::serialize(boost::json::object{{"type", "announce"}, {"text", long_text}}));
  EXPECT_EQ(std::get<announce>(big.body).text, long_text);
  command small = accept(R"({"type":"agenda.next","id":2})");
  EXPECT_EQ(small.body, command_body(agenda_next{}));
  refuse("{");
  EXPECT_EQ(std::get<agenda_goto>(accept(R"({"type":"agenda.goto","segment":"qa"})").body).segment, "qa");
}

TEST_F(CommandDecoderTest, FrameIsNotReadBeyondItsLength) {
  std::string buffer = R"({"type":"agenda.end"}{"type":"junk")";
  command cmd = accept(std::string_view(buffer).substr(0, 21));
  EXPECT_EQ(type_name(cmd.body), "agenda.end");
}

// ---- Roles ----

// ---- Page commands ----

TEST_F(CommandDecoderTest, QuestionsPageReadsStatusCursorAndLimit) {
  command cmd =
      accept(R"({"type":"questions.page","id":3,"status":"answered","after":"1713794400000:q7","limit":20})");
  const auto& page = std::get<questions_page>(cmd.body);
  EXPECT_TRUE(page.answered);
  EXPECT_EQ(page.after, "1713794400000:q7");
  EXPECT_EQ(page.limit, 20u);
}

TEST_F(CommandDecoderTest, PageWithNullOrNoCursorStartsAtTheBeginning) {
  EXPECT_FALSE(std::get<questions_page>(
                   accept(R"({"type":"questions.page","status":"open","after":null,"limit":1})").body)
                   .after);
  EXPECT_FALSE(std::get<queue_page>(accept(R"({"type":"queue.page","kind":"post","limit":100})").body).after);
}

TEST_F(CommandDecoderTest, PageWithoutLimitGetsTheDefault) {
  EXPECT_EQ(std::get<questions_page>(accept(R"({"type":"questions.page","status":"open"})").body).limit,
            default_page_items);
}

TEST_F(CommandDecoderTest, QuestionsPageNeedsAKnownStatus) {
  EXPECT_EQ(refuse(R"({"type":"questions.page","id":1,"status":"pending","limit":10})").message,
            "field \"status\" must be \"open\" or \"answered\"");
  EXPECT_EQ(refuse(R"({"type":"questions.page","limit":10})").message,
            "field \"status\" must be \"open\" or \"answered\"");
  EXPECT_EQ(refuse(R"({"type":"questions.page","status":3})").message, "field \"status\" must be a string");
}

TEST_F(CommandDecoderTest, QueuePageNeedsAKnownKind) {
  EXPECT_EQ(refuse(R"({"type":"queue.page","kind":"highlight","limit":10})").message,
            "field \"kind\" must be \"post\" or \"question\"");
  EXPECT_EQ(refuse(R"({"type":"queue.page","kind":null})").message,
            "field \"kind\" must be \"post\" or \"question\"");
}

TEST_F(CommandDecoderTest, PageLimitOutsideOneToAHundredIsRefused) {
  for (auto frame : {R"({"type":"queue.page","kind":"post","limit":0})",
                     R"({"type":"queue.page","kind":"post","limit":101})",
                     R"({"type":"queue.page","kind":"post","limit":-5})"})
    EXPECT_EQ(refuse(frame).message, "field \"limit\" must be between 1 and 100") << frame;
  EXPECT_EQ(refuse(R"({"type":"queue.page","kind":"post","limit":"10"})").message,
            "field \"limit\" must be an integer");
  EXPECT_EQ(refuse(R"({"type":"queue.page","kind":"post","limit":2.5})").message,
            "field \"limit\" must be an integer");
}

TEST_F(CommandDecoderTest, PageCursorThatIsNotOursIsRefused) {
  for (auto frame : {R"({"type":"questions.page","id":9,"status":"open","after":"q7"})",
                     R"({"type":"questions.page","status":"open","after":""})",
                     R"({"type":"questions.page","status":"open","after":"12:"})",
                     R"({"type":"questions.page","status":"open","after":"-1:q1"})",
                     R"({"type":"questions.page","status":"open","after":"x1:q1"})"}) {
    decode_failure failure = refuse(frame);
    EXPECT_EQ(failure.message, "field \"after\" is not a cursor from an earlier page") << frame;
  }
  EXPECT_EQ(refuse(R"({"type":"questions.page","id":9,"status":"open","after":7})").id,
            boost::json::value(9));
}

TEST_F(CommandDecoderTest, QueuePageReadsItsFilterAndSearch) {
  command cmd = accept(
      R"({"type":"queue.page","kind":"post","source":"bluesky","held_by":"likely_spam","lang":"de","search":"NATO"})");
  const queue_filter& filter = std::get<queue_page>(cmd.body).filter;
  EXPECT_EQ(filter.source, "bluesky");
  EXPECT_EQ(filter.held_by, "likely_spam");
  EXPECT_EQ(filter.lang, "de");
  EXPECT_EQ(filter.search, "NATO");
  EXPECT_TRUE(filter.any());
}

TEST_F(CommandDecoderTest, QueuePageWithoutFilterFieldsFiltersNothing) {
  EXPECT_FALSE(std::get<queue_page>(accept(R"({"type":"queue.page","kind":"post"})").body).filter.any());
  // An empty search box sends "": no search.
  EXPECT_FALSE(std::get<queue_page>(accept(R"({"type":"queue.page","kind":"question","search":""})").body)
                   .filter.any());
}

TEST_F(CommandDecoderTest, EmptyLanguageAsksForPostsOfUnknownLanguage) {
  command cmd = accept(R"({"type":"queue.page","kind":"post","lang":""})");
  const queue_filter& filter = std::get<queue_page>(cmd.body).filter;
  ASSERT_TRUE(filter.lang);
  EXPECT_EQ(*filter.lang, "");
}

TEST_F(CommandDecoderTest, QuestionQueueTakesASearchButNoPostFilter) {
  EXPECT_EQ(std::get<queue_page>(accept(R"({"type":"queue.page","kind":"question","search":"drones"})").body)
                .filter.search,
            "drones");
  for (auto [frame, field] :
       {std::pair{R"({"type":"queue.page","kind":"question","source":"bluesky"})", "source"},
        std::pair{R"({"type":"queue.page","kind":"question","held_by":"default"})", "held_by"},
        std::pair{R"({"type":"queue.page","kind":"question","lang":"en"})", "lang"}})
    EXPECT_EQ(refuse(frame).message, "field \"" + std::string(field) + "\" filters posts only") << frame;
}

TEST_F(CommandDecoderTest, QueueFilterFieldsOutOfBoundsAreRefused) {
  std::string long_search(max_search_chars + 1, 'a');
  EXPECT_EQ(refuse(R"({"type":"queue.page","kind":"post","search":")" + long_search + R"("})").message,
            "field \"search\" has at most 100 characters");
  // 100 characters of two bytes each are within the bound.
  std::string umlauts;
  for (std::size_t i = 0; i < max_search_chars; ++i) umlauts += "\xC3\xBC";
  EXPECT_EQ(std::get<queue_page>(
                accept(R"({"type":"queue.page","kind":"post","search":")" + umlauts + R"("})").body)
                .filter.search,
            umlauts);
  std::string long_rule(max_filter_value_bytes + 1, 'r');
  EXPECT_EQ(refuse(R"({"type":"queue.page","kind":"post","held_by":")" + long_rule + R"("})").message,
            "field \"held_by\" has at most 64 bytes");
  EXPECT_EQ(refuse(R"({"type":"queue.page","kind":"post","search":"a\u0007b"})").message,
            "field \"search\" contains control characters");
  EXPECT_EQ(refuse(R"({"type":"queue.page","kind":"post","lang":7})").message,
            "field \"lang\" must be a string");
  EXPECT_EQ(refuse(R"({"type":"queue.page","kind":"post","search":null})").message,
            "field \"search\" must be a string");
}

TEST_F(CommandDecoderTest, FilterFieldsMeanNothingToOtherCommands) {
  command cmd = accept(
      R"({"type":"author.block","source":"bluesky","handle":"spam.example","search":"x","lang":"en"})");
  EXPECT_EQ(cmd.body, command_body(author_block{"bluesky", "spam.example"}));
}

role required_role(std::string_view type) {
  const command_info* found = find_command(type);
  EXPECT_NE(found, nullptr) << type;
  return found ? found->required : role::ingest;
}

TEST(RequiredRoleTest, ViewerCommands) {
  for (auto type : {"question.ask", "question.vote", "question.unvote", "questions.page"})
    EXPECT_EQ(required_role(type), role::viewer) << type;
}

TEST(RequiredRoleTest, ModeratorCommands) {
  for (auto type : {"question.approve", "question.reject", "question.answered", "question.edit",
                    "post.approve", "post.reject", "post.feature", "highlight.remove", "author.block",
                    "author.trust", "on_screen.set", "moderation.set", "queue.page"})
    EXPECT_EQ(required_role(type), role::moderator) << type;
}

TEST(RequiredRoleTest, ProducerCommands) {
  for (auto type : {"agenda.start", "agenda.next", "agenda.previous", "agenda.pause", "agenda.resume",
                    "agenda.end", "agenda.goto", "announce", "qa.set"})
    EXPECT_EQ(required_role(type), role::producer) << type;
}

TEST(RequiredRoleTest, AuthorizeAllowsTheRoleAndAbove) {
  const command_info& next = *find_command("agenda.next");
  EXPECT_TRUE(authorize(next, role::producer).ok());
  outcome refused = authorize(next, role::moderator);
  EXPECT_EQ(refused.code, error_code::forbidden);
  EXPECT_EQ(refused.message, "producer role required");
}

TEST(RequiredRoleTest, OnlyPagesAreAnsweredOutsideTheEngine) {
  for (auto type : {"questions.page", "queue.page"}) EXPECT_FALSE(find_command(type)->journaled) << type;
  EXPECT_TRUE(find_command("agenda.next")->journaled);
  EXPECT_EQ(find_command("question.ask")->rate, rate_class::question);
  EXPECT_EQ(find_command("question.vote")->rate, rate_class::vote);
  EXPECT_EQ(find_command("question.unvote")->rate, rate_class::vote);
  EXPECT_EQ(find_command("announce")->rate, rate_class::general);
}

// ---- Journal round trip ----

class CommandJsonTest : public CommandDecoderTest {
 protected:
  // Decodes, writes to JSON text, parses and reads it back.
  command_body round_trip(std::string_view frame) {
    command decoded = accept(frame);
    boost::json::value stored = boost::json::parse(boost::json::serialize(command_to_json(decoded.body)));
    command_body restored;
    EXPECT_TRUE(command_from_json(stored.as_object(), restored)) << stored;
    return restored;
  }
};

TEST_F(CommandJsonTest, EveryPayloadFieldSurvives) {
  const std::vector<std::string_view> frames{
      R"({"type":"question.ask","text":"Why?","name":"Kai"})",
      R"({"type":"question.ask","text":"Why?"})",
      R"({"type":"question.edit","question":"q3","text":"Better"})",
      R"({"type":"question.vote","question":"q1"})",
      R"({"type":"post.feature","post":"bluesky:1"})",
      R"({"type":"post.reject","posts":["bluesky:1","bluesky:2"]})",
      R"({"type":"highlight.remove","highlight":"mastodon:2"})",
      R"({"type":"author.block","source":"bluesky","handle":"spam.example"})",
      R"({"type":"agenda.goto","segment":"panel"})",
      R"({"type":"announce","text":""})",
      R"({"type":"on_screen.set","kind":"question","item":"q1"})",
      R"({"type":"on_screen.set","kind":"highlight","id":"bluesky:9"})",
      R"({"type":"on_screen.set","kind":null,"item":null})",
      R"({"type":"qa.set","open":false})",
      R"({"type":"qa.set","open":true})",
      R"({"type":"moderation.set","rules":{"max_links":1}})",
      R"({"type":"segment.update","segment":"keynote","title":"T","speakers":[]})",
      R"({"type":"segment.move","segment":"keynote","after":null})",
  };
  for (auto frame : frames) EXPECT_EQ(round_trip(frame), accept(frame).body) << frame;
}

TEST_F(CommandJsonTest, StrayFieldsAreNotWrittenToTheJournal) {
  command cmd = accept(R"({"type":"agenda.next","token":"secret.jwt.value","text":"x","status":"open"})");
  EXPECT_EQ(command_to_json(cmd.body), (boost::json::object{{"type", "agenda.next"}}));
}

TEST_F(CommandJsonTest, QaSetIsJournaledAsItAlwaysWas) {
  EXPECT_EQ(command_to_json(accept(R"({"type":"qa.set","open":false})").body),
            (boost::json::object{{"type", "qa.set"}, {"kind", "closed"}}));
}

TEST_F(CommandJsonTest, RecordWithUnknownTypeIsRefused) {
  command_body out;
  EXPECT_FALSE(command_from_json(boost::json::object{{"type", "question.delete"}}, out));
  EXPECT_FALSE(command_from_json(boost::json::object{{"type", 3}}, out));
  EXPECT_FALSE(command_from_json(boost::json::object{}, out));
  EXPECT_FALSE(command_from_json(boost::json::object{{"type", "question.vote"}}, out));
}

TEST(CommandDecoderRundownTest, SegmentAddReadsEveryFieldAndRoundTrips) {
  command_decoder decoder;
  command cmd;
  decode_failure failure;
  ASSERT_TRUE(decoder.decode(
      R"({"type":"segment.add","id":4,"segment":"fireside","kind":"panel","title":"Fireside","planned_minutes":15,
          "speakers":[{"name":"Ana Ruiz","role":"moderator","title":"Host"}],"after":null})",
      cmd, failure))
      << failure.message;
  const auto& add = std::get<segment_add>(cmd.body);
  EXPECT_EQ(add.segment, "fireside");
  EXPECT_EQ(add.title, "Fireside");
  EXPECT_EQ(add.planned_minutes, 15);
  ASSERT_TRUE(add.after.has_value());  // given, and null: first
  EXPECT_FALSE(add.after->has_value());
  ASSERT_TRUE(add.speakers);
  command_body back;
  ASSERT_TRUE(command_from_json(command_to_json(cmd.body), back));
  EXPECT_EQ(back, cmd.body);
}

TEST(CommandDecoderRundownTest, MissingAndIllTypedSegmentFieldsAreRefused) {
  command_decoder decoder;
  command cmd;
  decode_failure failure;
  EXPECT_FALSE(
      decoder.decode(R"({"type":"segment.add","segment":"x","kind":"panel","title":"T"})", cmd, failure));
  EXPECT_EQ(failure.message, "field \"planned_minutes\" is missing");
  EXPECT_FALSE(decoder.decode(R"({"type":"segment.move","segment":"x"})", cmd, failure));
  EXPECT_EQ(failure.message, "field \"after\" is missing");
  EXPECT_FALSE(
      decoder.decode(R"({"type":"segment.update","segment":"x","planned_minutes":"5"})", cmd, failure));
  EXPECT_EQ(failure.message, "field \"planned_minutes\" must be a whole number");
  EXPECT_FALSE(decoder.decode(R"({"type":"segment.update","segment":"x","speakers":{}})", cmd, failure));
  EXPECT_EQ(failure.message, "field \"speakers\" must be an array");
  EXPECT_FALSE(decoder.decode(R"({"type":"segment.update","segment":"x","speakers":[1,]})", cmd, failure));
  EXPECT_EQ(failure.message, "malformed JSON");
}

}  // namespace

}  // namespace companion::session
