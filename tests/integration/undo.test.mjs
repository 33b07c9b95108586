// Moderators take decisions back (post.restore, question.restore, author.unblock,
// author.untrust) and decide on a selection (posts: [...]); the author lists reach
// staff; an event may reserve the overlay to producers and must name a real time
// zone. Every undo is journaled and survives kill -9.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { companionBin, defaultEvent, eventFile, http, joinClient, serverLives, startServer, tempDataDir } from './lib/harness.mjs';

const route = `/api/events/${defaultEvent}/posts`;

function post(id, handle, text = `Post ${id} #Road2NATO`) {
  return { id, author: { handle, display_name: `Name of ${handle}` }, text, created_at: Date.now() };
}

async function ingest(server, posts) {
  const answer = await http(server, route, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.token('ingest')}`, 'content-type': 'application/x-ndjson' },
    body: posts.map((p) => JSON.stringify(p)).join('\n'),
  });
  assert.equal(answer.status, 202, JSON.stringify(answer.json));
  assert.equal(answer.json.accepted, posts.length, JSON.stringify(answer.json));
}

// Waits until the moderator holds queue.post frames for `count` distinct posts, returns their ids.
async function queued(moderator, count) {
  const ids = new Set();
  await moderator.next((f) => {
    if (f.type === 'queue.post') ids.add(f.post.id);
    return ids.size >= count;
  });
  return [...ids];
}

function expectError(answer, code) {
  assert.equal(answer.type, 'error', JSON.stringify(answer));
  assert.equal(answer.code, code, JSON.stringify(answer));
}

test('undo commands need a moderator and well-formed fields', async (t) => {
  const server = await startServer(t);
  const viewer = await joinClient(t, server);
  const moderator = await joinClient(t, server, { token: server.token('moderator') });
  expectError(await viewer.request({ type: 'post.restore', post: 'webhook:x' }), 'forbidden');
  expectError(await viewer.request({ type: 'question.restore', question: 'q1' }), 'forbidden');
  expectError(await viewer.request({ type: 'author.unblock', source: 'webhook', handle: 'a' }), 'forbidden');
  expectError(await moderator.request({ type: 'post.restore' }), 'bad_request');
  expectError(await moderator.request({ type: 'author.untrust', source: 'webhook' }), 'bad_request');
  expectError(await moderator.request({ type: 'post.restore', post: 'webhook:nothing' }), 'not_found');
  expectError(await moderator.request({ type: 'author.unblock', source: 'webhook', handle: 'nobody' }), 'not_found');
  const tooMany = Array.from({ length: 101 }, (_, i) => `webhook:p${i}`);
  const refused = await moderator.request({ type: 'post.approve', posts: tooMany });
  expectError(refused, 'bad_request');
  assert.match(refused.message, /at most 100/);
  expectError(await moderator.request({ type: 'post.reject', posts: ['a', 'a'] }), 'bad_request');
  expectError(await moderator.request({ type: 'post.feature', posts: ['a'] }), 'bad_request');
  // The connection stays usable after every refusal.
  assert.equal((await moderator.request({ type: 'ping' })).type, 'pong');
});

test('bulk decisions, restores and author lists are journaled and survive kill -9', async (t) => {
  const life = serverLives(t);
  const first = await life();
  const moderator = await joinClient(t, first, { token: first.token('moderator', { subject: 'Ana Ruiz' }) });
  const snapshot = await moderator.next((f) => f.type === 'queue.snapshot');
  assert.deepEqual(snapshot.authors, { blocked: [], trusted: [] });

  await ingest(first, [post('b1', 'ben'), post('b2', 'ben'), post('s1', 'spam'), post('s2', 'spam'), post('c1', 'cat')]);
  const ids = await queued(moderator, 5);
  const id = (name) => ids.find((x) => x.endsWith(`:${name}`)) ?? ids.find((x) => x.includes(name));

  // Reject, then undo it: back in the queue.
  assert.equal((await moderator.request({ type: 'post.reject', post: id('c1') })).type, 'ack');
  const from = moderator.frames.length;
  assert.equal((await moderator.request({ type: 'post.restore', post: id('c1') })).type, 'ack');
  await moderator.next((f) => f.type === 'queue.post' && f.post.id === id('c1'), { from });

  // A selection: one approve for two posts; the third, approved meanwhile, is skipped.
  assert.equal((await moderator.request({ type: 'post.approve', post: id('c1') })).type, 'ack');
  const bulk = await moderator.request({ type: 'post.approve', posts: [id('b1'), id('b2'), id('c1')] });
  assert.equal(bulk.type, 'ack', JSON.stringify(bulk));
  assert.deepEqual(bulk.done.sort(), [id('b1'), id('b2')].sort());
  assert.equal(bulk.skipped.length, 1);
  assert.equal(bulk.skipped[0].post, id('c1'));
  assert.equal(bulk.skipped[0].code, 'conflict');

  // Block, see the list, unblock: the blocked posts come back.
  const blocked = await moderator.request({ type: 'author.block', source: 'webhook', handle: 'spam' });
  assert.equal(blocked.type, 'ack', JSON.stringify(blocked));
  const list = await moderator.next((f) => f.type === 'queue.authors' && f.authors.blocked.length === 1);
  assert.equal(list.authors.blocked[0].by, 'Ana Ruiz');
  const before = moderator.frames.length;
  assert.equal((await moderator.request({ type: 'author.unblock', source: 'webhook', handle: 'spam' })).type, 'ack');
  await moderator.next((f) => f.type === 'queue.authors' && f.authors.blocked.length === 0, { from: before });
  assert.equal(moderator.frames.slice(before).filter((f) => f.type === 'queue.post').length, 2);
  // Trust stays listed across the kill.
  assert.equal((await moderator.request({ type: 'author.trust', source: 'webhook', handle: 'cat' })).type, 'ack');

  // A question rejected while live and restored keeps its place among the open ones.
  const viewer = await joinClient(t, first);
  const asked = await viewer.request({ type: 'question.ask', text: 'Will the Tokyo office open this year?' });
  await moderator.request({ type: 'question.approve', question: asked.question });
  await moderator.request({ type: 'question.reject', question: asked.question });
  const restored = await moderator.request({ type: 'question.restore', question: asked.question });
  assert.equal(restored.type, 'ack', JSON.stringify(restored));
  await viewer.next((f) => f.type === 'change' && f.seq === restored.seq && f.kind === 'question.added');

  assert.deepEqual(await first.stop('SIGKILL'), { code: null, signal: 'SIGKILL' });
  const second = await life();
  const again = await joinClient(t, second, { token: second.token('moderator') });
  const queue = await again.next((f) => f.type === 'queue.snapshot');
  assert.deepEqual(queue.posts.map((p) => p.id).sort(), [id('s1'), id('s2')].sort());
  assert.deepEqual(queue.authors.trusted.map((a) => a.handle), ['cat']);
  assert.deepEqual(queue.authors.blocked, []);
  const state = (await http(second, `/api/events/${defaultEvent}/state`)).json;
  assert.ok(state.questions.some((q) => q.id === asked.question && q.status === 'open'));
  assert.deepEqual(state.highlights.map((h) => h.id).sort(), [id('b1'), id('b2'), id('c1')].sort());
});

// A copy of the bundled event with some top-level fields changed.
function eventVariant(t, fields) {
  const dir = mkdtempSync(path.join(tmpdir(), 'companion-event-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const json = { ...JSON.parse(readFileSync(eventFile(`events/${defaultEvent}.json`), 'utf8')), ...fields };
  const file = path.join(dir, 'event.json');
  writeFileSync(file, JSON.stringify(json));
  return file;
}

test('on_air: "producer" keeps moderators off the overlay and on_screen says who put it there', async (t) => {
  const server = await startServer(t, { args: ['--event', eventVariant(t, { on_air: 'producer' })] });
  const moderator = await joinClient(t, server, { token: server.token('moderator') });
  const producer = await joinClient(t, server, { token: server.token('producer', { subject: 'Joe Park' }) });
  const viewer = await joinClient(t, server);
  const snapshot = await viewer.next((f) => f.type === 'snapshot');
  assert.equal(snapshot.state.event.on_air, 'producer');
  assert.equal(snapshot.state.event.time_zone, 'America/New_York');
  const asked = await viewer.request({ type: 'question.ask', text: 'What comes after the summit?' });
  await moderator.request({ type: 'question.approve', question: asked.question });
  const refused = await moderator.request({ type: 'on_screen.set', kind: 'question', item: asked.question });
  expectError(refused, 'forbidden');
  assert.match(refused.message, /producers/);
  const aired = await producer.request({ type: 'on_screen.set', kind: 'question', item: asked.question });
  assert.equal(aired.type, 'ack');
  const change = await viewer.next((f) => f.type === 'change' && f.kind === 'on_screen' && f.seq === aired.seq);
  assert.deepEqual(change.data, { kind: 'question', id: asked.question, by: 'Joe Park' });
});

test('an event file whose time_zone is not in the zone database is refused at start', () => {
  const dataDir = tempDataDir();
  try {
    for (const [zone, why] of [['Mars/Olympus_Mons', /not in the time zone database/], ['New York', /not an IANA time zone/]]) {
      const dir = mkdtempSync(path.join(tmpdir(), 'companion-event-'));
      const file = path.join(dir, 'event.json');
      const json = { ...JSON.parse(readFileSync(eventFile(`events/${defaultEvent}.json`), 'utf8')), time_zone: zone };
      writeFileSync(file, JSON.stringify(json));
      const run = spawnSync(companionBin, ['serve', '--listen', '127.0.0.1:0', '--data', dataDir, '--event', file], {
        encoding: 'utf8',
        timeout: 15000,
      });
      rmSync(dir, { recursive: true, force: true });
      assert.notEqual(run.status, 0, `${zone} was accepted`);
      assert.match(run.stderr, /time_zone/);
      assert.match(run.stderr, why);
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
