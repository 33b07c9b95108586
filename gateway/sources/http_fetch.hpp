// A small asynchronous HTTP GET for the sources (a Mastodon timeline read after a
// stream reconnects): resolve, connect, TLS handshake with SNI and certificate
// checks (https://), one request, one response with a body limit, all under one
// deadline. Runs on the caller's io_context; the answer comes back once, there.
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "gateway/net/net.hpp"
#include "gateway/sources/ws_client.hpp"

namespace companion::gateway {

struct http_fetch_options {
  std::chrono::seconds timeout{15};              // the whole exchange, resolve excepted
  std::size_t max_body_bytes = 4 * 1024 * 1024;  // a page of 40 statuses is well under this
  std::string user_agent = "companion";
};

struct http_fetch_result {
  boost::system::error_code error;  // set when the exchange failed before a response
  std::string_view failed_step;  // "resolve", "connect", "tls handshake", "write", "read"; empty on success
  unsigned status = 0;           // the HTTP status, when a response came
  std::string body;
};

class http_fetch : public std::enable_shared_from_this<http_fetch> {
 public:
  using done_handler = std::function<void(http_fetch_result)>;

  // Starts a GET of `endpoint` (its target is path and query) with extra `headers`;
  // `done` runs exactly once on `context`, unless cancel() came first and it is then
  // called with operation_aborted. Keep the returned pointer only to cancel.
  static std::shared_ptr<http_fetch> get(net::io_context& context, std::shared_ptr<ssl::context> tls,
                                         remote_endpoint endpoint, header_list headers, done_handler done,
                                         http_fetch_options options = {});

  // Abandons the exchange; `done` follows with operation_aborted.
  void cancel();

  http_fetch(net::io_context& context, std::shared_ptr<ssl::context> tls, remote_endpoint endpoint,
             header_list headers, done_handler done, http_fetch_options options);

 private:
  beast::tcp_stream& lowest();
  void start();
  void on_resolve(boost::system::error_code ec, tcp::resolver::results_type results);
  void on_connect(boost::system::error_code ec, const tcp::endpoint&);
  void on_handshake(boost::system::error_code ec);
  void do_write();
  void on_write(boost::system::error_code ec, std::size_t);
  void on_read(boost::system::error_code ec, std::size_t);
  void finish(boost::system::error_code ec, std::string_view step);

  tcp::resolver resolver_;
  remote_endpoint endpoint_;
  std::shared_ptr<ssl::context> tls_;
  http_fetch_options options_;
  std::optional<beast::tcp_stream> plain_;
  std::optional<beast::ssl_stream<beast::tcp_stream>> secure_;
  http::request<http::empty_body> request_;
  http::response_parser<http::string_body> parser_;
  beast::flat_buffer buffer_;
  done_handler done_;
  bool cancelled_ = false;
};

}  // namespace companion::gateway
