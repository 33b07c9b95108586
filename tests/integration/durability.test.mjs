// An ack means durable: kill -9 and restart on the same data folder loses no
// acknowledged change, keeps the epoch and continues the seq. SIGTERM closes
// every client with 1001 and exits cleanly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, contiguousFrom, defaultEvent, http, joinClient, serverLives, sleep } from './lib/harness.mjs';

test('after an ack and kill -9, a restart keeps the epoch, continues the seq and the agenda', async (t) => {
  const life = serverLives(t);
  const first = await life();
  const producer = await joinClient(t, first, { token: first.token('producer') });
  const viewer = await joinClient(t, first);
  const epoch = viewer.welcome.epoch;
  const started = await producer.request({ type: 'agenda.start' });
  assert.equal(started.type, 'ack');
  const moved = await producer.request({ type: 'agenda.next' });
  assert.equal(moved.type, 'ack');
  const before = await viewer.next((f) => f.type === 'change' && f.seq === moved.seq);

  assert.deepEqual(await first.stop('SIGKILL'), { code: null, signal: 'SIGKILL' });

  const second = await life();
  const producerAgain = await joinClient(t, second, { token: second.token('producer') });
  assert.equal(producerAgain.welcome.epoch, epoch, 'same epoch after the restart');
  assert.ok(producerAgain.welcome.seq >= moved.seq, 'seq does not go back');
  const state = (await http(second, `/api/events/${defaultEvent}/state`)).json;
  assert.equal(state.agenda.status, 'live');
  assert.equal(state.agenda.current, 'keynote');

  // A client that had only seen the start resumes across the restart without a snapshot.
  const resumed = await Client.open(second.wsUrl);
  t.after(() => resumed.ws.terminate());
  const welcome = await resumed.hello({ viewer: viewer.welcome.viewer, resume: { epoch, seq: started.seq } });
  assert.equal(welcome.recovered, true);
  assert.equal(welcome.epoch, epoch);

  const next = await producerAgain.request({ type: 'agenda.next' });
  assert.equal(next.type, 'ack');
  await resumed.next((f) => f.type === 'change' && f.seq === next.seq);
  assert.ok(!resumed.frames.some((f) => f.type === 'snapshot'), 'no snapshot for a recovered client');
  const changes = resumed.changes().filter((c) => c.seq <= next.seq);
  assert.ok(contiguousFrom(changes, started.seq), `no gap, no duplicate: ${changes.map((c) => c.seq)}`);
  // What the first life published up to the acked change comes back from disk unchanged.
  assert.deepEqual(
    changes.filter((c) => c.seq <= moved.seq),
    viewer.changes().filter((c) => c.seq > started.seq && c.seq <= moved.seq),
  );
  assert.deepEqual(changes.find((c) => c.seq === moved.seq), before);
  assert.equal(changes.at(-1).kind, 'agenda');
  assert.equal(changes.at(-1).data.current, 'panel');
  // The next change takes the next seq: only viewer-count ticks may sit between.
  const between = changes.filter((c) => c.seq > moved.seq && c.seq < next.seq);
  assert.ok(between.every((c) => c.kind === 'stats'), JSON.stringify(between.map((c) => c.kind)));
  t.diagnostic(`acked seq ${moved.seq} before the kill, next change after restart got seq ${next.seq}`);
});

test('a burst of 200 acknowledged announcements survives kill -9 mid-burst', async (t) => {
  const life = serverLives(t);
  const first = await life();
  const observer = await joinClient(t, first);
  const snapshot = await observer.next((f) => f.type === 'snapshot');
  const epoch = observer.welcome.epoch;
  const base = snapshot.seq;

  // Several producer connections, so the per-connection command rate is not what is tested.
  const producers = [];
  for (let i = 0; i < 6; ++i) producers.push(await joinClient(t, first, { token: first.token('producer') }));
  const acked = new Map(); // counter -> seq
  const refused = [];
  const killAt = 60;
  const window = 4; // commands in flight per connection, so the kill lands with work under way
  const queues = producers.map((_, p) => {
    const counters = [];
    for (let counter = 1; counter <= 200; ++counter) if (counter % producers.length === p) counters.push(counter);
    return counters;
  });
  let killed = false;
  const sendNext = (p) => {
    const counter = queues[p].shift();
    if (counter !== undefined) producers[p].send({ type: 'announce', id: 1000 + counter, text: `announcement ${counter}` });
  };
  producers.forEach((producer, p) => {
    producer.ws.on('message', (data) => {
      const frame = JSON.parse(data.toString());
      if (typeof frame.id !== 'number' || frame.id < 1000) return;
      if (frame.type === 'ack') acked.set(frame.id - 1000, frame.seq);
      else if (frame.type === 'error') refused.push(frame);
      if (!killed && acked.size >= killAt) {
        killed = true;
        first.proc.kill('SIGKILL');
      }
      if (!killed) sendNext(p);
    });
  });
  for (let p = 0; p < producers.length; ++p) for (let i = 0; i < window; ++i) sendNext(p);
  await first.exited;
  await sleep(50);
  const unsent = queues.reduce((n, q) => n + q.length, 0);
  t.diagnostic(`${acked.size} acknowledged, ${200 - unsent - acked.size} in flight at the kill, ${unsent} never sent`);
  assert.ok(acked.size >= killAt, 'the kill came after acks');
  assert.ok(unsent > 0, 'the kill landed mid-burst');
  assert.deepEqual(refused, []);
  const ackedSeqs = [...acked.values()];
  assert.equal(new Set(ackedSeqs).size, ackedSeqs.length, 'no two acks share a seq');

  const second = await life();
  const resumed = await Client.open(second.wsUrl);
  t.after(() => resumed.ws.terminate());
  const welcome = await resumed.hello({ resume: { epoch, seq: base } });
  assert.equal(welcome.epoch, epoch);
  assert.equal(welcome.recovered, true);
  if (welcome.seq > base) await resumed.next((f) => f.type === 'change' && f.seq === welcome.seq);
  const changes = resumed.changes().filter((c) => c.seq <= welcome.seq);
  assert.ok(contiguousFrom(changes, base), 'the resume stream has no gap or duplicate');

  const bySeq = new Map(changes.map((c) => [c.seq, c]));
  for (const [counter, seq] of acked) {
    const change = bySeq.get(seq);
    assert.ok(change, `acked announcement ${counter} (seq ${seq}) is in the journal`);
    assert.equal(change.kind, 'announcement');
    assert.equal(change.data.text, `announcement ${counter}`);
  }
  const texts = changes.filter((c) => c.kind === 'announcement').map((c) => c.data.text);
  assert.equal(new Set(texts).size, texts.length, 'no announcement twice');
  // Each connection's commands were applied in the order it sent them.
  for (let p = 0; p < producers.length; ++p) {
    const counters = texts.map((text) => Number(text.split(' ')[1])).filter((c) => c % producers.length === p);
    assert.deepEqual(counters, [...counters].sort((a, b) => a - b));
  }
  const state = (await http(second, `/api/events/${defaultEvent}/state`)).json;
  assert.equal(state.announcement.text, texts.at(-1), 'the state holds the last journaled announcement');
  const lastAcked = Math.max(...ackedSeqs);
  assert.ok(Number(state.announcement.text.split(' ')[1]) >= 1 && welcome.seq >= lastAcked);
});

test('SIGTERM closes every WebSocket with 1001 and exits 0 within 5 s', async (t) => {
  const life = serverLives(t);
  const server = await life();
  const clients = [
    await joinClient(t, server),
    await joinClient(t, server),
    await joinClient(t, server),
    await joinClient(t, server, { token: server.token('moderator') }),
    await joinClient(t, server, { token: server.token('producer') }),
  ];
  const unjoined = await Client.open(server.wsUrl);
  t.after(() => unjoined.ws.terminate());
  const began = Date.now();
  server.proc.kill('SIGTERM');
  const exit = await Promise.race([server.exited, sleep(5000).then(() => 'timeout')]);
  assert.notEqual(exit, 'timeout', 'the server exits within 5 s');
  assert.deepEqual(exit, { code: 0, signal: null });
  t.diagnostic(`exited ${Date.now() - began} ms after SIGTERM`);
  const closes = await Promise.all([...clients, unjoined].map((c) => c.closed));
  for (const close of closes) assert.equal(close.code, 1001);
});
