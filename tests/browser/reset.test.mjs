// A reset after a rehearsal in real Chromium: the viewer page on a phone and the
// producer console, both open through the rehearsal, take the new epoch's snapshot in
// place (no reconnect): the rehearsal's questions and announcement leave the phone, the
// console's show is back to not started, and what happens next reaches both. The
// console's reset asks first.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '../integration/lib/harness.mjs';
import { launchBrowser, Stage, waitConnected, textOf } from './helpers.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

// Counts the hellos a page sends: a page that resynced by reconnecting sends another.
function countHellos(page) {
  page.hellos = 0;
  page.on('websocket', (ws) => {
    ws.on('framesent', (frame) => {
      if (typeof frame.payload === 'string' && frame.payload.includes('"hello"')) page.hellos += 1;
    });
  });
}

test('a reset reaches the viewer page and the producer console: new epoch, no rehearsal questions', { timeout: 60000 }, async (t) => {
  const stage = new Stage(browser);
  t.after(() => stage.close());
  const server = await stage.server({ args: ['--questions-per-minute', '100'] });
  const viewer = await stage.viewer(server, { beforeLoad: countHellos });
  const console_ = await stage.producer(server, { beforeLoad: countHellos });
  await waitConnected(viewer);
  await waitConnected(console_);
  const notStarted = await textOf(console_, 'status-badge');

  // The rehearsal, driven over the wire by a producer.
  const producer = await Client.open(server.wsUrl);
  t.after(() => producer.ws.terminate());
  await producer.hello({ token: server.token('producer') });
  const ok = async (command) => {
    const answer = await producer.request(command);
    assert.equal(answer.type, 'ack', JSON.stringify(answer));
    return answer;
  };
  await ok({ type: 'agenda.start' });
  await ok({ type: 'announce', text: 'Rehearsal: this is not the show' });
  for (let i = 1; i <= 3; ++i) {
    const asked = await ok({ type: 'question.ask', text: `Rehearsal question ${i} about the partners?` });
    await ok({ type: 'question.approve', question: asked.question });
  }
  const questions = viewer.getByTestId('question-list').getByTestId('question-item');
  await viewer.waitForFunction(() => document.querySelectorAll('[data-testid=question-item]').length === 3);
  await viewer.getByTestId('announcement').filter({ hasText: 'Rehearsal: this is not the show' }).waitFor();
  await console_.waitForFunction((before) => document.querySelector('[data-testid=status-badge]')?.textContent.trim() !== before, notStarted);
  const hellos = { viewer: viewer.hellos, console: console_.hellos };

  // The producer resets from the console: it asks first, and Cancel changes nothing.
  await console_.getByTestId('rehearsal-reset').click();
  await console_.getByTestId('confirm-dialog').waitFor();
  await console_.getByTestId('confirm-cancel').click();
  await console_.getByTestId('rehearsal-reset').click();
  await console_.getByTestId('confirm-ok').click();
  const snapshot = await producer.next((f) => f.type === 'snapshot' && f.epoch && f.epoch !== producer.welcome.epoch, { timeout: 10000 });
  assert.equal(snapshot.state.questions_total, 0);
  assert.equal(producer.frames.filter((f) => f.type === 'snapshot').length, 2, 'one snapshot at hello, one at the reset');

  // Both pages take the snapshot in place: no rehearsal question, no announcement, the
  // show back to not started, and no reconnect to get there.
  await viewer.waitForFunction(() => document.querySelectorAll('[data-testid=question-item]').length === 0, null, { timeout: 10000 });
  await viewer.getByTestId('announcement').waitFor({ state: 'hidden' });
  await console_.waitForFunction((want) => document.querySelector('[data-testid=status-badge]')?.textContent.trim() === want, notStarted, { timeout: 10000 });
  assert.equal(viewer.hellos, hellos.viewer);
  assert.equal(console_.hellos, hellos.console);

  // The live show goes on in the new epoch and reaches both pages.
  await ok({ type: 'agenda.start' });
  const asked = await ok({ type: 'question.ask', text: 'The first question of the real show?' });
  await ok({ type: 'question.approve', question: asked.question });
  await questions.filter({ hasText: 'The first question of the real show?' }).waitFor({ state: 'attached', timeout: 10000 });
  assert.equal(await questions.count(), 1);
  await console_.waitForFunction((before) => document.querySelector('[data-testid=status-badge]')?.textContent.trim() !== before, notStarted);
  assert.equal(viewer.hellos, hellos.viewer, 'the viewer page followed the new epoch without reconnecting');
  assert.deepEqual(stage.problems, []);
});
