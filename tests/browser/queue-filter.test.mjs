// The moderator console's filter bar in real Chromium, over 1,500 held posts from two
// networks (the console holds only the oldest 100 at first): a search finds posts far
// beyond what was loaded, through short pages at a low scan bound; source and language
// menus narrow it further; live posts that do not match stay out, matching ones come
// in; deciding on a filtered row takes it away; clearing the filter gives the whole
// queue back.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defaultEvent, launchBrowser, Stage, waitConnected } from './helpers.mjs';
import { Client, http, waitFor } from '../integration/lib/harness.mjs';

const POSTS = 1500;

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

function replayPost(i) {
  const gipfel = i % 97 === 3;
  return {
    id: `p${i}`,
    source: i % 2 ? 'mastodon' : 'bluesky',
    author: { handle: `guest-${i}.example`, display_name: `Guest ${i}` },
    text: gipfel ? `Der GIPFEL beginnt, Teil ${i} #Road2NATO` : `Notes from session ${i} of the summit #Road2NATO`,
    lang: gipfel || i % 3 === 0 ? 'de' : 'en',
    created_at: Date.now() - 3600000 + i,
  };
}

test('the moderator filters and searches the whole queue on the server, live posts included', { timeout: 120000 }, async (t) => {
  const folder = mkdtempSync(path.join(tmpdir(), 'companion-console-filter-'));
  t.after(() => rmSync(folder, { recursive: true, force: true }));
  const posts = Array.from({ length: POSTS }, (_, i) => replayPost(i));
  const replay = path.join(folder, 'posts.ndjson');
  writeFileSync(replay, posts.map((p) => JSON.stringify(p)).join('\n') + '\n');
  const stage = new Stage(browser);
  t.after(() => stage.close());
  const server = await stage.server({ args: ['--replay', replay, '--replay-speed', '0', '--page-scan-limit', '300'] });
  const helper = await Client.open(server.wsUrl, { perMessageDeflate: false });
  t.after(() => helper.ws.terminate());
  await helper.hello({ token: server.token('moderator') });
  await waitFor(async () => {
    const probe = await Client.open(server.wsUrl, { perMessageDeflate: false });
    try {
      await probe.hello({ token: server.token('moderator') });
      return (await probe.next((f) => f.type === 'queue.snapshot')).posts_total === POSTS;
    } finally {
      probe.ws.terminate();
    }
  }, { timeout: 30000, what: `${POSTS} held posts` });

  const page = await stage.moderator(server);
  await waitConnected(page);
  const rows = page.getByTestId('queue-list').getByTestId('queue-item');
  await waitFor(async () => (await rows.count()) === 100, { timeout: 10000, what: 'the queue.snapshot in the console' });

  // A search: every match in the whole queue, each in its place, though the console had
  // loaded only the oldest 100 and the server looks at 300 items a page.
  const gipfel = posts.filter((p) => p.text.includes('GIPFEL'));
  assert.equal(gipfel.length, 16);
  await page.getByTestId('queue-search').fill('gipfel');
  await waitFor(async () => (await rows.count()) === gipfel.length, { timeout: 15000, what: 'every Gipfel post listed' });
  const texts = await rows.locator('.item-text').allTextContents();
  assert.deepEqual(texts, gipfel.map((p) => p.text));
  await page.getByTestId('queue-more').getByText(`${gipfel.length} matching items`).waitFor({ timeout: 5000 });
  assert.equal(await page.getByTestId('queue-empty').isHidden(), true);

  // Narrowed by source, then by language: the menus combine with the search.
  await page.getByTestId('queue-source').selectOption('mastodon');
  const fromMastodon = gipfel.filter((p) => p.source === 'mastodon');
  await waitFor(async () => (await rows.count()) === fromMastodon.length, { timeout: 10000, what: 'Gipfel posts from Mastodon' });
  await page.getByTestId('queue-search').fill('');
  await page.getByTestId('queue-lang').selectOption('de');
  const germanMastodon = posts.filter((p) => p.source === 'mastodon' && p.lang === 'de');
  // Far more than a screenful: the first pages come, the rest as the moderator asks for them.
  const loadMore = page.getByTestId('queue-load-more');
  await waitFor(async () => {
    if (await loadMore.isVisible()) await loadMore.dispatchEvent('click');
    return (await rows.count()) === germanMastodon.length;
  }, { timeout: 20000, interval: 200, what: `all ${germanMastodon.length} German Mastodon posts` });
  const shown = new Set(await rows.locator('.item-text').allTextContents());
  assert.deepEqual([...shown].sort(), germanMastodon.map((p) => p.text).sort());

  // Live posts while "gipfel" is searched: a match comes in, another post stays out.
  await page.getByTestId('queue-filter-clear').click();
  await waitFor(async () => (await rows.count()) === 100, { timeout: 10000, what: 'the whole queue back' });
  await page.getByTestId('queue-search').fill('GIPFEL');
  await waitFor(async () => (await rows.count()) === gipfel.length, { timeout: 15000, what: 'the search again' });
  const ingest = async (post) => {
    const answer = await http(server, `/api/events/${defaultEvent}/posts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.token('ingest')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ...post, created_at: Date.now() }),
    });
    assert.equal(answer.status, 202, answer.text);
  };
  await ingest({ id: 'live-other', author: { handle: 'other.example' }, text: 'Nothing to see here #Road2NATO' });
  await ingest({ id: 'live-match', author: { handle: 'late.example' }, text: 'Late news from the Gipfel #Road2NATO' });
  await helper.next((f) => f.type === 'queue.post' && f.post.id === 'webhook:live-match');
  // The "N new" marker holds new items while the pointer rests on the list; reveal them either way.
  const late = page.getByTestId('queue-list').getByText('Late news from the Gipfel');
  await waitFor(async () => (await late.count()) > 0 || (await page.getByTestId('queue-new').isVisible()), { what: 'the live match' });
  if (await page.getByTestId('queue-new').isVisible()) await page.getByTestId('queue-new').click();
  await late.waitFor({ timeout: 5000 });
  assert.equal(await page.getByTestId('queue-list').getByText('Nothing to see here').count(), 0);

  // Deciding on a filtered row takes it off the filtered list.
  const first = rows.filter({ hasText: gipfel[0].text });
  await first.getByTestId('approve').click();
  await first.waitFor({ state: 'detached', timeout: 5000 });
  await waitFor(async () => (await rows.count()) === gipfel.length, { timeout: 5000, what: 'one approved, one arrived' });

  // Clearing the filter lists the whole queue again, the live posts at its end.
  await page.getByTestId('queue-filter-clear').click();
  await waitFor(async () => (await rows.count()) >= 100, { timeout: 10000, what: 'the unfiltered queue' });
  assert.equal(await page.getByTestId('queue-search').inputValue(), '');
  assert.deepEqual(stage.problems, []);
});
