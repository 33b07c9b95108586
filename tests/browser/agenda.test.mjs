// The run of show end to end in real Chromium: the producer console drives the
// agenda and a viewer page in another browser context follows it live, through
// a server restart on the same data folder.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, Stage, waitConnected, waitText, textOf } from './helpers.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

// Records, in the viewer page, the wall-clock time the "now" title first reads `title`.
async function watchTitle(viewer, title) {
  await viewer.evaluate((want) => {
    window.__titleAt = null;
    const node = document.getElementById('now-title');
    const check = () => {
      if (window.__titleAt === null && node.textContent === want) window.__titleAt = Date.now();
    };
    new MutationObserver(check).observe(node, { childList: true, characterData: true, subtree: true });
    check();
  }, title);
}

test('producer drives the agenda and a viewer follows within a second', { timeout: 45000 }, async (t) => {
  const stage = new Stage(browser);
  t.after(() => stage.close());
  const server = await stage.server();
  const viewer = await stage.viewer(server);
  const producer = await stage.producer(server);
  await waitConnected(viewer);
  await waitConnected(producer);
  assert.equal(await textOf(viewer, 'connection-state'), 'Connected');
  assert.match(await textOf(viewer, 'status-badge'), /^STARTS /);

  await producer.getByTestId('btn-start').click();
  await waitText(viewer, 'status-badge', 'LIVE');
  await waitText(viewer, 'now-title', 'Opening remarks');
  await waitText(viewer, 'now-speakers', 'Lise Grande');

  // Latency: from the click on Next in the producer page to the new title in the viewer page.
  await watchTitle(viewer, 'Keynote remarks');
  await producer.evaluate(() => {
    document.getElementById('btn-next').addEventListener('click', () => (window.__clickAt = Date.now()), { capture: true, once: true });
  });
  await producer.getByTestId('btn-next').click();
  await viewer.waitForFunction(() => window.__titleAt !== null, null, { timeout: 5000 });
  const clickAt = await producer.evaluate(() => window.__clickAt);
  const shownAt = await viewer.evaluate(() => window.__titleAt);
  const latency = shownAt - clickAt;
  t.diagnostic(`next click -> viewer title: ${latency} ms`);
  assert.ok(latency >= 0 && latency < 1000, `viewer showed the keynote ${latency} ms after the click`);
  await waitText(viewer, 'now-speakers', 'Kurt M. Campbell');
  assert.equal(await textOf(viewer, 'now-kind'), 'Keynote');
  await waitText(producer, 'last-command', 'next: acknowledged');

  // Keyboard shortcuts on the producer console: N, then ArrowRight.
  await producer.keyboard.press('n');
  await waitText(viewer, 'now-title', 'Panel: NATO and its Indo-Pacific partners');
  await waitText(viewer, 'now-speakers', 'Mirna Galic');
  await producer.keyboard.press('ArrowRight');
  await waitText(viewer, 'now-title', 'Audience Q&A');
  await waitText(producer, 'now-title', 'Audience Q&A');

  // Space pauses and resumes, even with the focus still on the Next button it clicked.
  assert.equal(await producer.evaluate(() => document.activeElement.id), 'btn-next');
  await producer.keyboard.press(' ');
  await waitText(viewer, 'status-badge', 'PAUSED');
  await waitText(producer, 'last-command', 'pause: acknowledged');
  await producer.keyboard.press(' ');
  await waitText(viewer, 'status-badge', 'LIVE');
  await waitText(producer, 'last-command', 'resume: acknowledged');
  assert.equal(await textOf(viewer, 'now-title'), 'Audience Q&A');

  // End asks first; cancelling leaves the event live.
  const dialog = producer.getByTestId('confirm-end-dialog');
  await producer.getByTestId('btn-end').click();
  await dialog.waitFor({ state: 'visible' });
  await producer.getByTestId('cancel-end').click();
  await dialog.waitFor({ state: 'hidden' });
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(await textOf(viewer, 'status-badge'), 'LIVE');
  assert.equal(await textOf(producer, 'status-badge'), 'LIVE');

  await producer.getByTestId('btn-end').click();
  await dialog.waitFor({ state: 'visible' });
  await producer.getByTestId('confirm-end').click();
  await waitText(viewer, 'status-badge', 'ENDED');
  await waitText(viewer, 'now-title', 'The event has ended');
  assert.equal(await producer.getByTestId('btn-next').isDisabled(), true);
  assert.equal(await textOf(viewer, 'connection-state'), 'Connected');
});

test('viewer shows reconnecting while the server is down and resumes after a restart', { timeout: 45000 }, async (t) => {
  const stage = new Stage(browser);
  t.after(() => stage.close());
  const first = await stage.server();
  // Every hello and welcome the viewer exchanges, to check the resume handshake.
  const hellos = [];
  const welcomes = [];
  const viewer = await stage.viewer(first, {
    beforeLoad: (page) =>
      page.on('websocket', (ws) => {
        ws.on('framesent', ({ payload }) => {
          const frame = JSON.parse(payload);
          if (frame.type === 'hello') hellos.push(frame);
        });
        ws.on('framereceived', ({ payload }) => {
          const frame = JSON.parse(payload);
          if (frame.type === 'welcome') welcomes.push(frame);
        });
      }),
  });
  const producer = await stage.producer(first);
  await waitConnected(viewer);
  await waitConnected(producer);
  await producer.getByTestId('btn-start').click();
  await waitText(producer, 'now-title', 'Opening remarks');
  await producer.getByTestId('btn-next').click();
  await waitText(viewer, 'now-title', 'Keynote remarks');
  await waitText(viewer, 'status-badge', 'LIVE');
  assert.equal(welcomes.length, 1);

  await first.stop();
  await viewer.waitForSelector('[data-testid=connection-state][data-state=reconnecting]', { timeout: 5000 });
  assert.match(await textOf(viewer, 'connection-state'), /^Reconnecting/);
  // Stale state stays on screen but is marked as such.
  assert.equal(await viewer.locator('body.not-connected').count(), 1);
  assert.equal(await viewer.getByTestId('now-title').textContent(), 'Keynote remarks');
  assert.equal(await viewer.locator('#stale-note').isVisible(), true);
  await producer.getByTestId('conn-banner').waitFor({ state: 'visible', timeout: 5000 });

  const second = await stage.server({ dataDir: first.dataDir, port: first.port });
  await waitConnected(viewer, 20000);
  assert.equal(await viewer.locator('body.not-connected').count(), 0);
  assert.equal(await viewer.locator('#stale-note').isVisible(), false);
  assert.equal(await textOf(viewer, 'now-title'), 'Keynote remarks');
  assert.equal(await textOf(viewer, 'status-badge'), 'LIVE');
  assert.match(await textOf(viewer, 'now-speakers'), /Kurt M\. Campbell/);

  // The reconnect asked to resume from where the page was, in the same history.
  assert.equal(welcomes.length, 2);
  const resumeHello = hellos[hellos.length - 1];
  assert.equal(resumeHello.resume?.epoch, welcomes[0].epoch);
  assert.ok(resumeHello.resume.seq >= 2, `resume from seq ${resumeHello.resume.seq}`);
  assert.equal(resumeHello.viewer, welcomes[0].viewer);
  assert.equal(welcomes[1].epoch, welcomes[0].epoch, 'a restart on the same data keeps the epoch');
  t.diagnostic(`resume: hello seq ${resumeHello.resume.seq}, welcome seq ${welcomes[1].seq}, recovered ${welcomes[1].recovered}`);

  // And it is live again: the next command reaches it.
  await waitConnected(producer, 20000);
  await producer.getByTestId('btn-next').click();
  await waitText(viewer, 'now-title', 'Panel: NATO and its Indo-Pacific partners');
  assert.ok(second.url);
});
