#include "gateway/net/static_site.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>
#include <iterator>
#include <optional>
#include <vector>

#include "gateway/net/compression.hpp"

namespace companion::gateway {
namespace {

// 64 bits of SHA-256 name a file or the asset set: collisions are not a concern at the
// size of a web client, and shorter names keep the pages small.
constexpr std::size_t hash_hex_chars = 16;

std::string hex(const unsigned char* bytes, std::size_t count) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < count; ++i) {
    out += digits[bytes[i] >> 4];
    out += digits[bytes[i] & 15];
  }
  return out;
}

// SHA-256 over `parts` in order, as hex, cut to hash_hex_chars.
std::string short_hash(const std::vector<std::string_view>& parts) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  EVP_DigestInit_ex(context, EVP_sha256(), nullptr);
  for (std::string_view part : parts) EVP_DigestUpdate(context, part.data(), part.size());
  EVP_DigestFinal_ex(context, digest, &length);
  EVP_MD_CTX_free(context);
  return hex(digest, length).substr(0, hash_hex_chars);
}

bool is_compressible(std::string_view content_type) {
  return content_type.starts_with("text/") || content_type.starts_with("application/json") ||
         content_type.starts_with("image/svg+xml");
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return (x | 0x20) == (y | 0x20); });
}

// The identity and gzip representations of one file (Brotli comes later).
std::unique_ptr<static_file> make_file(std::string body, std::string_view extension, bool page) {
  auto file = std::make_unique<static_file>();
  file->content_type = content_type_for(extension);
  file->page = page;
  file->compressible = is_compressible(file->content_type);
  std::string tag = short_hash({body});
  if (file->compressible) {
    std::string compressed = gzip_compress(body);
    if (compressed.size() < body.size()) {  // else it saves nothing
      auto& slot = file->codings[static_cast<std::size_t>(content_coding::gzip)];
      slot.body = std::move(compressed);
      slot.etag = "\"" + tag + "-gz\"";
    }
  }
  auto& identity = file->codings[static_cast<std::size_t>(content_coding::identity)];
  identity.body = std::move(body);
  identity.etag = "\"" + tag + "\"";
  return file;
}

}  // namespace

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

double coding_quality(std::string_view accept_encoding, content_coding coding) {
  std::string_view name = coding == content_coding::br     ? "br"
                          : coding == content_coding::gzip ? "gzip"
                                                           : "identity";
  std::optional<double> exact, wildcard;
  while (!accept_encoding.empty()) {
    auto comma = accept_encoding.find(',');
    std::string_view element = accept_encoding.substr(0, comma);
    accept_encoding =
        comma == std::string_view::npos ? std::string_view() : accept_encoding.substr(comma + 1);
    auto semicolon = element.find(';');
    std::string_view token = trim(element.substr(0, semicolon));
    double q = 1.0;
    // Parameters: only q matters; a malformed q refuses the coding rather than guess.
    for (std::string_view params = semicolon == std::string_view::npos ? "" : element.substr(semicolon + 1);
         !params.empty();) {
      auto next = params.find(';');
      std::string_view param = trim(params.substr(0, next));
      params = next == std::string_view::npos ? std::string_view() : params.substr(next + 1);
      if (param.size() < 2 || (param[0] | 0x20) != 'q' || param[1] != '=') continue;
      std::string_view value = param.substr(2);
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), q);
      if (ec != std::errc() || end != value.data() + value.size() || q < 0 || q > 1) q = 0;
    }
    if (iequals(token, name) || (coding == content_coding::gzip && iequals(token, "x-gzip")))
      exact = exact ? std::max(*exact, q) : q;
    else if (token == "*")
      wildcard = q;
  }
  if (exact) return *exact;
  if (wildcard) return *wildcard;
  return coding == content_coding::identity ? 1.0 : 0.0;
}

bool static_file::has(content_coding coding) const {
  if (coding == content_coding::br) return br_ready.load(std::memory_order_acquire);
  return !representation(coding).etag.empty();
}

content_coding static_file::pick(std::string_view accept_encoding) const {
  // Any compressed coding the client accepts beats identity: the point is fewer bytes.
  // Among them the higher q wins, and on a tie the smaller (Brotli).
  content_coding best = content_coding::identity;
  double best_q = 0;
  for (content_coding coding : {content_coding::br, content_coding::gzip}) {
    if (!has(coding)) continue;
    double q = coding_quality(accept_encoding, coding);
    if (q > best_q) {
      best = coding;
      best_q = q;
    }
  }
  return best;
}

bool etag_matches(std::string_view if_none_match, std::string_view etag) {
  auto strong = [](std::string_view tag) { return tag.starts_with("W/") ? tag.substr(2) : tag; };
  if (trim(if_none_match) == "*") return true;
  while (!if_none_match.empty()) {
    auto comma = if_none_match.find(',');
    std::string_view candidate = trim(if_none_match.substr(0, comma));
    if_none_match = comma == std::string_view::npos ? std::string_view() : if_none_match.substr(comma + 1);
    if (!candidate.empty() && strong(candidate) == strong(etag)) return true;
  }
  return false;
}

std::string rewrite_asset_paths(std::string_view html, std::string_view prefix,
                                const std::function<bool(std::string_view)>& is_asset) {
  std::string out;
  out.reserve(html.size() + 256);
  for (std::size_t at = 0; at < html.size();) {
    char quote = html[at];
    if ((quote == '"' || quote == '\'') && at + 1 < html.size() && html[at + 1] == '/') {
      auto close = html.find(quote, at + 1);
      if (close != std::string_view::npos && is_asset(html.substr(at + 1, close - at - 1))) {
        out += quote;
        out += prefix;
        out += html.substr(at + 1, close - at);
        at = close + 1;
        continue;
      }
    }
    out += quote;
    ++at;
  }
  return out;
}

bool static_site::load(const std::filesystem::path& root, std::string& error) {
  std::error_code ec;
  if (!std::filesystem::is_directory(root, ec)) {
    error = "web client folder not found: " + root.string();
    return false;
  }
  std::map<std::string, std::string, std::less<>> assets, pages;  // url -> bytes, in url order
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root, ec)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::string url = "/" + std::filesystem::relative(entry.path(), root).generic_string();
    (entry.path().extension() == ".html" ? pages : assets).emplace(std::move(url), std::move(body));
  }
  // The asset folder is named by every asset's path and bytes: any change renames it.
  std::vector<std::string_view> parts;
  for (const auto& [url, body] : assets) {
    parts.push_back(url);
    parts.push_back(std::string_view("\0", 1));
    parts.push_back(body);
    parts.push_back(std::string_view("\0", 1));
  }
  asset_prefix_ = "/assets/" + short_hash(parts);
  auto is_asset = [&assets](std::string_view url) { return assets.find(url) != assets.end(); };
  for (auto& [url, body] : pages) {
    std::string extension = std::filesystem::path(url).extension().string();
    files_.emplace(url, make_file(rewrite_asset_paths(body, asset_prefix_, is_asset), extension, true));
  }
  for (auto& [url, body] : assets) {
    std::string extension = std::filesystem::path(url).extension().string();
    files_.emplace(url, make_file(std::move(body), extension, false));
  }
  brotli_thread_ = std::thread([this] { compress_brotli(); });
  return true;
}

void static_site::compress_brotli() {
  // Assets first, pages last: once every page has its Brotli version, everything has.
  for (bool pages : {false, true}) {
    for (auto& [url, file] : files_) {
      if (stopping_.load(std::memory_order_relaxed)) return;
      if (!file->compressible || file->page != pages) continue;
      const auto& identity = file->representation(content_coding::identity);
      std::string compressed = brotli_compress(identity.body);
      if (compressed.size() >= identity.body.size()) continue;
      auto& slot = file->codings[static_cast<std::size_t>(content_coding::br)];
      slot.body = std::move(compressed);
      slot.etag = identity.etag.substr(0, identity.etag.size() - 1) + "-br\"";
      // Publishes the slot: readers look at it only after seeing this flag.
      file->br_ready.store(true, std::memory_order_release);
    }
  }
}

void static_site::finish_compression() {
  if (brotli_thread_.joinable()) brotli_thread_.join();
}

static_site::~static_site() {
  stopping_.store(true, std::memory_order_relaxed);
  finish_compression();
}

static_route static_site::find(std::string_view path) const {
  std::string_view cache_control = revalidate;
  if (path.starts_with("/assets/")) {
    std::string_view rest = path.substr(8);
    auto slash = rest.find('/');
    if (slash == std::string_view::npos) return {};
    std::string_view hash = rest.substr(0, slash);
    if ("/assets/" + std::string(hash) == asset_prefix_) {
      cache_control = immutable;
    } else if (hash.size() != hash_hex_chars || !std::all_of(hash.begin(), hash.end(), [](char c) {
                 return std::isxdigit(c) && !std::isupper(c);
               })) {
      return {};
    }
    // A page of an earlier release names its own hash: it gets today's file, revalidated,
    // rather than a broken page, and nothing under that name is kept for long.
    path = rest.substr(slash);
    auto it = files_.find(path);
    if (it == files_.end() || it->second->page) return {};
    return {it->second.get(), cache_control};
  }
  // The pages have clean paths; everything else is served under its own name.
  bool viewer_page = path == "/" || path == "/index.html";
  if (viewer_page)
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
  if (it == files_.end()) return {};
  return {it->second.get(), cache_control, viewer_page};
}

}  // namespace companion::gateway
