// What an event's engine needs from durable storage, whatever holds it (an embedded
// SQLite file, Redis): append journal records at the position the writer expects and
// hear when they are durable, read them back from a point, keep snapshots. The engine
// side owns this contract; the gateway supplies the implementations.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace companion::session {

// One journal record on its way to the store.
struct journal_entry {
  int format = 1;    // the record's format version (its "v")
  std::string text;  // the record as JSON text
  // A record a state snapshot folds in (journal_record_folds): once a snapshot past it is
  // stored, the store may drop it.
  bool folds = false;
};

// One journal record as stored.
struct stored_record {
  std::uint64_t position = 0;  // 1 for the first record of the epoch's journal, then +1 each
  int format = 1;
  std::string text;
};

// The state of an event after the first `position` records of its journal, in a form
// its engine can start from instead of replaying them.
struct journal_snapshot {
  std::uint64_t position = 0;
  std::string state;
};

enum class append_status {
  durable,  // every record of the batch is stored and survives a crash from now on
  fenced,   // another writer already wrote at that position: nothing of the batch was stored
  failed,   // the store could not write it (disk full, I/O error, a hole): nothing was stored
};

struct append_outcome {
  append_status status = append_status::failed;
  std::string error;  // what went wrong, for the log; empty when durable
};

// Runs once per append on a thread of the store, after the outcome is final.
using append_done = std::function<void(const append_outcome&)>;

// What a new epoch started with the writer running came to: on `durable`, the epoch and
// the records its journal starts with (positions 1..n).
struct epoch_outcome {
  append_outcome outcome;
  std::string epoch;
  std::vector<stored_record> journal;
};
using epoch_done = std::function<void(epoch_outcome)>;
// Which records of the present journal a new epoch keeps.
using record_filter = std::function<bool(const stored_record&)>;

// Figures for /metrics, read from any thread.
struct store_stats {
  std::uint64_t commits = 0;    // group commits
  std::uint64_t records = 0;    // records made durable
  std::uint64_t failures = 0;   // commits that failed
  std::uint64_t fenced = 0;     // appends refused because another writer was first
  std::uint64_t snapshots = 0;  // state snapshots stored
  std::uint64_t folded = 0;     // records dropped because a stored snapshot covers them
  std::uint64_t memory_bytes = 0;
  // Commit latency histogram, upper bounds in microseconds (last bucket: +Inf).
  static constexpr std::array<std::uint64_t, 10> bounds_us{250,   500,   1000,  2500,   5000,
                                                           10000, 25000, 50000, 100000, 250000};
  std::array<std::uint64_t, 11> latency_buckets{};
  std::uint64_t latency_sum_us = 0;
};

class journal_store {
 public:
  virtual ~journal_store() = default;

  // The event's epoch, created (and stored) on first use. Empty with `error` on failure.
  virtual std::string epoch_for(const std::string& event, std::int64_t now_ms, std::string& error) = 0;

  // No limit on a read: as many records as SQLite can count.
  static constexpr std::size_t all_records =
      static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max());
  // Thread-safe, and may block: the records of the event's journal from `from` (a
  // position, 1 for all) to the last durable one, in order, at most `limit` of them (a
  // reader that goes through a long journal page by page never holds all of it).
  virtual bool read(const std::string& event, std::uint64_t from, std::vector<stored_record>& out,
                    std::string& error, std::size_t limit = all_records) = 0;

  // Thread-safe, never blocks on storage: stores `records` at positions `position`,
  // `position + 1`, ... all or none, then runs `done`. The writer names the position it
  // believes comes next (one past the last durable record): a position already taken is
  // `fenced`, one past a hole is `failed`. Appends are stored in the order they are made.
  // Once an append of an event is refused, the event's later appends are refused too
  // (they were computed from state that was never stored) until the writer, having
  // rebuilt its state from what is durable, calls resume().
  virtual void append(const std::string& event, std::uint64_t position, std::vector<journal_entry> records,
                      append_done done) = 0;
  // Thread-safe: appends of `event` made after this call are taken again. Takes effect in
  // order with appends, so one made before it is still refused.
  virtual void resume(const std::string& event) = 0;

  // Thread-safe, may block: as read(), from the journal of an earlier epoch of the event
  // that a new epoch kept aside (none: no records, and true).
  virtual bool read_archived(const std::string& event, const std::string& epoch, std::uint64_t from,
                             std::vector<stored_record>& out, std::string& error,
                             std::size_t limit = all_records) {
    (void)event, (void)epoch, (void)from, (void)out, (void)limit;
    error = "this store keeps no earlier epochs";
    return false;
  }

  // Thread-safe, never blocks on storage: keeps `snapshot` as the event's latest, once
  // the records it covers are durable (ordered with appends); `done` as for append. The
  // records it covers that fold (journal_entry::folds) may then be dropped, except the
  // one at its position, which marks where the journal ends: a reader that starts from
  // the snapshot never needs them, and the audit export does not either.
  virtual void write_snapshot(const std::string& event, journal_snapshot snapshot, append_done done) = 0;
  // Thread-safe, may block: the event's latest snapshot, nullopt when there is none.
  virtual bool read_snapshot(const std::string& event, std::optional<journal_snapshot>& out,
                             std::string& error) = 0;

  // With no writer running (an offline upgrade): the event gets a new epoch, returned,
  // and a journal of `records` (positions 1..n); its snapshot is dropped. The previous
  // epoch's journal is kept aside, not lost. Empty with `error` on failure.
  virtual std::string begin_epoch(const std::string& event, const std::vector<journal_entry>& records,
                                  std::string& error) = 0;

  // Thread-safe, never blocks on storage; for a running writer (a producer's reset):
  // ordered with appends, as begin_epoch but with the journal's records that `keep` takes,
  // in order and numbered from 1. An append made before it goes to the old journal (kept
  // aside), one made after it to the new; an earlier refusal does not stop it, since the
  // new journal holds only durable records. `done` runs once, on a thread of the store.
  virtual void begin_epoch_live(const std::string& event, record_filter keep, epoch_done done) {
    (void)event;
    (void)keep;
    done({{append_status::failed, "this store cannot start a new epoch while it runs"}, {}, {}});
  }

  // Starts and stops the writer; stop() makes what was appended before it durable first.
  virtual void start() = 0;
  virtual void stop() = 0;

  virtual store_stats stats() const = 0;
};

}  // namespace companion::session
