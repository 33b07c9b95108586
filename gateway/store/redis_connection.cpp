#include "gateway/store/redis_connection.hpp"

namespace companion::gateway {
namespace {

timeval to_timeval(std::chrono::milliseconds ms) {
  return {static_cast<time_t>(ms.count() / 1000), static_cast<suseconds_t>((ms.count() % 1000) * 1000)};
}

// Reconnects: soon after a one-off drop, at most every two seconds while Redis stays
// down, so a command learns that it is down without waiting for a connect timeout.
constexpr backoff_policy reconnect_policy{std::chrono::milliseconds(100), std::chrono::milliseconds(2000),
                                          std::chrono::milliseconds(10'000)};

}  // namespace

std::string reply_text(const redisReply* reply) {
  if (!reply) return {};
  if (reply->type == REDIS_REPLY_STRING || reply->type == REDIS_REPLY_STATUS ||
      reply->type == REDIS_REPLY_ERROR)
    return {reply->str, reply->len};
  return {};
}

redis_connection::redis_connection(redis_address address, std::chrono::milliseconds timeout)
    : address_(std::move(address)), timeout_(timeout), retry_(reconnect_policy) {}

redis_connection::~redis_connection() {
  drop();
}

void redis_connection::drop() {
  if (context_) redisFree(context_);
  context_ = nullptr;
}

bool redis_connection::connect(std::string& error) {
  const auto now = backoff::clock::now();
  if (now < next_attempt_) {
    error = "Redis at " + address_.host + ":" + std::to_string(address_.port) + " is unreachable (" +
            last_error_ + "); trying again shortly";
    return false;
  }
  auto fail = [&](std::string why) {
    drop();
    last_error_ = std::move(why);
    error =
        "cannot reach Redis at " + address_.host + ":" + std::to_string(address_.port) + ": " + last_error_;
    retry_.disconnected(now);
    next_attempt_ = now + retry_.next();
    return false;
  };
  context_ = redisConnectWithTimeout(address_.host.c_str(), address_.port, to_timeval(timeout_));
  if (!context_) return fail("out of memory");
  if (context_->err) return fail(context_->errstr);
  if (redisSetTimeout(context_, to_timeval(timeout_)) != REDIS_OK) return fail("cannot set the timeout");
  if (!address_.password.empty()) {
    redis_reply auth(static_cast<redisReply*>(
        redisCommand(context_, "AUTH %b", address_.password.data(), address_.password.size())));
    if (!auth) return fail(context_->errstr);
    if (auth->type == REDIS_REPLY_ERROR) return fail("AUTH: " + reply_text(auth.get()));
  }
  if (address_.db != 0) {
    redis_reply selected(static_cast<redisReply*>(redisCommand(context_, "SELECT %u", address_.db)));
    if (!selected) return fail(context_->errstr);
    if (selected->type == REDIS_REPLY_ERROR)
      return fail("SELECT " + std::to_string(address_.db) + ": " + reply_text(selected.get()));
  }
  retry_.connected(now);
  return true;
}

redis_reply redis_connection::command(const std::vector<std::string>& args, std::string& error) {
  if (!context_ && !connect(error)) return nullptr;
  std::vector<const char*> argv;
  std::vector<std::size_t> lengths;
  argv.reserve(args.size());
  lengths.reserve(args.size());
  for (const auto& arg : args) {
    argv.push_back(arg.data());
    lengths.push_back(arg.size());
  }
  redis_reply reply(static_cast<redisReply*>(
      redisCommandArgv(context_, static_cast<int>(argv.size()), argv.data(), lengths.data())));
  if (!reply) {
    // A timeout or a dropped connection: the context cannot be used again.
    last_error_ = context_->err ? context_->errstr : "no reply";
    error =
        "Redis at " + address_.host + ":" + std::to_string(address_.port) + " did not answer: " + last_error_;
    drop();
    const auto now = backoff::clock::now();
    retry_.disconnected(now);
    next_attempt_ = now + retry_.next();
    return nullptr;
  }
  return reply;
}

}  // namespace companion::gateway
