// Posts per event are bounded: past --max-posts each arrival forgets the oldest held post
// (nothing settled or hidden being left), staff see it leave their queue, the count is on
// /metrics by kind, and the post on screen stays whatever arrives after it. A journal
// from before the cap replays whole.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { startServer, joinClient, http, defaultEvent, tempDataDir, waitFor } from './lib/harness.mjs';

const route = `/api/events/${defaultEvent}/posts`;

async function ingest(server, lines) {
  const answer = await http(server, route, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.token('ingest')}`, 'content-type': 'application/x-ndjson' },
    body: lines.map((line) => JSON.stringify(line)).join('\n'),
  });
  assert.equal(answer.status, 202, answer.text);
  return answer.json;
}

const post = (id) => ({ id, author: { handle: `author${id}` }, text: `Post ${id} #NATOSummit`, created_at: Date.now() });
const evicted = (text, state) =>
  Number(new RegExp(`^companion_posts_evicted_total\\{event="${defaultEvent}",state="${state}"\\} (\\d+)$`, 'm').exec(text)?.[1]);

test('past --max-posts the oldest held posts leave the queue, counted, and the post on screen stays', async (t) => {
  const server = await startServer(t, { args: ['--quiet', '--max-posts', '5'] });
  const moderator = await joinClient(t, server, { token: server.token('moderator') });
  const producer = await joinClient(t, server, { token: server.token('producer') });
  const viewer = await joinClient(t, server);

  // One post approved and put on screen, four held: the event is full.
  await ingest(server, [post('a0'), post('h1'), post('h2'), post('h3'), post('h4')]);
  await waitFor(() => moderator.frames.filter((f) => f.type === 'queue.post').length === 5, { what: 'five queued posts' });
  assert.equal((await moderator.request({ type: 'post.approve', post: 'webhook:a0' })).type, 'ack');
  assert.equal((await producer.request({ type: 'on_screen.set', kind: 'highlight', item: 'webhook:a0' })).type, 'ack');
  await viewer.next((f) => f.type === 'change' && f.kind === 'on_screen' && f.data?.id === 'webhook:a0');

  // Three more: the three oldest held posts go, oldest first, and staff are told.
  assert.equal((await ingest(server, [post('n1'), post('n2'), post('n3')])).accepted, 3);
  await waitFor(() => moderator.frames.filter((f) => f.type === 'queue.removed').length >= 4, { what: 'queue.removed frames' });
  const removed = moderator.frames.filter((f) => f.type === 'queue.removed').map((f) => f.id);
  assert.deepEqual(removed, ['webhook:a0', 'webhook:h1', 'webhook:h2', 'webhook:h3']);
  const gone = await moderator.request({ type: 'post.approve', post: 'webhook:h1' });
  assert.equal(gone.code, 'not_found');
  await waitFor(async () => evicted((await http(server, '/metrics')).text, 'held') === 3, { what: '3 held posts evicted on /metrics' });
  const metrics = (await http(server, '/metrics')).text;
  assert.equal(evicted(metrics, 'settled'), 0);
  assert.equal(evicted(metrics, 'approved'), 0);

  // The post on screen and on the wall is kept: the overlay and viewers still hold it.
  const state = (await http(server, `/api/events/${defaultEvent}/state`)).json;
  assert.equal(state.on_screen.id, 'webhook:a0');
  assert.deepEqual(state.highlights.map((h) => h.id), ['webhook:a0']);
  assert.equal(viewer.frames.filter((f) => f.type === 'change' && f.kind === 'highlight.removed').length, 0);
  // A fresh moderator sees the queue as it is now: h4 and the three new ones.
  const late = await joinClient(t, server, { token: server.token('moderator') });
  const queue = await late.next((f) => f.type === 'queue.snapshot');
  assert.deepEqual(queue.posts.map((p) => p.id), ['webhook:h4', 'webhook:n1', 'webhook:n2', 'webhook:n3']);
});

// The cap came with journal format 4: a journal written before it (here 8 held posts in
// format 3 records) replays whole whatever --max-posts is now; the first post this build
// takes brings the event down to the cap, oldest first.
test('an older journal past --max-posts replays every post it kept; new posts meet the cap', async (t) => {
  const dataDir = tempDataDir();
  const at = Date.now() - 60_000;
  const rows = [];
  for (let n = 1; n <= 8; ++n) {
    const record = {
      v: 3, kind: 'post', at: at + n, verdict: 'pending', rule: 'default', reason: 'held for review',
      post: { id: `webhook:old${n}`, source: 'webhook', url: '', author_id: '', author_handle: `old${n}`,
        author_display_name: '', text: `Old post ${n} #NATOSummit`, tags: ['NATOSummit'], lang: 'en',
        created_at: at, is_reply: false, is_repost: false, link_count: 0 },
    };
    rows.push(`('${defaultEvent}',${n},'${JSON.stringify(record).replaceAll("'", "''")}',3)`);
  }
  const sql = path.join(dataDir, 'seed.sql');
  writeFileSync(sql, [
    'CREATE TABLE journal (event TEXT NOT NULL, n INTEGER NOT NULL, record TEXT NOT NULL,' +
      ' format INTEGER NOT NULL DEFAULT 1, PRIMARY KEY (event, n)) WITHOUT ROWID;',
    `INSERT INTO journal (event, n, record, format) VALUES ${rows.join(',')};`,
  ].join('\n'));
  execFileSync('sqlite3', [path.join(dataDir, 'companion.db'), `.read ${sql}`]);

  const server = await startServer(t, { dataDir, args: ['--quiet', '--max-posts', '5'] });
  const moderator = await joinClient(t, server, { token: server.token('moderator') });
  const queue = await moderator.next((f) => f.type === 'queue.snapshot');
  assert.deepEqual(queue.posts.map((p) => p.id), [1, 2, 3, 4, 5, 6, 7, 8].map((n) => `webhook:old${n}`));
  assert.equal(evicted((await http(server, '/metrics')).text, 'held'), 0);

  assert.equal((await ingest(server, [post('new1')])).accepted, 1);
  await waitFor(() => moderator.frames.filter((f) => f.type === 'queue.removed').length === 4, { what: 'four posts leaving the queue' });
  assert.deepEqual(
    moderator.frames.filter((f) => f.type === 'queue.removed').map((f) => f.id),
    ['webhook:old1', 'webhook:old2', 'webhook:old3', 'webhook:old4'],
  );
  await waitFor(async () => evicted((await http(server, '/metrics')).text, 'held') === 4, { what: '4 held posts evicted on /metrics' });
});
