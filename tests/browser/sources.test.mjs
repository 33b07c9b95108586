// The moderator console's Sources panel, in real Chromium: the replay source
// of a server started with --replay shows with its state and accepted count,
// a server without sources says so, and the panel follows a server restart
// (marked stale while disconnected, polled again as soon as it reconnects).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser, Stage, waitConnected, waitText, defaultEvent } from './helpers.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const replayFile = path.join(repo, 'events', `${defaultEvent}.posts.ndjson`);
const replayArgs = ['--replay', replayFile, '--replay-speed', '0'];

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

// Waits until the page lists a replay source that has accepted at least one post.
async function waitReplayAccepted(page, timeout) {
  await page.waitForFunction(
    () => {
      const item = document.querySelector('[data-testid=sources-panel] [data-testid=source-item][data-kind=replay]');
      return Boolean(item && Number(item.dataset.accepted) > 0);
    },
    null,
    { timeout },
  );
  return page.locator('[data-testid=source-item][data-kind=replay]');
}

// The computed colour of a CSS custom property on the page, e.g. '--ok'.
async function colourOf(page, variable) {
  return page.evaluate((name) => {
    const probe = document.createElement('span');
    probe.style.setProperty('color', `var(${name})`);
    document.body.append(probe);
    const value = getComputedStyle(probe).color;
    probe.remove();
    return value;
  }, variable);
}

test('a replay source shows in the Sources panel with its state and accepted count', { timeout: 40000 }, async (t) => {
  const stage = new Stage(browser);
  t.after(() => stage.close());
  const server = await stage.server({ args: replayArgs });
  const moderator = await stage.moderator(server);
  await waitConnected(moderator);

  const item = await waitReplayAccepted(moderator, 20000);
  assert.equal(await moderator.getByTestId('source-item').count(), 1);
  const state = await item.getAttribute('data-state');
  assert.ok(['finished', 'replaying'].includes(state), `replay state ${state}`);
  assert.equal(await item.locator('.source-kind').textContent(), 'Replay');
  assert.equal(await item.getByTestId('source-state').textContent(), state);

  // The count on screen is the one the server reports, formatted for reading.
  const accepted = Number(await item.getAttribute('data-accepted'));
  assert.ok(accepted > 0);
  assert.equal(await item.getByTestId('source-accepted').textContent(), `${accepted.toLocaleString('en')} accepted`);
  const response = await fetch(`${server.url}/api/events/${defaultEvent}/sources`, {
    headers: { Authorization: `Bearer ${server.token('moderator')}` },
  });
  assert.equal(response.status, 200);
  const reported = (await response.json()).find((s) => s.kind === 'replay');
  assert.ok(reported, 'the server lists the replay source');
  assert.ok(reported.accepted >= accepted, `server ${reported.accepted} vs page ${accepted}`);

  // Lag is a Jetstream figure and no error happened: both stay hidden for a replay.
  assert.equal(await item.getByTestId('source-lag').isVisible(), false);
  assert.equal(await item.getByTestId('source-error').isVisible(), false);
  assert.equal(await moderator.getByTestId('sources-note').isVisible(), false);

  // The dot is green while replaying, grey once finished.
  const dot = await item.locator('.source-dot').evaluate((n) => getComputedStyle(n).backgroundColor);
  assert.equal(dot, await colourOf(moderator, state === 'replaying' ? '--ok' : '--muted'));
  assert.notEqual(dot, await colourOf(moderator, '--amber'));

  // A replay at speed 0 runs out; the panel follows on its next poll.
  await moderator.locator('[data-testid=source-item][data-kind=replay][data-state=finished]').waitFor({ timeout: 15000 });
  assert.equal(
    await moderator.locator('[data-testid=source-item][data-kind=replay] .source-dot').evaluate((n) => getComputedStyle(n).backgroundColor),
    await colourOf(moderator, '--muted'),
  );
  assert.deepEqual(stage.problems, []);
});

test('without sources the panel says so; after a restart with a replay it polls again on reconnect', { timeout: 60000 }, async (t) => {
  const stage = new Stage(browser);
  t.after(() => stage.close());
  const first = await stage.server();
  const moderator = await stage.moderator(first);
  await waitConnected(moderator);
  await waitText(moderator, 'sources-note', 'No ingest sources configured.', 10000);
  assert.equal(await moderator.getByTestId('source-item').count(), 0);
  assert.equal(await moderator.getByTestId('sources-panel').isVisible(), true);

  // Same data and port, now with a replay: the moderator's page reconnects by itself.
  await first.stop();
  await moderator.waitForSelector('[data-testid=connection-state][data-state=reconnecting]', { timeout: 5000 });
  const second = await stage.server({ dataDir: first.dataDir, port: first.port, args: replayArgs });
  await waitConnected(moderator, 20000);
  const item = await waitReplayAccepted(moderator, 20000);
  assert.ok(['finished', 'replaying'].includes(await item.getAttribute('data-state')));
  assert.equal(await moderator.getByTestId('sources-note').isVisible(), false);

  // Down again: the list stays but is marked stale rather than passed off as current.
  await second.stop();
  await moderator.locator('.sources-panel.stale').waitFor({ timeout: 5000 });
  await waitText(moderator, 'sources-note', 'Not connected', 5000);
  assert.equal(await moderator.getByTestId('source-item').count(), 1);

  // Losing the server logs failed WebSocket connections; nothing else may go wrong.
  const unexpected = stage.problems.filter((p) => !(p.kind === 'console' && /WebSocket/.test(p.text)));
  assert.deepEqual(unexpected, []);
});
