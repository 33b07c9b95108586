// Every limit and timeout of the server in one place, each default with the
// reason for it. The command line fills this in; nothing else reads flags.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "gateway/protocol/client_address.hpp"

namespace companion::gateway {

// Sources named on the command line, for the default event; they replace the event file's.
struct source_overrides {
  std::optional<std::filesystem::path> replay_file;
  std::optional<double> replay_speed;
  std::optional<std::string> jetstream_url;
  std::optional<std::string> mastodon_url;
  std::optional<std::string> mastodon_token;
  std::optional<std::string> did_resolver_url;  // the Bluesky profile API; "" turns lookups off
  // A rehearsal (--rehearsal): the replay's time `file_ms` (the event file's start) is
  // played at `wall_ms` (the shifted start), so each post comes with the segment it talks
  // about, and is stamped with the time it is played.
  struct anchor {
    std::int64_t file_ms = 0;
    std::int64_t wall_ms = 0;
  };
  std::optional<anchor> replay_anchor;
};

struct server_config {
  std::string listen_address = "127.0.0.1";  // loopback unless asked: the consoles carry staff tokens
  std::uint16_t listen_port = 8080;
  std::filesystem::path data_dir = "data";
  std::vector<std::filesystem::path> event_files;
  std::filesystem::path web_root;  // the web-client folder
  std::string secret;              // HS256 key for tokens and viewer ids
  unsigned io_threads = 0;         // 0: one per core, so each core runs one shard
  // The default event's agenda moves on its own at this many times its planned pace
  // (--autopilot; 0: off, producers move it): a demo shows the show happen.
  double autopilot_speed = 0;
  // --rehearsal: each start of the server begins the default event from its prepared show
  // (a new epoch, as event.reset makes), so a rehearsal never starts from the last one's end.
  bool rehearsal = false;

  // Protocol limits (protocol.md).
  std::size_t max_frame_bytes = 16 * 1024;     // larger frames close with 1009
  std::chrono::seconds hello_timeout{10};      // no hello by then: closed
  std::chrono::seconds ping_interval{20};      // keeps NAT mappings and proxies open
  std::chrono::seconds idle_timeout{60};       // silent this long: closed
  std::chrono::seconds close_linger{2};        // after our close frame, the TCP close follows within this
  std::chrono::seconds slow_close_linger{30};  // ... except for 4008: the frame waits behind a full socket
  std::size_t max_queue_bytes = 256 * 1024;    // a viewer this far behind is closed with 4008
  std::size_t socket_send_buffer = 64 * 1024;  // SO_SNDBUF per WebSocket (the kernel doubles it)
  std::size_t max_queue_frames = 2048;         // ... or this many frames behind
  // Staff get every queue frame as well, so a burst of asks, ingest or bulk decisions
  // reaches each console many times over; they are few and signed in, so their consoles
  // get a deeper queue rather than a 4008 in the middle of moderating.
  std::size_t max_staff_queue_bytes = 4 * 1024 * 1024;
  std::size_t max_staff_queue_frames = 16384;
  // Broadcasts arriving closer together than this share one write per connection: one
  // send per frame per viewer costs ~3 us of kernel time; 25 ms adds little latency.
  std::chrono::milliseconds fanout_batch_interval{25};
  // A reconnecting client missing at most this many changes resumes without a snapshot.
  // Each event keeps them in memory (about 700 bytes each with the announcement-sized
  // frames of a typical show), so the default holds about 3 MiB: 20 minutes of a busy show.
  // Each change is held with its frame as sent (shared with every connection), so the
  // ring costs about twice the frames' bytes.
  std::size_t resume_window_changes = 4096;
  // A join or resume (welcome, snapshot, missed changes) is written as the socket drains,
  // exempt from the 4008 limits; it is taken from the shared frames this many bytes at a
  // time: about what the socket buffer takes, so a catch-up holds little of its own.
  std::size_t catch_up_chunk_bytes = 64 * 1024;
  // What a join sends, whatever the event's size; the rest is read with questions.page and
  // queue.page. About 250 bytes a question and 500 a post keep a snapshot near 40 KiB and a
  // queue.snapshot near 80 KiB even with 10,000 questions, far below max_queue_bytes.
  std::size_t snapshot_open_questions = 100;     // two screens of a phone, the top-voted first
  std::size_t snapshot_answered_questions = 50;  // the recently answered ones viewers look back at
  std::size_t queue_snapshot_items = 100;        // per kind: more than a moderator decides in minutes
  // A filtered or searched queue.page looks at no more than this many items, then answers
  // with what it found and a cursor to go on from: about 7 ms of a shard's time even on
  // the unoptimised build (docs/benchmarks.md, "Queue search"), so a search of a
  // 20,000-post queue never stalls the viewers on the same shard; the console asks
  // again until its page is full.
  std::size_t max_page_scan = 5000;

  // HTTP limits.
  std::chrono::seconds http_header_timeout{10};   // slowloris: a request's headers must arrive within this
  std::chrono::seconds http_body_timeout{20};     // and its body within this
  std::size_t max_http_header_bytes = 8 * 1024;   // no browser sends more to this server
  std::size_t max_http_body_bytes = 1024 * 1024;  // ingest batches above this are split by the sender (413)
  // HTTP connections (page loads, API calls, upgrades not yet done) in total: leaves most of
  // the descriptors to WebSockets, and one address cannot hold them all by trickling bytes.
  std::size_t max_http_connections = 10000;
  // ... and per address: a venue's browsers load the page over a few short-lived
  // connections each, so 1,000 viewers behind one NAT address fit well within it.
  std::size_t max_http_connections_per_ip = 1000;
  // After an answer that closes the connection (413, 431), the client's unread body is read
  // away so it sees the answer rather than a reset: at most this much, within this long in
  // total, however the bytes trickle.
  std::size_t http_drain_bytes = 64 * 1024;
  std::chrono::seconds http_drain_timeout{2};

  // Proxies (--trust-proxy). Only connections from these take their client address from
  // X-Forwarded-For or a PROXY v2 header; everyone else's such headers are ignored.
  trusted_proxies trust_proxy;
  std::size_t max_proxy_header_bytes = 1024;  // a PROXY v2 header with the usual TLVs is under 300 bytes

  // Access control.
  std::size_t max_connections_per_ip = 5000;  // a venue's whole audience may share one NAT address
  std::size_t max_unauthenticated = 20000;    // connections that have not said hello yet
  // ... and from one address: a venue's arrivals say hello within milliseconds, so 2,000 at
  // once is a crowd walking in; more is a few hosts holding idle sockets to shut others out.
  std::size_t max_unauthenticated_per_ip = 2000;
  // New viewer ids (a hello without a valid one) per address: each is one more vote on every
  // question. The burst lets 1,000 viewers behind one NAT address join at once; after it,
  // 300 a minute (one arrival every 200 ms) keeps a venue's stragglers joining while
  // connect-vote-disconnect loops get 300 extra votes a minute instead of 12,000.
  double ip_new_viewers_per_minute = 300;
  double ip_new_viewers_burst = 1000;
  // Questions one event takes, whatever their status; the next ask is `conflict`. A real
  // Q&A gets a few thousand; this keeps anonymous input from growing the state forever.
  std::size_t max_questions = 20'000;
  // Polls one event takes, drafts included; the next poll.create is `conflict`. A show runs a
  // few dozen, and every draft is in each staff console's queue snapshot.
  std::size_t max_polls = 200;
  // Posts one event keeps, in every state. A busy hashtag brings tens of thousands a day;
  // past this the oldest settled, then hidden approved, then held posts are forgotten.
  std::size_t max_posts = 100'000;
  // Times one viewer may vote on one question or take it back: vote, take back, vote again,
  // take back is a change of mind; past it each toggle would be one more journal record.
  std::size_t max_vote_changes = 4;
  // Each event's state is written as a snapshot every this many journal records, and a
  // start reads the newest one plus the journal after it: a restart replays at most this
  // many records (about a second on one core, docs/benchmarks.md "Start-up") however long
  // the event has run, and votes and ticks before the snapshot leave the journal.
  std::size_t snapshot_records = 20'000;
  // ... and this long after the last one while records arrive, so a quiet event's tail
  // stays short too. Building one takes the engine thread about 1 ms per 1,000 posts kept.
  std::chrono::seconds snapshot_interval{600};
  // Audit exports replay the whole journal on one thread; more requests than this waiting
  // are answered 503 rather than queued without end.
  std::size_t max_pending_exports = 4;
  // Addresses remembered by each per-address rate table; beyond it the least recently used
  // is forgotten (a fresh bucket is full), so a flood of addresses resets nobody else.
  std::size_t max_address_entries = 100'000;
  std::vector<std::string> allowed_origins;  // staff WebSocket origins; empty: the server's own origin only
  // Sites whose pages may frame the viewer page (--embed-origin, CSP frame-ancestors); empty:
  // no one, so a page of the event cannot be framed for clickjacking unless the organiser asks.
  std::vector<std::string> embed_origins;
  // Ranges that may read /metrics (--metrics-allow); empty: anyone, as a scraper on another
  // host is the usual setup and the figures carry no tokens or post text.
  std::vector<std::string> metrics_allow;
  std::int64_t token_leeway_ms = 30'000;  // clock skew tolerated on token expiry
  std::int64_t refreshed_token_ttl_ms =
      3'600'000;  // token.refresh: an hour, so a lost laptop's access ends soon
  // token.refresh chains end this long after their first token was issued: a stolen
  // console cannot keep renewing itself, and a day covers any event with its rehearsal.
  std::int64_t token_chain_limit_ms = 24 * 3'600'000;
  // How often the data folder's tokens-not-before file is looked at: a revocation reaches
  // the running server within this; a stat a second costs nothing.
  std::chrono::milliseconds revocation_poll{1000};

  // Rate limits (token buckets).
  double commands_per_second = 20;  // per connection, sustained; bursts up to the burst size
  double command_burst = 40;
  double staff_commands_per_second = 500;  // producers and moderators: a few people driving the show
  double staff_command_burst = 1000;
  // Questions: --questions-per-minute and --ip-questions-per-minute (raised to seed a big event).
  double questions_per_minute = 3;       // per connection
  double votes_per_minute = 60;          // per connection
  double ip_questions_per_minute = 600;  // per address: hundreds of viewers behind one NAT
  double ip_votes_per_minute = 12000;
  // Reactions (react) draw on their own budget, never the command budget: a tap every
  // 200 ms is a fast thumb, and 5 a second from each of 10,000 viewers is what the
  // fan-out is measured at (docs/benchmarks.md). What exceeds it is dropped, not refused.
  double reactions_per_second = 5;
  double reaction_burst = 5;  // a flurry of five taps at once, then the steady rate
  // Reactions counted reach every connection of the event once per window, as one frame:
  // two a second per connection however many arrive (protocol.md says 500 ms).
  std::chrono::milliseconds reaction_window{500};

  // TLS: both set serves https:// and wss:// (TLS 1.2+) on the listening port; neither, plain.
  std::filesystem::path tls_cert;  // PEM certificate chain
  std::filesystem::path tls_key;   // PEM private key

  // Logging.
  // Log text queued for stderr: ~4,000 lines, a few seconds of a slow journald at the worst
  // connect storm; beyond it lines are dropped (and counted) rather than stall serving.
  std::size_t log_queue_bytes = 1024 * 1024;
  // A clean stop writes what is queued, but a stderr nobody reads must not hold the exit.
  std::chrono::milliseconds log_flush_timeout{3000};

  // Durability.
  bool synchronous_full = true;  // fsync every group commit: an ack survives power loss too

  // Scale-out (--store, --role). An empty store_url keeps the journal in SQLite in the
  // data folder: one machine needs nothing else.
  std::string store_url;       // redis://HOST:PORT[/DB]
  std::string store_password;  // COMPANION_REDIS_PASSWORD, kept off the command line
  // A Redis reply slower than this counts as Redis down: a command fails (503) rather than
  // hang, and a loopback or same-zone Redis answers in well under a millisecond.
  std::chrono::milliseconds store_timeout{2000};
  enum class node_role { all, engine } role = node_role::all;
  // An engine that stopped renewing (crashed, paused, cut off) is replaced after this: short
  // enough for a takeover in a few seconds, three renewals long so one slow reply is no loss.
  std::chrono::milliseconds lease_ttl{3000};
  std::string lease_token;  // this process's name in the lease, set at start
};

}  // namespace companion::gateway
