// Page-load cost of the viewer page as a phone sees it: a real Chromium loads the page
// once with an empty cache (a new visitor) and again in the same browser profile (a
// returning one), and this program counts the HTTP requests that reached the server
// and the bytes they moved (headers and bodies as sent on the wire). The WebSocket is
// not counted: it is the same on every load.
//
//   node tests/bench/page_load.mjs [--runs N] [--tls] [--path /] [--list] [--smoke] [--latency MS]
//
// --smoke makes one run and fails unless the page came compressed and a returning visit
// cost one revalidated request.
//
// --latency adds MS milliseconds to every request (Chromium's network emulation), as a
// phone on venue Wi-Fi sees it: the time then shows how many round trips a load takes.
//
// --tls serves over https with a self-signed certificate, as a deployment would; browsers
// offer Brotli only on https. Prints a JSON line per run and the medians.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { CompanionServer, repoRoot, waitFor } from '../integration/lib/harness.mjs';
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';

const argv = process.argv.slice(2);
const option = (name, fallback) => {
  const at = argv.indexOf(name);
  return at >= 0 ? argv[at + 1] : fallback;
};
const smoke = argv.includes('--smoke');
const runs = smoke ? 1 : Number(option('--runs', '5'));
const pagePath = option('--path', '/');
const tls = argv.includes('--tls');
const list = argv.includes('--list');  // also print every request that reached the server
const latency = Number(option('--latency', '0'));

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

// Loads `url` in `page` and returns what went over the network for it. A request reached
// the server when Chromium reports its raw response headers (responseReceivedExtraInfo,
// with the status as sent: 304 for a revalidation); cache hits have none.
async function measuredLoad(page, cdp, url) {
  const requests = new Map();  // requestId -> {url, status, bytes, encoding, network}
  const entry = (id) => {
    if (!requests.has(id)) requests.set(id, { url: '', status: 0, bytes: 0, encoding: 'identity', network: false });
    return requests.get(id);
  };
  const handlers = {
    'Network.requestWillBeSent': (event) => {
      if (event.type !== 'WebSocket') entry(event.requestId).url = event.request.url;
    },
    'Network.responseReceivedExtraInfo': (event) => {
      const record = entry(event.requestId);
      record.network = true;
      record.status = event.statusCode;
      const headers = Object.fromEntries(Object.entries(event.headers).map(([k, v]) => [k.toLowerCase(), v]));
      record.encoding = headers['content-encoding'] ?? 'identity';
    },
    'Network.loadingFinished': (event) => {
      entry(event.requestId).bytes = event.encodedDataLength;
    },
  };
  for (const [name, handler] of Object.entries(handlers)) cdp.on(name, handler);
  const started = performance.now();
  await page.goto(url, { waitUntil: 'networkidle' });
  const elapsed = performance.now() - started;
  for (const [name, handler] of Object.entries(handlers)) cdp.off(name, handler);
  // Only what reached the server counts (the WebSocket upgrade aside); a cache hit moves nothing.
  const network = [...requests.values()].filter((record) => record.network && record.url && !record.url.endsWith('/ws'));
  if (list)
    for (const record of network) console.log(`  ${record.status} ${record.encoding} ${record.bytes} ${record.url}`);
  return {
    requests: network.length,
    bytes: network.reduce((sum, record) => sum + record.bytes, 0),
    not_modified: network.filter((record) => record.status === 304).length,
    encodings: [...new Set(network.filter((r) => r.status === 200).map((r) => r.encoding))].join(','),
    ms: Math.round(elapsed),
  };
}

const certDir = tls ? mkdtempSync(path.join(tmpdir(), 'companion-bench-cert-')) : undefined;
const args = [];
if (tls) {
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1',
    '-keyout', path.join(certDir, 'key.pem'), '-out', path.join(certDir, 'cert.pem'),
  ], { stdio: 'ignore' });
  args.push('--tls-cert', path.join(certDir, 'cert.pem'), '--tls-key', path.join(certDir, 'key.pem'));
}
const server = await new CompanionServer({ args }).start();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_BIN ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
const results = [];
try {
  // The server makes its Brotli versions on a background thread after start, assets first
  // and pages last. Measure once every page has one.
  // (A build that does not compress at all, measured for comparison, is not waited for.)
  const codingOf = (route, accept) =>
    new Promise((resolve) => {
      const get = tls ? httpsGet : httpGet;
      get(`${server.url}${route}`, { headers: { 'Accept-Encoding': accept }, rejectUnauthorized: false }, (res) => {
        res.resume();
        resolve(res.headers['content-encoding']);
      }).on('error', () => resolve(undefined));
    });
  if (await codingOf('/', 'br, gzip')) {
    const pages = readdirSync(path.join(repoRoot, 'web-client')).filter((name) => name.endsWith('.html'));
    const ready = async () => (await Promise.all(pages.map((page) => codingOf(`/${page}`, 'br')))).every((c) => c === 'br');
    await waitFor(ready, { timeout: 15000, what: 'Brotli versions' });
  }
  for (let run = 0; run < runs; ++run) {
    const context = await browser.newContext({ ignoreHTTPSErrors: tls, isMobile: true, viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    if (latency > 0)
      await cdp.send('Network.emulateNetworkConditions', { offline: false, latency, downloadThroughput: -1, uploadThroughput: -1 });
    const url = server.url + pagePath;
    const first = await measuredLoad(page, cdp, url);
    // A returning visitor: a new navigation to the page in the same profile.
    await page.goto('about:blank');
    const repeat = await measuredLoad(page, cdp, url);
    const line = { run, first, repeat };
    console.log(JSON.stringify(line));
    results.push(line);
    await context.close();
  }
  const summary = {};
  for (const kind of ['first', 'repeat'])
    summary[kind] = {
      requests: median(results.map((r) => r[kind].requests)),
      bytes: median(results.map((r) => r[kind].bytes)),
      not_modified: median(results.map((r) => r[kind].not_modified)),
      encodings: results[0][kind].encodings,
      ms: median(results.map((r) => r[kind].ms)),
    };
  console.log(`page ${pagePath} over ${tls ? 'https' : 'http'}${latency > 0 ? ` with ${latency} ms latency` : ''}, medians of ${runs} runs:`);
  console.log(JSON.stringify(summary));
  if (smoke) {
    const compressed = summary.first.encodings.split(',').some((coding) => coding === 'br' || coding === 'gzip');
    if (!compressed || summary.repeat.requests !== 1 || summary.repeat.not_modified !== 1) {
      console.error('smoke: expected a compressed first load and one 304 on the repeat visit');
      process.exitCode = 1;
    }
  }
} finally {
  await browser.close();
  await server.stop();
  server.cleanup();
  if (certDir) rmSync(certDir, { recursive: true, force: true });
}
