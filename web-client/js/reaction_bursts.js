// Floating reaction bursts, shared by the viewer page and the /screen overlay: each
// `reactions` frame becomes a few emoji rising from the bottom of a layer, more for
// bigger counts but never more than a fixed number on screen at once, so a thousand
// claps cost the page the same handful of nodes as fifty.

// At most this many emoji float per emoji kind in one window: log2 of the count, so 1
// clap shows 1, 8 show 4, 1,000 show the cap.
const PER_KIND_CAP = 6;
export const DEFAULT_MAX_ON_SCREEN = 24;

// How many emoji one window's count draws.
export function burst_size(count, cap = PER_KIND_CAP) {
  if (!(count > 0)) return 0;
  return Math.min(cap, 1 + Math.floor(Math.log2(count)));
}

// layer: a positioned, aria-hidden element the emoji float in.
// options: {max_on_screen, duration_ms, scale}: scale grows the emoji of big counts.
export function reaction_bursts(layer, options = {}) {
  const max_on_screen = options.max_on_screen || DEFAULT_MAX_ON_SCREEN;
  const duration_ms = options.duration_ms || 2400;
  let alive = 0;

  function float_one(emoji, size, delay_ms) {
    if (alive >= max_on_screen) return false;
    alive += 1;
    const node = document.createElement('span');
    node.className = 'reaction-float';
    node.dataset.testid = 'reaction-float';
    node.textContent = emoji;
    // Spread across the layer's width, with a little drift so a burst is not a column.
    node.style.left = `${5 + Math.random() * 90}%`;
    node.style.setProperty('--drift', `${Math.round((Math.random() - 0.5) * 60)}px`);
    node.style.setProperty('--size', `${size}em`);
    node.style.animationDuration = `${duration_ms}ms`;
    node.style.animationDelay = `${delay_ms}ms`;
    let removed = false;
    const remove = () => {
      if (removed) return;
      removed = true;
      alive -= 1;
      node.remove();
    };
    node.addEventListener('animationend', remove);
    // A tab in the background runs no animations: the timer removes the node all the same.
    setTimeout(remove, duration_ms + delay_ms + 500);
    layer.append(node);
    return true;
  }

  return {
    // counts: {emoji: n} of one window, spread over the window's length.
    show(counts, window_ms = 500) {
      for (const [emoji, count] of Object.entries(counts || {})) {
        const n = burst_size(count);
        // Bigger counts draw bigger emoji, up to twice the size.
        const size = 1 + Math.min(1, Math.log10(Math.max(1, count)) / 3);
        for (let i = 0; i < n; ++i) if (!float_one(emoji, size, Math.round((i / n) * window_ms))) return;
      }
    },
    alive: () => alive,
  };
}

// Whether the reader asked for less motion; follows changes of the setting.
export function reduced_motion() {
  return window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches;
}
