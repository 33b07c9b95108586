// Votes are bounded in the journal: each is a compact record of its own, and one viewer
// may vote on one question or take the vote back at most --max-vote-changes times (4);
// the next is `conflict`, counted on /metrics, and a kill -9 and restart keeps the
// tallies and the count of changes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { CompanionServer, joinClient, http, defaultEvent, tempDataDir, waitFor } from './lib/harness.mjs';
import { rmSync } from 'node:fs';

const refusals = async (server) =>
  Number(new RegExp(`^companion_votes_refused_changes_total\\{event="${defaultEvent}"\\} (\\d+)$`, 'm')
    .exec((await http(server, '/metrics')).text)?.[1]);

test('a viewer changes a vote at most 4 times; votes are compact records and survive kill -9', { timeout: 60000 }, async (t) => {
  const dataDir = tempDataDir();
  const servers = [];
  t.after(async () => {
    for (const s of servers) await s.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const life = async () => {
    const s = new CompanionServer({ dataDir, args: ['--quiet'] });
    servers.push(s);
    return s.start();
  };
  let server = await life();
  const moderator = await joinClient(t, server, { token: server.token('moderator') });
  const viewer = await joinClient(t, server);
  const asked = await viewer.request({ type: 'question.ask', text: 'Will the partners meet again next year?' });
  const question = asked.question;
  if (asked.status === 'pending') assert.equal((await moderator.request({ type: 'question.approve', question })).type, 'ack');
  const other = await joinClient(t, server);
  assert.equal((await other.request({ type: 'question.vote', question })).type, 'ack');

  // Vote, take back, vote again, take back: four changes of mind are kept.
  for (const type of ['question.vote', 'question.unvote', 'question.vote', 'question.unvote'])
    assert.equal((await viewer.request({ type, question })).type, 'ack', type);
  const refused = await viewer.request({ type: 'question.vote', question });
  assert.equal(refused.code, 'conflict');
  assert.match(refused.message, /changed too often \(at most 4 times\)/);
  await waitFor(async () => (await refusals(server)) === 1, { what: 'the refusal on /metrics' });

  // Five votes were journaled, each as a compact record naming only the viewer and the question.
  const records = execFileSync('sqlite3', [path.join(dataDir, 'companion.db'),
    `SELECT record FROM journal WHERE event = '${defaultEvent}' AND record LIKE '%"kind":"%vote"%' ORDER BY n`])
    .toString().trim().split('\n').map((line) => JSON.parse(line));
  assert.deepEqual(records.map((r) => r.kind), ['vote', 'vote', 'unvote', 'vote', 'unvote']);
  for (const record of records) assert.deepEqual(Object.keys(record).sort(), ['kind', 'q', 'v', 'w']);
  assert.equal(records[1].w, viewer.welcome.viewer);

  // After kill -9 the tally and the count of changes are rebuilt from those records.
  await server.stop('SIGKILL');
  server = await life();
  const state = (await http(server, `/api/events/${defaultEvent}/state`)).json;
  assert.equal(state.questions.find((q) => q.id === question).votes, 1);
  const back = await joinClient(t, server, { viewer: viewer.welcome.viewer });
  assert.equal((await back.request({ type: 'question.vote', question })).code, 'conflict');
  const fresh = await joinClient(t, server);
  assert.equal((await fresh.request({ type: 'question.vote', question })).type, 'ack');
});
