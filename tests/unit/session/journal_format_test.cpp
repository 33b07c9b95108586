// What this build can replay of a journal: every record it writes, records of earlier
// formats; not a newer format, an unknown kind or an unknown command.
#include "session/journal_format.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "session/engine.hpp"

namespace companion::session {
namespace {

boost::json::object record(std::string_view text) {
  return boost::json::parse(text).as_object();
}

TEST(JournalFormatTest, RecordsOfEveryKnownFormatAreReadable) {
  EXPECT_EQ(journal_record_problem(record(R"({"kind":"command","at":1,"cmd":{"type":"agenda.start"}})")), "");
  for (int v = 1; v <= journal_version; ++v)
    EXPECT_EQ(journal_record_problem(record(R"({"v":)" + std::to_string(v) + R"(,"kind":"tick","at":1})")),
              "");
  EXPECT_EQ(journal_record_problem(record(R"({"v":2,"kind":"retract","at":1,"id":"p"})")), "");
  EXPECT_EQ(journal_record_problem(record(R"({"v":4,"kind":"vote","w":"v1","q":"q1"})")), "");
  EXPECT_EQ(journal_record_problem(record(R"({"v":4,"kind":"unvote","w":"v1","q":"q1"})")), "");
}

TEST(JournalFormatTest, ANewerFormatNamesItsVersion) {
  const auto newer = "{\"v\":" + std::to_string(journal_version + 1) + ",\"kind\":\"tick\",\"at\":1}";
  EXPECT_EQ(journal_record_problem(record(newer)), "format version " + std::to_string(journal_version + 1));
  EXPECT_EQ(journal_record_problem(record(R"({"v":0,"kind":"tick"})")), "format version 0");
  EXPECT_EQ(journal_record_problem(record(R"({"v":"3","kind":"tick"})")),
            "a format version that is not a whole number");
}

TEST(JournalFormatTest, UnknownKindsAndCommandsAreNamed) {
  EXPECT_EQ(journal_record_problem(record(R"({"v":3,"kind":"reaction"})")), "kind \"reaction\"");
  EXPECT_EQ(journal_record_problem(record(R"({"v":3})")), "no kind");
  EXPECT_EQ(journal_record_problem(record(R"({"v":3,"kind":"command","cmd":{"type":"survey.open"}})")),
            "command \"survey.open\"");
  EXPECT_EQ(journal_record_problem(record(R"({"v":3,"kind":"command"})")),
            "a command record without its command");
}

TEST(JournalFormatTest, RestampingReadsANewerRecordByTodaysRulesAndLeavesTheRestAlone) {
  auto newer = record(R"({"v":99,"kind":"command","at":1,"cmd":{"type":"announce","text":"hi"}})");
  auto restamped = restamp_journal_record(newer);
  EXPECT_EQ(journal_record_version(restamped), journal_version);
  EXPECT_EQ(journal_record_problem(restamped), "");
  EXPECT_EQ(restamped.at("cmd"), newer.at("cmd"));
  // A kind this build has no rules for stays unreadable: an upgrade leaves it out.
  auto unknown = record(R"({"v":99,"kind":"reaction"})");
  EXPECT_EQ(restamp_journal_record(unknown), unknown);
  auto current = record(R"({"v":1,"kind":"tick","at":1})");
  EXPECT_EQ(restamp_journal_record(current), current);
}

}  // namespace
}  // namespace companion::session
