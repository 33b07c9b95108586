// Behind nginx: a real nginx (Debian's package) proxies pages and WebSockets to the real
// server, appending each client's address to X-Forwarded-For as docs/deployment.md
// configures it. Clients reach nginx from distinct loopback addresses (127.0.0.x), so
// nginx sees each as its own client. With --trust-proxy naming nginx, the per-address
// cap applies to each real client; without it, to the whole audience at once; and a
// client that is not the proxy cannot choose its address by writing the header itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, http, joinClient, startServer } from './lib/harness.mjs';
import { startNginx } from './lib/nginx.mjs';

const CAP = 2;

// Opens a viewer at `url` from `localAddress`; resolves with 'welcome' or the close code.
async function tryViewer(t, url, { localAddress, headers = {} } = {}) {
  const client = await Client.open(url, { localAddress, headers, perMessageDeflate: false });
  t.after(() => client.ws.terminate());
  const answer = await Promise.race([client.request({ type: 'hello' }).catch(() => null), client.closed]);
  return { client, outcome: answer?.type === 'welcome' ? 'welcome' : answer?.code };
}

function refusals(metricsText) {
  return Number(/companion_address_cap_refusals_total (\d+)/.exec(metricsText)[1]);
}

test('through nginx each viewer counts under its own forwarded address, not the proxy', async (t) => {
  const server = await startServer(t, {
    args: ['--quiet', '--trust-proxy', '127.0.0.1/32', '--max-connections-per-ip', String(CAP)],
  });
  const proxy = await startNginx(t, server);

  // Three clients, two connections each: six through one proxy address, all within the cap.
  for (const address of ['127.0.0.2', '127.0.0.3', '127.0.0.4'])
    for (let i = 0; i < CAP; ++i)
      assert.equal((await tryViewer(t, proxy.wsUrl, { localAddress: address })).outcome, 'welcome', address);
  assert.equal(refusals((await http(server, '/metrics')).text), 0);

  // The cap applies to each real client: a third connection from 127.0.0.2 is refused.
  assert.equal((await tryViewer(t, proxy.wsUrl, { localAddress: '127.0.0.2' })).outcome, 4029);
  // A client that writes its own X-Forwarded-For gets nothing from it: nginx appends the
  // address it saw, and the server takes the rightmost address that is not a proxy.
  const forged = await tryViewer(t, proxy.wsUrl, {
    localAddress: '127.0.0.3',
    headers: { 'X-Forwarded-For': '198.51.100.1, 198.51.100.2' },
  });
  assert.equal(forged.outcome, 4029);
  assert.equal(refusals((await http(server, '/metrics')).text), 2);
  // A new client still gets in.
  assert.equal((await tryViewer(t, proxy.wsUrl, { localAddress: '127.0.0.5' })).outcome, 'welcome');
});

test('without --trust-proxy the whole audience behind nginx shares the proxy address', async (t) => {
  const server = await startServer(t, { args: ['--quiet', '--max-connections-per-ip', String(CAP)] });
  const proxy = await startNginx(t, server);
  const outcomes = [];
  for (const address of ['127.0.0.2', '127.0.0.3', '127.0.0.4'])
    outcomes.push((await tryViewer(t, proxy.wsUrl, { localAddress: address })).outcome);
  assert.deepEqual(outcomes, ['welcome', 'welcome', 4029]);
});

test('X-Forwarded-For from a client that is not a trusted proxy is ignored', async (t) => {
  const server = await startServer(t, {
    args: ['--quiet', '--trust-proxy', '127.0.0.1/32', '--max-connections-per-ip', String(CAP)],
  });
  // Straight to the server from 127.0.0.6, each connection claiming another address.
  const outcomes = [];
  for (let i = 0; i < CAP + 1; ++i) {
    const headers = { 'X-Forwarded-For': `198.51.100.${10 + i}` };
    outcomes.push((await tryViewer(t, server.wsUrl, { localAddress: '127.0.0.6', headers })).outcome);
  }
  assert.deepEqual(outcomes, ['welcome', 'welcome', 4029]);
  // The trusted address itself is believed: 127.0.0.1 naming distinct clients is not capped.
  for (let i = 0; i < CAP + 1; ++i) {
    const headers = { 'X-Forwarded-For': `198.51.100.${20 + i}` };
    assert.equal((await tryViewer(t, server.wsUrl, { localAddress: '127.0.0.1', headers })).outcome, 'welcome');
  }
});

test('pages, the API and a WebSocket join with live changes work through nginx', async (t) => {
  const server = await startServer(t, { args: ['--quiet', '--trust-proxy', '127.0.0.1/32'] });
  const proxy = await startNginx(t, server);

  const page = await fetch(`${proxy.url}/`);
  assert.equal(page.status, 200);
  const html = await page.text();
  assert.match(html, /<title>Companion<\/title>/);
  // The precompressed, long-cached assets pass through unchanged.
  const script = await fetch(proxy.url + /src="(\/assets\/[0-9a-f]+\/js\/viewer\.js)"/.exec(html)[1]);
  assert.equal(script.status, 200);
  assert.equal(script.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  assert.match(script.headers.get('content-encoding') ?? '', /^(br|gzip)$/);
  assert.match(await script.text(), /from '\.\/connection\.js'/);
  const state = await fetch(`${proxy.url}/api/events`);
  assert.equal(state.status, 200);
  assert.ok((await state.json()).length >= 1);

  const viewer = await Client.open(proxy.wsUrl, { localAddress: '127.0.0.7', perMessageDeflate: false });
  t.after(() => viewer.ws.terminate());
  const welcome = await viewer.hello();
  assert.equal(welcome.role, 'viewer');
  const snapshot = await viewer.next((frame) => frame.type === 'snapshot');
  assert.ok(snapshot.state.agenda, 'the snapshot carries the event');

  const producer = await joinClient(t, server, { token: server.token('producer') });
  const texts = ['Doors open', 'Back in five', 'Last call'];
  for (const text of texts) assert.equal((await producer.request({ type: 'announce', text })).type, 'ack');
  for (const text of texts)
    await viewer.next((frame) => frame.type === 'change' && JSON.stringify(frame).includes(text));
  // Commands from the viewer travel back through nginx too.
  assert.equal((await viewer.request({ type: 'ping' })).type, 'pong');
  assert.doesNotMatch(proxy.log(), /\[(error|crit|alert|emerg)\]/);
});
