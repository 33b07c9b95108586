// Abuse: a flood of 10,000 malformed frames of many kinds, slowloris clients holding
// half-sent requests, and commands beyond the rate limits. Meanwhile other clients must
// be served without delay or loss, and the state must stay exactly as the accepted
// commands made it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { Client, http, joinClient, sleep, startServer, waitFor } from './lib/harness.mjs';
import { OP, RawSocket, fdCount, spawnProbe, waitForFds } from './hardening-helpers.mjs';

// Malformed frames that keep the connection open: each is answered with one bad_request.
function* survivableFrames() {
  const nested = (depth) => '['.repeat(depth) + ']'.repeat(depth);
  const kinds = [
    () => '{"type":"ping","id":',
    () => 'not json at all',
    () => '',
    () => '[]',
    () => '"just a string"',
    () => 'null',
    () => '{"type":42,"id":1}',
    () => '{"id":1}',
    () => '{"type":"no.such.command","id":1}',
    () => '{"type":"question.vote","id":1,"question":17}',
    () => '{"type":"question.ask","id":1,"text":["a"]}',
    () => '{"type":"ping","id":1e400}',
    () => '{"type":"ping","id":123456789012345678901234567890123456789}',
    () => '{"type":"ping","id":{"nested":true}}',
    () => `{"type":"ping","id":1,"x":${nested(5000)}}`,
    () => nested(8000),
    () => '{"type":"ping","id":"\\ud800"}',
    () => '{"type":"ping","id":-1.5}',
    () => '{"type":"hello","id":1,"event":{"$ne":null}}',
    () => '{"type":"hello","id":1,"resume":{"epoch":1,"seq":"x"}}',
    () => `{"type":"question.ask","id":1,"text":"${'a'.repeat(15000)}","name":{"a":1}}`,
    () => '\u0000\u0001\u0002',
    () => '{"type":"ping","id":1}}',
    () => 'binary',
  ];
  for (let i = 0; ; ++i) yield kinds[i % kinds.length]();
}

test('10,000 malformed frames: the server answers each, closes where protocol.md says, and a second client sees no delay or loss', async (t) => {
  const server = await startServer(t, { args: ['--quiet'] });
  const producer = await joinClient(t, server, { token: server.token('producer') });
  // 16 pings a second stays under the per-connection command rate (20/s).
  const probe = spawnProbe(t, server.wsUrl, { duration: 4000, interval: 60 });
  await probe.ready;

  // Announcements during the flood: the probe must see every one, in order.
  let announcing = true;
  let announced = 0;
  const announcer = (async () => {
    while (announcing) {
      const ack = await producer.request({ type: 'announce', text: `flood check ${announced}` }).catch(() => null);
      if (ack?.type !== 'ack') return false;
      ++announced;
      await sleep(100);
    }
    return true;
  })();

  const TOTAL = 10000;
  const FATAL_EVERY = 250; // every 250th frame is one that must close its connection
  const fatal = [
    { make: () => ({ payload: Buffer.from([0x7b, 0xff, 0x7d]) }), code: 1007 },
    { make: () => ({ payload: 'x'.repeat(17000) }), code: 1009 },
    { make: () => ({ opcode: 5, payload: 'x' }), code: 1002 },
    { make: () => ({ payload: '{}', rsv: 2 }), code: 1002 },
    { make: () => ({ payload: '{}', masked: false }), code: 1002 },
    { make: () => ({ opcode: OP.ping, payload: Buffer.alloc(200) }), code: 1002 },
  ];
  const frames = survivableFrames();
  let sent = 0;
  let closes = 0;
  let answered = 0;
  const started = Date.now();
  while (sent < TOTAL) {
    // One connection takes a run of survivable frames, written in chunks as fast as the
    // socket accepts them, then one fatal frame that must close it.
    const raw = await RawSocket.open(server.port);
    const run = Math.min(FATAL_EVERY - 1, TOTAL - sent - 1);
    for (let i = 0; i < run; ++i) {
      const text = frames.next().value;
      raw.send(text === 'binary' ? { opcode: OP.binary, payload: Buffer.from([0, 1, 2]) } : { payload: text });
    }
    raw.sendJson({ type: 'ping', id: 'end-of-run' });
    await raw.json((f) => f.id === 'end-of-run', { timeout: 10000 });
    const errors = raw.frames.filter((f) => f.json?.type === 'error');
    assert.equal(errors.length, run, 'one error per malformed frame');
    assert.ok(errors.every((f) => f.json.code === 'bad_request'), JSON.stringify(errors.find((f) => f.json.code !== 'bad_request')?.json));
    answered += errors.length;
    const kind = fatal[(sent / FATAL_EVERY) % fatal.length | 0];
    raw.send(kind.make());
    const close = await raw.closeFrame({ timeout: 3000 });
    assert.equal(close.code, kind.code);
    await raw.ended;
    raw.destroy();
    ++closes;
    sent += run + 2;
  }
  const floodMs = Date.now() - started;
  announcing = false;
  assert.ok(await announcer, 'every announcement acknowledged during the flood');

  const summary = await probe.result;
  t.diagnostic(`flood: ${sent} frames in ${floodMs} ms, ${answered} bad_request answers, ${closes} protocol closes`);
  t.diagnostic(`probe during the flood: ${JSON.stringify(summary)}; ${announced} announcements`);
  assert.equal(summary.lost, 0, 'every probe ping answered');
  assert.equal(summary.gaps, 0, 'no change missing at the probe');
  assert.ok(summary.changes >= announced - 1, `probe saw ${summary.changes} of ${announced} changes`);
  assert.ok(summary.p99 < 250, `probe p99 round trip ${summary.p99} ms`);
  // The server is still up and healthy.
  assert.equal((await http(server, '/healthz')).status, 200);
});

test('slowloris: clients trickling headers or bodies are cut off at the deadlines while others are served', async (t) => {
  const server = await startServer(t, { args: ['--quiet'] });
  const baseline = fdCount(server.proc.pid);
  const sockets = [];
  t.after(() => sockets.forEach((socket) => socket.destroy()));
  const endedAt = new Map();
  const open = (prefix) =>
    new Promise((resolve) => {
      const socket = net.connect({ port: server.port, host: '127.0.0.1' }, () => {
        socket.write(prefix);
        resolve(socket);
      });
      socket.on('error', () => {});
      socket.on('close', () => endedAt.set(socket, Date.now()));
      sockets.push(socket);
    });
  const started = Date.now();
  const headerSlow = [];
  const bodySlow = [];
  for (let i = 0; i < 200; ++i) headerSlow.push(await open('GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: '));
  for (let i = 0; i < 50; ++i)
    bodySlow.push(await open('POST /api/events/x/posts HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{"a":'));
  // Trickle a byte a second, as slowloris does, to defeat per-read timeouts.
  const trickle = setInterval(() => {
    for (const socket of headerSlow) if (!socket.destroyed) socket.write('a');
    for (const socket of bodySlow) if (!socket.destroyed) socket.write(' ');
  }, 1000);
  t.after(() => clearInterval(trickle));

  // New clients are served at once meanwhile (bounds generous for a loaded CI machine).
  const served = [];
  for (let i = 0; i < 5; ++i) {
    const before = Date.now();
    assert.equal((await http(server, '/healthz')).status, 200);
    const viewer = await Client.open(server.wsUrl);
    await viewer.hello();
    viewer.ws.terminate();
    served.push(Date.now() - before);
    await sleep(500);
  }
  t.diagnostic(`new clients served in ${served.join(', ')} ms (GET /healthz, then a WebSocket hello)`);
  assert.ok(Math.max(...served) < 2000, `served in ${served} ms`);

  // Headers have 10 s in all, bodies 20 s more.
  await waitFor(() => headerSlow.every((socket) => endedAt.has(socket)), { timeout: 14000, what: 'slow headers cut off' });
  const headerCut = Math.max(...headerSlow.map((socket) => endedAt.get(socket) - started));
  assert.ok(headerCut < 13000, `slow headers cut after ${headerCut} ms`);
  assert.ok(bodySlow.every((socket) => !endedAt.has(socket)), 'slow bodies still within their deadline');
  await waitFor(() => bodySlow.every((socket) => endedAt.has(socket)), { timeout: 24000, what: 'slow bodies cut off' });
  const bodyCut = Math.max(...bodySlow.map((socket) => endedAt.get(socket) - started));
  t.diagnostic(`slow headers cut within ${headerCut} ms, slow bodies within ${bodyCut} ms`);
  clearInterval(trickle);
  const now = await waitForFds(server.proc.pid, baseline);
  assert.ok(now <= baseline, `descriptors ${now}, baseline ${baseline}`);
});

const DISTINCT_QUESTIONS = [
  'How will Japan contribute to maritime patrols?',
  'What budget does the alliance set aside for cyber defence?',
  'Why did Australia join the summit this year?',
  'Which treaty governs submarine technology transfers?',
  'When is the next ministerial meeting scheduled?',
  'Could South Korea host a liaison office soon?',
  'Who negotiates supply chain agreements for semiconductors?',
  'Is New Zealand expanding its Antarctic presence?',
  'Are there joint exercises planned near Guam?',
  'What role do Pacific island nations play in climate security?',
  'How are sanctions on dual-use exports enforced?',
  'Does the summit address space debris?',
  'Will parliament ratify the new framework before autumn?',
  'Which languages do interpreters cover at the panels?',
  'How much hydrogen fuel do naval ships consume?',
  'Can students apply for the fellowship program online?',
  'What happened to the previous communique draft?',
  'Where will the archive of these recordings live?',
  'Should civilians train for disaster response drills?',
  'Why are fisheries disputes rising in the region?',
];

test('commands beyond the rate limits are rate_limited with retry_after_ms, and nothing else changes', async (t) => {
  const server = await startServer(t, { args: ['--quiet'] });
  const moderator = await joinClient(t, server, { token: server.token('moderator') });
  const viewer = await joinClient(t, server);

  // 200 pings at once: the burst (40) passes, the rest is refused, each with one answer.
  const ids = [];
  for (let i = 0; i < 200; ++i) {
    const id = `p${i}`;
    ids.push(id);
    viewer.send({ type: 'ping', id });
  }
  await waitFor(() => ids.every((id) => viewer.frames.some((f) => f.id === id)), { what: 'every ping answered' });
  const answers = ids.map((id) => viewer.frames.filter((f) => f.id === id));
  assert.ok(answers.every((list) => list.length === 1), 'exactly one answer per command');
  const limited = answers.flat().filter((f) => f.code === 'rate_limited');
  const pongs = answers.flat().filter((f) => f.type === 'pong');
  t.diagnostic(`200 pings at once: ${pongs.length} pongs, ${limited.length} rate_limited`);
  assert.ok(pongs.length >= 38 && pongs.length <= 45, `${pongs.length} pongs`);
  assert.equal(limited.length + pongs.length, 200);
  assert.ok(limited.every((f) => Number.isInteger(f.retry_after_ms) && f.retry_after_ms > 0));

  // Questions: 3 per minute per connection. 20 asked at once: 3 taken, none of the rest stored.
  await sleep(2100); // let the command bucket refill
  const asks = await Promise.all(
    // Unrelated texts, so that no two are merged as near-identical.
    DISTINCT_QUESTIONS.map((text) => viewer.request({ type: 'question.ask', text })),
  );
  const taken = asks.filter((a) => a.type === 'ack');
  assert.equal(taken.length, 3);
  assert.ok(asks.filter((a) => a.type === 'error').every((a) => a.code === 'rate_limited'));
  const staffView = await Client.open(server.wsUrl);
  t.after(() => staffView.ws.terminate());
  await staffView.hello({ token: server.token('moderator') });
  // Its queue: the snapshot, plus queue.question frames for what its shard had not applied yet.
  const queue = await staffView.next((f) => f.type === 'queue.snapshot');
  const pendingSeen = () =>
    new Set([
      ...queue.questions.filter((q) => q.status === 'pending').map((q) => q.id),
      ...staffView.frames.filter((f) => f.type === 'queue.question' && f.question.status === 'pending').map((f) => f.question.id),
    ]);
  await waitFor(() => pendingSeen().size >= 3, { what: 'three pending questions in the staff view' });
  await sleep(200);
  assert.deepEqual([...pendingSeen()].sort(), taken.map((a) => a.question).sort());
  // The moderator's own connection saw exactly three queue.question frames.
  await sleep(200);
  assert.equal(moderator.frames.filter((f) => f.type === 'queue.question').length, 3);

  // After the advertised wait the connection works again.
  const refused = limited.at(-1);
  await sleep(Math.min(refused.retry_after_ms, 2000));
  assert.equal((await viewer.request({ type: 'ping' })).type, 'pong');
});

test('per-address question limit: many connections behind one address share one budget', async (t) => {
  const server = await startServer(t, { args: ['--quiet'] });
  const clients = [];
  t.after(() => clients.forEach((client) => client.ws.terminate()));
  for (let i = 0; i < 60; ++i) {
    const client = await Client.open(server.wsUrl, { localAddress: '127.0.0.3' });
    clients.push(client);
    await client.hello();
  }
  // 60 connections x 3 questions = 180, over the address burst of 150 (600 a minute).
  const asks = await Promise.all(
    clients.flatMap((client, c) =>
      [0, 1, 2].map((q) => client.request({ type: 'question.ask', text: `Address budget question ${c}-${q} ${'abcdefgh'[q]}${c * 7919}` })),
    ),
  );
  const taken = asks.filter((a) => a.type === 'ack').length;
  const limited = asks.filter((a) => a.code === 'rate_limited').length;
  t.diagnostic(`${taken} questions taken, ${limited} refused by the address limit`);
  assert.equal(taken + limited, 180);
  assert.ok(taken >= 150 && taken <= 156, `${taken} taken`);
  // Another address is not affected.
  const elsewhere = await Client.open(server.wsUrl, { localAddress: '127.0.0.4' });
  clients.push(elsewhere);
  await elsewhere.hello();
  assert.equal((await elsewhere.request({ type: 'question.ask', text: 'From another address?' })).type, 'ack');
});
