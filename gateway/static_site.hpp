// The web client's files, read into memory once at start so serving them never
// blocks an I/O thread on the disk.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>

namespace companion::gateway {

struct static_file {
  std::string body;
  std::string content_type;
  std::string etag;
};

class static_site {
 public:
  // Loads every file under root; false with `error` when root is missing.
  bool load(const std::filesystem::path& root, std::string& error);
  // A request path ("/", "/produce", "/js/viewer.js") to its file, or null.
  const static_file* find(std::string_view path) const;

 private:
  std::map<std::string, static_file, std::less<>> files_;
};

std::string_view content_type_for(std::string_view extension);

}  // namespace companion::gateway
