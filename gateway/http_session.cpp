#include "gateway/http_session.hpp"

#include <boost/beast/core/string.hpp>

#include "gateway/http_api.hpp"
#include "gateway/server.hpp"
#include "gateway/shard.hpp"
#include "gateway/ws_connection.hpp"
#include "gateway/ws_handshake.hpp"

namespace companion::gateway {

http_session::http_session(shard& home, tcp::socket socket, std::string address)
    : home_(home), stream_(std::move(socket)), address_(std::move(address)) {}

http_session::~http_session() = default;

void http_session::start() {
  boost::system::error_code ignored;
  stream_.socket().set_option(tcp::no_delay(true), ignored);
  read_request();
}

void http_session::read_request() {
  const server_config& config = home_.owner().config();
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(config.max_http_header_bytes));
  parser_->body_limit(config.max_http_body_bytes);
  // A client that trickles its headers (slowloris) is cut off at the deadline.
  stream_.expires_after(config.http_header_timeout);
  http::async_read_header(
      stream_, buffer_, *parser_,
      [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) { self->on_header(ec); });
}

void http_session::on_header(const boost::system::error_code& ec) {
  if (ec == http::error::header_limit) {
    http_request request;
    auto response = json_error(request, http::status::request_header_fields_too_large, "too_large",
                               "request headers too large");
    response.keep_alive(false);
    return send(std::move(response));
  }
  if (ec) return;  // closed, timed out or garbage: nothing useful to answer
  const http_request& request = parser_->get();
  if (beast::iequals(request[http::field::upgrade], "websocket")) return upgrade(request);
  if (parser_->is_done()) return on_body({});
  stream_.expires_after(home_.owner().config().http_body_timeout);
  http::async_read(stream_, buffer_, *parser_,
                   [self = shared_from_this()](const boost::system::error_code& read_ec, std::size_t) {
                     self->on_body(read_ec);
                   });
}

void http_session::on_body(const boost::system::error_code& ec) {
  if (ec == http::error::body_limit) {
    auto response = json_error(
        parser_->get(), http::status::payload_too_large, "too_large",
        "request body over " + std::to_string(home_.owner().config().max_http_body_bytes) + " bytes");
    response.keep_alive(false);
    return send(std::move(response));
  }
  if (ec) return;
  stream_.expires_never();
  server_metrics::add(home_.owner().metrics().http_requests);
  http_request request = parser_->release();
  handle_http(home_, request, address_,
              [self = shared_from_this()](http_response response) { self->send(std::move(response)); });
}

void http_session::send(http_response response) {
  auto shared = std::make_shared<http_response>(std::move(response));
  bool keep_alive = shared->keep_alive() && !home_.owner().draining();
  shared->keep_alive(keep_alive);
  stream_.expires_after(home_.owner().config().http_body_timeout);
  http::async_write(
      stream_, *shared,
      [self = shared_from_this(), shared, keep_alive](const boost::system::error_code& ec, std::size_t) {
        self->on_write(ec, keep_alive);
      });
}

void http_session::on_write(const boost::system::error_code& ec, bool keep_alive) {
  if (ec) return;
  if (!keep_alive) {
    boost::system::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    return;
  }
  read_request();
}

void http_session::upgrade(const http_request& request) {
  server& owner = home_.owner();
  std::string_view target(request.target().data(), request.target().size());
  std::string_view path = target.substr(0, target.find('?'));
  auto refuse = [&](http::status status, std::string_view code, std::string_view message) {
    auto response = json_error(request, status, code, message);
    response.keep_alive(false);
    send(std::move(response));
  };
  if (path != "/ws") return refuse(http::status::not_found, "not_found", "WebSocket endpoint is /ws");
  if (request.method() != http::verb::get)
    return refuse(http::status::method_not_allowed, "bad_request", "WebSocket upgrade needs GET");
  std::string_view key(request[http::field::sec_websocket_key].data(),
                       request[http::field::sec_websocket_key].size());
  if (request[http::field::sec_websocket_version] != "13" || !is_valid_websocket_key(key))
    return refuse(http::status::bad_request, "bad_request", "WebSocket version 13 with a valid key required");
  if (owner.draining()) return refuse(http::status::service_unavailable, "internal", "server shutting down");
  if (owner.unauthenticated().load(std::memory_order_relaxed) >= owner.config().max_unauthenticated)
    return refuse(http::status::service_unavailable, "rate_limited",
                  "too many connections waiting for hello");

  client_info client{address_, std::string(request[http::field::origin]),
                     std::string(request[http::field::host])};
  // Bytes the client sent after its request (early frames) belong to the WebSocket.
  auto early = buffer_.data();
  std::string early_bytes(static_cast<const char*>(early.data()), early.size());
  stream_.expires_never();
  tcp::socket socket = stream_.release_socket();
  handed_over_ = true;
  auto connection = std::make_shared<ws_connection>(home_, std::move(socket), std::move(early_bytes), client);
  std::string accept =
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Accept: " +
      websocket_accept_key(key) + "\r\n\r\n";
  connection->send(std::make_shared<const std::string>(std::move(accept)));
  bool within_cap = owner.connection_limits().try_acquire(address_);
  if (within_cap) connection->hold_address_slot();
  connection->start();
  if (!within_cap) {
    server_metrics::add(owner.metrics().per_ip_refusals);
    connection->close(4029, "too many connections from this address");
  }
}

}  // namespace companion::gateway
