// The overlay's optional reaction stream: with `?reactions=1` in the /screen URL
// (a video mixer's browser source), the audience's reactions rise along the right
// edge of the 1920x1080 stage, clear of the lower-third card. Off by default: a
// broadcast shows them only when the producer chose to.

import { reaction_bursts, reduced_motion } from './reaction_bursts.js';

// The query parameter that turns the stream on (`reactions=1`, `reactions=on`).
export function reactions_wanted(search = window.location.search) {
  const value = new URLSearchParams(search).get('reactions');
  return value !== null && !['0', 'off', 'false', 'no'].includes(value.toLowerCase());
}

export function mount_screen_reactions(conn, stage) {
  if (!reactions_wanted()) return;
  const layer = document.createElement('div');
  layer.className = 'screen-reactions';
  layer.dataset.testid = 'screen-reactions';
  layer.setAttribute('aria-hidden', 'true');
  stage.append(layer);
  // Fewer at once than on a phone: on air the stream is a mood, not a count.
  const bursts = reaction_bursts(layer, { max_on_screen: 16, duration_ms: 3000 });
  conn.on_reactions((frame) => {
    if (!reduced_motion()) bursts.show(frame.counts, frame.window_ms);
  });
}
