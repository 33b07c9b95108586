// Posts per event are bounded: past --max-posts each arrival forgets the oldest held post
// (nothing settled or hidden being left), staff see it leave their queue, the count is on
// /metrics by kind, and the post on screen stays whatever arrives after it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, joinClient, http, defaultEvent, waitFor } from './lib/harness.mjs';

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
