// The live agenda over the wire: the viewer's first frames, the producer driving
// the run of show, role checks, and the HTTP views of the same state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Client,
  applyChange,
  contiguousFrom,
  defaultEvent,
  eventFile,
  http,
  joinClient,
  sleep,
  startServer,
  waitFor,
} from './lib/harness.mjs';

const segmentIds = ['opening', 'keynote', 'panel', 'qa', 'closing'];
const segmentKinds = ['opening', 'keynote', 'panel', 'qa', 'break', 'closing'];

function assertPublicStateShape(state) {
  assert.equal(state.event.id, defaultEvent);
  assert.equal(typeof state.event.title, 'string');
  assert.ok(state.event.title.length > 0);
  assert.equal(typeof state.event.summary, 'string');
  assert.deepEqual(state.event.hashtags, ['Road2NATO', 'NATOSummit']);
  assert.ok('stream_url' in state.event, 'event.stream_url is present');
  assert.ok('starts_at' in state.event, 'event.starts_at is present');

  assert.equal(state.agenda.status, 'scheduled');
  assert.equal(state.agenda.current, null);
  assert.equal(state.agenda.started_at, null);
  assert.equal(state.agenda.segments.length, 5);
  assert.deepEqual(state.agenda.segments.map((s) => s.id), segmentIds);
  for (const segment of state.agenda.segments) {
    assert.ok(segmentKinds.includes(segment.kind), `segment kind ${segment.kind}`);
    assert.equal(typeof segment.title, 'string');
    assert.equal(typeof segment.planned_minutes, 'number');
    assert.equal(segment.actual_start, null);
    assert.ok(Array.isArray(segment.speakers));
    for (const speaker of segment.speakers) {
      assert.equal(typeof speaker.name, 'string');
      assert.equal(typeof speaker.role, 'string');
      assert.equal(typeof speaker.title, 'string');
    }
  }
  assert.ok(state.agenda.segments.find((s) => s.id === 'panel').speakers.length >= 2, 'the panel names its panelists');

  assert.equal(state.announcement, null);
  assert.deepEqual(state.highlights, []);
  assert.deepEqual(state.questions, []);
  assert.equal(state.on_screen, null);
  assert.equal(typeof state.stats.viewers, 'number');
  assert.equal(typeof state.stats.tags, 'object');
}

test('a viewer gets welcome then a snapshot with the public state shape', async (t) => {
  const server = await startServer(t);
  const viewer = await Client.open(server.wsUrl);
  t.after(() => viewer.ws.terminate());
  viewer.send({ type: 'hello', id: 1 });
  await viewer.next((f) => f.type === 'snapshot');

  const [welcome, snapshot] = viewer.frames;
  assert.equal(welcome.type, 'welcome');
  assert.equal(welcome.id, 1);
  assert.equal(welcome.role, 'viewer');
  assert.equal(welcome.event, defaultEvent);
  assert.equal(typeof welcome.viewer, 'string');
  assert.ok(welcome.viewer.length > 0);
  assert.equal(typeof welcome.epoch, 'string');
  assert.ok(welcome.epoch.length > 0);
  assert.equal(typeof welcome.seq, 'number');
  assert.equal(typeof welcome.server_time, 'number');
  assert.ok(Math.abs(welcome.server_time - Date.now()) < 60_000, 'server_time is milliseconds since the epoch');
  assert.equal(welcome.recovered, false);

  assert.equal(snapshot.type, 'snapshot');
  assert.equal(snapshot.seq, welcome.seq);
  assertPublicStateShape(snapshot.state);
  assert.ok(!viewer.frames.some((f) => f.type === 'queue.snapshot'), 'a viewer gets no moderation queue');
});

test('the producer drives the whole agenda and two viewers see every change in order', async (t) => {
  const server = await startServer(t);
  const viewers = [await joinClient(t, server), await joinClient(t, server)];
  await Promise.all(viewers.map((v) => v.next((f) => f.type === 'snapshot')));
  const producer = await joinClient(t, server, { token: server.token('producer') });
  assert.equal(producer.welcome.role, 'producer');
  await producer.next((f) => f.type === 'queue.snapshot');

  const steps = [
    [{ type: 'agenda.start' }, 'live', 'opening'],
    [{ type: 'agenda.next' }, 'live', 'keynote'],
    [{ type: 'agenda.next' }, 'live', 'panel'],
    [{ type: 'agenda.next' }, 'live', 'qa'],
    [{ type: 'agenda.next' }, 'live', 'closing'],
    [{ type: 'agenda.previous' }, 'live', 'qa'],
    [{ type: 'agenda.goto', segment: 'keynote' }, 'live', 'keynote'],
    [{ type: 'agenda.pause' }, 'paused', 'keynote'],
    [{ type: 'agenda.resume' }, 'live', 'keynote'],
    [{ type: 'agenda.end' }, 'ended', undefined],
  ];
  const ackedSeqs = [];
  for (const [command, status, current] of steps) {
    const ack = await producer.request(command);
    assert.equal(ack.type, 'ack', `${command.type}: ${JSON.stringify(ack)}`);
    assert.equal(typeof ack.seq, 'number');
    // The ack names the command's last change; agenda.end's is the closing of Q&A
    // that follows its agenda change in the same step.
    await producer.next((f) => f.type === 'change' && f.seq === ack.seq);
    const change = producer.changes().findLast((c) => c.kind === 'agenda' && c.seq <= ack.seq);
    ackedSeqs.push(change.seq);
    if (command.type === 'agenda.end') {
      assert.deepEqual(producer.changes().filter((c) => c.seq > change.seq && c.seq <= ack.seq).map((c) => c.kind), ['qa']);
    } else {
      assert.equal(change.seq, ack.seq);
    }
    assert.equal(change.data.status, status, `${command.type} status`);
    if (current !== undefined) assert.equal(change.data.current, current, `${command.type} current`);
  }
  for (let i = 1; i < ackedSeqs.length; ++i) assert.ok(ackedSeqs[i] > ackedSeqs[i - 1], 'acked seqs grow');

  const last = ackedSeqs.at(-1);
  await Promise.all(viewers.map((v) => v.next((f) => f.type === 'change' && f.seq === last)));
  const producerAgenda = producer.changes().filter((c) => c.kind === 'agenda');
  for (const viewer of viewers) {
    const snapshot = viewer.frames.find((f) => f.type === 'snapshot');
    const changes = viewer.changes().filter((c) => c.seq <= last);
    assert.ok(contiguousFrom(changes, snapshot.seq), `seqs grow by one: ${changes.map((c) => c.seq)}`);
    for (const change of changes) assert.equal(change.epoch, viewer.welcome.epoch);
    const agendaChanges = changes.filter((c) => c.kind === 'agenda');
    assert.deepEqual(agendaChanges.map((c) => c.seq), ackedSeqs);
    assert.deepEqual(agendaChanges, producerAgenda);
    assert.deepEqual(
      agendaChanges.map((c) => c.data.status),
      steps.map(([, status]) => status),
    );
    // The segments the show ended on have their actual start times, in running order.
    const final = agendaChanges.at(-1).data;
    assert.ok(final.started_at > 0);
    const [opening, keynote] = final.segments;
    assert.equal(opening.actual_start, final.started_at);
    assert.ok(keynote.actual_start >= opening.actual_start);
  }
  assert.deepEqual(viewers[0].changes().filter((c) => c.seq <= last), viewers[1].changes().filter((c) => c.seq <= last));
});

test('illegal agenda moves are conflict and change nothing', async (t) => {
  const server = await startServer(t);
  const producer = await joinClient(t, server, { token: server.token('producer') });
  const expectConflict = async (command, when) => {
    const reply = await producer.request(command);
    assert.equal(reply.type, 'error', `${command.type} ${when}: ${JSON.stringify(reply)}`);
    assert.equal(reply.code, 'conflict', `${command.type} ${when}: ${JSON.stringify(reply)}`);
    assert.equal(typeof reply.message, 'string');
  };
  const allMoves = [
    { type: 'agenda.next' },
    { type: 'agenda.previous' },
    { type: 'agenda.goto', segment: 'panel' },
    { type: 'agenda.pause' },
    { type: 'agenda.resume' },
    { type: 'agenda.end' },
  ];
  for (const command of allMoves) await expectConflict(command, 'before start');

  assert.equal((await producer.request({ type: 'agenda.start' })).type, 'ack');
  await expectConflict({ type: 'agenda.start' }, 'after start');
  await expectConflict({ type: 'agenda.previous' }, 'on the first segment');
  for (let i = 0; i < 4; ++i) assert.equal((await producer.request({ type: 'agenda.next' })).type, 'ack');
  await expectConflict({ type: 'agenda.next' }, 'after the last segment');
  await expectConflict({ type: 'agenda.resume' }, 'while live');

  assert.equal((await producer.request({ type: 'agenda.end' })).type, 'ack');
  for (const command of [{ type: 'agenda.start' }, ...allMoves]) await expectConflict(command, 'after end');

  // None of the refused moves produced an agenda change: 1 start + 4 next + 1 end.
  await sleep(100);
  assert.equal(producer.changes().filter((c) => c.kind === 'agenda').length, 6);
  const state = (await http(server, `/api/events/${defaultEvent}/state`)).json;
  assert.equal(state.agenda.status, 'ended');
});

test('a viewer sending a producer command and a moderator sending an agenda command are forbidden', async (t) => {
  const server = await startServer(t);
  const viewer = await joinClient(t, server);
  const moderator = await joinClient(t, server, { token: server.token('moderator') });
  assert.equal(moderator.welcome.role, 'moderator');

  for (const command of [{ type: 'agenda.start' }, { type: 'announce', text: 'hi' }, { type: 'agenda.goto', segment: 'qa' }]) {
    const reply = await viewer.request(command);
    assert.equal(reply.type, 'error');
    assert.equal(reply.code, 'forbidden', `viewer ${command.type}`);
  }
  for (const command of [{ type: 'agenda.start' }, { type: 'agenda.next' }, { type: 'announce', text: 'hi' }]) {
    const reply = await moderator.request(command);
    assert.equal(reply.type, 'error');
    assert.equal(reply.code, 'forbidden', `moderator ${command.type}`);
  }
  const state = (await http(server, `/api/events/${defaultEvent}/state`)).json;
  assert.equal(state.agenda.status, 'scheduled');
  assert.equal(state.announcement, null);
});

test('commands before hello are unauthorized and the connection stays open', async (t) => {
  const server = await startServer(t);
  const client = await Client.open(server.wsUrl);
  t.after(() => client.ws.terminate());
  for (const command of [{ type: 'agenda.start' }, { type: 'question.ask', text: 'Is anyone there?' }]) {
    const reply = await client.request(command);
    assert.equal(reply.type, 'error');
    assert.equal(reply.code, 'unauthorized', command.type);
  }
  client.send({ type: 'question.vote', question: 'q1' });
  const anonymous = await client.next((f) => f.type === 'error' && f.id === null);
  assert.equal(anonymous.code, 'unauthorized');
  const welcome = await client.hello();
  assert.equal(welcome.type, 'welcome');
  await client.next((f) => f.type === 'snapshot');
  assert.equal(client.ws.readyState, client.ws.OPEN);
});

test('GET /api/events/{id}/state matches what a viewer holds at the same seq', async (t) => {
  const server = await startServer(t);
  const producer = await joinClient(t, server, { token: server.token('producer') });
  await producer.request({ type: 'agenda.start' });
  await producer.request({ type: 'agenda.next' });
  await producer.request({ type: 'announce', text: 'Welcome back after the break' });
  const viewer = await joinClient(t, server);
  const snapshot = await viewer.next((f) => f.type === 'snapshot');

  // The HTTP answer may come from another shard's copy; ask until it is at least as recent.
  let response;
  let seq;
  do {
    response = await http(server, `/api/events/${defaultEvent}/state`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type'), /^application\/json/);
    seq = Number(response.headers.get('x-companion-seq') ?? snapshot.seq);
  } while (seq < snapshot.seq);
  // Rebuild the viewer's state at the seq of the HTTP answer (stats ticks may land in between).
  if (seq > snapshot.seq) await viewer.next((f) => f.type === 'change' && f.seq === seq);
  const state = structuredClone(snapshot.state);
  for (const change of viewer.changes().filter((c) => c.seq <= seq)) applyChange(state, change);
  assert.deepEqual(response.json, state);
  assert.equal(response.json.agenda.current, 'keynote');
  assert.equal(response.json.announcement.text, 'Welcome back after the break');
});

test('GET /api/events lists the event with its status', async (t) => {
  const server = await startServer(t);
  let response = await http(server, '/api/events');
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type'), /^application\/json/);
  assert.equal(response.json.length, 1);
  assert.equal(response.json[0].id, defaultEvent);
  assert.equal(response.json[0].status, 'scheduled');
  assert.match(response.json[0].title, /NATO/);

  const producer = await joinClient(t, server, { token: server.token('producer') });
  await producer.request({ type: 'agenda.start' });
  // The ack comes from the producer's I/O thread; the HTTP answer may come from another,
  // which applies the same change a moment later.
  await waitFor(async () => (await http(server, '/api/events')).json[0].status === 'live', {
    what: '/api/events to say live',
  });
});

test('chapters.vtt after running segments is valid WebVTT with cues in order', async (t) => {
  const server = await startServer(t);
  const producer = await joinClient(t, server, { token: server.token('producer') });
  await producer.request({ type: 'agenda.start' });
  await sleep(60);
  await producer.request({ type: 'agenda.next' });
  await sleep(60);
  await producer.request({ type: 'agenda.next' });
  await sleep(60);
  const ended = await producer.request({ type: 'agenda.end' });
  assert.equal(ended.type, 'ack');

  const response = await http(server, `/api/events/${defaultEvent}/chapters.vtt`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type'), /^text\/vtt/);
  const lines = response.text.split('\n');
  assert.equal(lines[0], 'WEBVTT');
  assert.equal(lines[1], '');
  const timing = /^(\d{2,}):(\d{2}):(\d{2})\.(\d{3}) --> (\d{2,}):(\d{2}):(\d{2})\.(\d{3})$/;
  const toMs = (h, m, s, ms) => ((Number(h) * 60 + Number(m)) * 60 + Number(s)) * 1000 + Number(ms);
  const cues = [];
  const blocks = response.text.slice('WEBVTT\n\n'.length).split('\n\n').filter((b) => b.trim() !== '');
  for (const block of blocks) {
    const blockLines = block.split('\n');
    const timingIndex = blockLines.findIndex((line) => line.includes('-->'));
    assert.ok(timingIndex === 0 || timingIndex === 1, `cue block has a timing line: ${JSON.stringify(block)}`);
    const match = timing.exec(blockLines[timingIndex]);
    assert.ok(match, `timing line is valid: ${blockLines[timingIndex]}`);
    const start = toMs(...match.slice(1, 5));
    const end = toMs(...match.slice(5, 9));
    assert.ok(end >= start, `cue ends after it starts: ${blockLines[timingIndex]}`);
    const text = blockLines.slice(timingIndex + 1).join('\n');
    assert.ok(text.length > 0 && !text.includes('-->'), 'cue has text');
    cues.push({ start, end, text });
  }
  assert.equal(cues.length, 3);
  assert.match(cues[0].text, /^Opening remarks/);
  assert.match(cues[1].text, /^Keynote remarks/);
  assert.match(cues[2].text, /^Panel/);
  assert.equal(cues[0].start, 0);
  for (let i = 1; i < cues.length; ++i) {
    assert.ok(cues[i].start >= cues[i - 1].start, 'cues in order');
    assert.ok(cues[i].start >= cues[i - 1].end, 'cues do not overlap');
  }
});

test('/healthz answers ok', async (t) => {
  const server = await startServer(t);
  const response = await http(server, '/healthz');
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type'), /^application\/json/);
  assert.deepEqual(response.json, { status: 'ok' });
});

test('static pages are HTML with a CSP and nosniff, scripts are text/javascript', async (t) => {
  const server = await startServer(t);
  const scripts = new Set();
  for (const page of ['/', '/produce', '/moderate', '/screen', '/timer']) {
    const response = await http(server, page);
    assert.equal(response.status, 200, page);
    assert.match(response.headers.get('content-type'), /^text\/html/, page);
    assert.ok(response.headers.get('content-security-policy'), `${page} has a Content-Security-Policy`);
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff', page);
    for (const match of response.text.matchAll(/<script[^>]*\bsrc="([^"]+)"/g)) scripts.add(new URL(match[1], server.url + page).pathname);
  }
  assert.ok(scripts.size > 0, 'the pages load scripts');
  for (const script of scripts) {
    const response = await http(server, script);
    assert.equal(response.status, 200, script);
    assert.match(response.headers.get('content-type'), /^text\/javascript/, script);
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff', script);
  }
});

test('hello naming an unknown event is not_found', async (t) => {
  const server = await startServer(t);
  const client = await Client.open(server.wsUrl);
  t.after(() => client.ws.terminate());
  const reply = await client.request({ type: 'hello', event: 'no-such-event' });
  assert.equal(reply.type, 'error');
  assert.equal(reply.code, 'not_found');
  assert.ok(!client.frames.some((f) => f.type === 'snapshot'));
});

test('two events are served at once; hello picks one and the default is the first', async (t) => {
  const server = await startServer(t, {
    args: ['--event', eventFile('events/nato-indo-pacific-2024.json'), '--event', eventFile('events/examples/companion-demo.json')],
  });
  const list = (await http(server, '/api/events')).json;
  assert.deepEqual(list.map((e) => e.id).sort(), ['companion-demo', defaultEvent].sort());

  const byDefault = await joinClient(t, server);
  assert.equal(byDefault.welcome.event, defaultEvent);
  const natoSnapshot = await byDefault.next((f) => f.type === 'snapshot');
  assert.equal(natoSnapshot.state.event.id, defaultEvent);

  const demo = await joinClient(t, server, { event: 'companion-demo' });
  assert.equal(demo.welcome.event, 'companion-demo');
  const demoSnapshot = await demo.next((f) => f.type === 'snapshot');
  assert.equal(demoSnapshot.state.event.id, 'companion-demo');
  assert.deepEqual(demoSnapshot.state.event.hashtags, ['CompanionDemo', 'デモ']);

  // A change to one event reaches that event's connections only.
  const producer = await joinClient(t, server, { event: 'companion-demo', token: server.token('producer', { event: 'companion-demo' }) });
  const ack = await producer.request({ type: 'agenda.start' });
  assert.equal(ack.type, 'ack');
  const change = await demo.next((f) => f.type === 'change' && f.kind === 'agenda');
  assert.equal(change.data.current, 'welcome');
  await sleep(200);
  assert.ok(!byDefault.changes().some((c) => c.kind === 'agenda'), 'the other event saw no agenda change');
  const natoState = (await http(server, `/api/events/${defaultEvent}/state`)).json;
  assert.equal(natoState.agenda.status, 'scheduled');
  const demoState = (await http(server, '/api/events/companion-demo/state')).json;
  assert.equal(demoState.agenda.status, 'live');
});
