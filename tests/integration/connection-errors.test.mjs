// Errors that end a connection are named by the step that failed: a debug log line each
// and companion_connection_errors_total{side,step} on /metrics. Real clients do the
// failing: a WebSocket client that sends an unmasked frame, one that resets its socket, an
// HTTP client that resets halfway through its upgrade request, and a Jetstream source
// pointed at a port nobody listens on. Clean ends (a close frame, a finished request)
// count nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import { Client, http, joinClient, startServer, waitFor } from './lib/harness.mjs';
import { deadUrl } from './lib/social_fakes.mjs';

async function errorCounts(server) {
  const text = (await http(server, '/metrics')).text;
  const counts = {};
  for (const [, side, step, value] of text.matchAll(
    /^companion_connection_errors_total\{side="(\w+)",step="(\w+)"\} (\d+)$/gm,
  ))
    counts[`${side}/${step}`] = Number(value);
  return counts;
}

// Waits until the counter for `key` is above `before`, and returns the new counts.
const counterMoves = (server, key, before) =>
  waitFor(async () => {
    const counts = await errorCounts(server);
    return counts[key] > (before[key] ?? 0) && counts;
  }, { what: `${key} to count` });

const logged = (server, side, step) =>
  new RegExp(`connection_error side=${side} step=${step}\\b.*error=`).test(server.errors);

// One raw TCP connection: writes `bytes`, then resets (RST), as a phone dropping off does.
async function resetAfter(server, bytes) {
  const socket = net.connect(server.port, '127.0.0.1');
  await once(socket, 'connect');
  socket.write(bytes);
  await new Promise((resolve) => socket.write('', resolve));
  socket.resetAndDestroy();
}

test('every series is there from the start, at zero', async (t) => {
  const server = await startServer(t);
  const counts = await errorCounts(server);
  for (const key of ['http/read_header', 'http/tls_handshake', 'websocket/read', 'websocket/write',
    'websocket/frame', 'source/connect', 'source/websocket_handshake', 'source/read'])
    assert.equal(counts[key], 0, key);
  const text = (await http(server, '/metrics')).text;
  assert.equal(text.match(/^# TYPE companion_connection_errors_total counter$/gm)?.length, 1);
});

test('a bad frame, a reset and a half-sent upgrade are counted by step and logged at debug', async (t) => {
  const server = await startServer(t, { args: ['--log-level', 'debug'] });
  let counts = await errorCounts(server);

  // An unmasked client frame is a protocol error (RFC 6455 5.1): closed with 1002.
  const bad = await joinClient(t, server);
  bad.ws._socket.write(Buffer.from([0x81, 0x02, 0x7b, 0x7d]));
  assert.equal((await bad.closed).code, 1002);
  counts = await counterMoves(server, 'websocket/frame', counts);
  await waitFor(() => logged(server, 'websocket', 'frame'), { what: 'the frame error in the log' });

  // A joined viewer whose socket resets: the server's read fails.
  const dropped = await joinClient(t, server);
  dropped.ws._socket.resetAndDestroy();
  counts = await counterMoves(server, 'websocket/read', counts);
  await waitFor(() => logged(server, 'websocket', 'read'), { what: 'the read error in the log' });

  // An upgrade request cut off by a reset before its headers end.
  await resetAfter(server, 'GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Up');
  counts = await counterMoves(server, 'http/read_header', counts);
  await waitFor(() => logged(server, 'http', 'read_header'), { what: 'the header error in the log' });
});

test('clean ends count nothing', async (t) => {
  const server = await startServer(t);
  const before = await errorCounts(server);
  for (let i = 0; i < 20; ++i) {
    const client = await Client.open(server.wsUrl);
    await client.hello();
    await client.close();
  }
  for (let i = 0; i < 20; ++i) assert.equal((await http(server, '/healthz')).status, 200);
  // A connection that opens and closes without a request has not failed either.
  for (let i = 0; i < 20; ++i) {
    const socket = net.connect(server.port, '127.0.0.1');
    await once(socket, 'connect');
    socket.end();
    await once(socket, 'close');
  }
  // The server has seen every close (its connection gauge is back to zero) before the check.
  await waitFor(async () => /^companion_connections\{role="viewer"\} 0$/m.test((await http(server, '/metrics')).text),
    { what: 'the viewers to be gone' });
  assert.deepEqual(await errorCounts(server), before);
});

test('a source that cannot connect counts its failed step', async (t) => {
  const url = (await deadUrl()).replace(/^http/, 'ws').replace(/\/xrpc.*$/, '/subscribe');
  const server = await startServer(t, { args: ['--jetstream', url, '--log-level', 'debug'] });
  await counterMoves(server, 'source/connect', {});
  await waitFor(() => logged(server, 'source', 'connect'), { what: 'the connect error in the log' });
  assert.match(server.errors, /connection_error side=source step=connect url=ws:\/\/127\.0\.0\.1:\d+\/subscribe /);
});
