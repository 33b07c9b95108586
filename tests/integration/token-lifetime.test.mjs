// Staff tokens end: a connection is closed with 4001 when its token expires, token.refresh
// keeps it alive up to the refresh chain's absolute limit, and `companion tokens revoke`
// cuts every token issued before it, closing the staff sockets that hold one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { Client, companionBin, defaultEvent, http, joinClient, serverLives, sleep, startServer, waitFor } from './lib/harness.mjs';

const claimsOf = (token) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());

async function metric(server, name) {
  const { text } = await http(server, '/metrics');
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.split(' ')[1]);
}

test('a staff connection is closed with 4001 when its token expires', async (t) => {
  const server = await startServer(t, { args: ['--token-leeway', '0'] });
  const token = server.token('moderator', { ttl: '2s' });
  const exp = claimsOf(token).exp * 1000;
  const moderator = await joinClient(t, server, { token });
  const viewer = await joinClient(t, server);
  assert.equal(moderator.welcome.role, 'moderator');
  const closed = await Promise.race([moderator.closed, sleep(6000).then(() => null)]);
  assert.ok(closed, 'closed within 6 s');
  const at = Date.now();
  assert.equal(closed.code, 4001);
  assert.equal(closed.reason, 'token expired');
  assert.ok(at >= exp, `not before the token's exp (${at - exp} ms)`);
  assert.ok(at < exp + 4000, `soon after exp, the sweep runs each second (${at - exp} ms late)`);
  assert.equal(viewer.ws.readyState, viewer.ws.OPEN, 'viewers have no token to expire');
  assert.equal(await metric(server, 'companion_token_ends_total{why="expired"}'), 1);
  // The same token is refused at hello now.
  const again = await Client.open(server.wsUrl);
  t.after(() => again.ws.terminate());
  const refused = await again.request({ type: 'hello', token });
  assert.equal(refused.code, 'unauthorized');
  assert.equal((await again.closed).code, 4001);
});

test('token.refresh keeps an active console alive past its first token', async (t) => {
  const server = await startServer(t, { args: ['--token-leeway', '0'] });
  const token = server.token('producer', { ttl: '2s' });
  const first = claimsOf(token);
  const producer = await joinClient(t, server, { token });
  const ack = await producer.request({ type: 'token.refresh' });
  assert.equal(ack.type, 'ack', JSON.stringify(ack));
  const fresh = claimsOf(ack.token);
  assert.equal(fresh.orig_iat, first.iat, 'the chain keeps its start');
  assert.ok(fresh.iat >= first.iat);
  assert.ok(ack.expires_at > Date.now() + 3500 * 1000 - 5000, 'an hour more');
  await sleep(Math.max(0, first.exp * 1000 - Date.now()) + 1500);
  assert.equal(producer.ws.readyState, producer.ws.OPEN, 'still open after the first token expired');
  assert.equal((await producer.request({ type: 'announce', text: 'still in charge' })).type, 'ack');
  // The fresh token opens the next connection.
  const next = await joinClient(t, server, { token: ack.token });
  assert.equal(next.welcome.role, 'producer');
});

test('a refresh chain ends at its absolute limit and the connection with it', async (t) => {
  // A 2 s leeway keeps the connection open past the chain's end, so the refused refresh is
  // seen before the close instead of racing it on a loaded machine.
  const server = await startServer(t, { args: ['--token-leeway', '2', '--token-chain-limit', '4s'] });
  const token = server.token('moderator', { ttl: '2s' });
  const start = claimsOf(token).iat * 1000;
  const end = start + 4000;
  let current = token;
  let lastExpiry = claimsOf(token).exp * 1000;
  let moderator = await joinClient(t, server, { token: current });
  const refusals = [];
  // A console refreshing twice a second, reconnecting once with a fresh token (a page
  // reload): the chain, not the connection, carries the limit.
  for (let round = 0; round < 20 && refusals.length === 0; ++round) {
    const reply = await moderator.request({ type: 'token.refresh' });
    if (reply.type === 'error') {
      refusals.push(reply);
      break;
    }
    const claims = claimsOf(reply.token);
    assert.equal(claims.orig_iat * 1000, start, 'every refresh carries the first issue time');
    assert.ok(claims.exp * 1000 <= end, `never past the chain's end (${claims.exp * 1000 - end} ms over)`);
    current = reply.token;
    lastExpiry = claims.exp * 1000;
    if (round === 1) {
      moderator.ws.terminate();
      moderator = await joinClient(t, server, { token: current });
    }
    await sleep(500);
  }
  assert.equal(refusals.length, 1, 'the chain ran out');
  assert.equal(refusals[0].code, 'unauthorized');
  assert.match(refusals[0].message, /time limit/);
  assert.ok(Date.now() >= end - 1000, 'not before the limit');
  const closed = await Promise.race([moderator.closed, sleep(6000).then(() => null)]);
  assert.ok(closed, 'closed once the last token expired');
  assert.equal(closed.code, 4001);
  // Closed after the leeway: the sweep runs each second; the rest is scheduling on a loaded machine.
  assert.ok(Date.now() >= lastExpiry + 2000, `not closed within the leeway (${Date.now() - lastExpiry} ms)`);
  assert.ok(Date.now() < end + 6000, `closed soon after the chain's end and its leeway (${Date.now() - end} ms)`);
  assert.equal(await metric(server, 'companion_token_ends_total{why="refresh_limit"}'), 1);
});

test('tokens revoke closes staff sockets, refuses old tokens, and new ones work', async (t) => {
  const server = await startServer(t);
  const oldModerator = server.token('moderator');
  const oldProducer = server.token('producer');
  const oldIngest = server.token('ingest');
  const moderator = await joinClient(t, server, { token: oldModerator });
  const producer = await joinClient(t, server, { token: oldProducer });
  const viewer = await joinClient(t, server);

  const started = Date.now();
  const out = execFileSync(companionBin, ['tokens', 'revoke', '--data', server.dataDir]).toString();
  assert.match(out, /tokens issued before \d+/);
  const [m, p] = await Promise.all([moderator.closed, producer.closed]);
  t.diagnostic(`staff sockets closed ${Date.now() - started} ms after the command started`);
  for (const closed of [m, p]) {
    assert.equal(closed.code, 4001);
    assert.equal(closed.reason, 'token revoked');
  }
  assert.ok(Date.now() - started < 4000, 'within a couple of seconds');
  assert.equal(viewer.ws.readyState, viewer.ws.OPEN, 'viewers stay');
  assert.equal(await metric(server, 'companion_token_ends_total{why="revoked"}'), 2);

  for (const old of [oldModerator, oldProducer]) {
    const client = await Client.open(server.wsUrl);
    t.after(() => client.ws.terminate());
    const refused = await client.request({ type: 'hello', token: old });
    assert.equal(refused.code, 'unauthorized');
    assert.match(refused.message, /revoked/);
    assert.equal((await client.closed).code, 4001);
  }
  const post = (token, id) => http(server, `/api/events/${defaultEvent}/posts`, {
    method: 'POST', headers: { authorization: `Bearer ${token}` },
    body: JSON.stringify({ id, author: { handle: 'reader' }, text: 'After the revocation #Road2NATO', created_at: Date.now() }),
  });
  const refusedPost = await post(oldIngest, 'old-token');
  assert.equal(refusedPost.status, 401);
  assert.match(refusedPost.json.error.message, /revoked/);
  const exportRefused = await http(server, `/api/events/${defaultEvent}/questions.csv`, { headers: { authorization: `Bearer ${oldModerator}` } });
  assert.equal(exportRefused.status, 401);

  // Tokens made after the command returned work.
  const fresh = await joinClient(t, server, { token: server.token('moderator') });
  assert.equal(fresh.welcome.role, 'moderator');
  assert.equal((await post(server.token('ingest'), 'new-token')).status, 202);
  await sleep(1500);
  assert.equal(fresh.ws.readyState, fresh.ws.OPEN, 'a new token is not cut by the revocation');
});

test('a revocation holds across a restart and only moves forward', async (t) => {
  const life = serverLives(t);
  const first = await life();
  const old = first.token('producer');
  execFileSync(companionBin, ['tokens', 'revoke', '--data', first.dataDir]);
  await first.stop();
  const second = await life();
  const client = await Client.open(second.wsUrl);
  t.after(() => client.ws.terminate());
  assert.equal((await client.request({ type: 'hello', token: old })).code, 'unauthorized');
  const fresh = await joinClient(t, second, { token: second.token('producer') });
  assert.equal(fresh.welcome.role, 'producer');
});

test('companion tokens refuses unknown actions and an unwritable folder', () => {
  const none = spawnSync(companionBin, ['tokens'], { encoding: 'utf8' });
  assert.equal(none.status, 2);
  assert.match(none.stderr, /the only action is 'revoke'/);
  const missing = spawnSync(companionBin, ['tokens', 'revoke', '--data', '/nonexistent/companion-data'], { encoding: 'utf8' });
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /cannot write/);
  const help = spawnSync(companionBin, ['tokens', '--help'], { encoding: 'utf8' });
  assert.equal(help.status, 0);
  assert.match(help.stdout, /companion tokens revoke/);
});
