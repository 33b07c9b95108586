// The viewer page's release schedule (web-client/js/release_schedule.js): changes
// held until the server's clock reaches at + L, released in order, never frozen
// by a clock that jumps. Driven by hand-set clocks, so it runs in milliseconds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReleaseSchedule, HOLD_SLACK_MS } from '../../../web-client/js/release_schedule.js';

// A server clock and a monotonic clock the test moves; `jump` moves only the server one.
function clocks(start = 1_713_790_800_000) {
  const c = { server: start, mono: 0 };
  c.advance = (ms) => {
    c.server += ms;
    c.mono += ms;
  };
  c.jump = (ms) => {
    c.server += ms;
  };
  return c;
}

function schedule(c, latency = 10_000, options = {}) {
  return new ReleaseSchedule({ now: () => c.server, mono: () => c.mono, latency: () => latency, ...options });
}

const change = (seq, at, kind = 'agenda', data = {}) => ({ seq, at, kind, data });
const seqs = (list) => list.map((x) => x.seq);

test('a change is held until at + latency, not a millisecond less', () => {
  const c = clocks();
  const s = schedule(c, 10_000);
  assert.deepEqual(s.push(change(1, c.server)), []);
  assert.equal(s.next_in(), 10_000);
  c.advance(9_999);
  assert.deepEqual(s.due(), []);
  assert.equal(s.next_in(), 1);
  c.advance(1);
  assert.deepEqual(seqs(s.due()), [1]);
  assert.equal(s.size, 0);
  assert.equal(s.next_in(), null);
});

test('changes leave in seq order, a later one never overtaking an earlier one', () => {
  const c = clocks();
  const s = schedule(c, 5_000);
  s.push(change(1, c.server));
  // Stamped earlier than its predecessor (an engine clock stepped back): it waits its turn.
  s.push(change(2, c.server - 3_000));
  c.advance(2_500);
  assert.deepEqual(s.due(), [], 'the second is due by its own time, but the first is not');
  c.advance(2_500);
  assert.deepEqual(seqs(s.due()), [1, 2]);
});

test('a burst of changes is released in order, each at its own time', () => {
  const c = clocks();
  const s = schedule(c, 8_000);
  const t0 = c.server;
  for (let i = 1; i <= 200; i++) s.push(change(i, t0 + i * 10, i % 2 ? 'votes' : 'stats'));
  const released = [];
  c.advance(8_000);
  released.push(...s.due());
  assert.deepEqual(released, [], 'nothing before the first is due');
  for (let step = 0; step < 30; step++) {
    c.advance(100);
    const now_due = s.due();
    for (const x of now_due) assert.ok(c.server >= x.at + 8_000, `seq ${x.seq} released early`);
    released.push(...now_due);
  }
  assert.deepEqual(seqs(released), Array.from({ length: 200 }, (_, i) => i + 1));
});

test('a resume while changes are held keeps them and drops the repeats', () => {
  const c = clocks();
  const s = schedule(c, 10_000);
  const t0 = c.server;
  s.push(change(1, t0));
  s.push(change(2, t0 + 1_000));
  c.advance(3_000);
  // The socket drops; the resume replays from the page's live seq, which may repeat some.
  assert.deepEqual(s.push(change(2, t0 + 1_000)), []);
  s.push(change(3, t0 + 2_500));
  assert.equal(s.size, 3);
  c.advance(7_000);
  assert.deepEqual(seqs(s.due()), [1]);
  c.advance(1_000);
  assert.deepEqual(seqs(s.due()), [2]);
  c.advance(1_500);
  assert.deepEqual(seqs(s.due()), [3]);
});

test('a snapshot starts over: what was held is dropped, what it dates later is held in order', () => {
  const c = clocks();
  const s = schedule(c, 10_000);
  s.push(change(4, c.server));
  s.reset(20, [change(undefined, c.server - 2_000, 'announcement'), change(undefined, c.server - 500, 'agenda')]);
  assert.equal(s.size, 2);
  assert.deepEqual(s.push(change(20, c.server)), [], 'the snapshot already holds seq 20');
  s.push(change(21, c.server));
  c.advance(8_000);
  assert.deepEqual(s.due().map((x) => x.kind), ['announcement']);
  c.advance(1_500);
  assert.deepEqual(s.due().map((x) => x.kind), ['agenda']);
  c.advance(500);
  assert.deepEqual(seqs(s.due()), [21]);
});

test('a server clock jumping back never holds a change past latency plus slack', () => {
  const c = clocks();
  const s = schedule(c, 10_000);
  s.push(change(1, c.server));
  c.jump(-3_600_000);  // the estimate of the server's time fell an hour back
  c.advance(10_000);
  assert.deepEqual(s.due(), []);
  assert.equal(s.next_in(), HOLD_SLACK_MS);
  c.advance(HOLD_SLACK_MS);
  assert.deepEqual(seqs(s.due()), [1]);
});

test('a server clock jumping forward releases early, in order', () => {
  const c = clocks();
  const s = schedule(c, 10_000);
  s.push(change(1, c.server));
  s.push(change(2, c.server + 1));
  c.jump(60_000);
  assert.deepEqual(seqs(s.due()), [1, 2]);
});

test('the latency may change while changes are held; the new one applies', () => {
  const c = clocks();
  let latency = 10_000;
  const s = new ReleaseSchedule({ now: () => c.server, mono: () => c.mono, latency: () => latency });
  s.push(change(1, c.server));
  c.advance(4_000);
  assert.deepEqual(s.due(), []);
  latency = 3_000;  // the player measured its real latency
  assert.deepEqual(seqs(s.due()), [1]);
});

test('urgent changes leave at once, the rest keep their schedule', () => {
  const c = clocks();
  const s = schedule(c, 10_000, { urgent: (x) => x.kind === 'question.added' && x.data.id === 'mine' });
  s.push(change(1, c.server, 'agenda'));
  assert.deepEqual(seqs(s.push(change(2, c.server, 'question.added', { id: 'mine' }))), [2]);
  assert.deepEqual(s.push(change(3, c.server, 'question.added', { id: 'theirs' })), []);
  c.advance(10_000);
  assert.deepEqual(seqs(s.due()), [1, 3]);
});

test('a change without at waits the latency from its arrival; flush gives everything at once', () => {
  const c = clocks();
  const s = schedule(c, 2_000);
  s.push({ seq: 1, kind: 'agenda', data: {} });
  s.push(change(2, c.server));
  c.advance(1_999);
  assert.deepEqual(s.due(), []);
  c.advance(1);
  assert.deepEqual(seqs(s.due()), [1, 2]);
  s.push(change(3, c.server));
  s.push(change(4, c.server));
  assert.deepEqual(seqs(s.flush()), [3, 4]);
  assert.equal(s.size, 0);
});

test('take pulls out the chosen held changes and leaves the rest on schedule', () => {
  const c = clocks();
  const s = schedule(c, 10_000);
  s.push(change(1, c.server, 'agenda'));
  s.push(change(2, c.server, 'question.added', { id: 'q9' }));
  s.push(change(3, c.server, 'votes'));
  assert.deepEqual(seqs(s.take((x) => x.data.id === 'q9')), [2]);
  assert.equal(s.size, 2);
  c.advance(10_000);
  assert.deepEqual(seqs(s.due()), [1, 3]);
});
