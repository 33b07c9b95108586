// One HTTP/1.1 connection: reads requests with header and body deadlines,
// answers them (see http_api), and hands WebSocket upgrades to ws_connection.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "gateway/net.hpp"

namespace companion::gateway {

class shard;

using http_request = http::request<http::string_body>;
using http_response = http::response<http::string_body>;

class http_session : public std::enable_shared_from_this<http_session> {
 public:
  http_session(shard& home, tcp::socket socket, std::string address);
  ~http_session();
  void start();

 private:
  void read_request();
  void on_header(const boost::system::error_code& ec);
  void on_body(const boost::system::error_code& ec);
  void send(http_response response);
  void on_write(const boost::system::error_code& ec, bool keep_alive);
  void upgrade(const http_request& request);

  shard& home_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::string address_;
  bool handed_over_ = false;
};

}  // namespace companion::gateway
