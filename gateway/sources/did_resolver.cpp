#include "gateway/sources/did_resolver.hpp"

#include <boost/json/parse.hpp>

#include "gateway/process/log.hpp"

namespace companion::gateway {
namespace {

// A handle is a domain name; "handle.invalid" is what the API says when it has none.
bool usable_handle(std::string_view handle) {
  if (handle.empty() || handle.size() > 253 || handle == "handle.invalid") return false;
  for (unsigned char c : handle)
    if (!std::isalnum(c) && c != '.' && c != '-') return false;
  return true;
}

// What one profile lookup says: ok means final (a handle, or none to be had);
// otherwise `failure` names what went wrong and the DID is tried again later.
struct profile_answer {
  bool ok = false;
  std::string handle;
  std::string_view failure;
};

profile_answer read_profile(const http_fetch_result& result) {
  if (result.error) return {false, {}, result.failed_step};
  if (result.status != 200) {
    // 400 is the API's answer for a DID it does not know: final, not worth retrying.
    bool final = result.status == 400;
    return {final, {}, final ? "unknown actor" : "http status"};
  }
  boost::system::error_code json_ec;
  auto body = boost::json::parse(result.body, json_ec);
  if (json_ec || !body.is_object()) return {false, {}, "answer not JSON"};
  const auto* handle = body.get_object().if_contains("handle");
  if (!handle || !handle->is_string() || !usable_handle(handle->get_string())) return {true, {}, "no handle"};
  return {true, std::string(handle->get_string()), {}};
}

}  // namespace

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
  remote_endpoint profile = *endpoint_;
  profile.target = with_query(profile.target, {{"actor", did}});
  http_fetch_options fetch_options;
  fetch_options.timeout = options_.timeout;
  fetch_options.max_body_bytes = options_.max_body_bytes;
  std::weak_ptr<bool> alive = alive_;
  in_flight_ = http_fetch::get(
      context_, tls_, std::move(profile), {},
      [this, alive, did](http_fetch_result result) {
        if (alive.expired() || !*alive.lock()) return;
        profile_answer answer = read_profile(result);
        on_answer(did, answer.ok, std::move(answer.handle), answer.failure);
      },
      fetch_options);
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
