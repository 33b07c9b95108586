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

// Milliseconds the current segment has run, on the server's clock. While paused
// the timer stands still at paused_at. `paused_ms` (time spent paused within the
// segment, if the server reports it) is taken off so resuming does not jump.
export function elapsed_ms(agenda, server_now) {
  const seg = current_segment(agenda);
  if (!seg || typeof seg.actual_start !== 'number') return null;
  const until = agenda.status === 'paused' && typeof agenda.paused_at === 'number' ? agenda.paused_at : server_now;
  const paused = typeof seg.paused_ms === 'number' ? seg.paused_ms : 0;
  return Math.max(0, until - seg.actual_start - paused);
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
