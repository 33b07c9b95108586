// The webhook ingest path: POST /api/events/{id}/posts with an ingest token, in the
// project's own post format, NDJSON, and X filtered-stream objects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startServer, joinClient, http, defaultEvent, repoRoot, waitFor } from './lib/harness.mjs';

const route = `/api/events/${defaultEvent}/posts`;

function post(id, text, extra = {}) {
  return { id, author: { handle: `author-${id}`, display_name: `Author ${id}` }, text, created_at: Date.now(), ...extra };
}

async function ingest(server, token, body) {
  return http(server, route, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

test('a matching post is accepted and reaches the moderators queue, not the viewers', async (t) => {
  const server = await startServer(t);
  const moderator = await joinClient(t, server, { token: server.token('moderator') });
  const viewer = await joinClient(t, server);
  const answer = await ingest(server, server.token('ingest'), post('w1', 'Great keynote #Road2NATO'));
  assert.equal(answer.status, 202);
  assert.deepEqual(answer.json, { accepted: 1, duplicate: 0, rejected: 0, invalid: 0 });
  const queued = await moderator.next((f) => f.type === 'queue.post');
  assert.equal(queued.post.text, 'Great keynote #Road2NATO');
  assert.equal(queued.post.author.handle, 'author-w1');
  assert.equal(queued.post.held_by, 'default');
  assert.deepEqual(queued.post.tags, ['Road2NATO']);
  assert.equal(viewer.frames.filter((f) => f.type === 'queue.post').length, 0);
});

test('NDJSON bodies are counted line by line: accepted, duplicate, rejected, invalid', async (t) => {
  const server = await startServer(t);
  const lines = [
    JSON.stringify(post('n1', 'one #NATOSummit')),
    JSON.stringify(post('n2', 'two ＃ｒｏａｄ２ｎａｔｏ')),
    JSON.stringify(post('n1', 'one #NATOSummit')),
    JSON.stringify(post('n3', 'no tag at all')),
    '{"this is": not json',
    '',
  ].join('\n');
  const answer = await ingest(server, server.token('ingest'), lines);
  assert.equal(answer.status, 202);
  assert.deepEqual(answer.json, { accepted: 2, duplicate: 1, rejected: 1, invalid: 1 });
  // Ingest counters reach /metrics within a second.
  // Ingest counters reach /metrics within a second; the broken line counts as format unknown.
  await waitFor(async () => {
    const text = (await http(server, '/metrics')).text;
    return /companion_tracker_frames_total\{event="nato-indo-pacific-2024",source="generic"\} 4/.test(text) &&
      /companion_tracker_frames_total\{event="nato-indo-pacific-2024",source="unknown"\} 1/.test(text);
  }, { what: 'the ingest counters on /metrics' });
});

test('X filtered-stream objects are accepted as webhook posts', async (t) => {
  const server = await startServer(t);
  const moderator = await joinClient(t, server, { token: server.token('moderator') });
  const body = readFileSync(path.join(repoRoot, 'tests/unit/tracker/data/x-filtered-stream.ndjson'), 'utf8');
  const answer = await ingest(server, server.token('ingest'), body);
  assert.equal(answer.status, 202);
  assert.ok(answer.json.accepted >= 1, JSON.stringify(answer.json));
  const queued = await moderator.next((f) => f.type === 'queue.post');
  assert.equal(queued.post.source, 'webhook');
  assert.match(queued.post.url, /^https:\/\/x\.com\//);
});

test('a trusted author goes straight to every wall, and text stays text', async (t) => {
  const server = await startServer(t);
  const viewer = await joinClient(t, server);
  const answer = await ingest(
    server,
    server.token('ingest'),
    post('t1', '<img src=x onerror=alert(1)> #Road2NATO', { author: { handle: 'eurodesk', display_name: 'Euro Desk' } }),
  );
  assert.equal(answer.json.accepted, 1);
  const added = await viewer.next((f) => f.type === 'change' && f.kind === 'highlight.added');
  assert.equal(added.data.text, '<img src=x onerror=alert(1)> #Road2NATO');
  assert.equal(added.data.author.handle, 'eurodesk');
  // Every shard's copy of the state catches up within moments of the change.
  await waitFor(async () => (await http(server, `/api/events/${defaultEvent}/state`)).json.highlights[0]?.id === added.data.id,
    { what: 'the highlight in the HTTP state' });
});

test('the ingest endpoint refuses missing, wrong-role and forged tokens', async (t) => {
  const server = await startServer(t);
  const body = post('x1', 'hello #Road2NATO');
  const none = await http(server, route, { method: 'POST', body: JSON.stringify(body) });
  assert.equal(none.status, 401);
  assert.equal(none.json.error.code, 'unauthorized');
  const producer = await ingest(server, server.token('producer'), body);
  assert.equal(producer.status, 403);
  assert.equal(producer.json.error.code, 'forbidden');
  const forged = await ingest(server, server.token('ingest').slice(0, -4) + 'AAAA', body);
  assert.equal(forged.status, 401);
  const otherEvent = await ingest(server, server.token('ingest', { event: 'another-event' }), body);
  assert.equal(otherEvent.status, 401);
  const get = await http(server, route);
  assert.equal(get.status, 405);
});

test('a body over the stated limit is 413 and nothing of it is ingested', async (t) => {
  const server = await startServer(t);
  const line = JSON.stringify(post('big', 'x'.repeat(1000) + ' #Road2NATO')) + '\n';
  const answer = await ingest(server, server.token('ingest'), line.repeat(1100));
  assert.equal(answer.status, 413);
  assert.equal(answer.json.error.code, 'too_large');
  const moderator = await joinClient(t, server, { token: server.token('moderator') });
  const snapshot = await moderator.next((f) => f.type === 'queue.snapshot');
  assert.equal(snapshot.posts.length, 0);
});

test('moderators change the auto-moderation rules at runtime', async (t) => {
  const server = await startServer(t);
  const moderator = await joinClient(t, server, { token: server.token('moderator') });
  const refused = await moderator.request({ type: 'moderation.set', rules: { max_links: 'many' } });
  assert.equal(refused.type, 'error');
  assert.equal(refused.code, 'bad_request');
  assert.match(refused.message, /max_links/);
  const ack = await moderator.request({ type: 'moderation.set', rules: { blocked_terms: ['spoiler'] } });
  assert.equal(ack.type, 'ack');
  await moderator.next((f) => f.type === 'moderation.rules');
  const answer = await ingest(server, server.token('ingest'), [
    JSON.stringify(post('r1', 'a Spoiler! #Road2NATO')),
    JSON.stringify(post('r2', 'fine words #Road2NATO')),
  ].join('\n'));
  assert.deepEqual(answer.json, { accepted: 1, duplicate: 0, rejected: 1, invalid: 0 });
  const audit = await http(server, `/api/events/${defaultEvent}/audit.csv`, {
    headers: { authorization: `Bearer ${server.token('moderator')}` },
  });
  assert.equal(audit.status, 200);
  await waitFor(async () => {
    const csv = (await http(server, `/api/events/${defaultEvent}/audit.csv`, {
      headers: { authorization: `Bearer ${server.token('moderator')}` },
    })).text;
    return csv.includes('auto_rejected') && csv.includes('blocked_term');
  }, { what: 'the audit log to record the rejection' });
});

test('/metrics shows the moderation queue depth and how long decisions took', async (t) => {
  const server = await startServer(t);
  const moderator = await joinClient(t, server, { token: server.token('moderator') });
  await ingest(server, server.token('ingest'), [
    JSON.stringify(post('m1', 'first #Road2NATO')),
    JSON.stringify(post('m2', 'second #NATOSummit')),
  ].join('\n'));
  await moderator.next((f) => f.type === 'queue.post' && f.post.id.endsWith('m2'));
  const depth = (text) => Number(/companion_moderation_queue_depth\{event="nato-indo-pacific-2024"\} (\d+)/.exec(text)?.[1]);
  await waitFor(async () => depth((await http(server, '/metrics')).text) === 2, { what: 'queue depth 2' });
  const queued = moderator.frames.find((f) => f.type === 'queue.post');
  const ack = await moderator.request({ type: 'post.approve', post: queued.post.id });
  assert.equal(ack.type, 'ack');
  await waitFor(async () => {
    const text = (await http(server, '/metrics')).text;
    return depth(text) === 1 && /companion_moderation_decision_seconds_count 1\n/.test(text) &&
      /companion_moderation_decision_seconds_bucket\{le="\+Inf"\} 1\n/.test(text);
  }, { what: 'queue depth 1 and one decision on /metrics' });
});
