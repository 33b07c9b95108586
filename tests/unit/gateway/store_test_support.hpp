// What the store tests share: a temporary folder, records, and appends waited for.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <future>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "session/journal_store.hpp"

namespace companion::gateway {

using session::append_outcome;
using session::journal_entry;
using session::stored_record;

class temp_folder {
 public:
  temp_folder() {
    path_ = std::filesystem::temp_directory_path() /
            ("companion-store-" + std::to_string(::getpid()) + "-" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(path_);
  }
  ~temp_folder() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline std::vector<journal_entry> records_of(std::initializer_list<std::string> texts) {
  std::vector<journal_entry> out;
  for (const auto& text : texts) out.push_back({3, text});
  return out;
}

// Appends and waits for the outcome.
inline append_outcome append_and_wait(session::journal_store& store, const std::string& event,
                                      std::uint64_t position, std::vector<journal_entry> records) {
  std::promise<append_outcome> done;
  auto outcome = done.get_future();
  store.append(event, position, std::move(records), [&](const append_outcome& o) { done.set_value(o); });
  return outcome.get();
}

inline std::vector<stored_record> read_all(session::journal_store& store, const std::string& event,
                                           std::uint64_t from = 1) {
  std::vector<stored_record> out;
  std::string error;
  EXPECT_TRUE(store.read(event, from, out, error)) << error;
  return out;
}

}  // namespace companion::gateway
