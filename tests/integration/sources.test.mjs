// Live sources against local fakes: a Jetstream server that honours cursor= the way
// the real one does, a Mastodon streaming server, and a profile API for DID lookups.
// Drops mid-stream and restarts of the server lose nothing and show nothing twice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { WebSocketServer } from 'ws';
import { defaultEvent, http, serverLives, waitFor } from './lib/harness.mjs';
import {
  hashtags,
  fixtureLines,
  writeEventFile,
  postFrame,
  identityFrame,
  deleteFrame,
  authors,
  FrameClock,
  rkeyOf,
  FakeJetstream,
  startProfileApi,
  deadUrl,
  joinModerator,
  FakeMastodon,
} from './lib/social_fakes.mjs';

function assertEachOnce(ids, expectedRkeys, what) {
  const counts = new Map();
  for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
  const doubled = [...counts].filter(([, n]) => n > 1).map(([id]) => id);
  assert.deepEqual(doubled, [], `${what}: shown twice`);
  assert.deepEqual([...counts.keys()].map(rkeyOf).sort(), [...expectedRkeys].sort(), `${what}: exactly the published posts`);
}

async function metrics(server) {
  return (await http(server, '/metrics')).text;
}

const metricLine = (source, name, labels = '') =>
  new RegExp(`^${name}\\{event="${defaultEvent}",source="${source}"${labels}\\} (\\d+)$`, 'm');

test('Jetstream: a drop mid-stream resumes from the cursor with nothing lost or doubled', async (t) => {
  const fake = await new FakeJetstream().start();
  t.after(() => fake.close());
  const eventFile = writeEventFile(t);
  const life = serverLives(t, ['--event', eventFile, '--jetstream', fake.url, '--did-resolver', await deadUrl()]);
  const server = await life();

  await waitFor(() => fake.open().length === 1, { timeout: 10000, what: 'the first Jetstream connection' });
  const first = fake.connections[0];
  assert.equal(first.path, '/subscribe');
  assert.deepEqual(first.wanted, ['app.bsky.feed.post']);
  assert.equal(first.cursor, null, 'a fresh data folder starts live, without a cursor');

  const moderator = await joinModerator(t, server);
  const clock = new FrameClock();
  await fake.publish(authors.map((a) => identityFrame(a.did, a.handle, clock.tick())));
  const batch1 = clock.nextPosts(10);
  await fake.publish(batch1);
  await waitFor(() => moderator.ids().length >= 10, { timeout: 10000, what: 'the first 10 posts in the queue' });
  const named = moderator.posts().find((p) => p.id.includes(authors[0].did));
  assert.equal(named.author.handle, authors[0].handle, 'identity frames name the authors');

  // Cut the connection after 4 frames of a batch of 10; the other 6 are published meanwhile.
  const batch2 = clock.nextPosts(10);
  await fake.publish(batch2, { dropAfter: 4 });
  const lastProcessed = batch2[3].time_us;
  await waitFor(() => fake.open().length === 1 && fake.connections.length === 2, { timeout: 10000, what: 'the reconnect' });
  const second = fake.connections[1];
  assert.deepEqual(second.wanted, ['app.bsky.feed.post']);
  assert.ok(second.cursor !== null, 'the reconnect carries cursor=');
  assert.ok(second.cursor <= lastProcessed && second.cursor >= lastProcessed - 2_000_000,
    `cursor ${second.cursor} is the last time_us processed (${lastProcessed}) minus up to 2 s`);

  const batch3 = clock.nextPosts(5);
  await fake.publish(batch3);
  const published = [...batch1, ...batch2, ...batch3].map((f) => f.commit.rkey);
  await waitFor(() => moderator.ids().length >= published.length, { timeout: 10000, what: 'every post after the resume' });

  // A deletion is honoured: the post leaves the queue.
  const gone = batch1[2];
  await fake.publish([deleteFrame(gone.did, gone.commit.rkey, clock.tick())]);
  await moderator.next((f) => f.type === 'queue.removed' && rkeyOf(f.id) === gone.commit.rkey, { timeout: 5000 });

  assertEachOnce(moderator.ids(), published, 'after the drop');
  t.diagnostic(`dropped after time_us ${lastProcessed}, resumed with cursor=${second.cursor}; ${published.length} posts each shown once`);

  const text = await waitFor(async () => {
    const body = await metrics(server);
    return metricLine('jetstream', 'companion_source_state', ',state="connected"').exec(body)?.[1] === '1' &&
      Number(metricLine('jetstream', 'companion_source_reconnects_total').exec(body)?.[1]) >= 1 &&
      Number(metricLine('jetstream', 'companion_source_accepted_total').exec(body)?.[1]) >= published.length && body;
  }, { timeout: 5000, what: '/metrics to show the connected source' });
  assert.match(text, metricLine('jetstream', 'companion_source_up'));
  assert.match(text, metricLine('jetstream', 'companion_source_lag_ms'));
  assert.match(text, metricLine('jetstream', 'companion_source_cursor'));
});

test('Jetstream: restarts resume from the durable cursor, even after kill -9', async (t) => {
  const fake = await new FakeJetstream().start();
  t.after(() => fake.close());
  const eventFile = writeEventFile(t);
  const life = serverLives(t, ['--event', eventFile, '--jetstream', fake.url, '--did-resolver', await deadUrl()]);
  const clock = new FrameClock();
  const published = [];

  // First life: 8 posts, then a clean stop, which writes the cursor.
  const first = await life();
  await waitFor(() => fake.open().length === 1, { timeout: 10000, what: 'the first connection' });
  await fake.publish(authors.map((a) => identityFrame(a.did, a.handle, clock.tick())));
  const batch1 = clock.nextPosts(8);
  await fake.publish(batch1);
  published.push(...batch1.map((f) => f.commit.rkey));
  const moderator1 = await joinModerator(t, first);
  await waitFor(() => moderator1.ids().length >= 8, { timeout: 10000, what: 'the first life\'s posts' });
  await first.stop('SIGTERM');
  const cursorPath = path.join(first.dataDir, 'cursors', `${defaultEvent}.jetstream.cursor`);
  assert.equal(Number(readFileSync(cursorPath, 'utf8')), batch1.at(-1).time_us, 'the stop writes the last time_us');

  // While the server is down, the stream goes on.
  const whileDown = clock.nextPosts(5);
  await fake.publish(whileDown);
  published.push(...whileDown.map((f) => f.commit.rkey));

  // Second life: resumes 2 s before the stored cursor; gets what it missed; then dies hard.
  const second = await life();
  await waitFor(() => fake.connections.length === 2 && fake.open().length === 1, { timeout: 10000, what: 'the second life to connect' });
  assert.equal(fake.connections[1].cursor, batch1.at(-1).time_us - 2_000_000);
  const moderator2 = await joinModerator(t, second);
  await waitFor(() => moderator2.ids().length >= published.length, { timeout: 10000, what: 'the posts published while down' });
  assertEachOnce(moderator2.ids(), published, 'after a clean restart');
  const batch2 = clock.nextPosts(6);
  await fake.publish(batch2);
  published.push(...batch2.map((f) => f.commit.rkey));
  await waitFor(() => moderator2.ids().length >= published.length, { timeout: 10000, what: 'the second life\'s posts' });
  await second.stop('SIGKILL');

  const third = await life();
  await waitFor(() => fake.connections.length === 3 && fake.open().length === 1, { timeout: 10000, what: 'the third life to connect' });
  const resumedAt = fake.connections[2].cursor;
  assert.ok(resumedAt !== null && resumedAt <= batch2.at(-1).time_us - 2_000_000,
    `after kill -9 the cursor (${resumedAt}) is at most the last time_us minus 2 s`);
  // The second life wrote its cursor on its first frame, which came at or after where it resumed.
  assert.ok(resumedAt >= fake.connections[1].cursor - 2_000_000, 'and no older than where the second life resumed');
  const batch3 = clock.nextPosts(3);
  await fake.publish(batch3);
  published.push(...batch3.map((f) => f.commit.rkey));
  const moderator3 = await joinModerator(t, third);
  await waitFor(() => moderator3.ids().length >= published.length, { timeout: 10000, what: 'the third life\'s posts' });
  // Replayed frames from before the kill settle: give them a moment, then count.
  await new Promise((resolve) => setTimeout(resolve, 300));
  assertEachOnce(moderator3.ids(), published, 'after kill -9');
  t.diagnostic(`cursors on connect: ${fake.connections.map((c) => c.cursor).join(', ')}; ${published.length} posts each shown once`);
});

test('Jetstream: an author without an identity frame shows the DID until the profile API names it', async (t) => {
  const fake = await new FakeJetstream().start();
  t.after(() => fake.close());
  const stranger = { did: 'did:plc:strangerbbbbbbbbbbbbbbbb', handle: 'stranger.bsky.social' };
  const api = await startProfileApi({ [stranger.did]: stranger.handle });
  t.after(() => api.server.close());
  const eventFile = writeEventFile(t);
  const life = serverLives(t, ['--event', eventFile, '--jetstream', fake.url, '--did-resolver', api.url]);
  const server = await life();
  await waitFor(() => fake.open().length === 1, { timeout: 10000, what: 'the connection' });
  const moderator = await joinModerator(t, server);

  const clock = new FrameClock();
  await fake.publish([postFrame(stranger.did, '3ktstranger1', clock.tick(), 'First words from a stranger')]);
  const firstPost = await moderator.next((f) => f.type === 'queue.post' && f.post.id.includes('3ktstranger1'), { timeout: 5000 });
  assert.equal(firstPost.post.author.handle, stranger.did, 'until resolved, the DID is shown');

  await waitFor(() => api.asked.some((a) => a.actor === stranger.did), { timeout: 5000, what: 'the profile lookup' });
  assert.equal(api.asked[0].path, '/xrpc/app.bsky.actor.getProfile');
  // The answer lands on the ingest thread; a later post carries the handle.
  let more = 1;
  const later = await waitFor(async () => {
    more += 1;
    await fake.publish([postFrame(stranger.did, `3ktstranger${more}`, clock.tick(), `More from a stranger, part ${more}`)]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    return moderator.posts().find((p) => p.id.includes(stranger.did) && p.author.handle === stranger.handle);
  }, { timeout: 5000, what: 'a post with the resolved handle' });
  assert.ok(later);
  assert.equal(api.asked.filter((a) => a.actor === stranger.did).length, 1, 'one lookup per DID');
});

test('Mastodon: a token-bearing stream per hashtag; updates, duplicates across streams, deletes, reconnects', async (t) => {
  const token = 'test-token-5f0c1b2d9e';
  const connections = [];
  const httpServer = createServer((request, response) => response.writeHead(404).end());
  const wss = new WebSocketServer({ noServer: true });
  httpServer.on('upgrade', (request, socket, head) => {
    wss.handleUpgrade(request, socket, head, (ws) => {
      const url = new URL(request.url, 'http://fake');
      connections.push({ ws, path: url.pathname, stream: url.searchParams.get('stream'), tag: url.searchParams.get('tag'), authorization: request.headers.authorization });
    });
  });
  httpServer.listen(0, '127.0.0.1');
  await once(httpServer, 'listening');
  t.after(() => {
    for (const client of wss.clients) client.terminate();
    httpServer.close();
  });
  const base = `http://127.0.0.1:${httpServer.address().port}`;

  const eventFile = writeEventFile(t);
  const life = serverLives(t, ['--event', eventFile, '--mastodon', base, '--mastodon-token', token]);
  const server = await life();
  const open = () => connections.filter((c) => c.ws.readyState === c.ws.OPEN);
  await waitFor(() => open().length === 2, { timeout: 10000, what: 'one stream per hashtag' });
  for (const connection of connections) {
    assert.equal(connection.path, '/api/v1/streaming');
    assert.equal(connection.stream, 'hashtag');
    assert.equal(connection.authorization, `Bearer ${token}`);
  }
  assert.deepEqual(connections.map((c) => c.tag).sort(), hashtags.map((h) => h.toLowerCase()).sort());

  const moderator = await joinModerator(t, server);
  const lines = fixtureLines('mastodon-stream.ndjson').map((line) => ({ line, frame: JSON.parse(line) }));
  const streamOf = (tag) => open().find((c) => c.tag === tag);
  const statusId = (frame) => (frame.event === 'delete' ? frame.payload : JSON.parse(frame.payload).id);
  const statusIds = new Set();
  for (const { line, frame } of lines.filter(({ frame }) => frame.event === 'update')) {
    statusIds.add(statusId(frame));
    const payload = JSON.parse(frame.payload);
    // A status with both hashtags arrives on both streams; the queue shows it once.
    for (const tag of payload.tags.map((tg) => tg.name)) streamOf(tag).ws.send(line);
  }
  await waitFor(() => moderator.ids().length >= statusIds.size, { timeout: 10000, what: 'the Mastodon posts' });
  const { line: deletion, frame: deleteEvent } = lines.find(({ frame }) => frame.event === 'delete');
  streamOf(deleteEvent.stream[1]).ws.send(deletion);
  const removed = await moderator.next((f) => f.type === 'queue.removed', { timeout: 5000 });
  assert.ok(removed.id.endsWith(deleteEvent.payload), `${removed.id} is the deleted status`);

  // One stream drops; it comes back on its own with the token, and posts flow again.
  streamOf('natosummit').ws.terminate();
  await waitFor(() => open().length === 2 && connections.length === 3, { timeout: 10000, what: 'the stream to reconnect' });
  assert.equal(connections[2].tag, 'natosummit');
  assert.equal(connections[2].authorization, `Bearer ${token}`);
  const template = JSON.parse(lines[1].frame.payload);
  const fresh = { ...template, id: '112100000000000099', uri: template.uri.replace('112100000000000001', '112100000000000099'), content: '<p>After the reconnect <a href="https://mastodon.social/tags/natosummit" class="mention hashtag" rel="tag">#<span>NATOSummit</span></a></p>' };
  streamOf('natosummit').ws.send(JSON.stringify({ stream: ['hashtag', 'natosummit'], event: 'update', payload: JSON.stringify(fresh) }));
  await waitFor(() => moderator.ids().some((id) => id.endsWith('112100000000000099')), { timeout: 5000, what: 'a post after the reconnect' });

  const ids = moderator.ids();
  assert.equal(new Set(ids).size, ids.length, `nothing shown twice: ${ids}`);
  assert.equal(ids.length, statusIds.size + 1);

  const text = await waitFor(async () => {
    const body = await metrics(server);
    return metricLine('mastodon', 'companion_source_state', ',state="connected"').exec(body)?.[1] === '1' &&
      Number(metricLine('mastodon', 'companion_source_reconnects_total').exec(body)?.[1]) >= 1 && body;
  }, { timeout: 5000, what: '/metrics to show the Mastodon source' });
  assert.match(text, metricLine('mastodon', 'companion_source_frames_total'));
  assert.ok(!server.errors.includes(token) && !server.output.includes(token), 'the token is never logged');
});

test('Mastodon: statuses posted while a stream is down arrive once through the timeline, also after a restart', async (t) => {
  const token = 'test-token-7a3e91c0d4';
  const fake = await new FakeMastodon().start();
  t.after(() => fake.close());
  const template = JSON.parse(fixtureLines('mastodon-stream.ndjson').map((line) => JSON.parse(line))
    .find((frame) => frame.event === 'update').payload);
  const status = (id, text) => ({
    ...template,
    id,
    uri: `https://social.example/users/alice/statuses/${id}`,
    url: `https://social.example/@alice/${id}`,
    content: `<p>${text} <a href="https://mastodon.social/tags/natosummit" class="mention hashtag" rel="tag">#<span>NATOSummit</span></a></p>`,
    tags: [{ name: 'natosummit', url: 'https://mastodon.social/tags/natosummit' }],
  });
  const live = status('112100000000000200', 'Seen live on the stream');
  const missed = status('112100000000000201', 'Posted while the stream was down');
  const whileStopped = status('112100000000000202', 'Posted while the server was stopped');
  const count = (ids, id) => ids.filter((x) => x.endsWith(id)).length;

  const eventFile = writeEventFile(t);
  const life = serverLives(t, ['--event', eventFile, '--mastodon', fake.base, '--mastodon-token', token]);
  let server = await life();
  await waitFor(() => fake.open().length === 2, { timeout: 10000, what: 'one stream per hashtag' });
  let moderator = await joinModerator(t, server);
  fake.post(live);
  await waitFor(() => count(moderator.ids(), live.id) === 1, { timeout: 5000, what: 'the live status' });
  assert.deepEqual(fake.timelineReads, [], 'nothing to catch up on before any status was seen');

  // The stream drops; a status is posted while it is down, so no stream carries it.
  const natosummit = fake.open().find((c) => c.tag === 'natosummit');
  natosummit.ws.terminate();
  fake.post(missed);
  await waitFor(() => count(moderator.ids(), missed.id) === 1, { timeout: 10000, what: 'the missed status via the timeline' });
  assert.equal(fake.connections.filter((c) => c.tag === 'natosummit').length, 2, 'the stream reconnected');
  const afterDrop = fake.timelineReads.filter((r) => r.tag === 'natosummit');
  assert.equal(afterDrop.length, 1, 'one timeline read after the reconnect');
  assert.equal(afterDrop[0].minId, live.id, 'read from the last status seen');
  assert.equal(afterDrop[0].limit, 40);
  assert.equal(afterDrop[0].authorization, `Bearer ${token}`);
  assert.ok(fake.timelineReads.every((r) => r.tag === 'natosummit'), 'a hashtag with nothing seen is not read');
  // Nothing shows twice, even though the catch-up and the stream overlap.
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(count(moderator.ids(), live.id), 1);
  assert.equal(count(moderator.ids(), missed.id), 1);

  // The server stops; a status is posted meanwhile; the next life reads from the stored id.
  await server.stop();
  const stored = readFileSync(path.join(server.dataDir, 'cursors', `${defaultEvent}.mastodon-natosummit.cursor`), 'utf8');
  assert.equal(stored.trim(), missed.id, 'the newest id seen is kept in the data folder');
  fake.post(whileStopped);
  const readsBefore = fake.timelineReads.length;
  server = await life();
  moderator = await joinModerator(t, server);
  await waitFor(() => count(moderator.ids(), whileStopped.id) === 1, { timeout: 10000, what: 'the status posted while stopped' });
  const afterRestart = fake.timelineReads.slice(readsBefore);
  assert.deepEqual(afterRestart.map((r) => [r.tag, r.minId, r.authorization]), [['natosummit', missed.id, `Bearer ${token}`]]);
  await new Promise((resolve) => setTimeout(resolve, 300));
  const ids = moderator.ids();
  for (const id of [live.id, missed.id, whileStopped.id]) assert.equal(count(ids, id), 1, `${id} shown once: ${ids}`);
  assert.equal(ids.length, 3);
  assert.ok(!server.errors.includes(token) && !server.output.includes(token), 'the token is never logged');
});

test('Mastodon: a long outage is read back page after page, oldest first', async (t) => {
  const token = 'test-token-0b7d22e6f1';
  const fake = await new FakeMastodon().start();
  t.after(() => fake.close());
  const template = JSON.parse(fixtureLines('mastodon-stream.ndjson').map((line) => JSON.parse(line))
    .find((frame) => frame.event === 'update').payload);
  const status = (n) => {
    const id = String(112100000000000300n + BigInt(n));
    return {
      ...template,
      id,
      uri: `https://social.example/users/alice/statuses/${id}`,
      url: `https://social.example/@alice/${id}`,
      content: `<p>Note ${n} <a href="https://mastodon.social/tags/natosummit" class="mention hashtag" rel="tag">#<span>NATOSummit</span></a></p>`,
      tags: [{ name: 'natosummit', url: 'https://mastodon.social/tags/natosummit' }],
    };
  };
  const eventFile = writeEventFile(t);
  const life = serverLives(t, ['--event', eventFile, '--mastodon', fake.base, '--mastodon-token', token]);
  const server = await life();
  await waitFor(() => fake.open().length === 2, { timeout: 10000, what: 'one stream per hashtag' });
  const moderator = await joinModerator(t, server);
  fake.post(status(0));
  await waitFor(() => moderator.ids().length === 1, { timeout: 5000, what: 'the live status' });

  fake.open().find((c) => c.tag === 'natosummit').ws.terminate();
  const missed = Array.from({ length: 45 }, (_, i) => status(i + 1));
  for (const s of missed) fake.post(s);
  await waitFor(() => moderator.ids().length === 46, { timeout: 10000, what: 'all 45 missed statuses' });
  const reads = fake.timelineReads.map((r) => r.minId);
  assert.deepEqual(reads.slice(0, 2), [status(0).id, status(40).id], 'the second page starts after the first');
  const queued = moderator.posts().slice(1).map((p) => p.id.split('/').pop());
  assert.deepEqual(queued, missed.map((s) => s.id), 'oldest first, each once');
});
