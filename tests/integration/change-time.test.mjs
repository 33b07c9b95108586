// Every change says when: a change frame carries `at`, the engine's time when it
// applied the change, and the same change carries the same `at` live, on resume
// and after a restart that rebuilds the event from its journal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, joinClient, serverLives, waitFor } from './lib/harness.mjs';

// The same change, as a later reader gets it: by seq, with its `at` and data.
const bySeq = (changes, seqs) => seqs.map((seq) => changes.find((c) => c.seq === seq));

test('the same change has the same at live, on resume and after a restart', async (t) => {
  const life = serverLives(t);
  const first = await life();
  const producer = await joinClient(t, first, { token: first.token('producer') });
  const observer = await joinClient(t, first);
  const { epoch } = observer.welcome;
  const from = observer.welcome.seq;

  const acks = [];
  const windows = [];
  for (const command of [{ type: 'agenda.start' }, { type: 'agenda.next' }, { type: 'announce', text: 'Back in five' }]) {
    const before = Date.now();
    const ack = await producer.request(command);
    assert.equal(ack.type, 'ack', JSON.stringify(ack));
    windows.push([before, Date.now()]);
    acks.push(ack.seq);
    // Two commands a few ms apart must not share a time by accident of the clock's grain.
    await waitFor(() => Date.now() > windows.at(-1)[1] + 5, { what: 'the clock to move on' });
  }
  await observer.next((f) => f.type === 'change' && f.seq === acks.at(-1));
  const live = bySeq(observer.changes(), acks);
  live.forEach((change, i) => {
    assert.equal(typeof change.at, 'number', JSON.stringify(change));
    // Applied between the command's send and its ack (same machine, same clock).
    assert.ok(change.at >= windows[i][0] && change.at <= windows[i][1], `${change.at} in ${windows[i]}`);
  });
  assert.ok(live[0].at < live[1].at && live[1].at < live[2].at, 'later commands, later times');
  // Every change has a time, the stats ticks too.
  assert.ok(observer.changes().every((c) => Number.isInteger(c.at) && c.at > 0));

  // On resume, from the ring: the very frames.
  const resumed = await Client.open(first.wsUrl);
  t.after(() => resumed.ws.terminate());
  assert.equal((await resumed.hello({ resume: { epoch, seq: from } })).recovered, true);
  await resumed.next((f) => f.type === 'change' && f.seq === acks.at(-1));
  assert.deepEqual(bySeq(resumed.changes(), acks), live);

  // After a restart the journal is replayed: the rebuilt frames carry the journaled times.
  await first.stop();
  const second = await life();
  const afterRestart = await Client.open(second.wsUrl);
  t.after(() => afterRestart.ws.terminate());
  const welcome = await afterRestart.hello({ resume: { epoch, seq: from } });
  assert.equal(welcome.recovered, true, 'the restarted server still holds these changes');
  await afterRestart.next((f) => f.type === 'change' && f.seq === acks.at(-1));
  assert.deepEqual(bySeq(afterRestart.changes(), acks), live);

  // And the current state agrees with the last agenda change's data.
  const fresh = await joinClient(t, second);
  const snapshot = await fresh.next((f) => f.type === 'snapshot');
  assert.equal(snapshot.state.agenda.current, live[1].data.current);
});
