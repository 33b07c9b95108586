// The viewer page on the organiser's own site: with --embed-origin, a page of that
// origin frames it (the compact ?embed=1 layout, connected and live), a page of any
// other origin is refused by the browser, and without the flag no one may frame it.
// The host pages are served from other loopback addresses, so they are really other
// origins than the server's.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { companionBin, http, tempDataDir, waitFor } from '../integration/lib/harness.mjs';
import { launchBrowser, Stage, waitText } from './helpers.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

// A host site on `address` whose one page frames `src`; stopped when the test ends.
async function hostSite(t, address) {
  let src = 'about:blank';
  const site = createServer((request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(`<!doctype html><html lang="en"><title>Host</title><h1>Our event</h1>
<iframe id="companion" title="Live companion" src="${src}" width="390" height="700"></iframe>`);
  });
  await new Promise((resolve) => site.listen(0, address, resolve));
  t.after(() => new Promise((resolve) => site.close(resolve)));
  return {
    origin: `http://${address}:${site.address().port}`,
    frame(url) {
      src = url;
    },
  };
}

// The frame the host page holds, once it has navigated or failed.
async function companionFrame(page) {
  const handle = await page.waitForSelector('#companion');
  return handle.contentFrame();
}

test('an allowed origin frames the compact viewer page; any other origin is refused', { timeout: 40000 }, async (t) => {
  const stage = new Stage(browser);
  t.after(() => stage.close());
  const allowed = await hostSite(t, '127.0.0.2');
  const other = await hostSite(t, '127.0.0.3');
  const server = await stage.server({ args: ['--embed-origin', allowed.origin, '--embed-origin', 'https://www.example.org'] });

  // The headers: the viewer page names the sites and drops X-Frame-Options; the consoles
  // and the overlay stay unframeable.
  const viewerPage = await http(server, '/?embed=1');
  assert.match(viewerPage.headers.get('content-security-policy'), new RegExp(`frame-ancestors ${allowed.origin} https://www.example.org;`));
  assert.equal(viewerPage.headers.get('x-frame-options'), null);
  for (const page of ['/produce', '/moderate', '/screen', '/timer', '/healthz']) {
    const response = await http(server, page);
    assert.match(response.headers.get('content-security-policy'), /frame-ancestors 'none'/, page);
    assert.equal(response.headers.get('x-frame-options'), 'DENY', page);
  }

  for (const site of [allowed, other]) site.frame(`${server.url}/?embed=1`);
  const host = await stage.open({ url: allowed.origin }, '/', { name: 'allowed host', viewport: { width: 800, height: 800 } });
  const frame = await companionFrame(host);
  await frame.waitForSelector('[data-testid=connection-state][data-state=connected]', { timeout: 10000 });
  assert.equal(await frame.evaluate(() => document.documentElement.classList.contains('embedded')), true);
  // Compact: the bars scroll with the page and the hashtags are left to the host.
  assert.equal(await frame.evaluate(() => getComputedStyle(document.querySelector('.topbar')).position), 'static');
  assert.equal(await frame.locator('#hashtags').isVisible(), false);
  // Live in the frame: the producer starts the show.
  const producer = await stage.producer(server);
  await producer.getByTestId('btn-start').click();
  await waitText(frame, 'status-badge', 'LIVE');
  assert.deepEqual(stage.problems, []);

  const refusing = await stage.open({ url: other.origin }, '/', { name: 'other host', viewport: { width: 800, height: 800 } });
  const refused = await companionFrame(refusing);
  // Chromium says why on the host page's console: the frame-ancestors directive.
  await waitFor(() => stage.problems.some((p) => p.page === 'other host' && /frame-ancestors/.test(p.text)), { timeout: 10000, what: 'the refusal' });
  assert.equal(await refused.locator('[data-testid=connection-state]').count(), 0, 'nothing of the viewer page in the refused frame');
});

test('without --embed-origin the viewer page is unframeable; a bad origin is refused at start', { timeout: 30000 }, async (t) => {
  const stage = new Stage(browser);
  t.after(() => stage.close());
  const site = await hostSite(t, '127.0.0.2');
  const server = await stage.server();
  const response = await http(server, '/');
  assert.match(response.headers.get('content-security-policy'), /frame-ancestors 'none'/);
  assert.equal(response.headers.get('x-frame-options'), 'DENY');

  site.frame(`${server.url}/?embed=1`);
  const host = await stage.open({ url: site.origin }, '/', { name: 'host' });
  const frame = await companionFrame(host);
  await waitFor(() => stage.problems.some((p) => /frame-ancestors|X-Frame-Options/.test(p.text)), { timeout: 10000, what: 'the refusal' });
  assert.equal(await frame.locator('[data-testid=connection-state]').count(), 0);

  const dataDir = tempDataDir();
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  for (const bad of ['*', 'example.org', 'https://example.org/path', "https://a.org 'unsafe-inline'", 'https://a.org;script-src *']) {
    const start = spawnSync(companionBin, ['serve', '--listen', '127.0.0.1:0', '--data', dataDir, '--embed-origin', bad], { encoding: 'utf8', timeout: 10000 });
    assert.equal(start.status, 2, bad);
    assert.match(start.stderr, /--embed-origin wants an origin such as https:\/\/example\.org/, bad);
  }
});
