// Every page under axe-core (WCAG 2.1 A and AA rules) with live content on it:
// no serious or critical violation on the viewer page (phone and desktop, light
// and dark), the producer and moderator consoles, the /screen overlay and the
// /timer monitor. Then the viewer page from the keyboard alone: every control is
// reached with Tab and shows a visible focus ring.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import AxeBuilder from '@axe-core/playwright';
import { seedHeldPosts } from '../integration/lib/seed.mjs';
import { launchBrowser, Stage, waitConnected, waitText, defaultEvent } from './helpers.mjs';

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

// The serious and critical violations on `page` as readable lines (rule, impact, where).
async function violations(page, label) {
  const result = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${label}: ${v.id} (${v.impact}) ${v.help} at ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
}

test('axe-core finds no serious or critical violation on any page', { timeout: 90000 }, async (t) => {
  const stage = new Stage(browser);
  t.after(() => stage.close());
  const server = await stage.server();
  // A few held posts: axe's cost grows with the page, and a handful covers every kind of row.
  await seedHeldPosts(server, server.token('ingest'), { count: 4 });
  const phone = await stage.viewer(server, { name: 'phone' });
  const desktop = await stage.open(server, '/', { name: 'desktop', viewport: { width: 1280, height: 800 } });
  const producer = await stage.producer(server);
  const moderator = await stage.moderator(server);
  const overlay = await stage.open(server, `/screen?event=${defaultEvent}`, { name: 'overlay', viewport: { width: 1920, height: 1080 } });
  const timer = await stage.open(server, `/timer?event=${defaultEvent}`, { name: 'timer', viewport: { width: 1280, height: 720 } });
  for (const page of [phone, desktop, producer, moderator]) await waitConnected(page);

  // Live content on every page: a running segment, an announcement, a stage message,
  // approved and featured posts, an approved and a pending question, an open poll, a card on air.
  await producer.getByTestId('btn-start').click();
  await waitText(phone, 'status-badge', 'LIVE');
  await producer.getByTestId('announce-text').fill('Doors close in five minutes');
  await producer.getByTestId('announce-send').click();
  await waitText(phone, 'announcement', 'Doors close');
  await producer.getByTestId('stage-text').fill('Five minutes left');
  await producer.getByTestId('stage-send').click();
  await waitText(timer, 'stage-message', 'Five minutes left');

  const queuedPost = moderator.getByTestId('queue-list').locator('[data-testid=queue-item][data-kind=post]').first();
  await queuedPost.waitFor();
  const postId = await queuedPost.getAttribute('data-id');
  await queuedPost.getByTestId('approve').click();
  const walled = moderator.locator(`#wall-list [data-id="${postId}"]`);
  await walled.waitFor();
  await walled.getByTestId('feature').click();
  await moderator.locator('#wall-list .item.featured').waitFor();

  await phone.getByTestId('tab-qa').click();
  for (const text of ['How will the partners take part in the summit?', 'Is a standing seat planned?']) {
    await phone.getByTestId('ask-text').fill(text);
    await phone.getByTestId('ask-submit').click();
    await phone.getByTestId('my-pending-item').filter({ hasText: text }).waitFor();
  }
  const question = moderator.getByTestId('queue-list').getByTestId('queue-item').filter({ hasText: 'partners take part' });
  await question.getByTestId('approve').click();
  await phone.getByTestId('question-list').getByTestId('question-item').first().waitFor();

  // A poll open: the phone has voted (its results), the desktop not (the answer buttons).
  await producer.getByTestId('polls-drafts').getByTestId('poll-open').first().click();
  await phone.getByTestId('poll-choice').first().click();
  await phone.getByTestId('poll-results').waitFor();
  await desktop.getByTestId('poll-choice').first().waitFor();

  await producer.getByTestId('pick-question').first().getByTestId('screen-preview-question').click();
  await producer.getByTestId('take').click();
  await overlay.locator('[data-testid=screen-card][data-state=shown]').waitFor();

  // Each page once, the viewer and the moderator in both colour schemes (the dark
  // palettes are their own); the pages are analysed side by side, each in its renderer.
  const found = [];
  const analyse = async (pages) => found.push(...(await Promise.all(pages.map(([page, label]) => violations(page, label)))).flat());
  await analyse([[phone, 'viewer phone Q&A'], [desktop, 'viewer desktop agenda'], [producer, 'producer'], [moderator, 'moderator queue'], [overlay, 'overlay'], [timer, 'timer']]);
  await phone.emulateMedia({ colorScheme: 'dark' });
  await phone.getByTestId('tab-wall').click();
  await phone.locator('#wall-list [data-testid=wall-item].featured').waitFor();
  await moderator.getByTestId('tab-questions').click();
  await moderator.emulateMedia({ colorScheme: 'dark' });
  await analyse([[phone, 'viewer phone wall dark'], [moderator, 'moderator questions dark']]);
  await moderator.getByTestId('tab-polls').click();
  await analyse([[moderator, 'moderator polls dark']]);

  assert.deepEqual(found, []);
  assert.deepEqual(stage.problems, []);
});

// Tabs round `page` once (past the page's end focus leaves the document and comes back
// at the top), noting each focused control and whether it is drawn with a focus
// indicator (an outline of 2 px or more, or a box shadow).
async function tabRound(page, most = 150) {
  const visited = [];
  for (let i = 0; i < most; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      const style = getComputedStyle(el);
      const ring = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2) || style.boxShadow !== 'none';
      const where = Array.prototype.indexOf.call(document.querySelectorAll('*'), el);
      return { id: el.id || el.dataset.testid || el.tagName, where, ring };
    });
    if (!focused) continue;
    if (visited.some((v) => v.where === focused.where)) break;
    visited.push(focused);
  }
  return visited;
}

test('every control of the pages is reached with Tab and shows its focus', { timeout: 40000 }, async (t) => {
  const stage = new Stage(browser);
  t.after(() => stage.close());
  const server = await stage.server();
  const viewer = await stage.viewer(server);
  await waitConnected(viewer);
  await viewer.getByTestId('tab-qa').click();
  await viewer.getByTestId('ask-text').fill('Is there a recording?');

  const visited = await tabRound(viewer);
  const ids = visited.map((v) => v.id);
  for (const control of ['event-title', 'tab-qa', 'ask-text', 'ask-name', 'ask-submit']) assert.ok(ids.includes(control), `${control} reached with Tab (reached: ${ids.join(', ')})`);
  assert.deepEqual(visited.filter((v) => !v.ring).map((v) => v.id), [], 'every focused control shows a focus ring');

  // The tabs follow the arrow keys, as a tab list does.
  await viewer.getByTestId('tab-qa').focus();
  await viewer.keyboard.press('ArrowLeft');
  assert.equal(await viewer.evaluate(() => document.activeElement.id), 'tab-wall');
  await viewer.keyboard.press('Enter');
  await viewer.locator('#panel-wall:not([hidden])').waitFor();

  // The consoles too: their main controls are reached, every focus is drawn.
  const producer = await stage.producer(server);
  const moderator = await stage.moderator(server);
  for (const [page, controls] of [[producer, ['btn-start', 'rundown-add', 'announce-text', 'stage-send']], [moderator, ['tab-queue', 'tab-questions']]]) {
    await waitConnected(page);
    const round = await tabRound(page);
    const reached = round.map((v) => v.id);
    for (const control of controls) assert.ok(reached.includes(control), `${control} reached with Tab (reached: ${reached.join(', ')})`);
    assert.deepEqual(round.filter((v) => !v.ring).map((v) => v.id), [], 'every focused control shows a focus ring');
  }
  assert.deepEqual(stage.problems, []);
});

test('agenda changes are announced in a polite live region; with reduced motion nothing moves', { timeout: 40000 }, async (t) => {
  const stage = new Stage(browser);
  t.after(() => stage.close());
  const server = await stage.server();
  await seedHeldPosts(server, server.token('ingest'), { count: 2 });
  const viewer = await stage.viewer(server, { context: { reducedMotion: 'reduce' } });
  const producer = await stage.producer(server);
  const moderator = await stage.moderator(server);
  for (const page of [viewer, producer, moderator]) await waitConnected(page);
  const region = viewer.getByTestId('live-region');
  assert.equal(await region.getAttribute('aria-live'), 'polite');

  await producer.getByTestId('btn-start').click();
  await waitText(viewer, 'live-region', 'Opening remarks');
  await producer.getByTestId('btn-next').click();
  await waitText(viewer, 'live-region', 'Keynote remarks');
  await producer.getByTestId('announce-text').fill('The panel starts at 3 pm');
  await producer.getByTestId('announce-send').click();
  await waitText(viewer, 'live-region', 'The panel starts at 3 pm');

  // A post arriving on the wall and the live badge would animate; with reduced motion
  // nothing on the page runs an animation or a transition.
  await viewer.getByTestId('tab-wall').click();
  const queued = moderator.getByTestId('queue-list').locator('[data-testid=queue-item][data-kind=post]').first();
  await queued.getByTestId('approve').click();
  await viewer.getByTestId('wall-item').first().waitFor();
  const moving = await viewer.evaluate(() => document.getAnimations().filter((a) => a.playState === 'running').map((a) => `${a.animationName ?? a.transitionProperty} on ${a.effect?.target?.className}`));
  assert.deepEqual(moving, []);
  assert.deepEqual(stage.problems, []);
});
