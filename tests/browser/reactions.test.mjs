// Reactions in the browser: a viewer's tap reaches a second viewer's page as a
// floating burst, a storm draws no more than the cap, reduced motion shows still
// counts instead, and /screen shows the stream only when its URL asks for it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client, waitFor } from '../integration/lib/harness.mjs';
import { launchBrowser, Stage, waitConnected } from './helpers.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

// Records, in the page, every floating emoji drawn and the most on screen at once.
async function watchFloats(page) {
  await page.addInitScript(() => {
    window.__floats = { seen: [], most: 0 };
    new MutationObserver(() => {
      const alive = document.querySelectorAll('[data-testid=reaction-float]');
      window.__floats.most = Math.max(window.__floats.most, alive.length);
      for (const node of alive)
        if (!node.dataset.recorded) {
          node.dataset.recorded = '1';
          window.__floats.seen.push(node.textContent);
        }
    }).observe(document, { childList: true, subtree: true });
  });
}

test("a viewer's reaction floats on a second viewer's page", async (t) => {
  const stage = new Stage(browser);
  t.after(() => stage.close());
  const server = await stage.server();
  const tapper = await stage.viewer(server, { name: 'tapper' });
  const watcher = await stage.viewer(server, { name: 'watcher', beforeLoad: watchFloats });
  await waitConnected(tapper);
  await waitConnected(watcher);

  const buttons = tapper.locator('[data-testid=reaction-button]');
  assert.equal(await buttons.count(), 6);
  assert.equal(await buttons.nth(0).getAttribute('aria-label'), 'React with 👏');
  const box = await buttons.nth(0).boundingBox();
  assert.ok(box.width >= 44 && box.height >= 44, 'a thumb-sized target');
  await buttons.nth(0).click();
  await watcher.waitForFunction(() => window.__floats.seen.includes('👏'));
  // The layer takes no taps away from the page under it.
  assert.equal(await watcher.locator('[data-testid=reaction-layer]').evaluate((n) => getComputedStyle(n).pointerEvents), 'none');
  assert.deepEqual(stage.problems, []);
});

test('a storm of reactions draws no more than the cap; reduced motion shows counts', async (t) => {
  const stage = new Stage(browser);
  t.after(() => stage.close());
  const server = await stage.server();
  const watcher = await stage.viewer(server, { name: 'watcher', beforeLoad: watchFloats });
  const still = await stage.viewer(server, { name: 'still', beforeLoad: watchFloats, context: { reducedMotion: 'reduce' } });
  await waitConnected(watcher);
  await waitConnected(still);

  // 40 viewers, five taps each over all six emoji: 200 reactions in one window.
  const emoji = ['👏', '❤️', '😂', '😮', '🤔', '🎉'];
  const clients = await Promise.all(Array.from({ length: 40 }, async () => {
    const client = await Client.open(server.wsUrl);
    t.after(() => client.ws.terminate());
    await client.hello({});
    return client;
  }));
  let sent = 0;
  for (const client of clients) for (let i = 0; i < 5; ++i) client.send({ type: 'react', emoji: emoji[sent++ % emoji.length] });

  // Reduced motion: nothing floats, the buttons show the window's counts for a moment.
  const stillCounts = still.waitForFunction(() =>
    [...document.querySelectorAll('.reaction-count')].some((n) => /^\+\d+$/.test(n.textContent)));
  await watcher.waitForFunction(() => window.__floats.seen.length >= 20);
  await stillCounts;
  const floats = await watcher.evaluate(() => window.__floats);
  assert.ok(floats.most <= 24, `at most 24 emoji on screen at once (saw ${floats.most})`);
  // Every node drawn goes away again.
  await watcher.waitForFunction(() => document.querySelectorAll('[data-testid=reaction-float]').length === 0, null, { timeout: 10000 });
  assert.equal(await still.evaluate(() => window.__floats.seen.length), 0);
  assert.deepEqual(stage.problems, []);
});

test('/screen shows the reaction stream only with ?reactions=1', async (t) => {
  const stage = new Stage(browser);
  t.after(() => stage.close());
  const server = await stage.server();
  const size = { viewport: { width: 1920, height: 1080 } };
  // The plain overlay's socket is watched too: it does get the frames, and draws nothing.
  let plainFrames = 0;
  const watchSocket = async (page) => {
    page.on('websocket', (ws) => ws.on('framereceived', ({ payload }) => {
      if (String(payload).includes('"type":"reactions"')) plainFrames += 1;
    }));
    await watchFloats(page);
  };
  const plain = await stage.open(server, '/screen', { name: 'screen', beforeLoad: watchSocket, ...size });
  const stream = await stage.open(server, '/screen?reactions=1', { name: 'screen-reactions', beforeLoad: watchFloats, ...size });
  await stream.waitForSelector('[data-testid=screen-reactions]', { state: 'attached' });
  const viewer = await Client.open(server.wsUrl);
  t.after(() => viewer.ws.terminate());
  await viewer.hello({});
  for (let i = 0; i < 3; ++i) viewer.send({ type: 'react', emoji: '🎉' });
  await stream.waitForFunction(() => window.__floats.seen.includes('🎉'));
  await waitFor(() => plainFrames > 0, { what: 'the plain overlay to get the reactions frame' });
  const box = await stream.locator('[data-testid=screen-reactions]').boundingBox();
  assert.ok(box.x >= 1920 / 2, 'the stream keeps to the right of the stage');
  assert.equal(await plain.locator('[data-testid=screen-reactions]').count(), 0);
  assert.equal((await plain.evaluate(() => window.__floats.seen.length)), 0);
  assert.deepEqual(stage.problems, []);
});
