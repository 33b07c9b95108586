#include "gateway/sources/ws_client.hpp"

#include "gateway/net/connection_errors.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <boost/url/url.hpp>

namespace companion::gateway {
namespace urls = boost::urls;

std::optional<remote_endpoint> parse_endpoint(std::string_view url, std::string& error) {
  auto parsed = urls::parse_uri(url);
  if (!parsed) {
    error = "not a URL (want ws://, wss://, http:// or https://)";
    return std::nullopt;
  }
  const urls::url_view& u = *parsed;
  // After the authority the path is empty or starts with '/'; Boost.URL 1.81 lets
  // "host:80x/" through as port 80 and path "x/".
  if (!u.encoded_path().empty() && !u.encoded_path().starts_with("/")) {
    error = "bad port or junk after the host";
    return std::nullopt;
  }
  remote_endpoint out;
  switch (u.scheme_id()) {
    case urls::scheme::wss:
    case urls::scheme::https:
      out.tls = true;
      break;
    case urls::scheme::ws:
    case urls::scheme::http:
      break;
    default:
      error = "unsupported scheme '" + std::string(u.scheme()) + "' (want ws, wss, http or https)";
      return std::nullopt;
  }
  if (u.has_userinfo()) {
    error = "credentials in the URL are not supported; use a token setting";
    return std::nullopt;
  }
  switch (u.host_type()) {
    case urls::host_type::ipv6:
      out.host = u.host_ipv6_address().to_string();
      break;
    case urls::host_type::ipv4:
    case urls::host_type::name:
      out.host = u.host();
      break;
    default:
      break;
  }
  if (out.host.empty()) {
    error = "no host in the URL";
    return std::nullopt;
  }
  out.port = u.port().empty() ? (out.tls ? "443" : "80") : std::string(u.port());
  // The fragment never leaves the client; path and query are the request target.
  out.target = u.encoded_path().empty() ? "/" : std::string(u.encoded_path());
  if (u.has_query()) out.target.append("?").append(u.encoded_query());
  return out;
}

std::string remote_endpoint::host_header() const {
  bool ipv6 = host.find(':') != std::string::npos;
  std::string out = ipv6 ? "[" + host + "]" : host;
  if (port != (tls ? "443" : "80")) out += ":" + port;
  return out;
}

std::string remote_endpoint::display(bool websocket) const {
  std::string scheme = websocket ? (tls ? "wss" : "ws") : (tls ? "https" : "http");
  return scheme + "://" + host_header() + target_path(target);
}

std::string url_encode(std::string_view text) {
  return urls::encode(text, urls::unreserved_chars);
}

std::string target_path(std::string_view target) {
  auto parsed = urls::parse_origin_form(target);
  if (parsed) return std::string(parsed->encoded_path());
  // Not a target we built (sources only ever hold parsed ones): up to the query, as sent.
  return std::string(target.substr(0, target.find('?')));
}

std::string with_query(std::string_view target, std::initializer_list<query_param> set) {
  urls::url u;
  if (auto parsed = urls::parse_origin_form(target))
    u = *parsed;
  else
    u.set_encoded_path(target_path(target));
  auto params = u.encoded_params();
  for (const auto& [name, value] : set) {
    params.erase(urls::pct_string_view(url_encode(name)));
    if (value) {
      const std::string key = url_encode(name), encoded = url_encode(*value);
      params.append(urls::param_pct_view(urls::pct_string_view(key), urls::pct_string_view(encoded)));
    }
  }
  // Empty parameters ("a=1&&b=2") say nothing; they are dropped.
  for (auto it = params.begin(); it != params.end();) {
    if ((*it).key.empty() && !(*it).has_value)
      it = params.erase(it);
    else
      ++it;
  }
  std::string out(u.encoded_path().empty() ? "/" : std::string(u.encoded_path()));
  if (!params.empty()) out.append("?").append(u.encoded_query());
  return out;
}

std::shared_ptr<ssl::context> make_client_tls_context() {
  auto context = std::make_shared<ssl::context>(ssl::context::tlsv12_client);
  boost::system::error_code ec;
  context->set_default_verify_paths(ec);  // without it every peer fails verification; reported per connection
  context->set_verify_mode(ssl::verify_peer);
  return context;
}

ws_client::ws_client(net::io_context& context, std::shared_ptr<ssl::context> tls, ws_client_options options)
    : context_(context), tls_(std::move(tls)), options_(std::move(options)), resolver_(context) {}

void ws_client::open(remote_endpoint endpoint, header_list headers, handlers callbacks) {
  endpoint_ = std::move(endpoint);
  headers_ = std::move(headers);
  handlers_ = std::move(callbacks);
  if (endpoint_.tls) {
    if (!tls_) tls_ = make_client_tls_context();
    secure_.emplace(context_, *tls_);
  } else {
    plain_.emplace(context_);
  }
  resolver_.async_resolve(endpoint_.host, endpoint_.port,
                          beast::bind_front_handler(&ws_client::on_resolve, shared_from_this()));
}

void ws_client::on_resolve(boost::system::error_code ec, tcp::resolver::results_type results) {
  if (ec) return finish(ec, "resolve");
  if (closing_) return finish(net::error::operation_aborted, "resolve");
  with_stream([&](auto& ws) {
    auto& tcp_layer = beast::get_lowest_layer(ws);
    tcp_layer.expires_after(options_.connect_timeout);
    tcp_layer.async_connect(results, beast::bind_front_handler(&ws_client::on_connect, shared_from_this()));
  });
}

void ws_client::on_connect(boost::system::error_code ec, const tcp::endpoint&) {
  if (ec) return finish(ec, "connect");
  if (closing_) return finish(net::error::operation_aborted, "connect");
  if (!secure_) return do_ws_handshake();
  auto& tls_stream = secure_->next_layer();
  // SNI: virtual hosts behind one address pick their certificate by it.
  if (!SSL_set_tlsext_host_name(tls_stream.native_handle(), endpoint_.host.c_str()))
    return finish(
        boost::system::error_code(static_cast<int>(::ERR_get_error()), net::error::get_ssl_category()),
        "tls sni");
  tls_stream.set_verify_mode(ssl::verify_peer);
  tls_stream.set_verify_callback(ssl::host_name_verification(endpoint_.host));
  beast::get_lowest_layer(*secure_).expires_after(options_.connect_timeout);
  tls_stream.async_handshake(ssl::stream_base::client,
                             beast::bind_front_handler(&ws_client::on_tls_handshake, shared_from_this()));
}

void ws_client::on_tls_handshake(boost::system::error_code ec) {
  if (ec) return finish(ec, "tls handshake");
  if (closing_) return finish(net::error::operation_aborted, "tls handshake");
  do_ws_handshake();
}

void ws_client::do_ws_handshake() {
  with_stream([&](auto& ws) {
    // From here the WebSocket's own timeouts apply (handshake, idle with pings).
    beast::get_lowest_layer(ws).expires_never();
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = options_.handshake_timeout;
    timeouts.idle_timeout = options_.idle_timeout;
    timeouts.keep_alive_pings = true;
    ws.set_option(timeouts);
    ws.read_message_max(options_.max_message_bytes);
    ws.set_option(websocket::stream_base::decorator([this](websocket::request_type& request) {
      request.set(http::field::user_agent, options_.user_agent);
      for (const auto& [name, value] : headers_) request.set(name, value);
    }));
    ws.async_handshake(endpoint_.host_header(), endpoint_.target,
                       beast::bind_front_handler(&ws_client::on_ws_handshake, shared_from_this()));
  });
}

void ws_client::on_ws_handshake(boost::system::error_code ec) {
  if (ec) return finish(ec, "websocket handshake");
  if (closing_) return finish(net::error::operation_aborted, "websocket handshake");
  open_ = true;
  if (handlers_.on_open) handlers_.on_open();
  do_read();
}

void ws_client::do_read() {
  with_stream([&](auto& ws) {
    ws.async_read(buffer_, beast::bind_front_handler(&ws_client::on_read, shared_from_this()));
  });
}

void ws_client::on_read(boost::system::error_code ec, std::size_t) {
  if (ec) {
    open_ = false;
    return finish(ec, "read");
  }
  bool text = false;
  with_stream([&](auto& ws) { text = ws.got_text(); });
  if (text && handlers_.on_text && !closing_) {
    auto data = buffer_.cdata();
    handlers_.on_text(std::string_view(static_cast<const char*>(data.data()), data.size()));
  }
  buffer_.consume(buffer_.size());
  // A handler may have asked to close; the pending close completes the read with `closed`.
  do_read();
}

void ws_client::close() {
  if (closing_ || finished_) return;
  closing_ = true;
  if (!open_) {
    // Still connecting: cancel whatever step is in flight; its handler reports the end.
    resolver_.cancel();
    with_stream([](auto& ws) { beast::get_lowest_layer(ws).cancel(); });
    return;
  }
  with_stream([&](auto& ws) {
    ws.async_close(websocket::close_code::normal,
                   beast::bind_front_handler(&ws_client::on_close, shared_from_this()));
  });
}

void ws_client::on_close(boost::system::error_code ec) {
  // The read loop sees the end too and reports it; a failed close still ends the socket.
  if (ec) with_stream([](auto& ws) { beast::get_lowest_layer(ws).close(); });
}

void ws_client::finish(boost::system::error_code ec, std::string_view what) {
  if (finished_) return;
  finished_ = true;
  // A close we asked for, or the peer's clean close frame, is an end but not a failure.
  if (ec && !closing_ && ec != net::error::operation_aborted && ec != websocket::error::closed)
    connection_failed(connection_side::source, what, ec, {{"url", endpoint_.display()}});
  open_ = false;
  with_stream([](auto& ws) {
    boost::system::error_code ignored;
    beast::get_lowest_layer(ws).socket().close(ignored);
  });
  auto on_closed = std::move(handlers_.on_closed);
  handlers_ = {};
  if (on_closed) on_closed(ec, what);
}

}  // namespace companion::gateway
