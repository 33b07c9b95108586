// The agenda as it actually ran, as chapters of the recording: the same data as
// /api/events/{id}/chapters.vtt (each started segment from its actual start, in
// order), placed on the recording's timeline by the stream's started_at (or the
// show's start when the stream does not say). Pure.

// [{id, title, start_s, end_s}] oldest first; empty before the show starts.
export function chapters_of(agenda, stream, now = Date.now()) {
  if (!agenda || typeof agenda.started_at !== 'number') return [];
  const origin = stream && typeof stream.started_at === 'number' ? stream.started_at : agenda.started_at;
  const started = (agenda.segments || [])
    .filter((s) => typeof s.actual_start === 'number')
    .sort((a, b) => a.actual_start - b.actual_start);
  const end_of_show = typeof agenda.ended_at === 'number' ? agenda.ended_at : now;
  return started.map((s, i) => {
    const end = i + 1 < started.length ? started[i + 1].actual_start : end_of_show;
    return {
      id: s.id,
      title: s.title,
      start_s: Math.max(0, (s.actual_start - origin) / 1000),
      end_s: Math.max(0, (Math.max(end, s.actual_start) - origin) / 1000),
    };
  });
}

// Whether the player can seek to `start_s`: the show has ended (a recording), or the
// live stream's DVR window (the video's seekable ranges) still holds it.
export function can_seek(start_s, ended, seekable) {
  if (ended) return true;
  if (!seekable) return false;
  for (let i = 0; i < seekable.length; i++) if (start_s >= seekable.start(i) && start_s <= seekable.end(i)) return true;
  return false;
}
