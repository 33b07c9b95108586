// Server frames: each one is a JSON object with the fields the protocol names,
// texts escaped by the JSON library, and ids echoed with their JSON type.
#include "session/frames.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace companion::session {
namespace {

boost::json::value parsed(const std::string& text) {
  return boost::json::parse(text);
}

TEST(FramesTest, AckEchoesTheIdWithItsType) {
  EXPECT_EQ(parsed(ack_frame(7)), boost::json::value(boost::json::object{{"type", "ack"}, {"id", 7}}));
  EXPECT_EQ(parsed(ack_frame("c-7")),
            boost::json::value(boost::json::object{{"type", "ack"}, {"id", "c-7"}}));
}

TEST(FramesTest, AckCarriesResultFields) {
  EXPECT_EQ(parsed(ack_frame(1, {{"seq", 58}, {"question", "q3"}})),
            (boost::json::object{{"type", "ack"}, {"id", 1}, {"seq", 58}, {"question", "q3"}}));
}

TEST(FramesTest, ErrorNamesTheCode) {
  EXPECT_EQ(
      parsed(error_frame(nullptr, error_code::forbidden, "producer role required")),
      (boost::json::object{
          {"type", "error"}, {"id", nullptr}, {"code", "forbidden"}, {"message", "producer role required"}}));
}

TEST(FramesTest, MessagesAreEscaped) {
  std::string message = "quote \" backslash \\ newline \n <script>";
  EXPECT_EQ(parsed(error_frame(1, error_code::bad_request, message)).at("message"),
            boost::json::value(message));
}

TEST(FramesTest, PongWithoutIdHasNoId) {
  EXPECT_EQ(parsed(pong_frame(nullptr, 42)),
            boost::json::value(boost::json::object{{"type", "pong"}, {"server_time", 42}}));
}

TEST(FramesTest, ChangeCarriesEveryField) {
  EXPECT_EQ(parsed(change_frame(5, "e1", "votes", 1713790800500, boost::json::object{{"q1", 2}})),
            (boost::json::object{{"type", "change"},
                                 {"seq", 5},
                                 {"epoch", "e1"},
                                 {"kind", "votes"},
                                 {"at", 1713790800500},
                                 {"data", {{"q1", 2}}}}));
}

TEST(FramesTest, SnapshotCarriesSeqAndState) {
  EXPECT_EQ(parsed(snapshot_frame(9, {{"announcement", nullptr}})),
            (boost::json::object{{"type", "snapshot"}, {"seq", 9}, {"state", {{"announcement", nullptr}}}}));
}

TEST(FramesTest, WelcomeCarriesTheSession) {
  welcome_fields fields{role::moderator, "demo", "v1", "e1", 57, 1000, true};
  EXPECT_EQ(parsed(welcome_frame(1, fields)), boost::json::value(boost::json::object{{"type", "welcome"},
                                                                                     {"id", 1},
                                                                                     {"role", "moderator"},
                                                                                     {"event", "demo"},
                                                                                     {"viewer", "v1"},
                                                                                     {"epoch", "e1"},
                                                                                     {"seq", 57},
                                                                                     {"server_time", 1000},
                                                                                     {"recovered", true}}));
}

}  // namespace
}  // namespace companion::session
