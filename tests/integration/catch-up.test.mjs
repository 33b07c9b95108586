// What the server sends at join and resume (welcome, snapshot, queue.snapshot, the missed
// changes) is written as the socket drains and never counted against the 4008 limits; a
// resume beyond the resume window gets a snapshot; 4008 stays for a client that cannot
// keep up with steady traffic.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, contiguousFrom, defaultEvent, http, joinClient, sleep, startServer, waitFor } from './lib/harness.mjs';

const TEXT = 'A long announcement of the kind a busy show sends, padded to size. '.repeat(6);

// Sends `count` announcements, `chunk` in flight at a time, retrying the rate-limited
// ones after the wait the server names; resolves with the seqs in order.
async function announceMany(producer, count, { chunk = 200, label = 'n' } = {}) {
  const seqs = [];
  for (let start = 0; start < count; start += chunk) {
    let pending = Array.from({ length: Math.min(chunk, count - start) }, (_, i) => start + i);
    for (let round = 0; pending.length > 0; ++round) {
      assert.ok(round < 50, 'announcements keep being refused');
      const replies = await Promise.all(pending.map((n) => producer.request({ type: 'announce', text: `${label}${n} ${TEXT}` }, { timeout: 15000 })));
      const retry = [];
      let wait = 0;
      replies.forEach((reply, i) => {
        if (reply.type === 'ack') seqs.push(reply.seq);
        else if (reply.code === 'rate_limited') {
          retry.push(pending[i]);
          wait = Math.max(wait, reply.retry_after_ms);
        } else assert.fail(JSON.stringify(reply));
      });
      pending = retry;
      if (wait) await sleep(wait);
    }
  }
  return seqs.sort((a, b) => a - b);
}

async function metric(server, name) {
  const { text } = await http(server, '/metrics');
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.split(' ')[1]);
}

// A viewer that saw up to seq N, then went away (a phone asleep).
async function sleeper(t, server) {
  const viewer = await joinClient(t, server);
  const snapshot = await viewer.next((f) => f.type === 'snapshot');
  await sleep(50);
  const seq = Math.max(snapshot.seq, ...viewer.changes().map((c) => c.seq));
  const { epoch, viewer: id } = viewer.welcome;
  await viewer.close();
  return { epoch, seq, id };
}

// Opens a socket, sends hello and stops reading for `pauseMs`, as a phone on a slow
// network would: the server holds the catch-up and writes it as the socket drains.
async function resumeSlowly(t, server, hello, pauseMs = 1000) {
  const client = await Client.open(server.wsUrl, { perMessageDeflate: false });
  t.after(() => client.ws.terminate());
  client.ws._socket.pause();
  client.send({ type: 'hello', id: 'h', ...hello });
  await sleep(pauseMs);
  client.ws._socket.resume();
  client.welcome = await client.next((f) => f.id === 'h', { timeout: 10000 });
  return client;
}

for (const [missed, args] of [[3000, []], [5000, ['--resume-window', '8192']]]) {
  test(`a viewer that missed ${missed} changes resumes without a 4008 and with none missing`, async (t) => {
    const server = await startServer(t, { args: ['--no-fsync', ...args] });
    const producer = await joinClient(t, server, { token: server.token('producer') });
    const away = await sleeper(t, server);
    const seqs = await announceMany(producer, missed);
    const last = seqs.at(-1);

    const client = await resumeSlowly(t, server, { viewer: away.id, resume: { epoch: away.epoch, seq: away.seq } });
    assert.equal(client.welcome.type, 'welcome', JSON.stringify(client.welcome));
    assert.equal(client.welcome.recovered, true);
    await client.next((f) => f.type === 'change' && f.seq >= last, { timeout: 30000 });
    const bytes = client.changes().reduce((sum, c) => sum + JSON.stringify(c).length, 0);
    t.diagnostic(`${client.changes().length} changes, about ${Math.round(bytes / 1024)} KiB, caught up`);
    assert.ok(bytes > 256 * 1024, 'more than the queue limit in bytes');
    assert.ok(client.changes().length > 2048, 'more than the queue limit in frames');
    assert.equal(client.ws.readyState, client.ws.OPEN, 'still connected');
    assert.ok(!client.frames.some((f) => f.type === 'snapshot'), 'no snapshot');
    const replayed = client.changes().filter((c) => c.seq <= last);
    assert.ok(contiguousFrom(replayed, away.seq), `every change in (${away.seq}, ${last}] in order`);
    const texts = new Set(replayed.filter((c) => c.kind === 'announcement').map((c) => c.data.text));
    for (let n = 0; n < missed; ++n) assert.ok(texts.has(`n${n} ${TEXT}`.trim()), `announcement n${n} arrived`);

    // Still served as steady traffic afterwards.
    const after = await producer.request({ type: 'announce', text: 'after the catch-up' });
    await client.next((f) => f.type === 'change' && f.seq === after.seq);
    assert.equal(await metric(server, 'companion_slow_consumer_closes_total'), 0);
    assert.equal(await metric(server, 'companion_resumes_total{result="recovered"}'), 1);
    assert.ok((await metric(server, 'companion_catch_up_frames_total')) >= missed);
  });
}

test('a resume beyond the resume window gets a snapshot, never a close', async (t) => {
  const server = await startServer(t, { args: ['--no-fsync', '--resume-window', '1000'] });
  const producer = await joinClient(t, server, { token: server.token('producer') });
  const away = await sleeper(t, server);
  const seqs = await announceMany(producer, 3000);

  const client = await resumeSlowly(t, server, { viewer: away.id, resume: { epoch: away.epoch, seq: away.seq } });
  assert.equal(client.welcome.recovered, false);
  const snapshot = await client.next((f) => f.type === 'snapshot');
  assert.equal(client.frames.indexOf(snapshot), 1, 'the snapshot follows the welcome');
  assert.ok(snapshot.seq >= seqs.at(-1));
  const lastText = (await producer.next((f) => f.type === 'change' && f.seq === seqs.at(-1))).data.text;
  assert.equal(snapshot.state.announcement.text, lastText);
  assert.ok(!client.changes().some((c) => c.seq <= snapshot.seq), 'no replayed change');
  const after = await producer.request({ type: 'announce', text: 'after the snapshot' });
  await client.next((f) => f.type === 'change' && f.seq === after.seq);
  assert.equal(client.ws.readyState, client.ws.OPEN);
  assert.equal(await metric(server, 'companion_resumes_total{result="snapshot"}'), 1);
  assert.equal(await metric(server, 'companion_slow_consumer_closes_total'), 0);
});

test('a viewer that stops reading in the middle of steady traffic still gets 4008', async (t) => {
  const server = await startServer(t, { args: ['--no-fsync'] });
  const producer = await joinClient(t, server, { token: server.token('producer') });
  // A reader that stopped reading right after its resume: neither its catch-up nor the
  // traffic after it leaves the server.
  const away = await sleeper(t, server);
  await announceMany(producer, 1000, { label: 'before' });
  const stalled = await Client.open(server.wsUrl, { perMessageDeflate: false });
  t.after(() => stalled.ws.terminate());
  stalled.send({ type: 'hello', id: 'h', resume: { epoch: away.epoch, seq: away.seq } });
  await sleep(200);
  stalled.ws._socket.pause();
  // And one that stopped after a plain join.
  const plain = await joinClient(t, server, {}, { perMessageDeflate: false });
  await plain.next((f) => f.type === 'snapshot');
  plain.ws._socket.pause();
  const reader = await joinClient(t, server);

  // The paused sockets' kernel buffers fill first (the receiving side's can grow to a
  // few MiB on loopback), then the server's queue: bounded, it stops at the closes.
  let steps = 0;
  for (; steps < 120; ++steps) {
    await announceMany(producer, 100, { label: `steady${steps}.` });
    if ((await metric(server, 'companion_slow_consumer_closes_total')) >= 2) break;
  }
  t.diagnostic(`${(steps + 1) * 100} announcements until both were closed`);
  assert.equal(await metric(server, 'companion_slow_consumer_closes_total'), 2, 'both stalled viewers, only them');
  stalled.ws._socket.resume();
  plain.ws._socket.resume();
  assert.equal((await stalled.closed).code, 4008);
  assert.equal((await plain.closed).code, 4008);
  assert.equal(reader.ws.readyState, reader.ws.OPEN, 'the viewer that reads stays');
});

test('a moderator joins a queue bigger than the 4008 limit and stays connected', async (t) => {
  const server = await startServer(t, { args: ['--no-fsync'] });
  const ingest = server.token('ingest');
  const posts = 1500;
  const body = Array.from({ length: posts }, (_, i) => JSON.stringify({
    id: `held-${i}`,
    author: { handle: `reader${i}` },
    text: `Post ${i} about the summit #Road2NATO ${'and a few more words to make it the size of a real post '.repeat(3)}`,
    created_at: Date.now(),
  })).join('\n');
  const reply = await http(server, `/api/events/${defaultEvent}/posts`, {
    method: 'POST', headers: { authorization: `Bearer ${ingest}`, 'content-type': 'application/x-ndjson' }, body,
  });
  assert.equal(reply.status, 202, JSON.stringify(reply.body));
  const watcher = await joinClient(t, server, { token: server.token('moderator') });
  // The queue.snapshot holds the oldest posts and counts them all (posts_total).
  await waitFor(async () => watcher.frames.filter((f) => f.type === 'queue.post').length + (watcher.frames.find((f) => f.type === 'queue.snapshot')?.posts_total ?? 0) >= posts, {
    timeout: 20000, what: 'every post held for moderation',
  });

  const moderator = await Client.open(server.wsUrl, { perMessageDeflate: false });
  t.after(() => moderator.ws.terminate());
  const raw = [];
  moderator.ws.on('message', (data) => raw.push(data.length));
  const welcome = await moderator.hello({ token: server.token('moderator') });
  assert.equal(welcome.role, 'moderator');
  const queue = await moderator.next((f) => f.type === 'queue.snapshot', { timeout: 10000 });
  await moderator.next((f) => f.type === 'snapshot');
  t.diagnostic(`queue.snapshot of ${queue.posts.length} posts, join frames ${raw.join(' + ')} bytes`);
  const ack = await moderator.request({ type: 'ping' });
  assert.equal(ack.type, 'pong');
  assert.equal(moderator.ws.readyState, moderator.ws.OPEN);
  assert.equal(await metric(server, 'companion_slow_consumer_closes_total'), 0);
});
