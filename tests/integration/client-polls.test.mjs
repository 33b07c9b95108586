// The web client's copy of the polls: `poll` and `poll.votes` changes applied to
// the state, the staff's drafts leaving as they open, each answer's share of the
// ballots, and the public list kept to the server's bound. Pure functions of the
// client modules, loaded as the browser loads them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apply_change, normalize_state } from '../../web-client/js/connection.js';
import { open_poll, closed_polls, poll_shares, upsert_draft, POLLS_MAX } from '../../web-client/js/polls.js';

const poll = (id, status, votes = [0, 0, 0], extra = {}) => ({
  id,
  question: `Question ${id}?`,
  options: votes.map((n, i) => ({ id: String.fromCharCode(97 + i), text: `Answer ${i + 1}`, votes: n })),
  multiple: false,
  status,
  total: votes.reduce((a, b) => a + b, 0),
  opened_at: status === 'draft' ? null : 1000,
  closed_at: status === 'closed' ? 2000 : null,
  ...extra,
});

test('a state from a server without polls has an empty list', () => {
  const state = normalize_state({ agenda: { status: 'live', segments: [] } });
  assert.deepEqual(state.polls, []);
  assert.equal(open_poll(state), null);
});

test('an opened poll goes first; its close replaces it where it is, with the final counts', () => {
  const state = normalize_state({ polls: [poll('p1', 'closed', [3, 1, 0])], polls_total: 1 });
  apply_change(state, 'poll', poll('p2', 'open'));
  assert.deepEqual(state.polls.map((p) => p.id), ['p2', 'p1']);
  assert.equal(state.polls_total, 2);
  assert.equal(open_poll(state).id, 'p2');
  apply_change(state, 'poll', poll('p2', 'closed', [5, 2, 1]));
  assert.deepEqual(state.polls.map((p) => [p.id, p.status]), [['p2', 'closed'], ['p1', 'closed']]);
  assert.equal(state.polls_total, 2);
  assert.equal(open_poll(state), null);
  assert.deepEqual(closed_polls(state)[0].options.map((o) => o.votes), [5, 2, 1]);
});

test('poll.votes sets absolute counts and the total; an unknown poll or option is ignored', () => {
  const state = normalize_state({ polls: [poll('p1', 'open')] });
  apply_change(state, 'poll.votes', { poll: 'p1', votes: { a: 7, c: 3, z: 99 }, total: 10 });
  assert.deepEqual(state.polls[0].options.map((o) => o.votes), [7, 0, 3]);
  assert.equal(state.polls[0].total, 10);
  apply_change(state, 'poll.votes', { poll: 'p1', votes: { a: 8 }, total: 11 });
  assert.deepEqual(state.polls[0].options.map((o) => o.votes), [8, 0, 3]);
  apply_change(state, 'poll.votes', { poll: 'nope', votes: { a: 1 }, total: 1 });
  apply_change(state, 'poll.votes', null);
  assert.equal(state.polls[0].total, 11);
});

test('the public list keeps the server bound of newest polls', () => {
  const state = normalize_state({ polls: [] });
  for (let i = 0; i < POLLS_MAX + 5; i++) apply_change(state, 'poll', poll(`p${i}`, 'closed'));
  assert.equal(state.polls.length, POLLS_MAX);
  assert.equal(state.polls[0].id, `p${POLLS_MAX + 4}`);
});

test('shares are whole percent of ballots, the leader marked; a poll without ballots shows 0%', () => {
  assert.deepEqual(
    poll_shares(poll('p', 'open', [1, 2, 0])).map((s) => [s.percent, s.leading]),
    [[33, false], [67, true], [0, false]],
  );
  assert.deepEqual(poll_shares(poll('p', 'open')).map((s) => [s.percent, s.leading]), [[0, false], [0, false], [0, false]]);
  // Several answers per ballot: shares of voters, which may add up past 100.
  const several = poll('p', 'open', [4, 3, 1], { multiple: true, total: 5 });
  assert.deepEqual(poll_shares(several).map((s) => s.percent), [80, 60, 20]);
});

test('drafts: queue.poll adds or replaces one; the same poll opened leaves the drafts', () => {
  let drafts = [];
  drafts = upsert_draft(drafts, poll('d1', 'draft'));
  drafts = upsert_draft(drafts, poll('d2', 'draft'));
  drafts = upsert_draft(drafts, { ...poll('d1', 'draft'), question: 'Edited?' });
  assert.deepEqual(drafts.map((d) => [d.id, d.question]), [['d1', 'Edited?'], ['d2', 'Question d2?']]);
  drafts = upsert_draft(drafts, poll('d1', 'open'));
  assert.deepEqual(drafts.map((d) => d.id), ['d2']);
});
