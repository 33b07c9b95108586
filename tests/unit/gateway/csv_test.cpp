// CSV exports: RFC 4180 quoting, and cells a spreadsheet would run as a formula defused,
// including those that start with a tab or a carriage return (spreadsheets skip both
// before looking for a formula).
#include "gateway/engine/csv.hpp"

#include <gtest/gtest.h>

namespace companion::gateway {
namespace {

std::string row(const std::vector<std::string>& cells) {
  std::string out;
  append_csv_row(out, cells);
  return out;
}

TEST(CsvTest, PlainCellsAreJoinedByCommasAndEndWithCrLf) {
  EXPECT_EQ(row({"q1", "How do partners share intelligence", "3"}),
            "q1,How do partners share intelligence,3\r\n");
  EXPECT_EQ(row({}), "\r\n");
  EXPECT_EQ(row({""}), "\r\n");
}

TEST(CsvTest, CommasQuotesAndLineBreaksAreQuoted) {
  EXPECT_EQ(row({"a, b"}), "\"a, b\"\r\n");
  EXPECT_EQ(row({"say \"safely\""}), "\"say \"\"safely\"\"\"\r\n");
  EXPECT_EQ(row({"line\nbreak"}), "\"line\nbreak\"\r\n");
}

TEST(CsvTest, EveryFormulaStartIsDefused) {
  for (std::string start : {"=", "+", "-", "@", "\t", "\r"}) {
    const std::string cell = start + "HYPERLINK(\"http://x\")";
    const std::string out = row({cell});
    SCOPED_TRACE(cell);
    // The apostrophe comes first, inside the quotes where the cell needs them.
    const std::size_t apostrophe = out.find('\'');
    ASSERT_NE(apostrophe, std::string::npos);
    EXPECT_TRUE(apostrophe == 0 || (apostrophe == 1 && out[0] == '"'));
    EXPECT_NE(out.find(start + "HYPERLINK"), std::string::npos);
  }
}

TEST(CsvTest, ASignInsideACellIsLeftAlone) {
  EXPECT_EQ(row({"1+1=2"}), "1+1=2\r\n");
  EXPECT_EQ(row({"x", "-"}), "x,'-\r\n");
}

}  // namespace
}  // namespace companion::gateway
