#include "gateway/sources/http_fetch.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <boost/asio/ssl/host_name_verification.hpp>
#include <utility>

#include "gateway/net/connection_errors.hpp"

namespace companion::gateway {

std::shared_ptr<http_fetch> http_fetch::get(net::io_context& context, std::shared_ptr<ssl::context> tls,
                                            remote_endpoint endpoint, header_list headers, done_handler done,
                                            http_fetch_options options) {
  auto fetch = std::make_shared<http_fetch>(context, std::move(tls), std::move(endpoint), std::move(headers),
                                            std::move(done), std::move(options));
  fetch->start();
  return fetch;
}

http_fetch::http_fetch(net::io_context& context, std::shared_ptr<ssl::context> tls, remote_endpoint endpoint,
                       header_list headers, done_handler done, http_fetch_options options)
    : resolver_(context),
      endpoint_(std::move(endpoint)),
      tls_(std::move(tls)),
      options_(std::move(options)),
      done_(std::move(done)) {
  if (endpoint_.tls) {
    if (!tls_) tls_ = make_client_tls_context();
    secure_.emplace(context, *tls_);
  } else {
    plain_.emplace(context);
  }
  request_.method(http::verb::get);
  request_.target(endpoint_.target);
  request_.version(11);
  request_.set(http::field::host, endpoint_.host_header());
  request_.set(http::field::user_agent, options_.user_agent);
  request_.set(http::field::accept, "application/json");
  for (const auto& [name, value] : headers) request_.set(name, value);
  parser_.body_limit(options_.max_body_bytes);
}

beast::tcp_stream& http_fetch::lowest() {
  return secure_ ? beast::get_lowest_layer(*secure_) : *plain_;
}

void http_fetch::start() {
  lowest().expires_after(options_.timeout);
  resolver_.async_resolve(endpoint_.host, endpoint_.port,
                          beast::bind_front_handler(&http_fetch::on_resolve, shared_from_this()));
}

void http_fetch::cancel() {
  cancelled_ = true;
  resolver_.cancel();
  lowest().cancel();
}

void http_fetch::on_resolve(boost::system::error_code ec, tcp::resolver::results_type results) {
  if (ec) return finish(ec, "resolve");
  if (cancelled_) return finish(net::error::operation_aborted, "resolve");
  lowest().async_connect(results, beast::bind_front_handler(&http_fetch::on_connect, shared_from_this()));
}

void http_fetch::on_connect(boost::system::error_code ec, const tcp::endpoint&) {
  if (ec) return finish(ec, "connect");
  if (cancelled_) return finish(net::error::operation_aborted, "connect");
  if (!secure_) return do_write();
  // SNI: virtual hosts behind one address pick their certificate by it.
  if (!SSL_set_tlsext_host_name(secure_->native_handle(), endpoint_.host.c_str()))
    return finish(
        boost::system::error_code(static_cast<int>(::ERR_get_error()), net::error::get_ssl_category()),
        "tls sni");
  secure_->set_verify_mode(ssl::verify_peer);
  secure_->set_verify_callback(ssl::host_name_verification(endpoint_.host));
  secure_->async_handshake(ssl::stream_base::client,
                           beast::bind_front_handler(&http_fetch::on_handshake, shared_from_this()));
}

void http_fetch::on_handshake(boost::system::error_code ec) {
  if (ec) return finish(ec, "tls handshake");
  if (cancelled_) return finish(net::error::operation_aborted, "tls handshake");
  do_write();
}

void http_fetch::do_write() {
  auto on_write = beast::bind_front_handler(&http_fetch::on_write, shared_from_this());
  if (secure_)
    http::async_write(*secure_, request_, std::move(on_write));
  else
    http::async_write(*plain_, request_, std::move(on_write));
}

void http_fetch::on_write(boost::system::error_code ec, std::size_t) {
  if (ec) return finish(ec, "write");
  auto on_read = beast::bind_front_handler(&http_fetch::on_read, shared_from_this());
  if (secure_)
    http::async_read(*secure_, buffer_, parser_, std::move(on_read));
  else
    http::async_read(*plain_, buffer_, parser_, std::move(on_read));
}

void http_fetch::on_read(boost::system::error_code ec, std::size_t) {
  if (ec) return finish(ec, "read");
  finish({}, {});
}

void http_fetch::finish(boost::system::error_code ec, std::string_view step) {
  if (ec && !cancelled_ && ec != net::error::operation_aborted)
    connection_failed(connection_side::source, step, ec, {{"url", endpoint_.display(false)}});
  boost::system::error_code ignored;
  lowest().socket().close(ignored);
  if (!done_) return;
  http_fetch_result result;
  result.error = ec;
  result.failed_step = step;
  if (!ec) {
    auto response = parser_.release();
    result.status = response.result_int();
    result.body = std::move(response.body());
  }
  std::exchange(done_, nullptr)(std::move(result));
}

}  // namespace companion::gateway
