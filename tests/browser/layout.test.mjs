// The viewer page on a phone (390x844) with a full wall and Q&A in Japanese,
// Korean and English: nothing overflows sideways in either colour scheme,
// audience text carries its language (so Korean wraps at word boundaries and
// Japanese does not inherit that), and reduced motion turns animations off.
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

const POSTS = [
  { handle: 'tokyo_desk_with_a_really_long_handle_name', lang: 'ja', text: '視聴中：キャンベル国務副長官の基調講演。インド太平洋のパートナーとNATOの協力が構造的な変化だと強調 #Road2NATO' },
  { handle: 'seoul_policy', lang: 'ko', text: '메모: 기조연설 인상적입니다. 인도태평양 파트너와 북대서양조약기구의 협력은 구조적 변화라고 강조했습니다 #Road2NATO' },
  { handle: 'url_poster', lang: 'en', text: 'Transcript: https://example.org/a/very/long/path/without/any/break/points/that/could/push/the/layout/sideways #Road2NATO' },
];

const QUESTIONS = ['日本と韓国はワシントン・サミットにどのように参加しますか？', '파트너 국가들이 NATO 국방장관 회의에 정식으로 참여하게 됩니까?'];

async function horizontalOverflow(page) {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const outside = (box) => box.right > width + 0.5 || box.left < -0.5;
    // Content clipped by an ancestor that itself fits (an ellipsis) is not overflow.
    const clipped = (node) => {
      for (let up = node.parentElement; up && up !== document.body; up = up.parentElement) {
        const style = getComputedStyle(up);
        if (['hidden', 'clip'].includes(style.overflowX) && !outside(up.getBoundingClientRect())) return true;
      }
      return false;
    };
    const wide = Array.from(document.querySelectorAll('body *')).filter((node) => {
      const box = node.getBoundingClientRect();
      return box.width > 0 && outside(box) && !node.closest('.sr-only') && !clipped(node);
    });
    return { scrollWidth: document.documentElement.scrollWidth, width, wide: wide.map((n) => n.className || n.tagName) };
  });
}

test('phone viewport: CJK wall and questions fit, in dark and light, with and without reduced motion', { timeout: 40000 }, async (t) => {
  const stage = new Stage(browser);
  t.after(() => stage.close());
  const server = await stage.server();
  const moderator = await stage.moderator(server);
  const producer = await stage.producer(server);
  const asker = await stage.viewer(server, { name: 'asker' });
  await waitConnected(producer);
  await producer.getByTestId('btn-start').click();
  await waitConnected(moderator);
  await waitConnected(asker);

  const ingest = server.token('ingest');
  const body = POSTS.map((p, i) =>
    JSON.stringify({ id: `layout-${i}`, url: `https://example.org/${i}`, author: { handle: p.handle, display_name: '' }, text: p.text, lang: p.lang, created_at: Date.now() - i * 60000 }),
  ).join('\n');
  const response = await fetch(`${server.url}/api/events/${defaultEvent}/posts`, { method: 'POST', headers: { Authorization: `Bearer ${ingest}` }, body });
  assert.equal(response.status, 202);
  for (const p of POSTS) await moderator.getByTestId('queue-list').getByTestId('queue-item').filter({ hasText: p.text }).getByTestId('approve').click();
  await asker.getByTestId('tab-qa').click();
  for (const text of QUESTIONS) {
    await asker.getByTestId('ask-text').fill(text);
    await asker.getByTestId('ask-submit').click();
    await moderator.getByTestId('queue-list').getByTestId('queue-item').filter({ hasText: text }).getByTestId('approve').click();
  }

  const backgrounds = {};
  for (const [scheme, motion] of [['dark', 'reduce'], ['light', 'no-preference']]) {
    // A Korean interface: the case where word-break inheritance matters.
    const viewer = await stage.open(server, '/?lang=ko', { name: `viewer-${scheme}`, viewport: { width: 390, height: 844 }, isMobile: true });
    await viewer.emulateMedia({ colorScheme: scheme, reducedMotion: motion });
    await waitConnected(viewer);
    await viewer.locator('[data-testid=status-badge][data-status=live]').waitFor({ timeout: 5000 });
    backgrounds[scheme] = await viewer.evaluate(() => getComputedStyle(document.body).backgroundColor);
    for (const tab of ['agenda', 'wall', 'qa']) {
      await viewer.getByTestId(`tab-${tab}`).click();
      if (tab === 'wall') await viewer.getByTestId('wall-item').nth(POSTS.length - 1).waitFor({ timeout: 5000 });
      if (tab === 'qa') await viewer.getByTestId('question-list').getByTestId('question-item').nth(QUESTIONS.length - 1).waitFor({ timeout: 5000 });
      const overflow = await horizontalOverflow(viewer);
      assert.equal(overflow.scrollWidth, overflow.width, `${scheme} ${tab}: ${JSON.stringify(overflow)}`);
      assert.deepEqual(overflow.wide, [], `${scheme} ${tab}`);
    }

    // Audience text is marked with its language; only Korean keeps words whole.
    const q = (text) => viewer.getByTestId('question-item').filter({ hasText: text }).locator('.q-text');
    assert.equal(await q(QUESTIONS[0]).getAttribute('lang'), 'ja');
    assert.equal(await q(QUESTIONS[1]).getAttribute('lang'), 'ko');
    assert.equal(await q(QUESTIONS[0]).evaluate((n) => getComputedStyle(n).wordBreak), 'normal');
    assert.equal(await q(QUESTIONS[1]).evaluate((n) => getComputedStyle(n).wordBreak), 'keep-all');
    await viewer.getByTestId('tab-wall').click();
    const postText = (i) => viewer.getByTestId('wall-item').filter({ hasText: POSTS[i].text }).locator('.post-text');
    assert.equal(await postText(0).getAttribute('lang'), 'ja');
    assert.equal(await postText(1).getAttribute('lang'), 'ko');
    assert.equal(await postText(0).getAttribute('dir'), 'auto');

    // The LIVE badge pulses, unless the reader asked for reduced motion.
    const animations = await viewer.evaluate(() => document.getAnimations().filter((a) => a.playState === 'running').length);
    if (motion === 'reduce') assert.equal(animations, 0);
    else assert.ok(animations > 0, 'the LIVE pulse runs without reduced motion');
  }
  assert.notEqual(backgrounds.dark, backgrounds.light);
  assert.deepEqual(stage.problems, []);
});
