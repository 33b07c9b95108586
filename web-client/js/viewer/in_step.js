// The viewer page in step with the video. When the event has a stream, the panels
// draw from this view instead of the connection: a copy of the state that takes
// each change only when the server's clock reaches at + L (release_schedule.js),
// L being the player's measured latency while it plays, otherwise the stream's
// delay_ms. On joining (a snapshot) the view starts from the state as of now - L
// (as_of.js) and holds what the snapshot dates later. The viewer may switch to
// "live" (everything at once, for people in the room); the choice is remembered.
//
// The view offers what panels use of a connection (state, status, server_now,
// send, paging, on_state, on_status); server_now() is the server's time minus L,
// so timers count as the video shows. Sending never waits: a command goes out at
// once, and the changes that concern the viewer's own questions (`urgent`) are
// released at once. A paused, blocked or failed player changes nothing here: L
// falls back to delay_ms and changes keep being released.

import { apply_change } from '../connection.js';
import { ReleaseSchedule } from '../release_schedule.js';
import { state_as_of } from '../as_of.js';

// Kinds of players whose video runs behind the room.
const DELAYED_KINDS = new Set(['youtube', 'hls']);
// A measurement older than this is not trusted (the player stopped reporting).
const MEASURE_TTL_MS = 5000;
// Timers wake at least this often while changes are held (coarse clocks, sleep).
const MAX_WAIT_MS = 1000;

const clone = (value) => (value === undefined ? value : structuredClone(value));

export class InStepView {
  // memory: event_memory (remembers the mode); urgent(change): released at once.
  constructor(conn, { memory, urgent = () => false, mono = () => performance.now() } = {}) {
    this.conn = conn;
    this.memory_ = memory;
    this.mono_ = mono;
    this.state = null;
    this.live_ = memory ? memory.load('live', false) === true : false;
    this.measured_ = null;  // {latency, at (mono)} from the player
    this.listeners_ = new Set();
    this.mode_listeners_ = new Set();
    this.timer_ = null;
    this.own_questions_ = new Set();  // asked from this page, whatever their status
    this.urgent_ = (change) =>
      urgent(change) ||
      ((change.kind === 'question.added' || change.kind === 'question.updated') &&
        !!change.data && this.own_questions_.has(String(change.data.id)));
    this.schedule_ = new ReleaseSchedule({
      now: () => conn.server_now(),
      mono,
      latency: () => this.latency(),
      urgent: (change) => this.urgent_(change),
    });
    conn.on_state((state, change) => this.#on_conn(state, change));
  }

  // ---- what panels use of a connection ----
  get status() {
    return this.conn.status;
  }
  get role() {
    return this.conn.role;
  }
  on_status(cb) {
    return this.conn.on_status(cb);
  }
  on_state(cb) {
    this.listeners_.add(cb);
    return () => this.listeners_.delete(cb);
  }
  // A question the viewer asks is theirs: its changes are never held from them, also
  // one that arrived (and was held) before the ack said so.
  async send(command, timeout_ms) {
    const ack = await this.conn.send(command, timeout_ms);
    if (command.type === 'question.ask' && ack && ack.question !== undefined && ack.question !== null) {
      this.own_questions_.add(String(ack.question));
      if (this.state) this.#release(this.schedule_.take(this.urgent_));
    }
    return ack;
  }
  has_more_questions() {
    return this.conn.has_more_questions();
  }
  load_more_questions(limit) {
    return this.conn.load_more_questions(limit);
  }
  server_now() {
    return this.conn.server_now() - (this.delaying() ? this.latency() : 0);
  }

  // ---- the stream ----
  stream() {
    const stream = this.conn.state && this.conn.state.event ? this.conn.state.event.stream : null;
    return stream && typeof stream === 'object' ? stream : null;
  }
  // Whether the event's video runs behind the room at all.
  has_delay() {
    const stream = this.stream();
    return !!stream && DELAYED_KINDS.has(stream.kind);
  }
  // Whether this page holds changes back now.
  delaying() {
    return this.has_delay() && !this.live_;
  }
  // L: the player's measured latency while fresh, otherwise the stream's delay_ms.
  latency() {
    if (this.measured_ && this.mono_() - this.measured_.at < MEASURE_TTL_MS) return this.measured_.latency;
    const stream = this.stream();
    return stream && Number.isFinite(stream.delay_ms) ? Math.max(0, stream.delay_ms) : 0;
  }
  latency_source() {
    return this.measured_ && this.mono_() - this.measured_.at < MEASURE_TTL_MS ? 'player' : 'delay';
  }
  // The player reports how far its picture is behind the server's clock, while it plays.
  measured(latency) {
    if (Number.isFinite(latency) && latency >= 0) this.measured_ = { latency, at: this.mono_() };
  }
  is_live() {
    return this.live_;
  }
  on_mode(cb) {
    this.mode_listeners_.add(cb);
    return () => this.mode_listeners_.delete(cb);
  }
  // Live: everything at once. In step: from now on the view is as of now - L again.
  set_live(live) {
    if (live === this.live_) return;
    this.live_ = live;
    if (this.memory_) this.memory_.save('live', live);
    if (this.conn.state) this.#restart();
    for (const cb of this.mode_listeners_) cb(live);
  }

  // ---- internals ----
  #on_conn(state, change) {
    if (change.kind === 'snapshot' || this.state === null) return this.#restart();
    if (change.kind === 'questions.page') {
      // Older questions read in pages are history: they join the view at once.
      if (this.state !== state && Array.isArray(change.data)) {
        const known = new Set(this.state.questions.map((q) => q.id));
        for (const q of change.data) if (!known.has(q.id)) this.state.questions.push(clone(q));
      }
      return this.#emit(change);
    }
    if (!this.delaying()) {
      this.state = state;
      return this.#emit(change);
    }
    // Held changes carry their own copy: the connection's state goes on changing.
    this.#release(this.schedule_.push({ ...change, data: clone(change.data) }));
  }

  // Starts over from the connection's state: as it is (live), or as of now - L.
  #restart() {
    clearTimeout(this.timer_);
    this.timer_ = null;
    const state = this.conn.state;
    if (!state) return;
    if (!this.delaying()) {
      this.schedule_.reset(this.conn.seq);
      this.state = state;
      return this.#emit({ kind: 'snapshot', seq: this.conn.seq });
    }
    const past = state_as_of(clone(state), this.conn.server_now() - this.latency());
    this.state = past.state;
    this.schedule_.reset(this.conn.seq, past.held);
    this.#emit({ kind: 'snapshot', seq: this.conn.seq });
    this.#release(this.schedule_.due());
  }

  #release(changes) {
    for (const change of changes) {
      apply_change(this.state, change.kind, change.data);
      this.#emit(change);
    }
    clearTimeout(this.timer_);
    this.timer_ = null;
    const wait = this.schedule_.next_in();
    if (wait !== null) this.timer_ = setTimeout(() => this.#release(this.schedule_.due()), Math.min(wait, MAX_WAIT_MS));
  }

  #emit(change) {
    for (const cb of this.listeners_) {
      try {
        cb(this.state, change);
      } catch (e) {
        console.error(e);
      }
    }
  }
}
