// The viewer form explains itself in real Chromium on a phone: each limit says
// what is wrong before Send is disabled, notices clear once they no longer apply,
// wall posts show their time, agenda times name the event's zone (and the viewer's
// own when it differs), the full title is a tap away, and a merged asker is told
// only that their vote was added.
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

test('limits are explained, notices clear, merged askers see one message', { timeout: 45000 }, async (t) => {
  const stage = new Stage(browser);
  t.after(() => stage.close());
  const server = await stage.server();
  const viewer = await stage.viewer(server);
  const other = await stage.viewer(server, { name: 'other' });
  for (const page of [viewer, other]) await waitConnected(page);
  for (const page of [viewer, other]) await page.getByTestId('tab-qa').click();

  await viewer.getByTestId('ask-text').fill('What will the partners sign in Washington?');
  await viewer.getByTestId('ask-name').fill('x'.repeat(41));
  await waitText(viewer, 'ask-limit', 'Your name is 1 character too long (at most 40)');
  assert.equal(await viewer.getByTestId('ask-submit').isDisabled(), true);
  await viewer.getByTestId('ask-name').fill('Aiko');
  assert.equal(await viewer.getByTestId('ask-limit').isVisible(), false);
  await viewer.getByTestId('ask-text').fill('y'.repeat(283));
  await waitText(viewer, 'ask-limit', 'Your question is 3 characters too long (at most 280)');
  await viewer.getByTestId('ask-text').fill('What will the partners sign in Washington?');
  await viewer.getByTestId('ask-submit').click();
  await waitText(viewer, 'ask-feedback', 'once a moderator approves it');
  // Typing the next question clears the old notice.
  await viewer.getByTestId('ask-text').pressSequentially('And');
  assert.equal((await viewer.getByTestId('ask-feedback').textContent()).trim(), '');

  // Merged into a question still waiting: told one thing only (a queued question stays
  // private, so this reads as any pending question), never also "your vote was added".
  await other.getByTestId('ask-text').fill('what will the partners sign in Washington');
  await other.getByTestId('ask-submit').click();
  await waitText(other, 'ask-feedback', 'once a moderator approves it');
  assert.doesNotMatch(await other.locator('#panel-qa').textContent(), /vote was added/);

  // Merged into a live question: "your vote was added", and no pending item of theirs.
  const moderator = await Client.open(server.wsUrl);
  t.after(() => moderator.ws.terminate());
  await moderator.hello({ token: server.token('moderator') });
  const asker = await Client.open(server.wsUrl);
  t.after(() => asker.ws.terminate());
  await asker.hello({});
  const live = await asker.request({ type: 'question.ask', text: 'Who pays for the new office in Tokyo?' });
  await moderator.request({ type: 'question.approve', question: live.question });
  await other.getByTestId('question-item').filter({ hasText: 'Who pays for the new office' }).waitFor({ timeout: 5000 });
  const pendingBefore = await other.getByTestId('my-pending-item').count();
  await other.getByTestId('ask-text').fill('who pays for the new office in Tokyo');
  await other.getByTestId('ask-submit').click();
  await waitText(other, 'ask-feedback', 'your vote was added');
  assert.equal(await other.getByTestId('my-pending-item').count(), pendingBefore);
  assert.doesNotMatch(await other.getByTestId('ask-feedback').textContent(), /Awaiting moderation|once a moderator/);
  assert.deepEqual(stage.problems, []);
});

test('agenda times name the zone, wall posts show their time, the full title is a tap away', { timeout: 45000 }, async (t) => {
  const stage = new Stage(browser);
  t.after(() => stage.close());
  const server = await stage.server();
  const tokyo = await stage.viewer(server, { name: 'tokyo', context: { timezoneId: 'Asia/Tokyo', locale: 'en-US' } });
  const dc = await stage.viewer(server, { name: 'dc', context: { timezoneId: 'America/New_York', locale: 'en-US' } });
  for (const page of [tokyo, dc]) await waitConnected(page);

  // The event's zone is named; a viewer elsewhere also gets their own time.
  await waitText(dc, 'agenda-zone', 'Times in America/New York (EDT)');
  const dcTime = await dc.getByTestId('agenda-time').first().textContent();
  assert.match(dcTime, /10:00\s?AM EDT/);
  assert.equal(await dc.getByTestId('agenda-local').first().isVisible(), false);
  await waitText(tokyo, 'agenda-zone', 'with your time (GMT+9) below');
  assert.match(await tokyo.getByTestId('agenda-time').first().textContent(), /10:00\s?AM EDT/);
  assert.match(await tokyo.getByTestId('agenda-local').first().textContent(), /11:00\s?PM your time/);

  // A wall post carries its clock time beside its age.
  const moderator = await Client.open(server.wsUrl);
  t.after(() => moderator.ws.terminate());
  await moderator.hello({ token: server.token('moderator') });
  await http(server, `/api/events/${defaultEvent}/posts`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.token('ingest')}`, 'content-type': 'application/x-ndjson' },
    body: JSON.stringify({ id: 'clock1', author: { handle: 'ana' }, text: 'Clock check #Road2NATO', created_at: Date.now() }),
  });
  const queued = await moderator.next((f) => f.type === 'queue.post');
  await moderator.request({ type: 'post.approve', post: queued.post.id });
  await dc.getByTestId('tab-wall').click();
  const clock = dc.getByTestId('wall-item').filter({ hasText: 'Clock check' }).getByTestId('post-clock');
  await clock.waitFor({ timeout: 5000 });
  assert.match(await clock.textContent(), /\d{1,2}:\d{2}/);

  // The title is cut on a phone; a tap shows all of it.
  const title = dc.getByTestId('event-title');
  const cut = await title.evaluate((node) => node.scrollWidth > node.clientWidth);
  assert.ok(cut, 'the long title is cut at first');
  await title.click();
  assert.equal(await title.getAttribute('aria-expanded'), 'true');
  const whole = await title.evaluate((node) => node.scrollWidth <= node.clientWidth && node.textContent.length > 30);
  assert.ok(whole, 'the whole title shows');
  assert.deepEqual(stage.problems, []);
});
