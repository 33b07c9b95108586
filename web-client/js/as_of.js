// The public state as it stood a little earlier, from what the state itself dates.
// A page that shows the event in step with a delayed video joins with a snapshot
// of now, but must show the event as of now - L. It cannot undo changes (a change
// carries the new value, not the old), so it reads the times the state carries:
//
// - agenda: the show's start, the segments' actual starts, the pause and the end.
//   As of t, the current segment is the one that started last at or before t;
//   segments started after t are shown as not started. The agenda as it is now is
//   held and released at its latest time (moves within the window collapse into
//   that one step).
// - announcement: one made after t is hidden and held until its `at`.
// - questions asked after t and highlights created after t (both are approved
//   after they were made) are left out and held until then.
//
// What carries no time (the overlay, stats, votes) is shown as it is now. Pure: the
// state given is not changed; the result holds copies of what it changes.

const newest = (...times) => Math.max(...times.filter((x) => typeof x === 'number'));

function agenda_latest(agenda) {
  const starts = (agenda.segments || []).map((s) => s.actual_start);
  const latest = newest(agenda.started_at, agenda.running_since, agenda.paused_at, agenda.ended_at, ...starts);
  return Number.isFinite(latest) ? latest : null;
}

// The agenda as of t, from its times (see above).
export function agenda_as_of(agenda, t) {
  const segments = (agenda.segments || []).map((s) => ({ ...s }));
  const not_started = (s) => {
    s.actual_start = null;
    s.elapsed_ms = 0;
    s.paused_ms = 0;
  };
  if (typeof agenda.started_at !== 'number' || agenda.started_at > t) {
    segments.forEach(not_started);
    return { ...agenda, status: 'scheduled', current: null, started_at: null, paused_at: null, ended_at: null, running_since: null, segments };
  }
  let current = null;
  for (const s of segments) {
    if (typeof s.actual_start !== 'number' || s.actual_start > t) not_started(s);
    else if (!current || s.actual_start >= current.actual_start) current = s;
  }
  if (current) {
    // Its time as of t: from its start, the pauses within the window unknown.
    current.elapsed_ms = 0;
    current.paused_ms = 0;
  }
  return {
    ...agenda,
    status: current ? 'live' : 'scheduled',
    current: current ? current.id : null,
    paused_at: null,
    ended_at: null,
    running_since: current ? current.actual_start : null,
    segments,
  };
}

// Returns {state, held}: the state as of t, and the changes (kind, data, at; no seq)
// that bring it to the given state, oldest first.
export function state_as_of(state, t) {
  const out = { ...state };
  const held = [];
  const agenda = state.agenda;
  const latest = agenda ? agenda_latest(agenda) : null;
  if (latest !== null && latest > t) {
    out.agenda = agenda_as_of(agenda, t);
    held.push({ kind: 'agenda', data: agenda, at: latest });
  }
  const announcement = state.announcement;
  if (announcement && typeof announcement.at === 'number' && announcement.at > t) {
    out.announcement = null;
    held.push({ kind: 'announcement', data: announcement, at: announcement.at });
  }
  if (Array.isArray(state.questions)) {
    const later = state.questions.filter((q) => typeof q.asked_at === 'number' && q.asked_at > t);
    if (later.length > 0) {
      out.questions = state.questions.filter((q) => !later.includes(q));
      if (typeof state.questions_total === 'number') out.questions_total = state.questions_total - later.length;
      for (const q of later) held.push({ kind: 'question.added', data: q, at: q.asked_at });
    }
  }
  if (Array.isArray(state.highlights)) {
    const later = state.highlights.filter((h) => typeof h.created_at === 'number' && h.created_at > t);
    if (later.length > 0) {
      out.highlights = state.highlights.filter((h) => !later.includes(h));
      // Oldest first, so each lands on top of the wall as it would have.
      for (const h of later.slice().reverse()) held.push({ kind: 'highlight.added', data: h, at: h.created_at });
    }
  }
  // Held in time order; equal times keep the order above (the agenda first).
  held.sort((a, b) => a.at - b.at);
  return { state: out, held };
}
