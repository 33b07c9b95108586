// The social wall end to end in real Chromium: posts come in through the
// ingest webhook, a moderator approves, features or rejects them with a click
// or a key, and every viewer's Wall (and the overlay) follows.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, Stage, waitConnected, defaultEvent } from './helpers.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

let nextPostId = 1;

// A post in the project's generic ingest format (hashtag-tracker/README.md).
function post({ handle = 'analyst_tokyo', name = 'Tokyo Analyst', text, agoMs = 120000, id = `t${nextPostId++}` }) {
  return {
    id,
    source: 'webhook',
    url: `https://example.org/posts/${id}`,
    author: { handle, display_name: name },
    text,
    tags: ['Road2NATO'],
    lang: 'en',
    created_at: Date.now() - agoMs,
  };
}

// POSTs one post or an array of them (as NDJSON) to the ingest webhook; returns the tally.
async function ingest(server, posts) {
  if (!server.ingestToken) server.ingestToken = server.token('ingest');
  const list = Array.isArray(posts) ? posts : [posts];
  const response = await fetch(`${server.url}/api/events/${defaultEvent}/posts`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${server.ingestToken}`, 'Content-Type': 'application/x-ndjson' },
    body: list.map((p) => JSON.stringify(p)).join('\n'),
  });
  assert.equal(response.status, 202, await response.clone().text());
  return response.json();
}

function queueItem(moderator, text) {
  return moderator.getByTestId('queue-list').getByTestId('queue-item').filter({ hasText: text });
}

function wallItem(viewer, text) {
  return viewer.getByTestId('wall-list').getByTestId('wall-item').filter({ hasText: text });
}

async function openWall(viewer) {
  await waitConnected(viewer);
  await viewer.getByTestId('tab-wall').click();
}

test('approve, feature and reject posts: every viewer follows within a second', { timeout: 45000 }, async (t) => {
  const stage = new Stage(browser);
  t.after(() => stage.close());
  const server = await stage.server();
  const viewers = [await stage.viewer(server, { name: 'viewer-1' }), await stage.viewer(server, { name: 'viewer-2' })];
  const moderator = await stage.moderator(server);
  for (const viewer of viewers) await openWall(viewer);
  await waitConnected(moderator);

  const first = post({ text: 'Japan and Korea at the table in Washington #Road2NATO', agoMs: 3 * 60000 });
  assert.deepEqual(await ingest(server, first), { accepted: 1, duplicate: 0, rejected: 0, invalid: 0 });
  const queued = queueItem(moderator, first.text);
  await queued.waitFor({ timeout: 5000 });
  // The queue says which rule held the post.
  assert.match(await queued.getByTestId('held-by').textContent(), /Held by \w+/);
  await waitQueueDepth(moderator, 1);

  // A click approves; both viewers show it within a second.
  await queued.getByTestId('approve').click();
  const clickedAt = Date.now();
  await Promise.all(viewers.map((viewer) => wallItem(viewer, first.text).waitFor({ timeout: 1000 })));
  assert.ok(Date.now() - clickedAt < 1000, `wall updated after ${Date.now() - clickedAt} ms`);
  await queued.waitFor({ state: 'detached', timeout: 5000 });

  // The key `a` approves the selected (top) queue item.
  const second = post({ handle: 'seoul_watch', name: '서울 워치', text: 'Seoul watches the summit closely #Road2NATO', agoMs: 30000 });
  await ingest(server, second);
  const queuedSecond = queueItem(moderator, second.text);
  await queuedSecond.waitFor({ timeout: 5000 });
  assert.equal(await queuedSecond.getAttribute('aria-current'), 'true');
  await moderator.keyboard.press('a');
  const pressedAt = Date.now();
  await Promise.all(viewers.map((viewer) => wallItem(viewer, second.text).waitFor({ timeout: 1000 })));
  assert.ok(Date.now() - pressedAt < 1000);

  // Newest first, with handle, network icon, relative time and a link to the original.
  for (const viewer of viewers) {
    const items = viewer.getByTestId('wall-list').getByTestId('wall-item');
    assert.deepEqual(await items.evaluateAll((nodes) => nodes.map((n) => n.dataset.id)), [`webhook:${second.id}`, `webhook:${first.id}`]);
    const item = wallItem(viewer, first.text);
    assert.equal((await item.locator('.post-handle').textContent()).trim(), '@analyst_tokyo');
    assert.equal((await item.locator('.post-name').textContent()).trim(), 'Tokyo Analyst');
    const icon = item.locator('.post-net img');
    // From the page's versioned asset folder, beside the scripts.
    assert.match(await icon.getAttribute('src'), /\/assets\/[0-9a-f]{16}\/icons\/webhook\.svg$/);
    assert.equal(await icon.getAttribute('alt'), 'Web');
    assert.equal(await icon.evaluate((img) => img.complete && img.naturalWidth > 0), true);
    assert.match(await item.locator('time').textContent(), /3 min\. ago/);
    assert.match(await wallItem(viewer, second.text).locator('time').textContent(), /^now$/);
    const link = item.locator('a.post-link');
    assert.equal(await link.getAttribute('href'), first.url);
    assert.equal(await link.getAttribute('target'), '_blank');
    assert.match(await link.getAttribute('rel'), /noopener/);
    assert.equal(await item.evaluate((li) => li.classList.contains('featured')), false);
  }

  // `f` on a live wall post features it: featured styling on every viewer.
  await moderator.getByTestId('wall-list').getByTestId('wall-item').filter({ hasText: first.text }).click();
  await moderator.keyboard.press('f');
  for (const viewer of viewers) {
    const item = viewer.locator('[data-testid=wall-item].featured').filter({ hasText: first.text });
    await item.waitFor({ timeout: 2000 });
    assert.equal(await item.getByTestId('post-featured').isVisible(), true);
    const style = await item.evaluate((li) => getComputedStyle(li).borderTopWidth);
    assert.equal(style, '2px');
    // Featuring replaced it in place: still two posts, same order.
    const order = await viewer.getByTestId('wall-list').getByTestId('wall-item').evaluateAll((nodes) => nodes.map((n) => n.dataset.id));
    assert.deepEqual(order, [`webhook:${second.id}`, `webhook:${first.id}`]);
  }
  await moderator.getByTestId('wall-list').locator('[data-testid=wall-item].featured').filter({ hasText: first.text }).waitFor();

  // `r` rejects the selected queue item: gone from the queue, never on a wall.
  const third = post({ text: 'Buy followers cheap #Road2NATO' });
  await ingest(server, third);
  const queuedThird = queueItem(moderator, third.text);
  await queuedThird.waitFor({ timeout: 5000 });
  await queuedThird.click();
  await moderator.keyboard.press('r');
  await queuedThird.waitFor({ state: 'detached', timeout: 5000 });
  await waitQueueDepth(moderator, 0);
  // The status line names the author and a few words, never an internal id.
  const line = await moderator.getByTestId('last-command').textContent();
  assert.match(line, /Rejected .*“Buy followers cheap #Road2NATO”: acknowledged/);
  assert.doesNotMatch(line, /webhook:/);
  for (const viewer of viewers) assert.equal(await wallItem(viewer, third.text).count(), 0);
  const state = await (await fetch(`${server.url}/api/events/${defaultEvent}/state`)).json();
  assert.deepEqual(state.highlights.map((h) => h.id), [`webhook:${second.id}`, `webhook:${first.id}`]);
  assert.deepEqual(stage.problems, []);
});

async function waitQueueDepth(moderator, n) {
  await moderator.locator(`[data-testid=queue-depth][data-count="${n}"]`).waitFor({ timeout: 5000 });
}

test('a post containing markup is literal text in the queue, on the wall and on the overlay', { timeout: 60000 }, async (t) => {
  const stage = new Stage(browser);
  t.after(() => stage.close());
  const server = await stage.server();
  const viewer = await stage.viewer(server);
  const moderator = await stage.moderator(server);
  const overlay = await stage.open(server, `/screen?event=${defaultEvent}`, { name: 'overlay', viewport: { width: 1920, height: 1080 } });
  await openWall(viewer);
  await waitConnected(moderator);

  const payload = '<img src=x onerror=alert(1)>';
  const evil = post({ handle: 'x<b>y</b>', name: '<script>alert(2)</script>', text: `${payload} #Road2NATO` });
  await ingest(server, evil);
  const queued = queueItem(moderator, payload);
  await queued.waitFor({ timeout: 5000 });
  assert.equal(await queued.locator('.item-text').textContent(), evil.text);
  assert.equal(await queued.locator('.item-author').textContent(), evil.author.display_name);
  assert.equal(await moderator.locator('#queue-list .item-text img, #queue-list .item-head b').count(), 0);

  // Approve and put it on screen with one key, once the moderator confirms.
  await queued.click();
  await moderator.keyboard.press('s');
  await moderator.getByTestId('confirm-ok').click();
  const item = wallItem(viewer, payload);
  await item.waitFor({ timeout: 5000 });
  assert.equal(await item.locator('.post-text').textContent(), evil.text);
  assert.equal(await item.locator('.post-name').textContent(), evil.author.display_name);
  assert.equal(await viewer.locator('#wall-list img:not(.net-icon), #wall-list b, #wall-list script').count(), 0);

  await overlay.locator('[data-testid=screen-card][data-state=shown]').waitFor({ timeout: 5000 });
  assert.equal(await overlay.getByTestId('screen-text').textContent(), evil.text);
  assert.match(await overlay.getByTestId('screen-author').textContent(), /<script>alert\(2\)<\/script>/);
  assert.equal(await overlay.locator('#card img:not(.net-icon), #card b, #card script').count(), 0);

  // Give a would-be onerror handler time to fire.
  await new Promise((resolve) => setTimeout(resolve, 500));
  for (const page of [viewer, moderator, overlay]) assert.deepEqual(page.dialogs, []);
  assert.deepEqual(stage.problems, []);
});

test('blocking and trusting an author decides their later posts', { timeout: 60000 }, async (t) => {
  const stage = new Stage(browser);
  t.after(() => stage.close());
  const server = await stage.server();
  const viewer = await stage.viewer(server);
  const moderator = await stage.moderator(server);
  const frames = [];
  moderator.on('websocket', (ws) => ws.on('framesent', (frame) => frames.push(String(frame.payload))));
  await moderator.reload();
  await openWall(viewer);
  await waitConnected(moderator);

  const spam = post({ handle: 'spam_bot', name: 'Spam', text: 'Cheap watches #Road2NATO' });
  const fan = post({ handle: 'policy_fan', name: 'Policy Fan', text: 'Great panel so far #Road2NATO' });
  await ingest(server, [spam, fan]);

  await queueItem(moderator, spam.text).getByTestId('block').click();
  // Blocking also clears the author's waiting posts.
  await queueItem(moderator, spam.text).waitFor({ state: 'detached', timeout: 5000 });
  await queueItem(moderator, fan.text).getByTestId('trust').click();
  // Trusting approves the author's waiting post.
  await wallItem(viewer, fan.text).waitFor({ timeout: 5000 });
  const sent = frames.map((f) => JSON.parse(f));
  assert.ok(sent.some((f) => f.type === 'author.block' && f.source === 'webhook' && f.handle === 'spam_bot'));
  assert.ok(sent.some((f) => f.type === 'author.trust' && f.source === 'webhook' && f.handle === 'policy_fan'));

  // Later posts are decided without a moderator.
  const spam2 = post({ handle: 'spam_bot', name: 'Spam', text: 'More cheap watches #Road2NATO' });
  const tally = await ingest(server, spam2);
  assert.equal(tally.accepted + tally.rejected, 1);
  const fan2 = post({ handle: 'policy_fan', name: 'Policy Fan', text: 'Campbell on AUKUS pillar two #Road2NATO' });
  assert.equal((await ingest(server, fan2)).accepted, 1);
  await wallItem(viewer, fan2.text).waitFor({ timeout: 5000 });
  await moderator.getByTestId('wall-list').getByTestId('wall-item').filter({ hasText: fan2.text }).waitFor({ timeout: 5000 });
  assert.equal(await queueItem(moderator, fan2.text).count(), 0);
  assert.equal(await queueItem(moderator, spam2.text).count(), 0);
  assert.equal(await wallItem(viewer, 'cheap watches').count(), 0);
  // The audit log says why, post by post.
  const audit = await (
    await fetch(`${server.url}/api/events/${defaultEvent}/audit.csv`, { headers: { Authorization: `Bearer ${server.token('moderator')}` } })
  ).text();
  assert.match(audit, new RegExp(`auto_rejected,post,webhook:${spam2.id},spam_bot,[^\n]*,blocked_author,`));
  assert.match(audit, new RegExp(`auto_approved,post,webhook:${fan2.id},policy_fan,Campbell on AUKUS pillar two #Road2NATO,trusted_author,`));
  assert.deepEqual(stage.problems, []);
});

test('the wall holds new posts behind a pill while the reader is further down; counters for moderators', { timeout: 60000 }, async (t) => {
  const stage = new Stage(browser);
  t.after(() => stage.close());
  const server = await stage.server();
  const viewer = await stage.viewer(server);
  const moderator = await stage.moderator(server);
  await openWall(viewer);
  await waitConnected(moderator);

  // Four posts wait in the queue: depth 4, and per-minute counters per hashtag.
  const authors = [1, 2, 3, 4].map((i) => `reader_${i}`);
  await ingest(server, authors.map((handle, i) => post({ handle, text: `Waiting post ${i + 1} #Road2NATO #NATOSummit` })));
  await waitQueueDepth(moderator, 4);
  assert.equal((await moderator.getByTestId('queue-depth').textContent()).trim(), '4 waiting');
  const rate = moderator.locator('[data-testid=tag-rate][data-tag=Road2NATO]');
  await rate.filter({ hasText: '#Road2NATO: 4/min' }).waitFor({ timeout: 5000 });
  await moderator.locator('[data-testid=tag-rate][data-tag=NATOSummit]').filter({ hasText: '#NATOSummit: 4/min' }).waitFor({ timeout: 5000 });

  // Trusted authors fill the wall well past one screen (the event allows 5 posts
  // per author per minute, so four authors share the thread).
  for (let left = 3; left >= 0; left--) {
    await moderator.getByTestId('queue-list').getByTestId('queue-item').first().getByTestId('trust').click();
    await waitQueueDepth(moderator, left);
  }
  const many = Array.from({ length: 12 }, (_, i) => post({ handle: authors[i % 4], text: `Thread part ${i + 1}: what the partners bring to deterrence in the Indo-Pacific #Road2NATO`, agoMs: (20 - i) * 60000 }));
  assert.equal((await ingest(server, many)).accepted, 12);
  await wallItem(viewer, 'Thread part 12:').waitFor({ timeout: 5000 });
  await rate.filter({ hasText: '#Road2NATO: 16/min' }).waitFor({ timeout: 5000 });

  // Scrolled down to read: the next post does not move the page; a pill says it arrived.
  await viewer.evaluate(() => window.scrollTo(0, 1500));
  await viewer.waitForFunction(() => window.scrollY > 1000);
  const reading = wallItem(viewer, 'Thread part 6:');
  const top = () => reading.evaluate((n) => n.getBoundingClientRect().top);
  // Let the last arrivals finish laying out before measuring.
  let before = await top();
  for (let settled = 0; settled < 3; ) {
    await new Promise((resolve) => setTimeout(resolve, 150));
    const now = await top();
    settled = now === before ? settled + 1 : 0;
    before = now;
  }
  assert.equal(await viewer.getByTestId('new-posts-pill').isVisible(), false);
  assert.equal((await ingest(server, post({ handle: authors[3], text: 'Breaking: joint statement published #Road2NATO', agoMs: 0 }))).accepted, 1);
  const pill = viewer.getByTestId('new-posts-pill');
  await pill.waitFor({ state: 'visible', timeout: 5000 });
  assert.equal((await pill.textContent()).trim(), '1 new post');
  assert.ok(Math.abs((await top()) - before) < 1, `the post being read moved from ${before} to ${await top()}`);
  assert.equal(await wallItem(viewer, 'Breaking').count(), 0);

  // Tapping the pill shows it on top and scrolls there.
  await pill.click();
  await pill.waitFor({ state: 'hidden', timeout: 5000 });
  const firstId = await viewer.getByTestId('wall-list').getByTestId('wall-item').first().textContent();
  assert.match(firstId, /Breaking: joint statement published/);
  await viewer.waitForFunction(() => {
    const list = document.getElementById('wall-list').getBoundingClientRect();
    return list.top >= 0 && list.top < window.innerHeight;
  }, null, { timeout: 5000 });
  assert.deepEqual(stage.problems, []);
});
