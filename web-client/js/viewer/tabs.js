// The viewer's tabs (Agenda, Wall, Q&A): arrow keys, Home and End move between
// them, the choice is kept for the session, and #wall or #qa in the address opens
// that tab. `on_select(name)` hears which tab was opened.

import { $ } from '../dom.js';

const TAB_IDS = ['agenda', 'wall', 'qa'];

export function setup_tabs(on_select) {
  function select_tab(name, focus) {
    for (const id of TAB_IDS) {
      const tab = $(`tab-${id}`);
      const selected = id === name;
      tab.setAttribute('aria-selected', selected ? 'true' : 'false');
      tab.tabIndex = selected ? 0 : -1;
      $(`panel-${id}`).hidden = !selected;
      if (selected && focus) tab.focus();
    }
    on_select(name);
    try {
      sessionStorage.setItem('companion:tab', name);
    } catch (e) {
      // Not remembered.
    }
  }

  for (const id of TAB_IDS) {
    const tab = $(`tab-${id}`);
    tab.addEventListener('click', () => select_tab(id, false));
    tab.addEventListener('keydown', (ev) => {
      const i = TAB_IDS.indexOf(id);
      let j = null;
      if (ev.key === 'ArrowRight') j = (i + 1) % TAB_IDS.length;
      else if (ev.key === 'ArrowLeft') j = (i + TAB_IDS.length - 1) % TAB_IDS.length;
      else if (ev.key === 'Home') j = 0;
      else if (ev.key === 'End') j = TAB_IDS.length - 1;
      if (j !== null) {
        ev.preventDefault();
        select_tab(TAB_IDS[j], true);
      }
    });
  }
  let initial = 'agenda';
  try {
    initial = sessionStorage.getItem('companion:tab') || 'agenda';
  } catch (e) {
    // Default tab.
  }
  const from_hash = window.location.hash.slice(1);
  if (TAB_IDS.includes(from_hash)) initial = from_hash;
  select_tab(TAB_IDS.includes(initial) ? initial : 'agenda', false);
}
