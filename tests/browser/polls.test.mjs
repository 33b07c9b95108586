// A whole poll in real browsers: the producer makes a draft and opens it, the
// moderator console sees it, a viewer on a phone votes with one tap and sees the
// live results move when a second viewer votes, /screen shows the poll with its
// bars (still, for a source that asks for reduced motion), and once the moderator
// closes it the viewer keeps the final results in the Polls tab.
// SCREENSHOT_DIR=dir also saves the phone and the 1080p overlay.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { Client } from '../integration/lib/harness.mjs';
import { launchBrowser, Stage, waitConnected, waitText } from './helpers.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

const QUESTION = 'Should NATO formalise its Indo-Pacific partnerships?';
const ANSWERS = ['Yes, with a standing council', 'Case by case', 'No'];

// The percentages shown on a page's bars, in option order.
function shares(locator) {
  return locator.locator('[data-testid=poll-bar-pct]').allTextContents();
}

test('producer opens a poll, a phone votes and sees live results, /screen airs it, closed results stay', { timeout: 60000 }, async (t) => {
  const stage = new Stage(browser);
  t.after(() => stage.close());
  const server = await stage.server();
  const producer = await stage.producer(server, { viewport: { width: 1440, height: 1000 } });
  const moderator = await stage.moderator(server);
  const viewer = await stage.viewer(server);
  const screen = await stage.open(server, '/screen', { name: 'screen', viewport: { width: 1920, height: 1080 } });
  // A 720p source that asks for reduced motion: the same card, its bars set without animation.
  const still = await stage.open(server, '/screen', { name: 'screen-still', viewport: { width: 1280, height: 720 }, context: { reducedMotion: 'reduce' } });
  await Promise.all([producer, moderator, viewer].map((page) => waitConnected(page)));

  // The producer writes a draft: question, three answers (one added with the button).
  await producer.getByTestId('poll-new').click();
  await producer.getByTestId('poll-question').fill(QUESTION);
  await producer.getByTestId('poll-add-option').click();
  const inputs = producer.getByTestId('poll-option-input');
  for (let i = 0; i < ANSWERS.length; i++) await inputs.nth(i).fill(ANSWERS[i]);
  await producer.getByTestId('poll-create').click();
  const draft = producer.getByTestId('polls-drafts').getByTestId('poll-row').filter({ hasText: QUESTION });
  await draft.waitFor();
  await waitText(producer, 'last-command', 'acknowledged');

  // The moderator console hears of the draft; the viewer sees nothing yet.
  await moderator.getByTestId('tab-polls').click();
  await moderator.getByTestId('polls-drafts').getByTestId('poll-row').filter({ hasText: QUESTION }).waitFor();
  assert.equal(await viewer.getByTestId('poll-now').isHidden(), true);

  await draft.getByTestId('poll-open').click();
  await producer.getByTestId('polls-open').getByTestId('poll-row').filter({ hasText: QUESTION }).waitFor();

  // The phone: the open poll on top of the current tab, answers as large targets.
  const card = viewer.getByTestId('poll-now');
  await card.waitFor();
  await waitText(viewer, 'poll-question', QUESTION);
  const choices = card.getByTestId('poll-choice');
  assert.deepEqual((await choices.allTextContents()).map((s) => s.trim()), ANSWERS);
  for (const box of await Promise.all((await choices.all()).map((c) => c.boundingBox()))) {
    assert.ok(box.height >= 48 && box.width >= 300, `touch target ${box.width}x${box.height}`);
  }
  await viewer.getByTestId('tab-polls').waitFor();

  // One tap votes; the results replace the buttons, the viewer's answer marked.
  await choices.nth(1).click();
  const results = card.getByTestId('poll-results');
  await results.waitFor();
  await viewer.waitForFunction(() => document.querySelector('[data-testid=poll-total]')?.textContent.includes('1 vote'));
  assert.deepEqual(await shares(results), ['0%', '100%', '0%']);
  assert.equal(await results.getByTestId('poll-bar').nth(1).getAttribute('data-mine'), 'true');

  // A second viewer (a real WebSocket client) votes: the phone's bars follow.
  const other = await Client.open(server.wsUrl);
  t.after(() => other.ws.terminate());
  await other.hello({});
  const poll_id = await producer.getByTestId('polls-open').getByTestId('poll-row').first().getAttribute('data-id');
  const ballot = await other.request({ type: 'poll.vote', poll: poll_id, options: [await results.getByTestId('poll-bar').nth(0).getAttribute('data-option')] });
  assert.equal(ballot.type, 'ack', JSON.stringify(ballot));
  await viewer.waitForFunction(() => document.querySelector('[data-testid=poll-total]')?.textContent.includes('2 votes'));
  assert.deepEqual(await shares(results), ['50%', '50%', '0%']);
  // A reload remembers the ballot: results, not buttons.
  await viewer.reload();
  await results.waitFor();
  assert.equal(await card.getByTestId('poll-choices').isHidden(), true);

  // On air: the producer puts the poll on screen; the overlay shows question and bars.
  await producer.getByTestId('polls-open').getByTestId('poll-screen').click();
  await waitText(screen, 'screen-text', QUESTION);
  const onAir = screen.getByTestId('screen-poll');
  await onAir.waitFor();
  await screen.waitForFunction(() => document.querySelector('[data-testid=screen-card]')?.dataset.state === 'shown');
  assert.deepEqual(await shares(onAir), ['50%', '50%', '0%']);
  const layout = await screen.evaluate(() => {
    const card = document.querySelector('[data-testid=screen-card]');
    const r = card.getBoundingClientRect();
    const pct = card.querySelector('.poll-bar-pct');
    return { top: r.top, bottom: r.bottom, fit: card.dataset.fit, pctPx: parseFloat(getComputedStyle(pct).fontSize) };
  });
  assert.equal(layout.fit, 'ok');
  assert.ok(layout.top >= 54 && layout.bottom <= 1080 - 54, JSON.stringify(layout));
  assert.ok(layout.pctPx >= 28, `percentages at ${layout.pctPx} px`);
  await still.getByTestId('screen-poll').waitFor();
  assert.deepEqual(await shares(still.getByTestId('screen-poll')), ['50%', '50%', '0%']);
  const motion = await still.evaluate(() => {
    const fill = document.querySelector('[data-testid=screen-poll] .poll-bar-fill');
    const card = document.querySelector('[data-testid=screen-card]');
    const r = card.getBoundingClientRect();
    return { transition: getComputedStyle(fill).transitionDuration, width: fill.getBoundingClientRect().width, track: fill.parentElement.getBoundingClientRect().width, bottom: r.bottom, state: card.dataset.state };
  });
  assert.equal(motion.transition, '0s');
  assert.equal(motion.state, 'shown');
  assert.ok(Math.abs(motion.width / motion.track - 0.5) < 0.01, JSON.stringify(motion));
  assert.ok(motion.bottom <= 720, JSON.stringify(motion));
  if (process.env.SCREENSHOT_DIR) {
    await screen.screenshot({ path: path.join(process.env.SCREENSHOT_DIR, 'poll-screen.png') });
    await viewer.screenshot({ path: path.join(process.env.SCREENSHOT_DIR, 'poll-viewer.png') });
  }

  // The moderator closes it with its key, x (after a confirm): the phone keeps the final
  // results in Polls.
  await moderator.getByTestId('polls-open').getByTestId('poll-row').first().waitFor();
  await moderator.locator('body').press('x');
  await moderator.getByTestId('confirm-ok').click();
  await moderator.getByTestId('polls-closed').getByTestId('poll-row').filter({ hasText: QUESTION }).waitFor();
  await card.waitFor({ state: 'hidden' });
  await viewer.getByTestId('tab-polls').click();
  const archived = viewer.getByTestId('polls-closed').getByTestId('poll-archived').filter({ hasText: QUESTION });
  await archived.waitFor();
  assert.deepEqual(await shares(archived), ['50%', '50%', '0%']);
  assert.match(await archived.textContent(), /2 votes/);
  await waitText(screen, 'screen-author', 'POLL RESULTS');

  assert.deepEqual(stage.problems, []);
});
