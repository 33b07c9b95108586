// HTTP is bounded like WebSockets: connections per address (IPv6 by /64) and in total,
// a drain after a refused body that ends at a fixed deadline or byte budget however the
// bytes trickle, and connections waiting for hello capped per address too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { http, startServer, waitFor } from './lib/harness.mjs';
import { RawSocket } from './hardening-helpers.mjs';

// A TCP connection that sends the start of a request and then one byte every `every` ms.
function trickler(port, localAddress, { every = 500 } = {}) {
  const socket = net.connect({ port, host: '127.0.0.1', localAddress });
  socket.on('error', () => {});
  const state = { socket, closed: false, data: '' };
  socket.on('data', (chunk) => (state.data += chunk));
  socket.on('close', () => {
    state.closed = true;
    clearInterval(state.timer);
  });
  socket.on('connect', () => {
    socket.write('GET / HTTP/1.1\r\nHost: x\r\n');
    state.timer = setInterval(() => socket.write('X'), every);
  });
  state.connected = new Promise((resolve) => socket.once('connect', resolve));
  return state;
}

async function metric(server, line) {
  const text = (await http(server, '/metrics')).text;
  return Number(new RegExp(`^${line.replace(/[{}"]/g, '\\$&')} (\\d+)$`, 'm').exec(text)?.[1] ?? NaN);
}

async function timedGet(server) {
  const started = performance.now();
  const answer = await http(server, '/healthz');
  return { status: answer.status, ms: performance.now() - started };
}

test('an address holding trickling HTTP connections is capped while others are served at once', async (t) => {
  const perAddress = 200;
  const server = await startServer(t, { args: ['--quiet', '--max-http-connections-per-ip', String(perAddress)] });
  const held = [];
  t.after(() => held.forEach((h) => h.socket.destroy()));
  for (let i = 0; i < perAddress; ++i) held.push(trickler(server.port, '127.0.0.2'));
  await Promise.all(held.map((h) => h.connected));
  await waitFor(async () => (await metric(server, 'companion_http_connections')) >= perAddress,
    { what: 'the held connections counted' });
  // One more from that address is closed before it is read.
  const extra = trickler(server.port, '127.0.0.2');
  t.after(() => extra.socket.destroy());
  await waitFor(() => extra.closed, { timeout: 3000, what: 'the connection over the cap closed' });
  assert.equal(extra.data, '', 'nothing answered');
  assert.equal(await metric(server, 'companion_http_connection_refusals_total{cap="address"}'), 1);
  // Everyone else is served in milliseconds meanwhile.
  const times = [];
  for (let i = 0; i < 20; ++i) {
    const { status, ms } = await timedGet(server);
    assert.equal(status, 200);
    times.push(ms);
  }
  times.sort((a, b) => a - b);
  assert.ok(times[Math.floor(times.length / 2)] < 100, `median ${times[10]} ms`);
  assert.ok(held.every((h) => !h.closed), 'the connections within the cap are still open');
});

test('the total HTTP cap holds across addresses and frees with closes', async (t) => {
  const server = await startServer(t, { args: ['--quiet', '--max-http-connections', '100'] });
  const held = [];
  t.after(() => held.forEach((h) => h.socket.destroy()));
  for (let i = 0; i < 99; ++i) held.push(trickler(server.port, `127.0.1.${1 + (i % 10)}`));
  await Promise.all(held.map((h) => h.connected));
  await waitFor(async () => (await metric(server, 'companion_http_connections')) >= 99 + 1,
    { what: 'the held connections and the scrape counted' });
  const extra = trickler(server.port, '127.0.2.1');
  t.after(() => extra.socket.destroy());
  await waitFor(() => extra.closed, { timeout: 3000, what: 'the connection over the total cap closed' });
  assert.ok((await metric(server, 'companion_http_connection_refusals_total{cap="total"}')) >= 1);
  for (const h of held.splice(0, 10)) h.socket.destroy();
  await waitFor(async () => (await http(server, '/healthz')).status === 200, { what: 'a place again' });
});

test('the drain after a refused body ends at its deadline or byte budget, however bytes trickle', async (t) => {
  const server = await startServer(t, { args: ['--quiet'] });
  const oversized = (socket) => socket.write(
    'POST /api/events/nato-indo-pacific-2024/posts HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\n\r\n');
  // Trickling one byte every 100 ms: the 2 s deadline is not reset by each byte.
  const slow = net.connect({ port: server.port, host: '127.0.0.1', allowHalfOpen: true });
  slow.on('error', () => {});
  let answer = '';
  slow.on('data', (chunk) => (answer += chunk));
  const slowClosed = new Promise((resolve) => slow.on('close', resolve));
  await new Promise((resolve) => slow.on('connect', resolve));
  const started = Date.now();
  oversized(slow);
  const drip = setInterval(() => slow.write('x'), 100);
  t.after(() => clearInterval(drip));
  await slowClosed;
  clearInterval(drip);
  const lasted = Date.now() - started;
  assert.match(answer, /^HTTP\/1\.1 413/);
  assert.ok(lasted >= 1800 && lasted < 3500, `slow drain lasted ${lasted} ms`);

  // Pouring bytes as fast as possible: closed after the budget, well before the deadline.
  const fast = net.connect({ port: server.port, host: '127.0.0.1', allowHalfOpen: true });
  fast.on('error', () => {});
  const fastClosed = new Promise((resolve) => fast.on('close', resolve));
  await new Promise((resolve) => fast.on('connect', resolve));
  const fastStarted = Date.now();
  oversized(fast);
  const chunk = Buffer.alloc(16 * 1024, 120);
  const pour = setInterval(() => { if (!fast.destroyed) fast.write(chunk); }, 1);
  t.after(() => clearInterval(pour));
  await fastClosed;
  clearInterval(pour);
  assert.ok(Date.now() - fastStarted < 1500, `fast drain lasted ${Date.now() - fastStarted} ms`);
});

test('connections waiting for hello are capped per address, not only in total', async (t) => {
  const cap = 50;
  const server = await startServer(t, { args: ['--quiet', '--max-unauthenticated-per-ip', String(cap)] });
  const sockets = [];
  t.after(() => sockets.forEach((s) => s.destroy()));
  for (let i = 0; i < cap; ++i) sockets.push(await RawSocket.open(server.port, { localAddress: '127.0.0.2' }));
  await assert.rejects(RawSocket.open(server.port, { localAddress: '127.0.0.2' }), /upgrade refused: HTTP\/1\.1 503/);
  assert.equal(await metric(server, 'companion_unauthenticated_refusals_total{cap="address"}'), 1);
  // Another address still gets in, and saying hello frees a place of the capped one.
  const other = await RawSocket.open(server.port, { localAddress: '127.0.0.3' });
  sockets.push(other);
  const first = sockets[0];
  first.sendJson({ type: 'hello', id: 1 });
  await first.json((f) => f.type === 'welcome');
  sockets.push(await RawSocket.open(server.port, { localAddress: '127.0.0.2' }));
});
