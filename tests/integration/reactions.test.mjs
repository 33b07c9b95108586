// Reactions against the real binary: counted per window and sent to every viewer of
// the event as one frame, each connection's own limit dropping the excess without
// rate_limited, a reaction the event does not list refused, and quiet windows silent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client, eventFile, http, joinClient, sleep, startServer, tempDataDir, waitFor } from './lib/harness.mjs';

const clap = '👏';
const heart = '❤️';

// The sum of every `reactions` frame a client got, per emoji.
function summed(client) {
  const sums = {};
  for (const frame of client.frames.filter((f) => f.type === 'reactions'))
    for (const [emoji, n] of Object.entries(frame.counts)) sums[emoji] = (sums[emoji] ?? 0) + n;
  return sums;
}

async function metric(server, line) {
  const { text } = await http(server, '/metrics');
  const found = text.split('\n').find((l) => l.startsWith(line + ' '));
  return found === undefined ? undefined : Number(found.split(' ')[1]);
}

test('reactions of several viewers reach every viewer as per-window counts', async (t) => {
  const server = await startServer(t);
  const a = await joinClient(t, server);
  const b = await joinClient(t, server);
  const watcher = await joinClient(t, server);
  const snapshot = await watcher.next((f) => f.type === 'snapshot');
  assert.deepEqual(snapshot.state.event.reactions, ['👏', '❤️', '😂', '😮', '🤔', '🎉']);

  for (let i = 0; i < 3; ++i) {
    const ack = await a.request({ type: 'react', emoji: clap });
    assert.deepEqual({ ...ack, id: undefined }, { type: 'ack', id: undefined, counted: true });
  }
  assert.equal((await a.request({ type: 'react', emoji: heart })).counted, true);
  // A heart typed without the variation selector is the same reaction.
  assert.equal((await b.request({ type: 'react', emoji: '\u2764' })).counted, true);
  b.send({ type: 'react', emoji: clap }); // no id: no ack, counted all the same
  b.send({ type: 'react', emoji: clap });

  const expected = { [clap]: 5, [heart]: 2 };
  for (const client of [a, b, watcher])
    await waitFor(() => summed(client)[clap] === 5 && summed(client)[heart] === 2, { what: 'the reactions to add up' });
  for (const client of [a, b, watcher]) {
    assert.deepEqual(summed(client), expected);
    for (const frame of client.frames.filter((f) => f.type === 'reactions')) {
      assert.equal(frame.window_ms, 500);
      assert.ok(Math.abs(frame.at - Date.now()) < 10_000, 'at is the server time of the window');
      assert.equal(frame.seq, undefined, 'reactions are not numbered changes');
      assert.ok(Object.values(frame.counts).every((n) => n > 0), 'only what was counted');
    }
  }
  assert.equal(await metric(server, 'companion_reactions_total{event="nato-indo-pacific-2024"}'), 7);
  assert.ok((await metric(server, 'companion_reaction_windows_total')) >= 1);
});

test('past five a second reactions are dropped silently, outside the command budget', async (t) => {
  const server = await startServer(t);
  const tapper = await joinClient(t, server);
  const watcher = await joinClient(t, server);
  // 100 taps at once: more than the 40-command burst of the general budget too.
  const acks = await Promise.all(Array.from({ length: 100 }, () => tapper.request({ type: 'react', emoji: clap })));
  assert.ok(acks.every((f) => f.type === 'ack'), 'every tap is acknowledged, none refused');
  const counted = acks.filter((f) => f.counted).length;
  assert.ok(counted >= 5 && counted <= 6, `five counted at once (got ${counted})`);
  assert.equal(tapper.frames.filter((f) => f.code === 'rate_limited').length, 0);
  // The general budget was never drawn on.
  const page = await tapper.request({ type: 'questions.page', status: 'open', limit: 10 });
  assert.equal(page.type, 'ack', JSON.stringify(page));

  await waitFor(() => summed(watcher)[clap] === counted, { what: 'the counted taps to reach the watcher' });
  assert.equal(await metric(server, 'companion_reactions_dropped_total{reason="rate"}'), 100 - counted);
  // The limit refills: a tap a little later is counted again.
  await waitFor(async () => (await tapper.request({ type: 'react', emoji: clap })).counted, { interval: 100, what: 'a refill' });
});

test('a reaction the event does not list is a bad_request and the connection stays', async (t) => {
  const dataDir = tempDataDir();
  const definition = JSON.parse(readFileSync(eventFile('events/nato-indo-pacific-2024.json'), 'utf8'));
  definition.reactions = ['🚀', clap];
  const file = path.join(dataDir, 'event.json');
  writeFileSync(file, JSON.stringify(definition));
  const server = await startServer(t, { dataDir, args: ['--event', file] });
  const viewer = await joinClient(t, server);
  assert.deepEqual((await viewer.next((f) => f.type === 'snapshot')).state.event.reactions, ['🚀', clap]);

  for (const emoji of ['😂', 'clap', '', 42]) {
    const answer = await viewer.request({ type: 'react', emoji });
    assert.equal(answer.type, 'error', JSON.stringify(answer));
    assert.equal(answer.code, 'bad_request');
  }
  assert.equal((await viewer.request({ type: 'react' })).code, 'bad_request');
  assert.equal((await viewer.request({ type: 'react', emoji: '🚀' })).counted, true);
  await waitFor(() => summed(viewer)['🚀'] === 1, { what: 'the rocket' });
  assert.deepEqual(summed(viewer), { '🚀': 1 });
  assert.equal(await metric(server, 'companion_reactions_dropped_total{reason="not_allowed"}'), 2);
});

test('a reaction before hello is unauthorized; quiet windows send nothing', async (t) => {
  const server = await startServer(t);
  const stranger = await Client.open(server.wsUrl);
  t.after(() => stranger.ws.terminate());
  assert.equal((await stranger.request({ type: 'react', emoji: clap })).code, 'unauthorized');
  const viewer = await joinClient(t, server);
  assert.equal((await viewer.request({ type: 'react', emoji: clap })).counted, true);
  await viewer.next((f) => f.type === 'reactions');
  const framesBefore = viewer.frames.filter((f) => f.type === 'reactions').length;
  const windowsBefore = await metric(server, 'companion_reaction_windows_total');
  // Absence takes time to show: four windows without a reaction.
  await sleep(2000);
  assert.equal(viewer.frames.filter((f) => f.type === 'reactions').length, framesBefore);
  assert.equal(await metric(server, 'companion_reaction_windows_total'), windowsBefore);
});
