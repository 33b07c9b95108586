#include "gateway/static_site.hpp"

#include <fstream>
#include <functional>
#include <iterator>

namespace companion::gateway {

std::string_view content_type_for(std::string_view extension) {
  if (extension == ".html") return "text/html; charset=utf-8";
  if (extension == ".js" || extension == ".mjs") return "text/javascript; charset=utf-8";
  if (extension == ".css") return "text/css; charset=utf-8";
  if (extension == ".svg") return "image/svg+xml";
  if (extension == ".png") return "image/png";
  if (extension == ".ico") return "image/x-icon";
  if (extension == ".json" || extension == ".webmanifest") return "application/json";
  if (extension == ".txt") return "text/plain; charset=utf-8";
  if (extension == ".woff2") return "font/woff2";
  return "application/octet-stream";
}

bool static_site::load(const std::filesystem::path& root, std::string& error) {
  std::error_code ec;
  if (!std::filesystem::is_directory(root, ec)) {
    error = "web client folder not found: " + root.string();
    return false;
  }
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root, ec)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    static_file file;
    file.body.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    file.content_type = content_type_for(entry.path().extension().string());
    file.etag = "\"" + std::to_string(std::hash<std::string>{}(file.body)) + "\"";
    std::string url = "/" + std::filesystem::relative(entry.path(), root).generic_string();
    files_.emplace(std::move(url), std::move(file));
  }
  return true;
}

const static_file* static_site::find(std::string_view path) const {
  // The pages have clean paths; everything else is served under its own name.
  if (path == "/" || path == "/index.html")
    path = "/index.html";
  else if (path == "/produce")
    path = "/produce.html";
  else if (path == "/moderate")
    path = "/moderate.html";
  else if (path == "/screen")
    path = "/screen.html";
  else if (path == "/timer")
    path = "/timer.html";
  auto it = files_.find(path);
  return it == files_.end() ? nullptr : &it->second;
}

}  // namespace companion::gateway
