// Keeps a live list still under the pointer: while the pointer is over the list
// (or the list is scrolled away from its top), new items wait behind an "N new"
// marker instead of pushing rows around. A click on the marker, the pointer
// leaving, or a scroll back to the top shows them.

import { t } from './strings.js';
import { set_text, show } from './dom.js';

// `container` is the list element, `marker` a button, `on_change` re-renders the list.
export function held_list(container, marker, on_change, key_of = (item) => item.id) {
  const known = new Set();
  const held = new Set();
  let first = true;
  let pointer_in = false;

  function busy() {
    return pointer_in || container.scrollTop > 0;
  }

  function reveal() {
    if (!held.size) return;
    for (const key of held) known.add(key);
    held.clear();
    on_change();
  }

  container.addEventListener('pointerenter', () => {
    pointer_in = true;
  });
  container.addEventListener('pointerleave', () => {
    pointer_in = false;
    reveal();
  });
  container.addEventListener('scroll', () => {
    if (container.scrollTop <= 0 && !pointer_in) reveal();
  }, { passive: true });
  marker.addEventListener('click', () => {
    pointer_in = false;
    reveal();
  });

  // The items to draw now; the new ones that must wait are counted on the marker.
  function shown(items) {
    const keys = new Set(items.map((item) => String(key_of(item))));
    for (const key of Array.from(held)) if (!keys.has(key)) held.delete(key);
    for (const key of keys) {
      if (known.has(key) || held.has(key)) continue;
      if (!first && busy()) held.add(key);
      else known.add(key);
    }
    first = false;
    show(marker, held.size > 0);
    set_text(marker, t('n_new', { n: held.size }));
    marker.dataset.count = String(held.size);
    return items.filter((item) => !held.has(String(key_of(item))));
  }

  return { shown, reveal, held: () => held.size };
}
