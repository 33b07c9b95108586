// What bad input gets: clear errors on a connection that stays usable, the
// protocol's close codes for what cannot be answered, and JSON errors on HTTP.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { Client, defaultEvent, forgeToken, http, joinClient, readSecret, sleep, startServer } from './lib/harness.mjs';

async function pingWorks(client) {
  const pong = await client.request({ type: 'ping' });
  assert.equal(pong.type, 'pong');
  assert.equal(typeof pong.server_time, 'number');
}

test('malformed JSON is bad_request with id null and the connection stays usable', async (t) => {
  const server = await startServer(t);
  const client = await joinClient(t, server);
  for (const text of ['{"type":"ping",', 'not json at all', '[1,2,3]', '"hello"']) {
    const before = client.frames.length;
    client.send(text);
    const error = await client.next((f) => f.type === 'error', { from: before });
    assert.equal(error.code, 'bad_request', text);
    assert.equal(error.id, null, text);
    assert.equal(typeof error.message, 'string');
    await pingWorks(client);
  }
});

test('an unknown type is bad_request', async (t) => {
  const server = await startServer(t);
  const client = await joinClient(t, server);
  const reply = await client.request({ type: 'agenda.teleport' });
  assert.equal(reply.type, 'error');
  assert.equal(reply.code, 'bad_request');
  client.send({ id: 'no-type' });
  const untyped = await client.next((f) => f.id === 'no-type');
  assert.equal(untyped.code, 'bad_request');
  await pingWorks(client);
});

test('a missing or ill-typed field is bad_request naming the field', async (t) => {
  const server = await startServer(t);
  const client = await joinClient(t, server, { token: server.token('producer') });
  const cases = [
    [{ type: 'question.vote' }, 'question'],
    [{ type: 'question.ask' }, 'text'],
    [{ type: 'agenda.goto' }, 'segment'],
    [{ type: 'announce' }, 'text'],
    [{ type: 'question.vote', question: 42 }, 'question'],
  ];
  for (const [command, field] of cases) {
    const reply = await client.request(command);
    assert.equal(reply.type, 'error', JSON.stringify(command));
    assert.equal(reply.code, 'bad_request', JSON.stringify(command));
    assert.match(reply.message, new RegExp(field), `${JSON.stringify(command)}: ${reply.message}`);
  }
  await pingWorks(client);
});

test('a binary frame gets a bad_request error and the connection stays open', async (t) => {
  const server = await startServer(t);
  const client = await joinClient(t, server);
  client.ws.send(Buffer.from(JSON.stringify({ type: 'ping', id: 'bin' })), { binary: true });
  const error = await client.next((f) => f.type === 'error');
  assert.equal(error.code, 'bad_request');
  assert.ok(!client.frames.some((f) => f.type === 'pong'), 'the binary frame was not run as a command');
  await pingWorks(client);
});

test('a text frame over 16 KiB closes the connection with 1009', async (t) => {
  const server = await startServer(t);
  const client = await joinClient(t, server);
  // At the limit is still fine.
  const padding = 'x'.repeat(16 * 1024 - JSON.stringify({ type: 'ping', id: 1, pad: '' }).length);
  const fits = await client.request({ type: 'ping', pad: padding });
  assert.equal(fits.type, 'pong');
  client.send({ type: 'ping', id: 2, pad: 'x'.repeat(17 * 1024) });
  const closed = await client.closed;
  assert.equal(closed.code, 1009);
});

test('invalid UTF-8 in a text frame closes the connection with 1007', async (t) => {
  const server = await startServer(t);
  const client = await Client.open(server.wsUrl, { skipUTF8Validation: true });
  t.after(() => client.ws.terminate());
  await client.hello();
  client.ws.send(Buffer.from([0x7b, 0x22, 0x74, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0xff, 0x22, 0x7d]), { binary: false });
  const closed = await client.closed;
  assert.equal(closed.code, 1007);
});

async function expectTokenRefused(server, token, what) {
  const client = await Client.open(server.wsUrl);
  const reply = await client.request({ type: 'hello', token });
  assert.equal(reply.type, 'error', `${what}: ${JSON.stringify(reply)}`);
  assert.equal(reply.code, 'unauthorized', what);
  const closed = await client.closed;
  assert.equal(closed.code, 4001, what);
  assert.ok(!client.frames.some((f) => f.type === 'snapshot' || f.type === 'welcome'), what);
}

test('a bad token is unauthorized and closes with 4001', async (t) => {
  const server = await startServer(t);
  await expectTokenRefused(server, 'not-a-jwt', 'garbage');
  const good = server.token('producer');
  const [header, payload] = good.split('.');
  await expectTokenRefused(server, `${header}.${payload}.${'A'.repeat(43)}`, 'bad signature');
});

test('an expired token or one signed with another secret closes with 4001', async (t) => {
  const server = await startServer(t);
  const secret = readSecret(server.dataDir);
  const now = Math.floor(Date.now() / 1000);
  const claims = { sub: 'test', role: 'producer', event: defaultEvent, exp: now + 3600 };
  // The forging itself is right: the same claims with the real secret are accepted.
  const accepted = await joinClient(t, server, { token: forgeToken(claims, { secret }) });
  assert.equal(accepted.welcome.role, 'producer');

  await expectTokenRefused(server, forgeToken({ ...claims, exp: now - 3600 }, { secret }), 'expired an hour ago');
  await expectTokenRefused(server, forgeToken(claims, { secret: 'another-secret-of-enough-length' }), 'wrong secret');
});

test('a token for another event closes with 4001', async (t) => {
  const server = await startServer(t);
  await expectTokenRefused(server, server.token('producer', { event: 'companion-demo' }), 'other event');
});

test('an alg none token closes with 4001', async (t) => {
  const server = await startServer(t);
  const claims = { sub: 'mallory', role: 'producer', event: defaultEvent, exp: Math.floor(Date.now() / 1000) + 3600 };
  await expectTokenRefused(server, forgeToken(claims, { header: { alg: 'none', typ: 'JWT' } }), 'alg none');
  await expectTokenRefused(server, forgeToken(claims, { header: { alg: 'none' } }) + 'x', 'alg none with junk signature');
});

test('every command with an id gets exactly one ack or error', async (t) => {
  const server = await startServer(t);
  const producer = await joinClient(t, server, { token: server.token('producer') });
  const commands = [
    { type: 'ping', id: 'p1' },
    { type: 'agenda.start', id: 101 },
    { type: 'agenda.start', id: 102 },
    { type: 'agenda.next', id: 'n1' },
    { type: 'agenda.goto', id: 'g1', segment: 'nowhere' },
    { type: 'agenda.teleport', id: 'u1' },
    { type: 'question.vote', id: 'v1' },
    { type: 'question.vote', id: 'v2', question: 'q404' },
    { type: 'question.ask', id: 'a1', text: 'What does interoperability mean in practice?' },
    { type: 'question.ask', id: 'a2', text: '' },
    { type: 'announce', id: 'an1', text: 'Starting soon' },
    { type: 'announce', id: 'an2', text: '' },
    { type: 'hello', id: 'h2' },
    { type: 'on_screen.set', id: 's1', kind: 'question', item: 'q404' },
    { type: 'agenda.pause', id: 7 },
    { type: 'agenda.pause', id: 8 },
    { type: 'agenda.resume', id: 9 },
  ];
  for (const command of commands) producer.send(command);
  producer.send('{"type":"ping","id":"broken"');
  const last = await producer.request({ type: 'ping' });
  assert.equal(last.type, 'pong');
  await sleep(300);

  for (const command of commands) {
    const answers = producer.frames.filter((f) => f.id === command.id && ['ack', 'error', 'pong', 'welcome'].includes(f.type));
    assert.equal(answers.length, 1, `${command.type} ${command.id}: ${JSON.stringify(answers)}`);
  }
  const byId = (id) => producer.frames.find((f) => f.id === id);
  assert.equal(byId('p1').type, 'pong');
  assert.equal(byId(101).type, 'ack');
  assert.equal(byId(102).code, 'conflict');
  assert.equal(byId('n1').type, 'ack');
  assert.equal(byId('g1').code, 'not_found');
  assert.equal(byId('u1').code, 'bad_request');
  assert.equal(byId('v1').code, 'bad_request');
  assert.equal(byId('v2').code, 'not_found');
  assert.equal(byId('a1').type, 'ack');
  assert.equal(byId('a2').code, 'bad_request');
  assert.equal(byId('an1').type, 'ack');
  assert.equal(byId('an2').type, 'ack');
  assert.equal(byId('h2').type, 'error', 'a second hello is refused');
  assert.equal(byId('s1').type, 'error', 'no such question to put on screen');
  assert.equal(byId(7).type, 'ack');
  assert.equal(byId(8).code, 'conflict');
  assert.equal(byId(9).type, 'ack');
  // Acks of accepted changes carry the seq they produced, in the order they were sent.
  const seqs = [101, 'n1', 'an1', 'an2', 7, 9].map((id) => byId(id).seq);
  assert.ok(seqs.every((s, i) => typeof s === 'number' && (i === 0 || s > seqs[i - 1])), JSON.stringify(seqs));
});

test('HTTP errors are JSON with the right status', async (t) => {
  const server = await startServer(t);
  const cases = [
    ['GET', '/no/such/route', 404, 'not_found'],
    ['GET', '/api/events/no-such-event/state', 404, 'not_found'],
    ['POST', `/api/events/${defaultEvent}/state`, 405, undefined],
    ['GET', `/api/events/${defaultEvent}/questions.csv`, 401, 'unauthorized'],
  ];
  for (const [method, route, status, code] of cases) {
    const response = await http(server, route, { method, body: method === 'POST' ? '{}' : undefined });
    assert.equal(response.status, status, `${method} ${route}`);
    assert.match(response.headers.get('content-type'), /^application\/json/, `${method} ${route}`);
    assert.equal(typeof response.json?.error?.code, 'string', `${method} ${route}: ${response.text}`);
    assert.equal(typeof response.json.error.message, 'string', `${method} ${route}`);
    if (code) assert.equal(response.json.error.code, code, `${method} ${route}`);
  }
  const viewerToken = await http(server, `/api/events/${defaultEvent}/questions.csv`, {
    headers: { authorization: 'Bearer not-a-token' },
  });
  assert.equal(viewerToken.status, 401);
  assert.equal(viewerToken.json.error.code, 'unauthorized');
});

test('a method a resource does not take is 405 with Allow and a JSON error', async (t) => {
  const server = await startServer(t);
  const cases = [
    ['POST', '/api/events', 'GET, HEAD'],
    ['DELETE', `/api/events/${defaultEvent}/state`, 'GET, HEAD'],
    ['PUT', '/metrics', 'GET, HEAD'],
    ['POST', '/', 'GET, HEAD'],
    ['GET', `/api/events/${defaultEvent}/posts`, 'POST'],
  ];
  for (const [method, route, allowed] of cases) {
    const response = await http(server, route, { method, body: method === 'GET' ? undefined : '{}' });
    assert.equal(response.status, 405, `${method} ${route}`);
    assert.equal(response.headers.get('allow'), allowed, `${method} ${route}`);
    assert.match(response.headers.get('content-type'), /^application\/json/);
    assert.equal(response.json?.error?.code, 'bad_request', response.text);
    assert.match(response.json.error.message, new RegExp(allowed));
  }
});
