// The speaker's lower third on /screen?lower_third=1: a segment that starts airs
// its speaker's name and title from the agenda for the stated time, then leaves; a
// panel airs its title over its speakers; an overlay opened mid-segment airs
// nothing stale, and without the parameter the overlay never shows one.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, Stage, waitConnected, waitText, defaultEvent } from './helpers.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

const stageSize = { width: 1920, height: 1080 };

test('a starting segment airs its speaker for the stated seconds; a panel its speakers', { timeout: 40000 }, async (t) => {
  const stage = new Stage(browser);
  t.after(() => stage.close());
  const server = await stage.server();
  const producer = await stage.producer(server);
  const overlay = await stage.open(server, `/screen?event=${defaultEvent}&lower_third=1&lower_third_seconds=3`, { name: 'overlay', viewport: stageSize });
  const plain = await stage.open(server, `/screen?event=${defaultEvent}`, { name: 'plain overlay', viewport: stageSize });
  await waitConnected(producer);
  const box = overlay.getByTestId('lower-third');
  assert.equal(await box.isVisible(), false, 'nothing before the show starts');

  await producer.getByTestId('btn-start').click();
  await overlay.locator('[data-testid=lower-third][data-state=shown]').waitFor({ timeout: 5000 });
  const shownAt = Date.now();
  assert.equal(await plain.getByTestId('lower-third').isVisible(), false, 'only with the parameter');
  assert.equal(await overlay.getByTestId('lower-third-name').textContent(), 'Lise Grande');
  assert.equal(await overlay.getByTestId('lower-third-title').textContent(), 'President and CEO, U.S. Institute of Peace');
  // Inside the title-safe area of the 1080p stage, at the bottom.
  const where = await box.boundingBox();
  assert.ok(where.x >= 96 && where.y + where.height <= 1080 - 54 && where.y > 540, JSON.stringify(where));
  await box.waitFor({ state: 'hidden', timeout: 6000 });
  const shownFor = Date.now() - shownAt;
  assert.ok(shownFor >= 2000 && shownFor <= 5000, `on air for ${shownFor} ms`);

  // A panel: its title over its speakers, the moderator named as such, on one line each.
  await producer.getByTestId('btn-next').click();
  await waitText(overlay, 'lower-third-name', 'Kurt M. Campbell');
  await producer.getByTestId('btn-next').click();
  await waitText(overlay, 'lower-third-name', 'Panel: NATO and its Indo-Pacific partners');
  const speakers = await overlay.getByTestId('lower-third-title').textContent();
  assert.match(speakers, /^Stephen J\. Hadley, Moderator · Douglas D\. Jones · /);
  const fits = await overlay.evaluate(() => [...document.querySelectorAll('.lower-third p')].every((p) => p.scrollWidth <= p.clientWidth + 1));
  assert.ok(fits, 'no line is cut');

  // Opened now, mid-segment, an overlay airs nothing stale.
  await box.waitFor({ state: 'hidden', timeout: 6000 });
  const late = await stage.open(server, `/screen?event=${defaultEvent}&lower_third=1&lower_third_seconds=3`, { name: 'late overlay', viewport: stageSize });
  await overlay.reload();
  for (const page of [late, overlay]) {
    await page.locator('[data-testid=lower-third][data-segment=panel]').waitFor({ state: 'attached', timeout: 5000 });
    assert.equal(await page.getByTestId('lower-third').isVisible(), false);
  }
  assert.equal(await plain.getByTestId('lower-third').isVisible(), false);
  assert.deepEqual(stage.problems, []);
});
