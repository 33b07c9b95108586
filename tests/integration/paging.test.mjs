// Joining a big event: the snapshot carries a bounded window of questions and the
// queue.snapshot the oldest items of each kind, with totals; questions.page and
// queue.page read the rest, in order, to the end, while changes keep arriving.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultEvent, http, joinClient, startServer } from './lib/harness.mjs';
import { pipeline, seedArgs, seedHeldPosts, seedQuestions, staffClient } from './lib/seed.mjs';

const byAge = (a, b) => a.asked_at - b.asked_at || a.id.length - b.id.length || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

// Reads every page of a list; resolves with the items and the number of pages.
async function readAll(client, command, limit) {
  const items = [];
  let after = null;
  for (let pages = 1; ; ++pages) {
    const answer = await client.request({ ...command, after, limit });
    assert.equal(answer.type, 'ack', JSON.stringify(answer));
    const list = command.type === 'questions.page' ? answer.questions : answer.items;
    assert.ok(list.length <= limit, `a page of ${list.length} for limit ${limit}`);
    items.push(...list);
    if (answer.next === null) return { items, pages };
    assert.equal(typeof answer.next, 'string');
    after = answer.next;
  }
}

// A server holding 130 open questions (a few voted up), 60 answered, 120 pending and 110 held posts.
async function bigEvent(t) {
  const server = await startServer(t, { args: seedArgs });
  const moderator = await staffClient(t, server, server.token('moderator'));
  const approved = await seedQuestions(moderator, { count: 190, approve: 190, answer: 60 });
  const pending = await seedQuestions(moderator, { count: 120, from: 190 });
  // Three viewers vote for the three newest open questions, so the window's first places move.
  const voters = [await joinClient(t, server), await joinClient(t, server), await joinClient(t, server)];
  const favourites = approved.slice(-3);
  for (let v = 0; v < voters.length; ++v)
    await pipeline(voters[v], favourites.slice(0, v + 1).map((question) => ({ type: 'question.vote', question })));
  await seedHeldPosts(server, server.token('ingest'), { count: 110 });
  return { server, moderator, approved, pending, favourites };
}

test('a big event: bounded snapshot, queue.snapshot, HTTP state, and pages that read the rest', async (t) => {
  const { server, approved, pending, favourites } = await bigEvent(t);

  // Votes are published coalesced: wait until a fresh viewer's snapshot counts them.
  let snapshot;
  for (;;) {
    const viewer = await joinClient(t, server);
    snapshot = await viewer.next((f) => f.type === 'snapshot');
    const top = snapshot.state.questions[0];
    if (top && top.id === favourites[0] && top.votes === 3) {
      t.viewer = viewer;
      break;
    }
    viewer.ws.terminate();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const { state } = snapshot;
  assert.equal(state.questions_total, 190);
  assert.equal(state.questions.length, 150);
  const open = state.questions.slice(0, 100);
  const answered = state.questions.slice(100);
  assert.ok(open.every((q) => q.status === 'open'));
  assert.ok(answered.every((q) => q.status === 'answered'));
  // Most votes first (3, 2, 1), then the oldest open questions.
  assert.deepEqual(open.slice(0, 3).map((q) => [q.id, q.votes]), [[favourites[0], 3], [favourites[1], 2], [favourites[2], 1]]);
  assert.deepEqual(open.slice(3).map((q) => q.id), approved.slice(60, 157));
  // The most recently answered first.
  assert.deepEqual(answered.map((q) => q.id), approved.slice(10, 60).reverse());

  // GET /api/events/{id}/state carries the same window.
  const http_state = (await http(server, `/api/events/${defaultEvent}/state`)).json;
  assert.equal(http_state.questions_total, 190);
  assert.deepEqual(http_state.questions.map((q) => q.id), state.questions.map((q) => q.id));

  // A moderator's queue.snapshot: the oldest 100 of each kind, and how many there are.
  const moderator = await joinClient(t, server, { token: server.token('moderator') });
  const queue = await moderator.next((f) => f.type === 'queue.snapshot');
  assert.equal(queue.questions_total, 120);
  assert.equal(queue.posts_total, 110);
  assert.deepEqual(queue.questions.map((q) => q.id), pending.slice(0, 100));
  assert.deepEqual(queue.posts.map((p) => p.id), Array.from({ length: 100 }, (_, i) => `webhook:held-${i}`));

  // questions.page reads every open and every answered question by age, to the end.
  const viewer = t.viewer;
  const openPages = await readAll(viewer, { type: 'questions.page', status: 'open' }, 40);
  assert.equal(openPages.pages, 4);
  assert.deepEqual(openPages.items.map((q) => q.id), approved.slice(60));
  assert.deepEqual([...openPages.items].sort(byAge).map((q) => q.id), openPages.items.map((q) => q.id));
  assert.equal(openPages.items.find((q) => q.id === favourites[0]).votes, 3);
  const answeredPages = await readAll(viewer, { type: 'questions.page', status: 'answered' }, 100);
  assert.equal(answeredPages.pages, 1);
  assert.deepEqual(answeredPages.items.map((q) => q.id), approved.slice(0, 60));

  // queue.page reads every held post (arrival order) and pending question (by age).
  const posts = await readAll(moderator, { type: 'queue.page', kind: 'post' }, 100);
  assert.equal(posts.pages, 2);
  assert.deepEqual(posts.items.map((p) => p.id), Array.from({ length: 110 }, (_, i) => `webhook:held-${i}`));
  assert.equal(posts.items[0].held_by, 'default');
  const questions = await readAll(moderator, { type: 'queue.page', kind: 'question' }, 7);
  assert.equal(questions.pages, Math.ceil(120 / 7));
  assert.deepEqual(questions.items.map((q) => q.id), pending);
  assert.ok(questions.items.every((q) => q.status === 'pending'));

  // Every frame stays small, whatever the event's size.
  const frameSizes = [snapshot, queue].map((f) => JSON.stringify(f).length);
  assert.ok(frameSizes.every((size) => size < 96 * 1024), `frame sizes ${frameSizes}`);
});

test('page commands: bad fields are bad_request, the wrong role is forbidden, and the connection stays open', async (t) => {
  const server = await startServer(t);
  const viewer = await joinClient(t, server);
  const producer = await joinClient(t, server, { token: server.token('producer') });
  const bad = [
    { type: 'questions.page', status: 'pending', limit: 10 },
    { type: 'questions.page', limit: 10 },
    { type: 'questions.page', status: 'open', limit: 0 },
    { type: 'questions.page', status: 'open', limit: 101 },
    { type: 'questions.page', status: 'open', limit: '10' },
    { type: 'questions.page', status: 'open', after: 'q7', limit: 10 },
    { type: 'questions.page', status: 'open', after: 12, limit: 10 },
    { type: 'queue.page', kind: 'highlight', limit: 10 },
    { type: 'queue.page', kind: 'post', limit: 1000 },
  ];
  for (const command of bad) {
    const answer = await viewer.request(command);
    assert.equal(answer.type, 'error', JSON.stringify(command));
    assert.equal(answer.code, 'bad_request', JSON.stringify(answer));
    assert.ok(answer.message.length > 0);
  }
  const refused = await viewer.request({ type: 'queue.page', kind: 'post', limit: 10 });
  assert.equal(refused.code, 'forbidden');
  // A producer may do what a moderator may; an empty list is one page with no next.
  for (const kind of ['post', 'question']) {
    const empty = await producer.request({ type: 'queue.page', kind, after: null, limit: 100 });
    assert.deepEqual([empty.type, empty.items, empty.next], ['ack', [], null]);
  }
  const none = await viewer.request({ type: 'questions.page', status: 'answered' });
  assert.deepEqual([none.type, none.questions, none.next], ['ack', [], null]);
  assert.equal((await viewer.request({ type: 'ping' })).type, 'pong');
});

test('changes arriving while a viewer pages: the pages plus the changes give the whole list', async (t) => {
  const server = await startServer(t, { args: seedArgs });
  const moderator = await staffClient(t, server, server.token('moderator'));
  const ids = await seedQuestions(moderator, { count: 250, approve: 250 });
  const viewer = await joinClient(t, server);
  await viewer.next((f) => f.type === 'snapshot');

  // The viewer's copy: what pages returned, kept current by the changes it receives.
  const known = new Map();
  const changesFrom = viewer.frames.length;
  let after = null;
  let page = 0;
  for (;;) {
    const answer = await viewer.request({ type: 'questions.page', status: 'open', after, limit: 30 });
    assert.equal(answer.type, 'ack', JSON.stringify(answer));
    for (const q of answer.questions) known.set(q.id, q);
    page += 1;
    // Between pages the event goes on: one question read already is answered, one ahead is
    // rejected, a new one is approved.
    if (page === 3) {
      await pipeline(moderator, [
        { type: 'question.answered', question: ids[5] },
        { type: 'question.reject', question: ids[200] },
      ]);
      const [late] = await seedQuestions(moderator, { count: 1, approve: 1, from: 1000 });
      ids.push(late);
    }
    if (answer.next === null) break;
    after = answer.next;
  }
  // Changes that arrived while paging are applied over what the pages gave.
  await viewer.next((f) => f.type === 'change' && f.kind === 'question.added' && f.data.id === ids[250], { from: changesFrom });
  for (const frame of viewer.frames.slice(changesFrom)) {
    if (frame.type !== 'change') continue;
    if (frame.kind === 'question.added' || frame.kind === 'question.updated') known.set(frame.data.id, frame.data);
    if (frame.kind === 'question.removed') known.delete(frame.data.id);
  }
  const open = [...known.values()].filter((q) => q.status === 'open').map((q) => q.id).sort();
  const expected = ids.filter((id) => id !== ids[5] && id !== ids[200]).sort();
  assert.deepEqual(open, expected);
  assert.equal(known.get(ids[5]).status, 'answered');
});
