// Regenerates docs/images/{viewer,viewer-wall,viewer-desktop,producer,moderator,producer-overrun,timer,poll-screen}.png
// from a real server with live data: the bundled event playing a local HLS test stream
// (made with ffmpeg), the demo replay of social posts (some approved, one featured),
// the agenda started, an announcement, an open poll with votes, approved, pending and
// merged questions in English, Japanese and Korean.
// Run: COMPANION_BIN=... node browser/screenshots.mjs
// REVIEW_DIR=dir adds unpublished views (dark scheme, Q&A, overlay) for layout review.
import path from 'node:path';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { repoRoot, tempDataDir } from '../integration/lib/harness.mjs';
import { minute, showDataDir, writeShowEvent } from '../integration/lib/show.mjs';
import { launchBrowser, Stage, waitConnected, waitText } from './helpers.mjs';
import { startHlsStream } from './hls_stream.mjs';

const outDir = process.env.SCREENSHOT_DIR ?? path.join(repoRoot, 'docs/images');
const reviewDir = process.env.REVIEW_DIR;
const replay = path.join(repoRoot, 'events/nato-indo-pacific-2024.posts.ndjson');

const QUESTIONS = [
  { name: 'Aiko', text: '日本と韓国はワシントン・サミットにどのように参加しますか？' },
  { name: '', text: 'What does closer NATO cooperation mean for deterrence in the Taiwan Strait?' },
  { name: '민준', text: '파트너 국가들이 NATO 국방장관 회의에 정식으로 참여하게 됩니까?' },
  { name: 'Sam', text: 'Will the partners get a standing seat at NATO defence ministerials?' },
];
// Asked again by someone else in other words: merged into QUESTIONS[1].
const SIMILAR = 'what does closer NATO cooperation mean for deterrence in the Taiwan Strait';

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function ask(page, { name, text }) {
  await page.getByTestId('ask-text').fill(text);
  await page.getByTestId('ask-name').fill(name ?? '');
  await page.getByTestId('ask-submit').click();
}

// The bundled event with a playable stream (the local HLS test stream, 4 s behind),
// scheduled to begin now, so the consoles show a show on time rather than one 2024 left.
function eventWithStream(dir, url) {
  const event = JSON.parse(readFileSync(path.join(repoRoot, 'events/nato-indo-pacific-2024.json'), 'utf8'));
  event.stream = { kind: 'hls', url, delay_ms: 4000 };
  event.starts_at = new Date(Math.floor(Date.now() / 60000) * 60000).toISOString().replace('.000Z', 'Z');
  const file = path.join(dir, 'event.json');
  writeFileSync(file, JSON.stringify(event));
  return file;
}

const browser = await launchBrowser();
const stage = new Stage(browser);
const eventDir = tempDataDir();
const hls = await startHlsStream({ seconds: 120 });
try {
  mkdirSync(outDir, { recursive: true });
  const event = eventWithStream(eventDir, hls.url);
  const server = await stage.server({ args: ['--event', event, '--replay', replay, '--replay-speed', '0'] });
  const producer = await stage.producer(server);
  const moderator = await stage.moderator(server);
  const askers = [await stage.viewer(server, { name: 'asker-1' }), await stage.viewer(server, { name: 'asker-2' })];
  const viewer = await stage.viewer(server, { name: 'viewer' });
  for (const page of [producer, moderator, ...askers, viewer]) await waitConnected(page);

  await producer.getByTestId('btn-start').click();
  await waitText(producer, 'now-title', 'Opening remarks');
  await producer.getByTestId('btn-next').click();
  await waitText(producer, 'now-title', 'Keynote remarks');
  await producer.getByTestId('announce-text').fill('The panel starts right after the keynote. Send your questions now!');
  await producer.getByTestId('announce-send').click();
  // The viewer is in step with the stream: what happens reaches it a few seconds later.
  await waitText(viewer, 'announcement', 'The panel starts', 20000);

  // The replay's trusted authors are on the wall already; approve some of the held
  // posts (the oldest first, as the queue shows them) and feature one.
  const queuedPosts = moderator.getByTestId('queue-list').locator('[data-testid=queue-item][data-kind=post]');
  await queuedPosts.first().waitFor();
  const cjk = /[\u3040-\u30ff\uac00-\ud7af]/;
  for (let i = 0; i < 8; i++) {
    // The oldest first; the last two in Japanese or Korean, so they top the wall.
    const item = i < 6 ? queuedPosts.first() : queuedPosts.filter({ hasText: cjk }).first();
    const id = await item.getAttribute('data-id');
    await item.getByTestId('approve').click();
    await moderator.locator(`#wall-list [data-id="${id}"]`).waitFor();
  }
  const featured = moderator.getByTestId('wall-list').getByTestId('wall-item').nth(2);
  await featured.getByTestId('feature').click();
  await moderator.locator('#wall-list .item.featured').waitFor();

  for (const page of askers) await page.getByTestId('tab-qa').click();
  for (const [i, question] of QUESTIONS.entries()) {
    await ask(askers[i % 2], question);
    await askers[i % 2].getByTestId('my-pending-item').filter({ hasText: question.text }).waitFor();
  }
  // Approve the first three; the fourth stays in the queue, with a merged look-alike under the second.
  for (const question of QUESTIONS.slice(0, 3)) {
    const item = moderator.getByTestId('queue-list').getByTestId('queue-item').filter({ hasText: question.text });
    await item.getByTestId('approve').click();
    await moderator.getByTestId('live-questions').getByTestId('live-question').filter({ hasText: question.text }).waitFor();
  }
  await ask(askers[0], { name: 'Kenji', text: SIMILAR });
  await waitText(askers[0], 'ask-feedback', 'similar question');
  await viewer.getByTestId('tab-qa').click();
  const vote = viewer.getByTestId('question-item').filter({ hasText: QUESTIONS[0].text }).getByTestId('vote-button');
  await vote.click();
  await viewer.getByTestId('question-item').filter({ hasText: QUESTIONS[0].text }).locator('.vote-count').filter({ hasText: /^1$/ }).waitFor();

  // The first of the event's prepared polls, open, with a few ballots.
  await moderator.getByTestId('tab-polls').click();
  const draft = moderator.getByTestId('polls-drafts').getByTestId('poll-row').first();
  const withPoll = await draft.waitFor({ timeout: 5000 }).then(() => true, () => false);
  if (withPoll) {
    await draft.getByTestId('poll-open').click();
    await moderator.getByTestId('polls-open').getByTestId('poll-row').first().waitFor();
    for (const [page, choice] of [[askers[0], 0], [askers[1], 0], [viewer, 1]]) {
      await page.getByTestId('poll-choice').nth(choice).click({ timeout: 15000 });
      // One tap votes in a single-answer poll; a multiple-answer one asks to send.
      const send = page.getByTestId('poll-send');
      if (await send.isVisible()) await send.click();
      await page.getByTestId('poll-results').waitFor();
    }
  } else {
    console.error('the event prepares no poll: the screenshots show none');
  }
  await moderator.getByTestId('tab-queue').click();

  // The viewer on a phone, at the top: the stream playing, the segment, the poll's results.
  const playing = () => document.querySelector('#player video')?.currentTime > 2;
  await viewer.evaluate(() => window.scrollTo(0, 0));
  await viewer.waitForFunction(playing, null, { timeout: 30000 });
  await pause(500);
  await viewer.screenshot({ path: path.join(outDir, 'viewer.png') });

  // On a desktop, the stream beside the companion; this viewer has not voted yet.
  const desktop = await stage.open(server, '/', { name: 'desktop', viewport: { width: 1440, height: 900 } });
  await waitConnected(desktop);
  if (withPoll) await desktop.getByTestId('poll-choice').first().waitFor({ timeout: 15000 });
  await desktop.waitForFunction(playing, null, { timeout: 30000 });
  await pause(500);
  await desktop.screenshot({ path: path.join(outDir, 'viewer-desktop.png') });

  // The viewer on the Wall, scrolled so the tabs sit under the top bar.
  await viewer.getByTestId('tab-wall').click();
  await viewer.locator('#wall-list [data-testid=wall-item].featured').waitFor();
  await pause(2500); // the segment timer shows real progress; images and fonts settle
  await viewer.evaluate(() => {
    const from = document.getElementById('viewers');
    const bar = document.querySelector('.topbar').getBoundingClientRect().height;
    window.scrollTo(0, from.getBoundingClientRect().top + window.scrollY - bar - 10);
  });
  await pause(300);
  await viewer.screenshot({ path: path.join(outDir, 'viewer-wall.png') });

  await moderator.mouse.move(0, 0);
  await moderator.evaluate(() => window.scrollTo(0, 0));
  await pause(300);
  await moderator.screenshot({ path: path.join(outDir, 'moderator.png') });
  await producer.evaluate(() => window.scrollTo(0, 0));
  await pause(300);
  await producer.screenshot({ path: path.join(outDir, 'producer.png') });

  // The poll on air, as the video mixer's browser source shows it.
  if (withPoll) {
    const overlay = await stage.open(server, '/screen', { name: 'overlay', viewport: { width: 1920, height: 1080 } });
    await producer.getByTestId('polls-open').getByTestId('poll-screen').click();
    await overlay.locator('[data-testid=screen-card][data-state=shown] [data-testid=screen-poll]').waitFor();
    await pause(1200); // the bars grow in
    await overlay.screenshot({ path: path.join(outDir, 'poll-screen.png') });
    await producer.getByTestId('screen-clear').click();
    await overlay.locator('[data-testid=screen-card]').waitFor({ state: 'hidden' });
  }

  // The producer console during an overrun, and the stage timer beside it: a second
  // server whose journal started the show 29 minutes ago (a minute late) and moved
  // to the 20-minute keynote 24 minutes ago.
  {
    const dataDir = showDataDir([
      { ago: 29 * minute, type: 'agenda.start' },
      { ago: 24 * minute, type: 'agenda.next' },
    ]);
    const late = await stage.server({ dataDir, args: ['--event', writeShowEvent(dataDir, { startsIn: -30 * minute })] });
    const console_ = await stage.producer(late);
    const monitor = await stage.open(late, '/timer', { name: 'timer', viewport: { width: 1280, height: 720 } });
    await waitConnected(console_);
    await waitText(console_, 'now-timer', 'OVER');
    await console_.getByTestId('stage-text').fill('Please wrap up: the panel is waiting');
    await console_.getByTestId('stage-send').click();
    await waitText(monitor, 'stage-message', 'wrap up');
    await pause(800);
    await console_.screenshot({ path: path.join(outDir, 'producer-overrun.png') });
    await monitor.screenshot({ path: path.join(outDir, 'timer.png') });
  }

  if (reviewDir) {
    mkdirSync(reviewDir, { recursive: true });
    for (const [scheme, lang] of [['dark', 'ja'], ['light', 'ko']]) {
      const page = await stage.open(server, `/?lang=${lang}`, { name: `${lang}-${scheme}`, viewport: { width: 390, height: 844 }, isMobile: true });
      await page.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' });
      await waitConnected(page);
      await page.screenshot({ path: path.join(reviewDir, `viewer-${lang}-${scheme}-top.png`) });
      for (const tab of ['wall', 'qa']) {
        await page.getByTestId(`tab-${tab}`).click();
        await page.evaluate(() => window.scrollTo(0, document.getElementById('tabs').offsetTop - 40));
        await pause(300);
        await page.screenshot({ path: path.join(reviewDir, `viewer-${lang}-${scheme}-${tab}.png`) });
      }
    }
    await moderator.emulateMedia({ colorScheme: 'dark' });
    await moderator.getByTestId('tab-questions').click();
    await moderator.screenshot({ path: path.join(reviewDir, 'moderator-qa-dark.png') });
    const overlay = await stage.open(server, '/screen', { name: 'overlay', viewport: { width: 1920, height: 1080 } });
    await producer.getByTestId('pick-question').filter({ hasText: QUESTIONS[2].text }).getByTestId('screen-preview-question').click();
    await producer.getByTestId('take').click();
    await overlay.locator('[data-testid=screen-card][data-state=shown]').waitFor();
    await pause(800);
    await overlay.screenshot({ path: path.join(reviewDir, 'overlay.png') });
  }
  if (stage.problems.length) console.error('page problems:', stage.problems);
  console.log(`screenshots written to ${outDir}`);
} finally {
  await stage.close();
  await browser.close();
  await hls.stop();
  rmSync(eventDir, { recursive: true, force: true });
}
