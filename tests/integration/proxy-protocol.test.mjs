// PROXY protocol v2: a load balancer in front of the server (HAProxy, a cloud balancer)
// opens each TCP connection with a binary header naming the client, before HTTP or TLS.
// The test plays the balancer: it writes the header itself on a loopback connection and
// then speaks HTTP, WebSocket or TLS on it. Only a trusted peer's header is believed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { Client, http, startServer } from './lib/harness.mjs';

const SIGNATURE = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);

// A v2 header: PROXY (or LOCAL) over TCP from `source` to 127.0.0.1:443, with `tlvs`.
function proxyHeader({ source = '203.0.113.7', local = false, version = 2, tlvs = Buffer.alloc(0) } = {}) {
  const v6 = net.isIPv6(source);
  const addressBytes = (text) =>
    Buffer.from(v6 ? expand(text).flatMap((group) => [group >> 8, group & 0xff]) : text.split('.').map(Number));
  const destination = v6 ? '::1' : '127.0.0.1';
  const ports = Buffer.from([0xc7, 0x38, 0x01, 0xbb]);
  const block = local ? Buffer.alloc(0)
    : Buffer.concat([addressBytes(source), addressBytes(destination), ports, tlvs]);
  const fixed = Buffer.from([(version << 4) | (local ? 0 : 1), local ? 0x00 : v6 ? 0x21 : 0x11, block.length >> 8, block.length & 0xff]);
  return Buffer.concat([SIGNATURE, fixed, block]);
}

// "2001:db8::1" or "::ffff:192.0.2.1" as eight 16-bit groups.
function expand(text) {
  const [head, tail = ''] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = (tail ? tail.split(':') : []).flatMap((group) => {
    if (!group.includes('.')) return [group];
    const [a, b, c, d] = group.split('.').map(Number);
    return [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
  });
  const groups = [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  return groups.map((group) => parseInt(group, 16));
}

// A TCP connection from `localAddress` that starts with `header` (written in `pieces`).
async function connectWith(port, header, { localAddress = '127.0.0.1', pieces = 1 } = {}) {
  const socket = net.connect({ port, host: '127.0.0.1', localAddress });
  await new Promise((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const step = Math.ceil(header.length / pieces);
  for (let at = 0; at < header.length; at += step) {
    socket.write(header.subarray(at, at + step));
    // A balancer's header may arrive split over segments: let each one go out on its own.
    if (pieces > 1) await new Promise((resolve) => setTimeout(resolve, 15));
  }
  return socket;
}

// Sends one HTTP/1.1 request on `socket` and resolves with the status (0: closed unanswered).
function requestOn(socket, route = '/healthz') {
  return new Promise((resolve) => {
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => (data += chunk));
    socket.on('error', () => {});
    socket.on('close', () => resolve(Number(/^HTTP\/1\.1 (\d+)/.exec(data)?.[1] ?? 0)));
    socket.write(`GET ${route} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
  });
}

// A viewer whose connection the "balancer" opened for `source`; 'welcome' or the close code.
async function viewerVia(t, server, source, { localAddress = '127.0.0.1' } = {}) {
  const header = proxyHeader({ source });
  const client = await Client.open(server.wsUrl, {
    perMessageDeflate: false,
    createConnection: () => {
      const socket = net.connect({ port: server.port, host: '127.0.0.1', localAddress });
      socket.write(header);
      return socket;
    },
  });
  t.after(() => client.ws.terminate());
  const answer = await Promise.race([client.request({ type: 'hello' }).catch(() => null), client.closed]);
  return answer?.type === 'welcome' ? 'welcome' : answer?.code;
}

function metric(text, name) {
  return Number(new RegExp(`${name} (\\d+)`).exec(text)[1]);
}

test('a trusted balancer\'s PROXY header names the client every per-address cap counts', async (t) => {
  const server = await startServer(t, {
    args: ['--quiet', '--trust-proxy', '127.0.0.1/32', '--max-connections-per-ip', '2'],
  });
  assert.equal(await viewerVia(t, server, '203.0.113.7'), 'welcome');
  assert.equal(await viewerVia(t, server, '203.0.113.7'), 'welcome');
  assert.equal(await viewerVia(t, server, '203.0.113.7'), 4029);
  // Other clients of the same balancer have their own slots, IPv6 ones too.
  assert.equal(await viewerVia(t, server, '203.0.113.8'), 'welcome');
  assert.equal(await viewerVia(t, server, '2001:db8::1'), 'welcome');
  assert.equal(await viewerVia(t, server, '2001:db8::1'), 'welcome');
  assert.equal(await viewerVia(t, server, '2001:db8::1'), 4029);
  // An IPv4-mapped source is the same IPv4 client.
  assert.equal(await viewerVia(t, server, '::ffff:203.0.113.8'), 'welcome');
  assert.equal(await viewerVia(t, server, '203.0.113.8'), 4029);
  assert.equal(metric((await http(server, '/metrics')).text, 'companion_address_cap_refusals_total'), 3);
});

test('HTTP after a PROXY header: split over segments, with TLVs, and LOCAL health checks', async (t) => {
  const server = await startServer(t, { args: ['--quiet', '--trust-proxy', '127.0.0.1/32'] });
  const tlvs = Buffer.concat([Buffer.from([0x02, 0x00, 0x07]), Buffer.from('example'), Buffer.from([0x04, 0x00, 0x00])]);
  assert.equal(await requestOn(await connectWith(server.port, proxyHeader({ tlvs }))), 200);
  assert.equal(await requestOn(await connectWith(server.port, proxyHeader(), { pieces: 5 })), 200);
  assert.equal(await requestOn(await connectWith(server.port, proxyHeader({ local: true }))), 200);
  // A trusted peer may also speak plain HTTP with no header at all (nginx in XFF mode).
  assert.equal(await requestOn(await connectWith(server.port, Buffer.alloc(0))), 200);
});

test('a PROXY header from an untrusted peer is bad input and changes nothing', async (t) => {
  const server = await startServer(t, {
    args: ['--quiet', '--trust-proxy', '127.0.0.1/32', '--max-connections-per-ip', '1'],
  });
  const status = await requestOn(await connectWith(server.port, proxyHeader(), { localAddress: '127.0.0.2' }));
  assert.notEqual(status, 200);
  // A WebSocket opened that way fails its handshake: no viewer is counted for the claim.
  assert.equal(await viewerVia(t, server, '203.0.113.20', { localAddress: '127.0.0.2' }).catch(() => 'refused'),
    'refused');
  // The PROXY parser never saw those bytes: for it they were a bad HTTP request.
  assert.equal(metric((await http(server, '/metrics')).text, 'companion_proxy_header_refusals_total'), 0);
  // The peer's own address is what counts, and its one slot is free.
  const first = await Client.open(server.wsUrl, { localAddress: '127.0.0.2', perMessageDeflate: false });
  t.after(() => first.ws.terminate());
  assert.equal((await first.request({ type: 'hello' })).type, 'welcome');
  const second = await Client.open(server.wsUrl, { localAddress: '127.0.0.2', perMessageDeflate: false });
  t.after(() => second.ws.terminate());
  assert.equal((await second.closed).code, 4029);
});

test('a malformed PROXY header from a trusted peer closes that connection only', async (t) => {
  const server = await startServer(t, { args: ['--quiet', '--trust-proxy', '127.0.0.1/32'] });
  const bad = [
    proxyHeader({ version: 1 }),
    Buffer.concat([proxyHeader().subarray(0, 13), Buffer.from([0x51]), proxyHeader().subarray(14)]),  // unknown family
    Buffer.concat([SIGNATURE, Buffer.from([0x21, 0x11, 0xff, 0xff])]),  // 64 KiB of TLVs announced
  ];
  for (const header of bad) assert.equal(await requestOn(await connectWith(server.port, header)), 0);
  // A header that never completes is cut off at the header deadline; meanwhile others are served.
  const stalled = await connectWith(server.port, proxyHeader().subarray(0, 20));
  t.after(() => stalled.destroy());
  assert.equal(await requestOn(await connectWith(server.port, proxyHeader())), 200);
  const metrics = (await http(server, '/metrics')).text;
  assert.equal(metric(metrics, 'companion_proxy_header_refusals_total'), bad.length);
});

test('over TLS the PROXY header comes first, and a trusted peer may omit it', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'companion-proxy-tls-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1',
    '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'),
  ], { stdio: 'ignore' });
  const ca = readFileSync(path.join(dir, 'cert.pem'));
  const server = await startServer(t, {
    args: ['--quiet', '--trust-proxy', '127.0.0.1/32', '--max-connections-per-ip', '1',
      '--tls-cert', path.join(dir, 'cert.pem'), '--tls-key', path.join(dir, 'key.pem')],
  });
  const secured = async (header) => {
    const socket = await connectWith(server.port, header);
    const secure = tls.connect({ socket, ca, host: '127.0.0.1' });
    await new Promise((resolve, reject) => {
      secure.once('secureConnect', resolve);
      secure.once('error', reject);
    });
    return secure;
  };
  assert.equal(await requestOn(await secured(proxyHeader({ source: '203.0.113.30' }))), 200);
  assert.equal(await requestOn(await secured(Buffer.alloc(0))), 200);
  // Two wss viewers for two named clients, within a cap of one per address.
  for (const source of ['203.0.113.31', '203.0.113.32']) {
    const header = proxyHeader({ source });
    const client = await Client.open(server.wsUrl, {
      ca,
      perMessageDeflate: false,
      createConnection: () => {
        const socket = net.connect({ port: server.port, host: '127.0.0.1' });
        socket.write(header);
        return tls.connect({ socket, ca, host: '127.0.0.1' });
      },
    });
    t.after(() => client.ws.terminate());
    assert.equal((await client.request({ type: 'hello' })).type, 'welcome');
  }
});
