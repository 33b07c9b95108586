// Defaults that protect: a secret file others can read is refused at start, /metrics can
// be limited to chosen addresses, the pages' CSP names where WebSockets may go, and
// tokens name one event unless '*' is asked for.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import nodeHttp from 'node:http';
import path from 'node:path';
import { companionBin, defaultEvent, http, startServer, tempDataDir } from './lib/harness.mjs';

function refusedStart(args) {
  const run = spawnSync(companionBin, ['serve', '--listen', '127.0.0.1:0', ...args], {
    encoding: 'utf8',
    timeout: 10000,
  });
  return run;
}

test('a secret file readable by others is refused at start with the reason', async (t) => {
  const dataDir = tempDataDir();
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const secretFile = path.join(dataDir, 'shared-secret');
  writeFileSync(secretFile, 'a-secret-of-at-least-sixteen-bytes\n');
  for (const mode of [0o644, 0o640, 0o604]) {
    chmodSync(secretFile, mode);
    const run = refusedStart(['--data', dataDir, '--secret-file', secretFile]);
    assert.equal(run.status, 1, `mode ${mode.toString(8)}: ${run.stderr}`);
    assert.match(run.stderr, /accessible by other users \(mode 0\d+\); make it private with: chmod 600/);
  }
  // The generated secret in the data folder is checked the same way.
  const other = tempDataDir();
  t.after(() => rmSync(other, { recursive: true, force: true }));
  execFileSync(companionBin, ['token', '--role', 'producer', '--data', other]);
  chmodSync(path.join(other, 'secret'), 0o644);
  const run = refusedStart(['--data', other]);
  assert.equal(run.status, 1);
  assert.match(run.stderr, /secret.*accessible by other users/);
  // Private again: the server starts.
  chmodSync(path.join(other, 'secret'), 0o600);
  const server = await startServer(t, { dataDir: other, args: ['--quiet'] });
  assert.equal((await http(server, '/healthz')).status, 200);
});

function getFrom(server, route, localAddress) {
  return new Promise((resolve, reject) => {
    const request = nodeHttp.get({ host: '127.0.0.1', port: server.port, path: route, localAddress }, (response) => {
      let body = '';
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode, body }));
    });
    request.on('error', reject);
  });
}

test('--metrics-allow limits /metrics to the named addresses and counts refusals', async (t) => {
  const server = await startServer(t, { args: ['--quiet', '--metrics-allow', '127.0.0.2/32', '--metrics-allow', '10.0.0.0/8'] });
  const refused = await getFrom(server, '/metrics', '127.0.0.1');
  assert.equal(refused.status, 403);
  assert.equal(JSON.parse(refused.body).error.code, 'forbidden');
  const allowed = await getFrom(server, '/metrics', '127.0.0.2');
  assert.equal(allowed.status, 200);
  assert.match(allowed.body, /^companion_metrics_refusals_total 1$/m);
  // Other routes are not affected.
  assert.equal((await getFrom(server, '/healthz', '127.0.0.1')).status, 200);

  const bad = refusedStart(['--metrics-allow', '10.0.0.0/99']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--metrics-allow wants an address or CIDR block/);
});

test('the CSP connect-src names the server origin and the configured origins, not every ws: host', async (t) => {
  const plain = await startServer(t, { args: ['--quiet'] });
  const csp = (await http(plain, '/')).headers.get('content-security-policy');
  const connect = /connect-src ([^;]*)/.exec(csp)[1].trim().split(/\s+/);
  assert.deepEqual(connect, ["'self'"]);
  const proxied = await startServer(t, { args: ['--quiet', '--allow-origin', 'https://live.example.org'] });
  const proxiedCsp = (await http(proxied, '/moderate')).headers.get('content-security-policy');
  const sources = /connect-src ([^;]*)/.exec(proxiedCsp)[1].trim().split(/\s+/);
  assert.deepEqual(sources, ["'self'", 'https://live.example.org', 'wss://live.example.org']);
  for (const source of sources) assert.ok(!/^(ws|wss|https?):$/.test(source), `no bare scheme: ${source}`);
});

function claims(token) {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
}

test('companion token names the default event unless --event says otherwise', async (t) => {
  const dataDir = tempDataDir();
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const token = (args) => execFileSync(companionBin, ['token', '--data', dataDir, ...args]).toString().trim();
  assert.equal(claims(token(['--role', 'ingest'])).event, defaultEvent);
  assert.equal(claims(token(['--role', 'moderator'])).event, defaultEvent);
  assert.equal(claims(token(['--role', 'producer', '--event', '*'])).event, '*');
  assert.equal(claims(token(['--role', 'producer', '--event', 'other-show'])).event, 'other-show');
  const missing = spawnSync(companionBin, ['token', '--role', 'ingest', '--data', dataDir, '--event-file', '/nonexistent.json'], { encoding: 'utf8' });
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /--event ID/);
});
