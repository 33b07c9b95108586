// The one WebSocket connection a page keeps to the server: handshake, resume,
// a local copy of the public state kept current by snapshot and change frames,
// the server clock offset, commands answered by ack/error, and reconnection
// with full-jitter exponential backoff. Pages only read state and subscribe.

import { normalize_polls, apply_poll, apply_poll_votes, upsert_draft } from './polls.js';

const PING_INTERVAL_MS = 15000;
// A ping unanswered this long means the socket is dead even if it looks open
// (typical of venue Wi-Fi dropping silently).
const PONG_TIMEOUT_MS = 10000;
const BACKOFF_BASE_MS = 500;
const BACKOFF_CAP_MS = 30000;
// After a 1001 (server going away: a restart or a deploy) a whole audience reconnects at
// once; the first retry is spread over this window so the returning server is not stormed.
const GOING_AWAY_WINDOW_MS = 6000;
// Connected this long counts as stable: the next failure starts backoff anew.
const STABLE_AFTER_MS = 10000;
// This many failed attempts in a row, with the browser offline or not, shows "offline".
const OFFLINE_AFTER_ATTEMPTS = 6;
const COMMAND_TIMEOUT_MS = 10000;
const HIGHLIGHTS_MAX = 50;
// Clock samples kept; the one with the shortest round trip wins.
const CLOCK_SAMPLES = 8;
// Client-chosen close code used when we drop a socket ourselves (seq gap, dead ping).
const CLOSE_CLIENT_RESYNC = 4000;
// After a 4008 (this client fell behind the event's steady traffic) the next attempt waits
// a growing, jittered delay: reconnecting at once into the same flood would only fall
// behind again, and a whole audience on a congested venue network would do it in step.
const SLOW_BACKOFF_BASE_MS = 1000;
const SLOW_BACKOFF_CAP_MS = 30000;
// A 4008 this long after the previous one starts the growth anew.
const SLOW_FORGET_AFTER_MS = 120000;

// What to do after a 4008: wait `delay` ms (half fixed, half random, doubling with each
// 4008 in a row up to the cap), and resume only if the closed connection made progress
// (a snapshot, or changes past the resume point): resuming again from the same point
// would ask for the same catch-up that just failed.
export function slow_close_plan(closes_in_a_row, progressed, random = Math.random) {
  const ceiling = Math.min(SLOW_BACKOFF_CAP_MS, SLOW_BACKOFF_BASE_MS * 2 ** Math.max(0, closes_in_a_row));
  return { delay: Math.floor(ceiling / 2 + random() * (ceiling / 2)), resume: progressed };
}

let next_command_id = 1;

function make_id() {
  // A prefix keeps our ids apart from anything else on the wire and easy to spot in logs.
  return `c${Date.now().toString(36)}-${next_command_id++}`;
}

// Reads the event id from `?event=`; null means "the server's default event".
export function event_from_url(loc = window.location) {
  const value = new URLSearchParams(loc.search).get('event');
  return value && value.trim() ? value.trim() : null;
}

// Paging state of every list a client reads in pages.
function fresh_pages() {
  const page = () => ({ after: null, done: true, busy: false });
  return { open: page(), answered: page(), post: page(), question: page() };
}

// The localStorage key prefix for one event's client-side memory.
export function storage_key(event, what) {
  return `companion:${event || '_default'}:${what}`;
}

export class CommandError extends Error {
  // `frame` is the server's error frame, for extra fields such as retry_after_ms.
  constructor(code, message, frame = null) {
    super(message || code);
    this.code = code;
    this.retry_after_ms = frame && typeof frame.retry_after_ms === 'number' ? frame.retry_after_ms : null;
  }
}

export class Connection {
  // options: {event, token, remember_viewer, url}
  constructor(options = {}) {
    this.event = options.event === undefined ? event_from_url() : options.event;
    this.token = options.token || null;
    this.remember_viewer = options.remember_viewer !== false;
    this.url = options.url || Connection.default_url();

    this.state = null;  // the public state, or null before the first snapshot
    // Staff only; `polls` are the drafts (protocol 1.1).
    this.queue = { posts: [], questions: [], posts_total: 0, questions_total: 0, authors: { blocked: [], trusted: [] }, polls: [] };
    // Paging (protocol 1.1): where the next page of each list starts, and whether it is
    // read to the end. A snapshot resets the question lists, a queue.snapshot the queue's.
    this.pages_ = fresh_pages();
    this.paging_generation_ = 0;
    this.role = null;
    this.viewer = this.remember_viewer ? this.#load_viewer() : null;
    this.epoch = null;
    this.seq = 0;
    this.clock_offset = 0;  // server time minus local time, ms
    this.status = { state: 'connecting', retry_at: null, attempt: 0, error: null };

    this.ws_ = null;
    this.attempt_ = 0;
    this.retry_timer_ = null;
    this.ping_timer_ = null;
    this.pong_timer_ = null;
    this.stable_timer_ = null;
    this.hello_sent_at_ = 0;
    this.hello_id_ = null;
    this.awaiting_snapshot_ = false;
    this.buffered_changes_ = [];
    this.pending_ = new Map();  // command id -> {resolve, reject, timer, sent_at, type}
    this.clock_samples_ = [];
    this.stopped_ = false;
    this.slow_closes_ = 0;  // 4008s in a row, for their backoff
    this.last_slow_close_ = 0;
    this.skip_resume_ = false;  // the next hello asks for a snapshot
    this.progressed_ = false;  // this socket brought a snapshot or a change

    this.state_listeners_ = new Set();
    this.status_listeners_ = new Set();
    this.staff_listeners_ = new Set();
    this.reaction_listeners_ = new Set();

    this.on_online_ = () => {
      if (this.ws_ === null && !this.stopped_) this.#connect_now();
    };
    this.on_offline_ = () => {
      if (this.status.state !== 'connected') this.#set_status('offline');
    };
  }

  static default_url(loc = window.location) {
    const scheme = loc.protocol === 'https:' ? 'wss:' : 'ws:';
    return `${scheme}//${loc.host}/ws`;
  }

  start() {
    this.stopped_ = false;
    window.addEventListener('online', this.on_online_);
    window.addEventListener('offline', this.on_offline_);
    this.#connect_now();
    return this;
  }

  stop() {
    this.stopped_ = true;
    window.removeEventListener('online', this.on_online_);
    window.removeEventListener('offline', this.on_offline_);
    clearTimeout(this.retry_timer_);
    this.#drop_socket(1000);
  }

  // Replaces the staff token (from a paste box) and reconnects with it.
  set_token(token) {
    this.token = token || null;
    this.stopped_ = false;
    clearTimeout(this.retry_timer_);
    this.#drop_socket(1000);
    this.attempt_ = 0;
    this.#connect_now();
  }

  // The server's clock now, in ms since the epoch.
  server_now() {
    return Date.now() + this.clock_offset;
  }

  // Subscriptions; each returns a function that unsubscribes.
  // on_state(cb): cb(state, change) where change is {kind, data, seq, at} or {kind: 'snapshot'}.
  on_state(cb) {
    this.state_listeners_.add(cb);
    return () => this.state_listeners_.delete(cb);
  }
  // on_status(cb): cb(status) where status.state is connecting | connected |
  // reconnecting | offline | unauthorized, and retry_at (local ms) is set while waiting.
  on_status(cb) {
    this.status_listeners_.add(cb);
    return () => this.status_listeners_.delete(cb);
  }
  // on_staff(cb): cb(frame, queue) for queue.snapshot, queue.post, queue.question, queue.removed,
  // queue.authors, queue.poll.
  on_staff(cb) {
    this.staff_listeners_.add(cb);
    return () => this.staff_listeners_.delete(cb);
  }

  // on_reactions(cb): cb(frame) for each `reactions` frame, the counts of one window.
  on_reactions(cb) {
    this.reaction_listeners_.add(cb);
    return () => this.reaction_listeners_.delete(cb);
  }

  // Sends a command; resolves with the ack frame, rejects with CommandError.
  send(command, timeout_ms = COMMAND_TIMEOUT_MS) {
    if (!this.ws_ || this.ws_.readyState !== WebSocket.OPEN || this.status.state !== 'connected') {
      return Promise.reject(new CommandError('offline', 'not connected'));
    }
    // Every command gets a fresh id so its ack can be matched; on_screen.set names
    // its target in `item`, never in `id`.
    const id = make_id();
    const frame = { ...command, id };
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending_.delete(id);
        reject(new CommandError('timeout', 'no answer from the server'));
      }, timeout_ms);
      this.pending_.set(id, { resolve, reject, timer, type: command.type });
      this.ws_.send(JSON.stringify(frame));
    });
  }

  // ---- paging (protocol 1.1: bounded snapshots) ----

  // Whether questions beyond the snapshot's window remain to be loaded.
  has_more_questions() {
    if (!this.state || typeof this.state.questions_total !== 'number') return false;
    if (this.pages_.open.done && this.pages_.answered.done) return false;
    return this.state.questions.length < this.state.questions_total;
  }

  // Loads the next page of approved questions (open ones by age, then answered ones) into
  // the state; listeners hear {kind: 'questions.page'}. Resolves with the number loaded.
  async load_more_questions(limit = 50) {
    const status = this.pages_.open.done ? 'answered' : 'open';
    const page = this.pages_[status];
    if (page.done || page.busy || !this.state) return 0;
    const generation = this.paging_generation_;
    page.busy = true;
    let ack;
    try {
      ack = await this.send({ type: 'questions.page', status, after: page.after, limit });
    } catch (err) {
      // A server without paging knows no such command: everything is in the snapshot.
      if (err.code === 'bad_request' && generation === this.paging_generation_) this.pages_.open.done = this.pages_.answered.done = true;
      return 0;
    } finally {
      page.busy = false;
    }
    // A snapshot that arrived meanwhile replaced the list this page belonged to.
    if (generation !== this.paging_generation_ || !this.state) return 0;
    const items = Array.isArray(ack.questions) ? ack.questions : [];
    // The page is as new as every change received before its ack: it replaces what we hold.
    const index = new Map(this.state.questions.map((q, i) => [q.id, i]));
    for (const q of items) {
      if (index.has(q.id)) this.state.questions[index.get(q.id)] = q;
      else this.state.questions.push(q);
    }
    page.after = typeof ack.next === 'string' ? ack.next : null;
    page.done = page.after === null;
    this.#emit_state({ kind: 'questions.page', data: items, seq: this.seq });
    return items.length;
  }

  // Whether held posts or queued questions beyond the queue.snapshot remain to be loaded.
  has_more_queue(kind) {
    const q = this.queue;
    const page = this.pages_[kind];
    if (!page || page.done) return false;
    return kind === 'post' ? q.posts.length < q.posts_total : q.questions.length < q.questions_total;
  }

  // Loads the next page of the moderation queue of one kind (`post` or `question`);
  // staff listeners hear {type: 'queue.page', kind}. Resolves with the number loaded.
  async load_more_queue(kind, limit = 100) {
    const page = this.pages_[kind];
    if (!page || page.done || page.busy) return 0;
    const generation = this.paging_generation_;
    page.busy = true;
    let ack;
    try {
      ack = await this.send({ type: 'queue.page', kind, after: page.after, limit });
    } catch (err) {
      if (err.code === 'bad_request' && generation === this.paging_generation_) page.done = true;
      return 0;
    } finally {
      page.busy = false;
    }
    if (generation !== this.paging_generation_) return 0;
    const items = Array.isArray(ack.items) ? ack.items : [];
    const current = kind === 'post' ? this.queue.posts : this.queue.questions;
    const index = new Map(current.map((x, i) => [x.id, i]));
    for (const item of items) {
      if (index.has(item.id)) current[index.get(item.id)] = item;
      else current.push(item);
    }
    page.after = typeof ack.next === 'string' ? ack.next : null;
    page.done = page.after === null;
    const total = kind === 'post' ? 'posts_total' : 'questions_total';
    this.queue[total] = Math.max(this.queue[total], current.length);
    const frame = { type: 'queue.page', kind, items };
    for (const cb of this.staff_listeners_) cb(frame, this.queue);
    return items.length;
  }

  // ---- connection lifecycle ----

  #connect_now() {
    clearTimeout(this.retry_timer_);
    this.retry_timer_ = null;
    if (this.stopped_) return;
    this.#set_status(this.state ? 'reconnecting' : 'connecting');
    let ws;
    try {
      ws = new WebSocket(this.url);
    } catch (e) {
      this.#schedule_retry();
      return;
    }
    this.ws_ = ws;
    ws.addEventListener('open', () => {
      if (ws !== this.ws_) return;
      this.#send_hello();
    });
    ws.addEventListener('message', (ev) => {
      if (ws !== this.ws_) return;
      this.#on_frame(ev.data);
    });
    ws.addEventListener('close', (ev) => {
      if (ws !== this.ws_) return;
      this.#on_close(ev.code);
    });
    // 'error' is always followed by 'close'; nothing to do here.
  }

  #send_hello() {
    const hello = { type: 'hello', id: make_id() };
    if (this.event) hello.event = this.event;
    if (this.token) hello.token = this.token;
    if (this.viewer) hello.viewer = this.viewer;
    if (this.epoch !== null && this.state && !this.skip_resume_) hello.resume = { epoch: this.epoch, seq: this.seq };
    this.skip_resume_ = false;
    this.progressed_ = false;
    this.hello_id_ = hello.id;
    this.hello_sent_at_ = Date.now();
    this.ws_.send(JSON.stringify(hello));
  }

  #on_close(code) {
    this.#teardown_socket();
    if (this.stopped_) return;
    if (code === 4001) {
      this.stopped_ = true;
      this.#set_status('unauthorized');
      return;
    }
    if (code === 4008) {
      const now = Date.now();
      if (now - this.last_slow_close_ > SLOW_FORGET_AFTER_MS) this.slow_closes_ = 0;
      this.last_slow_close_ = now;
      const plan = slow_close_plan(this.slow_closes_++, this.progressed_);
      this.skip_resume_ = !plan.resume;
      this.#set_status('reconnecting', now + plan.delay);
      this.retry_timer_ = setTimeout(() => this.#connect_now(), plan.delay);
      return;
    }
    if (code === CLOSE_CLIENT_RESYNC) {
      // A gap we noticed: resume right away, the history ring has what we missed.
      this.#connect_now();
      return;
    }
    this.#schedule_retry(code === 1001);
  }

  #schedule_retry(going_away = false) {
    const spread = going_away && this.attempt_ === 0;
    const ceiling = spread ? GOING_AWAY_WINDOW_MS : Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** this.attempt_);
    // Later attempts continue the doubling from the spread window.
    if (spread) this.attempt_ = Math.ceil(Math.log2(GOING_AWAY_WINDOW_MS / BACKOFF_BASE_MS)) - 1;
    const delay = Math.floor(Math.random() * ceiling);
    this.attempt_ += 1;
    const retry_at = Date.now() + delay;
    const offline = navigator.onLine === false || this.attempt_ >= OFFLINE_AFTER_ATTEMPTS;
    this.#set_status(offline ? 'offline' : 'reconnecting', retry_at);
    this.retry_timer_ = setTimeout(() => this.#connect_now(), delay);
  }

  #teardown_socket() {
    clearInterval(this.ping_timer_);
    clearTimeout(this.pong_timer_);
    clearTimeout(this.stable_timer_);
    this.ping_timer_ = this.pong_timer_ = this.stable_timer_ = null;
    this.ws_ = null;
    this.awaiting_snapshot_ = false;
    this.buffered_changes_ = [];
    for (const [, p] of this.pending_) {
      clearTimeout(p.timer);
      p.reject(new CommandError('disconnected', 'connection lost before the server answered'));
    }
    this.pending_.clear();
  }

  #drop_socket(code) {
    const ws = this.ws_;
    if (!ws) return;
    this.#teardown_socket();
    try {
      ws.close(code);
    } catch (e) {
      // Already closing.
    }
  }

  // Drops the socket and lets #on_close logic decide; used for gaps and dead pings.
  #resync(reason) {
    const ws = this.ws_;
    if (!ws) return;
    this.status.error = reason;
    this.#teardown_socket();
    try {
      ws.close(CLOSE_CLIENT_RESYNC);
    } catch (e) {
      // Already closing.
    }
    this.#connect_now();
  }

  #set_status(state, retry_at = null) {
    this.status = { state, retry_at, attempt: this.attempt_, error: this.status.error };
    for (const cb of this.status_listeners_) cb(this.status);
  }

  // ---- frames ----

  #on_frame(text) {
    let frame;
    try {
      frame = JSON.parse(text);
    } catch (e) {
      return;
    }
    if (!frame || typeof frame !== 'object') return;
    switch (frame.type) {
      case 'welcome': return this.#on_welcome(frame);
      case 'snapshot': return this.#on_snapshot(frame);
      case 'change': return this.#on_change(frame);
      case 'pong': return this.#on_pong(frame);
      case 'ack': return this.#settle(frame, true);
      case 'error': return this.#on_error(frame);
      case 'reactions':
        for (const cb of this.reaction_listeners_) cb(frame);
        return;
      case 'queue.snapshot':
      case 'queue.post':
      case 'queue.question':
      case 'queue.removed':
      case 'queue.authors':
      case 'queue.poll':
        return this.#on_queue(frame);
      default:
        // Unknown frames are future extensions; ignoring them keeps old clients working.
        return;
    }
  }

  #on_welcome(frame) {
    const now = Date.now();
    this.#clock_sample(frame.server_time, now - this.hello_sent_at_, now);
    this.role = frame.role || 'viewer';
    if (frame.viewer && this.remember_viewer) {
      this.viewer = frame.viewer;
      this.#save_viewer(frame.viewer);
    }
    const same_history = frame.epoch === this.epoch;
    this.epoch = frame.epoch;
    if (frame.recovered && same_history && this.state) {
      // Missed changes follow in order; our seq stays where it was until they arrive.
      this.awaiting_snapshot_ = false;
    } else {
      this.awaiting_snapshot_ = true;
      this.buffered_changes_ = [];
    }
    this.status.error = null;
    this.#set_status('connected');
    this.ping_timer_ = setInterval(() => this.#ping(), PING_INTERVAL_MS);
    this.stable_timer_ = setTimeout(() => {
      this.attempt_ = 0;
    }, STABLE_AFTER_MS);
  }

  #on_snapshot(frame) {
    this.progressed_ = true;
    // A snapshot the server sends unasked (the event was reset) names its new epoch.
    if (typeof frame.epoch === 'string') this.epoch = frame.epoch;
    this.state = normalize_state(frame.state);
    this.pages_.open = { after: null, done: false, busy: false };
    this.pages_.answered = { after: null, done: false, busy: false };
    this.paging_generation_ += 1;
    this.seq = frame.seq;
    this.awaiting_snapshot_ = false;
    const buffered = this.buffered_changes_;
    this.buffered_changes_ = [];
    this.#emit_state({ kind: 'snapshot', seq: frame.seq });
    for (const change of buffered) this.#on_change(change);
  }

  #on_change(frame) {
    if (this.awaiting_snapshot_) {
      this.buffered_changes_.push(frame);
      return;
    }
    if (!this.state) return;
    if (frame.epoch && this.epoch && frame.epoch !== this.epoch) {
      // Another history: our copy is meaningless, start over with a snapshot.
      this.epoch = null;
      this.#resync('epoch changed');
      return;
    }
    if (typeof frame.seq !== 'number' || frame.seq <= this.seq) return;
    if (frame.seq !== this.seq + 1) {
      this.#resync(`gap: had ${this.seq}, got ${frame.seq}`);
      return;
    }
    apply_change(this.state, frame.kind, frame.data);
    // An opened draft is public now: it leaves the staff's drafts.
    if (frame.kind === 'poll' && frame.data) this.queue.polls = upsert_draft(this.queue.polls, frame.data);
    this.seq = frame.seq;
    this.progressed_ = true;
    this.#emit_state({ kind: frame.kind, data: frame.data, seq: frame.seq, at: frame.at });
  }

  #on_queue(frame) {
    const q = this.queue;
    if (frame.type === 'queue.snapshot') {
      q.posts = Array.isArray(frame.posts) ? frame.posts.slice() : [];
      q.questions = Array.isArray(frame.questions) ? frame.questions.slice() : [];
      // A version 1 server sends everything and no totals.
      q.posts_total = typeof frame.posts_total === 'number' ? frame.posts_total : q.posts.length;
      q.questions_total = typeof frame.questions_total === 'number' ? frame.questions_total : q.questions.length;
      // Pages start after the snapshot's last item (posts_next, questions_next).
      const next = (cursor) => (typeof cursor === 'string' ? cursor : null);
      this.pages_.post = { after: next(frame.posts_next), done: q.posts_total <= q.posts.length, busy: false };
      this.pages_.question = { after: next(frame.questions_next), done: q.questions_total <= q.questions.length, busy: false };
      this.paging_generation_ += 1;
      q.authors = normalize_authors(frame.authors);
      q.polls = normalize_polls(frame.polls).filter((p) => p.status === 'draft');
    } else if (frame.type === 'queue.poll' && frame.poll) {
      q.polls = upsert_draft(q.polls, frame.poll);
    } else if (frame.type === 'queue.authors') {
      q.authors = normalize_authors(frame.authors);
    } else if (frame.type === 'queue.post' && frame.post) {
      const known = q.posts.some((p) => p.id === frame.post.id);
      // An edit replaces the post where it is; a new one joins the end.
      if (known) q.posts = q.posts.map((p) => (p.id === frame.post.id ? frame.post : p));
      else {
        q.posts.push(frame.post);
        q.posts_total += 1;
      }
    } else if (frame.type === 'queue.question' && frame.question) {
      const known = q.questions.some((x) => x.id === frame.question.id);
      q.questions = q.questions.filter((x) => x.id !== frame.question.id);
      q.questions.push(frame.question);
      // Mostly a new question; one not loaded yet that changed is counted once too many
      // until the next queue.snapshot.
      if (!known) q.questions_total += 1;
    } else if (frame.type === 'queue.removed') {
      if (frame.kind === 'post') {
        q.posts = q.posts.filter((p) => p.id !== frame.id);
        q.posts_total = Math.max(q.posts.length, q.posts_total - 1);
      } else {
        q.questions = q.questions.filter((x) => x.id !== frame.id);
        q.questions_total = Math.max(q.questions.length, q.questions_total - 1);
      }
    }
    for (const cb of this.staff_listeners_) cb(frame, q);
  }

  #on_error(frame) {
    if (frame.id !== undefined && frame.id !== null && frame.id === this.hello_id_) {
      // A refused hello (unknown event, bad token): the server closes or we back off.
      this.status.error = frame.message || frame.code;
      if (frame.code === 'unauthorized') {
        this.stopped_ = true;
        this.#drop_socket(1000);
        this.#set_status('unauthorized');
      }
      return;
    }
    this.#settle(frame, false);
  }

  #settle(frame, ok) {
    const p = this.pending_.get(frame.id);
    if (!p) return;
    this.pending_.delete(frame.id);
    clearTimeout(p.timer);
    if (ok) p.resolve(frame);
    else p.reject(new CommandError(frame.code || 'internal', frame.message || frame.code, frame));
  }

  // ---- clock ----

  #ping() {
    if (!this.ws_ || this.ws_.readyState !== WebSocket.OPEN) return;
    const id = make_id();
    const sent_at = Date.now();
    this.pending_.set(id, {
      resolve: (pong) => {
        const now = Date.now();
        this.#clock_sample(pong.server_time, now - sent_at, now);
      },
      reject: () => {},
      timer: null,
      type: 'ping',
    });
    clearTimeout(this.pong_timer_);
    this.pong_timer_ = setTimeout(() => this.#resync('ping unanswered'), PONG_TIMEOUT_MS);
    this.ws_.send(JSON.stringify({ type: 'ping', id }));
  }

  #on_pong(frame) {
    clearTimeout(this.pong_timer_);
    this.pong_timer_ = null;
    this.#settle(frame, true);
  }

  #clock_sample(server_time, rtt, received_at) {
    if (typeof server_time !== 'number' || !(rtt >= 0)) return;
    // The server stamped its time about half a round trip before we received it.
    const offset = server_time + rtt / 2 - received_at;
    this.clock_samples_.push({ offset, rtt });
    if (this.clock_samples_.length > CLOCK_SAMPLES) this.clock_samples_.shift();
    let best = this.clock_samples_[0];
    for (const s of this.clock_samples_) if (s.rtt < best.rtt) best = s;
    this.clock_offset = best.offset;
  }

  // ---- viewer id ----

  #load_viewer() {
    try {
      return localStorage.getItem(storage_key(this.event, 'viewer'));
    } catch (e) {
      return null;
    }
  }

  #save_viewer(id) {
    try {
      localStorage.setItem(storage_key(this.event, 'viewer'), id);
    } catch (e) {
      // Private mode without storage: the server just sees a new viewer next time.
    }
  }

  #emit_state(change) {
    for (const cb of this.state_listeners_) {
      try {
        cb(this.state, change);
      } catch (e) {
        console.error(e);
      }
    }
  }
}

// The moderators' author lists; a server without them has none.
function normalize_authors(authors) {
  const a = authors && typeof authors === 'object' ? authors : {};
  return { blocked: Array.isArray(a.blocked) ? a.blocked : [], trusted: Array.isArray(a.trusted) ? a.trusted : [] };
}

// Fills in what a partial state may lack, so renderers need no null checks on containers.
export function normalize_state(s) {
  const state = s && typeof s === 'object' ? s : {};
  state.event = state.event || {};
  if (!Array.isArray(state.event.hashtags)) state.event.hashtags = [];
  state.agenda = state.agenda || { status: 'scheduled', current: null, segments: [] };
  if (!Array.isArray(state.agenda.segments)) state.agenda.segments = [];
  if (state.announcement === undefined) state.announcement = null;
  if (!Array.isArray(state.highlights)) state.highlights = [];
  if (!Array.isArray(state.questions)) state.questions = [];
  if (state.on_screen === undefined) state.on_screen = null;
  if (state.stage === undefined) state.stage = null;
  state.stats = state.stats || { viewers: 0, tags: {} };
  if (!state.stats.tags) state.stats.tags = {};
  // Servers without the qa extension always take questions.
  if (!state.qa || typeof state.qa !== 'object') state.qa = { open: true, premoderated: true };
  // Servers without polls have none.
  state.polls = normalize_polls(state.polls);
  return state;
}

// Applies one change to the public state in place (protocol.md, "Changes").
export function apply_change(state, kind, data) {
  switch (kind) {
    case 'agenda':
      state.agenda = data || state.agenda;
      if (!Array.isArray(state.agenda.segments)) state.agenda.segments = [];
      break;
    case 'announcement':
      state.announcement = data || null;
      break;
    case 'highlight.added': {
      if (!data) break;
      // A highlight already on the wall (featured, edited) is replaced where it is.
      const i = state.highlights.findIndex((h) => h.id === data.id);
      if (i >= 0) {
        state.highlights[i] = data;
        break;
      }
      state.highlights.unshift(data);
      if (state.highlights.length > HIGHLIGHTS_MAX) state.highlights.length = HIGHLIGHTS_MAX;
      break;
    }
    case 'highlight.removed':
      if (data) state.highlights = state.highlights.filter((h) => h.id !== data.id);
      break;
    case 'question.added':
    case 'question.updated': {
      if (!data) break;
      const i = state.questions.findIndex((q) => q.id === data.id);
      if (i >= 0) state.questions[i] = data;
      else state.questions.push(data);
      // questions_total (protocol 1.1) counts every approved question, loaded or not.
      if (kind === 'question.added' && i < 0 && typeof state.questions_total === 'number') state.questions_total += 1;
      break;
    }
    case 'question.removed':
      if (data) state.questions = state.questions.filter((q) => q.id !== data.id);
      if (data && typeof state.questions_total === 'number') state.questions_total = Math.max(state.questions.length, state.questions_total - 1);
      break;
    case 'votes':
      for (const q of state.questions) {
        if (data && Object.prototype.hasOwnProperty.call(data, q.id)) q.votes = data[q.id];
      }
      break;
    case 'on_screen':
      state.on_screen = data && data.kind ? data : null;
      break;
    case 'stats':
      state.stats = { ...state.stats, ...(data || {}) };
      if (!state.stats.tags) state.stats.tags = {};
      break;
    case 'qa':
      if (data && typeof data === 'object') state.qa = { ...state.qa, ...data };
      break;
    case 'stage':
      state.stage = data && data.text ? data : null;
      break;
    case 'poll':
      apply_poll(state, data);
      break;
    case 'poll.votes':
      apply_poll_votes(state, data);
      break;
    default:
      // A kind this client does not know yet; seq still advances.
      break;
  }
}
