// Moderators recover from mistakes in real Chromium: undo of a reject and of a
// block, the author lists with unblock, status lines in words (never an id), a
// toolbar that keeps its height, lists that hold new rows behind an "N new"
// marker while the pointer is on them (the producer's wall list too), bulk
// decisions on a selection and pending counts on each tab.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client, http } from '../integration/lib/harness.mjs';
import { launchBrowser, Stage, waitConnected, waitText, defaultEvent } from './helpers.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

let serial = 0;
function post(handle, text) {
  serial += 1;
  return { id: `r${serial}`, author: { handle, display_name: `Name of ${handle}` }, text: `${text} #Road2NATO`, created_at: Date.now() };
}

async function ingest(server, ...posts) {
  const answer = await http(server, `/api/events/${defaultEvent}/posts`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.token('ingest')}`, 'content-type': 'application/x-ndjson' },
    body: posts.map((p) => JSON.stringify(p)).join('\n'),
  });
  assert.equal(answer.status, 202);
}

function queueItem(page, text) {
  return page.getByTestId('queue-list').getByTestId('queue-item').filter({ hasText: text });
}

test('reject and block are undone; authors are listed with unblock; status lines use words', { timeout: 60000 }, async (t) => {
  const stage = new Stage(browser);
  t.after(() => stage.close());
  const server = await stage.server();
  const moderator = await stage.moderator(server);
  await waitConnected(moderator);
  const toolbar = moderator.locator('.mod-toolbar');
  const height = (await toolbar.boundingBox()).height;

  const first = post('ben', 'Campbell on the four partners and what they bring');
  await ingest(server, first);
  const item = queueItem(moderator, 'Campbell on the four partners');
  await item.waitFor({ timeout: 5000 });
  await moderator.getByTestId('tab-queue-count').filter({ hasText: /^1$/ }).waitFor();

  // Reject: the line says who and what, not the post id; Undo brings it back.
  await item.getByTestId('reject').click();
  await item.waitFor({ state: 'detached', timeout: 5000 });
  await waitText(moderator, 'last-command', 'acknowledged');
  const line = await moderator.getByTestId('last-command').textContent();
  assert.match(line, /^Rejected Name of ben: “Campbell on the four partners and…”/);
  assert.doesNotMatch(line, /webhook:|r\d/);
  assert.match(await moderator.getByTestId('undo').textContent(), /Undo: Rejected Name of ben/);
  await moderator.getByTestId('undo').click();
  await item.waitFor({ timeout: 5000 });
  assert.equal((await toolbar.boundingBox()).height, height, 'the toolbar keeps its height');

  // Block: listed for staff with who did it; the queued post leaves the queue.
  await item.getByTestId('block').click();
  await item.waitFor({ state: 'detached', timeout: 5000 });
  await moderator.getByTestId('authors-summary').filter({ hasText: 'Blocked authors: 1' }).waitFor({ timeout: 5000 });
  await moderator.getByTestId('authors-summary').click();
  const row = moderator.getByTestId('author-row').filter({ hasText: '@ben' });
  assert.match(await row.textContent(), /Blocked: @ben .*by test/);
  assert.match(await moderator.getByTestId('last-command').textContent(), /^Blocked @ben/);
  assert.equal((await toolbar.boundingBox()).height, height);
  // Unblock from the list: the block's rejection is taken back.
  await row.getByTestId('author-lift').click();
  await item.waitFor({ timeout: 5000 });
  await row.waitFor({ state: 'detached', timeout: 5000 });
  assert.match(await moderator.getByTestId('authors-summary').textContent(), /Blocked authors: 0/);
  assert.deepEqual(stage.problems, []);
});

test('new rows wait behind "N new" under the pointer; bulk approve; counts on each tab', { timeout: 60000 }, async (t) => {
  const stage = new Stage(browser);
  t.after(() => stage.close());
  const server = await stage.server();
  const moderator = await stage.moderator(server);
  const producer = await stage.producer(server);
  for (const page of [moderator, producer]) await waitConnected(page);
  await ingest(server, post('ana', 'First from Ana'), post('cy', 'First from Cy'));
  await queueItem(moderator, 'First from Cy').waitFor({ timeout: 5000 });

  // The pointer rests on the queue: a new post waits behind the marker.
  const list = moderator.getByTestId('queue-list');
  await queueItem(moderator, 'First from Ana').locator('.item-text').hover();
  await ingest(server, post('dee', 'Late from Dee'));
  await moderator.getByTestId('queue-new').filter({ hasText: '1 new' }).waitFor({ timeout: 5000 });
  assert.equal(await list.getByTestId('queue-item').count(), 2);
  await moderator.getByTestId('tab-queue-count').filter({ hasText: /^3$/ }).waitFor();
  // A click on the marker shows it (dispatched in place: moving the pointer off the
  // list would show it too).
  await moderator.getByTestId('queue-new').dispatchEvent('click');
  await queueItem(moderator, 'Late from Dee').waitFor({ timeout: 5000 });
  assert.equal(await moderator.getByTestId('queue-new').isVisible(), false);

  // A question waiting counts on the Q&A tab.
  const asker = await Client.open(server.wsUrl);
  t.after(() => asker.ws.terminate());
  await asker.hello({});
  await asker.request({ type: 'question.ask', text: 'Is the partnership permanent?' });
  await moderator.getByTestId('tab-questions-count').filter({ hasText: /^1$/ }).waitFor({ timeout: 5000 });

  // Bulk: two ticked posts approved in one step.
  await queueItem(moderator, 'First from Ana').getByTestId('select-box').check();
  await queueItem(moderator, 'First from Cy').getByTestId('select-box').check();
  await waitText(moderator, 'bulk-count', '2 selected');
  // The producer's pointer rests on its wall list (one post on it) while posts arrive.
  const staff = await Client.open(server.wsUrl);
  t.after(() => staff.ws.terminate());
  await staff.hello({ token: server.token('moderator') });
  await ingest(server, post('eve', 'Warm-up from Eve'));
  const warm = await staff.next((f) => f.type === 'queue.post' && f.post.text.startsWith('Warm-up'));
  await staff.request({ type: 'post.approve', post: warm.post.id });
  const wall = producer.getByTestId('screen-highlights');
  await wall.getByTestId('pick-highlight').first().waitFor({ timeout: 5000 });
  await wall.getByTestId('pick-highlight').first().locator('.pick-text').hover();
  await moderator.getByTestId('bulk-approve').click();
  await waitText(moderator, 'last-command', 'Approved 2 posts: acknowledged');
  await moderator.getByTestId('wall-list').getByTestId('wall-item').filter({ hasText: 'First from Ana' }).waitFor();
  await producer.getByTestId('screen-highlights-new').filter({ hasText: '2 new' }).waitFor({ timeout: 5000 });
  assert.equal(await wall.getByTestId('pick-highlight').count(), 1);
  await producer.mouse.move(0, 0);
  await wall.getByTestId('pick-highlight').nth(2).waitFor({ timeout: 5000 });
  // Undo of a bulk decision takes back each post.
  await moderator.getByTestId('undo').click();
  await queueItem(moderator, 'First from Ana').waitFor({ timeout: 5000 });
  await queueItem(moderator, 'First from Cy').waitFor({ timeout: 5000 });
  assert.deepEqual(stage.problems, []);
});
