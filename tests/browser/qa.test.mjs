// Audience Q&A end to end in real Chromium: a viewer asks, a moderator
// approves, another viewer votes, the producer puts the question on the
// broadcast overlay and clears it again.
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

const QUESTION = 'How will the Indo-Pacific partners take part in the Washington summit?';

// The vote count shown on the question with `text`, as the viewer page renders it.
function voteCount(page, text) {
  return page.getByTestId('question-list').getByTestId('question-item').filter({ hasText: text }).locator('.vote-count');
}

test('a question goes from the ask box through moderation and votes to the overlay', { timeout: 45000 }, async (t) => {
  const stage = new Stage(browser);
  t.after(() => stage.close());
  const server = await stage.server();
  const asker = await stage.viewer(server, { name: 'asker' });
  const voter = await stage.viewer(server, { name: 'voter' });
  const moderator = await stage.moderator(server);
  const producer = await stage.producer(server);
  const overlay = await stage.open(server, `/screen?event=${defaultEvent}`, { name: 'overlay', viewport: { width: 1920, height: 1080 } });
  for (const page of [asker, voter, moderator, producer]) await waitConnected(page);

  // Ask: the counter follows the typing.
  await asker.getByTestId('tab-qa').click();
  const box = asker.getByTestId('ask-text');
  await box.pressSequentially('How');
  assert.equal((await asker.getByTestId('ask-counter').textContent()).trim(), '3/280');
  await box.fill(QUESTION);
  assert.equal((await asker.getByTestId('ask-counter').textContent()).trim(), `${QUESTION.length}/280`);
  await asker.getByTestId('ask-name').fill('Aiko');
  await asker.getByTestId('ask-submit').click();
  const pending = asker.getByTestId('my-pending-item').filter({ hasText: QUESTION });
  await pending.waitFor({ timeout: 5000 });
  assert.match(await pending.textContent(), /Awaiting moderation/);
  assert.equal((await asker.getByTestId('ask-counter').textContent()).trim(), '0/280');
  // Nobody else sees a pending question.
  await voter.getByTestId('tab-qa').click();
  assert.equal(await voter.getByTestId('question-item').count(), 0);

  // Moderate: it is in the queue, with its author; `a` approves the selected (top) item.
  const queued = moderator.getByTestId('queue-list').getByTestId('queue-item').filter({ hasText: QUESTION });
  await queued.waitFor({ timeout: 5000 });
  assert.match(await queued.textContent(), /Aiko/);
  assert.equal(await queued.getAttribute('aria-current'), 'true');
  await moderator.keyboard.press('a');
  await queued.waitFor({ state: 'detached', timeout: 5000 });
  await moderator.getByTestId('live-questions').getByTestId('live-question').filter({ hasText: QUESTION }).waitFor();

  // The asker now sees it in the public list and no longer as pending.
  await asker.getByTestId('question-list').getByTestId('question-item').filter({ hasText: QUESTION }).waitFor({ timeout: 5000 });
  await pending.waitFor({ state: 'detached', timeout: 5000 });
  assert.equal((await voteCount(asker, QUESTION).textContent()).trim(), '0');

  // A second viewer votes: both pages show one vote.
  const voteButton = voter.getByTestId('question-item').filter({ hasText: QUESTION }).getByTestId('vote-button');
  await voteButton.waitFor({ timeout: 5000 });
  await voteButton.click();
  await voteCount(voter, QUESTION).filter({ hasText: /^1$/ }).waitFor({ timeout: 5000 });
  await voteCount(asker, QUESTION).filter({ hasText: /^1$/ }).waitFor({ timeout: 5000 });
  assert.equal(await voteButton.getAttribute('aria-pressed'), 'true');
  assert.equal(await asker.getByTestId('question-item').filter({ hasText: QUESTION }).getByTestId('vote-button').getAttribute('aria-pressed'), 'false');

  // On screen: the producer picks it; the overlay card shows its text.
  assert.equal(await overlay.getByTestId('screen-card').isVisible(), false);
  const pick = producer.getByTestId('pick-question').filter({ hasText: QUESTION });
  await pick.waitFor({ timeout: 5000 });
  await pick.getByTestId('screen-preview-question').click();
  await producer.getByTestId('preview-card').filter({ hasText: QUESTION }).waitFor({ timeout: 5000 });
  await producer.getByTestId('take').click();
  await overlay.locator('[data-testid=screen-card][data-state=shown]').waitFor({ timeout: 5000 });
  assert.equal(await overlay.getByTestId('screen-text').textContent(), QUESTION);
  assert.equal(await overlay.getByTestId('screen-author').textContent(), 'Aiko');
  await waitText(producer, 'screen-now', QUESTION);
  await moderator.getByTestId('live-questions').locator('[data-testid=live-question].on-screen').filter({ hasText: QUESTION }).waitFor({ timeout: 5000 });

  // Clearing the screen hides the card.
  await producer.getByTestId('screen-clear').click();
  await overlay.getByTestId('screen-card').waitFor({ state: 'hidden', timeout: 5000 });
  await waitText(producer, 'screen-now', 'Nothing on screen.');

  // The moderator can do the same with one key: `s` on the selected live question.
  await moderator.getByTestId('live-questions').getByTestId('live-question').filter({ hasText: QUESTION }).click();
  await moderator.keyboard.press('s');
  await overlay.locator('[data-testid=screen-card][data-state=shown]').waitFor({ timeout: 5000 });
  assert.equal(await overlay.getByTestId('screen-text').textContent(), QUESTION);
  await moderator.keyboard.press('s');
  await overlay.getByTestId('screen-card').waitFor({ state: 'hidden', timeout: 5000 });
});

test('moderator edits and answers a question; a viewer takes a vote back', { timeout: 60000 }, async (t) => {
  const stage = new Stage(browser);
  t.after(() => stage.close());
  const server = await stage.server();
  const viewer = await stage.viewer(server);
  const moderator = await stage.moderator(server);
  await waitConnected(viewer);
  await waitConnected(moderator);
  await viewer.getByTestId('tab-qa').click();
  await viewer.getByTestId('ask-text').fill('Waht is the timeline for the summit?');
  await viewer.getByTestId('ask-submit').click();
  await moderator.getByTestId('queue-list').getByTestId('queue-item').getByTestId('approve').click();
  const item = viewer.getByTestId('question-list').getByTestId('question-item');
  await item.filter({ hasText: 'Waht is' }).waitFor({ timeout: 5000 });

  await item.getByTestId('vote-button').click();
  await item.locator('.vote-count').filter({ hasText: /^1$/ }).waitFor({ timeout: 5000 });
  await item.getByTestId('vote-button').click();
  await item.locator('.vote-count').filter({ hasText: /^0$/ }).waitFor({ timeout: 5000 });
  assert.equal(await item.getByTestId('vote-button').getAttribute('aria-pressed'), 'false');

  // `e` edits the selected live question in place; Enter saves.
  const live = moderator.getByTestId('live-questions').getByTestId('live-question');
  await live.click();
  await moderator.keyboard.press('e');
  const input = moderator.getByTestId('live-questions').getByTestId('edit-input');
  await input.fill('What is the timeline for the summit?');
  await input.press('Enter');
  await item.filter({ hasText: 'What is the timeline' }).waitFor({ timeout: 5000 });

  // `m` marks it answered: it moves to the viewer's answered list.
  await live.click();
  await moderator.keyboard.press('m');
  await viewer.getByTestId('answered-list').getByTestId('question-item').filter({ hasText: 'What is the timeline' }).waitFor({ timeout: 5000 });
  assert.equal(await viewer.getByTestId('question-list').getByTestId('question-item').count(), 0);
  await moderator.getByTestId('qa-answered').getByTestId('live-question').waitFor({ state: 'attached', timeout: 5000 });
});
