// A reset after a rehearsal over the wire: event.reset (producers, with the event's id
// as confirmation) starts a new epoch; every connected client gets the new epoch's
// snapshot without the rehearsal's questions, posts or agenda progress, the rundown as
// edited and the author lists are kept, a client resuming from the old epoch gets a
// snapshot, the rehearsal's decisions stay exportable as the old epoch's audit, and the
// new epoch is what a restart comes back to.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, defaultEvent, http, joinClient, openMany, serverLives, waitFor } from './lib/harness.mjs';
import { seedArgs, seedHeldPosts, seedQuestions, staffClient } from './lib/seed.mjs';

const ok = async (client, command) => {
  const answer = await client.request(command, { timeout: 20000 });
  assert.equal(answer.type, 'ack', `${command.type}: ${JSON.stringify(answer)}`);
  return answer;
};

test('a reset after a rehearsal gives every client the new epoch, keeps the rundown and archives the rest', async (t) => {
  const life = serverLives(t, seedArgs);
  const server = await life();
  const producerToken = server.token('producer', { subject: 'Joe Park' });
  const producer = await staffClient(t, server, producerToken);
  const oldEpoch = producer.welcome.epoch;

  // The rehearsal: the producer edits the rundown and runs part of the show, moderators
  // block an author, the audience asks, votes and posts.
  await ok(producer, { type: 'segment.update', segment: 'keynote', title: 'Keynote: Kurt M. Campbell' });
  await ok(producer, { type: 'segment.add', segment: 'remarks', kind: 'closing', title: 'Thanks to the partners', planned_minutes: 3, speakers: [] });
  await ok(producer, { type: 'author.block', source: 'webhook', handle: 'spam-account.example' });
  await ok(producer, { type: 'agenda.start' });
  await ok(producer, { type: 'agenda.next' });
  await ok(producer, { type: 'announce', text: 'Rehearsal in progress' });
  const questions = await seedQuestions([producer], { count: 1500, approve: 300, answer: 20 });
  await seedHeldPosts(server, server.token('ingest'), { count: 1000, prefix: 'rehearsal' });
  const viewers = await openMany(t, server, 200, { hello: {} });
  await ok(viewers[0], { type: 'question.vote', question: questions[100] });
  const rehearsalState = (await http(server, `/api/events/${defaultEvent}/state`)).json;
  assert.equal(rehearsalState.questions_total, 300);
  assert.equal(rehearsalState.agenda.current, 'keynote');

  // A phone that went to sleep during the rehearsal, holding the old epoch.
  const sleeper = await joinClient(t, server);
  const asleep = { epoch: sleeper.welcome.epoch, seq: sleeper.welcome.seq };
  await sleeper.close();

  // Only a producer resets, and only with the event's id as confirmation.
  const refused = await viewers[1].request({ type: 'event.reset', confirm: defaultEvent });
  assert.equal(refused.code, 'forbidden');
  const unconfirmed = await producer.request({ type: 'event.reset', confirm: 'another-event' });
  assert.equal(unconfirmed.code, 'bad_request');
  assert.match(unconfirmed.message, /confirm/);
  const missing = await producer.request({ type: 'event.reset' });
  assert.equal(missing.code, 'bad_request');

  const marks = viewers.map((v) => v.frames.length);
  const producerMark = producer.frames.length;
  const reset = await ok(producer, { type: 'event.reset', confirm: defaultEvent });
  assert.equal(typeof reset.epoch, 'string');
  assert.notEqual(reset.epoch, oldEpoch);
  assert.equal(reset.archived, oldEpoch);

  // Every viewer gets the new epoch's snapshot: no rehearsal questions, posts or progress.
  const snapshots = await Promise.all(viewers.map((v, i) => v.next((f) => f.type === 'snapshot' && f.epoch === reset.epoch, { from: marks[i], timeout: 10000 })));
  for (const snapshot of snapshots) assert.equal(snapshot.seq, reset.seq);
  const state = snapshots[0].state;
  assert.deepEqual(state.questions, []);
  assert.equal(state.questions_total, 0);
  assert.deepEqual(state.highlights, []);
  assert.equal(state.announcement, null);
  assert.equal(state.agenda.status, 'scheduled');
  assert.equal(state.agenda.current, null);
  // The rundown as edited is kept.
  assert.equal(state.agenda.segments.find((s) => s.id === 'keynote').title, 'Keynote: Kurt M. Campbell');
  assert.ok(state.agenda.segments.some((s) => s.id === 'remarks'));
  assert.ok(state.agenda.segments.every((s) => s.actual_start === null));

  // Staff get the new queue: empty, with the author lists kept.
  const queue = await producer.next((f) => f.type === 'queue.snapshot', { from: producerMark, timeout: 10000 });
  assert.equal(queue.posts_total, 0);
  assert.equal(queue.questions_total, 0);
  assert.ok(JSON.stringify(queue.authors).includes('spam-account.example'), JSON.stringify(queue.authors));
  // No change of the new epoch came before its snapshot; changes go on from it.
  const asked = await ok(viewers[2], { type: 'question.ask', text: 'Is this the real show now?' });
  const change = await producer.next((f) => f.type === 'change' && f.epoch === reset.epoch, { from: producerMark, timeout: 5000 });
  assert.ok(change.seq > reset.seq);
  const queued = await producer.next((f) => f.type === 'queue.question' && f.question.id === asked.question, { from: producerMark });
  assert.equal(queued.question.text, 'Is this the real show now?');

  // The phone wakes up: its resume from the old epoch gets a snapshot of the new one.
  const woken = await Client.open(server.wsUrl);
  t.after(() => woken.ws.terminate());
  const welcome = await woken.hello({ resume: asleep });
  assert.equal(welcome.recovered, false);
  assert.equal(welcome.epoch, reset.epoch);
  const fresh = await woken.next((f) => f.type === 'snapshot');
  assert.equal(fresh.state.questions_total, 0);

  // The rehearsal stays exportable: the old epoch's audit has its decisions.
  const auth = { authorization: `Bearer ${producerToken}` };
  const archived = await waitFor(async () => {
    const answer = await http(server, `/api/events/${defaultEvent}/audit.csv?epoch=${oldEpoch}`, { headers: auth });
    return answer.status === 200 ? answer.text : null;
  }, { timeout: 20000, what: 'the archived audit' });
  assert.ok(archived.includes(',approved,question,'), 'question approvals of the rehearsal');
  assert.ok(archived.includes('Rehearsal in progress'));
  assert.ok(archived.includes('rehearsal-'), 'held posts of the rehearsal');
  const present = await http(server, `/api/events/${defaultEvent}/audit.csv`, { headers: auth });
  assert.ok(!present.text.includes(',approved,question,'));
  assert.ok(!present.text.includes('Rehearsal in progress'));
  const bad = await http(server, `/api/events/${defaultEvent}/audit.csv?epoch=..%2F`, { headers: auth });
  assert.equal(bad.status, 400);

  // A restart comes back to the new epoch as it was left.
  await server.stop();
  const again = await life();
  const back = await joinClient(t, again, { resume: { epoch: reset.epoch, seq: reset.seq } });
  assert.equal(back.welcome.epoch, reset.epoch);
  const after = (await http(again, `/api/events/${defaultEvent}/state`)).json;
  assert.equal(after.questions_total, 0);
  assert.equal(after.agenda.segments.find((s) => s.id === 'keynote').title, 'Keynote: Kurt M. Campbell');
});

test('inputs that arrive during a reset wait for it and land in the new epoch', async (t) => {
  const life = serverLives(t, seedArgs);
  const server = await life();
  const producer = await staffClient(t, server, server.token('producer'));
  await seedQuestions([producer], { count: 200, approve: 200 });
  // The reset and a burst of asks sent right behind it, on the same connection.
  const resetId = 'reset';
  const mark = producer.frames.length;
  producer.send({ type: 'event.reset', id: resetId, confirm: defaultEvent });
  const burst = [];
  for (let i = 0; i < 50; ++i) burst.push(producer.request({ type: 'question.ask', text: `After the reset ${i}` }, { timeout: 10000 }));
  const reset = await producer.next((f) => f.id === resetId);
  assert.equal(reset.type, 'ack', JSON.stringify(reset));
  const acks = await Promise.all(burst);
  assert.ok(acks.every((a) => a.type === 'ack'), JSON.stringify(acks.find((a) => a.type !== 'ack')));
  const queue = await producer.next((f) => f.type === 'queue.snapshot', { from: mark, timeout: 5000 });
  assert.equal(queue.questions_total, 0);
  // Every ask is in the new epoch: the queue of a console joining now holds all 50.
  const late = await staffClient(t, server, server.token('moderator'));
  const lateQueue = await late.next((f) => f.type === 'queue.snapshot');
  assert.equal(lateQueue.questions_total, 50);
  assert.equal(late.welcome.epoch, reset.epoch);
});
