// A post edited at its source, in real Chromium: the moderator console shows the edit
// of a live post as "Edited at the source" next to the text viewers see now; viewers
// and the overlay keep the approved text until the moderator approves the edit, then
// both show the new text in place.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, Stage, waitConnected, defaultEvent } from './helpers.mjs';
import { FakeMastodon } from '../integration/lib/social_fakes.mjs';
import { waitFor } from '../integration/lib/harness.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

// A Mastodon status tagged #NATOSummit, as the API serves it.
function status(text, editedAt = null) {
  return {
    id: '112100000000000042',
    created_at: new Date(Date.now() - 60000).toISOString(),
    in_reply_to_id: null,
    in_reply_to_account_id: null,
    sensitive: false,
    spoiler_text: '',
    visibility: 'public',
    language: 'en',
    uri: 'https://mastodon.social/users/rika/statuses/112100000000000042',
    url: 'https://mastodon.social/@rika/112100000000000042',
    edited_at: editedAt,
    content: `<p>${text} <a href="https://mastodon.social/tags/natosummit" class="mention hashtag" rel="tag">#<span>NATOSummit</span></a></p>`,
    reblog: null,
    account: { id: '42', username: 'rika', acct: 'rika@mastodon.social', display_name: 'Rika S.', url: 'https://mastodon.social/@rika' },
    media_attachments: [],
    mentions: [],
    tags: [{ name: 'natosummit', url: 'https://mastodon.social/tags/natosummit' }],
  };
}

const ORIGINAL = 'Panel on maritime security starts now';
const EDITED = 'Panel on maritime security: claim free tokens at evil.example';

test('a moderator sees an edit of a live post and approving it updates the wall and the overlay', { timeout: 60000 }, async (t) => {
  const fake = await new FakeMastodon().start();
  t.after(() => fake.close());
  const stage = new Stage(browser);
  t.after(() => stage.close());
  const server = await stage.server({ args: ['--mastodon', fake.base, '--mastodon-token', 'browser-edits-token'] });
  await waitFor(() => fake.open().some((s) => s.tag === 'natosummit'), { timeout: 10000, what: 'the hashtag stream' });
  const viewer = await stage.viewer(server);
  const overlay = await stage.open(server, `/screen?event=${defaultEvent}`, { name: 'overlay', viewport: { width: 1920, height: 1080 } });
  const moderator = await stage.moderator(server);
  await waitConnected(viewer);
  await viewer.getByTestId('tab-wall').click();
  await waitConnected(moderator);

  // The post arrives, is approved and put on screen with one key, once the moderator confirms.
  fake.post(status(ORIGINAL));
  const queued = moderator.getByTestId('queue-list').getByTestId('queue-item').filter({ hasText: ORIGINAL });
  await queued.waitFor({ timeout: 10000 });
  assert.equal(await queued.getByTestId('edit-of').isVisible(), false, 'a new post is not an edit');
  await queued.click();
  await moderator.keyboard.press('s');
  await moderator.getByTestId('confirm-ok').click();
  const onWall = viewer.getByTestId('wall-list').getByTestId('wall-item');
  await onWall.filter({ hasText: ORIGINAL }).waitFor({ timeout: 5000 });
  await overlay.locator('[data-testid=screen-card][data-state=shown]').waitFor({ timeout: 5000 });
  assert.match(await overlay.getByTestId('screen-text').textContent(), new RegExp(`^${ORIGINAL}`));

  // Edited at the source: the console shows both versions; viewers and the overlay keep the approved one.
  fake.edit(status(EDITED, new Date().toISOString()));
  const edit = moderator.getByTestId('queue-list').getByTestId('queue-item').filter({ hasText: EDITED });
  await edit.waitFor({ timeout: 10000 });
  const editOf = edit.getByTestId('edit-of');
  assert.equal(await editOf.isVisible(), true);
  assert.match(await editOf.textContent(), /Edited at the source/);
  assert.match(await edit.getByTestId('edit-of-text').textContent(), new RegExp(`^${ORIGINAL}`));
  assert.match(await edit.locator('.item-text').textContent(), new RegExp(`^${EDITED}`));
  assert.equal(await onWall.filter({ hasText: EDITED }).count(), 0, 'viewers do not see the edit');
  assert.equal(await onWall.filter({ hasText: ORIGINAL }).count(), 1);
  assert.match(await overlay.getByTestId('screen-text').textContent(), new RegExp(`^${ORIGINAL}`));

  // Approved: the viewer's wall and the overlay show the new text in place.
  await edit.getByTestId('approve').click();
  const clickedAt = Date.now();
  await onWall.filter({ hasText: EDITED }).waitFor({ timeout: 2000 });
  t.diagnostic(`the wall showed the approved edit ${Date.now() - clickedAt} ms after the click`);
  assert.equal(await onWall.count(), 1, 'replaced in place, not added');
  await waitFor(async () => (await overlay.getByTestId('screen-text').textContent()).startsWith(EDITED), { what: 'the overlay to show the edit' });
  await edit.waitFor({ state: 'detached', timeout: 5000 });
  assert.deepEqual(stage.problems, []);
});
