// Static files as 20,000 phones opening the page in one minute need them: precompressed
// (Brotli and gzip, by Accept-Encoding), assets under a content-hashed folder that may be
// cached for a year, and pages that revalidate with ETag and 304. Bodies are read raw
// (node's http, no automatic decoding) and decoded here, then compared with the files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { repoRoot, startServer, waitFor } from './lib/harness.mjs';

const IMMUTABLE = 'public, max-age=31536000, immutable';
const webRoot = path.join(repoRoot, 'web-client');

// One request; resolves with status, lower-cased headers and the body bytes as sent.
function raw(server, route, { method = 'GET', headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    const req = request(`${server.url}${route}`, { method, headers }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

// Brotli versions are made on a thread of their own after start (gzip is there at once),
// assets first and pages last: once every page answers in Brotli, every file does.
async function startCompressed(t) {
  const server = await startServer(t, { args: ['--quiet'] });
  const first = await raw(server, '/', { headers: { 'Accept-Encoding': 'br, gzip' } });
  assert.match(first.headers['content-encoding'], /^(br|gzip)$/);
  const pages = readdirSync(webRoot).filter((name) => name.endsWith('.html'));
  await waitFor(
    async () => {
      for (const page of pages) {
        const response = await raw(server, `/${page}`, { headers: { 'Accept-Encoding': 'br' } });
        if (response.headers['content-encoding'] !== 'br') return false;
      }
      return true;
    },
    { timeout: 15000, what: 'Brotli versions of the static files' },
  );
  return server;
}

function decode(response) {
  const coding = response.headers['content-encoding'];
  if (coding === 'br') return brotliDecompressSync(response.body);
  if (coding === 'gzip') return gunzipSync(response.body);
  assert.equal(coding, undefined);
  return response.body;
}

// The asset URLs a page loads (stylesheets, module script, icon).
function assetUrls(html) {
  return [...html.matchAll(/(?:href|src)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
}

test('pages load their assets from one content-hashed folder; every coding decodes to the file', async (t) => {
  const server = await startCompressed(t);
  for (const page of ['/', '/produce', '/moderate', '/screen']) {
    const html = (await raw(server, page)).body.toString();
    const urls = assetUrls(html);
    assert.ok(urls.length >= 3, `${page} names its assets under /assets/: ${urls}`);
    assert.doesNotMatch(html, /(href|src)="\/(css|js|icons)\//, `${page} has no unversioned asset path left`);
    const folders = new Set(urls.map((url) => url.split('/').slice(0, 3).join('/')));
    assert.equal(folders.size, 1);
    assert.match([...folders][0], /^\/assets\/[0-9a-f]{16}$/);
    for (const url of urls) {
      const file = readFileSync(path.join(webRoot, url.split('/').slice(3).join('/')));
      const tags = new Set();
      for (const accept of ['br', 'gzip', '']) {
        const response = await raw(server, url, { headers: accept ? { 'Accept-Encoding': accept } : {} });
        assert.equal(response.status, 200, url);
        assert.equal(response.headers['cache-control'], IMMUTABLE, url);
        assert.deepEqual(decode(response), file, `${url} with Accept-Encoding: ${accept}`);
        tags.add(response.headers.etag);
        if (response.headers['content-encoding']) {
          assert.equal(response.headers['content-encoding'], accept);
          assert.ok(response.body.length < file.length, `${url} ${accept} is smaller than the file`);
          assert.equal(response.headers.vary, 'Accept-Encoding');
        }
      }
      // Each coding is its own representation, with its own validator.
      assert.equal(tags.size, new Set(['br', 'gzip', '']).size, url);
    }
  }
});

test('the viewer page comes in Brotli or gzip as accepted, revalidates, and answers 304 to its ETag', async (t) => {
  const server = await startCompressed(t);
  const plain = await raw(server, '/');
  assert.equal(plain.headers['content-encoding'], undefined);
  assert.equal(plain.headers['cache-control'], 'no-cache');
  assert.equal(plain.headers.vary, 'Accept-Encoding');
  const browser = await raw(server, '/', { headers: { 'Accept-Encoding': 'gzip, deflate, br' } });
  assert.equal(browser.headers['content-encoding'], 'br');
  assert.deepEqual(decode(browser), plain.body);
  assert.ok(browser.body.length < plain.body.length / 2, `Brotli page ${browser.body.length} bytes of ${plain.body.length}`);
  // q-values choose; a refused coding is never sent.
  const cases = [
    ['gzip', 'gzip'],
    ['br;q=0, gzip', 'gzip'],
    ['gzip;q=1.0, br;q=0.5', 'gzip'],
    ['*', 'br'],
    ['*;q=0, identity', undefined],
    ['identity', undefined],
    ['deflate', undefined],
    ['x-gzip', 'gzip'],
    ['GZIP;Q=0.8', 'gzip'],
    ['br;q=bogus, gzip;q=0.1', 'gzip'],
  ];
  for (const [accept, expected] of cases) {
    const response = await raw(server, '/', { headers: { 'Accept-Encoding': accept } });
    assert.equal(response.headers['content-encoding'], expected, accept);
    assert.deepEqual(decode(response), plain.body, accept);
  }

  // Revalidation: the ETag of what was received gives a bodyless 304 with the same headers.
  const etag = browser.headers.etag;
  const again = await raw(server, '/', { headers: { 'Accept-Encoding': 'gzip, deflate, br', 'If-None-Match': etag } });
  assert.equal(again.status, 304);
  assert.equal(again.body.length, 0);
  assert.equal(again.headers.etag, etag);
  assert.equal(again.headers['cache-control'], 'no-cache');
  assert.match(again.headers['content-security-policy'], /script-src 'self'/);
  // Weak comparison, lists and '*' as RFC 9110 has them.
  for (const header of [`W/${etag}`, `"nope", ${etag}`, '*']) {
    const response = await raw(server, '/', { headers: { 'Accept-Encoding': 'br', 'If-None-Match': header } });
    assert.equal(response.status, 304, header);
  }
  // A validator of another representation does not match this one.
  const gzipNow = await raw(server, '/', { headers: { 'Accept-Encoding': 'gzip', 'If-None-Match': etag } });
  assert.equal(gzipNow.status, 200);
  assert.equal(gzipNow.headers['content-encoding'], 'gzip');

  // HEAD: the headers of the chosen representation, no body.
  const head = await raw(server, '/', { method: 'HEAD', headers: { 'Accept-Encoding': 'br' } });
  assert.equal(head.status, 200);
  assert.equal(Number(head.headers['content-length']), browser.body.length);
  assert.equal(head.body.length, 0);
});

test('assets: old names revalidate, another release\'s folder is not cached, modules import inside the folder', async (t) => {
  const server = await startCompressed(t);
  const html = (await raw(server, '/')).body.toString();
  const script = assetUrls(html).find((url) => url.endsWith('/js/viewer.js'));
  const folder = script.slice(0, -'/js/viewer.js'.length);

  // Unversioned names still work (bookmarks, tools) but are revalidated, not kept.
  const unversioned = await raw(server, '/js/viewer.js', { headers: { 'Accept-Encoding': 'gzip' } });
  assert.equal(unversioned.status, 200);
  assert.equal(unversioned.headers['cache-control'], 'no-cache');
  assert.equal(
    (await raw(server, '/js/viewer.js', { headers: { 'If-None-Match': (await raw(server, '/js/viewer.js')).headers.etag } })).status,
    304,
  );
  // A page from before a restart names another release's folder: it gets today's file,
  // never cached under that name.
  const stale = await raw(server, '/assets/0123456789abcdef/js/viewer.js');
  assert.equal(stale.status, 200);
  assert.equal(stale.headers['cache-control'], 'no-cache');
  for (const bad of ['/assets/xyz/js/viewer.js', '/assets/0123456789ABCDEF/js/viewer.js', `${folder}/index.html`,
    `${folder}/js/missing.js`, '/assets/', `${folder}`])
    assert.equal((await raw(server, bad)).status, 404, bad);

  // Every relative import of every module (in js/ and its panel folders), and the icons
  // the wall shows, resolve inside the versioned folder.
  const base = 'http://host';
  const fetched = new Map();  // url -> the module's relative imports, as urls
  async function reach(entry) {
    const pending = [entry];
    const reached = new Set();
    while (pending.length) {
      const url = pending.pop();
      if (reached.has(url)) continue;
      reached.add(url);
      if (!fetched.has(url)) {
        assert.ok(url.startsWith(`${folder}/js/`), `${url} is outside ${folder}/js/`);
        const response = await raw(server, url);
        assert.equal(response.status, 200, url);
        assert.equal(response.headers['cache-control'], IMMUTABLE, url);
        fetched.set(url, [...response.body.toString().matchAll(/\bfrom\s+'(\.\.?\/[^']+)'/g)].map(([, specifier]) => new URL(specifier, `${base}${url}`).pathname));
      }
      pending.push(...fetched.get(url));
    }
    return reached;
  }
  const seen = new Set();
  for (const name of ['viewer.js', 'moderate.js', 'produce.js', 'screen.js', 'timer.js'])
    for (const url of await reach(`${folder}/js/${name}`)) seen.add(url);
  // The viewer page, opened by phones on venue Wi-Fi, names every module its script
  // imports so they load at once, not one import level at a time.
  const viewer = await reach(`${folder}/js/viewer.js`);
  const preloaded = [...html.matchAll(/<link rel="modulepreload" href="([^"]+)">/g)].map((m) => m[1]);
  assert.deepEqual(new Set(preloaded), new Set([...viewer].filter((url) => url !== `${folder}/js/viewer.js`)));
  assert.ok(seen.size >= 9, `modules reached: ${[...seen]}`);
  // Every module in the web client is reached from a page: none is left behind unused.
  const on_disk = readdirSync(path.join(webRoot, 'js'), { recursive: true })
    .filter((name) => name.endsWith('.js'))
    .map((name) => `${folder}/js/${name.split(path.sep).join('/')}`);
  for (const url of on_disk) assert.ok(seen.has(url), `${url} is not imported by any page`);
  for (const icon of ['bluesky', 'mastodon', 'webhook', 'replay']) {
    const response = await raw(server, `${folder}/icons/${icon}.svg`, { headers: { 'Accept-Encoding': 'br' } });
    assert.equal(response.status, 200);
    assert.equal(response.headers['cache-control'], IMMUTABLE);
  }
});
