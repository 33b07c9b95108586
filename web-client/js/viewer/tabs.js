// The viewer's tabs (Agenda, Wall, Q&A, and Polls once there is one): arrow keys,
// Home and End move between the tabs shown, the choice is kept for the session, and
// #wall, #qa or #polls in the address opens that tab. `on_select(name)` hears which
// tab was opened; the returned object selects a tab and says which is open.

import { $ } from '../dom.js';

const TAB_IDS = ['agenda', 'wall', 'qa', 'polls'];

export function setup_tabs(on_select) {
  let current = null;
  function select_tab(name, focus) {
    current = name;
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
      const shown = TAB_IDS.filter((x) => !$(`tab-${x}`).hidden);
      const i = shown.indexOf(id);
      let j = null;
      if (ev.key === 'ArrowRight') j = (i + 1) % shown.length;
      else if (ev.key === 'ArrowLeft') j = (i + shown.length - 1) % shown.length;
      else if (ev.key === 'Home') j = 0;
      else if (ev.key === 'End') j = shown.length - 1;
      if (j !== null) {
        ev.preventDefault();
        select_tab(shown[j], true);
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
  return { select: (name) => select_tab(name, false), current: () => current };
}
