// A rehearsal of the bundled event over the wire: --rehearsal moves the schedule to
// begin shortly after the start (the event file stays as it is), the replayed demo
// posts follow the moved schedule and are stamped with the time they are played,
// --autopilot moves the agenda on its own at the pace asked for, and each start of a
// rehearsal begins from the prepared show, not from where the last one ended.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CompanionServer, defaultEvent, eventFile, http, joinClient, startServer, tempDataDir, waitFor } from './lib/harness.mjs';
import { rmSync } from 'node:fs';

const fileStart = Date.parse('2024-04-22T14:00:00Z');
const posts = eventFile('events/nato-indo-pacific-2024.posts.ndjson');

test('without --rehearsal the schedule is the event file\'s', async (t) => {
  const server = await startServer(t);
  const state = (await http(server, `/api/events/${defaultEvent}/state`)).json;
  assert.equal(state.event.starts_at, fileStart);
  assert.equal(state.agenda.status, 'scheduled');
});

test('--rehearsal begins the schedule after the lead; the autopilot runs the segments at its pace; posts follow', async (t) => {
  const speed = 300; // a planned minute lasts 200 ms
  const lead = 3000;
  const before = Date.now();
  const server = await startServer(t, {
    args: ['--rehearsal', '--rehearsal-lead', '3s', '--autopilot', String(speed),
      '--replay', posts, '--replay-speed', String(speed)],
  });
  const after = Date.now();
  const producer = await joinClient(t, server, { token: server.token('producer') });
  const snapshot = await producer.next((f) => f.type === 'snapshot');
  const startsAt = snapshot.state.event.starts_at;
  assert.ok(startsAt >= before + lead - 1000 && startsAt <= after + lead, `starts_at ${startsAt - after} ms after the start`);
  assert.equal(snapshot.state.agenda.status, 'scheduled');

  // Nothing happens before the rehearsal begins but posts from before the event.
  const agendaChanges = () => producer.changes().filter((c) => c.kind === 'agenda').map((c) => c.data);
  const live = await waitFor(() => agendaChanges().find((a) => a.status === 'live'), { timeout: lead + 5000, what: 'the autopilot to start the show' });
  assert.ok(live.started_at >= startsAt, `started ${live.started_at - startsAt} ms after starts_at`);
  assert.ok(live.started_at < startsAt + 1000);
  assert.equal(live.current, 'opening');

  // The opening is planned for 5 minutes: 1 s at this pace (ticks come every 250 ms).
  const keynote = await waitFor(() => agendaChanges().find((a) => a.current === 'keynote'), { timeout: 5000, what: 'the keynote' });
  const keynoteStart = keynote.segments.find((s) => s.id === 'keynote').actual_start;
  const openingRan = keynoteStart - live.started_at;
  assert.ok(openingRan >= 1000 && openingRan < 2500, `the opening ran ${openingRan} ms`);
  // The keynote is planned for 20 minutes: 4 s.
  const panel = await waitFor(() => agendaChanges().find((a) => a.current === 'panel'), { timeout: 8000, what: 'the panel' });
  const keynoteRan = panel.segments.find((s) => s.id === 'panel').actual_start - keynoteStart;
  assert.ok(keynoteRan >= 4000 && keynoteRan < 5500, `the keynote ran ${keynoteRan} ms`);

  // Posts arrive (on the wall or in the queue) stamped with the rehearsal's time, each
  // where the schedule puts it: the keynote's posts while the keynote runs.
  const seen = [
    ...producer.changes().filter((c) => c.kind === 'highlight.added').map((c) => c.data),
    ...producer.frames.filter((f) => f.type === 'queue.post').map((f) => f.post),
  ];
  assert.ok(seen.length >= 10, `${seen.length} posts so far`);
  for (const post of seen) {
    assert.ok(post.created_at >= startsAt - (3 * 60_000) / speed - 50, `a post stamped ${post.created_at - startsAt} ms from the start`);
    assert.ok(post.created_at <= Date.now());
  }
  const aboutKeynote = seen.filter((p) => /Campbell/.test(p.text));
  assert.ok(aboutKeynote.length > 0, 'posts about the keynote were played');
  for (const post of aboutKeynote) assert.ok(post.created_at >= keynoteStart - 400, `a keynote post ${keynoteStart - post.created_at} ms before the keynote`);
  const beforeKeynote = seen.filter((p) => p.created_at < keynoteStart - 400);
  assert.ok(beforeKeynote.every((p) => !/Campbell/.test(p.text)));

  // A producer may still move the show: the autopilot goes on from there.
  assert.equal((await producer.request({ type: 'agenda.goto', segment: 'closing' })).type, 'ack');
  const ended = await waitFor(() => agendaChanges().find((a) => a.status === 'ended'), { timeout: 5000, what: 'the end' });
  const closingStart = ended.segments.find((s) => s.id === 'closing').actual_start;
  assert.ok(ended.ended_at - closingStart >= 1000, 'the closing ran its 5 planned minutes at the pace');
});

test('each start with --rehearsal begins from the prepared show; a start without it keeps the journal', async (t) => {
  const dataDir = tempDataDir();
  const lives = [];
  t.after(async () => {
    for (const life of lives) await life.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const live = async (args) => {
    const server = new CompanionServer({ dataDir, args });
    lives.push(server);
    return server.start();
  };
  const first = await live(['--rehearsal']);
  const producer = await joinClient(t, first, { token: first.token('producer') });
  const ok = async (command) => assert.equal((await producer.request(command)).type, 'ack', command.type);
  await ok({ type: 'segment.update', segment: 'panel', title: 'Panel: partners in the Pacific' });
  await ok({ type: 'agenda.start' });
  await ok({ type: 'announce', text: 'First run' });
  await ok({ type: 'question.ask', text: 'A question of the first run?' });
  const firstEpoch = producer.welcome.epoch;
  await first.stop();

  const second = await live(['--rehearsal']);
  const again = await joinClient(t, second, { resume: { epoch: firstEpoch, seq: producer.welcome.seq } });
  assert.notEqual(again.welcome.epoch, firstEpoch);
  assert.equal(again.welcome.recovered, false);
  const state = (await again.next((f) => f.type === 'snapshot')).state;
  assert.equal(state.agenda.status, 'scheduled');
  assert.equal(state.announcement, null);
  assert.equal(state.agenda.segments.find((s) => s.id === 'panel').title, 'Panel: partners in the Pacific');
  assert.match(second.errors, /event_reset .*archived=/);
  await second.stop();

  // A show (no --rehearsal) starts from the journal as it is.
  const third = await live([]);
  const show = await joinClient(t, third);
  assert.equal(show.welcome.epoch, again.welcome.epoch);
});
