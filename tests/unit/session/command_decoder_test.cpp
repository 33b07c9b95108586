// Client frame decoding: every command type with its required fields, the
// failures a client can provoke (each naming the field at fault), command ids of
// every JSON type, on_screen.set's two spellings, and the journal round trip.
#include "session/command.hpp"
#include "session/paging.hpp"

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
    {"hello", {}},
    {"ping", {}},
    {"token.refresh", {}},
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
  EXPECT_EQ(cmd.type, shape.type);
  EXPECT_EQ(cmd.id, boost::json::value(1));
  EXPECT_TRUE(required_role(cmd.type).has_value());
  for (auto field : shape.required) {
    std::string expected = "value of " + std::string(field);
    if (field == "text") {
      EXPECT_EQ(cmd.text, expected);
    }
    if (field == "question") {
      EXPECT_EQ(cmd.question, expected);
    }
    if (field == "post") {
      EXPECT_EQ(cmd.post, expected);
    }
    if (field == "highlight") {
      EXPECT_EQ(cmd.highlight, expected);
    }
    if (field == "segment") {
      EXPECT_EQ(cmd.segment, expected);
    }
    if (field == "source") {
      EXPECT_EQ(cmd.source, expected);
    }
    if (field == "handle") {
      EXPECT_EQ(cmd.handle, expected);
    }
  }
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
  command cmd = accept(R"({"type":"question.ask","text":"Why?","name":"Kai"})");
  EXPECT_EQ(cmd.text, "Why?");
  EXPECT_EQ(cmd.name, "Kai");
}

TEST_F(CommandDecoderTest, NullNameMeansNoName) {
  command cmd = accept(R"({"type":"question.ask","text":"Why?","name":null})");
  EXPECT_FALSE(cmd.name.has_value());
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
  EXPECT_EQ(cmd.text, "");
}

TEST_F(CommandDecoderTest, QaSetReadsOpenAsBoolean) {
  EXPECT_EQ(accept(R"({"type":"qa.set","open":true})").kind, "open");
  EXPECT_EQ(accept(R"({"type":"qa.set","open":false})").kind, "closed");
}

TEST_F(CommandDecoderTest, QaSetWithoutOpenIsNamed) {
  EXPECT_EQ(refuse(R"({"type":"qa.set"})").message, "field \"open\" is missing");
}

TEST_F(CommandDecoderTest, QaSetWithStringOpenIsNamed) {
  EXPECT_EQ(refuse(R"({"type":"qa.set","open":"yes"})").message, "field \"open\" must be a boolean");
}

TEST_F(CommandDecoderTest, OpenFieldOnOtherCommandsIsIgnored) {
  command cmd = accept(R"({"type":"on_screen.set","kind":"question","item":"q1","open":true})");
  EXPECT_EQ(cmd.kind, "question");
}

TEST_F(CommandDecoderTest, QaSetTakesItsStateOnlyFromOpen) {
  EXPECT_EQ(refuse(R"({"type":"qa.set","kind":"open"})").message, "field \"open\" is missing");
  EXPECT_EQ(accept(R"({"type":"qa.set","kind":"open","open":false})").kind, "closed");
}

TEST_F(CommandDecoderTest, ModerationSetKeepsItsRulesObject) {
  command cmd = accept(R"({"type":"moderation.set","rules":{"blocked_terms":["spoiler"],"max_links":2}})");
  EXPECT_EQ(boost::json::parse(cmd.rules_json),
            boost::json::value(boost::json::object{{"blocked_terms", {"spoiler"}}, {"max_links", 2}}));
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
  EXPECT_EQ(cmd.text, "caf\xC3\xA9 \"quoted\" \xF0\x9F\x98\x80");
}

// ---- Malformed input ----

TEST_F(CommandDecoderTest, MalformedJsonIsRefused) {
  refuse(R"({"type":"ping")");
  refuse(R"({"type":"ping",})");
  refuse(R"({type:"ping"})");
  refuse("");
  refuse("   ");
}

TEST_F(CommandDecoderTest, TrailingContentAfterTheObjectIsRefused) {
  refuse(R"({"type":"ping"} {"type":"ping"})");
  refuse(R"({"type":"ping"}])");
}

TEST_F(CommandDecoderTest, MalformedValueOfAnUnknownFieldIsRefused) {
  refuse(R"({"type":"ping","extra":[1,2,]})");
  refuse(R"({"type":"ping","extra":{"a":}})");
  refuse(R"({"type":"ping","extra":tru})");
}

TEST_F(CommandDecoderTest, WhiteSpaceAroundTheObjectIsAccepted) {
  EXPECT_EQ(accept(" \n{\"type\":\"ping\"}\r\n\t ").type, "ping");
}

TEST_F(CommandDecoderTest, MalformedValueInsideResumeIsRefused) {
  refuse(R"({"type":"hello","resume":{"epoch":"e","seq":1,"x":[1,}})");
}

TEST_F(CommandDecoderTest, DeeplyNestedUnknownFieldIsRefused) {
  std::string frame = R"({"type":"ping","x":)" + std::string(100, '[') + std::string(100, ']') + "}";
  EXPECT_EQ(refuse(frame).message, "JSON nested too deeply");
}

TEST_F(CommandDecoderTest, ModeratelyNestedUnknownFieldIsAccepted) {
  std::string frame = R"({"type":"ping","x":)" + std::string(20, '[') + std::string(20, ']') + "}";
  EXPECT_EQ(accept(frame).type, "ping");
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
  EXPECT_FALSE(required_role("question.delete").has_value());
}

TEST_F(CommandDecoderTest, UnknownFieldsAreIgnored) {
  command cmd = accept(R"({"type":"question.vote","question":"q1","client":{"v":[1,2,{"x":null}]},"n":1.5})");
  EXPECT_EQ(cmd.question, "q1");
}

// ---- Command ids ----

TEST_F(CommandDecoderTest, StringIdIsKept) {
  EXPECT_EQ(accept(R"({"type":"ping","id":"abc"})").id, boost::json::value("abc"));
}

TEST_F(CommandDecoderTest, IntegerIdIsKept) {
  EXPECT_EQ(accept(R"({"type":"ping","id":-12})").id, boost::json::value(-12));
  EXPECT_EQ(accept(R"({"type":"ping","id":9007199254740993})").id, boost::json::value(9007199254740993));
}

TEST_F(CommandDecoderTest, BareWordIdIsRefused) {
  refuse(R"({"type":"question.vote","id":name3,"question":"q1"})");
  refuse(R"({"type":"ping","id":nul})");
}

TEST_F(CommandDecoderTest, NullIdMeansNoId) {
  EXPECT_TRUE(accept(R"({"type":"ping","id":null})").id.is_null());
}

TEST_F(CommandDecoderTest, AbsentIdMeansNoId) {
  EXPECT_TRUE(accept(R"({"type":"ping"})").id.is_null());
}

TEST_F(CommandDecoderTest, IdBeyondSixtyFourBitsIsRefused) {
  decode_failure failure = refuse(R"({"type":"ping","id":123456789012345678901234567890})");
  EXPECT_EQ(failure.message, "field \"id\" must be a string or an integer");
  EXPECT_TRUE(failure.id.is_null());
}

TEST_F(CommandDecoderTest, FractionalIdIsRefused) {
  EXPECT_EQ(refuse(R"({"type":"ping","id":1.5})").message, "field \"id\" must be a string or an integer");
}

TEST_F(CommandDecoderTest, ObjectIdIsRefused) {
  EXPECT_EQ(refuse(R"({"type":"ping","id":{"n":1}})").message, "field \"id\" must be a string or an integer");
  EXPECT_EQ(refuse(R"({"type":"ping","id":[1]})").message, "field \"id\" must be a string or an integer");
  EXPECT_EQ(refuse(R"({"type":"ping","id":true})").message, "field \"id\" must be a string or an integer");
}

TEST_F(CommandDecoderTest, IdIsReportedWhenALaterFieldIsIllTyped) {
  EXPECT_EQ(refuse(R"({"id":8,"type":"question.vote","question":1})").id, boost::json::value(8));
}

TEST_F(CommandDecoderTest, IdIsReportedWhenAnEarlierFieldIsIllTyped) {
  EXPECT_EQ(refuse(R"({"type":"question.vote","question":1,"id":"late"})").id, boost::json::value("late"));
}

TEST_F(CommandDecoderTest, IdIsReportedWhenTheJsonBreaksAfterIt) {
  EXPECT_EQ(refuse(R"({"id":9,"type":"ping","x":})").id, boost::json::value(9));
}

TEST_F(CommandDecoderTest, IdIsReportedForAnUnknownType) {
  EXPECT_EQ(refuse(R"({"type":"nope","id":10})").id, boost::json::value(10));
}

// ---- on_screen.set ----

TEST_F(CommandDecoderTest, OnScreenNamesItsItemInItem) {
  command cmd = accept(R"({"type":"on_screen.set","id":4,"kind":"question","item":"q7"})");
  EXPECT_EQ(cmd.kind, "question");
  EXPECT_EQ(cmd.item, "q7");
  EXPECT_EQ(cmd.id, boost::json::value(4));
}

TEST_F(CommandDecoderTest, OnScreenNamesItsItemInIdAsInVersionOne) {
  command cmd = accept(R"({"type":"on_screen.set","kind":"highlight","id":"bluesky:abc"})");
  EXPECT_EQ(cmd.kind, "highlight");
  EXPECT_EQ(cmd.item, "bluesky:abc");
}

TEST_F(CommandDecoderTest, OnScreenWithIntegerIdNamesThatItem) {
  EXPECT_EQ(accept(R"({"type":"on_screen.set","kind":"question","id":12})").item, "12");
}

TEST_F(CommandDecoderTest, OnScreenWithNullKindAndItemClears) {
  command cmd = accept(R"({"type":"on_screen.set","id":5,"kind":null,"item":null})");
  EXPECT_FALSE(cmd.kind.has_value());
  EXPECT_FALSE(cmd.item.has_value());
  EXPECT_EQ(cmd.id, boost::json::value(5));
}

TEST_F(CommandDecoderTest, OnScreenWithNullKindAndIdClears) {
  command cmd = accept(R"({"type":"on_screen.set","kind":null,"id":null})");
  EXPECT_FALSE(cmd.kind.has_value());
  EXPECT_FALSE(cmd.item.has_value());
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

// ---- hello and resume ----

TEST_F(CommandDecoderTest, HelloReadsEveryField) {
  command cmd = accept(
      R"({"type":"hello","id":1,"event":"demo","token":"t.k.n","viewer":"v1","resume":{"epoch":"e1","seq":41}})");
  EXPECT_EQ(cmd.event, "demo");
  EXPECT_EQ(cmd.token, "t.k.n");
  EXPECT_EQ(cmd.viewer, "v1");
  ASSERT_TRUE(cmd.resume.has_value());
  EXPECT_EQ(cmd.resume->epoch, "e1");
  EXPECT_EQ(cmd.resume->seq, 41u);
}

TEST_F(CommandDecoderTest, HelloWithoutResumeHasNone) {
  EXPECT_FALSE(accept(R"({"type":"hello"})").resume.has_value());
  EXPECT_FALSE(accept(R"({"type":"hello","resume":null})").resume.has_value());
}

TEST_F(CommandDecoderTest, ResumeIgnoresExtraFields) {
  command cmd = accept(R"({"type":"hello","resume":{"seq":3,"x":[1],"epoch":"e"}})");
  ASSERT_TRUE(cmd.resume.has_value());
  EXPECT_EQ(cmd.resume->seq, 3u);
}

TEST_F(CommandDecoderTest, ResumeWithoutSeqIsNamed) {
  EXPECT_NE(refuse(R"({"type":"hello","resume":{"epoch":"e"}})").message.find("\"resume\""),
            std::string::npos);
}

TEST_F(CommandDecoderTest, ResumeWithNegativeSeqIsNamed) {
  EXPECT_NE(refuse(R"({"type":"hello","resume":{"epoch":"e","seq":-1}})").message.find("\"resume\""),
            std::string::npos);
}

TEST_F(CommandDecoderTest, ResumeWithNumericEpochIsNamed) {
  EXPECT_NE(refuse(R"({"type":"hello","resume":{"epoch":5,"seq":1}})").message.find("\"resume\""),
            std::string::npos);
}

TEST_F(CommandDecoderTest, ResumeThatIsNotAnObjectIsNamed) {
  EXPECT_NE(refuse(R"({"type":"hello","id":2,"resume":41})").message.find("\"resume\""), std::string::npos);
}

TEST_F(CommandDecoderTest, IllTypedHelloTokenIsNamed) {
  EXPECT_EQ(refuse(R"({"type":"hello","token":{}})").message, "field \"token\" must be a string");
}

// ---- Reuse ----

TEST_F(CommandDecoderTest, DecoderIsReusableAcrossFramesOfAnySize) {
  std::string long_text(10'000, 'a');
  command big =
      accept(boost::json::serialize(boost::json::object{{"type", "announce"}, {"text", long_text}}));
  EXPECT_EQ(big.text, long_text);
  command small = accept(R"({"type":"ping","id":2})");
  EXPECT_EQ(small.type, "ping");
  EXPECT_FALSE(small.text.has_value());
  refuse("{");
  EXPECT_EQ(accept(R"({"type":"agenda.goto","segment":"qa"})").segment, "qa");
}

TEST_F(CommandDecoderTest, FrameIsNotReadBeyondItsLength) {
  std::string buffer = R"({"type":"ping"}{"type":"junk")";
  command cmd = accept(std::string_view(buffer).substr(0, 15));
  EXPECT_EQ(cmd.type, "ping");
}

// ---- Roles ----

// ---- Page commands ----

TEST_F(CommandDecoderTest, QuestionsPageReadsStatusCursorAndLimit) {
  command cmd =
      accept(R"({"type":"questions.page","id":3,"status":"answered","after":"1713794400000:q7","limit":20})");
  EXPECT_EQ(cmd.status, "answered");
  EXPECT_EQ(cmd.after, "1713794400000:q7");
  EXPECT_EQ(cmd.limit, 20u);
}

TEST_F(CommandDecoderTest, PageWithNullOrNoCursorStartsAtTheBeginning) {
  EXPECT_FALSE(accept(R"({"type":"questions.page","status":"open","after":null,"limit":1})").after);
  EXPECT_FALSE(accept(R"({"type":"queue.page","kind":"post","limit":100})").after);
}

TEST_F(CommandDecoderTest, PageWithoutLimitGetsTheDefault) {
  EXPECT_EQ(accept(R"({"type":"questions.page","status":"open"})").limit, default_page_items);
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
  EXPECT_EQ(cmd.filter.source, "bluesky");
  EXPECT_EQ(cmd.filter.held_by, "likely_spam");
  EXPECT_EQ(cmd.filter.lang, "de");
  EXPECT_EQ(cmd.filter.search, "NATO");
  EXPECT_TRUE(cmd.filter.any());
}

TEST_F(CommandDecoderTest, QueuePageWithoutFilterFieldsFiltersNothing) {
  EXPECT_FALSE(accept(R"({"type":"queue.page","kind":"post"})").filter.any());
  // An empty search box sends "": no search.
  EXPECT_FALSE(accept(R"({"type":"queue.page","kind":"question","search":""})").filter.any());
}

TEST_F(CommandDecoderTest, EmptyLanguageAsksForPostsOfUnknownLanguage) {
  command cmd = accept(R"({"type":"queue.page","kind":"post","lang":""})");
  ASSERT_TRUE(cmd.filter.lang);
  EXPECT_EQ(*cmd.filter.lang, "");
}

TEST_F(CommandDecoderTest, QuestionQueueTakesASearchButNoPostFilter) {
  EXPECT_EQ(accept(R"({"type":"queue.page","kind":"question","search":"drones"})").filter.search, "drones");
  for (auto [frame, field] : {std::pair{R"({"type":"queue.page","kind":"question","source":"bluesky"})", "source"},
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
  EXPECT_EQ(accept(R"({"type":"queue.page","kind":"post","search":")" + umlauts + R"("})").filter.search, umlauts);
  std::string long_rule(max_filter_value_bytes + 1, 'r');
  EXPECT_EQ(refuse(R"({"type":"queue.page","kind":"post","held_by":")" + long_rule + R"("})").message,
            "field \"held_by\" has at most 64 bytes");
  EXPECT_EQ(refuse(R"({"type":"queue.page","kind":"post","search":"a\u0007b"})").message,
            "field \"search\" contains control characters");
  EXPECT_EQ(refuse(R"({"type":"queue.page","kind":"post","lang":7})").message, "field \"lang\" must be a string");
  EXPECT_EQ(refuse(R"({"type":"queue.page","kind":"post","search":null})").message,
            "field \"search\" must be a string");
}

TEST_F(CommandDecoderTest, FilterFieldsMeanNothingToOtherCommands) {
  command cmd = accept(R"({"type":"author.block","source":"bluesky","handle":"spam.example","search":"x","lang":"en"})");
  EXPECT_FALSE(cmd.filter.any());
  EXPECT_EQ(cmd.source, "bluesky");
}

TEST(RequiredRoleTest, ViewerCommands) {
  for (auto type : {"hello", "ping", "question.ask", "question.vote", "question.unvote", "questions.page"})
    EXPECT_EQ(required_role(type), role::viewer) << type;
}

TEST(RequiredRoleTest, ModeratorCommands) {
  for (auto type : {"question.approve", "question.reject", "question.answered", "question.edit",
                    "post.approve", "post.reject", "post.feature", "highlight.remove", "author.block",
                    "author.trust", "on_screen.set", "token.refresh", "moderation.set", "queue.page"})
    EXPECT_EQ(required_role(type), role::moderator) << type;
}

TEST(RequiredRoleTest, ProducerCommands) {
  for (auto type : {"agenda.start", "agenda.next", "agenda.previous", "agenda.pause", "agenda.resume",
                    "agenda.end", "agenda.goto", "announce", "qa.set"})
    EXPECT_EQ(required_role(type), role::producer) << type;
}

// ---- Journal round trip ----

class CommandJsonTest : public CommandDecoderTest {
 protected:
  // Decodes, writes to JSON text, parses and reads it back.
  command round_trip(std::string_view frame) {
    command decoded = accept(frame);
    boost::json::value stored = boost::json::parse(boost::json::serialize(command_to_json(decoded)));
    command restored;
    EXPECT_TRUE(command_from_json(stored.as_object(), restored)) << stored;
    return restored;
  }
};

TEST_F(CommandJsonTest, EveryPayloadFieldSurvives) {
  const std::vector<std::string_view> frames{
      R"({"type":"question.ask","text":"Why?","name":"Kai"})",
      R"({"type":"question.edit","question":"q3","text":"Better"})",
      R"({"type":"question.vote","question":"q1"})",
      R"({"type":"post.feature","post":"bluesky:1"})",
      R"({"type":"highlight.remove","highlight":"mastodon:2"})",
      R"({"type":"author.block","source":"bluesky","handle":"spam.example"})",
      R"({"type":"agenda.goto","segment":"panel"})",
      R"({"type":"announce","text":""})",
      R"({"type":"on_screen.set","kind":"question","item":"q1"})",
      R"({"type":"on_screen.set","kind":null,"item":null})",
      R"({"type":"qa.set","open":false})",
      R"({"type":"hello","event":"demo","viewer":"v9"})",
      R"({"type":"moderation.set","rules":{"max_links":1}})",
  };
  for (auto frame : frames) {
    command decoded = accept(frame);
    command restored = round_trip(frame);
    EXPECT_EQ(restored.type, decoded.type) << frame;
    EXPECT_EQ(restored.event, decoded.event) << frame;
    EXPECT_EQ(restored.viewer, decoded.viewer) << frame;
    EXPECT_EQ(restored.text, decoded.text) << frame;
    EXPECT_EQ(restored.name, decoded.name) << frame;
    EXPECT_EQ(restored.question, decoded.question) << frame;
    EXPECT_EQ(restored.post, decoded.post) << frame;
    EXPECT_EQ(restored.highlight, decoded.highlight) << frame;
    EXPECT_EQ(restored.segment, decoded.segment) << frame;
    EXPECT_EQ(restored.source, decoded.source) << frame;
    EXPECT_EQ(restored.handle, decoded.handle) << frame;
    EXPECT_EQ(restored.kind, decoded.kind) << frame;
    EXPECT_EQ(restored.item, decoded.item) << frame;
    if (!decoded.rules_json.empty()) {
      EXPECT_EQ(boost::json::parse(restored.rules_json), boost::json::parse(decoded.rules_json)) << frame;
    }
  }
}

TEST_F(CommandJsonTest, TokenIsNotWrittenToTheJournal) {
  command cmd = accept(R"({"type":"hello","token":"secret.jwt.value"})");
  EXPECT_FALSE(command_to_json(cmd).contains("token"));
}

TEST_F(CommandJsonTest, RecordWithUnknownTypeIsRefused) {
  command out;
  EXPECT_FALSE(command_from_json(boost::json::object{{"type", "question.delete"}}, out));
  EXPECT_FALSE(command_from_json(boost::json::object{{"type", 3}}, out));
  EXPECT_FALSE(command_from_json(boost::json::object{}, out));
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
  EXPECT_EQ(cmd.segment, "fireside");
  EXPECT_EQ(cmd.title, "Fireside");
  EXPECT_EQ(cmd.planned_minutes, 15);
  EXPECT_TRUE(cmd.after_given);
  EXPECT_FALSE(cmd.after);
  ASSERT_TRUE(cmd.speakers_json);
  command back;
  ASSERT_TRUE(command_from_json(command_to_json(cmd), back));
  EXPECT_EQ(back.title, cmd.title);
  EXPECT_EQ(back.planned_minutes, cmd.planned_minutes);
  EXPECT_EQ(back.after_given, true);
  EXPECT_FALSE(back.after);
  EXPECT_EQ(boost::json::parse(*back.speakers_json), boost::json::parse(*cmd.speakers_json));
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
