// Decisions on many queued posts at once: a checkbox on each queued post, and a
// bar that approves or rejects the selection in one command (up to 100 posts),
// undone post by post.

import { t } from '../strings.js';
import { $, el, set_text, show } from '../dom.js';
import { unapprove } from './actions.js';

// The most posts one post.approve/post.reject command carries.
const BULK_MAX = 100;

export function bulk_bar({ conn, actions, redraw }) {
  const selected = new Set();

  function render() {
    const queued = new Set(conn.queue.posts.map((p) => p.id));
    for (const id of Array.from(selected)) if (!queued.has(id)) selected.delete(id);
    const n = selected.size;
    show($('bulk-bar'), n > 0);
    set_text($('bulk-count'), t('bulk_count', { n }));
    set_text($('bulk-approve'), t('bulk_approve', { n }));
    set_text($('bulk-reject'), t('bulk_reject', { n }));
    const connected = conn.status.state === 'connected';
    $('bulk-approve').disabled = !connected || n === 0;
    $('bulk-reject').disabled = !connected || n === 0;
  }

  function decide(type) {
    const ids = Array.from(selected).slice(0, BULK_MAX);
    if (!ids.length) return;
    const approve = type === 'post.approve';
    const label = t(approve ? 'did_bulk_approve' : 'did_bulk_reject', { n: ids.length });
    // Each decided post has its own inverse; undo sends them one by one.
    const inverse = ids.flatMap((id) => (approve ? unapprove(id) : [{ type: 'post.restore', post: id }]));
    selected.clear();
    actions.act(label, { type, posts: ids }, inverse).then((ack) => {
      if (ack && Array.isArray(ack.skipped) && ack.skipped.length) {
        set_text($('last-command'), t('bulk_skipped', { action: label, n: ack.skipped.length }));
      }
      redraw();
    });
  }

  $('bulk-approve').addEventListener('click', () => decide('post.approve'));
  $('bulk-reject').addEventListener('click', () => decide('post.reject'));
  $('bulk-clear').addEventListener('click', () => {
    selected.clear();
    redraw();
  });

  return {
    has: (id) => selected.has(id),
    // The checkbox of a queued post's row `li` (its post id is li.dataset.id).
    checkbox(li) {
      const box = el('input', { type: 'checkbox', class: 'select-box', testid: 'select-box', 'aria-label': t('select_post') });
      box.addEventListener('click', (ev) => ev.stopPropagation());
      box.addEventListener('change', () => {
        if (box.checked) selected.add(li.dataset.id);
        else selected.delete(li.dataset.id);
        render();
      });
      return box;
    },
    render,
  };
}
