// Mounts a page's panels on its connection. A page is a list of panels; each
// draws itself from the shared state and hears about the changes it names, the
// connection's status and the clock. A new panel (a poll, the stream player) is
// one more entry in its page's list.
//
// A panel is an object with any of these members:
//   changes: ['agenda', ...]  change kinds it redraws on
//   render(state, change)     draws from the state: on a snapshot, on a change it
//                             names, and on any change no panel names
//   after(state, change)      after every change of any kind, once all have drawn
//   status(status)            the connection's status changed (and once at mount)
//   tick()                    each second (timers, countdowns)
//   refresh()                 every 30 s (relative times like "3 min ago")

const TICK_MS = 1000;
// Relative times move by the minute; redrawing them twice a minute is enough.
const REFRESH_MS = 30000;

export function mount_panels(conn, panels) {
  const named = new Set(panels.flatMap((p) => p.changes || []));
  const each = (member, ...args) => {
    for (const p of panels) if (p[member]) p[member](...args);
  };

  conn.on_state((state, change) => {
    const everything = !named.has(change.kind);
    for (const p of panels) {
      if (p.render && (everything || (p.changes && p.changes.includes(change.kind)))) p.render(state, change);
    }
    each('after', state, change);
  });
  conn.on_status((status) => each('status', status));
  each('status', conn.status);
  if (panels.some((p) => p.tick)) setInterval(() => each('tick'), TICK_MS);
  if (panels.some((p) => p.refresh)) setInterval(() => each('refresh'), REFRESH_MS);

  // Draws every panel from what the connection holds now (the moderator's queue
  // arrives on frames of its own, outside the public state).
  return {
    redraw() {
      for (const p of panels) if (p.render) p.render(conn.state, { kind: 'redraw' });
    },
  };
}
