// Regenerates docs/images/{viewer,producer,moderator}.png from a real server
// with live data: the agenda started, an announcement, approved and pending
// questions with votes. Run: COMPANION_BIN=... node browser/screenshots.mjs
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import { repoRoot } from '../integration/lib/harness.mjs';
import { launchBrowser, Stage, waitConnected, waitText } from './helpers.mjs';

const outDir = process.env.SCREENSHOT_DIR ?? path.join(repoRoot, 'docs/images');

const QUESTIONS = [
  { name: 'Aiko', text: 'How will Japan and South Korea take part in the Washington summit?' },
  { name: '', text: 'What does closer NATO cooperation mean for deterrence in the Taiwan Strait?' },
  { name: 'Min-jun', text: 'Will the partners get a standing seat at NATO defence ministerials?' },
];

async function ask(page, { name, text }) {
  await page.getByTestId('ask-text').fill(text);
  await page.getByTestId('ask-name').fill(name);
  await page.getByTestId('ask-submit').click();
  await page.getByTestId('my-pending-item').filter({ hasText: text }).waitFor();
}

const browser = await launchBrowser();
const stage = new Stage(browser);
try {
  mkdirSync(outDir, { recursive: true });
  const server = await stage.server();
  const producer = await stage.producer(server);
  const moderator = await stage.moderator(server);
  const asker = await stage.viewer(server, { name: 'asker' });
  const viewer = await stage.viewer(server, { name: 'viewer' });
  for (const page of [producer, moderator, asker, viewer]) await waitConnected(page);

  await producer.getByTestId('btn-start').click();
  await waitText(producer, 'now-title', 'Opening remarks');
  await producer.getByTestId('btn-next').click();
  await waitText(producer, 'now-title', 'Keynote remarks');
  await producer.getByTestId('announce-text').fill('The panel starts right after the keynote. Send your questions now!');
  await producer.getByTestId('announce-send').click();
  await waitText(viewer, 'announcement', 'The panel starts');

  await asker.getByTestId('tab-qa').click();
  for (const question of QUESTIONS) await ask(asker, question);
  // Approve the first two; the third stays in the queue.
  for (const question of QUESTIONS.slice(0, 2)) {
    const item = moderator.getByTestId('queue-list').getByTestId('queue-item').filter({ hasText: question.text });
    await item.getByTestId('approve').click();
    await moderator.getByTestId('live-questions').getByTestId('live-question').filter({ hasText: question.text }).waitFor();
  }
  await viewer.getByTestId('tab-qa').click();
  const vote = viewer.getByTestId('question-item').filter({ hasText: QUESTIONS[1].text }).getByTestId('vote-button');
  await vote.click();
  await viewer.getByTestId('question-item').filter({ hasText: QUESTIONS[1].text }).locator('.vote-count').filter({ hasText: /^1$/ }).waitFor();
  await viewer.getByTestId('tab-agenda').click();
  // Let the segment timer run a few seconds so it shows real progress.
  await new Promise((resolve) => setTimeout(resolve, 3000));
  await moderator.mouse.move(0, 0);

  // Clicking a tab scrolled the page; the screenshot shows the page as it opens.
  await viewer.evaluate(() => window.scrollTo(0, 0));
  await viewer.screenshot({ path: path.join(outDir, 'viewer.png') });
  if (process.env.REVIEW_DIR) {
    // Extra views for reviewing the layout, not published.
    await viewer.screenshot({ path: path.join(process.env.REVIEW_DIR, 'viewer-full.png'), fullPage: true });
    await viewer.getByTestId('tab-qa').click();
    await viewer.screenshot({ path: path.join(process.env.REVIEW_DIR, 'viewer-qa-full.png'), fullPage: true });
    await moderator.getByTestId('tab-questions').click();
    await moderator.screenshot({ path: path.join(process.env.REVIEW_DIR, 'moderator-qa.png') });
    await moderator.getByTestId('tab-queue').click();
    await viewer.getByTestId('tab-wall').click();
    await viewer.screenshot({ path: path.join(process.env.REVIEW_DIR, 'viewer-wall.png') });
    const overlay = await stage.open(server, '/screen', { name: 'overlay', viewport: { width: 1920, height: 1080 } });
    await producer.getByTestId('pick-question').filter({ hasText: QUESTIONS[1].text }).getByTestId('screen-put-question').click();
    await overlay.locator('[data-testid=screen-card][data-state=shown]').waitFor();
    await new Promise((resolve) => setTimeout(resolve, 800));
    await overlay.screenshot({ path: path.join(process.env.REVIEW_DIR, 'overlay.png') });
  }
  await producer.screenshot({ path: path.join(outDir, 'producer.png') });
  await moderator.screenshot({ path: path.join(outDir, 'moderator.png') });
  if (stage.problems.length) console.error('page problems:', stage.problems);
  console.log(`screenshots written to ${outDir}`);
} finally {
  await stage.close();
  await browser.close();
}
