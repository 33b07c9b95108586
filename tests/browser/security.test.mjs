// The pages under the server's real Content-Security-Policy: nothing is
// blocked, nothing throws, and text from the audience never becomes markup.
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

test('every page loads and runs without CSP violations or console errors', { timeout: 60000 }, async (t) => {
  const stage = new Stage(browser);
  t.after(() => stage.close());
  const server = await stage.server();
  const viewer = await stage.viewer(server);
  const producer = await stage.producer(server);
  const moderator = await stage.moderator(server);
  const overlay = await stage.open(server, `/screen?event=${defaultEvent}`, { name: 'overlay', viewport: { width: 1920, height: 1080 } });
  const timer = await stage.open(server, `/timer?event=${defaultEvent}`, { name: 'timer', viewport: { width: 1280, height: 720 } });
  for (const page of [viewer, producer, moderator]) await waitConnected(page);
  // The staff token is wiped from the address bar once read.
  for (const page of [producer, moderator]) assert.doesNotMatch(page.url(), /token/);

  // The policy is really in force on the pages under test.
  const response = await viewer.request.get(server.url + '/');
  assert.match(response.headers()['content-security-policy'] ?? '', /script-src 'self'/);

  // Exercise what the pages render dynamically: agenda timer and progress bar,
  // announcement, tabs, the on-screen card.
  await producer.getByTestId('btn-start').click();
  await waitText(viewer, 'status-badge', 'LIVE');
  await producer.getByTestId('announce-text').fill('Doors close in five minutes');
  await producer.getByTestId('announce-send').click();
  await waitText(viewer, 'announcement', 'Doors close in five minutes');
  await viewer.getByTestId('now-timer').waitFor();
  await producer.getByTestId('stage-text').fill('Five minutes left');
  await producer.getByTestId('stage-send').click();
  await waitText(timer, 'stage-message', 'Five minutes left');
  for (const tab of ['tab-wall', 'tab-qa', 'tab-agenda']) await viewer.getByTestId(tab).click();
  await moderator.getByTestId('tab-questions').click();
  await moderator.getByTestId('tab-queue').click();
  // Let a timer tick run on every page.
  await new Promise((resolve) => setTimeout(resolve, 1200));
  await overlay.reload();
  await overlay.waitForLoadState('load');

  assert.deepEqual(stage.problems, []);
});

test('a question containing markup is shown as literal text everywhere', { timeout: 60000 }, async (t) => {
  const stage = new Stage(browser);
  t.after(() => stage.close());
  const server = await stage.server();
  const asker = await stage.viewer(server, { name: 'asker' });
  const other = await stage.viewer(server, { name: 'other' });
  const moderator = await stage.moderator(server);
  const producer = await stage.producer(server);
  const overlay = await stage.open(server, `/screen?event=${defaultEvent}`, { name: 'overlay', viewport: { width: 1920, height: 1080 } });
  for (const page of [asker, other, moderator, producer]) await waitConnected(page);
  const payload = '<img src=x onerror=alert(1)>';

  await asker.getByTestId('tab-qa').click();
  await other.getByTestId('tab-qa').click();
  await asker.getByTestId('ask-text').fill(payload);
  await asker.getByTestId('ask-submit').click();
  await asker.getByTestId('my-pending-item').filter({ hasText: payload }).waitFor({ timeout: 5000 });

  const queued = moderator.getByTestId('queue-list').getByTestId('queue-item').filter({ hasText: payload });
  await queued.waitFor({ timeout: 5000 });
  await queued.getByTestId('approve').click();

  for (const page of [asker, other]) {
    const item = page.getByTestId('question-list').getByTestId('question-item').filter({ hasText: payload });
    await item.waitFor({ timeout: 5000 });
    assert.equal(await item.locator('.q-text').textContent(), payload);
    assert.equal(await page.locator('#question-list img, #my-pending img').count(), 0);
  }
  const live = moderator.getByTestId('live-questions').getByTestId('live-question').filter({ hasText: payload });
  await live.waitFor({ timeout: 5000 });
  assert.equal(await live.locator('.item-text').textContent(), payload);
  assert.equal(await moderator.locator('.item-text img').count(), 0);

  const pick = producer.getByTestId('pick-question').filter({ hasText: payload });
  await pick.waitFor({ timeout: 5000 });
  await pick.getByTestId('screen-preview-question').click();
  await producer.getByTestId('take').click();
  await overlay.locator('[data-testid=screen-card][data-state=shown]').waitFor({ timeout: 5000 });
  assert.equal(await overlay.getByTestId('screen-text').textContent(), payload);
  assert.equal(await overlay.locator('#card-text img').count(), 0);

  // Give a would-be onerror handler time to fire.
  await new Promise((resolve) => setTimeout(resolve, 500));
  for (const page of [asker, other, moderator, producer, overlay]) assert.deepEqual(page.dialogs, []);
  assert.deepEqual(stage.problems, []);
});

test('a forged staff token is refused and the console asks for another', { timeout: 60000 }, async (t) => {
  const stage = new Stage(browser);
  t.after(() => stage.close());
  const server = await stage.server();
  const real = server.token('moderator');
  // Same header and claims, signature of another key.
  const forged = real.slice(0, real.lastIndexOf('.') + 1) + 'A'.repeat(43);
  const moderator = await stage.open(server, `/moderate#token=${forged}`, { name: 'moderator' });
  await moderator.getByTestId('token-error').filter({ hasText: 'not accepted' }).waitFor({ timeout: 5000 });
  assert.equal(await moderator.locator('#console').isVisible(), false);
  assert.equal(await moderator.getByTestId('queue-list').getByTestId('queue-item').count(), 0);

  // Pasting the real token then opens the console.
  await moderator.getByTestId('token-input').fill(real);
  await moderator.getByTestId('token-submit').click();
  await waitConnected(moderator);
  assert.equal(await moderator.locator('#console').isVisible(), true);
});
