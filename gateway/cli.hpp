// The `companion` command line: `serve`, `token`, `tokens`, `journal` and `--help`, parsed into
// plain values. Nothing here starts a server.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "gateway/config.hpp"
#include "session/types.hpp"

namespace companion::gateway {

struct token_request {
  session::role role = session::role::producer;
  std::string event;  // empty: the id of `event_file`; "*" only when asked for
  std::optional<std::filesystem::path> event_file;
  std::int64_t ttl_ms = 8 * 3600 * 1000;
  std::string subject = "staff";
  std::filesystem::path data_dir = "data";
  std::optional<std::filesystem::path> secret_file;
};

struct serve_request {
  server_config config;
  source_overrides sources;
  std::optional<std::filesystem::path> secret_file;
  bool json_logs = false;
  bool debug_logs = false;  // --log-level debug
  bool quiet = false;
  // Who the console links printed at start are signed as: what the consoles show and
  // audit.csv records for decisions made through them.
  std::string producer_subject = "producer-console";
  std::string moderator_subject = "moderator-console";
  // --rehearsal: the default event starts this long after the server does (its file's
  // start time is left as it is); none for a show.
  std::optional<std::int64_t> rehearsal_lead_ms;
};

// `journal upgrade --data DIR --event ID`.
struct journal_request {
  std::filesystem::path data_dir = "data";
  std::string event;
};

// Parses "8h", "30m", "90s", "2d" or plain seconds into milliseconds.
std::optional<std::int64_t> parse_duration_ms(std::string_view text);
// "ADDR:PORT" or "[v6]:PORT".
bool parse_listen(std::string_view text, std::string& address, std::uint16_t& port);

// Each returns an error message, empty on success.
std::string parse_serve_args(const std::vector<std::string>& args, serve_request& out);
std::string parse_token_args(const std::vector<std::string>& args, token_request& out);
// `tokens revoke [--data DIR]`.
std::string parse_tokens_args(const std::vector<std::string>& args, std::filesystem::path& data_dir);

std::string parse_journal_args(const std::vector<std::string>& args, journal_request& out);

// The secret from --secret-file, COMPANION_SECRET, or data_dir/secret (created 0600 on first use).
std::string load_secret(const std::optional<std::filesystem::path>& secret_file,
                        const std::filesystem::path& data_dir, std::string& error);

extern const char* const main_help;
extern const char* const serve_help;
extern const char* const token_help;
extern const char* const tokens_help;
extern const char* const journal_help;

}  // namespace companion::gateway
