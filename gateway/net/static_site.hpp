// The web client's files, read into memory and compressed once at start, so serving
// them never blocks an I/O thread on the disk or on a compressor: gzip while loading,
// Brotli (slower to make) on a thread of its own right after.
//
// Caching: every file but the pages is also served under a path named by the hash of
// the whole set of those files, /assets/<hash>/js/viewer.js, and the pages are
// rewritten to load them from there. Those answers never change, so browsers keep them
// for a year without asking again (immutable); ES modules import each other by
// relative path, so they resolve inside the same hashed folder. The pages themselves
// revalidate (ETag, 304) on every visit: a returning phone moves one 304, and a new
// release reaches it on its next visit because the page then names another hash.
#pragma once

#include <array>
#include <atomic>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

namespace companion::gateway {

// Content codings the server keeps files in; order is preference on a tie.
enum class content_coding { br, gzip, identity };
inline constexpr std::size_t content_coding_count = 3;

struct static_representation {
  std::string body;  // empty with a non-empty identity body: not kept (it saved nothing)
  std::string etag;  // strong, quoted; differs per coding
};

struct static_file {
  std::string content_type;
  std::array<static_representation, content_coding_count> codings;  // by content_coding
  bool compressible = false;                                        // text: answers vary by Accept-Encoding
  bool page = false;  // an HTML page: never served under the hashed asset folder
  // Brotli at its best quality takes about a second for the whole client, so it is made
  // by a background thread after start; until this is set, gzip is served instead.
  std::atomic<bool> br_ready{false};

  // Whether this file has `coding` now (identity always).
  bool has(content_coding coding) const;
  const static_representation& representation(content_coding coding) const {
    return codings[static_cast<std::size_t>(coding)];
  }
  // The compressed coding this file has that `accept_encoding` takes best, else identity.
  content_coding pick(std::string_view accept_encoding) const;
};

// What a request path resolves to: the file and how long it may be cached.
struct static_route {
  const static_file* file = nullptr;
  std::string_view cache_control;
  bool viewer_page = false;  // the one page --embed-origin lets other sites frame
};

class static_site {
 public:
  static constexpr std::string_view immutable = "public, max-age=31536000, immutable";
  static constexpr std::string_view revalidate = "no-cache";

  static_site() = default;
  static_site(const static_site&) = delete;
  static_site& operator=(const static_site&) = delete;
  ~static_site();  // stops the Brotli thread if it still runs

  // Loads every file under root and gzips the text ones; false with `error` when root
  // is missing. Brotli versions follow from a background thread, assets before pages.
  bool load(const std::filesystem::path& root, std::string& error);
  // Waits until every Brotli version is made (tests and benchmarks).
  void finish_compression();
  // A request path ("/", "/produce", "/js/viewer.js", "/assets/<hash>/js/viewer.js")
  // to its file and caching, or a null file.
  static_route find(std::string_view path) const;
  // The folder the pages load assets from: "/assets/<hash>".
  const std::string& asset_prefix() const { return asset_prefix_; }

 private:
  void compress_brotli();

  std::map<std::string, std::unique_ptr<static_file>, std::less<>> files_;  // fixed after load
  std::string asset_prefix_;
  std::thread brotli_thread_;
  std::atomic<bool> stopping_{false};
};

std::string_view content_type_for(std::string_view extension);

// The q-value `accept_encoding` gives `coding` (RFC 9110, section 12.5.3): 0 when
// refused or absent; identity is acceptable unless refused.
double coding_quality(std::string_view accept_encoding, content_coding coding);
// True when an If-None-Match value names `etag` (weak comparison) or is "*".
bool etag_matches(std::string_view if_none_match, std::string_view etag);
// `html` with every quoted attribute value that is exactly an asset's path
// ("/css/viewer.css") moved under `prefix`. Other text is left alone.
std::string rewrite_asset_paths(std::string_view html, std::string_view prefix,
                                const std::function<bool(std::string_view)>& is_asset);

}  // namespace companion::gateway
