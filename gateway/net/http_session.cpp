#include "gateway/net/http_session.hpp"

#include <boost/asio/read.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/serializer.hpp>

#include "gateway/net/connection_errors.hpp"
#include "gateway/net/http_api.hpp"
#include "gateway/net/shard.hpp"
#include "gateway/net/shard_services.hpp"
#include "gateway/net/ws_connection.hpp"
#include "gateway/process/log.hpp"
#include "gateway/protocol/client_address.hpp"
#include "gateway/protocol/proxy_header.hpp"
#include "gateway/protocol/ws_handshake.hpp"

namespace companion::gateway {
namespace {

constexpr std::string_view hsts_value = "max-age=31536000";

std::variant<beast::tcp_stream, tls_stream> make_stream(shard& home, tcp::socket socket) {
  if (net::ssl::context* tls = home.owner().tls())
    return std::variant<beast::tcp_stream, tls_stream>(std::in_place_index<1>, std::move(socket), *tls);
  return std::variant<beast::tcp_stream, tls_stream>(std::in_place_index<0>, std::move(socket));
}

}  // namespace

http_session::http_session(shard& home, tcp::socket socket, std::string address)
    : home_(home), stream_(make_stream(home, std::move(socket))), address_(std::move(address)) {}

http_session::~http_session() {
  release_slots();
}

bool http_session::admit() {
  shard_services& owner = home_.owner();
  if (!owner.http_total().try_acquire()) {
    server_metrics::add(owner.metrics().http_refusals_total);
  } else {
    holds_total_slot_ = true;
    // A trusted proxy carries many clients over its connections (X-Forwarded-For): only the
    // total cap applies to it. Anyone else, including a client named by a PROXY header, is
    // one address.
    if (owner.config().trust_proxy.contains(address_)) return true;
    if (owner.http_limits().try_acquire(address_)) {
      holds_address_slot_ = true;
      slot_address_ = address_;
      return true;
    }
    server_metrics::add(owner.metrics().http_refusals_address);
  }
  // Closed at once, before reading a byte: answering would cost what the cap saves.
  boost::system::error_code ignored;
  socket().close(ignored);
  return false;
}

void http_session::release_slots() {
  if (holds_total_slot_) home_.owner().http_total().release();
  if (holds_address_slot_) home_.owner().http_limits().release(slot_address_);
  holds_total_slot_ = holds_address_slot_ = false;
}

tcp::socket& http_session::socket() {
  if (auto* plain = std::get_if<beast::tcp_stream>(&stream_)) return plain->socket();
  return std::get<tls_stream>(stream_).next_layer();
}

void http_session::expires_after(steady_clock::duration timeout) {
  if (auto* plain = std::get_if<beast::tcp_stream>(&stream_)) return plain->expires_after(timeout);
  if (!tls_deadline_) tls_deadline_.emplace(home_.context());
  tls_deadline_->expires_after(timeout);
  // Weak: a pending deadline must not keep a finished session (and its socket) alive.
  tls_deadline_->async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
    if (ec) return;
    if (auto self = weak.lock()) {
      boost::system::error_code ignored;
      self->socket().close(ignored);
    }
  });
}

void http_session::expires_never() {
  if (auto* plain = std::get_if<beast::tcp_stream>(&stream_)) return plain->expires_never();
  if (tls_deadline_) tls_deadline_->cancel();
}

void http_session::start() {
  boost::system::error_code ignored;
  socket().set_option(tcp::no_delay(true), ignored);
  // Only a trusted proxy may open with a PROXY header; anyone else's first bytes are
  // HTTP or TLS, and a PROXY signature from them is just a bad request.
  if (home_.owner().config().trust_proxy.contains(address_)) return read_proxy_header(proxy_v2_fixed_bytes);
  start_protocol();
}

void http_session::start_protocol() {
  if (!admit()) return;
  auto* tls = std::get_if<tls_stream>(&stream_);
  if (!tls) return read_request();
  // A client that never finishes its handshake is cut off like a slow header.
  expires_after(home_.owner().config().http_header_timeout);
  auto on_handshake = [self = shared_from_this()](const boost::system::error_code& ec, std::size_t = 0) {
    self->on_handshake(ec);
  };
  if (proxy_bytes_.empty()) return tls->async_handshake(net::ssl::stream_base::server, on_handshake);
  // The bytes read while looking for a PROXY header begin the ClientHello.
  tls->async_handshake(net::ssl::stream_base::server, net::buffer(proxy_bytes_), on_handshake);
}

void http_session::read_proxy_header(std::size_t total) {
  // The header is read exactly, never past its end: what follows belongs to HTTP or TLS.
  expires_after(home_.owner().config().http_header_timeout);
  std::size_t have = proxy_bytes_.size();
  proxy_bytes_.resize(total);
  auto target = net::buffer(proxy_bytes_.data() + have, total - have);
  auto on_read = [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
    self->on_proxy_bytes(ec);
  };
  if (auto* plain = std::get_if<beast::tcp_stream>(&stream_)) return net::async_read(*plain, target, on_read);
  net::async_read(std::get<tls_stream>(stream_).next_layer(), target, on_read);
}

void http_session::on_proxy_bytes(const boost::system::error_code& ec) {
  if (ec) return fail(ec, "proxy_header");
  shard_services& owner = home_.owner();
  proxy_result result = parse_proxy_v2(proxy_bytes_, owner.config().max_proxy_header_bytes);
  switch (result.status) {
    case proxy_parse::need_more:
      return read_proxy_header(result.needed);
    case proxy_parse::invalid: {
      server_metrics::add(owner.metrics().proxy_header_refusals);
      log_connection_event("proxy_header_refused", {{"addr", address_}, {"why", std::string(result.why)}});
      boost::system::error_code ignored;
      socket().close(ignored);
      return;
    }
    case proxy_parse::done:
      if (result.header.source) address_ = *result.header.source;
      proxy_bytes_.erase(0, result.header.length);
      break;
    case proxy_parse::not_proxy:
      break;
  }
  // A plain connection's early bytes start the first request; a TLS one's the handshake.
  if (std::holds_alternative<beast::tcp_stream>(stream_) && !proxy_bytes_.empty()) {
    auto space = buffer_.prepare(proxy_bytes_.size());
    net::buffer_copy(space, net::buffer(proxy_bytes_));
    buffer_.commit(proxy_bytes_.size());
    proxy_bytes_.clear();
  }
  start_protocol();
}

std::string http_session::client_address(const http_request& request) const {
  const trusted_proxies& trusted = home_.owner().config().trust_proxy;
  if (trusted.empty()) return address_;
  // Several X-Forwarded-For fields are one list, in order (RFC 9110, section 5.3).
  std::string forwarded_for;
  for (auto [it, end] = request.equal_range("X-Forwarded-For"); it != end; ++it) {
    if (!forwarded_for.empty()) forwarded_for += ',';
    forwarded_for.append(it->value().data(), it->value().size());
  }
  return forwarded_client(address_, forwarded_for, trusted);
}

void http_session::on_handshake(const boost::system::error_code& ec) {
  proxy_bytes_ = std::string();
  if (ec) {
    fail(ec, "tls_handshake");
    boost::system::error_code ignored;
    socket().close(ignored);
    return;
  }
  read_request();
}

void http_session::fail(const boost::system::error_code& ec, std::string_view step) {
  // A client that hangs up between requests, or before its first, has not failed: it is
  // done. Our own cancellations (shutdown) are not the client's failures either.
  if (ec == http::error::end_of_stream || ec == net::error::operation_aborted) return;
  // Nor has a kept-alive connection that sends no next request before the deadline.
  if (ec == beast::error::timeout && served_ && buffer_.size() == 0) return;
  connection_failed(connection_side::http, step, ec, {{"addr", address_}});
}

void http_session::read_request() {
  const server_config& config = home_.owner().config();
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(config.max_http_header_bytes));
  parser_->body_limit(config.max_http_body_bytes);
  // A client that trickles its headers (slowloris) is cut off at the deadline.
  expires_after(config.http_header_timeout);
  std::visit(
      [this](auto& stream) {
        http::async_read_header(stream, buffer_, *parser_,
                                [self = shared_from_this()](const boost::system::error_code& ec,
                                                            std::size_t) { self->on_header(ec); });
      },
      stream_);
}

void http_session::on_header(const boost::system::error_code& ec) {
  if (ec == http::error::header_limit) {
    http_request request;
    auto response = json_error(request, http::status::request_header_fields_too_large, "too_large",
                               "request headers too large");
    response.keep_alive(false);
    return send(std::move(response));
  }
  // A declared Content-Length over the limit is refused as soon as the header says so.
  if (ec == http::error::body_limit) return on_body(ec);
  // Closed, timed out or garbage: nothing useful to answer.
  if (ec) return fail(ec, "read_header");
  const http_request& request = parser_->get();
  if (beast::iequals(request[http::field::upgrade], "websocket")) return upgrade(request);
  if (parser_->is_done()) return on_body({});
  expires_after(home_.owner().config().http_body_timeout);
  std::visit(
      [this](auto& stream) {
        http::async_read(stream, buffer_, *parser_,
                         [self = shared_from_this()](const boost::system::error_code& read_ec, std::size_t) {
                           self->on_body(read_ec);
                         });
      },
      stream_);
}

void http_session::on_body(const boost::system::error_code& ec) {
  if (ec == http::error::body_limit) {
    auto response = json_error(
        parser_->get(), http::status::payload_too_large, "too_large",
        "request body over " + std::to_string(home_.owner().config().max_http_body_bytes) + " bytes");
    response.keep_alive(false);
    return send(std::move(response));
  }
  if (ec) return fail(ec, "read_body");
  expires_never();
  served_ = true;
  server_metrics::add(home_.owner().metrics().http_requests);
  http_request request = parser_->release();
  handle_http(home_, request, client_address(request),
              [self = shared_from_this()](http_response response) { self->send(std::move(response)); });
}

void http_session::send(http_response response) {
  auto shared = std::make_shared<http_response>(std::move(response));
  bool keep_alive = shared->keep_alive() && !home_.owner().draining();
  shared->keep_alive(keep_alive);
  if (std::holds_alternative<tls_stream>(stream_))
    shared->set(http::field::strict_transport_security, hsts_value);
  expires_after(home_.owner().config().http_body_timeout);
  std::visit(
      [&](auto& stream) {
        http::async_write(
            stream, *shared,
            [self = shared_from_this(), shared, keep_alive](const boost::system::error_code& ec,
                                                            std::size_t) { self->on_write(ec, keep_alive); });
      },
      stream_);
}

void http_session::on_write(const boost::system::error_code& ec, bool keep_alive) {
  if (ec) return fail(ec, "write");
  if (!keep_alive) {
    boost::system::error_code ignored;
    socket().shutdown(tcp::socket::shutdown_send, ignored);
    // One deadline for the whole drain, set once: bytes trickling in do not extend it.
    drain_started_ = true;
    expires_after(home_.owner().config().http_drain_timeout);
    return drain();
  }
  read_request();
}

void http_session::drain() {
  // The client may still be sending a body we refused (413): read it away, bounded, so the
  // close does not reset the connection before the client has read our answer.
  if (!drain_buffer_) drain_buffer_ = std::make_unique<std::array<char, 4096>>();
  if (drained_bytes_ >= home_.owner().config().http_drain_bytes) {
    boost::system::error_code ignored;
    socket().close(ignored);
    return;
  }
  std::visit(
      [&](auto& stream) {
        stream.async_read_some(
            net::buffer(*drain_buffer_),
            [self = shared_from_this()](const boost::system::error_code& ec, std::size_t n) {
              self->drained_bytes_ += n;
              if (!ec) self->drain();
            });
      },
      stream_);
}

std::optional<upgrade_refusal> check_upgrade_request(const http_request& request) {
  std::string_view target(request.target().data(), request.target().size());
  std::string_view path = target.substr(0, target.find('?'));
  if (path != "/ws")
    return upgrade_refusal{http::status::not_found, "not_found", "WebSocket endpoint is /ws"};
  if (request.method() != http::verb::get)
    return upgrade_refusal{http::status::method_not_allowed, "bad_request", "WebSocket upgrade needs GET"};
  std::string_view key(request[http::field::sec_websocket_key].data(),
                       request[http::field::sec_websocket_key].size());
  if (request[http::field::sec_websocket_version] != "13" || !is_valid_websocket_key(key))
    return upgrade_refusal{http::status::bad_request, "bad_request",
                           "WebSocket version 13 with a valid key required"};
  return std::nullopt;
}

std::string switching_protocols_reply(std::string_view sec_websocket_key, bool tls) {
  http::response<http::empty_body> reply{http::status::switching_protocols, 11};
  reply.set(http::field::upgrade, "websocket");
  reply.set(http::field::connection, "Upgrade");
  reply.set(http::field::sec_websocket_accept, websocket_accept_key(sec_websocket_key));
  if (tls) reply.set(http::field::strict_transport_security, hsts_value);
  // The connection writes it as its first queued frame, so it is serialized here.
  http::response_serializer<http::empty_body> serializer{reply};
  std::string bytes;
  boost::system::error_code ec;
  while (!ec && !serializer.is_done()) {
    serializer.next(ec, [&](boost::system::error_code&, const auto& buffers) {
      bytes += beast::buffers_to_string(buffers);
      serializer.consume(beast::buffer_bytes(buffers));
    });
  }
  return bytes;
}

void http_session::upgrade(const http_request& request) {
  shard_services& owner = home_.owner();
  auto refuse = [&](http::status status, std::string_view code, std::string_view message) {
    auto response = json_error(request, status, code, message);
    response.keep_alive(false);
    send(std::move(response));
  };
  if (auto refusal = check_upgrade_request(request))
    return refuse(refusal->status, refusal->code, refusal->message);
  std::string_view key(request[http::field::sec_websocket_key].data(),
                       request[http::field::sec_websocket_key].size());
  if (owner.draining()) return refuse(http::status::service_unavailable, "internal", "server shutting down");
  if (owner.unauthenticated().load(std::memory_order_relaxed) >= owner.config().max_unauthenticated) {
    server_metrics::add(owner.metrics().unauthenticated_refusals);
    return refuse(http::status::service_unavailable, "rate_limited",
                  "too many connections waiting for hello");
  }

  client_info client{client_address(request), std::string(request[http::field::origin]),
                     std::string(request[http::field::host])};
  // A few hosts holding sockets that never say hello must not shut everyone else out.
  if (!owner.unauthenticated_limits().try_acquire(client.address)) {
    server_metrics::add(owner.metrics().unauthenticated_refusals_address);
    return refuse(http::status::service_unavailable, "rate_limited",
                  "too many connections waiting for hello from this address");
  }
  release_slots();
  // Bytes the client sent after its request (early frames) belong to the WebSocket.
  auto early = buffer_.data();
  std::string early_bytes(static_cast<const char*>(early.data()), early.size());
  expires_never();
  handed_over_ = true;
  std::shared_ptr<ws_connection> connection;
  std::string accept = switching_protocols_reply(key, std::holds_alternative<tls_stream>(stream_));
  if (auto* plain = std::get_if<beast::tcp_stream>(&stream_)) {
    connection =
        std::make_shared<ws_connection>(home_, plain->release_socket(), std::move(early_bytes), client);
  } else {
    connection = std::make_shared<ws_connection>(
        home_, std::make_unique<tls_stream>(std::move(std::get<tls_stream>(stream_))), std::move(early_bytes),
        client);
  }
  connection->send(std::make_shared<const std::string>(std::move(accept)));
  connection->hold_unauthenticated_slot();
  bool within_cap = owner.connection_limits().try_acquire(client.address);
  if (within_cap) connection->hold_address_slot();
  connection->start();
  if (!within_cap) {
    server_metrics::add(owner.metrics().per_ip_refusals);
    connection->close(4029, "too many connections from this address");
  }
}

}  // namespace companion::gateway
