#include "gateway/store/redis_store.hpp"

#include <charconv>
#include <random>

namespace companion::gateway {
namespace {

using session::append_status;

// Appends records at positions ARGV[2], ARGV[2] + 1, ... (ARGV[3..]: format, text pairs)
// to the stream KEYS[1], all or none: Lua scripts run atomically. With a lease token
// (ARGV[1]), only while it holds the lease KEYS[2]. The explicit IDs make Redis itself
// refuse a position that is taken; the check before the first XADD says so in words,
// and refuses a hole, which XADD would accept.
constexpr const char* append_script = R"lua(
if ARGV[1] ~= '' then
  local holder = redis.call('GET', KEYS[2])
  if holder ~= ARGV[1] then
    return {'fenced', 'this engine does not hold the lease (held by ' .. (holder or 'nobody') .. ')'}
  end
end
local first = tonumber(ARGV[2])
local last = 0
local top = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
if #top > 0 then last = tonumber(string.match(top[1][1], '^(%d+)')) end
if first <= last then
  return {'fenced', string.format('position %d is taken: the journal already ends at %d', first, last)}
end
if first > last + 1 then
  return {'failed', string.format('position %d would leave a hole: the journal ends at %d', first, last)}
end
local n = first
for i = 3, #ARGV, 2 do
  redis.call('XADD', KEYS[1], string.format('%d-0', n), 'f', ARGV[i], 'r', ARGV[i + 1])
  n = n + 1
end
return {'durable', ''}
)lua";

// Keeps ARGV[3] as the snapshot KEYS[3] at position ARGV[2], if the journal KEYS[1]
// reaches that far (and, with a lease token ARGV[1], while it holds the lease KEYS[2]).
constexpr const char* snapshot_script = R"lua(
if ARGV[1] ~= '' then
  local holder = redis.call('GET', KEYS[2])
  if holder ~= ARGV[1] then
    return {'fenced', 'this engine does not hold the lease (held by ' .. (holder or 'nobody') .. ')'}
  end
end
local position = tonumber(ARGV[2])
local last = 0
local top = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
if #top > 0 then last = tonumber(string.match(top[1][1], '^(%d+)')) end
if position > last then
  return {'failed', string.format('the snapshot is ahead of the journal (position %d, journal ends at %d)',
                                  position, last)}
end
redis.call('HSET', KEYS[3], 'n', ARGV[2], 'state', ARGV[3])
return {'durable', ''}
)lua";

// The event's epoch in the hash KEYS[1], created as ARGV[1] (at ARGV[2]) on first use.
constexpr const char* epoch_script = R"lua(
redis.call('HSETNX', KEYS[1], 'created_at', ARGV[2])
redis.call('HSETNX', KEYS[1], 'epoch', ARGV[1])
return redis.call('HGET', KEYS[1], 'epoch')
)lua";

// A new epoch ARGV[1] (at ARGV[2]): the journal KEYS[1] moves aside to ARGV[3] .. old
// epoch, the snapshot KEYS[3] goes, and the records ARGV[4..] (format, text pairs) start
// the new journal at position 1. One atomic step.
constexpr const char* epoch_begin_script = R"lua(
local old = redis.call('HGET', KEYS[2], 'epoch')
if redis.call('EXISTS', KEYS[1]) == 1 then
  local archive = ARGV[3] .. (old or 'none')
  if redis.call('EXISTS', archive) == 1 then archive = archive .. ':' .. ARGV[1] end
  redis.call('RENAME', KEYS[1], archive)
end
redis.call('DEL', KEYS[3])
redis.call('HSET', KEYS[2], 'epoch', ARGV[1], 'created_at', ARGV[2])
local n = 1
for i = 4, #ARGV, 2 do
  redis.call('XADD', KEYS[1], string.format('%d-0', n), 'f', ARGV[i], 'r', ARGV[i + 1])
  n = n + 1
end
return n - 1
)lua";

std::string random_epoch() {
  std::random_device device;
  static constexpr char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::string epoch;
  for (int i = 0; i < 12; ++i) epoch.push_back(digits[device() % 36]);
  return epoch;
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A script's {status, message} answer as an outcome; a reply of another shape is a failure.
session::append_outcome script_outcome(const redisReply* reply) {
  if (reply->type == REDIS_REPLY_ERROR) return {append_status::failed, "Redis: " + reply_text(reply)};
  if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 2)
    return {append_status::failed, "Redis answered the append script unexpectedly"};
  const std::string status = reply_text(reply->element[0]);
  std::string message = reply_text(reply->element[1]);
  if (status == "durable") return {append_status::durable, {}};
  if (status == "fenced") return {append_status::fenced, std::move(message)};
  return {append_status::failed, std::move(message)};
}

bool parse_position(const char* id, std::size_t length, std::uint64_t& out) {
  auto [end, ec] = std::from_chars(id, id + length, out);
  return ec == std::errc{} && end != id;
}

}  // namespace

redis_store::redis_store(redis_store_options options)
    : options_(std::move(options)),
      writer_connection_(options_.address, options_.timeout),
      reader_connection_(options_.address, options_.timeout) {}

std::unique_ptr<redis_store> redis_store::open(redis_store_options options, std::string& error) {
  std::unique_ptr<redis_store> store(new redis_store(std::move(options)));
  std::lock_guard lock(store->reader_mutex_);
  auto pong = store->reader_connection_.command({"PING"}, error);
  if (!pong) return nullptr;
  if (pong->type == REDIS_REPLY_ERROR) {
    error = "Redis refused PING: " + reply_text(pong.get());
    return nullptr;
  }
  return store;
}

redis_store::~redis_store() {
  stop();
}

std::string redis_store::key(const std::string& event, const char* part) const {
  return options_.key_prefix + event + ":" + part;
}

std::string redis_store::epoch_for(const std::string& event, std::int64_t now, std::string& error) {
  std::lock_guard lock(reader_mutex_);
  auto reply = reader_connection_.command(
      {"EVAL", epoch_script, "1", key(event, "meta"), random_epoch(), std::to_string(now)}, error);
  if (!reply) return {};
  if (reply->type != REDIS_REPLY_STRING) {
    error = "cannot record the event's epoch: " + reply_text(reply.get());
    return {};
  }
  return reply_text(reply.get());
}

bool redis_store::read(const std::string& event, std::uint64_t from, std::vector<session::stored_record>& out,
                       std::string& error, std::size_t limit) {
  // A page of Redis's reply at a time: one reply never holds a long journal whole.
  constexpr std::size_t chunk = 4096;
  const std::string stream = key(event, "journal");
  std::uint64_t next = std::max<std::uint64_t>(from, 1);
  std::size_t taken = 0;
  std::lock_guard lock(reader_mutex_);
  while (taken < limit) {
    const std::size_t want = std::min(chunk, limit - taken);
    auto reply = reader_connection_.command(
        {"XRANGE", stream, std::to_string(next) + "-0", "+", "COUNT", std::to_string(want)}, error);
    if (!reply) return false;
    if (reply->type != REDIS_REPLY_ARRAY) {
      error = "cannot read the journal: " + reply_text(reply.get());
      return false;
    }
    for (std::size_t i = 0; i < reply->elements; ++i) {
      const redisReply* entry = reply->element[i];
      session::stored_record record;
      if (entry->type != REDIS_REPLY_ARRAY || entry->elements != 2 ||
          entry->element[0]->type != REDIS_REPLY_STRING ||
          !parse_position(entry->element[0]->str, entry->element[0]->len, record.position) ||
          entry->element[1]->type != REDIS_REPLY_ARRAY) {
        error = "the journal stream " + stream + " holds an entry this build did not write";
        return false;
      }
      const redisReply* fields = entry->element[1];
      for (std::size_t f = 0; f + 1 < fields->elements; f += 2) {
        const std::string name = reply_text(fields->element[f]);
        if (name == "f")
          record.format = std::atoi(reply_text(fields->element[f + 1]).c_str());
        else if (name == "r")
          record.text = reply_text(fields->element[f + 1]);
      }
      next = record.position + 1;
      out.push_back(std::move(record));
    }
    taken += reply->elements;
    if (reply->elements < want) break;
  }
  return true;
}

bool redis_store::read_snapshot(const std::string& event, std::optional<session::journal_snapshot>& out,
                                std::string& error) {
  std::lock_guard lock(reader_mutex_);
  auto reply = reader_connection_.command({"HMGET", key(event, "snapshot"), "n", "state"}, error);
  if (!reply) return false;
  if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 2) {
    error = "cannot read the snapshot: " + reply_text(reply.get());
    return false;
  }
  out.reset();
  if (reply->element[0]->type != REDIS_REPLY_STRING) return true;
  session::journal_snapshot snapshot;
  if (!parse_position(reply->element[0]->str, reply->element[0]->len, snapshot.position)) {
    error = "the snapshot of " + event + " has no valid position";
    return false;
  }
  snapshot.state = reply_text(reply->element[1]);
  out = std::move(snapshot);
  return true;
}

std::string redis_store::begin_epoch(const std::string& event,
                                     const std::vector<session::journal_entry>& records, std::string& error) {
  const std::string epoch = random_epoch();
  std::vector<std::string> args{"EVAL",
                                epoch_begin_script,
                                "3",
                                key(event, "journal"),
                                key(event, "meta"),
                                key(event, "snapshot"),
                                epoch,
                                std::to_string(now_ms()),
                                key(event, "archive:")};
  for (const auto& record : records) {
    args.push_back(std::to_string(record.format));
    args.push_back(record.text);
  }
  std::lock_guard lock(reader_mutex_);
  auto reply = reader_connection_.command(args, error);
  if (!reply) return {};
  if (reply->type != REDIS_REPLY_INTEGER) {
    error = "cannot begin a new epoch: " + reply_text(reply.get());
    return {};
  }
  return epoch;
}

void redis_store::start() {
  std::lock_guard lock(mutex_);
  if (writer_.joinable()) return;
  stopping_ = false;
  writer_ = std::thread([this] { run(); });
}

void redis_store::enqueue(work item) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(item));
  }
  wake_.notify_one();
}

void redis_store::append(const std::string& event, std::uint64_t position,
                         std::vector<session::journal_entry> records, session::append_done done) {
  enqueue(work{work::kind::append, event, position, std::move(records), {}, std::move(done), {}});
}

void redis_store::write_snapshot(const std::string& event, session::journal_snapshot snapshot,
                                 session::append_done done) {
  enqueue(work{
      work::kind::snapshot, event, snapshot.position, {}, std::move(snapshot.state), std::move(done), {}});
}

void redis_store::resume(const std::string& event) {
  enqueue(work{work::kind::resume, event, 0, {}, {}, {}, {}});
}

void redis_store::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && !writer_.joinable()) return;
    stopping_ = true;
  }
  wake_.notify_one();
  if (writer_.joinable()) writer_.join();
}

session::store_stats redis_store::stats() const {
  session::store_stats out;
  out.commits = commits_.load(std::memory_order_relaxed);
  out.records = records_.load(std::memory_order_relaxed);
  out.failures = failures_.load(std::memory_order_relaxed);
  out.fenced = fenced_.load(std::memory_order_relaxed);
  for (std::size_t i = 0; i < out.latency_buckets.size(); ++i)
    out.latency_buckets[i] = latency_buckets_[i].load(std::memory_order_relaxed);
  out.latency_sum_us = latency_sum_us_.load(std::memory_order_relaxed);
  return out;
}

void redis_store::run() {
  std::vector<work> batch;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return !queue_.empty() || stopping_; });
      if (queue_.empty() && stopping_) return;
      // Everything queued while the last round trip ran goes out in this one: group commit.
      batch.swap(queue_);
    }
    // In queue order: an append made before a resume() stays refused even in one batch.
    for (std::size_t i = 0; i < batch.size();) {
      work& item = batch[i];
      if (item.what == work::kind::resume) {
        refused_.erase(item.event);
        ++i;
        continue;
      }
      if (item.what == work::kind::snapshot) {
        write_snapshot_now(item);
        ++i;
        continue;
      }
      if (refused_.contains(item.event)) {
        item.outcome = {append_status::failed,
                        "an earlier append of this event was refused; the writer must resume"};
        ++i;
        continue;
      }
      // The appends right after it of the same event, each where the last one ends.
      std::size_t last = i + 1;
      std::uint64_t next = item.position + item.records.size();
      while (last < batch.size() && batch[last].what == work::kind::append &&
             batch[last].event == item.event && batch[last].position == next) {
        next += batch[last].records.size();
        ++last;
      }
      write_appends(batch, i, last);
      i = last;
    }
    for (auto& item : batch) {
      if (item.what == work::kind::append && item.outcome.status == append_status::durable)
        records_.fetch_add(item.records.size(), std::memory_order_relaxed);
      if (item.outcome.status == append_status::fenced) fenced_.fetch_add(1, std::memory_order_relaxed);
      if (item.done) item.done(item.outcome);
    }
    batch.clear();
  }
}

bool redis_store::write_appends(std::vector<work>& batch, std::size_t first, std::size_t last) {
  const std::string& event = batch[first].event;
  std::vector<std::string> args{"EVAL",
                                append_script,
                                "2",
                                key(event, "journal"),
                                lease_key(options_.key_prefix),
                                options_.lease_token,
                                std::to_string(batch[first].position)};
  for (std::size_t i = first; i < last; ++i)
    for (const auto& record : batch[i].records) {
      args.push_back(std::to_string(record.format));
      args.push_back(record.text);
    }
  std::string error;
  const auto started = std::chrono::steady_clock::now();
  auto reply = writer_connection_.command(args, error);
  const auto elapsed_us = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started)
          .count());
  std::size_t bucket = 0;
  while (bucket < session::store_stats::bounds_us.size() &&
         elapsed_us > session::store_stats::bounds_us[bucket])
    ++bucket;
  latency_buckets_[bucket].fetch_add(1, std::memory_order_relaxed);
  latency_sum_us_.fetch_add(elapsed_us, std::memory_order_relaxed);
  session::append_outcome outcome =
      reply ? script_outcome(reply.get()) : session::append_outcome{append_status::failed, error};
  if (outcome.status == append_status::durable) {
    commits_.fetch_add(1, std::memory_order_relaxed);
    for (std::size_t i = first; i < last; ++i) batch[i].outcome = outcome;
    return true;
  }
  if (outcome.status == append_status::failed) failures_.fetch_add(1, std::memory_order_relaxed);
  // Nothing of the group was stored; the ones after the first were computed from it.
  refused_.insert(event);
  batch[first].outcome = outcome;
  for (std::size_t i = first + 1; i < last; ++i)
    batch[i].outcome = {append_status::failed,
                        "an earlier append of this event was refused: " + outcome.error};
  return reply != nullptr;
}

bool redis_store::write_snapshot_now(work& item) {
  std::string error;
  auto reply = writer_connection_.command(
      {"EVAL", snapshot_script, "3", key(item.event, "journal"), lease_key(options_.key_prefix),
       key(item.event, "snapshot"), options_.lease_token, std::to_string(item.position), item.state},
      error);
  item.outcome = reply ? script_outcome(reply.get()) : session::append_outcome{append_status::failed, error};
  return reply != nullptr;
}

}  // namespace companion::gateway
