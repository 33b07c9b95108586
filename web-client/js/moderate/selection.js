// The selected row of the moderator console, the one the single-key actions act
// on, and the views (queue & wall, Q&A, polls). Until the moderator picks a row the
// selection follows the top of the list; when the selected row goes away, its
// neighbour in the same list takes its place.

import { $ } from '../dom.js';

const VIEWS = ['queue', 'questions', 'polls'];

export function row_selection() {
  let active_view = 'queue';
  let selected_key = null;
  // Where the selection sits (list id and position), to pick a neighbour when it goes away.
  let selected_list = null;
  let selected_index_in_list = 0;
  // Until the moderator picks an item, the selection follows the top of the list.
  let explicit = false;

  function visible_items() {
    const view = $(`view-${active_view}`);
    return Array.from(view.querySelectorAll('.item'));
  }

  function select(key, scroll) {
    selected_key = key;
    const items = visible_items();
    const i = items.findIndex((n) => n.dataset.key === key);
    if (i >= 0) {
      const list = items[i].parentElement;
      selected_list = list ? list.id : null;
      selected_index_in_list = list ? Array.prototype.indexOf.call(list.children, items[i]) : 0;
    }
    for (const n of document.querySelectorAll('.item')) {
      const on = n.dataset.key === key;
      n.classList.toggle('selected', on);
      // aria-current, not aria-selected: the rows are list items, not options of a listbox.
      if (on) n.setAttribute('aria-current', 'true');
      else n.removeAttribute('aria-current');
    }
    const node = items[i];
    if (node && scroll) node.scrollIntoView({ block: 'nearest' });
  }

  // After a list changes, keep the same item selected, or the one that took its place.
  function fix() {
    const items = visible_items();
    if (!items.length) {
      selected_key = null;
      return;
    }
    if (!explicit) {
      select(items[0].dataset.key, false);
      return;
    }
    if (selected_key && items.some((n) => n.dataset.key === selected_key)) {
      select(selected_key, false);
      return;
    }
    // The selected item went away (approved, rejected, moved): take its neighbour in
    // the same list; when that list is now empty, follow the top of the queue again
    // so the next arrival is selected and `a` acts on it.
    const same_list = selected_list ? items.filter((n) => n.parentElement && n.parentElement.id === selected_list) : [];
    if (!same_list.length) {
      explicit = false;
      select(items[0].dataset.key, false);
      return;
    }
    const i = Math.min(selected_index_in_list, same_list.length - 1);
    select(same_list[Math.max(0, i)].dataset.key, false);
  }

  function move(delta) {
    explicit = true;
    const items = visible_items();
    if (!items.length) return;
    let i = items.findIndex((n) => n.dataset.key === selected_key);
    i = i < 0 ? 0 : Math.max(0, Math.min(items.length - 1, i + delta));
    select(items[i].dataset.key, true);
  }

  function select_view(name) {
    active_view = name;
    for (const v of VIEWS) {
      const on = v === name;
      $(`tab-${v}`).setAttribute('aria-selected', on ? 'true' : 'false');
      $(`view-${v}`).hidden = !on;
      $(`view-${v}`).classList.toggle('view-active', on);
    }
    fix();
  }

  for (const v of VIEWS) $(`tab-${v}`).addEventListener('click', () => select_view(v));
  select_view('queue');

  return {
    key: () => selected_key,
    view: () => active_view,
    // The moderator picked this row (a click on it or on one of its buttons).
    pick(key) {
      explicit = true;
      select(key, false);
    },
    move,
    // Drawn after every list, so it sees them all.
    render: fix,
  };
}
