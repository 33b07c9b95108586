// Staff console features beyond the run of show, in real Chromium: opening and
// closing Q&A (and what viewers see), merged questions with undo, reopening
// an answered question, CSV downloads, and refreshing a staff token before it
// expires.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { launchBrowser, Stage, waitConnected, waitText, textOf, defaultEvent } from './helpers.mjs';
import { waitFor } from '../integration/lib/harness.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

async function ask(viewer, text) {
  await viewer.getByTestId('ask-text').fill(text);
  await viewer.getByTestId('ask-submit').click();
}

test('the producer closes and reopens Q&A; the viewer ask box follows', { timeout: 60000 }, async (t) => {
  const stage = new Stage(browser);
  t.after(() => stage.close());
  const server = await stage.server();
  const producer = await stage.producer(server);
  // This viewer's frames pass through a relay that can hold back the `qa` change,
  // to reproduce a question sent just as Q&A closes. Once the `qa` change is held,
  // every later change is held behind it, as a slow link would: letting a later
  // change through alone would be a gap in seq, and the page would rightly drop
  // the connection to resume (failing the question in flight).
  let holdQa = false;
  const held = [];
  let toViewer = null;
  let viewerSockets = 0;
  const viewer = await stage.viewer(server, {
    beforeLoad: (page) =>
      page.routeWebSocket(/\/ws$/, (ws) => {
        viewerSockets += 1;
        const upstream = ws.connectToServer();
        toViewer = (message) => ws.send(message);
        ws.onMessage((message) => upstream.send(message));
        upstream.onMessage((message) => {
          const frame = JSON.parse(message);
          const holding = held.length > 0 || (holdQa && frame.kind === 'qa');
          if (holding && frame.type === 'change') held.push(message);
          else ws.send(message);
        });
      }),
  });
  const other = await stage.viewer(server, { name: 'other-viewer' });
  for (const page of [producer, viewer, other]) await waitConnected(page);
  await viewer.getByTestId('tab-qa').click();
  await other.getByTestId('tab-qa').click();

  const state = producer.getByTestId('qa-state');
  await producer.locator('[data-testid=qa-state][data-open=true]').waitFor();
  assert.equal((await state.textContent()).trim(), 'Q&A is OPEN: viewers can ask questions.');
  assert.equal((await producer.getByTestId('qa-toggle').textContent()).trim(), 'Close Q&A');
  assert.equal(await viewer.getByTestId('qa-closed').isVisible(), false);

  // Closed: the producer sees it, the ask box is disabled with a clear message, a
  // half-typed question is kept.
  await other.getByTestId('ask-text').fill('Half-typed question about');
  await producer.getByTestId('qa-toggle').click();
  await producer.locator('[data-testid=qa-state][data-open=false]').waitFor({ timeout: 5000 });
  assert.match(await state.textContent(), /CLOSED/);
  assert.equal((await producer.getByTestId('qa-toggle').textContent()).trim(), 'Open Q&A');
  await waitText(producer, 'last-command', 'close Q&A: acknowledged');
  const notice = other.getByTestId('qa-closed');
  await notice.waitFor({ state: 'visible', timeout: 5000 });
  assert.match(await notice.textContent(), /Questions are closed right now/);
  assert.equal(await other.getByTestId('ask-text').isDisabled(), true);
  assert.equal(await other.getByTestId('ask-submit').isDisabled(), true);
  assert.equal(await other.getByTestId('ask-text').inputValue(), 'Half-typed question about');
  // Voting stays possible: the notice says so and nothing else is disabled.
  assert.match(await notice.textContent(), /still vote/);

  // A question sent before the viewer heard about the close gets `conflict`,
  // shown as a plain sentence; the text stays in the box.
  await producer.getByTestId('qa-toggle').click(); // open again
  await viewer.getByTestId('qa-closed').waitFor({ state: 'hidden', timeout: 5000 });
  holdQa = true;
  await producer.getByTestId('qa-toggle').click(); // close; this viewer does not know yet
  await waitText(producer, 'last-command', 'close Q&A: acknowledged');
  await other.getByTestId('qa-closed').waitFor({ state: 'visible', timeout: 5000 });
  // The `qa` change is the first held; a `stats` change published just after it (the
  // viewer count of a moment before, once a second) may already be held behind it.
  assert.ok(held.length >= 1);
  assert.equal(JSON.parse(held[0]).kind, 'qa');
  // Another viewer joins, so a `stats` change follows the held `qa` one: it must
  // wait behind it, not open a gap.
  const heldBefore = held.length;
  const counted = await textOf(producer, 'viewer-count');
  const late = await stage.viewer(server, { name: 'late-viewer' });
  await waitConnected(late);
  await producer.waitForFunction(
    (before) => document.querySelector('[data-testid=viewer-count]').textContent.trim() !== before,
    counted,
    { timeout: 5000 },
  );
  await waitFor(() => held.length > heldBefore, { what: 'a change held behind qa' });
  assert.equal(await viewer.getByTestId('ask-text').isDisabled(), false);
  await viewer.getByTestId('ask-text').fill('Will Japan join the summit declaration?');
  await viewer.getByTestId('ask-submit').click();
  await waitText(viewer, 'ask-feedback', 'Q&A has just closed, so your question was not sent.');
  assert.equal(await viewer.getByTestId('ask-text').inputValue(), 'Will Japan join the summit declaration?');
  assert.equal(await viewer.getByTestId('my-pending-item').count(), 0);
  holdQa = false;
  for (const message of held.splice(0)) toViewer(message);
  await viewer.getByTestId('qa-closed').waitFor({ state: 'visible', timeout: 5000 });
  assert.equal(viewerSockets, 1, 'the viewer never had to reconnect');

  // Reopened: the box works again and the kept text can be sent.
  await producer.getByTestId('qa-toggle').click();
  await producer.locator('[data-testid=qa-state][data-open=true]').waitFor({ timeout: 5000 });
  await notice.waitFor({ state: 'hidden', timeout: 5000 });
  assert.equal(await other.getByTestId('ask-text').isDisabled(), false);
  await other.getByTestId('ask-text').fill('Half-typed question about the summit, now finished?');
  await other.getByTestId('ask-submit').click();
  await other.getByTestId('my-pending-item').waitFor({ timeout: 5000 });
  const fresh = await (await fetch(`${server.url}/api/events/${defaultEvent}/state`)).json();
  assert.equal(fresh.qa.open, true);
  assert.deepEqual(stage.problems, []);
});

test('merged questions sit under their target with undo; an answered question can be reopened', { timeout: 40000 }, async (t) => {
  const stage = new Stage(browser);
  t.after(() => stage.close());
  const server = await stage.server();
  const moderator = await stage.moderator(server);
  const askers = [];
  for (const name of ['asker-1', 'asker-2', 'asker-3']) askers.push(await stage.viewer(server, { name }));
  for (const page of [moderator, ...askers]) await waitConnected(page);
  for (const page of askers) await page.getByTestId('tab-qa').click();

  const original = 'What will NATO ask of Japan at the summit?';
  await ask(askers[0], original);
  await askers[0].getByTestId('my-pending-item').waitFor({ timeout: 5000 });
  // Near-identical questions (case and punctuation aside) merge into the first.
  // The target still waits for a moderator, so askers hear what any pending question gets.
  await ask(askers[1], 'what will NATO ask of Japan at the summit');
  await waitText(askers[1], 'ask-feedback', 'once a moderator approves it');
  await ask(askers[2], 'What will NATO ask of Japan at the summit??');
  await waitText(askers[2], 'ask-feedback', 'once a moderator approves it');

  const queue = moderator.getByTestId('queue-list').getByTestId('queue-item');
  await queue.filter({ hasText: original }).getByTestId('merged-summary').filter({ hasText: 'merged: 2 similar questions' }).waitFor({ timeout: 5000 });
  // Merged questions are not work in the queue: one item, depth 1.
  assert.equal(await queue.count(), 1);
  await moderator.locator('[data-testid=queue-depth][data-count="1"]').waitFor();
  const targetId = await queue.filter({ hasText: original }).getAttribute('data-id');
  const target = moderator.locator(`#queue-list [data-testid=queue-item][data-id="${targetId}"]`);
  await target.getByTestId('merged-summary').click();
  const children = target.getByTestId('merged-item');
  assert.equal(await children.count(), 2);
  assert.match(await children.first().textContent(), /what will NATO ask of Japan at the summit/);

  // Undo one merge: it returns to the queue on its own.
  await children.filter({ hasText: 'summit??' }).getByTestId('unmerge').click();
  // A merge cannot be redone by hand, so the console asks first.
  await waitText(moderator, 'confirm-body', 'cannot be redone');
  await moderator.getByTestId('confirm-ok').click();
  await queue.filter({ hasText: 'summit??' }).waitFor({ timeout: 5000 });
  await target.getByTestId('merged-summary').filter({ hasText: 'merged: 1 similar question' }).waitFor({ timeout: 5000 });
  await moderator.locator('[data-testid=queue-depth][data-count="2"]').waitFor();
  await waitText(moderator, 'last-command', 'acknowledged');

  // Approve the target: the remaining merged question follows it to the live list,
  // and its asker's vote was counted.
  await target.getByTestId('approve').click();
  const live = moderator.locator(`#live-questions [data-testid=live-question][data-id="${targetId}"]`);
  await live.getByTestId('merged-summary').filter({ hasText: 'merged: 1 similar question' }).waitFor({ timeout: 5000 });
  const viewerItem = askers[0].getByTestId('question-list').getByTestId('question-item').filter({ hasText: original });
  await viewerItem.locator('.vote-count').filter({ hasText: /^1$/ }).waitFor({ timeout: 5000 });
  await askers[1].getByTestId('question-list').getByTestId('question-item').filter({ hasText: original }).waitFor({ timeout: 5000 });
  // The merge into a queued question was not disclosed to its asker, so their page
  // cannot mark the vote as theirs; the count above includes it.

  // Mark answered, then reopen from the Q&A view.
  await live.click();
  await moderator.keyboard.press('m');
  await askers[0].getByTestId('answered-list').getByTestId('question-item').filter({ hasText: original }).waitFor({ timeout: 5000 });
  await moderator.getByTestId('tab-questions').click();
  const answered = moderator.locator(`#qa-answered [data-testid=live-question][data-id="${targetId}"]`);
  await answered.getByTestId('reopen').click();
  await moderator.locator(`#qa-approved [data-testid=live-question][data-id="${targetId}"]`).waitFor({ timeout: 5000 });
  await askers[0].getByTestId('question-list').getByTestId('question-item').filter({ hasText: original }).waitFor({ timeout: 5000 });
  assert.equal(await askers[0].getByTestId('answered-list').getByTestId('question-item').count(), 0);
  // The vote button works again on the reopened question.
  assert.equal(await askers[2].getByTestId('question-list').getByTestId('question-item').filter({ hasText: original }).getByTestId('vote-button').isDisabled(), false);

  // Undo of "mark answered" is a reopen too: answer with `m`, undo with `u`.
  const approvedItem = moderator.locator(`#qa-approved [data-testid=live-question][data-id="${targetId}"]`);
  await approvedItem.click();
  await moderator.keyboard.press('m');
  await answered.waitFor({ timeout: 5000 });
  await moderator.keyboard.press('u');
  await approvedItem.waitFor({ timeout: 5000 });
  assert.deepEqual(stage.problems, []);
});

test('CSV downloads carry the staff token; the token is refreshed before it expires', { timeout: 60000 }, async (t) => {
  const stage = new Stage(browser);
  t.after(() => stage.close());
  const server = await stage.server();
  // Five minutes left: less than the ten-minute margin, so the console refreshes at once.
  const shortToken = server.token('moderator', { ttl: '5m' });
  const moderator = await stage.open(server, `/moderate#token=${shortToken}`, { name: 'moderator' });
  const viewer = await stage.viewer(server);
  await waitConnected(moderator);
  await waitConnected(viewer);

  const expiryOf = (token) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).exp * 1000;
  const stored = () => moderator.evaluate(() => sessionStorage.getItem('companion:token'));
  await moderator.waitForFunction((old) => {
    const now = sessionStorage.getItem('companion:token');
    return now && now !== old;
  }, shortToken, { timeout: 10000 });
  const refreshed = await stored();
  assert.ok(expiryOf(refreshed) - Date.now() > 50 * 60000, 'the new token lives about an hour');
  const claims = JSON.parse(Buffer.from(refreshed.split('.')[1], 'base64url').toString());
  assert.equal(claims.role, 'moderator');
  assert.equal(claims.event, defaultEvent);
  // A reload signs in with the new token.
  await moderator.reload();
  await waitConnected(moderator);
  assert.equal(await stored(), refreshed);

  // Something to export: a question and a post decision.
  await viewer.getByTestId('tab-qa').click();
  await ask(viewer, 'Does "AP4" coordination include, say, commas?');
  await moderator.getByTestId('queue-list').getByTestId('queue-item').getByTestId('approve').click();
  await viewer.getByTestId('question-list').getByTestId('question-item').waitFor({ timeout: 5000 });
  const response = await fetch(`${server.url}/api/events/${defaultEvent}/posts`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${server.token('ingest')}` },
    body: JSON.stringify({ id: 'csv-1', author: { handle: 'csv_author' }, text: 'For the audit #Road2NATO', created_at: Date.now() }),
  });
  assert.equal(response.status, 202);
  const post = moderator.getByTestId('queue-list').getByTestId('queue-item').filter({ hasText: 'For the audit' });
  await post.getByTestId('reject').click();
  await post.waitFor({ state: 'detached', timeout: 5000 });

  const [questions] = await Promise.all([moderator.waitForEvent('download'), moderator.getByTestId('download-questions').click()]);
  assert.equal(questions.suggestedFilename(), `${defaultEvent}-questions.csv`);
  const questionsCsv = await readFile(await questions.path(), 'utf8');
  assert.match(questionsCsv, /^id,text,author,votes,status,segment,asked_at,answered_at,merged_into\r?\n/);
  assert.ok(questionsCsv.includes('"Does ""AP4"" coordination include, say, commas?"'), questionsCsv);

  const [audit] = await Promise.all([moderator.waitForEvent('download'), moderator.getByTestId('download-audit').click()]);
  assert.equal(audit.suggestedFilename(), `${defaultEvent}-audit.csv`);
  const auditCsv = await readFile(await audit.path(), 'utf8');
  assert.match(auditCsv, /^at,who,action,kind,item,author,text,rule,reason\r?\n/);
  assert.match(auditCsv, /rejected,post,webhook:csv-1,csv_author,For the audit #Road2NATO,/);
  // No CSP violation, no console error from fetching or saving.
  assert.deepEqual(stage.problems, []);
});
