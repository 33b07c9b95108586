// The reaction bar: one large button per emoji of the event, and the bursts of the
// whole audience's reactions floating over the page. With reduced motion nothing
// floats; each button shows the last window's count instead, still and briefly.

import { t } from '../strings.js';
import { $, el, show, reconcile, set_text } from '../dom.js';
import { reaction_bursts, reduced_motion } from '../reaction_bursts.js';

// How long a count stays beside its button with reduced motion.
const STILL_COUNT_MS = 2000;

export function reactions_panel(conn) {
  const bar = $('reaction-bar');
  const bursts = reaction_bursts($('reaction-layer'));
  const still_timers = new Map();
  let connected = false;

  function react(emoji, button) {
    // Fire and forget: a reaction is never retried, and a dropped one is not an error.
    conn.send({ type: 'react', emoji }).catch(() => {});
    // The tap is acknowledged on the button at once; the audience's counts follow.
    button.classList.remove('tapped');
    void button.offsetWidth;
    button.classList.add('tapped');
  }

  function create(emoji) {
    const button = el(
      'button',
      { type: 'button', class: 'reaction-button', testid: 'reaction-button', 'aria-label': t('react_with', { emoji }) },
      el('span', { class: 'reaction-emoji', text: emoji, 'aria-hidden': 'true' }),
      el('span', { class: 'reaction-count', 'aria-hidden': 'true' }),
    );
    button.addEventListener('click', () => react(emoji, button));
    return button;
  }

  function render(state) {
    const emoji = (state.event && state.event.reactions) || [];
    show($('reactions'), emoji.length > 0);
    reconcile(bar, emoji, (e) => e, create, (button) => {
      button.disabled = !connected;
    });
  }

  function show_still(counts) {
    for (const button of bar.children) {
      const emoji = button.dataset.key;
      if (!counts[emoji]) continue;
      const count = button.querySelector('.reaction-count');
      set_text(count, `+${counts[emoji]}`);
      clearTimeout(still_timers.get(emoji));
      still_timers.set(emoji, setTimeout(() => set_text(count, ''), STILL_COUNT_MS));
    }
  }

  conn.on_reactions((frame) => {
    if (reduced_motion()) show_still(frame.counts);
    else bursts.show(frame.counts, frame.window_ms);
  });

  function status(s) {
    connected = s.state === 'connected';
    for (const button of bar.children) button.disabled = !connected;
  }

  return { changes: [], render, status };
}
