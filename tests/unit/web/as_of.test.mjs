// The state as of a moment before its snapshot (web-client/js/as_of.js): what a page
// in step with a delayed video shows on joining, and what it holds until its time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { agenda_as_of, state_as_of } from '../../../web-client/js/as_of.js';
import { apply_change } from '../../../web-client/js/connection.js';

const T = 1_713_790_800_000;
const segment = (id, actual_start, elapsed_ms = 0) => ({ id, kind: 'panel', title: id, planned_minutes: 10, speakers: [], actual_start, paused_ms: 0, elapsed_ms });

function live_state() {
  return {
    event: { id: 'e' },
    agenda: {
      status: 'live',
      current: 'panel',
      started_at: T,
      paused_at: null,
      ended_at: null,
      running_since: T + 60_000,
      segments: [segment('opening', T, 60_000), segment('panel', T + 60_000), segment('closing', null)],
    },
    announcement: { text: 'Doors close', at: T + 65_000 },
    highlights: [{ id: 'h2', created_at: T + 64_000 }, { id: 'h1', created_at: T + 10_000 }],
    questions: [{ id: 'q1', asked_at: T + 5_000, votes: 3 }, { id: 'q2', asked_at: T + 63_000, votes: 0 }],
    questions_total: 2,
    on_screen: null,
    stats: { viewers: 4, tags: {} },
  };
}

test('as of a moment inside the first segment, the next one has not started yet', () => {
  const now = live_state();
  const { state, held } = state_as_of(now, T + 62_000 - 10_000);
  assert.equal(state.agenda.current, 'opening');
  assert.equal(state.agenda.status, 'live');
  assert.equal(state.agenda.running_since, T);
  assert.equal(state.agenda.segments[1].actual_start, null);
  assert.equal(state.announcement, null);
  assert.deepEqual(state.questions.map((q) => q.id), ['q1']);
  assert.equal(state.questions_total, 1);
  assert.deepEqual(state.highlights.map((h) => h.id), ['h1']);
  // Held oldest first; replaying them onto the past state gives the present one.
  assert.deepEqual(held.map((c) => [c.kind, c.at - T]), [
    ['agenda', 60_000],
    ['question.added', 63_000],
    ['highlight.added', 64_000],
    ['announcement', 65_000],
  ]);
  const replayed = structuredClone(state);
  for (const c of held) apply_change(replayed, c.kind, structuredClone(c.data));
  assert.deepEqual(replayed.agenda, now.agenda);
  assert.equal(replayed.announcement.text, 'Doors close');
  assert.deepEqual(replayed.questions.map((q) => q.id).sort(), ['q1', 'q2']);
  assert.equal(replayed.questions_total, 2);
  assert.deepEqual(replayed.highlights.map((h) => h.id), ['h2', 'h1']);
  // The snapshot itself is untouched.
  assert.deepEqual(now, live_state());
});

test('as of a moment after everything, nothing changes and nothing is held', () => {
  const { state, held } = state_as_of(live_state(), T + 70_000);
  assert.deepEqual(state, live_state());
  assert.deepEqual(held, []);
});

test('as of a moment before the show started, the agenda is scheduled', () => {
  const agenda = agenda_as_of(live_state().agenda, T - 1);
  assert.equal(agenda.status, 'scheduled');
  assert.equal(agenda.current, null);
  assert.ok(agenda.segments.every((s) => s.actual_start === null && s.elapsed_ms === 0));
});

test('an ended show within the window is shown still running its last segment', () => {
  const now = live_state();
  now.agenda = { ...now.agenda, status: 'ended', current: null, ended_at: T + 80_000, running_since: null };
  const { state, held } = state_as_of(now, T + 75_000);
  assert.equal(state.agenda.status, 'live');
  assert.equal(state.agenda.current, 'panel');
  assert.equal(state.agenda.ended_at, null);
  assert.deepEqual(held.map((c) => [c.kind, c.at - T]), [['agenda', 80_000]]);
});
