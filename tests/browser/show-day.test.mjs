// A show day at the consoles in real Chromium: ending the event safely (Q&A closes,
// the overlay clears, the announcement becomes a closing message, controls that can
// no longer act are disabled); the clock (time left and overruns for the producer,
// never an overrun for viewers, drift, a late start, the /timer stage monitor).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, Stage, waitConnected, waitText, textOf, defaultEvent } from './helpers.mjs';
import { minute, showDataDir, writeShowEvent } from '../integration/lib/show.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

test('End closes Q&A, clears the overlay and replaces the announcement with a closing message', { timeout: 60000 }, async (t) => {
  const stage = new Stage(browser);
  t.after(() => stage.close());
  const server = await stage.server();
  const producer = await stage.producer(server);
  const viewer = await stage.viewer(server);
  const screen = await stage.open(server, '/screen', { name: 'screen', viewport: { width: 1920, height: 1080 } });
  for (const page of [producer, viewer]) await waitConnected(page);

  await producer.getByTestId('btn-start').click();
  await waitText(viewer, 'status-badge', 'LIVE');
  // A question on air and an announcement on every phone.
  await viewer.getByTestId('tab-qa').click();
  await viewer.getByTestId('ask-text').fill('Will Japan join the summit declaration?');
  await viewer.getByTestId('ask-submit').click();
  const moderator = await stage.moderator(server);
  await waitConnected(moderator);
  await moderator.getByTestId('queue-list').getByTestId('queue-item').getByTestId('approve').click();
  // Preview, then take: the producer airs what it previewed.
  await producer.getByTestId('screen-preview-question').first().click();
  await producer.getByTestId('take').click();
  await screen.locator('[data-testid=screen-card][data-state=shown]').waitFor({ timeout: 5000 });
  await producer.getByTestId('announce-text').fill('The panel will take questions at 3:10 PM');
  await producer.getByTestId('announce-send').click();
  await waitText(viewer, 'announcement', 'The panel will take questions at 3:10 PM');

  // The confirmation offers to keep, clear or replace the announcement.
  const dialog = producer.getByTestId('confirm-end-dialog');
  await producer.getByTestId('btn-end').click();
  await dialog.waitFor({ state: 'visible' });
  assert.match(await dialog.textContent(), /Q&A closes and the overlay is cleared/);
  assert.equal(await producer.getByTestId('end-keep').isChecked(), true, 'keeping is the default when one shows');
  assert.match(await textOf(producer, 'end-announcement'), /The panel will take questions at 3:10 PM/);
  await producer.getByTestId('end-closing-text').fill('That is all for today: thank you for joining!');
  assert.equal(await producer.getByTestId('end-closing').isChecked(), true, 'typing a message picks it');
  await producer.getByTestId('confirm-end').click();

  await waitText(viewer, 'status-badge', 'ENDED');
  await waitText(viewer, 'announcement', 'That is all for today: thank you for joining!');
  await viewer.getByTestId('qa-closed').waitFor({ state: 'visible', timeout: 5000 });
  assert.equal(await viewer.getByTestId('ask-text').isDisabled(), true);
  await screen.getByTestId('screen-card').waitFor({ state: 'hidden', timeout: 5000 });
  await waitText(producer, 'last-command', 'closing message: acknowledged');

  // Nothing that cannot act after the end is clickable; nothing answered with an error.
  for (const id of ['btn-start', 'btn-prev', 'btn-next', 'btn-pause', 'btn-end']) {
    assert.equal(await producer.getByTestId(id).isDisabled(), true, `${id} is disabled after the end`);
  }
  const jumps = producer.locator('[data-testid=jump-list] button');
  assert.ok((await jumps.count()) > 3);
  for (const button of await jumps.all()) assert.equal(await button.isDisabled(), true);
  assert.equal(await producer.getByTestId('qa-state').getAttribute('data-open'), 'false');
  const state = await (await fetch(`${server.url}/api/events/${defaultEvent}/state`)).json();
  assert.equal(state.qa.open, false);
  assert.equal(state.on_screen, null);
  assert.equal(state.announcement.text, 'That is all for today: thank you for joining!');
  assert.deepEqual(stage.problems, []);
});

test('End can clear the announcement instead', { timeout: 40000 }, async (t) => {
  const stage = new Stage(browser);
  t.after(() => stage.close());
  const server = await stage.server();
  const producer = await stage.producer(server);
  const viewer = await stage.viewer(server);
  for (const page of [producer, viewer]) await waitConnected(page);
  await producer.getByTestId('btn-start').click();
  await producer.getByTestId('announce-text').fill('Doors close at 5 PM');
  await producer.getByTestId('announce-send').click();
  await waitText(viewer, 'announcement', 'Doors close at 5 PM');
  await producer.getByTestId('btn-end').click();
  await producer.getByTestId('end-clear').check();
  await producer.getByTestId('confirm-end').click();
  await waitText(viewer, 'status-badge', 'ENDED');
  await viewer.getByTestId('announcement').waitFor({ state: 'hidden', timeout: 5000 });
  await waitText(producer, 'last-command', 'clear announcement: acknowledged');
  assert.deepEqual(stage.problems, []);
});

// ---- The clock ----

// A show that began late and whose keynote has run 24 minutes of its 20: opening
// planned 5 min, started 1 min late and ran 5; the keynote has been current since.
async function overrunShow(stage, { showTimers } = {}) {
  const dataDir = showDataDir([
    { ago: 29 * minute, type: 'agenda.start' },
    { ago: 24 * minute, type: 'agenda.next' },
  ]);
  const event = writeShowEvent(dataDir, { startsIn: -30 * minute, showTimers });
  return stage.server({ dataDir, args: ['--event', event] });
}

test('the producer sees the overrun in red and the show running late; the viewer sees no overrun', { timeout: 40000 }, async (t) => {
  const stage = new Stage(browser);
  t.after(() => stage.close());
  const server = await overrunShow(stage);
  const producer = await stage.producer(server);
  const viewer = await stage.viewer(server);
  for (const page of [producer, viewer]) await waitConnected(page);

  await waitText(producer, 'now-title', 'Keynote');
  await waitText(producer, 'now-timer', 'OVER');
  const timer = producer.getByTestId('now-timer');
  assert.match(await timer.textContent(), /^4:0\d OVER \(20:00 planned\)$/);
  assert.equal(await timer.getAttribute('data-over'), 'true');
  const color = await timer.evaluate((node) => getComputedStyle(node).color);
  const [r, g, b] = color.match(/\d+/g).map(Number);
  assert.ok(r > 180 && g < 80 && b < 80, `the overrun is red (${color})`);
  // 35 min of plan left from now against a planned end 30 min from now.
  const drift = producer.getByTestId('schedule-drift');
  assert.match(await drift.textContent(), /^Running 5 min late · planned end .+ · expected .+$/);
  assert.equal(await drift.getAttribute('data-drift'), 'late');

  // The viewer sees the keynote, and no timer once it has run over.
  await waitText(viewer, 'now-title', 'Keynote');
  assert.equal(await viewer.locator('#now-timer-row').isVisible(), false);
  assert.doesNotMatch(await viewer.locator('body').textContent(), /OVER|over|4:0\d/);

  // Next: the panel counts down from its 30 minutes; the viewer sees the time left.
  await producer.getByTestId('btn-next').click();
  await waitText(producer, 'now-timer', 'left of 30:00');
  assert.match(await timer.textContent(), /^(30:00|29:5\d) left of 30:00$/);
  assert.equal(await timer.getAttribute('data-over'), 'false');
  await waitText(viewer, 'now-timer', 'left');
  assert.match(await textOf(viewer, 'now-timer'), /^(30:00|29:5\d) left$/);
  assert.deepEqual(stage.problems, []);
});

test('Previous and Next count each segment only while it is current', { timeout: 40000 }, async (t) => {
  const stage = new Stage(browser);
  t.after(() => stage.close());
  // The keynote ran 13 min, the panel 10 min, then the show went back to the keynote.
  const dataDir = showDataDir([
    { ago: 28 * minute, type: 'agenda.start' },
    { ago: 23 * minute, type: 'agenda.next' },
    { ago: 10 * minute, type: 'agenda.next' },
    { ago: 0, type: 'agenda.previous' },
  ]);
  const server = await stage.server({ dataDir, args: ['--event', writeShowEvent(dataDir, { startsIn: -28 * minute })] });
  const producer = await stage.producer(server);
  await waitConnected(producer);
  await waitText(producer, 'now-title', 'Keynote');
  // 20 - 13 = 7 minutes left: the 10 minutes in the panel are not keynote time.
  assert.match(await textOf(producer, 'now-timer'), /^(7:00|6:5\d) left of 20:00$/);
  // Next again: the panel goes on from its own 10 minutes, 20 left.
  await producer.getByTestId('btn-next').click();
  await waitText(producer, 'now-title', 'Panel');
  assert.match(await textOf(producer, 'now-timer'), /^(20:00|19:5\d) left of 30:00$/);
});

test('show_timers: false hides the time from viewers, not from the producer', { timeout: 40000 }, async (t) => {
  const stage = new Stage(browser);
  t.after(() => stage.close());
  const dataDir = showDataDir([{ ago: 1 * minute, type: 'agenda.start' }]);
  const event = writeShowEvent(dataDir, { startsIn: -1 * minute, showTimers: false });
  const server = await stage.server({ dataDir, args: ['--event', event] });
  const producer = await stage.producer(server);
  const viewer = await stage.viewer(server);
  for (const page of [producer, viewer]) await waitConnected(page);
  await waitText(viewer, 'now-title', 'Opening remarks');
  await waitText(producer, 'now-timer', 'left of 5:00');
  assert.equal(await viewer.locator('#now-timer-row').isVisible(), false);
});

test('a late start reads "starts soon" with the planned time, not minutes ago', { timeout: 40000 }, async (t) => {
  const stage = new Stage(browser);
  t.after(() => stage.close());
  const dataDir = showDataDir([]);
  const server = await stage.server({ dataDir, args: ['--event', writeShowEvent(dataDir, { startsIn: -48 * minute })] });
  const producer = await stage.producer(server);
  const viewer = await stage.viewer(server);
  for (const page of [producer, viewer]) await waitConnected(page);
  await waitText(viewer, 'status-badge', 'STARTS SOON');
  const body = await textOf(viewer, 'not-started-body');
  assert.match(body, /^Starts soon\. Planned for .*\d.*\.$/);
  assert.doesNotMatch(await viewer.locator('#now-card').textContent(), /ago/);
  await waitText(producer, 'status-badge', 'STARTS SOON');
});

// The colour of the /timer digits settles (it fades between phases) on `colour`.
async function digitsColour(monitor, colour) {
  await monitor.waitForFunction(
    (want) => getComputedStyle(document.querySelector('[data-testid=timer-digits]')).color === want,
    colour,
    { timeout: 3000 },
  );
}

test('/timer shows the time left large, amber near the end, red when over, and stage messages', { timeout: 45000 }, async (t) => {
  const stage = new Stage(browser);
  t.after(() => stage.close());
  // The keynote (20 min) has run 19 min: amber.
  const dataDir = showDataDir([
    { ago: 24 * minute, type: 'agenda.start' },
    { ago: 19 * minute, type: 'agenda.next' },
  ]);
  const server = await stage.server({ dataDir, args: ['--event', writeShowEvent(dataDir, { startsIn: -24 * minute })] });
  const producer = await stage.producer(server);
  const viewer = await stage.viewer(server);
  const monitor = await stage.open(server, '/timer', { name: 'timer', viewport: { width: 1280, height: 720 } });
  for (const page of [producer, viewer]) await waitConnected(page);

  await monitor.locator('[data-testid=timer-monitor][data-phase=amber]').waitFor({ timeout: 5000 });
  assert.match(await textOf(monitor, 'timer-digits'), /^(1:00|0:5\d)$/);
  assert.equal(await textOf(monitor, 'timer-segment'), 'Keynote');
  assert.equal(await textOf(monitor, 'timer-next'), 'Next: Panel');
  const size = await monitor.getByTestId('timer-digits').evaluate((node) => parseFloat(getComputedStyle(node).fontSize));
  assert.ok(size >= 200, `the digits are large (${size}px at 720p)`);
  await digitsColour(monitor, 'rgb(251, 191, 36)');

  // A stage message reaches the timer only.
  await producer.getByTestId('stage-text').fill('Two more questions, then wrap up');
  await producer.getByTestId('stage-send').click();
  await waitText(monitor, 'stage-message', 'Two more questions, then wrap up');
  await waitText(producer, 'stage-now', 'Two more questions, then wrap up');
  assert.doesNotMatch(await viewer.locator('body').textContent(), /Two more questions/);
  await producer.getByTestId('stage-clear').click();
  await monitor.getByTestId('stage-message').waitFor({ state: 'hidden', timeout: 5000 });

  // Back to the opening, which ran its full 5 min: over at once, red, counting up.
  await producer.getByTestId('btn-prev').click();
  await monitor.locator('[data-testid=timer-monitor][data-phase=over]').waitFor({ timeout: 5000 });
  await waitText(monitor, 'timer-segment', 'Opening remarks');
  assert.match(await textOf(monitor, 'timer-digits'), /^\+0:0\d$/);
  await digitsColour(monitor, 'rgb(239, 68, 68)');
  assert.deepEqual(stage.problems, []);
});

// ---- The rundown changes live ----

test('the producer edits the rundown live and the viewer agenda follows', { timeout: 60000 }, async (t) => {
  const stage = new Stage(browser);
  t.after(() => stage.close());
  const server = await stage.server();
  const producer = await stage.producer(server);
  const viewer = await stage.viewer(server);
  for (const page of [producer, viewer]) await waitConnected(page);
  await producer.getByTestId('btn-start').click();
  await waitText(viewer, 'now-title', 'Opening remarks');
  const viewerTitles = () => viewer.getByTestId('agenda-list').locator('li').evaluateAll((items) => items.map((li) => li.textContent));

  // The panel runs long: 45 -> 60 minutes, and a new moderator.
  await producer.getByTestId('edit-panel').click();
  const dialog = producer.getByTestId('segment-dialog');
  await dialog.waitFor({ state: 'visible' });
  assert.equal(await producer.getByTestId('segment-minutes').inputValue(), '45');
  await producer.getByTestId('segment-minutes').fill('60');
  await producer.getByTestId('segment-speakers').fill('Ana Ruiz | moderator | Director, Example Institute\nMirna Galic | panelist | Senior Analyst');
  await producer.getByTestId('segment-save').click();
  await waitText(producer, 'last-command', 'acknowledged');
  await producer.locator('[data-testid=goto-panel] .jump-meta', { hasText: '60 min' }).waitFor({ timeout: 5000 });

  // A speaker cancels: a fireside chat goes in after the keynote instead.
  await producer.getByTestId('rundown-add').click();
  await producer.getByTestId('segment-title').fill('Fireside chat');
  await producer.getByTestId('segment-kind').selectOption('panel');
  await producer.getByTestId('segment-minutes').fill('15');
  await producer.getByTestId('segment-after').selectOption('keynote');
  await producer.getByTestId('segment-save').click();
  await producer.getByTestId('goto-fireside-chat').waitFor({ timeout: 5000 });
  await viewer.getByTestId('agenda-list').getByText('Fireside chat').waitFor({ timeout: 5000 });

  // Reorder: the closing moves up above Q&A; then Q&A is removed (after a confirmation).
  await producer.getByTestId('up-closing').click();
  await waitText(producer, 'last-command', 'acknowledged');
  await producer.getByTestId('remove-qa').click();
  await producer.getByTestId('confirm-remove-dialog').waitFor({ state: 'visible' });
  assert.match(await producer.getByTestId('confirm-remove-dialog').textContent(), /Audience Q&A/);
  await producer.getByTestId('confirm-remove').click();
  await producer.getByTestId('goto-qa').waitFor({ state: 'detached', timeout: 5000 });

  const rows = await producer.getByTestId('jump-list').locator('.jump-title').allTextContents();
  assert.deepEqual(rows, ['Opening remarks', 'Keynote remarks', 'Fireside chat', 'Panel: NATO and its Indo-Pacific partners', 'Closing']);
  await viewer.waitForFunction(
    () => !document.querySelector('[data-testid=agenda-list]').textContent.includes('Audience Q&A'),
    null,
    { timeout: 5000 },
  );
  const titles = await viewerTitles();
  assert.equal(titles.length, 5);
  assert.ok(titles[2].includes('Fireside chat'), titles[2]);
  // What has run stays put: the opening has no move or remove tools.
  for (const tool of ['up', 'down', 'remove']) assert.equal(await producer.getByTestId(`${tool}-opening`).isDisabled(), true);
  assert.equal(await producer.getByTestId('edit-opening').isDisabled(), false);
  // Up next on the viewer's Now card follows the new order.
  await producer.getByTestId('btn-next').click();
  await waitText(viewer, 'now-title', 'Keynote remarks');
  await waitText(viewer, 'up-next', 'Fireside chat');
  const state = await (await fetch(`${server.url}/api/events/${defaultEvent}/state`)).json();
  const panel = state.agenda.segments.find((s) => s.id === 'panel');
  assert.equal(panel.planned_minutes, 60);
  assert.deepEqual(panel.speakers.map((s) => [s.name, s.role]), [['Ana Ruiz', 'moderator'], ['Mirna Galic', 'panelist']]);
  assert.deepEqual(stage.problems, []);
});

// ---- Named staff ----

test('each console shows who it is signed in as; a moderator link on /produce points to /moderate', { timeout: 40000 }, async (t) => {
  const stage = new Stage(browser);
  t.after(() => stage.close());
  const server = await stage.server();
  const ana = server.token('moderator', { subject: 'Ana Ruiz' });
  const joe = server.token('producer', { subject: 'Joe Park' });
  const producer = await stage.open(server, `/produce#token=${joe}`, { name: 'producer' });
  await waitConnected(producer);
  await waitText(producer, 'signed-in-as', 'Signed in as Joe Park (producer)');
  assert.equal(await producer.getByTestId('wrong-console').isVisible(), false);

  // A moderator's link opened on the producer console says so and leads to the right one.
  const misplaced = await stage.open(server, `/produce#token=${ana}`, { name: 'misplaced' });
  await waitText(misplaced, 'wrong-console', 'This is a moderator link');
  await waitText(misplaced, 'signed-in-as', 'Signed in as Ana Ruiz (moderator)');
  await misplaced.getByTestId('wrong-console-link').click();
  await misplaced.waitForURL(/\/moderate$/);
  await waitConnected(misplaced);
  await waitText(misplaced, 'signed-in-as', 'Signed in as Ana Ruiz (moderator)');
  assert.equal(await misplaced.getByTestId('wrong-console').isVisible(), false);

  // A producer may moderate: on /moderate the producer's console is offered back.
  const producerModerating = await stage.open(server, `/moderate#token=${joe}`, { name: 'producer-moderating' });
  await waitConnected(producerModerating);
  await waitText(producerModerating, 'wrong-console', 'you can also moderate');
  assert.equal(await producerModerating.getByTestId('wrong-console-link').getAttribute('href'), '/produce');
  assert.deepEqual(stage.problems, []);
});
