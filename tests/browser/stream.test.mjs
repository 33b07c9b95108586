// The viewer page in step with a real video: a local HLS stream (made by ffmpeg at
// test time) plays in the page, which measures its latency from the stream's
// program date-time and shows each change that much after the server made it;
// the "live" toggle shows changes at once and is remembered; the viewer's own
// question shows at once for them; the agenda as it ran seeks the video.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { launchBrowser, Stage, waitConnected, waitText } from './helpers.mjs';
import { eventFile, joinClient } from '../integration/lib/harness.mjs';
import { startHlsStream } from './hls_stream.mjs';

const DELAY_MS = 3000;

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

// The bundled event with an HLS stream and questions that need no moderation.
function streamEvent(t, stream) {
  const dir = mkdtempSync(path.join(tmpdir(), 'companion-stream-event-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const event = JSON.parse(readFileSync(eventFile('events/nato-indo-pacific-2024.json'), 'utf8'));
  event.stream = stream;
  event.qa = { premoderate: false };
  const file = path.join(dir, 'event.json');
  writeFileSync(file, JSON.stringify(event));
  return file;
}

// Records, in the page, the wall-clock time the "now" title first reads `title`.
async function watchTitle(page, title) {
  await page.evaluate((want) => {
    window.__titleAt = null;
    const node = document.getElementById('now-title');
    const check = () => {
      if (window.__titleAt === null && node.textContent === want) window.__titleAt = Date.now();
    };
    new MutationObserver(check).observe(node, { childList: true, characterData: true, subtree: true });
    check();
  }, title);
}

test('with a local HLS stream the viewer shows agenda changes after the stream latency, live at once, its own question at once, chapters that seek', { timeout: 90000 }, async (t) => {
  const stream = await startHlsStream({ behind_ms: DELAY_MS });
  t.after(() => stream.stop());
  const stage = new Stage(browser);
  t.after(() => stage.close());
  const server = await stage.server({ args: ['--event', streamEvent(t, { kind: 'hls', url: stream.url, delay_ms: DELAY_MS })] });
  // The page's policy opens media to the stream's origin, and no further.
  const csp = (await fetch(server.url + '/')).headers.get('content-security-policy');
  assert.match(csp, new RegExp(`media-src 'self' blob: ${stream.origin}`));
  assert.match(csp, new RegExp(`connect-src [^;]*${stream.origin}`));
  assert.doesNotMatch(csp, /frame-src/);

  const viewer = await stage.viewer(server);
  await waitConnected(viewer);
  // The video really plays (decoded by this Chromium), and its program date-time gives L.
  await viewer.waitForFunction(() => {
    const video = document.querySelector('[data-testid=player-video]');
    return video && !video.paused && video.currentTime > 0.5;
  }, null, { timeout: 30000 });
  await viewer.waitForFunction(() => document.getElementById('player').dataset.latencySource === 'player', null, { timeout: 5000 });
  const latency = Number(await viewer.evaluate(() => document.getElementById('player').dataset.latency));
  t.diagnostic(`measured stream latency ${latency} ms (the stream is ${DELAY_MS} ms behind, plus start-up)`);
  assert.ok(latency >= DELAY_MS - 200 && latency < DELAY_MS + 3000, `latency ${latency}`);
  assert.equal(await viewer.getByTestId('sync-toggle').getAttribute('aria-pressed'), 'false');

  // In step: the producer starts the show; the page shows it about L later, not before.
  const producer = await joinClient(t, server, { token: server.token('producer') });
  await watchTitle(viewer, 'Opening remarks');
  const started = await producer.request({ type: 'agenda.start' });
  assert.equal(started.type, 'ack');
  const change = await producer.next((f) => f.type === 'change' && f.seq === started.seq);
  await viewer.waitForFunction(() => window.__titleAt !== null, null, { timeout: latency + 5000 });
  const shownAfter = (await viewer.evaluate(() => window.__titleAt)) - change.at;
  t.diagnostic(`agenda.start shown ${shownAfter} ms after the server applied it`);
  assert.ok(shownAfter >= DELAY_MS - 250, `shown ${shownAfter} ms after, before the stream could show it`);
  assert.ok(shownAfter < latency + 2000, `shown ${shownAfter} ms after, well behind the stream`);

  // The viewer's own question is never held from them.
  await viewer.getByTestId('tab-qa').click();
  await viewer.getByTestId('ask-text').fill('Will the alliance meet in the Pacific?');
  const askedAt = Date.now();
  await viewer.getByTestId('ask-submit').click();
  await waitText(viewer, 'question-list', 'Will the alliance meet in the Pacific?', 1500);
  t.diagnostic(`own question shown ${Date.now() - askedAt} ms after sending`);

  // Live: everything at once, and remembered across a reload.
  await viewer.getByTestId('sync-toggle').click();
  assert.equal(await viewer.getByTestId('sync-toggle').getAttribute('aria-pressed'), 'true');
  await watchTitle(viewer, 'Keynote remarks');
  const next = await producer.request({ type: 'agenda.next' });
  const nextChange = await producer.next((f) => f.type === 'change' && f.seq === next.seq);
  await viewer.waitForFunction(() => window.__titleAt !== null, null, { timeout: 3000 });
  const liveAfter = (await viewer.evaluate(() => window.__titleAt)) - nextChange.at;
  t.diagnostic(`live: agenda.next shown ${liveAfter} ms after`);
  assert.ok(liveAfter < 1000, `live shows at once, not ${liveAfter} ms later`);
  // Chapters: the agenda as it ran seeks the video, each segment to where it began.
  const chapters = viewer.getByTestId('chapter');
  await viewer.waitForFunction(() => document.querySelectorAll('[data-testid=chapter]').length === 2, null, { timeout: 3000 });
  const currentTime = () => viewer.evaluate(() => document.querySelector('[data-testid=player-video]').currentTime);
  const seekTo = async (i) => {
    await chapters.nth(i).click();
    await viewer.waitForFunction(() => {
      const v = document.querySelector('[data-testid=player-video]');
      return !v.seeking && v.readyState >= 2;
    }, null, { timeout: 5000 });
    return currentTime();
  };
  const keynote = await seekTo(1);
  const opening = await seekTo(0);
  const apart = (nextChange.at - change.at) / 1000;
  t.diagnostic(`chapters at ${opening.toFixed(2)} s and ${keynote.toFixed(2)} s of the video, ${apart.toFixed(2)} s apart on the server`);
  assert.ok(Math.abs(keynote - opening - apart) < 1, `the chapters are ${keynote - opening} s apart in the video, ${apart} s on the server`);

  await viewer.reload();
  await waitConnected(viewer);
  await waitText(viewer, 'now-title', 'Keynote remarks');
  assert.equal(await viewer.getByTestId('sync-toggle').getAttribute('aria-pressed'), 'true');
  assert.deepEqual(stage.problems, []);
});

test('an event whose stream has no playable URL links to its recording, and the page stays live', { timeout: 30000 }, async (t) => {
  const stage = new Stage(browser);
  t.after(() => stage.close());
  const server = await stage.server();
  const viewer = await stage.viewer(server);
  await waitConnected(viewer);
  const link = viewer.getByTestId('player-link');
  await link.waitFor({ state: 'visible' });
  assert.equal(await link.getAttribute('href'), 'https://www.usip.org/events/road-washingtons-nato-summit');
  assert.equal(await viewer.getByTestId('sync-toggle').isVisible(), false);
  assert.equal(await viewer.locator('video, iframe').count(), 0);
  assert.deepEqual(stage.problems, []);
});
