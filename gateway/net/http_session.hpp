// One HTTP/1.1 connection, plain or TLS: reads requests with header and body
// deadlines, answers them (see http_api), and hands WebSocket upgrades to
// ws_connection. Over TLS every response carries HSTS.
#pragma once

#include <array>
#include <boost/asio/ssl/stream.hpp>
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "gateway/net/net.hpp"

namespace companion::gateway {

class shard;

using http_request = http::request<http::string_body>;
using http_response = http::response<http::string_body>;
using tls_stream = net::ssl::stream<tcp::socket>;

// Why a WebSocket upgrade request is refused on its own merits (path, method, version,
// key), or nullopt when it is well-formed. No sockets, so it is fuzzed on its own.
struct upgrade_refusal {
  http::status status;
  std::string_view code;
  std::string_view message;
};
std::optional<upgrade_refusal> check_upgrade_request(const http_request& request);

// The 101 Switching Protocols reply to a valid upgrade, as the bytes sent ahead of the
// first WebSocket frame. A TLS connection's reply carries HSTS like every other answer.
std::string switching_protocols_reply(std::string_view sec_websocket_key, bool tls);

class http_session : public std::enable_shared_from_this<http_session> {
 public:
  // Speaks TLS when the server has a TLS context.
  http_session(shard& home, tcp::socket socket, std::string address);
  ~http_session();
  void start();

 private:
  // A trusted proxy's PROXY v2 header, when it sends one, before HTTP or TLS.
  void read_proxy_header(std::size_t total);
  void on_proxy_bytes(const boost::system::error_code& ec);
  void start_protocol();
  void on_handshake(const boost::system::error_code& ec);
  void read_request();
  void on_header(const boost::system::error_code& ec);
  void on_body(const boost::system::error_code& ec);
  void send(http_response response);
  void on_write(const boost::system::error_code& ec, bool keep_alive);
  // Counts and logs an error that ends the connection at `step` (connection_errors.hpp).
  void fail(const boost::system::error_code& ec, std::string_view step);
  void drain();
  // Takes this connection's places under the HTTP caps; false (and closes) when full.
  bool admit();
  void release_slots();
  void upgrade(const http_request& request);
  // Deadlines: Beast's tcp_stream keeps them for plain connections, a timer for TLS ones.
  void expires_after(steady_clock::duration timeout);
  void expires_never();
  tcp::socket& socket();
  // The address a request is counted, limited and logged under: the connection's
  // address, or the client a trusted proxy names in X-Forwarded-For. The one place
  // that decides it (see client_address.hpp).
  std::string client_address(const http_request& request) const;

  shard& home_;
  std::variant<beast::tcp_stream, tls_stream> stream_;
  std::unique_ptr<std::array<char, 4096>> drain_buffer_;  // only while draining a refused body
  std::optional<net::steady_timer> tls_deadline_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  // The connection's peer, or the client named by a trusted proxy's PROXY header.
  std::string address_;
  std::string proxy_bytes_;  // read while looking for a PROXY header; what follows it
  bool handed_over_ = false;
  bool served_ = false;  // a request was answered: an idle wait for the next may time out
  // The HTTP connection caps this connection counts toward, given back when it closes or
  // becomes a WebSocket (which has caps of its own).
  bool holds_total_slot_ = false;
  bool holds_address_slot_ = false;
  std::string slot_address_;
  bool drain_started_ = false;
  std::size_t drained_bytes_ = 0;
};

}  // namespace companion::gateway
