#include "gateway/did_resolver.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/json/parse.hpp>

#include "gateway/log.hpp"

namespace companion::gateway {
namespace {

// A handle is a domain name; "handle.invalid" is what the API says when it has none.
bool usable_handle(std::string_view handle) {
  if (handle.empty() || handle.size() > 253 || handle == "handle.invalid") return false;
  for (unsigned char c : handle)
    if (!std::isalnum(c) && c != '.' && c != '-') return false;
  return true;
}

}  // namespace

// One GET of one profile over plain TCP or TLS, with one deadline for all of it.
class did_resolver::request : public std::enable_shared_from_this<did_resolver::request> {
 public:
  using done_handler = std::function<void(bool ok, std::string handle, std::string_view failure)>;

  request(net::io_context& context, std::shared_ptr<ssl::context> tls, const remote_endpoint& endpoint,
          std::string target, const did_resolver_options& options, done_handler done)
      : resolver_(context),
        endpoint_(endpoint),
        tls_(std::move(tls)),
        timeout_(options.timeout),
        done_(std::move(done)) {
    if (endpoint_.tls)
      secure_.emplace(context, *tls_);
    else
      plain_.emplace(context);
    request_.method(http::verb::get);
    request_.target(target);
    request_.version(11);
    request_.set(http::field::host, endpoint_.host_header());
    request_.set(http::field::user_agent, "companion");
    request_.set(http::field::accept, "application/json");
    parser_.body_limit(options.max_body_bytes);
  }

  void start() {
    lowest().expires_after(timeout_);
    resolver_.async_resolve(endpoint_.host, endpoint_.port,
                            beast::bind_front_handler(&request::on_resolve, shared_from_this()));
  }

  void cancel() {
    resolver_.cancel();
    lowest().cancel();
  }

 private:
  beast::tcp_stream& lowest() { return secure_ ? beast::get_lowest_layer(*secure_) : *plain_; }

  void on_resolve(boost::system::error_code ec, tcp::resolver::results_type results) {
    if (ec) return finish(false, {}, "resolve");
    lowest().async_connect(results, beast::bind_front_handler(&request::on_connect, shared_from_this()));
  }

  void on_connect(boost::system::error_code ec, const tcp::endpoint&) {
    if (ec) return finish(false, {}, "connect");
    if (!secure_) return do_write();
    if (!SSL_set_tlsext_host_name(secure_->native_handle(), endpoint_.host.c_str()))
      return finish(false, {}, "tls sni");
    secure_->set_verify_mode(ssl::verify_peer);
    secure_->set_verify_callback(ssl::host_name_verification(endpoint_.host));
    secure_->async_handshake(ssl::stream_base::client,
                             beast::bind_front_handler(&request::on_handshake, shared_from_this()));
  }

  void on_handshake(boost::system::error_code ec) {
    if (ec) return finish(false, {}, "tls handshake");
    do_write();
  }

  void do_write() {
    auto on_write = beast::bind_front_handler(&request::on_write, shared_from_this());
    if (secure_)
      http::async_write(*secure_, request_, std::move(on_write));
    else
      http::async_write(*plain_, request_, std::move(on_write));
  }

  void on_write(boost::system::error_code ec, std::size_t) {
    if (ec) return finish(false, {}, "write");
    auto on_read = beast::bind_front_handler(&request::on_read, shared_from_this());
    if (secure_)
      http::async_read(*secure_, buffer_, parser_, std::move(on_read));
    else
      http::async_read(*plain_, buffer_, parser_, std::move(on_read));
  }

  void on_read(boost::system::error_code ec, std::size_t) {
    if (ec) return finish(false, {}, "read");
    const auto& response = parser_.get();
    if (response.result() != http::status::ok) {
      // 400 is the API's answer for a DID it does not know: final, not worth retrying.
      bool final = response.result() == http::status::bad_request;
      return finish(final, {}, final ? "unknown actor" : "http status");
    }
    boost::system::error_code json_ec;
    auto body = boost::json::parse(response.body(), json_ec);
    if (json_ec || !body.is_object()) return finish(false, {}, "answer not JSON");
    const auto* handle = body.get_object().if_contains("handle");
    if (!handle || !handle->is_string() || !usable_handle(handle->get_string()))
      return finish(true, {}, "no handle");
    finish(true, std::string(handle->get_string()), {});
  }

  void finish(bool ok, std::string handle, std::string_view failure) {
    boost::system::error_code ignored;
    lowest().socket().close(ignored);
    if (done_) std::exchange(done_, nullptr)(ok, std::move(handle), failure);
  }

  tcp::resolver resolver_;
  remote_endpoint endpoint_;
  std::shared_ptr<ssl::context> tls_;
  std::chrono::seconds timeout_;
  std::optional<beast::tcp_stream> plain_;
  std::optional<beast::ssl_stream<beast::tcp_stream>> secure_;
  http::request<http::empty_body> request_;
  http::response_parser<http::string_body> parser_;
  beast::flat_buffer buffer_;
  done_handler done_;
};

did_resolver::did_resolver(net::io_context& context, did_resolver_options options,
                           resolved_handler on_resolved, std::shared_ptr<ssl::context> tls)
    : context_(context),
      options_(std::move(options)),
      on_resolved_(std::move(on_resolved)),
      tls_(std::move(tls)),
      settled_(options_.max_settled),
      backoff_(options_.retry),
      timer_(context) {
  endpoint_ = parse_endpoint(options_.url, url_error_);
  if (endpoint_ && endpoint_->tls && !tls_) tls_ = make_client_tls_context();
}

did_resolver::~did_resolver() {
  *alive_ = false;
}

bool did_resolver::valid(std::string& error) const {
  if (endpoint_) return true;
  error = "DID resolver URL " + options_.url + ": " + url_error_;
  return false;
}

void did_resolver::resolve(std::string_view did) {
  if (stopped_ || !endpoint_ || did.substr(0, 4) != "did:") return;
  if (queue_.size() >= options_.max_pending || settled_.contains(std::string(did))) return;
  auto [it, inserted] = queued_.emplace(did);
  if (!inserted) return;
  queue_.push_back(*it);
  if (!in_flight_ && !waiting_) next();
}

void did_resolver::next() {
  if (stopped_ || in_flight_ || waiting_ || queue_.empty()) return;
  std::string did = queue_.front();
  std::string target = endpoint_->target;
  target += target.find('?') == std::string::npos ? '?' : '&';
  target += "actor=" + url_encode(did);
  std::weak_ptr<bool> alive = alive_;
  in_flight_ =
      std::make_shared<request>(context_, tls_, *endpoint_, std::move(target), options_,
                                [this, alive, did](bool ok, std::string handle, std::string_view failure) {
                                  if (alive.expired() || !*alive.lock()) return;
                                  on_answer(did, ok, std::move(handle), failure);
                                });
  in_flight_->start();
}

void did_resolver::on_answer(std::string did, bool ok, std::string handle, std::string_view failure) {
  in_flight_.reset();
  if (stopped_) return;
  if (ok) {
    queue_.pop_front();
    queued_.erase(did);
    attempts_.erase(did);
    backoff_.reset();
    if (failing_) {
      failing_ = false;
      log_event("did_resolver_recovered", {{"url", endpoint_->display(false)}});
    }
    if (!handle.empty()) {
      ++resolved_;
      on_resolved_(did, handle);
    } else {
      settled_.put(did);
    }
    return next();
  }
  ++failures_;
  if (!failing_) {
    // Once per outage: offline is a normal state for this server, not an alarm per DID.
    failing_ = true;
    log_event("did_resolver_unavailable",
              {{"url", endpoint_->display(false)}, {"failed", std::string(failure)}});
  }
  if (++attempts_[did] >= options_.max_attempts) {
    queue_.pop_front();
    queued_.erase(did);
    attempts_.erase(did);
  } else {
    // To the back, so that one bad DID does not block the others.
    queue_.pop_front();
    queue_.push_back(did);
  }
  waiting_ = true;
  timer_.expires_after(backoff_.next());
  std::weak_ptr<bool> alive = alive_;
  timer_.async_wait([this, alive](const boost::system::error_code& ec) {
    if (ec || alive.expired() || !*alive.lock()) return;
    waiting_ = false;
    next();
  });
}

void did_resolver::stop() {
  stopped_ = true;
  timer_.cancel();
  if (in_flight_) in_flight_->cancel();
  in_flight_.reset();
}

boost::json::object did_resolver::status() const {
  std::string_view state = stopped_ ? "stopped" : in_flight_ ? "resolving" : waiting_ ? "backoff" : "idle";
  return {{"url", endpoint_ ? endpoint_->display(false) : options_.url},
          {"state", state},
          {"pending", static_cast<std::uint64_t>(queue_.size())},
          {"resolved", resolved_},
          {"failures", failures_}};
}

}  // namespace companion::gateway
