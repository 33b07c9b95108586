// The not-before file: written by `companion tokens revoke`, read at start-up and
// picked up by the watch thread while the server runs; it only ever moves forward.
#include "gateway/process/revocation_watch.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

namespace companion::gateway {
namespace {

using namespace std::chrono_literals;

class RevocationWatchTest : public testing::Test {
 protected:
  RevocationWatchTest() {
    dir_ = std::filesystem::temp_directory_path() /
           ("companion-revocation-" + std::to_string(::getpid()) + "-" +
            testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  ~RevocationWatchTest() override { std::filesystem::remove_all(dir_); }

  void write_raw(std::string_view text) {
    std::ofstream(dir_ / "tokens-not-before.tmp") << text;
    std::filesystem::rename(dir_ / "tokens-not-before.tmp", dir_ / tokens_not_before_file);
  }

  // Waits (bounded) until the watch reports `expected`.
  static bool eventually(const revocation_watch& watch, session::millis expected) {
    for (auto deadline = std::chrono::steady_clock::now() + 5s; std::chrono::steady_clock::now() < deadline;
         std::this_thread::sleep_for(5ms))
      if (watch.not_before() == expected) return true;
    return false;
  }

  std::filesystem::path dir_;
};

TEST_F(RevocationWatchTest, NothingRevokedWithoutTheFile) {
  revocation_watch watch(dir_, 10ms);
  watch.load();
  EXPECT_EQ(watch.not_before(), 0);
}

TEST_F(RevocationWatchTest, WriteRoundsUpToTheNextSecondAndLoadReadsIt) {
  std::string error;
  const session::millis written = write_tokens_not_before(dir_, 1'713'790'800'250, error);
  EXPECT_TRUE(error.empty()) << error;
  EXPECT_EQ(written, 1'713'790'801'000);
  revocation_watch watch(dir_, 10ms);
  watch.load();
  EXPECT_EQ(watch.not_before(), 1'713'790'801'000);
}

TEST_F(RevocationWatchTest, TheRunningWatchPicksUpALaterRevocationButNeverGoesBack) {
  write_raw("1713790801\n");
  revocation_watch watch(dir_, 10ms);
  watch.load();
  watch.start();
  std::string error;
  write_tokens_not_before(dir_, 1'713'790'900'000, error);
  EXPECT_TRUE(eventually(watch, 1'713'790'901'000));
  // A restored older file, or garbage, leaves the later time in force.
  write_raw("1713790801\n");
  std::this_thread::sleep_for(100ms);
  write_raw("not a time\n");
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(watch.not_before(), 1'713'790'901'000);
  watch.stop();
}

TEST_F(RevocationWatchTest, WritingIntoAMissingFolderFailsWithAReason) {
  std::string error;
  EXPECT_EQ(write_tokens_not_before(dir_ / "missing", 1'713'790'800'000, error), 0);
  EXPECT_NE(error.find("cannot write"), std::string::npos) << error;
}

}  // namespace
}  // namespace companion::gateway
