// Ingest stays in its lane: a webhook (anyone holding an ingest token) speaks for its own
// posts only. It cannot post as another network, be trusted through another network's
// handles, delete or edit other sources' posts, or feed Bluesky identities; and no source
// can give a post a created_at outside [2000, now + 1 day].
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, joinClient, http, defaultEvent, waitFor } from './lib/harness.mjs';

const route = `/api/events/${defaultEvent}/posts`;
const day = 86_400_000;
const year2000 = Date.UTC(2000, 0, 1);

async function ingest(server, body) {
  const answer = await http(server, route, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.token('ingest')}`, 'content-type': 'application/x-ndjson' },
    body: (Array.isArray(body) ? body : [body]).map((line) => (typeof line === 'string' ? line : JSON.stringify(line))).join('\n'),
  });
  assert.equal(answer.status, 202, answer.text);
  return answer.json;
}

const state = async (server) => (await http(server, `/api/events/${defaultEvent}/state`)).json;

const jetstreamPost = {
  did: 'did:plc:policywatcher', time_us: Date.now() * 1000, kind: 'commit',
  commit: {
    rev: '3l', operation: 'create', collection: 'app.bsky.feed.post', rkey: '3kqimpostor', cid: 'bafy',
    record: { $type: 'app.bsky.feed.post', text: 'Fake statement #NATOSummit', createdAt: new Date().toISOString(), langs: ['en'] },
  },
};
const jetstreamIdentity = {
  did: 'did:plc:victim', time_us: Date.now() * 1000, kind: 'identity',
  identity: { did: 'did:plc:victim', handle: 'policywatcher.bsky.social', seq: 1, time: new Date().toISOString() },
};
const mastodonUpdate = {
  stream: ['hashtag', 'natosummit'], event: 'update',
  payload: JSON.stringify({
    id: '1', uri: 'https://mstdn.example.jp/users/hiro/statuses/1', url: 'https://mstdn.example.jp/@hiro/1',
    created_at: new Date().toISOString(), content: '<p>Fake #NATOSummit</p>', language: 'en', visibility: 'public',
    account: { id: '1', username: 'hiro', acct: 'hiro@mstdn.example.jp', display_name: 'Hiro', url: 'https://mstdn.example.jp/@hiro' },
    tags: [{ name: 'natosummit' }], media_attachments: [], mentions: [], reblog: null,
  }),
};

test('a webhook cannot post as another network or borrow its trusted handles', async (t) => {
  const server = await startServer(t, { args: ['--quiet'] });
  const moderator = await joinClient(t, server, { token: server.token('moderator') });
  const viewer = await joinClient(t, server);
  const impostor = { id: 'i1', author: { handle: 'policywatcher.bsky.social' }, text: 'Fake #NATOSummit', created_at: Date.now() };
  // Claiming a source, or sending another network's own wire format: refused, counted invalid.
  assert.deepEqual(await ingest(server, [{ ...impostor, source: 'bluesky' }, { ...impostor, id: 'i2', source: 'mastodon' },
    { ...impostor, id: 'i3', source: 'replay' }, jetstreamPost, jetstreamIdentity, mastodonUpdate]),
  { accepted: 0, duplicate: 0, rejected: 0, invalid: 6 });
  // The same handle as a webhook post is the webhook's post: held, not trusted.
  assert.deepEqual(await ingest(server, impostor), { accepted: 1, duplicate: 0, rejected: 0, invalid: 0 });
  const queued = await moderator.next((f) => f.type === 'queue.post');
  assert.equal(queued.post.id, 'webhook:i1');
  assert.equal(queued.post.source, 'webhook');
  assert.equal(queued.post.held_by, 'default');
  assert.equal(viewer.frames.filter((f) => f.type === 'change' && f.kind === 'highlight.added').length, 0);
  assert.equal((await state(server)).highlights.length, 0);
  await waitFor(async () => /companion_tracker_skipped_by_reason_total\{event="nato-indo-pacific-2024",reason="foreign_source"\} 6/
    .test((await http(server, '/metrics')).text), { what: 'foreign_source on /metrics' });
});

test('a webhook deletes its own posts only', async (t) => {
  // Posts of other networks come from a replay file (a configured source).
  const folder = mkdtempSync(path.join(tmpdir(), 'companion-lanes-'));
  t.after(() => rmSync(folder, { recursive: true, force: true }));
  const replay = path.join(folder, 'posts.ndjson');
  const networkPost = (id, source, handle) => ({ id, source, author: { handle }, text: `From ${source} #NATOSummit`, created_at: Date.now() });
  writeFileSync(replay, [
    networkPost('https://mstdn.example.jp/users/hiro/statuses/7', 'mastodon', 'hiro@mstdn.example.jp'),
    networkPost('at://did:plc:pw/app.bsky.feed.post/3k', 'bluesky', 'policywatcher.bsky.social'),
  ].map((p) => JSON.stringify(p)).join('\n') + '\n');
  const server = await startServer(t, { args: ['--quiet', '--replay', replay, '--replay-speed', '0'] });
  const mastodonId = 'mastodon:https://mstdn.example.jp/users/hiro/statuses/7';
  const blueskyId = 'bluesky:at://did:plc:pw/app.bsky.feed.post/3k';
  await waitFor(async () => (await state(server)).highlights.length === 2, { what: 'the replayed posts on the wall' });

  // Deleting them by full id is refused; a bare id means a webhook post and matches nothing.
  assert.equal((await ingest(server, [{ delete: mastodonId }, { delete: blueskyId }])).invalid, 2);
  await ingest(server, [{ delete: 'https://mstdn.example.jp/users/hiro/statuses/7' }, { delete: 'at://did:plc:pw/app.bsky.feed.post/3k' }]);
  // A Jetstream or Mastodon delete frame is another network speaking: refused.
  assert.equal((await ingest(server, [
    { did: 'did:plc:pw', time_us: Date.now() * 1000, kind: 'commit', commit: { rev: '1', operation: 'delete', collection: 'app.bsky.feed.post', rkey: '3k' } },
    { stream: ['hashtag', 'natosummit'], event: 'delete', payload: '7' },
  ])).invalid, 2);

  // Its own post, by a handle trusted for the webhook: shown, then deleted by its bare id.
  const viewer = await joinClient(t, server);
  await ingest(server, { id: 'own', author: { handle: 'eurodesk' }, text: 'Own #NATOSummit', created_at: Date.now() });
  await waitFor(async () => (await state(server)).highlights.some((h) => h.id === 'webhook:own'), { what: 'the webhook post' });
  await ingest(server, { delete: 'own' });
  await viewer.next((f) => f.type === 'change' && f.kind === 'highlight.removed' && f.data.id === 'webhook:own');
  const ids = (await state(server)).highlights.map((h) => h.id).sort();
  assert.deepEqual(ids, [blueskyId, mastodonId].sort(), 'the other sources\' posts are still shown');
});

test('created_at is clamped to [2000, now + 1 day] whatever the payload says', async (t) => {
  const server = await startServer(t, { args: ['--quiet'] });
  const moderator = await joinClient(t, server, { token: server.token('moderator') });
  const post = (id, createdAt) => ({ id, author: { handle: `a-${id}` }, text: `Time ${id} #NATOSummit`, created_at: createdAt });
  const before = Date.now();
  const answer = await ingest(server, [
    post('far', 9_000_000_000_000_000), post('edge', 8_640_000_000_000_001), post('iso', '9999-12-31T23:59:59Z'),
    post('old', '1970-01-01T00:00:00Z'), post('zero', 0), post('now', before),
  ]);
  assert.deepEqual(answer, { accepted: 6, duplicate: 0, rejected: 0, invalid: 0 });
  const after = Date.now();
  const queued = new Map();
  await waitFor(() => {
    for (const f of moderator.frames) if (f.type === 'queue.post') queued.set(f.post.id, f.post.created_at);
    return queued.size === 6;
  }, { what: 'six queued posts' });
  for (const id of ['far', 'edge', 'iso']) {
    const at = queued.get(`webhook:${id}`);
    assert.ok(at >= before + day && at <= after + day, `${id}: ${at}`);
    assert.doesNotThrow(() => new Date(at).toISOString());
  }
  assert.equal(queued.get('webhook:old'), year2000);
  assert.equal(queued.get('webhook:zero'), year2000);
  assert.equal(queued.get('webhook:now'), before);
});
