// Access control: token rules (HS256 only, exp with its leeway, the event claim, never
// logged, refresh), staff Origin checks, the per-address connection cap and its venue
// default, the cap on connections waiting for hello, and the pages' CSP.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  Client,
  defaultEvent,
  forgeToken,
  http,
  openMany,
  readSecret,
  repoRoot,
  startServer,
  waitFor,
} from './lib/harness.mjs';
import { RawSocket, fdCount, waitForFds } from './hardening-helpers.mjs';

const nowSeconds = () => Math.floor(Date.now() / 1000);

async function helloWith(server, token, options = {}) {
  const client = await Client.open(server.wsUrl, options);
  const answer = await client.request({ type: 'hello', token });
  const closed = answer.type === 'welcome' ? null : await client.closed;
  client.ws.terminate();
  return { answer, closed };
}

test('tokens: HS256 only, exp enforced with a 30 s leeway, event claim enforced, none of it logged', async (t) => {
  const server = await startServer(t, { args: ['--log-format', 'json'] });
  const secret = readSecret(server.dataDir);
  const claims = (extra = {}) => ({ sub: 'alice', role: 'moderator', event: defaultEvent, exp: nowSeconds() + 600, ...extra });
  const tokens = [];
  const sign = (c, options = { secret }) => {
    const token = forgeToken(c, options);
    tokens.push(token);
    return token;
  };

  const good = await helloWith(server, sign(claims()));
  assert.equal(good.answer.role, 'moderator');
  // Inside the leeway: 10 s past exp is still accepted (clock skew); 60 s past is not.
  assert.equal((await helloWith(server, sign(claims({ exp: nowSeconds() - 10 })))).answer.type, 'welcome');
  const expired = await helloWith(server, sign(claims({ exp: nowSeconds() - 60 })));
  assert.equal(expired.answer.code, 'unauthorized');
  assert.equal(expired.closed.code, 4001);
  assert.match(expired.answer.message, /expired/);

  const refused = [
    sign(claims(), { secret, header: { alg: 'HS512', typ: 'JWT' } }),
    sign(claims(), { secret, header: { alg: 'RS256', typ: 'JWT' } }),
    sign(claims(), { header: { alg: 'none', typ: 'JWT' } }),
    sign(claims(), { secret: 'another-secret-of-enough-length' }),
    sign(claims({ event: 'another-event' })),
    sign(claims({ exp: undefined })),
    sign(claims({ role: 'root' })),
  ];
  for (const token of refused) {
    const { answer, closed } = await helloWith(server, token);
    assert.equal(answer.code, 'unauthorized', token);
    assert.equal(closed.code, 4001);
  }
  assert.equal((await helloWith(server, sign(claims({ event: '*' })))).answer.role, 'moderator');
  // Ingest tokens are for the HTTP API only.
  assert.equal((await helloWith(server, sign(claims({ role: 'ingest' })))).closed.code, 4001);

  // token.refresh: same subject, role and event, about an hour of life, and it works.
  const staff = await Client.open(server.wsUrl);
  t.after(() => staff.ws.terminate());
  await staff.hello({ token: sign(claims()) });
  const refreshed = await staff.request({ type: 'token.refresh' });
  assert.equal(refreshed.type, 'ack');
  tokens.push(refreshed.token);
  const lifetime = refreshed.expires_at - Date.now();
  assert.ok(lifetime > 3_500_000 && lifetime <= 3_600_000, `lifetime ${lifetime}`);
  const payload = JSON.parse(Buffer.from(refreshed.token.split('.')[1], 'base64url').toString());
  assert.equal(payload.sub, 'alice');
  assert.equal(payload.role, 'moderator');
  assert.equal(payload.event, defaultEvent);
  assert.equal((await helloWith(server, refreshed.token)).answer.role, 'moderator');
  // A viewer may not refresh.
  const viewer = await Client.open(server.wsUrl);
  t.after(() => viewer.ws.terminate());
  await viewer.hello();
  assert.equal((await viewer.request({ type: 'token.refresh' })).code, 'forbidden');

  // The log names refusals but never carries a token or a signature.
  await waitFor(() => server.errors.includes('hello_refused'), { what: 'refusals in the log' });
  for (const token of tokens) {
    const signature = token.split('.')[2];
    assert.ok(!server.errors.includes(token), 'a token reached the log');
    if (signature) assert.ok(!server.errors.includes(signature), 'a signature reached the log');
  }
});

test('staff connections from a foreign Origin close with 1008; viewers and allowed origins pass', async (t) => {
  const server = await startServer(t, { args: ['--quiet', '--allow-origin', 'https://console.example'] });
  const token = server.token('producer');
  const foreign = await helloWith(server, token, { headers: { Origin: 'https://evil.example' } });
  assert.equal(foreign.answer.code, 'forbidden');
  assert.equal(foreign.closed.code, 1008);
  assert.equal((await helloWith(server, token, { headers: { Origin: 'https://console.example' } })).answer.role, 'producer');
  // Tools without an Origin are no cross-site vector.
  assert.equal((await helloWith(server, token)).answer.role, 'producer');
  const viewer = await Client.open(server.wsUrl, { headers: { Origin: 'https://evil.example' } });
  t.after(() => viewer.ws.terminate());
  assert.equal((await viewer.request({ type: 'hello' })).role, 'viewer');
});

test('the per-address cap closes the extra connection with 4029 and frees slots on close', async (t) => {
  const server = await startServer(t, { args: ['--quiet', '--max-connections-per-ip', '5'] });
  const clients = await openMany(t, server, 5);
  const extra = await Client.open(server.wsUrl, { localAddress: '127.0.0.1' });
  t.after(() => extra.ws.terminate());
  assert.equal((await extra.closed).code, 4029);
  // Another address has its own slots.
  const other = await Client.open(server.wsUrl, { localAddress: '127.0.0.2' });
  t.after(() => other.ws.terminate());
  await other.hello();
  await clients[0].close();
  const again = await waitFor(
    async () => {
      const client = await Client.open(server.wsUrl, { localAddress: '127.0.0.1' });
      const answer = await Promise.race([client.request({ type: 'hello' }).catch(() => null), client.closed]);
      if (answer?.type === 'welcome') return client;
      client.ws.terminate();
      return null;
    },
    { timeout: 5000, what: 'a freed slot' },
  );
  t.after(() => again.ws.terminate());
});

test('with the default limits 1,000 viewers behind one address (a venue NAT) all connect', async (t) => {
  const server = await startServer(t, { args: ['--quiet'] });
  const clients = await openMany(t, server, 1000, { localAddresses: ['127.0.0.1'], batch: 200 });
  assert.equal(clients.length, 1000);
  assert.ok(clients.every((client) => client.welcome?.type === 'welcome'));
  const metrics = await http(server, '/metrics');
  assert.doesNotMatch(metrics.text, /per_ip_refusals\S*\s+[1-9]/);
});

test('connections waiting for hello are capped; a hello frees a place', async (t) => {
  const server = await startServer(t, { args: ['--quiet', '--max-unauthenticated', '10'] });
  const waiting = [];
  t.after(() => waiting.forEach((raw) => raw.destroy()));
  for (let i = 0; i < 10; ++i) waiting.push(await RawSocket.open(server.port));
  await assert.rejects(RawSocket.open(server.port), /upgrade refused: HTTP\/1.1 503/);
  waiting[0].sendJson({ type: 'hello', id: 1 });
  await waiting[0].json((f) => f.type === 'welcome');
  waiting.push(await RawSocket.open(server.port));
  // Viewers that said hello do not count: a joined client still connects normally.
  const status = await http(server, '/healthz');
  assert.equal(status.status, 200);
});

test('a silent connection never saying hello is closed with 1008 after 10 s and its descriptor returns', async (t) => {
  const server = await startServer(t, { args: ['--quiet'] });
  const baseline = fdCount(server.proc.pid);
  const raw = await RawSocket.open(server.port);
  t.after(() => raw.destroy());
  const opened = Date.now();
  const close = await raw.closeFrame({ timeout: 13000 });
  assert.equal(close.code, 1008);
  const waited = Date.now() - opened;
  assert.ok(waited >= 9000 && waited <= 12000, `closed after ${waited} ms`);
  raw.destroy();
  assert.ok((await waitForFds(server.proc.pid, baseline)) <= baseline);
});

test('pages carry a strict CSP and the web client never writes server text as HTML', async (t) => {
  const server = await startServer(t, { args: ['--quiet'] });
  for (const page of ['/', '/moderate', '/produce']) {
    const response = await http(server, page);
    const csp = response.headers.get('content-security-policy');
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(response.headers.get('strict-transport-security'), null, 'no HSTS over plain HTTP');
  }
  const scripts = path.join(repoRoot, 'web-client/js');
  const files = readdirSync(scripts, { recursive: true }).filter((file) => file.endsWith('.js'));
  assert.ok(files.length > 10, 'every module of every page, panels included');
  for (const file of files) {
    const source = readFileSync(path.join(scripts, file), 'utf8');
    assert.doesNotMatch(source, /innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function/, file);
  }
});
