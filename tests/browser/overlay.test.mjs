// The on-air overlay never clips: a 280-character question with a long name
// shrinks to fit the safe area at 1080p and at 720p, never below the stated
// minimum; the producer previews exactly that card before taking it, sees who
// put what on air, and finds the next item lined up; a moderator's On screen on
// a pending item asks first. SCREENSHOT_DIR=dir also saves the 1080p overlay.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Client, eventFile } from '../integration/lib/harness.mjs';
import { launchBrowser, Stage, waitConnected, waitText, defaultEvent } from './helpers.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

const NAME = 'Dr. Maximiliane von Hohenberg-Lichtenst'; // 39 characters, the cut name
// Exactly 280 characters, the longest question the server takes.
const LONG = (
  'Given that the Washington summit will be the first at which the Indo-Pacific partners sit at the table ' +
  'for the whole defence session, what commitments on cyber defence, maritime awareness and supply chains ' +
  'should Japan, Korea, Australia and New Zealand expect to sign before the end of this year, and who pays?'
).slice(0, 279) + '?';
const SHORT = 'What comes after the summit for the partners?';

// A staff client on the server's WebSocket, for setting the stage.
async function staff(server, role, t) {
  const client = await Client.open(server.wsUrl);
  t.after(() => client.ws.terminate());
  await client.hello({ token: server.token(role) });
  return client;
}

async function approvedQuestion(server, moderator, text, name) {
  const asker = await Client.open(server.wsUrl);
  await asker.hello({});
  const asked = await asker.request({ type: 'question.ask', text, name });
  asker.ws.terminate();
  assert.equal(asked.type, 'ack', JSON.stringify(asked));
  const approved = await moderator.request({ type: 'question.approve', question: asked.question });
  assert.equal(approved.type, 'ack');
  return asked.question;
}

// Where the card sits on the page and whether any of its text is cut.
function cardLayout(page) {
  return page.evaluate(() => {
    const card = document.getElementById('card');
    const text = document.getElementById('card-text');
    const author = document.getElementById('card-author');
    const rect = card.getBoundingClientRect();
    const authorRect = author.getBoundingClientRect();
    return {
      rect: { left: rect.left, right: rect.right, top: rect.top, bottom: rect.bottom },
      viewport: { width: window.innerWidth, height: window.innerHeight },
      textPx: parseFloat(getComputedStyle(text).fontSize),
      scale: rect.width / card.offsetWidth,
      textCut: text.scrollHeight > text.clientHeight + 1 || getComputedStyle(text).webkitLineClamp !== 'none',
      authorInside: authorRect.right <= rect.right + 0.5 && authorRect.left >= rect.left - 0.5,
      authorText: author.textContent,
      text: text.textContent,
      fit: card.dataset.fit,
    };
  });
}

test('a 280-character question with a long name fits the overlay at 1080p and 720p, previewed first', { timeout: 60000 }, async (t) => {
  assert.equal(LONG.length, 280);
  const stage = new Stage(browser);
  t.after(() => stage.close());
  const server = await stage.server();
  const moderator = await staff(server, 'moderator', t);
  const long = await approvedQuestion(server, moderator, LONG, NAME);
  await approvedQuestion(server, moderator, SHORT, 'Sam');
  const producer = await stage.producer(server, { viewport: { width: 1440, height: 1000 } });
  const hd = await stage.open(server, `/screen?event=${defaultEvent}`, { name: 'overlay-1080', viewport: { width: 1920, height: 1080 } });
  const sd = await stage.open(server, `/screen?event=${defaultEvent}`, { name: 'overlay-720', viewport: { width: 1280, height: 720 } });
  await waitConnected(producer);

  // Preview: the same card, laid out by the same code, before anything airs.
  const pick = producer.getByTestId('pick-question').filter({ hasText: LONG.slice(0, 40) });
  await pick.getByTestId('screen-preview-question').click();
  const preview = producer.getByTestId('preview-card');
  await preview.filter({ hasText: LONG }).waitFor({ timeout: 5000 });
  assert.match(await producer.getByTestId('preview-fit').textContent(), /Fits the screen|smallest size/);
  assert.equal(await producer.getByTestId('preview-fit').getAttribute('data-fit'), 'ok');
  assert.equal(await hd.getByTestId('screen-card').isVisible(), false, 'a preview does not air');
  const previewPx = await preview.evaluate((card) => card.dataset.textPx);

  // Take: on air on both overlays; the producer sees who put it there and the next one lined up.
  await producer.getByTestId('take').click();
  for (const page of [hd, sd]) await page.locator('[data-testid=screen-card][data-state=shown]').waitFor({ timeout: 5000 });
  await waitText(producer, 'screen-now', 'put on air by test');
  await waitText(producer, 'preview-label', 'what will air');
  assert.match(await producer.getByTestId('preview-card').textContent(), new RegExp(SHORT));

  for (const [page, height] of [[hd, 1080], [sd, 720]]) {
    const layout = await cardLayout(page);
    const scale = height / 1080;
    assert.equal(layout.text, LONG);
    assert.equal(layout.authorText, NAME, 'the name is whole');
    assert.equal(layout.textCut, false, `text cut at ${height}p`);
    assert.ok(layout.authorInside, `name spills out of the card at ${height}p`);
    assert.equal(layout.fit, 'ok');
    // Inside the title-safe area (5% from each edge).
    assert.ok(layout.rect.left >= 0.05 * layout.viewport.width - 1, JSON.stringify(layout));
    assert.ok(layout.rect.right <= 0.95 * layout.viewport.width + 1, JSON.stringify(layout));
    assert.ok(layout.rect.top >= 0.05 * layout.viewport.height - 1, JSON.stringify(layout));
    assert.ok(layout.rect.bottom <= layout.viewport.height - 0.05 * layout.viewport.height + 1, JSON.stringify(layout));
    // Never below the stated minimum: 28 px on the 1080p stage.
    assert.ok(layout.textPx * layout.scale >= 28 * scale - 0.5, `text at ${layout.textPx * layout.scale}px on ${height}p`);
    assert.equal(String(layout.textPx), previewPx, 'the overlay uses the size the preview showed');
  }
  if (process.env.SCREENSHOT_DIR) {
    // A dark backdrop stands in for the video the overlay is keyed over.
    await hd.evaluate(() => {
      document.body.style.background = 'linear-gradient(#1e293b, #0f172a)';
    });
    await hd.screenshot({ path: path.join(process.env.SCREENSHOT_DIR, 'screen-280.png') });
  }
  assert.deepEqual(stage.problems, []);
  void long;
});

test('a moderator is asked before a pending item airs; on_air "producer" keeps them off the overlay', { timeout: 45000 }, async (t) => {
  const stage = new Stage(browser);
  t.after(() => stage.close());
  const server = await stage.server();
  const asker = await Client.open(server.wsUrl);
  t.after(() => asker.ws.terminate());
  await asker.hello({});
  await asker.request({ type: 'question.ask', text: SHORT, name: 'Sam' });
  const moderator = await stage.moderator(server);
  const overlay = await stage.open(server, `/screen?event=${defaultEvent}`, { name: 'overlay', viewport: { width: 1920, height: 1080 } });
  await waitConnected(moderator);
  const queued = moderator.getByTestId('queue-list').getByTestId('queue-item').filter({ hasText: SHORT });
  await queued.waitFor({ timeout: 5000 });
  assert.equal((await queued.getByTestId('screen').textContent()).trim(), 'Approve & air');

  // Cancel: nothing is approved, nothing airs.
  await queued.getByTestId('screen').click();
  await waitText(moderator, 'confirm-body', 'approves it and puts it on the screen');
  await moderator.getByTestId('confirm-cancel').click();
  assert.equal(await queued.count(), 1);
  assert.equal(await overlay.getByTestId('screen-card').isVisible(), false);

  // Confirm: approved, then on air.
  await queued.getByTestId('screen').click();
  await moderator.getByTestId('confirm-ok').click();
  await overlay.locator('[data-testid=screen-card][data-state=shown]').waitFor({ timeout: 5000 });
  assert.equal(await overlay.getByTestId('screen-text').textContent(), SHORT);
  await queued.waitFor({ state: 'detached', timeout: 5000 });

  // An event that reserves the overlay to producers: moderators get no On screen button.
  const dir = mkdtempSync(path.join(tmpdir(), 'companion-event-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'event.json');
  writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(eventFile(`events/${defaultEvent}.json`), 'utf8')), on_air: 'producer' }));
  const reserved = await stage.server({ args: ['--event', file] });
  const other = await staff(reserved, 'moderator', t);
  await approvedQuestion(reserved, other, SHORT, 'Sam');
  const mod2 = await stage.moderator(reserved);
  const live = mod2.getByTestId('live-questions').getByTestId('live-question').filter({ hasText: SHORT });
  await live.waitFor({ timeout: 5000 });
  assert.equal(await live.getByTestId('screen').isVisible(), false);
  await live.click();
  await mod2.keyboard.press('s');
  assert.equal(await mod2.getByTestId('last-command').getAttribute('data-state'), 'idle');
  assert.deepEqual(stage.problems, []);
});
