// The log writer: producers never wait for a stalled stderr (here a pipe nobody reads);
// what does not fit is dropped and counted; a stop writes what is queued, or gives up
// after its deadline when the output never drains.
#include "gateway/process/log_writer.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <csignal>
#include <sstream>
#include <string>
#include <vector>

namespace companion::gateway {
namespace {

using std::chrono::milliseconds;

std::string says_dropped(std::uint64_t lines) {
  return "dropped " + std::to_string(lines) + "\n";
}

class LogWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::signal(SIGPIPE, SIG_IGN);
    ASSERT_EQ(::pipe(fds_), 0);
  }
  void TearDown() override {
    for (int fd : fds_)
      if (fd >= 0) ::close(fd);
  }

  // Reads what the pipe holds now, without waiting for more.
  std::string drain() {
    std::string text;
    int flags = ::fcntl(fds_[0], F_GETFL);
    ::fcntl(fds_[0], F_SETFL, flags | O_NONBLOCK);
    char buffer[65536];
    for (ssize_t n; (n = ::read(fds_[0], buffer, sizeof buffer)) > 0;) text.append(buffer, n);
    ::fcntl(fds_[0], F_SETFL, flags);
    return text;
  }

  int fds_[2] = {-1, -1};
  log_counters counters_;
};

TEST_F(LogWriterTest, QueuedLinesReachTheOutputInOrderAndStopWritesTheRest) {
  log_writer writer(fds_[1], 64 * 1024, counters_, says_dropped);
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(writer.push("line " + std::to_string(i) + "\n"));
  EXPECT_TRUE(writer.stop(milliseconds(5000)));
  std::string expected;
  for (int i = 0; i < 100; ++i) expected += "line " + std::to_string(i) + "\n";
  EXPECT_EQ(drain(), expected);
  EXPECT_EQ(counters_.written.load(), 100u);
  EXPECT_EQ(counters_.dropped.load(), 0u);
}

TEST_F(LogWriterTest, StalledOutputDropsAndCountsInsteadOfBlockingProducers) {
  log_writer writer(fds_[1], 8 * 1024, counters_, says_dropped);
  // 400 KiB of lines: far beyond the pipe (64 KiB) and the queue (8 KiB). Every push returns.
  const std::string line(99, 'x');
  std::size_t accepted = 0;
  for (int i = 0; i < 4096; ++i) accepted += writer.push(line + "\n") ? 1 : 0;
  EXPECT_LT(accepted, 4096u);
  EXPECT_EQ(counters_.dropped.load(), 4096u - accepted);

  // Once the output drains, the writer says how many lines it lost, then takes new ones.
  std::string seen;
  std::thread reader([&] {
    char buffer[65536];
    for (ssize_t n; (n = ::read(fds_[0], buffer, sizeof buffer)) > 0;) seen.append(buffer, n);
  });
  EXPECT_TRUE(writer.push("after the stall\n"));
  EXPECT_TRUE(writer.stop(milliseconds(5000)));
  ::close(fds_[1]);
  fds_[1] = ::open("/dev/null", O_WRONLY);
  reader.join();
  // Every drop is told (in one notice or several, as the writer caught up), and every
  // accepted line is written, the last one last.
  std::uint64_t told = 0;
  std::vector<std::string> lines;
  std::istringstream in(seen);
  for (std::string text; std::getline(in, text);) {
    if (text.starts_with("dropped "))
      told += std::stoull(text.substr(8));
    else
      lines.push_back(text);
  }
  EXPECT_EQ(told, 4096u - accepted);
  ASSERT_EQ(lines.size(), accepted + 1);
  EXPECT_EQ(lines.back(), "after the stall");
  EXPECT_EQ(counters_.written.load(), accepted + 1);
}

TEST_F(LogWriterTest, StopGivesUpAfterItsDeadlineWhenTheOutputNeverDrains) {
  // Left to the process, as the server leaves it: the writer, its counters and its
  // descriptor, since the thread stays blocked in write(2) after stop gives up.
  static log_counters counters;
  static log_writer* stalled = nullptr;
  stalled = new log_writer(fds_[1], 256 * 1024, counters, says_dropped);
  fds_[1] = -1;
  const std::string line(1023, 'y');
  for (int i = 0; i < 128; ++i) stalled->push(line + "\n");
  auto started = std::chrono::steady_clock::now();
  EXPECT_FALSE(stalled->stop(milliseconds(200)));
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2));
  EXPECT_FALSE(stalled->push("after stop\n"));
  // Closing the read end breaks the pipe, which ends the blocked write.
  ::close(fds_[0]);
  fds_[0] = -1;
}

}  // namespace
}  // namespace companion::gateway
