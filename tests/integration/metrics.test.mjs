// /metrics: valid Prometheus text, and each family the operators watch moves with
// what really happened on the server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { http, joinClient, startServer } from './lib/harness.mjs';

// Parses the text exposition format, checking that every sample belongs to a family
// declared with # TYPE before it. Returns Map(name{labels} -> value) and the types.
function parseExposition(text) {
  const samples = new Map();
  const types = new Map();
  assert.ok(text.endsWith('\n'), 'the exposition ends with a newline');
  for (const line of text.split('\n').filter(Boolean)) {
    const declared = /^# TYPE (\w+) (counter|gauge|histogram)$/.exec(line);
    if (declared) {
      assert.ok(!types.has(declared[1]), `${declared[1]} is declared once`);
      types.set(declared[1], declared[2]);
      continue;
    }
    if (line.startsWith('# HELP ')) continue;
    const sample = /^(\w+)(\{[^}]*\})? (\S+)$/.exec(line);
    assert.ok(sample, `a well-formed sample line: ${line}`);
    const family = sample[1].replace(/_(bucket|sum|count)$/, '');
    assert.ok(types.has(sample[1]) || types.get(family) === 'histogram', `${sample[1]} has a # TYPE before it`);
    const value = Number(sample[3]);
    assert.ok(Number.isFinite(value) && value >= 0, `${line}: a finite, non-negative value`);
    samples.set(sample[1] + (sample[2] ?? ''), value);
  }
  return { samples, types };
}

async function scrape(server) {
  const answer = await http(server, '/metrics');
  assert.equal(answer.status, 200);
  assert.match(answer.headers.get('content-type'), /^text\/plain/);
  return parseExposition(answer.text);
}

// A histogram's buckets never decrease and +Inf equals the count.
function assertHistogram(samples, name) {
  const buckets = [...samples].filter(([key]) => key.startsWith(`${name}_bucket{`));
  assert.ok(buckets.length >= 2, `${name} has buckets`);
  for (let i = 1; i < buckets.length; ++i) assert.ok(buckets[i][1] >= buckets[i - 1][1], `${name} buckets are cumulative`);
  assert.equal(buckets.at(-1)[0], `${name}_bucket{le="+Inf"}`);
  assert.equal(buckets.at(-1)[1], samples.get(`${name}_count`));
  assert.ok(samples.has(`${name}_sum`));
}

test('/metrics counts connections by role, frames, bytes, commits and their latency', async (t) => {
  const server = await startServer(t);
  await joinClient(t, server);
  await joinClient(t, server);
  const producer = await joinClient(t, server, { token: server.token('producer') });
  await joinClient(t, server, { token: server.token('moderator') });
  for (const text of ['Doors open', 'Keynote in five minutes', 'Panel next']) {
    assert.equal((await producer.request({ type: 'announce', text })).type, 'ack');
  }

  const { samples, types } = await scrape(server);
  assert.equal(samples.get('companion_connections{role="viewer"}'), 2);
  assert.equal(samples.get('companion_connections{role="producer"}'), 1);
  assert.equal(samples.get('companion_connections{role="moderator"}'), 1);
  assert.equal(samples.get('companion_connections{role="unauthenticated"}'), 0);
  assert.equal(types.get('companion_connections'), 'gauge');
  // Four hellos and three announcements came in; each was answered, and each announcement reached all four.
  assert.ok(samples.get('companion_frames_in_total') >= 7, `frames in: ${samples.get('companion_frames_in_total')}`);
  assert.ok(samples.get('companion_frames_out_total') >= 7 + 12);
  assert.ok(samples.get('companion_bytes_in_total') > 0);
  assert.ok(samples.get('companion_bytes_out_total') > samples.get('companion_bytes_in_total'));
  assert.ok(samples.get('companion_commands_total') >= 7);
  assert.equal(types.get('companion_frames_in_total'), 'counter');
  // Each acknowledged announcement was committed first.
  assert.ok(samples.get('companion_store_records_total') >= 3);
  assert.ok(samples.get('companion_store_commits_total') >= 1);
  assert.equal(samples.get('companion_store_failures_total'), 0);
  assert.equal(types.get('companion_store_commit_seconds'), 'histogram');
  assertHistogram(samples, 'companion_store_commit_seconds');
  assert.equal(samples.get('companion_store_commit_seconds_count'), samples.get('companion_store_commits_total'));
  assert.ok(samples.get('companion_store_memory_bytes') > 0);
  assertHistogram(samples, 'companion_moderation_decision_seconds');
  assert.equal(samples.get('companion_moderation_queue_depth{event="nato-indo-pacific-2024"}'), 0);
  assert.equal(samples.get('companion_event_viewers{event="nato-indo-pacific-2024"}'), 2);
  for (const family of ['companion_rate_limited_total', 'companion_slow_consumer_closes_total',
    'companion_outbound_dropped_frames_total', 'companion_protocol_closes_total', 'companion_address_cap_refusals_total']) {
    assert.equal(samples.get(family), 0, `${family} before anything went wrong`);
  }
});

test('/metrics counts rate-limit hits and the slow consumer closed with 4008', async (t) => {
  const server = await startServer(t);
  const producer = await joinClient(t, server, { token: server.token('producer') });

  // A viewer sending faster than its bucket allows.
  const eager = await joinClient(t, server);
  const answers = await Promise.all(Array.from({ length: 80 }, () => eager.request({ type: 'ping' })));
  const limited = answers.filter((a) => a.code === 'rate_limited').length;
  assert.ok(limited > 0, 'some pings were refused');

  // A viewer that stops reading: once the kernel buffers and its queue are full, 4008.
  const stalled = await joinClient(t, server);
  stalled.ws._socket.pause();
  // Announcements in steps the producer (which reads) keeps up with, about 30 KB each,
  // until the stalled viewer's socket buffers and its 256 KiB queue are full.
  const text = 'x'.repeat(480);
  let samples;
  for (let step = 0; step < 60; ++step) {
    for (let i = 0; i < 50; ++i) producer.send({ type: 'announce', id: `a${step}.${i}`, text: `${step}.${i} ${text}` });
    assert.equal((await producer.next((f) => f.id === `a${step}.49`)).type, 'ack');
    ({ samples } = await scrape(server));
    if (samples.get('companion_slow_consumer_closes_total') > 0) break;
  }
  assert.equal(samples.get('companion_slow_consumer_closes_total'), 1, 'the stalled viewer, and only it');
  assert.ok(samples.get('companion_outbound_dropped_frames_total') >= 1);
  assert.equal(samples.get('companion_rate_limited_total'), limited);
  stalled.ws._socket.resume();
  const closed = await stalled.closed;
  assert.equal(closed.code, 4008);
});
