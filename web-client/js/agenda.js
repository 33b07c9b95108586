// Pure derivations from the public agenda: which segment is current, which is
// next, how long the current one has run, and what the status badge says.

export function current_index(agenda) {
  if (!agenda || !agenda.current) return -1;
  return agenda.segments.findIndex((s) => s.id === agenda.current);
}

export function current_segment(agenda) {
  const i = current_index(agenda);
  return i >= 0 ? agenda.segments[i] : null;
}

// The segment after the current one; before the start, the first one.
export function next_segment(agenda) {
  if (!agenda) return null;
  if (agenda.status === 'scheduled') return agenda.segments[0] || null;
  if (agenda.status === 'ended') return null;
  const i = current_index(agenda);
  return i >= 0 ? agenda.segments[i + 1] || null : null;
}

// Milliseconds the current segment has run, on the server's clock, by the time rule
// (protocol.md): the sum of the time it was current while live, i.e. its
// `elapsed_ms` plus the running stint since `agenda.running_since`. Paused, the
// timer stands still. Older servers without `elapsed_ms` get the version 1 rule.
export function elapsed_ms(agenda, server_now) {
  const seg = current_segment(agenda);
  if (!seg || typeof seg.actual_start !== 'number') return null;
  if (typeof seg.elapsed_ms === 'number') {
    const running = typeof agenda.running_since === 'number' ? Math.max(0, server_now - agenda.running_since) : 0;
    return seg.elapsed_ms + running;
  }
  const until = agenda.status === 'paused' && typeof agenda.paused_at === 'number' ? agenda.paused_at : server_now;
  const paused = typeof seg.paused_ms === 'number' ? seg.paused_ms : 0;
  return Math.max(0, until - seg.actual_start - paused);
}

// Planned minus elapsed for the current segment: negative once it runs over; null
// when no segment is running.
export function remaining_ms(agenda, server_now) {
  const elapsed = elapsed_ms(agenda, server_now);
  if (elapsed === null) return null;
  return planned_ms(current_segment(agenda)) - elapsed;
}

// The whole show against its plan: the planned end (start plus every segment's
// planned minutes), the end it is heading for now (the current segment's time
// left, at least none, plus the plan of every later segment) and the difference
// (positive: late). Null without a planned start.
export function schedule(agenda, starts_at, server_now) {
  if (!agenda || typeof starts_at !== 'number') return null;
  const segments = agenda.segments || [];
  const planned_total = segments.reduce((sum, seg) => sum + planned_ms(seg), 0);
  const planned_end = starts_at + planned_total;
  let projected_end;
  if (agenda.status === 'ended') {
    projected_end = typeof agenda.ended_at === 'number' ? agenda.ended_at : server_now;
  } else if (agenda.status === 'scheduled') {
    projected_end = Math.max(server_now, starts_at) + planned_total;
  } else {
    const i = current_index(agenda);
    const left = Math.max(0, remaining_ms(agenda, server_now) || 0);
    const later = segments.slice(i + 1).reduce((sum, seg) => sum + planned_ms(seg), 0);
    projected_end = server_now + left + later;
  }
  return { planned_end, projected_end, drift_ms: projected_end - planned_end };
}

// Before the start: true once the planned start time has passed.
export function starts_late(agenda, starts_at, server_now) {
  return Boolean(agenda) && agenda.status === 'scheduled' && typeof starts_at === 'number' && server_now > starts_at;
}

export function planned_ms(segment) {
  return segment ? (Number(segment.planned_minutes) || 0) * 60000 : 0;
}

// Estimated start of every segment: the actual start when it has one, otherwise
// chained from the previous segment's (actual or estimated) start plus its plan.
export function estimated_starts(agenda, starts_at, server_now) {
  const out = [];
  let prev_start = null;
  let prev_plan = 0;
  agenda.segments.forEach((seg, i) => {
    let start;
    if (typeof seg.actual_start === 'number' && (agenda.status !== 'scheduled')) start = seg.actual_start;
    else if (i === 0) start = typeof starts_at === 'number' ? starts_at : null;
    else start = prev_start === null ? null : prev_start + prev_plan;
    // A segment not yet reached cannot start in the past.
    if (start !== null && typeof seg.actual_start !== 'number' && agenda.status !== 'scheduled') {
      start = Math.max(start, server_now);
    }
    out.push(start);
    prev_start = start;
    prev_plan = planned_ms(seg);
  });
  return out;
}

// The agenda of a state, or an empty one before the first state arrives.
export function agenda_of(state) {
  return state ? state.agenda : { status: 'scheduled', segments: [] };
}
