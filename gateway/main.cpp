// The `companion` executable: parses the command line, loads the event files,
// wires store, engines and shards together, and runs until told to stop.
#include <atomic>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <thread>

#include "gateway/cli.hpp"
#include "gateway/process/clock.hpp"
#include "gateway/process/log.hpp"
#include "gateway/process/revocation_watch.hpp"
#include "gateway/process/zoneinfo.hpp"
#include "gateway/protocol/jwt.hpp"
#include "gateway/server.hpp"
#include "gateway/store/engine_lease.hpp"
#include "gateway/store/journal_upgrade.hpp"
#include "gateway/store/open_store.hpp"
#include "gateway/store/redis_store.hpp"
#include "gateway/store/redis_url.hpp"
#include "session/event_definition.hpp"

#ifndef COMPANION_DEFAULT_EVENT
#define COMPANION_DEFAULT_EVENT "events/nato-indo-pacific-2024.json"
#endif

namespace {

using namespace companion;

bool load_events(const std::vector<std::filesystem::path>& files,
                 std::vector<session::event_definition>& events) {
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      std::cerr << "companion: " << file.string() << ": cannot read the event file\n";
      return false;
    }
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto result = session::parse_event_definition(text, file.string());
    if (auto* error = std::get_if<session::event_load_error>(&result)) {
      std::cerr << "companion: " << error->message() << "\n";
      return false;
    }
    auto& definition = std::get<session::event_definition>(result);
    if (!gateway::time_zone_exists(definition.time_zone)) {
      std::cerr << "companion: " << file.string() << ": time_zone: \"" << definition.time_zone
                << "\" is not in the time zone database (expected an IANA name such as America/New_York)\n";
      return false;
    }
    for (const auto& known : events)
      if (known.id == definition.id) {
        std::cerr << "companion: " << file.string() << ": id: event \"" << definition.id
                  << "\" is already loaded\n";
        return false;
      }
    events.push_back(std::move(definition));
  }
  return true;
}

// Set by SIGINT or SIGTERM while an engine stands by (the server's own handler takes over
// once it runs).
std::atomic<bool> standby_cancelled{false};
// Set when an active engine found another holding its lease: it stops and says so.
std::atomic<bool> lease_lost{false};

// --role engine: waits, printing `engine standby`, until this process holds the engine
// lease, then prints `engine active` and keeps renewing it. Null when told to stop first.
std::unique_ptr<gateway::engine_lease> hold_engine_lease(gateway::server_config& config) {
  std::string error;
  auto address = gateway::parse_redis_url(config.store_url, error);
  address->password = config.store_password;
  config.lease_token = gateway::make_lease_token();
  auto lease = std::make_unique<gateway::engine_lease>(*address, config.store_timeout,
                                                       gateway::redis_store::lease_key("companion:"),
                                                       config.lease_token, config.lease_ttl);
  auto on_signal = [](int) { standby_cancelled = true; };
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  const bool held = lease->acquire(
      standby_cancelled,
      [](const std::string& holder) {
        std::cout << "engine standby: the engine lease is held by " << holder << "\n" << std::flush;
        gateway::log_event("engine_standby", {{"holder", holder}});
      },
      [](const std::string& why) {
        gateway::log_event("lease_unreachable", {{"why", why}});
      });
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  if (!held) return nullptr;
  std::cout << "engine active (lease " << config.lease_token << ")\n" << std::flush;
  gateway::log_event("engine_active", {{"lease", config.lease_token}});
  lease->keep([](const std::string& holder) {
    // Its appends are refused from now on (the journal checks the holder): stop serving
    // a state that can no longer change, and let a supervisor start it again as a standby.
    gateway::log_event("lease_lost", {{"holder", holder}});
    std::cerr << "companion: the engine lease is now held by " << holder << "; stopping\n";
    lease_lost = true;
    std::raise(SIGTERM);
  });
  return lease;
}

int serve(const std::vector<std::string>& args) {
  for (const auto& arg : args)
    if (arg == "--help" || arg == "-h") {
      std::cout << gateway::serve_help;
      return 0;
    }
  gateway::serve_request request;
  if (std::string error = gateway::parse_serve_args(args, request); !error.empty()) {
    std::cerr << "companion serve: " << error << "\n";
    return 2;
  }
  gateway::set_log_format(request.json_logs ? gateway::log_format::json : gateway::log_format::text);
  gateway::set_log_quiet(request.quiet);
  gateway::set_log_level(request.debug_logs ? gateway::log_level::debug : gateway::log_level::info);
  auto& config = request.config;
  gateway::start_log_writer(config.log_queue_bytes);
  // Every way out of serve() writes what is queued first (bounded: stderr may be stalled).
  struct flush_on_exit {
    std::chrono::milliseconds deadline;
    ~flush_on_exit() { gateway::stop_log_writer(deadline); }
  } flush{config.log_flush_timeout};
  if (config.event_files.empty()) config.event_files.emplace_back(COMPANION_DEFAULT_EVENT);

  std::string error;
  config.secret = gateway::load_secret(request.secret_file, config.data_dir, error);
  if (!error.empty()) {
    std::cerr << "companion: " << error << "\n";
    return 1;
  }
  std::vector<session::event_definition> events;
  if (!load_events(config.event_files, events)) return 1;
  std::string default_event = events.front().id;
  if (request.rehearsal_lead_ms) {
    // A rehearsal runs the event as if it began shortly: the schedule moves, the file does not.
    auto& show = events.front();
    const session::millis begins = gateway::wall_clock_ms() + *request.rehearsal_lead_ms;
    request.sources.replay_anchor = gateway::source_overrides::anchor{show.starts_at, begins};
    show.starts_at = begins;
    config.rehearsal = true;
  }

  if (const char* password = std::getenv("COMPANION_REDIS_PASSWORD")) config.store_password = password;
  std::unique_ptr<gateway::engine_lease> lease;
  if (config.role == gateway::server_config::node_role::engine) {
    lease = hold_engine_lease(config);
    if (!lease) return 0;
  }

  gateway::server server(config);
  server.set_lease(lease.get());
  if (!server.prepare(std::move(events), request.sources, error)) {
    std::cerr << "companion: " << error << "\n";
    return 1;
  }
  auto endpoint = server.local_endpoint();
  std::string host = endpoint.address().is_unspecified() ? "127.0.0.1" : endpoint.address().to_string();
  if (endpoint.address().is_v6()) host = "[" + host + "]";
  std::string base =
      (config.tls_cert.empty() ? "http://" : "https://") + host + ":" + std::to_string(endpoint.port());
  // Each console link is signed with its role's own subject, so decisions made through
  // it are told apart in audit.csv even before people get links of their own.
  auto console_token = [&](session::role role) {
    const session::millis now = gateway::wall_clock_ms();
    const std::string& subject =
        role == session::role::producer ? request.producer_subject : request.moderator_subject;
    return gateway::sign_token({subject, role, default_event, now + 8 * 3600 * 1000, now, now},
                               config.secret);
  };
  std::cout << "listening on " << base << "\n"
            << "  viewer page:       " << base << "/\n"
            << "  producer console:  " << base << "/produce#token=" << console_token(session::role::producer)
            << "\n"
            << "  moderator console: " << base
            << "/moderate#token=" << console_token(session::role::moderator) << "\n"
            << "  on-screen overlay: " << base << "/screen?event=" << default_event << "\n"
            << "  stage timer:       " << base << "/timer?event=" << default_event << "\n"
            << "  The console links above are signed \"" << request.producer_subject << "\" and \""
            << request.moderator_subject << "\" (--producer-subject, --moderator-subject).\n"
            << "  Give each person a link of their own, so their name is recorded with every decision\n"
            << "  and shown on their console:\n"
            << "    companion token --role moderator --subject \"Ana Ruiz\" --event " << default_event
            << " --data " << config.data_dir.string() << "\n"
            << "    then send them " << base << "/moderate#token=<the printed token> (producers: /produce)\n"
            << std::flush;
  int code = server.run();
  // Given up at once on a clean stop, so that a standby need not wait for it to lapse.
  if (lease) lease->release();
  return lease_lost ? 1 : code;
}

int token(const std::vector<std::string>& args) {
  for (const auto& arg : args)
    if (arg == "--help" || arg == "-h") {
      std::cout << gateway::token_help;
      return 0;
    }
  gateway::token_request request;
  if (std::string error = gateway::parse_token_args(args, request); !error.empty()) {
    std::cerr << "companion token: " << error << "\n";
    return 2;
  }
  if (request.event.empty()) {
    // A token names one event unless '*' is asked for: a leaked token then reaches one event.
    std::vector<session::event_definition> events;
    if (!load_events({request.event_file.value_or(COMPANION_DEFAULT_EVENT)}, events)) {
      std::cerr << "companion token: name the event with --event ID (or --event-file FILE)\n";
      return 1;
    }
    request.event = events.front().id;
  }
  std::string error;
  std::string secret = gateway::load_secret(request.secret_file, request.data_dir, error);
  if (!error.empty()) {
    std::cerr << "companion: " << error << "\n";
    return 1;
  }
  const session::millis now = gateway::wall_clock_ms();
  std::cout << gateway::sign_token(
                   {request.subject, request.role, request.event, now + request.ttl_ms, now, now}, secret)
            << "\n";
  return 0;
}

// `companion tokens revoke`: every token issued until now stops working, on a running
// server within a second (it watches the data folder) and on every later start.
int tokens(const std::vector<std::string>& args) {
  for (const auto& arg : args)
    if (arg == "--help" || arg == "-h") {
      std::cout << gateway::tokens_help;
      return 0;
    }
  std::filesystem::path data_dir = "data";
  if (std::string error = gateway::parse_tokens_args(args, data_dir); !error.empty()) {
    std::cerr << "companion tokens: " << error << "\n";
    return 2;
  }
  std::string error;
  const session::millis not_before =
      gateway::write_tokens_not_before(data_dir, gateway::wall_clock_ms(), error);
  if (not_before == 0) {
    std::cerr << "companion tokens: " << error << "\n";
    return 1;
  }
  // Tokens carry their issue time in whole seconds: wait for the not-before second, so a
  // token made after this command returns is never mistaken for a revoked one.
  while (gateway::wall_clock_ms() < not_before)
    std::this_thread::sleep_for(std::chrono::milliseconds(not_before - gateway::wall_clock_ms()));
  std::cout << "tokens issued before " << not_before / 1000
            << " (seconds since the epoch) are refused; a running server closes their connections within a "
               "second\n";
  return 0;
}

// `companion journal upgrade`: a new epoch from what this build reads of a journal it
// would refuse at startup. Runs with the server stopped.
int journal(const std::vector<std::string>& args) {
  for (const auto& arg : args)
    if (arg == "--help" || arg == "-h") {
      std::cout << gateway::journal_help;
      return 0;
    }
  gateway::journal_request request;
  if (std::string error = gateway::parse_journal_args(args, request); !error.empty()) {
    std::cerr << "companion journal: " << error << "\n";
    return 2;
  }
  gateway::server_config config;
  config.data_dir = request.data_dir;
  std::string error;
  auto store = gateway::open_store(config, error);
  gateway::upgrade_report report;
  if (!store || !gateway::upgrade_journal(*store, request.event, report, error)) {
    std::cerr << "companion journal: " << error << "\n";
    return 1;
  }
  if (report.new_epoch.empty()) {
    std::cout << "the journal of event " << request.event << " (epoch " << report.old_epoch << ", "
              << report.kept << " records) replays with this build as it is: nothing to upgrade\n";
    return 0;
  }
  std::cout << "event " << request.event << ": new epoch " << report.new_epoch << " (was " << report.old_epoch
            << "); the first record this build could not replay as it was: " << report.first_problem << "\n"
            << "  " << report.kept << " records kept as they were, " << report.restamped
            << " of a newer format now read by this build's rules, " << report.left_out
            << " left out (no rules for them in this build)\n"
            << "  the old journal stays in " << (request.data_dir / "companion.db").string()
            << " (table journal_archive); clients get a fresh snapshot of the new epoch when they resume\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    std::cerr << gateway::main_help;
    return 2;
  }
  std::string command = args.front();
  args.erase(args.begin());
  if (command == "--help" || command == "-h" || command == "help") {
    std::cout << gateway::main_help;
    return 0;
  }
  if (command == "serve") return serve(args);
  if (command == "token") return token(args);
  if (command == "tokens") return tokens(args);
  if (command == "journal") return journal(args);
  std::cerr << "companion: unknown command '" << command << "' (see companion --help)\n";
  return 2;
}
