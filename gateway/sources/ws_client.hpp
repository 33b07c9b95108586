// A small outbound WebSocket client for the sources (Jetstream, Mastodon): resolve,
// connect, TLS handshake with SNI and certificate checks against the system store
// (wss://), WebSocket handshake with extra headers, then every text frame to a
// callback until the connection ends. Asynchronous throughout, for the ingest
// thread's io_context; timeouts come from beast::tcp_stream and the WebSocket options.
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gateway/net/net.hpp"

namespace companion::gateway {

namespace ssl = boost::asio::ssl;
namespace websocket = boost::beast::websocket;

// Where to connect, taken apart from a ws://, wss://, http:// or https:// URL.
struct remote_endpoint {
  bool tls = false;
  std::string host;
  std::string port;
  std::string target;  // path and query, at least "/"

  // scheme://host[:port]/path: the query is left out, since it may carry a token.
  std::string display(bool websocket = true) const;
  // The Host header: the port only when it is not the scheme's default.
  std::string host_header() const;
};

// ws:// and http:// are plain TCP; wss:// and https:// use TLS. nullopt with `error` otherwise.
std::optional<remote_endpoint> parse_endpoint(std::string_view url, std::string& error);

// Percent-encodes everything but RFC 3986's unreserved characters, for query values.
std::string url_encode(std::string_view text);

// The path of a request target ("/a/b?x=1" gives "/a/b").
std::string target_path(std::string_view target);

// A query parameter to set (name and unencoded value), or with no value to remove.
using query_param = std::pair<std::string_view, std::optional<std::string_view>>;
// `target` with each named parameter replaced by the given value (appended after the
// parameters it keeps, in the order given) or removed; other parameters stay as they are.
std::string with_query(std::string_view target, std::initializer_list<query_param> set);

// A TLS client context that checks peers against the system's trusted certificates.
std::shared_ptr<ssl::context> make_client_tls_context();

struct ws_client_options {
  std::chrono::seconds connect_timeout{10};    // resolve, TCP and TLS: a dead host fails fast into backoff
  std::chrono::seconds handshake_timeout{10};  // the HTTP upgrade
  std::chrono::seconds idle_timeout{60};  // no frame or pong this long: the peer is gone (pinged at half)
  std::size_t max_message_bytes = 1024 * 1024;  // a post frame is a few KiB; anything near this is not one
  std::string user_agent = "companion";
};

using header_list = std::vector<std::pair<std::string, std::string>>;

class ws_client : public std::enable_shared_from_this<ws_client> {
 public:
  struct handlers {
    std::function<void()> on_open;                  // the handshake succeeded
    std::function<void(std::string_view)> on_text;  // one text frame
    // The connection ended or never opened; called exactly once. `what` names the failed step.
    std::function<void(boost::system::error_code, std::string_view what)> on_closed;
  };

  ws_client(net::io_context& context, std::shared_ptr<ssl::context> tls, ws_client_options options = {});

  // Starts connecting; the handlers run on the io_context.
  void open(remote_endpoint endpoint, header_list headers, handlers callbacks);
  // Sends a close frame when open, else abandons the attempt; on_closed follows.
  void close();

  bool is_open() const { return open_; }

 private:
  using plain_stream = websocket::stream<beast::tcp_stream>;
  using secure_stream = websocket::stream<beast::ssl_stream<beast::tcp_stream>>;

  // Calls `f` with whichever stream this connection uses.
  template <class F>
  void with_stream(F&& f) {
    if (secure_)
      f(*secure_);
    else if (plain_)
      f(*plain_);
  }

  void on_resolve(boost::system::error_code ec, tcp::resolver::results_type results);
  void on_connect(boost::system::error_code ec, const tcp::endpoint&);
  void on_tls_handshake(boost::system::error_code ec);
  void do_ws_handshake();
  void on_ws_handshake(boost::system::error_code ec);
  void do_read();
  void on_read(boost::system::error_code ec, std::size_t bytes);
  void on_close(boost::system::error_code ec);
  void finish(boost::system::error_code ec, std::string_view what);

  net::io_context& context_;
  std::shared_ptr<ssl::context> tls_;
  ws_client_options options_;
  tcp::resolver resolver_;
  std::optional<plain_stream> plain_;
  std::optional<secure_stream> secure_;
  remote_endpoint endpoint_;
  header_list headers_;
  handlers handlers_;
  beast::flat_buffer buffer_;
  bool open_ = false;
  bool closing_ = false;
  bool finished_ = false;
};

}  // namespace companion::gateway
