// Engine state snapshots: every --snapshot-records records the server stores its state,
// the votes and ticks before it leave the journal, and a restart reads the snapshot and
// the journal after it. The restarted server holds the same state, still knows each
// viewer's ballot, and resumes clients across the restart without a fresh snapshot.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { Client, defaultEvent, http, joinClient, serverLives, waitFor } from './lib/harness.mjs';

const metric = (text, name) => Number(new RegExp(`^${name} (\\d+)`, 'm').exec(text)?.[1] ?? NaN);
const journalRows = (dataDir, kind) =>
  Number(
    execFileSync('sqlite3', [
      path.join(dataDir, 'companion.db'),
      `SELECT count(*) FROM journal WHERE event = '${defaultEvent}'${kind ? ` AND record LIKE '%"kind":"${kind}"%'` : ''}`,
    ])
      .toString()
      .trim(),
  );

test('a restart starts from the newest snapshot and the journal after it, with ballots and resume kept', async (t) => {
  const life = serverLives(t, ['--snapshot-records', '40']);
  const first = await life();
  const producer = await joinClient(t, first, { token: first.token('producer') });
  const moderator = await joinClient(t, first, { token: first.token('moderator') });
  const started = await producer.request({ type: 'agenda.start' });
  assert.equal(started.type, 'ack');

  // Questions, approved, then votes from 30 viewers: about 150 records, most of them votes.
  const asker = await joinClient(t, first);
  const ids = [];
  for (let i = 0; i < 3; ++i) {
    const asked = await asker.request({ type: 'question.ask', text: `Snapshot question ${i} about topic ${i * 7919}?` });
    assert.equal(asked.type, 'ack', JSON.stringify(asked));
    ids.push(asked.question);
    assert.equal((await moderator.request({ type: 'question.approve', question: asked.question })).type, 'ack');
  }
  const voters = [];
  for (let v = 0; v < 30; ++v) {
    const voter = await joinClient(t, first);
    voters.push(voter);
    for (const id of ids) assert.equal((await voter.request({ type: 'question.vote', question: id })).type, 'ack');
  }
  // One more change after the votes, then the snapshot that covers them.
  const announced = await producer.request({ type: 'announce', text: 'Snapshots are on' });
  assert.equal(announced.type, 'ack');
  await waitFor(async () => metric((await http(first, '/metrics')).text, 'companion_store_folded_total') > 0, {
    timeout: 10000,
    what: 'a stored snapshot that folded votes',
  });
  const metrics = (await http(first, '/metrics')).text;
  assert.ok(metric(metrics, 'companion_store_snapshots_total') >= 1, 'a snapshot was stored');
  // Tallies are published a few times a second: the state holds all 90 votes soon after.
  const stateBefore = await waitFor(async () => {
    const state = (await http(first, `/api/events/${defaultEvent}/state`)).json;
    return state.questions.every((q) => q.votes === 30) && state;
  }, { what: 'every vote in the state' });
  // A viewer that saw everything up to the announcement, to resume after the restart.
  const watcher = voters[0];
  await watcher.next((f) => f.type === 'change' && f.seq === announced.seq);
  const epoch = watcher.welcome.epoch;

  await first.stop('SIGKILL');
  const totalVotes = 90;
  const voteRows = journalRows(first.dataDir, 'vote');
  assert.ok(voteRows < totalVotes, `votes folded out of the journal: ${voteRows} of ${totalVotes} left`);
  const rows = journalRows(first.dataDir);

  const second = await life();
  const loaded = /event=event_loaded [^\n]*journal=(\d+)/.exec(second.errors);
  assert.ok(loaded, second.errors);
  assert.ok(Number(loaded[1]) < 40 + 10, `the restart replayed only the tail: ${loaded[1]} of ${rows} rows`);
  const stateAfter = (await http(second, `/api/events/${defaultEvent}/state`)).json;
  for (const key of ['agenda', 'announcement', 'questions', 'highlights', 'on_screen', 'qa'])
    assert.deepEqual(stateAfter[key], stateBefore[key], key);

  // Each ballot is still there: the same viewer cannot vote twice; a new one can.
  const again = await joinClient(t, second, { viewer: voters[5].welcome.viewer });
  const twice = await again.request({ type: 'question.vote', question: ids[1] });
  assert.equal(twice.type, 'error');
  assert.equal(twice.code, 'conflict', JSON.stringify(twice));
  const fresh = await joinClient(t, second);
  assert.equal((await fresh.request({ type: 'question.vote', question: ids[1] })).type, 'ack');

  // A client that had seen only the start, long before the snapshot, resumes without one.
  const resumed = await Client.open(second.wsUrl);
  t.after(() => resumed.ws.terminate());
  const welcome = await resumed.hello({
    viewer: watcher.welcome.viewer,
    resume: { epoch, seq: started.seq },
  });
  assert.equal(welcome.recovered, true, JSON.stringify(welcome));
  const replayed = await resumed.next((f) => f.type === 'change' && f.seq === announced.seq);
  assert.deepEqual(
    replayed,
    watcher.changes().find((c) => c.seq === announced.seq),
  );
  assert.ok(!resumed.frames.some((f) => f.type === 'snapshot'));
  const caughtUp = resumed.changes().filter((c) => c.seq <= announced.seq);
  // The same frames the producer, there from the start, got live.
  assert.deepEqual(caughtUp, producer.changes().filter((c) => c.seq > started.seq && c.seq <= announced.seq));
  t.diagnostic(`journal rows at the kill: ${rows} (votes left: ${voteRows} of ${totalVotes}); replayed at start: ${loaded[1]}`);
});
