// TLS: --tls-cert/--tls-key serve https:// and wss:// on the listening port, TLS 1.2 and
// later only, with HSTS on every HTTPS response. The certificate is self-signed, made
// with `openssl req` here; the clients are node's own TLS client and `ws`.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { Client, companionBin, defaultEvent, sleep, tempDataDir, waitFor } from './lib/harness.mjs';

let dir;
let ca;
let server; // {proc, port, errors, dataDir}

async function startTlsServer(extra = []) {
  const dataDir = tempDataDir();
  const proc = spawn(
    companionBin,
    ['serve', '--listen', '127.0.0.1:0', '--data', dataDir, '--tls-cert', path.join(dir, 'cert.pem'),
      '--tls-key', path.join(dir, 'key.pem'), ...extra],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const started = { proc, dataDir, output: '', errors: '' };
  started.exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  proc.stdout.on('data', (chunk) => (started.output += chunk));
  proc.stderr.on('data', (chunk) => (started.errors += chunk));
  const match = await waitFor(() => /listening on https?:\/\/[^\s:]+:(\d+)/.exec(started.output), {
    timeout: 15000,
    what: 'the TLS server to listen',
  });
  started.port = Number(match[1]);
  started.url = `https://127.0.0.1:${started.port}`;
  started.wsUrl = `wss://127.0.0.1:${started.port}/ws`;
  return started;
}

function get(route, options = {}) {
  return new Promise((resolve, reject) => {
    const request = https.get(`${server.url}${route}`, { ca, ...options }, (response) => {
      let body = '';
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode, headers: response.headers, body }));
    });
    request.on('error', reject);
  });
}

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'companion-tls-'));
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
    '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'),
  ], { stdio: 'ignore' });
  ca = readFileSync(path.join(dir, 'cert.pem'));
  server = await startTlsServer(['--quiet']);
});

after(async () => {
  server?.proc.kill('SIGKILL');
  await server?.exited;
  rmSync(server.dataDir, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
});

test('https: pages and the API answer over TLS, verified against the certificate, with HSTS', async () => {
  const health = await get('/healthz');
  assert.equal(health.status, 200);
  assert.deepEqual(JSON.parse(health.body), { status: 'ok' });
  assert.equal(health.headers['strict-transport-security'], 'max-age=31536000');
  const page = await get('/');
  assert.equal(page.status, 200);
  assert.equal(page.headers['strict-transport-security'], 'max-age=31536000');
  assert.match(page.headers['content-security-policy'], /default-src 'self'/);
  const missing = await get('/api/events/no-such-event/state');
  assert.equal(missing.status, 404);
  assert.equal(missing.headers['strict-transport-security'], 'max-age=31536000', 'errors carry HSTS too');
  const state = await get(`/api/events/${defaultEvent}/state`);
  assert.equal(JSON.parse(state.body).event.id, defaultEvent);
});

test('TLS 1.2 and 1.3 are accepted; TLS 1.0 and 1.1 are refused by the server', async () => {
  const handshake = (options) =>
    new Promise((resolve) => {
      const socket = tls.connect({ host: '127.0.0.1', port: server.port, ca, servername: 'localhost', ...options }, () => {
        const version = socket.getProtocol();
        socket.destroy();
        resolve({ version });
      });
      socket.on('error', (error) => resolve({ error: error.message }));
    });
  assert.equal((await handshake({ minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' })).version, 'TLSv1.2');
  assert.equal((await handshake({})).version, 'TLSv1.3');
  // The client is willing (security level 0 allows the old versions); the server says no.
  for (const version of ['TLSv1', 'TLSv1.1']) {
    const outcome = await handshake({ minVersion: version, maxVersion: version, ciphers: 'DEFAULT:@SECLEVEL=0' });
    assert.ok(outcome.error, `${version} must fail`);
    assert.match(outcome.error, /protocol version|unsupported protocol|wrong version/i);
  }
});

test('wss: viewers and staff talk over TLS; broadcasts reach every viewer; the upgrade carries HSTS', async (t) => {
  let upgradeHeaders;
  const viewers = [];
  t.after(() => viewers.forEach((client) => client.ws.terminate()));
  for (let i = 0; i < 30; ++i) {
    const client = new Client(server.wsUrl, { ca, perMessageDeflate: false });
    if (i === 0) client.ws.on('upgrade', (response) => (upgradeHeaders = response.headers));
    await new Promise((resolve, reject) => {
      client.ws.once('open', resolve);
      client.ws.once('error', reject);
    });
    viewers.push(client);
    const welcome = await client.request({ type: 'hello' });
    assert.equal(welcome.type, 'welcome');
  }
  assert.equal(upgradeHeaders['strict-transport-security'], 'max-age=31536000');
  const token = execFileSync(companionBin, ['token', '--role', 'producer', '--event', defaultEvent, '--data', server.dataDir])
    .toString()
    .trim();
  const producer = await Client.open(server.wsUrl, { ca });
  t.after(() => producer.ws.terminate());
  assert.equal((await producer.request({ type: 'hello', token })).role, 'producer');
  // Twenty changes in a row: one write to a viewer may carry several.
  const text = 'over TLS '.repeat(30).slice(0, 250);
  for (let i = 0; i < 20; ++i) assert.equal((await producer.request({ type: 'announce', text: `${i} ${text}` })).type, 'ack');
  for (const viewer of viewers) {
    await viewer.next((f) => f.type === 'change' && f.data?.text === `19 ${text}`);
    // Every change in seq order with none missing (stats changes interleave), the 20 in order.
    const seqs = viewer.changes().map((c) => c.seq);
    assert.ok(seqs.every((seq, i) => i === 0 || seq === seqs[i - 1] + 1), `seqs ${seqs}`);
    const texts = viewer.changes().filter((c) => c.kind === 'announcement').map((c) => c.data.text);
    assert.deepEqual(texts, [...Array(20).keys()].map((i) => `${i} ${text}`));
  }
});

test('the WebSocket rules hold over TLS: binary is bad_request, 16 KiB + 1 is 1009, invalid UTF-8 is 1007', async (t) => {
  const client = await Client.open(server.wsUrl, { ca });
  t.after(() => client.ws.terminate());
  client.ws.send(Buffer.from([1, 2, 3]), { binary: true });
  assert.equal((await client.next((f) => f.type === 'error')).code, 'bad_request');
  client.send('x'.repeat(16385));
  assert.equal((await client.closed).code, 1009);

  const other = await Client.open(server.wsUrl, { ca });
  t.after(() => other.ws.terminate());
  other.ws.send(Buffer.from([0x7b, 0xff, 0x7d]), { binary: false });
  assert.equal((await other.closed).code, 1007);
});

test('plain HTTP and garbage on the TLS port are dropped; the server keeps serving', async () => {
  const plain = await new Promise((resolve) => {
    const socket = net.connect(server.port, '127.0.0.1', () => socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n'));
    let data = '';
    socket.on('data', (chunk) => (data += chunk));
    socket.on('close', () => resolve(data));
    socket.on('error', () => {});
  });
  assert.doesNotMatch(plain, /"status":"ok"/);
  // A client that opens TCP and never starts the handshake is cut at the header deadline;
  // meanwhile others are served.
  const idle = net.connect(server.port, '127.0.0.1');
  idle.on('error', () => {});
  await sleep(200);
  assert.equal((await get('/healthz')).status, 200);
  idle.destroy();
});

test('SIGTERM closes wss clients with 1001 and exits 0', async (t) => {
  const own = await startTlsServer(['--quiet']);
  t.after(() => rmSync(own.dataDir, { recursive: true, force: true }));
  const client = await Client.open(own.wsUrl, { ca });
  await client.request({ type: 'hello' });
  own.proc.kill('SIGTERM');
  assert.equal((await client.closed).code, 1001);
  assert.deepEqual(await own.exited, { code: 0, signal: null });
});

test('a missing or mismatched key is refused at start with a clear message', async () => {
  const other = mkdtempSync(path.join(tmpdir(), 'companion-tls-other-'));
  try {
    execFileSync('openssl', ['genrsa', '-out', path.join(other, 'other.pem'), '2048'], { stdio: 'ignore' });
    const data = tempDataDir();
    const run = (args) => {
      try {
        execFileSync(companionBin, ['serve', '--listen', '127.0.0.1:0', '--data', data, ...args], { stdio: 'pipe', timeout: 10000 });
        return { status: 0, stderr: '' };
      } catch (error) {
        return { status: error.status, stderr: error.stderr.toString() };
      }
    };
    const mismatched = run(['--tls-cert', path.join(dir, 'cert.pem'), '--tls-key', path.join(other, 'other.pem')]);
    assert.equal(mismatched.status, 1);
    assert.match(mismatched.stderr, /TLS key/);
    const missing = run(['--tls-cert', path.join(dir, 'nope.pem'), '--tls-key', path.join(dir, 'key.pem')]);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /TLS certificate/);
    const alone = run(['--tls-cert', path.join(dir, 'cert.pem')]);
    assert.equal(alone.status, 2);
    assert.match(alone.stderr, /go together/);
    rmSync(data, { recursive: true, force: true });
  } finally {
    rmSync(other, { recursive: true, force: true });
  }
});
