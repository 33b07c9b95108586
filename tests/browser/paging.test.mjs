// A big event in real Chromium: the viewer page shows the snapshot's top questions
// and loads the rest as the reader scrolls down the Q&A list, applying changes as
// they come; the moderator console shows the queue's totals and loads the next
// items as the moderator works down the queue.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, Stage, waitConnected, waitText } from './helpers.mjs';
import { Client, waitFor } from '../integration/lib/harness.mjs';
import { pipeline, seedArgs, seedHeldPosts, seedQuestions } from '../integration/lib/seed.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

async function staff(t, server, role = 'moderator') {
  const client = await Client.open(server.wsUrl, { perMessageDeflate: false });
  t.after(() => client.ws.terminate());
  await client.hello({ token: server.token(role) });
  return client;
}

test('the viewer loads further questions as it scrolls the Q&A list, and keeps applying changes', { timeout: 90000 }, async (t) => {
  const stage = new Stage(browser);
  t.after(() => stage.close());
  const server = await stage.server({ args: seedArgs });
  const moderator = await staff(t, server);
  // 200 open and 70 answered: the snapshot holds the top 100 open and the newest 50 answered.
  const ids = await seedQuestions(moderator, { count: 270, approve: 270, answer: 70 });

  const viewer = await stage.viewer(server);
  await waitConnected(viewer);
  await viewer.getByTestId('tab-qa').click();
  const items = viewer.locator('[data-testid=question-list] [data-testid=question-item], [data-testid=answered-list] [data-testid=question-item]');
  await waitFor(async () => (await items.count()) === 150, { timeout: 10000, what: 'the snapshot window on the page' });
  await waitText(viewer, 'questions-count', 'Showing 150 of 270 questions');

  // A vote for a question the page has not loaded yet is harmless.
  const voter = new Client(server.wsUrl);
  t.after(() => voter.ws.terminate());
  await new Promise((resolve) => voter.ws.once('open', resolve));
  await voter.hello();
  const unloaded = ids[269];
  assert.equal((await voter.request({ type: 'question.vote', question: unloaded })).type, 'ack');

  // Scrolling to the end of the list loads the rest, page after page.
  await viewer.getByTestId('questions-more').scrollIntoViewIfNeeded();
  await waitFor(async () => (await items.count()) === 270, { timeout: 20000, what: 'every question loaded by scrolling' });
  await viewer.getByTestId('questions-more').waitFor({ state: 'hidden', timeout: 5000 });
  const paged = viewer.getByTestId('question-item').filter({ hasText: `Question 269:` });
  await waitFor(async () => (await paged.locator('.vote-count').textContent()).trim() === '1', { what: 'the vote on a paged-in question' });

  // Changes keep applying: a new question appears, a loaded one is answered.
  const [late] = await seedQuestions(moderator, { count: 1, approve: 1, from: 5000 });
  await viewer.getByTestId('question-list').getByTestId('question-item').filter({ hasText: 'Question 5000:' }).waitFor({ timeout: 5000 });
  await pipeline(moderator, [{ type: 'question.answered', question: ids[150] }]);
  await viewer.getByTestId('answered-list').getByTestId('question-item').filter({ hasText: 'Question 150:' }).waitFor({ timeout: 5000 });
  assert.equal(await items.count(), 271);
  assert.ok(late);
  assert.deepEqual(stage.problems, []);
});

test('the moderator console shows the queue totals and loads more as the moderator works down the queue', { timeout: 90000 }, async (t) => {
  const stage = new Stage(browser);
  t.after(() => stage.close());
  const server = await stage.server({ args: seedArgs });
  const helper = await staff(t, server);
  await seedQuestions(helper, { count: 150 });
  await seedHeldPosts(server, server.token('ingest'), { count: 260 });
  await waitFor(async () => {
    const answer = await helper.request({ type: 'queue.page', kind: 'post', after: null, limit: 1 });
    return answer.next !== null;
  }, { what: 'the held posts in the queue' });

  const console_page = await stage.moderator(server);
  await waitConnected(console_page);
  const rows = console_page.getByTestId('queue-list').getByTestId('queue-item');
  await waitFor(async () => (await rows.count()) === 200, { timeout: 10000, what: 'the queue.snapshot in the console' });
  await waitText(console_page, 'queue-shown', 'Showing 200 of 410 waiting (260 posts, 150 questions)');
  await waitText(console_page, 'queue-depth', '410 waiting');

  // Another moderator settles the first 80 posts: the console runs low and loads the next page.
  const first = Array.from({ length: 80 }, (_, i) => ({ type: 'post.reject', post: `webhook:held-${i}` }));
  await pipeline(helper, first);
  await console_page.getByTestId('queue-list').getByTestId('queue-item').filter({ hasText: 'Watching panel 150 of' }).waitFor({ timeout: 10000 });
  await waitText(console_page, 'queue-shown', 'Showing 220 of 330 waiting (180 posts, 150 questions)');

  // "Load more" reads the next page of both kinds, here the rest; then nothing is left to
  // load. (Dispatched where it is: scrolling to it would load the rest by itself.)
  await console_page.getByTestId('queue-load-more').dispatchEvent('click');
  await waitFor(async () => (await rows.count()) === 330, { timeout: 10000, what: 'the whole queue in the console' });
  await console_page.getByTestId('queue-more').waitFor({ state: 'hidden', timeout: 5000 });
  await waitText(console_page, 'queue-depth', '330 waiting');
  assert.deepEqual(stage.problems, []);
});
