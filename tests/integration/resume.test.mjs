// Reconnecting: resume from {epoch, seq} without a snapshot, the snapshot
// fallback, and the anonymous viewer id that survives a reconnect.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { Client, companionBin, contiguousFrom, joinClient, sleep, startServer, waitFor } from './lib/harness.mjs';

const lastSeq = (client) => Math.max(client.frames.find((f) => f.type === 'snapshot')?.seq ?? 0, ...client.changes().map((c) => c.seq));

test('a viewer resuming after seq N gets welcome recovered:true then exactly the changes it missed', async (t) => {
  const server = await startServer(t);
  const observer = await joinClient(t, server);
  const producer = await joinClient(t, server, { token: server.token('producer') });
  const viewer = await joinClient(t, server);
  await viewer.next((f) => f.type === 'snapshot');
  // Let the stats tick for the joins settle, then note where the viewer is.
  await sleep(1300);
  const n = lastSeq(viewer);
  const { epoch, viewer: viewerId } = viewer.welcome;
  await viewer.close();

  const acks = [];
  for (const command of [{ type: 'agenda.start' }, { type: 'agenda.next' }, { type: 'announce', text: 'Back in five' }]) {
    const ack = await producer.request(command);
    assert.equal(ack.type, 'ack', JSON.stringify(ack));
    acks.push(ack.seq);
  }
  await observer.next((f) => f.type === 'change' && f.seq === acks[2]);

  const again = await Client.open(server.wsUrl);
  t.after(() => again.ws.terminate());
  const welcome = await again.hello({ viewer: viewerId, resume: { epoch, seq: n } });
  assert.equal(welcome.recovered, true);
  assert.equal(welcome.epoch, epoch);
  // The replayed changes (up to welcome.seq) and the live ones after it form one stream.
  const upTo = Math.max(welcome.seq, acks[2]);
  await again.next((f) => f.type === 'change' && f.seq === upTo);
  await sleep(200);

  assert.equal(again.frames[0].type, 'welcome');
  assert.ok(!again.frames.some((f) => f.type === 'snapshot'), 'a recovered client gets no snapshot');
  const replayed = again.changes().filter((c) => c.seq <= upTo);
  assert.ok(contiguousFrom(replayed, n), `every change in (${n}, ${upTo}] in order: ${replayed.map((c) => c.seq)}`);
  // The replay is frame for frame what a connected viewer saw for the same seqs.
  const seen = observer.changes().filter((c) => c.seq > n && c.seq <= upTo);
  assert.deepEqual(replayed, seen);
  // Apart from the viewer-count ticks (the departure itself is a stats change),
  // the missed changes are exactly the producer's three.
  const missed = replayed.filter((c) => c.kind !== 'stats');
  assert.deepEqual(missed.map((c) => c.seq), acks);
  assert.deepEqual(missed.map((c) => c.kind), ['agenda', 'agenda', 'announcement']);
  assert.equal(missed[1].data.current, 'keynote');
  assert.equal(missed[2].data.text, 'Back in five');
});

test('a wrong epoch or a seq beyond the server gets a snapshot with recovered false', async (t) => {
  const server = await startServer(t);
  const producer = await joinClient(t, server, { token: server.token('producer') });
  const ack = await producer.request({ type: 'agenda.start' });
  const { epoch } = producer.welcome;

  const cases = [
    ['another epoch', { epoch: `${epoch}x`, seq: ack.seq - 1 }],
    ['an unknown epoch at seq 0', { epoch: 'not-an-epoch', seq: 0 }],
    ['a seq beyond the server', { epoch, seq: ack.seq + 1000 }],
  ];
  for (const [what, resume] of cases) {
    const client = await Client.open(server.wsUrl);
    t.after(() => client.ws.terminate());
    const welcome = await client.hello({ resume });
    assert.equal(welcome.recovered, false, what);
    assert.equal(welcome.epoch, epoch, what);
    const snapshot = await client.next((f) => f.type === 'snapshot');
    assert.equal(client.frames.indexOf(snapshot), 1, `${what}: the snapshot follows the welcome`);
    assert.equal(snapshot.seq, welcome.seq, what);
    assert.equal(snapshot.state.agenda.status, 'live', what);
    assert.ok(
      !client.changes().some((c) => c.seq <= snapshot.seq),
      `${what}: no change at or below the snapshot's seq`,
    );
  }
});

test('the viewer id from welcome is kept when sent back in hello and replaced when forged', async (t) => {
  const server = await startServer(t);
  const first = await joinClient(t, server);
  const id = first.welcome.viewer;
  assert.equal(typeof id, 'string');

  const back = await joinClient(t, server, { viewer: id });
  assert.equal(back.welcome.viewer, id);

  const tampered = id.slice(0, -1) + (id.at(-1) === 'A' ? 'B' : 'A');
  for (const forged of [tampered, 'v1.AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA', 'someone-else']) {
    const client = await joinClient(t, server, { viewer: forged });
    assert.notEqual(client.welcome.viewer, forged, `forged id ${forged} is replaced`);
    assert.notEqual(client.welcome.viewer, id);
    assert.equal(typeof client.welcome.viewer, 'string');
    assert.ok(client.welcome.viewer.length > 0);
  }

  // The kept id is the same voter: a vote from it after the reconnect is a second vote.
  const moderator = await joinClient(t, server, { token: server.token('moderator') });
  const asked = await moderator.request({ type: 'question.ask', text: 'Will the summit communique mention the Indo-Pacific?' });
  assert.equal(asked.type, 'ack');
  assert.equal((await moderator.request({ type: 'question.approve', question: asked.question })).type, 'ack');
  const vote = await first.request({ type: 'question.vote', question: asked.question });
  assert.equal(vote.type, 'ack', JSON.stringify(vote));
  await first.close();
  const again = await joinClient(t, server, { viewer: id });
  const second = await again.request({ type: 'question.vote', question: asked.question });
  assert.equal(second.type, 'error');
  assert.equal(second.code, 'conflict');
  const fresh = await joinClient(t, server, { viewer: tampered });
  assert.equal((await fresh.request({ type: 'question.vote', question: asked.question })).type, 'ack');
  await waitFor(() => moderator.changes().find((c) => c.kind === 'votes' && c.data[asked.question] === 2), {
    what: 'a tally of two votes',
  });
});

test('--resume-window bounds the changes kept: within it a resume, beyond it a snapshot', async (t) => {
  const server = await startServer(t, { args: ['--resume-window', '8'] });
  const producer = await joinClient(t, server, { token: server.token('producer') });
  const { epoch } = producer.welcome;
  const announce = async (texts) => {
    const seqs = [];
    for (const text of texts) {
      const ack = await producer.request({ type: 'announce', text });
      assert.equal(ack.type, 'ack', JSON.stringify(ack));
      seqs.push(ack.seq);
    }
    return seqs;
  };
  const resumeAfter = async (seq) => {
    const client = await Client.open(server.wsUrl);
    t.after(() => client.ws.terminate());
    return { client, welcome: await client.hello({ resume: { epoch, seq } }) };
  };
  const [before] = await announce(['one']);

  const near = await announce(['a', 'b', 'c', 'd', 'e']);
  const inside = await resumeAfter(before);
  assert.equal(inside.welcome.recovered, true, 'five changes behind, inside a window of eight');
  await inside.client.next((f) => f.type === 'change' && f.seq === near.at(-1));

  const far = await announce(Array.from({ length: 12 }, (_, i) => `far ${i}`));
  const beyond = await resumeAfter(before);
  assert.equal(beyond.welcome.recovered, false, 'seventeen changes behind, beyond a window of eight');
  const snapshot = await beyond.client.next((f) => f.type === 'snapshot');
  assert.ok(snapshot.seq >= far.at(-1));
  assert.equal(snapshot.state.announcement.text, 'far 11');
});

test('--resume-window refuses anything but a positive number', async () => {
  for (const value of ['0', '-3', 'many']) {
    const result = spawnSync(companionBin, ['serve', '--listen', '127.0.0.1:0', '--resume-window', value], { encoding: 'utf8' });
    assert.notEqual(result.status, 0, value);
    assert.match(result.stderr, /--resume-window wants a positive number/, value);
  }
});
