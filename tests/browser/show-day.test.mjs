// A show day at the consoles in real Chromium: ending the event safely (Q&A closes,
// the overlay clears, the announcement becomes a closing message, controls that can
// no longer act are disabled).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, Stage, waitConnected, waitText, textOf, defaultEvent } from './helpers.mjs';

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
  await producer.getByTestId('screen-put-question').first().click();
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
