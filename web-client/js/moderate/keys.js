// The moderator's keys: j/k (or the arrows) move the selection, u undoes, and a
// letter acts on the selected row (a approve, r reject, f feature, e edit, s put
// on screen, m answered, o reopen). Keys typed into a field are left alone.

import { $, is_typing } from '../dom.js';

const ACTION_KEYS = { a: 'approve', r: 'reject', f: 'feature', e: 'edit', s: 'screen', m: 'answered', o: 'reopen' };

export function setup_keys({ rows, selection, actions }) {
  document.addEventListener('keydown', (ev) => {
    if (ev.defaultPrevented || ev.altKey || ev.ctrlKey || ev.metaKey) return;
    if (is_typing(ev.target) || $('console').hidden) return;
    const key = ev.key.length === 1 ? ev.key.toLowerCase() : ev.key;
    if (key === 'j' || key === 'ArrowDown') {
      ev.preventDefault();
      return selection.move(1);
    }
    if (key === 'k' || key === 'ArrowUp') {
      ev.preventDefault();
      return selection.move(-1);
    }
    if (key === 'u') {
      ev.preventDefault();
      return actions.undo();
    }
    const name = ACTION_KEYS[key];
    if (!name || !selection.key()) return;
    const row = rows.find_row(selection.key());
    if (!row) return;
    ev.preventDefault();
    actions.by_name[name](row);
  });
}
