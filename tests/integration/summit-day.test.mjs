// A summit-sized day: 5,000 questions waiting for moderation, 2,000 approved (200 of
// them answered), 20,000 posts held for review. Then a moderator and 1,000 viewers join
// at once: each gets its first frames quickly and every frame stays within the size
// budget below, whatever the event's size. A viewer that slept through 5,000 changes
// resumes without a 4008.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, companionBin, contiguousFrom, http, startServer, waitFor } from './lib/harness.mjs';
import { seedArgs, seedHeldPosts, seedQuestions, spread, staffClient } from './lib/seed.mjs';

// Size budget of every frame a join brings (docs/protocol.md, "Joining a big event"):
// a viewer's snapshot holds 150 questions and 50 highlights at most; a moderator's
// queue.snapshot 100 posts and 100 questions.
const VIEWER_FRAME_BUDGET = 64 * 1024;
const STAFF_FRAME_BUDGET = 128 * 1024;
// Time from opening the socket to holding welcome and snapshot, for the slowest of the
// 1,000 viewers joining together. Sanitized builds run several times slower.
const sanitized = Boolean(process.env.ASAN_OPTIONS || process.env.TSAN_OPTIONS) || /asan|tsan/.test(companionBin);
const JOIN_BUDGET_MS = sanitized ? 30000 : 5000;

const VIEWERS = 1000;
const addresses = Array.from({ length: 10 }, (_, i) => `127.0.0.${i + 2}`);

// Opens a client, says hello and resolves once its first frames are in, with the bytes
// of each frame and the time it took.
async function join(server, hello, localAddress) {
  const started = Date.now();
  const client = await Client.open(server.wsUrl, { perMessageDeflate: false, localAddress });
  client.sizes = [];
  client.ws.on('message', (data) => client.sizes.push({ bytes: data.length, type: JSON.parse(data.toString()).type }));
  await client.hello(hello);
  await client.next((f) => f.type === 'snapshot' || (f.type === 'change' && hello.resume), { timeout: JOIN_BUDGET_MS * 2 });
  if (hello.token) await client.next((f) => f.type === 'queue.snapshot', { timeout: JOIN_BUDGET_MS * 2 });
  client.joinMs = Date.now() - started;
  return client;
}

// What waits for a moderator, from /metrics.
async function queueDepth(server) {
  const { text } = await http(server, '/metrics');
  const line = text.split('\n').find((l) => l.startsWith('companion_moderation_queue_depth{'));
  return line === undefined ? undefined : Number(line.split(' ').pop());
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

test('summit day: a moderator and 1,000 viewers join a big event quickly, in small frames; a long sleeper resumes', { timeout: 240000 }, async (t) => {
  // The resume window holds more than the sleeper misses, so it resumes from changes.
  const server = await startServer(t, { args: [...seedArgs, '--no-fsync', '--resume-window', '8192'] });
  const seeding = Date.now();
  // Posts first, while no staff socket is open to be sent 20,000 queue.post frames at once.
  await seedHeldPosts(server, server.token('ingest'), { count: 20000 });
  await waitFor(async () => (await queueDepth(server)) === 20000, { timeout: 60000, interval: 200, what: '20,000 posts held' });
  const staff = [];
  for (let i = 0; i < 4; ++i) staff.push(await staffClient(t, server, server.token('moderator')));
  const producers = [];
  for (let i = 0; i < 2; ++i) producers.push(await staffClient(t, server, server.token('producer')));
  const ids = await seedQuestions(staff, { count: 7000 });
  await waitFor(async () => (await queueDepth(server)) === 27000, { timeout: 60000, interval: 200, what: '7,000 questions queued' });

  // The sleeper joins before the day's public changes, then its phone sleeps.
  const sleeper = await join(server, {}, '127.0.0.20');
  const resumeFrom = { epoch: sleeper.welcome.epoch, seq: sleeper.welcome.seq };
  sleeper.ws.terminate();

  // 5,000 public changes: 2,000 approvals, 200 answers, 2,800 announcements.
  await spread(staff, ids.slice(0, 2000).map((question) => ({ type: 'question.approve', question })));
  await spread(staff, ids.slice(0, 200).map((question) => ({ type: 'question.answered', question })));
  const announcements = Array.from({ length: 2800 }, (_, i) => ({ type: 'announce', text: `Room change number ${i}: the panel continues in hall B after the break.` }));
  const acks = await spread(producers, announcements);
  const lastSeq = Math.max(...acks.map((ack) => ack.seq));
  assert.ok(lastSeq - resumeFrom.seq >= 5000, `${lastSeq - resumeFrom.seq} changes since the sleeper left`);
  t.diagnostic(`seeded 7,000 questions, 20,000 posts and ${lastSeq - resumeFrom.seq} changes in ${Date.now() - seeding} ms`);

  // A moderator and 1,000 viewers join together.
  const opening = Date.now();
  const moderatorJoin = join(server, { token: server.token('moderator') }, '127.0.0.21');
  const viewers = [];
  for (let start = 0; start < VIEWERS; start += 100) {
    const batch = [];
    for (let i = start; i < Math.min(VIEWERS, start + 100); ++i) batch.push(join(server, {}, addresses[i % addresses.length]));
    viewers.push(...(await Promise.all(batch)));
  }
  const moderator = await moderatorJoin;
  t.after(() => {
    for (const client of [...viewers, moderator]) client.ws.terminate();
  });
  const joinTimes = viewers.map((v) => v.joinMs);
  const viewerBytes = viewers.map((v) => v.sizes.reduce((sum, f) => sum + f.bytes, 0));
  t.diagnostic(`1,000 viewers joined in ${Date.now() - opening} ms; join time median ${median(joinTimes)} ms, ` +
    `slowest ${Math.max(...joinTimes)} ms; bytes per viewer ${median(viewerBytes)}; moderator ${moderator.joinMs} ms, ` +
    `frames ${moderator.sizes.map((f) => `${f.type} ${f.bytes}`).join(', ')}`);

  // What each got: the bounded window with the totals, every frame within budget, in time.
  const snapshot = viewers[0].frames.find((f) => f.type === 'snapshot');
  assert.equal(snapshot.state.questions_total, 2000);
  assert.equal(snapshot.state.questions.length, 150);
  const queue = moderator.frames.find((f) => f.type === 'queue.snapshot');
  assert.equal(queue.questions_total, 5000);
  assert.equal(queue.posts_total, 20000);
  assert.equal(queue.posts.length, 100);
  assert.equal(queue.questions.length, 100);
  for (const viewer of viewers) {
    for (const frame of viewer.sizes) assert.ok(frame.bytes <= VIEWER_FRAME_BUDGET, `a viewer's ${frame.type} of ${frame.bytes} bytes`);
    assert.ok(viewer.joinMs <= JOIN_BUDGET_MS, `a viewer joined in ${viewer.joinMs} ms`);
    assert.equal(viewer.ws.readyState, viewer.ws.OPEN);
  }
  for (const frame of moderator.sizes) assert.ok(frame.bytes <= STAFF_FRAME_BUDGET, `the moderator's ${frame.type} of ${frame.bytes} bytes`);
  assert.ok(moderator.joinMs <= JOIN_BUDGET_MS, `the moderator joined in ${moderator.joinMs} ms`);

  // The moderator works down the queue a page at a time, to the end of the questions.
  let after = queue.questions_next;
  let read = queue.questions.length;
  while (after) {
    const page = await moderator.request({ type: 'queue.page', kind: 'question', after, limit: 100 });
    assert.equal(page.type, 'ack');
    read += page.items.length;
    after = page.next;
  }
  assert.equal(read, 5000);

  // The sleeper wakes up: 5,000 missed changes, resumed, not closed with 4008.
  const woken = new Client(server.wsUrl, { perMessageDeflate: false, localAddress: '127.0.0.20' });
  t.after(() => woken.ws.terminate());
  await new Promise((resolve) => woken.ws.once('open', resolve));
  const welcome = await woken.hello({ viewer: sleeper.welcome.viewer, resume: resumeFrom });
  assert.equal(welcome.recovered, true);
  await waitFor(() => woken.changes().length >= welcome.seq - resumeFrom.seq, { timeout: JOIN_BUDGET_MS * 4, what: 'every missed change' });
  const missed = woken.changes();
  assert.ok(contiguousFrom(missed.slice(0, welcome.seq - resumeFrom.seq), resumeFrom.seq), 'the missed changes, in order, none missing');
  assert.equal((await woken.request({ type: 'ping' })).type, 'pong');
  assert.equal(woken.ws.readyState, woken.ws.OPEN, 'no 4008');
});
