// When a viewer page shows each change so that it lands in step with a delayed
// video: a change made by the server at `at` is held until the server's clock
// (as the page estimates it) reaches at + L, L being the stream's latency.
// Changes leave in the order they came (seq order), never overtaking one another,
// except the ones `urgent` picks (the viewer's own question), which leave at once.
//
// Two clocks: `now()` is the server's time as estimated by the page, used to
// compare with `at`; `mono()` is a monotonic clock (performance.now()), used to
// bound how long anything is held: a change never waits longer than L plus
// `slack_ms` after it arrived, so a clock that jumps back (or an `at` from a
// skewed source) cannot freeze the page. A clock that jumps forward only releases
// early. Pure: no timers, no DOM; the caller asks what is due and when to ask again.

// How much longer than the latency itself a change may be held, in monotonic time.
export const HOLD_SLACK_MS = 5000;

export class ReleaseSchedule {
  // now(): the server's clock, ms; mono(): a monotonic clock, ms; latency(): L, ms.
  constructor({ now, mono, latency, slack_ms = HOLD_SLACK_MS, urgent = () => false }) {
    this.now_ = now;
    this.mono_ = mono;
    this.latency_ = latency;
    this.slack_ms_ = slack_ms;
    this.urgent_ = urgent;
    this.held_ = [];  // {change, received}, in arrival (seq) order
    this.last_seq_ = 0;  // the highest seq taken, so a resume's repeats are dropped
  }

  get size() {
    return this.held_.length;
  }

  // Takes one change ({seq, at, kind, data}); returns it in a list if it is due at
  // once (urgent, or already late), else holds it and returns []. Changes at or below
  // the last seq taken are repeats (a resume overlapping what was held) and dropped.
  push(change) {
    if (typeof change.seq === 'number') {
      if (change.seq <= this.last_seq_) return [];
      this.last_seq_ = change.seq;
    }
    if (this.urgent_(change)) return [change];
    this.held_.push({ change, received: this.mono_() });
    return this.due();
  }

  // Starts over from a snapshot at `seq`: what was held belongs to the old copy of the
  // state. `held` (changes the page derived from the snapshot itself, dated after the
  // moment shown) are held in their order, ahead of anything newer.
  reset(seq, held = []) {
    const received = this.mono_();
    this.held_ = held.map((change) => ({ change, received }));
    this.last_seq_ = typeof seq === 'number' ? seq : 0;
  }

  // The changes due now, oldest first; each is released once.
  due() {
    const out = [];
    while (this.held_.length > 0 && this.#is_due(this.held_[0])) out.push(this.held_.shift().change);
    return out;
  }

  // Takes out the held changes `pick` chooses, in their order (the viewer's own question,
  // whose change came before the ack that told it was theirs).
  take(pick) {
    const out = this.held_.filter((h) => pick(h.change)).map((h) => h.change);
    if (out.length > 0) this.held_ = this.held_.filter((h) => !out.includes(h.change));
    return out;
  }

  // Everything held, at once (the viewer switched to live).
  flush() {
    const out = this.held_.map((h) => h.change);
    this.held_ = [];
    return out;
  }

  // In how many ms (monotonic) the next change is due; null when nothing is held.
  next_in() {
    if (this.held_.length === 0) return null;
    const head = this.held_[0];
    const latency = Math.max(0, this.latency_());
    const by_clock = typeof head.change.at === 'number' ? head.change.at + latency - this.now_() : latency;
    const by_bound = head.received + latency + this.slack_ms_ - this.mono_();
    return Math.max(0, Math.min(by_clock, by_bound));
  }

  #is_due(held) {
    const latency = Math.max(0, this.latency_());
    const waited = this.mono_() - held.received;
    // Never longer than the latency plus the slack, whatever the clocks say.
    if (waited >= latency + this.slack_ms_) return true;
    // A change without a time (a version 1 server) waits the latency from its arrival.
    if (typeof held.change.at !== 'number') return waited >= latency;
    return this.now_() >= held.change.at + latency;
  }
}
