#include "gateway/net/ws_connection.hpp"
#include "gateway/process/clock.hpp"

#include <boost/asio/write.hpp>
#include <boost/json/serialize.hpp>

#include "gateway/engine/engine_host.hpp"
#include "gateway/net/connection_errors.hpp"
#include "gateway/net/shard.hpp"
#include "gateway/net/shard_services.hpp"
#include "gateway/process/log.hpp"
#include "gateway/protocol/jwt.hpp"
#include "gateway/protocol/viewer_id.hpp"
#include "gateway/protocol/ws_frame_writer.hpp"
#include "session/frames.hpp"

namespace companion::gateway {
namespace {

std::atomic<std::uint64_t> next_connection_id{1};

server_metrics::counter& role_gauge(server_metrics& m, session::role r) {
  switch (r) {
    case session::role::moderator:
      return m.connections_moderator;
    case session::role::producer:
      return m.connections_producer;
    default:
      return m.connections_viewer;
  }
}

}  // namespace

ws_connection::ws_connection(shard& home, tcp::socket socket, std::string early_bytes, client_info client)
    : id(next_connection_id.fetch_add(1, std::memory_order_relaxed)),
      home_(home),
      socket_(std::move(socket)),
      client_(std::move(client)),
      parser_(home.owner().config().max_frame_bytes),
      early_bytes_(std::move(early_bytes)) {
  const server_config& config = home.owner().config();
  commands_ = token_bucket(config.commands_per_second, config.command_burst);
  staff_commands_ = token_bucket(config.staff_commands_per_second, config.staff_command_burst);
  questions_ = token_bucket(config.questions_per_minute / 60.0, config.questions_per_minute);
  votes_ = token_bucket(config.votes_per_minute / 60.0, config.votes_per_minute / 4);
  reactions_ = token_bucket(config.reactions_per_second, config.reaction_burst);
  opened_at_ = last_read_ = last_ping_ = steady_clock::now();
}

ws_connection::ws_connection(shard& home, std::unique_ptr<net::ssl::stream<tcp::socket>> tls,
                             std::string early_bytes, client_info client)
    : ws_connection(home, tcp::socket(tls->get_executor()), std::move(early_bytes), std::move(client)) {
  tls_ = std::move(tls);
  // One TLS record carries at most 16 KiB of plaintext, so a read never returns more.
  tls_read_buffer_.resize(16 * 1024);
}

ws_connection::~ws_connection() {
  server_metrics& m = home_.owner().metrics();
  if (joined()) server_metrics::sub(role_gauge(m, role_));
  if (!joined()) {
    server_metrics::sub(m.connections_unauthenticated);
    home_.owner().unauthenticated().fetch_sub(1, std::memory_order_relaxed);
  }
  server_metrics::sub(m.connections_total);
  home_.leave(this);
  home_.forget(this);
  if (address_counted_) home_.owner().connection_limits().release(client_.address);
  release_unauthenticated_slot();
}

void ws_connection::release_unauthenticated_slot() {
  if (!unauthenticated_counted_) return;
  unauthenticated_counted_ = false;
  home_.owner().unauthenticated_limits().release(client_.address);
}

void ws_connection::start() {
  boost::system::error_code ec;
  if (!tls_) socket_.non_blocking(true, ec);
  socket().set_option(tcp::no_delay(true), ec);
  // A fixed send buffer keeps kernel memory per viewer bounded (autotuning grows it to
  // megabytes) and lets a viewer that stopped reading reach the 4008 limit in seconds.
  socket().set_option(
      net::socket_base::send_buffer_size(static_cast<int>(home_.owner().config().socket_send_buffer)), ec);
  home_.adopt(this);
  server_metrics& m = home_.owner().metrics();
  server_metrics::add(m.connections_total);
  server_metrics::add(m.connections_unauthenticated);
  home_.owner().unauthenticated().fetch_add(1, std::memory_order_relaxed);
  if (!early_bytes_.empty()) {
    std::string early = std::move(early_bytes_);
    early_bytes_ = {};
    consume(early);
  }
  flush();
  if (terminated_) return;
  if (tls_)
    read_tls();
  else
    wait_readable();
}

void ws_connection::read_tls() {
  tls_->async_read_some(net::buffer(tls_read_buffer_),
                        [self = shared_from_this()](const boost::system::error_code& ec, std::size_t n) {
                          self->on_tls_read(ec, n);
                        });
}

void ws_connection::on_tls_read(const boost::system::error_code& ec, std::size_t n) {
  if (ec) fail(ec, "read");
  if (ec || terminated_) return terminate();
  last_read_ = steady_clock::now();
  home_.count_in(n);
  if (!closing_) consume(std::string_view(tls_read_buffer_.data(), n));
  if (terminated_) return;
  flush();
  if (!terminated_) read_tls();
}

void ws_connection::wait_readable() {
  socket_.async_wait(
      tcp::socket::wait_read,
      [self = shared_from_this()](const boost::system::error_code& ec) { self->on_readable(ec); });
}

void ws_connection::on_readable(const boost::system::error_code& ec) {
  if (ec) fail(ec, "read");
  if (ec || terminated_) return terminate();
  char* buffer = home_.read_buffer();
  const std::size_t capacity = home_.read_buffer_size();
  // Bounded: one busy client must not starve the others on this shard.
  for (int rounds = 0; rounds < 4; ++rounds) {
    boost::system::error_code read_ec;
    std::size_t n = socket_.read_some(net::buffer(buffer, capacity), read_ec);
    if (read_ec == net::error::would_block || read_ec == net::error::try_again) break;
    if (read_ec) {
      fail(read_ec, "read");
      return terminate();
    }
    last_read_ = steady_clock::now();
    home_.count_in(n);
    if (!closing_) consume(std::string_view(buffer, n));
    if (terminated_) return;
    if (n < capacity) break;
  }
  flush();
  if (!terminated_) wait_readable();
}

void ws_connection::consume(std::string_view input) {
  while (!input.empty() && !closing_) {
    auto result = parser_.parse(input, message_);
    if (result == ws_frame_parser::result::error) {
      server_metrics::add(home_.owner().metrics().protocol_closes);
      if (!terminated_)
        connection_failed(connection_side::websocket, "frame", parser_.error_reason(),
                          {{"conn", std::to_string(id)}, {"addr", client_.address}});
      close(parser_.error_close_code(), parser_.error_reason());
      return;
    }
    if (result == ws_frame_parser::result::need_more) return;
    handle_message(message_);
  }
}

void ws_connection::handle_message(ws_message& message) {
  switch (message.opcode) {
    case ws_opcode::text:
      home_.count_frame_in();
      handle_command(message.payload);
      break;
    case ws_opcode::binary:
      home_.count_frame_in();
      reply_error(nullptr, session::error_code::bad_request,
                  "binary frames are not supported; send JSON text");
      break;
    case ws_opcode::ping:
      send(std::make_shared<const std::string>(make_frame(ws_opcode::pong, message.payload)));
      break;
    case ws_opcode::close: {
      // Echo the peer's code, as RFC 6455 asks, then close.
      std::uint16_t code = message.close_code == 1005 ? 1000 : message.close_code;
      close(code, "");
      break;
    }
    default:
      break;
  }
}

void ws_connection::reply_error(const boost::json::value& command_id, session::error_code code,
                                std::string_view message) {
  if (code == session::error_code::bad_request) server_metrics::add(home_.owner().metrics().bad_requests);
  if (code == session::error_code::rate_limited) server_metrics::add(home_.owner().metrics().rate_limited);
  send_text(session::error_frame(command_id, code, message));
}

bool ws_connection::check_rate(const boost::json::value& command_id, session::rate_class rate) {
  // Reactions have their own limit, checked where they are counted.
  if (rate == session::rate_class::reaction) return true;
  shard_services& owner = home_.owner();
  auto now = steady_clock::now();
  long retry_ms = 0;
  // Staff drive the show and are few: their budget is far larger than a viewer's.
  bool allowed = is_staff() ? staff_commands_.take(now, retry_ms) : commands_.take(now, retry_ms);
  if (allowed && rate == session::rate_class::question)
    allowed =
        questions_.take(now, retry_ms) && owner.address_questions().take(client_.address, now, retry_ms);
  if (allowed && rate == session::rate_class::vote)
    allowed = votes_.take(now, retry_ms) && owner.address_votes().take(client_.address, now, retry_ms);
  if (allowed) return true;
  boost::json::object frame{{"type", "error"},
                            {"id", command_id},
                            {"code", "rate_limited"},
                            {"message", "too many requests; retry in " + std::to_string(retry_ms) + " ms"},
                            {"retry_after_ms", retry_ms}};
  server_metrics::add(owner.metrics().rate_limited);
  send_text(boost::json::serialize(frame));
  return false;
}

void ws_connection::handle_command(std::string_view text) {
  client_message message;
  session::decode_failure failure;
  if (!home_.decoder().decode(text, message, failure)) {
    reply_error(failure.id, session::error_code::bad_request, failure.message);
    return;
  }
  server_metrics::add(home_.owner().metrics().commands);
  const auto* command = std::get_if<session::command_body>(&message.body);
  if (!check_rate(message.id, command ? session::info(*command).rate : session::rate_class::general)) return;
  std::visit([&](auto& body) { handle(body, message.id); }, message.body);
}

void ws_connection::handle(ping&, const boost::json::value& command_id) {
  send_text(session::pong_frame(command_id, wall_clock_ms()));
}

bool ws_connection::check_joined(const boost::json::value& command_id) {
  if (joined()) return true;
  reply_error(command_id, session::error_code::unauthorized, "send hello first");
  return false;
}

void ws_connection::handle(token_refresh& refresh, const boost::json::value& command_id) {
  if (!check_joined(command_id)) return;
  shard_services& owner = home_.owner();
  if (!session::role_allows(role_, required_role(refresh))) {
    reply_error(command_id, session::error_code::forbidden,
                std::string(session::to_string(required_role(refresh))) + " role required");
    return;
  }
  // A fresh token with the same subject, role and event, within the chain's lifetime.
  token_claims current{
      subject_, role_, owner.event_id(event_), token_expires_at_, token_issued_at_, token_chain_started_at_};
  auto next = refreshed_claims(current, wall_clock_ms(), owner.config().refreshed_token_ttl_ms,
                               owner.config().token_chain_limit_ms);
  if (!next) {
    server_metrics::add(owner.metrics().token_refresh_refused);
    reply_error(command_id, session::error_code::unauthorized,
                "this sign-in has reached its time limit; a new token is needed");
    return;
  }
  token_claims claims = *next;
  token_issued_at_ = claims.issued_at;
  boost::json::object fields{{"token", sign_token(claims, owner.config().secret)},
                             {"expires_at", claims.expires_at}};
  token_expires_at_ = claims.expires_at;
  if (!command_id.is_null()) send_text(session::ack_frame(command_id, fields));
}

void ws_connection::handle(session::command_body& body, boost::json::value& command_id) {
  if (!check_joined(command_id)) return;
  const session::command_info& info = session::info(body);
  if (!info.journaled) {
    // Reads a shard answers itself: their role is checked here, as the engine never sees them.
    if (session::outcome allowed = session::authorize(info, role_); !allowed.ok()) {
      reply_error(command_id, allowed.code, allowed.message);
      return;
    }
    if (const auto* reaction = std::get_if<session::react>(&body))
      return handle_reaction(*reaction, command_id);
    return handle_page(body, command_id);
  }
  // The engine checks the role of everything it applies.
  session::actor who{role_, viewer_, subject_};
  reply_target target{&home_, weak_from_this(), command_id};
  home_.owner().engines().submit(event_, session::command{std::move(command_id), std::move(body)},
                                 std::move(who), std::move(target));
}

void ws_connection::handle(hello& cmd, const boost::json::value& command_id) {
  shard_services& owner = home_.owner();
  if (joined()) {
    reply_error(command_id, session::error_code::conflict, "hello was already accepted");
    return;
  }
  std::size_t event = owner.event_index(cmd.event);
  if (event == npos) {
    reply_error(command_id, session::error_code::not_found, "no such event");
    return;
  }
  session::role granted = session::role::viewer;
  if (!cmd.token.empty()) {
    token_verdict verdict = owner.check_token(cmd.token, owner.event_id(event));
    if (!verdict.ok || verdict.claims.role == session::role::ingest) {
      std::string why = verdict.ok ? "ingest tokens are for the HTTP API" : "invalid token: " + verdict.why;
      log_connection_event("hello_refused",
                           {{"conn", std::to_string(id)}, {"addr", client_.address}, {"why", why}});
      reply_error(command_id, session::error_code::unauthorized, why);
      close(4001, "unauthorized");
      return;
    }
    if (!owner.origin_allowed(client_.origin, client_.host)) {
      log_connection_event("origin_refused", {{"conn", std::to_string(id)}, {"origin", client_.origin}});
      reply_error(command_id, session::error_code::forbidden, "origin not allowed for staff connections");
      close(1008, "origin not allowed");
      return;
    }
    granted = verdict.claims.role;
    subject_ = verdict.claims.sub;
    token_expires_at_ = verdict.claims.expires_at;
    token_issued_at_ = verdict.claims.issued_at;
    // A token without `iat` starts its refresh chain now.
    token_chain_started_at_ =
        verdict.claims.chain_started_at ? verdict.claims.chain_started_at : wall_clock_ms();
  }
  bool known_viewer = !cmd.viewer.empty() && verify_viewer_id(cmd.viewer, owner.config().secret);
  // Each new viewer id is one more vote on every question: an address gets a venue's worth
  // at once, then a steady trickle. The connection stays open to try again.
  long retry_ms = 0;
  if (!known_viewer && granted == session::role::viewer &&
      !owner.address_new_viewers().take(client_.address, steady_clock::now(), retry_ms)) {
    server_metrics::add(owner.metrics().new_viewer_refusals);
    server_metrics::add(owner.metrics().rate_limited);
    boost::json::object frame{
        {"type", "error"},
        {"id", command_id},
        {"code", "rate_limited"},
        {"message", "too many new viewers from this address; retry in " + std::to_string(retry_ms) + " ms"},
        {"retry_after_ms", retry_ms}};
    send_text(boost::json::serialize(frame));
    return;
  }
  viewer_ = known_viewer ? cmd.viewer : issue_viewer_id(owner.config().secret);
  release_unauthenticated_slot();
  role_ = granted;
  server_metrics& m = owner.metrics();
  server_metrics::sub(m.connections_unauthenticated);
  owner.unauthenticated().fetch_sub(1, std::memory_order_relaxed);
  server_metrics::add(role_gauge(m, role_));
  event_ = event;
  home_.join(this, event);

  // What the join sends is a catch-up: written as the socket drains, never a 4008. A
  // resume the ring can no longer serve gets a snapshot instead, never a close.
  session::event_replica& replica = home_.replica(event);
  bool recovered =
      cmd.resume && cmd.resume->epoch == replica.epoch() && replica.holds_changes_since(cmd.resume->seq);
  if (cmd.resume) server_metrics::add(recovered ? m.resumes_recovered : m.resumes_snapshot);
  session::welcome_fields welcome{role_,         owner.event_id(event), viewer_,  replica.epoch(),
                                  replica.seq(), wall_clock_ms(),       recovered};
  catch_up_.push_back({frame_text(session::welcome_frame(command_id, welcome))});
  if (!recovered) {
    catch_up_.push_back({home_.snapshot_frame(event)});
    if (replica.state_windowed()) server_metrics::add(m.windowed_snapshots);
  } else if (cmd.resume->seq < replica.seq()) {
    catch_up_.push_back({nullptr, cmd.resume->seq + 1, replica.seq()});
  }
  if (is_staff()) {
    catch_up_.push_back({home_.queue_snapshot_frame(event)});
    if (replica.queue_windowed()) server_metrics::add(m.windowed_snapshots);
  }
  log_connection_event("hello", {{"conn", std::to_string(id)},
                                 {"addr", client_.address},
                                 {"event", owner.event_id(event)},
                                 {"role", std::string(session::to_string(role_))},
                                 {"recovered", recovered ? "true" : "false"}});
}

void ws_connection::handle_reaction(const session::react& reaction, const boost::json::value& command_id) {
  server_metrics& m = home_.owner().metrics();
  const std::size_t emoji = home_.owner().reactions(event_).find(reaction.emoji);
  if (emoji == session::reaction_set::npos) {
    server_metrics::add(m.reactions_dropped_not_allowed);
    reply_error(command_id, session::error_code::bad_request, "not one of this event's reactions");
    return;
  }
  // Over the limit, a reaction is dropped without a word: a viewer tapping fast loses
  // a few taps, never sees an error.
  long retry_ms = 0;
  const bool counted = reactions_.take(steady_clock::now(), retry_ms);
  if (counted)
    home_.count_reaction(event_, emoji);
  else
    server_metrics::add(m.reactions_dropped_rate);
  if (!command_id.is_null()) send_text(session::ack_frame(command_id, {{"counted", counted}}));
}

void ws_connection::handle_page(const session::command_body& body, const boost::json::value& command_id) {
  // The replica holds what this connection has been sent so far; changes after it
  // follow the page, so the client applies them as usual.
  session::event_replica& replica = home_.replica(event_);
  server_metrics::add(home_.owner().metrics().pages);
  if (command_id.is_null()) return;  // a read nobody asked to hear about
  // Cursors were checked by the decoder.
  auto cursor = [](const std::optional<std::string>& after) {
    return after ? session::parse_cursor(*after) : std::nullopt;
  };
  boost::json::object fields;
  session::page result;
  if (const auto* questions = std::get_if<session::questions_page>(&body)) {
    result = replica.questions_page(questions->answered, cursor(questions->after), questions->limit);
    fields["questions"] = std::move(result.items);
  } else if (const auto* queue = std::get_if<session::queue_page>(&body)) {
    // A filter or search looks at a bounded number of items per page (max_page_scan).
    result = replica.queue_page(queue->posts, cursor(queue->after), queue->limit, queue->filter,
                                home_.owner().config().max_page_scan);
    fields["items"] = std::move(result.items);
  } else {
    return;
  }
  if (result.scan_limited) server_metrics::add(home_.owner().metrics().pages_scan_limited);
  if (result.next)
    fields["next"] = *result.next;
  else
    fields["next"] = nullptr;
  send_text(session::ack_frame(command_id, fields));
}

bool ws_connection::send(const shared_frame& frame) {
  if (closing_) return false;
  const server_config& config = home_.owner().config();
  const bool staff = is_staff();
  const std::size_t max_bytes = staff ? config.max_staff_queue_bytes : config.max_queue_bytes;
  const std::size_t max_frames = staff ? config.max_staff_queue_frames : config.max_queue_frames;
  if (queued_bytes_ + frame->size() > max_bytes || queue_.size() >= max_frames) {
    close_slow("queue full");
    return false;
  }
  queued_bytes_ += frame->size();
  queue_.push_back(frame);
  return true;
}

void ws_connection::close_slow(std::string_view why) {
  server_metrics::add(home_.owner().metrics().slow_consumer_closes);
  server_metrics::add(home_.owner().metrics().queue_drops, queue_.size());
  log_connection_event("slow_consumer", {{"conn", std::to_string(id)},
                                         {"queued_bytes", std::to_string(queued_bytes_)},
                                         {"why", std::string(why)}});
  // A frame already partly on the wire is finished first, or the peer would read garbage.
  if (head_offset_ > 0) {
    queue_.resize(1);
    queued_bytes_ = queue_.front()->size();
  } else {
    queue_.clear();
    queued_bytes_ = 0;
  }
  close(4008, "slow consumer: reconnect and resume");
}

void ws_connection::deliver(const std::vector<std::shared_ptr<const delivery>>& batches) {
  if (closing_ || terminated_) return;
  const bool staff = is_staff();
  auto wanted = [staff](const delivery& batch, std::size_t i) {
    return !batch.messages[i]->staff_only || staff;
  };
  // TLS connections always queue: their bytes are encrypted into one buffer per write.
  // During a catch-up, broadcasts wait in the queue behind it.
  if (writing_ || !queue_.empty() || !catch_up_.empty() || tls_) {
    for (const auto& batch : batches)
      for (std::size_t i = 0; i < batch->messages.size(); ++i)
        if (wanted(*batch, i) && !send(batch->frames[i])) return;
    return flush();
  }
  // Idle connection, the common case: one write straight from the shared frames of every
  // pending batch, touching no reference count; only what the socket does not take is queued.
  std::vector<net::const_buffer>& buffers = home_.scratch_buffers();
  buffers.clear();
  std::size_t bytes = 0;
  for (const auto& batch : batches)
    for (std::size_t i = 0; i < batch->messages.size(); ++i) {
      if (!wanted(*batch, i)) continue;
      buffers.emplace_back(batch->frames[i]->data(), batch->frames[i]->size());
      bytes += batch->frames[i]->size();
    }
  if (bytes == 0) return;
  home_.count_out(buffers.size(), bytes);
  boost::system::error_code ec;
  std::size_t written = socket_.write_some(buffers, ec);
  if (ec && ec != net::error::would_block && ec != net::error::try_again) {
    fail(ec, "write");
    return terminate();
  }
  if (written == bytes) return;
  for (const auto& batch : batches)
    for (std::size_t i = 0; i < batch->messages.size(); ++i) {
      if (!wanted(*batch, i)) continue;
      std::size_t size = batch->frames[i]->size();
      if (written >= size) {
        written -= size;
        continue;
      }
      if (queue_.empty()) head_offset_ = written;
      written = 0;
      if (!send(batch->frames[i])) return;
    }
  // Counted above already; flush() counts again only what it sends later.
  flush(false);
}

void ws_connection::start_over(const shared_frame& snapshot, const shared_frame& queue_snapshot) {
  if (closing_ || terminated_) return;
  // Ranges of seqs name changes of the old epoch; whole frames (a welcome) still go.
  std::erase_if(catch_up_, [](const catch_up_item& item) { return !item.frame; });
  if (!send(snapshot)) return;
  if (queue_snapshot && !send(queue_snapshot)) return;
  flush();
}

void ws_connection::send_text(std::string_view payload) {
  send(std::make_shared<const std::string>(make_frame(ws_opcode::text, payload)));
}

ws_connection::staged ws_connection::stage() {
  out_.clear();
  if (catch_up_.empty()) {
    if (queue_.empty()) return staged::nothing;
    out_.swap(queue_);
    queued_bytes_ = 0;
    return staged::queue;
  }
  // A chunk at a time: what a catch-up holds beyond its shared frames stays small, and a
  // TLS write copies no more than this.
  const std::size_t budget = home_.owner().config().catch_up_chunk_bytes;
  const session::event_replica& replica = home_.replica(event_);
  std::size_t bytes = 0;
  while (!catch_up_.empty() && bytes < budget) {
    catch_up_item& item = catch_up_.front();
    if (item.frame) {
      bytes += item.frame->size();
      out_.push_back(std::move(item.frame));
      catch_up_.pop_front();
      continue;
    }
    const session::held_change* held = replica.change_at(item.from);
    // The ring moved on past what this client had yet to read: it reads slower than the
    // event changes, the steady-traffic case of 4008.
    if (held == nullptr) return out_.empty() ? staged::fell_behind : staged::catch_up;
    out_.push_back(held->frame ? held->frame : frame_text(held->message->payload));
    bytes += out_.back()->size();
    if (item.from++ == item.to) catch_up_.pop_front();
  }
  server_metrics::add(home_.owner().metrics().catch_up_frames, out_.size());
  return staged::catch_up;
}

void ws_connection::flush(bool count) {
  if (writing_ || terminated_) return;
  // Each round writes what the socket takes at once; the rest leaves when it drains.
  for (int round = 0; round < 16; ++round) {
    const bool head_partly_written = head_offset_ > 0 && catch_up_.empty();
    const staged what = stage();
    if (what == staged::nothing) return;
    if (what == staged::fell_behind) return close_slow("fell behind the resume window while catching up");
    const bool closes = what == staged::queue && close_queued_;
    if (tls_) return write_tls(closes);
    buffers_.clear();
    std::size_t bytes = 0;
    for (const auto& frame : out_) {
      buffers_.emplace_back(frame->data(), frame->size());
      bytes += frame->size();
    }
    // The head frame may be partly written already (a direct write that fell short).
    if (head_partly_written) {
      buffers_.front() += head_offset_;
      bytes -= head_offset_;
      head_offset_ = 0;
    }
    if (count || round > 0) home_.count_out(out_.size(), bytes);
    // Most writes fit in the socket's send buffer: try at once, without an async operation.
    boost::system::error_code ec;
    std::size_t written = socket_.write_some(buffers_, ec);
    if (ec && ec != net::error::would_block && ec != net::error::try_again) {
      fail(ec, "write");
      return terminate();
    }
    if (written == bytes) {
      out_.clear();
      if (closes) return half_close();
      continue;
    }
    // The rest leaves when the socket can take it; frames queued meanwhile wait for the next write.
    writing_ = true;
    close_in_flight_ = closes;
    std::size_t skip = written, first = 0;
    while (first < buffers_.size() && skip >= buffers_[first].size()) skip -= buffers_[first++].size();
    buffers_.erase(buffers_.begin(), buffers_.begin() + static_cast<std::ptrdiff_t>(first));
    if (!buffers_.empty()) buffers_.front() += skip;
    net::async_write(socket_, buffers_,
                     [self = shared_from_this()](const boost::system::error_code& write_ec, std::size_t n) {
                       self->on_write(write_ec, n);
                     });
    return;
  }
  // A long catch-up to a fast reader: let the shard's other connections have a turn.
  writing_ = true;
  close_in_flight_ = false;
  net::post(socket().get_executor(), [self = shared_from_this()] {
    self->writing_ = false;
    if (!self->terminated_) self->flush();
  });
}

void ws_connection::write_tls(bool closes) {
  // An SSL stream writes each buffer of a sequence as its own record: copy into one instead.
  tls_write_buffer_.clear();
  for (const auto& frame : out_) tls_write_buffer_ += *frame;
  home_.count_out(out_.size(), tls_write_buffer_.size());
  out_.clear();
  writing_ = true;
  close_in_flight_ = closes;
  net::async_write(*tls_, net::buffer(tls_write_buffer_),
                   [self = shared_from_this()](const boost::system::error_code& write_ec, std::size_t n) {
                     self->on_write(write_ec, n);
                   });
}

void ws_connection::half_close() {
  // Our close frame is out: half-close, and let the peer's FIN (or the linger) end it.
  boost::system::error_code ignored;
  socket().shutdown(tcp::socket::shutdown_send, ignored);
}

void ws_connection::on_write(const boost::system::error_code& ec, std::size_t) {
  writing_ = false;
  out_.clear();
  if (ec) {
    fail(ec, "write");
    return terminate();
  }
  if (close_in_flight_) return half_close();
  flush();
}

void ws_connection::close(std::uint16_t code, std::string_view reason) {
  if (closing_ || terminated_) return;
  home_.leave(this);
  closing_ = true;
  close_started_ = steady_clock::now();
  // A slow viewer's close frame waits behind what its socket already holds: give it time to
  // catch up and read why, within the socket's bounded buffer.
  linger_ = code == 4008 ? home_.owner().config().slow_close_linger : home_.owner().config().close_linger;
  // What the join still had to send no longer matters; a chunk already being written ends first.
  catch_up_.clear();
  queue_.push_back(std::make_shared<const std::string>(make_close_frame(code, reason)));
  close_queued_ = true;
  flush();
}

void ws_connection::sweep(steady_clock::time_point now) {
  if (terminated_) return;
  const server_config& config = home_.owner().config();
  if (closing_) {
    if (now - close_started_ >= linger_) terminate();
    return;
  }
  if (!joined() && now - opened_at_ >= config.hello_timeout) {
    close(1008, "no hello");
  } else if (is_staff() && !token_still_good()) {
    // Closed with 4001: its token expired or was revoked.
  } else if (now - last_read_ >= config.idle_timeout) {
    close(1001, "idle timeout");
  } else if (now - last_ping_ >= config.ping_interval) {
    last_ping_ = now;
    static const shared_frame ping = std::make_shared<const std::string>(make_frame(ws_opcode::ping, ""));
    send(ping);
  } else {
    return;
  }
  flush();
}

bool ws_connection::token_still_good() {
  shard_services& owner = home_.owner();
  const char* why = nullptr;
  // A staff connection's powers end with its token: expired by the rule hello applies,
  // or issued before a revocation (`companion tokens revoke`).
  const session::millis not_before = owner.tokens_not_before();
  if (not_before > 0 && token_issued_at_ < not_before) {
    why = "revoked";
    server_metrics::add(owner.metrics().token_closes_revoked);
  } else if (wall_clock_ms() > token_expires_at_ + owner.config().token_leeway_ms) {
    why = "expired";
    server_metrics::add(owner.metrics().token_closes_expired);
  } else {
    return true;
  }
  log_event("token_ended", {{"conn", std::to_string(id)}, {"sub", subject_}, {"why", why}});
  close(4001, std::string("token ") + why);
  return false;
}

void ws_connection::fail(const boost::system::error_code& ec, std::string_view step) {
  // After our close frame the peer's end of the stream is how a close finishes, and after
  // terminate() the aborted operations are our own doing.
  if (terminated_ || closing_ || ec == net::error::operation_aborted) return;
  connection_failed(connection_side::websocket, step, ec,
                    {{"conn", std::to_string(id)}, {"addr", client_.address}});
}

void ws_connection::terminate() {
  if (terminated_) return;
  terminated_ = true;
  closing_ = true;
  home_.leave(this);
  boost::system::error_code ignored;
  socket().close(ignored);
  queue_.clear();
  catch_up_.clear();
}

}  // namespace companion::gateway
