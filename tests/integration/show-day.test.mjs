// A show day over the wire: ending the event closes Q&A and clears the overlay in
// the same step, an old data folder (a version 1 journal) still replays as it ran, and
// live rundown edits are journaled like every other command.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { defaultEvent, http, joinClient, repoRoot, serverLives, startServer, tempDataDir } from './lib/harness.mjs';

test('agenda.end closes Q&A and clears the overlay in the same committed step', async (t) => {
  const server = await startServer(t);
  const producer = await joinClient(t, server, { token: server.token('producer', { subject: 'Joe Park' }) });
  const viewer = await joinClient(t, server);
  assert.equal((await producer.request({ type: 'agenda.start' })).type, 'ack');
  const asked = await producer.request({ type: 'question.ask', text: 'What will NATO ask of Japan?' });
  assert.equal((await producer.request({ type: 'question.approve', question: asked.question })).type, 'ack');
  const aired = await producer.request({ type: 'on_screen.set', kind: 'question', item: asked.question });
  assert.equal(aired.type, 'ack', JSON.stringify(aired));

  const ended = await producer.request({ type: 'agenda.end' });
  assert.equal(ended.type, 'ack', JSON.stringify(ended));
  // Three changes, each as its usual kind, the last one's seq in the ack.
  const last = await viewer.next((f) => f.type === 'change' && f.seq === ended.seq);
  const step = viewer.changes().filter((c) => c.seq > aired.seq && c.seq <= ended.seq && c.kind !== 'stats');
  assert.deepEqual(step.map((c) => c.kind), ['agenda', 'qa', 'on_screen']);
  assert.equal(step[0].data.status, 'ended');
  assert.equal(step[1].data.open, false);
  assert.equal(step[2].data, null);
  assert.equal(last.kind, 'on_screen');

  const late = await viewer.request({ type: 'question.ask', text: 'Asked after the event ended?' });
  assert.equal(late.type, 'error');
  assert.equal(late.code, 'conflict');
  const state = (await http(server, `/api/events/${defaultEvent}/state`)).json;
  assert.equal(state.agenda.status, 'ended');
  assert.equal(state.qa.open, false);
  assert.equal(state.on_screen, null);
});

test('ending with Q&A already closed and nothing on air changes only the agenda', async (t) => {
  const server = await startServer(t);
  const producer = await joinClient(t, server, { token: server.token('producer') });
  assert.equal((await producer.request({ type: 'agenda.start' })).type, 'ack');
  const closed = await producer.request({ type: 'qa.set', open: false });
  const ended = await producer.request({ type: 'agenda.end' });
  const step = producer.changes().filter((c) => c.seq > closed.seq && c.seq <= ended.seq && c.kind !== 'stats');
  assert.deepEqual(step.map((c) => c.kind), ['agenda']);
});

test('a data folder from before journal format versions replays as it ran, then writes the current format', async (t) => {
  // The journal table as a version 1 server created it, holding the records it wrote:
  // the show was started, a question put on air, then ended (Q&A stayed open).
  const dataDir = tempDataDir();
  const records = readFileSync(path.join(repoRoot, 'tests/unit/session/data/journal_v1.ndjson'), 'utf8')
    .split('\n')
    .filter(Boolean);
  const quote = (text) => `'${text.replaceAll("'", "''")}'`;
  const sql = [
    'CREATE TABLE events (id TEXT PRIMARY KEY, epoch TEXT NOT NULL, created_at INTEGER NOT NULL);',
    'CREATE TABLE journal (event TEXT NOT NULL, n INTEGER NOT NULL, record TEXT NOT NULL, PRIMARY KEY (event, n)) WITHOUT ROWID;',
    `INSERT INTO events VALUES (${quote(defaultEvent)}, 'oldepoch0001', 1713794000000);`,
    ...records.map((record, i) => `INSERT INTO journal VALUES (${quote(defaultEvent)}, ${i + 1}, ${quote(record)});`),
  ].join('\n');
  execFileSync('sqlite3', [path.join(dataDir, 'companion.db')], { input: sql });

  const server = await startServer(t, { dataDir });
  const viewer = await joinClient(t, server);
  assert.equal(viewer.welcome.epoch, 'oldepoch0001');
  assert.equal(viewer.welcome.seq, 5, 'the same five changes as when it ran');
  const state = (await http(server, `/api/events/${defaultEvent}/state`)).json;
  assert.equal(state.agenda.status, 'ended');
  assert.equal(state.qa.open, true, 'version 1 ended the show and left Q&A open');
  assert.equal(state.on_screen?.kind, 'question');
  assert.equal(state.on_screen?.id, 'q1');

  const producer = await joinClient(t, server, { token: server.token('producer') });
  const closed = await producer.request({ type: 'qa.set', open: false });
  assert.equal(closed.type, 'ack');
  await server.stop();
  const rows = execFileSync('sqlite3', [path.join(dataDir, 'companion.db'), 'SELECT format, record FROM journal ORDER BY n'])
    .toString()
    .trim()
    .split('\n');
  assert.equal(rows.length, records.length + 1);
  for (const row of rows.slice(0, records.length)) assert.match(row, /^1\|/);
  const [format, record] = rows.at(-1).split(/\|(.*)/s);
  assert.ok(Number(format) >= 2, `the new record is in the current format (${format})`);
  assert.equal(JSON.parse(record).v, Number(format));
});

test('live rundown edits reach viewers as agenda changes and survive kill -9', async (t) => {
  const life = serverLives(t);
  const first = await life();
  const producer = await joinClient(t, first, { token: first.token('producer', { subject: 'Joe Park' }) });
  const viewer = await joinClient(t, first);
  const order = (agenda) => agenda.segments.map((s) => s.id);
  assert.equal((await producer.request({ type: 'agenda.start' })).type, 'ack');
  const edits = [
    { type: 'segment.update', segment: 'keynote', title: 'Keynote remarks (extended)', planned_minutes: 30 },
    {
      type: 'segment.add', segment: 'fireside', kind: 'panel', title: 'Fireside chat', planned_minutes: 15,
      speakers: [{ name: 'Ana Ruiz', role: 'moderator', title: 'Host' }], after: 'keynote',
    },
    { type: 'segment.move', segment: 'closing', after: 'panel' },
    { type: 'segment.remove', segment: 'qa' },
  ];
  let last;
  for (const edit of edits) {
    last = await producer.request(edit);
    assert.equal(last.type, 'ack', `${edit.type}: ${JSON.stringify(last)}`);
    const change = await viewer.next((f) => f.type === 'change' && f.seq === last.seq);
    assert.equal(change.kind, 'agenda');
  }
  const expected = ['opening', 'keynote', 'fireside', 'panel', 'closing'];
  const seen = viewer.changes().findLast((c) => c.kind === 'agenda').data;
  assert.deepEqual(order(seen), expected);
  assert.equal(seen.segments[1].title, 'Keynote remarks (extended)');
  assert.equal(seen.segments[1].planned_minutes, 30);
  assert.deepEqual(seen.segments[2].speakers, [{ name: 'Ana Ruiz', role: 'moderator', title: 'Host' }]);
  // A segment that has run cannot go; an unknown one is not found; a viewer cannot edit.
  assert.equal((await producer.request({ type: 'segment.remove', segment: 'opening' })).code, 'conflict');
  assert.equal((await producer.request({ type: 'segment.remove', segment: 'nope' })).code, 'not_found');
  assert.equal((await viewer.request({ type: 'segment.remove', segment: 'panel' })).code, 'forbidden');

  assert.deepEqual(await first.stop('SIGKILL'), { code: null, signal: 'SIGKILL' });
  const second = await life();
  const state = (await http(second, `/api/events/${defaultEvent}/state`)).json;
  assert.deepEqual(order(state.agenda), expected);
  assert.deepEqual(state.agenda, seen, 'the agenda after the restart is the one last published');
  const again = await joinClient(t, second, { token: second.token('producer') });
  assert.ok(again.welcome.seq >= last.seq);
  // The event file is still the starting point: the restarted show goes on from the edits.
  const next = await again.request({ type: 'agenda.next' });
  assert.equal(next.type, 'ack');
  const moved = await again.next((f) => f.type === 'change' && f.seq === next.seq);
  assert.equal(moved.data.current, 'keynote');
});
