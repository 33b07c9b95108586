// The connection messages (hello with its resume point, ping, token.refresh) read
// in one pass with the session's commands: their fields, their errors naming the
// field at fault, and the session's commands passing through unchanged.
#include "gateway/net/client_message.hpp"

#include <gtest/gtest.h>

#include <string_view>

namespace companion::gateway {
namespace {

class ClientMessageTest : public ::testing::Test {
 protected:
  client_message accept(std::string_view frame) {
    client_message out;
    session::decode_failure failure;
    EXPECT_TRUE(decoder_.decode(frame, out, failure)) << frame << " -> " << failure.message;
    return out;
  }
  session::decode_failure refuse(std::string_view frame) {
    client_message out;
    session::decode_failure failure;
    EXPECT_FALSE(decoder_.decode(frame, out, failure)) << frame << " was accepted";
    EXPECT_FALSE(failure.message.empty());
    return failure;
  }
  hello accept_hello(std::string_view frame) {
    client_message message = accept(frame);
    EXPECT_TRUE(std::holds_alternative<hello>(message.body)) << frame;
    return std::holds_alternative<hello>(message.body) ? std::get<hello>(message.body) : hello{};
  }

  client_decoder decoder_;
};

TEST_F(ClientMessageTest, HelloReadsEveryField) {
  client_message message = accept(
      R"({"type":"hello","id":1,"event":"demo","token":"t.k.n","viewer":"v1","resume":{"epoch":"e1","seq":41}})");
  EXPECT_EQ(message.id, boost::json::value(1));
  const hello& h = std::get<hello>(message.body);
  EXPECT_EQ(h.event, "demo");
  EXPECT_EQ(h.token, "t.k.n");
  EXPECT_EQ(h.viewer, "v1");
  ASSERT_TRUE(h.resume.has_value());
  EXPECT_EQ(h.resume->epoch, "e1");
  EXPECT_EQ(h.resume->seq, 41u);
}

TEST_F(ClientMessageTest, HelloWithoutResumeHasNone) {
  EXPECT_FALSE(accept_hello(R"({"type":"hello"})").resume.has_value());
  EXPECT_FALSE(accept_hello(R"({"type":"hello","resume":null})").resume.has_value());
}

TEST_F(ClientMessageTest, ResumeIgnoresExtraFields) {
  hello h = accept_hello(R"({"type":"hello","resume":{"seq":3,"x":[1],"epoch":"e"}})");
  ASSERT_TRUE(h.resume.has_value());
  EXPECT_EQ(h.resume->seq, 3u);
}

TEST_F(ClientMessageTest, FaultyResumeIsNamed) {
  for (auto frame :
       {R"({"type":"hello","resume":{"epoch":"e"}})", R"({"type":"hello","resume":{"epoch":"e","seq":-1}})",
        R"({"type":"hello","resume":{"epoch":5,"seq":1}})", R"({"type":"hello","id":2,"resume":41})"})
    EXPECT_NE(refuse(frame).message.find("\"resume\""), std::string::npos) << frame;
}

TEST_F(ClientMessageTest, MalformedValueInsideResumeIsRefused) {
  refuse(R"({"type":"hello","resume":{"epoch":"e","seq":1,"x":[1,}})");
}

TEST_F(ClientMessageTest, IllTypedHelloTokenIsNamed) {
  EXPECT_EQ(refuse(R"({"type":"hello","token":{}})").message, "field \"token\" must be a string");
}

TEST_F(ClientMessageTest, ConnectionFieldsAreCheckedOnAnyMessage) {
  EXPECT_EQ(refuse(R"({"type":"agenda.next","token":5})").message, "field \"token\" must be a string");
}

TEST_F(ClientMessageTest, PingAndTokenRefreshKeepTheirIds) {
  client_message ping_message = accept(R"({"type":"ping","id":"abc"})");
  EXPECT_TRUE(std::holds_alternative<ping>(ping_message.body));
  EXPECT_EQ(ping_message.id, boost::json::value("abc"));
  client_message refresh = accept(R"({"type":"token.refresh","id":7})");
  EXPECT_TRUE(std::holds_alternative<token_refresh>(refresh.body));
  EXPECT_EQ(refresh.id, boost::json::value(7));
  EXPECT_EQ(required_role(token_refresh{}), session::role::moderator);
}

TEST_F(ClientMessageTest, SessionCommandsPassThrough) {
  client_message message = accept(R"({"type":"question.vote","id":3,"question":"q1","viewer":"v9"})");
  ASSERT_TRUE(std::holds_alternative<session::command_body>(message.body));
  EXPECT_EQ(std::get<session::command_body>(message.body),
            session::command_body(session::question_vote{"q1"}));
  EXPECT_EQ(message.id, boost::json::value(3));
}

TEST_F(ClientMessageTest, UnknownTypeIsNamed) {
  session::decode_failure failure = refuse(R"({"type":"hello.again","id":4})");
  EXPECT_EQ(failure.message, "unknown type \"hello.again\"");
  EXPECT_EQ(failure.id, boost::json::value(4));
}

}  // namespace
}  // namespace companion::gateway
