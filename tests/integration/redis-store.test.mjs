// The journal in Redis (--store redis://) with real redis-servers the tests start on
// loopback: acknowledged changes survive kill -9 of the server and come back on another
// data folder; with --role engine a standby takes over within seconds of a kill -9 of the
// active engine with nothing acknowledged lost and seq continuing; an engine paused past
// its lease cannot fork the history; Redis killed and restarted, the server carries on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Client, CompanionServer, contiguousFrom, defaultEvent, http, joinClient, tempDataDir, waitFor } from './lib/harness.mjs';
import { startRedis } from './lib/redis.mjs';

// One secret for every process of this file (servers and `companion token`), so a token
// signed for one node is good on the others, as it is in a deployment.
process.env.COMPANION_SECRET = randomBytes(32).toString('hex');

// A node on `redis`, stopped and its data folder removed when the test ends; not started.
function node(t, redis, args = []) {
  const server = new CompanionServer({ dataDir: tempDataDir(), args: ['--quiet', '--store', redis.url, ...args] });
  t.after(async () => {
    try {
      await server.stop();
    } finally {
      server.cleanup();
    }
  });
  return server;
}

// Sends announcements 1..count over `producers`, `window` in flight each, until `stop()`
// says so; resolves with the acknowledged (counter -> seq) and the refused.
function burst(producers, { count, window = 4, stopWhen }) {
  const acked = new Map();
  const refused = [];
  const queues = producers.map((_, p) => {
    const counters = [];
    for (let counter = 1; counter <= count; ++counter) if (counter % producers.length === p) counters.push(counter);
    return counters;
  });
  let stopped = false;
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
      if (!stopped && stopWhen(acked)) stopped = true;
      if (!stopped) sendNext(p);
    });
  });
  for (let p = 0; p < producers.length; ++p) for (let i = 0; i < window; ++i) sendNext(p);
  return { acked, refused, unsent: () => queues.reduce((n, q) => n + q.length, 0) };
}

// Resumes from `base` on `server` and checks every acknowledged announcement is there,
// in a stream with no gap or duplicate; returns the welcome.
async function checkResume(t, server, { epoch, base, acked }) {
  const resumed = await Client.open(server.wsUrl);
  t.after(() => resumed.ws.terminate());
  const welcome = await resumed.hello({ resume: { epoch, seq: base } });
  assert.equal(welcome.epoch, epoch, 'same epoch');
  assert.equal(welcome.recovered, true, 'the gap fits the resume window');
  if (welcome.seq > base) await resumed.next((f) => f.type === 'change' && f.seq === welcome.seq);
  const changes = resumed.changes().filter((c) => c.seq <= welcome.seq);
  assert.ok(contiguousFrom(changes, base), `no gap, no duplicate: ${changes.map((c) => c.seq)}`);
  const bySeq = new Map(changes.map((c) => [c.seq, c]));
  for (const [counter, seq] of acked) {
    const change = bySeq.get(seq);
    assert.ok(change, `acked announcement ${counter} (seq ${seq}) is there`);
    assert.equal(change.data.text, `announcement ${counter}`);
  }
  const texts = changes.filter((c) => c.kind === 'announcement').map((c) => c.data.text);
  assert.equal(new Set(texts).size, texts.length, 'no announcement twice');
  return welcome;
}

test('with --store redis:// acknowledged changes survive kill -9 and come back on another data folder', async (t) => {
  const redis = await startRedis(t);
  const first = await node(t, redis).start();
  const observer = await joinClient(t, first);
  const { epoch } = observer.welcome;
  const base = (await observer.next((f) => f.type === 'snapshot')).seq;
  const producers = [];
  for (let i = 0; i < 3; ++i) producers.push(await joinClient(t, first, { token: first.token('producer') }));
  const run = burst(producers, { count: 300, stopWhen: (acked) => acked.size >= 120 });
  await waitFor(() => run.acked.size >= 120, { timeout: 10000, what: '120 acks' });
  first.proc.kill('SIGKILL');
  await first.exited;
  assert.deepEqual(run.refused, []);
  t.diagnostic(`${run.acked.size} acknowledged before kill -9`);

  // Another process on a fresh data folder: everything it knows comes from Redis.
  const second = await node(t, redis).start();
  const welcome = await checkResume(t, second, { epoch, base, acked: run.acked });
  const producer = await joinClient(t, second, { token: second.token('producer') });
  const next = await producer.request({ type: 'announce', text: 'after the restart' });
  assert.equal(next.type, 'ack');
  assert.ok(next.seq > welcome.seq);
  const metrics = (await http(second, '/metrics')).text;
  assert.match(metrics, /companion_node_role\{role="all"\} 1/);
  assert.ok(Number(/companion_store_records_total (\d+)/.exec(metrics)[1]) >= 1);
});

test('kill -9 of the active engine: the standby is active within 5 s, nothing acknowledged lost, seq continues', async (t) => {
  const redis = await startRedis(t);
  const args = ['--role', 'engine', '--lease-ttl', '1000'];
  const active = await node(t, redis, args).start();
  assert.match(active.output, /engine active/);
  const standby = node(t, redis, args);
  const standbyListening = standby.start();
  standbyListening.catch(() => {});  // awaited below; a test that fails first leaves it
  await waitFor(() => /engine standby/.test(standby.output), { what: 'engine standby' });
  assert.doesNotMatch(standby.output, /listening on/, 'a standby serves nothing');
  assert.match((await http(active, '/metrics')).text, /companion_engine_lease_held 1/);

  const observer = await joinClient(t, active);
  const { epoch } = observer.welcome;
  const base = (await observer.next((f) => f.type === 'snapshot')).seq;
  const producers = [];
  for (let i = 0; i < 4; ++i) producers.push(await joinClient(t, active, { token: active.token('producer') }));
  let killedAt;
  const run = burst(producers, {
    count: 400,
    stopWhen: (acked) => {
      if (acked.size < 100 || killedAt) return false;
      killedAt = Date.now();
      active.proc.kill('SIGKILL');
      return true;
    },
  });
  await active.exited;
  await standbyListening;
  const takeover = Date.now() - killedAt;
  t.diagnostic(`${run.acked.size} acknowledged, ${run.unsent()} never sent; standby listening ${takeover} ms after kill -9`);
  assert.ok(run.unsent() > 0, 'the kill landed mid-burst');
  assert.deepEqual(run.refused, [], 'commands in flight at the kill got no answer rather than a wrong one');
  assert.ok(takeover < 5000, `takeover took ${takeover} ms`);
  assert.match(standby.output, /engine active/);

  const welcome = await checkResume(t, standby, { epoch, base, acked: run.acked });
  const producer = await joinClient(t, standby, { token: standby.token('producer') });
  const next = await producer.request({ type: 'announce', text: 'on the new engine' });
  assert.equal(next.type, 'ack');
  assert.ok(next.seq > welcome.seq);
  const metrics = (await http(standby, '/metrics')).text;
  assert.match(metrics, /companion_node_role\{role="engine"\} 1/);
  assert.match(metrics, /companion_engine_lease_held 1/);
});

test('an engine stopped cleanly hands the lease over at once; a standby stops cleanly too', async (t) => {
  const redis = await startRedis(t);
  // A lease of a minute: a takeover within seconds can only come from the lease given up.
  const args = ['--role', 'engine', '--lease-ttl', '60000'];
  const active = await node(t, redis, args).start();
  const standby = node(t, redis, args);
  const standbyListening = standby.start();
  standbyListening.catch(() => {});
  await waitFor(() => /engine standby/.test(standby.output), { what: 'engine standby' });
  const third = node(t, redis, args);
  third.start().catch(() => {});
  await waitFor(() => /engine standby/.test(third.output), { what: 'a second standby' });
  // SIGTERM on a standby: it leaves at once, exit 0, having served nothing.
  third.proc.kill('SIGTERM');
  assert.deepEqual(await third.exited, { code: 0, signal: null });

  const stoppedAt = Date.now();
  assert.deepEqual(await active.stop(), { code: 0, signal: null });
  await standbyListening;
  const takeover = Date.now() - stoppedAt;
  t.diagnostic(`standby listening ${takeover} ms after the active engine's SIGTERM`);
  assert.ok(takeover < 5000, `took ${takeover} ms with a 60 s lease`);
});

test('an engine paused past its lease cannot write after the standby took over: the history does not fork', async (t) => {
  const redis = await startRedis(t);
  const args = ['--role', 'engine', '--lease-ttl', '1000'];
  const paused = await node(t, redis, args).start();
  const standby = node(t, redis, args);
  const standbyListening = standby.start();
  standbyListening.catch(() => {});  // awaited below; a test that fails first leaves it
  await waitFor(() => /engine standby/.test(standby.output), { what: 'engine standby' });
  const oldProducer = await joinClient(t, paused, { token: paused.token('producer') });
  const before = await oldProducer.request({ type: 'announce', text: 'before the pause' });
  assert.equal(before.type, 'ack');

  paused.proc.kill('SIGSTOP');
  await standbyListening;
  const producer = await joinClient(t, standby, { token: standby.token('producer') });
  const taken = await producer.request({ type: 'announce', text: 'from the new engine' });
  assert.equal(taken.type, 'ack');
  assert.ok(taken.seq > before.seq, 'seq moves on from the old engine');

  // The old engine wakes with a command waiting: refused (or its connection closed), never acknowledged.
  oldProducer.send({ type: 'announce', id: 9999, text: 'from the old engine' });
  paused.proc.kill('SIGCONT');
  const answer = await Promise.race([
    oldProducer.next((f) => f.id === 9999).catch(() => null),
    oldProducer.closed.then(() => null),
  ]);
  assert.notEqual(answer?.type, 'ack', 'the old engine acknowledged nothing');
  const exit = await paused.exited;
  t.diagnostic(`old engine answered ${JSON.stringify(answer)} and exited ${JSON.stringify(exit)}`);

  const state = (await http(standby, `/api/events/${defaultEvent}/state`)).json;
  assert.equal(state.announcement.text, 'from the new engine');
  // One history: resumed from before the pause, the changes run without a gap or a fork.
  const viewer = await Client.open(standby.wsUrl);
  t.after(() => viewer.ws.terminate());
  const welcome = await viewer.hello({ resume: { epoch: oldProducer.welcome.epoch, seq: before.seq - 1 } });
  assert.equal(welcome.recovered, true);
  await viewer.next((f) => f.type === 'change' && f.seq === welcome.seq);
  const changes = viewer.changes();
  assert.ok(contiguousFrom(changes, before.seq - 1), `no gap, no duplicate: ${changes.map((c) => c.seq)}`);
  const texts = changes.filter((c) => c.kind === 'announcement').map((c) => c.data.text);
  assert.deepEqual(texts, ['before the pause', 'from the new engine']);
});

test('Redis killed and restarted: commands fail cleanly meanwhile, viewers stay, the server carries on by itself', async (t) => {
  const redis = await startRedis(t);
  const server = await node(t, redis).start();
  const viewer = await joinClient(t, server);
  const base = (await viewer.next((f) => f.type === 'snapshot')).seq;
  const producer = await joinClient(t, server, { token: server.token('producer') });
  const first = await producer.request({ type: 'announce', text: 'before Redis went away' });
  assert.equal(first.type, 'ack');

  await redis.kill();
  const refused = await producer.request({ type: 'announce', text: 'while Redis is away' });
  assert.equal(refused.type, 'error');
  assert.equal(refused.code, 'internal');
  // Reads go on: a new viewer joins and gets the state as it was.
  const late = await joinClient(t, server);
  const snapshot = await late.next((f) => f.type === 'snapshot');
  assert.equal(snapshot.state.announcement.text, 'before Redis went away');

  await redis.start();
  let after;
  await waitFor(
    async () => {
      after = await producer.request({ type: 'announce', text: 'after Redis came back' });
      return after.type === 'ack';
    },
    { timeout: 10000, interval: 200, what: 'a command acknowledged once Redis is back' },
  );
  await viewer.next((f) => f.type === 'change' && f.seq === after.seq);
  const changes = viewer.changes().filter((c) => c.seq <= after.seq);
  assert.ok(contiguousFrom(changes, base), `the viewer saw no gap or duplicate: ${changes.map((c) => c.seq)}`);
  const texts = changes.filter((c) => c.kind === 'announcement').map((c) => c.data.text);
  assert.deepEqual(texts, ['before Redis went away', 'after Redis came back'], 'the refused change is nowhere');
  assert.ok(viewer.ws.readyState === 1, 'the viewer stayed connected');
});
