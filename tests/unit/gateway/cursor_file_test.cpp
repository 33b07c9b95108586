// The durable Jetstream cursor: survives a new process, is replaced whole, is written
// at most once per interval, and resumes a little before the position it records.
#include "gateway/sources/cursor_file.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

namespace companion::gateway {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

class CursorFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "cursor-test-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    path_ = cursor_file::path_for(dir_, "summit", "jetstream");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::filesystem::path dir_;
  std::filesystem::path path_;
  cursor_file::clock::time_point t0_ = cursor_file::clock::time_point{} + seconds(1000);
};

TEST_F(CursorFileTest, PathNamesEventAndSourceInCursorsFolder) {
  EXPECT_EQ(path_, dir_ / "cursors" / "summit.jetstream.cursor");
}

TEST_F(CursorFileTest, MissingFileHasNoCursor) {
  EXPECT_EQ(cursor_file(path_).load(), std::nullopt);
}

TEST_F(CursorFileTest, FirstUpdateIsWrittenAndReadBackByAnotherInstance) {
  cursor_file writer(path_);
  EXPECT_TRUE(writer.update(1713794402220702, t0_));
  EXPECT_EQ(cursor_file(path_).load(), 1713794402220702);
}

TEST_F(CursorFileTest, UpdatesWithinTheIntervalWaitThenGoOut) {
  cursor_file writer(path_, seconds(1));
  ASSERT_TRUE(writer.update(100, t0_));
  EXPECT_FALSE(writer.update(200, t0_ + milliseconds(300)));
  EXPECT_FALSE(writer.update(300, t0_ + milliseconds(900)));
  EXPECT_EQ(cursor_file(path_).load(), 100);
  EXPECT_EQ(writer.latest(), 300);
  EXPECT_TRUE(writer.update(400, t0_ + milliseconds(1000)));
  EXPECT_EQ(cursor_file(path_).load(), 400);
}

TEST_F(CursorFileTest, FlushWritesTheLatestCursorAtStop) {
  cursor_file writer(path_, seconds(1));
  writer.update(100, t0_);
  writer.update(250, t0_ + milliseconds(10));
  ASSERT_EQ(cursor_file(path_).load(), 100);
  EXPECT_TRUE(writer.flush());
  EXPECT_EQ(cursor_file(path_).load(), 250);
}

TEST_F(CursorFileTest, FlushWithNothingNewWritesNothing) {
  cursor_file writer(path_);
  EXPECT_TRUE(writer.flush());
  EXPECT_FALSE(std::filesystem::exists(path_));
}

TEST_F(CursorFileTest, WriteLeavesNoTemporaryFileBehind) {
  cursor_file writer(path_);
  writer.update(42, t0_);
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(path_.parent_path())) ++files;
  EXPECT_EQ(files, 1u);
}

TEST_F(CursorFileTest, GarbageInTheFileIsNoCursor) {
  std::filesystem::create_directories(path_.parent_path());
  std::ofstream(path_) << "17137944x\n";
  EXPECT_EQ(cursor_file(path_).load(), std::nullopt);
  std::ofstream(path_) << "";
  EXPECT_EQ(cursor_file(path_).load(), std::nullopt);
  std::ofstream(path_) << "-5\n";
  EXPECT_EQ(cursor_file(path_).load(), std::nullopt);
}

TEST_F(CursorFileTest, UnwritableFolderReportsAnError) {
  std::filesystem::create_directories(dir_ / "blocked");
  // A file where the cursors folder should be: the write cannot succeed.
  std::ofstream(dir_ / "blocked" / "cursors") << "x";
  cursor_file writer(cursor_file::path_for(dir_ / "blocked", "summit", "jetstream"));
  EXPECT_FALSE(writer.update(5, t0_));
  EXPECT_FALSE(writer.error().empty());
}

TEST(RewindCursorTest, ResumesTwoSecondsEarlier) {
  EXPECT_EQ(rewind_cursor(1713794402220702), 1713794400220702);
  EXPECT_EQ(rewind_cursor(1'500'000), 0);
}

}  // namespace
}  // namespace companion::gateway
