// One row of the moderator console as an element: kind, network, author, age, the
// rule that held it and why, the text (and for an edited post, the version viewers
// see now), the questions merged into it, and the buttons that fit where it is
// (queue or live). Every list of the console draws its rows with this.

import { t, fmt_age, fmt_time, network_label } from '../strings.js';
import { el, set_text, show, reconcile, network_icon, set_text_lang } from '../dom.js';
import { confirm_action } from '../confirm.js';
import { author_label, describe } from './rows.js';

export function row_items({ conn, rows, actions, selection, bulk }) {
  const { by_name } = actions;

  function button(label, testid, handler, extra = {}) {
    const b = el('button', { type: 'button', class: 'btn btn-small', testid, text: label, ...extra });
    b.addEventListener('click', (ev) => {
      ev.stopPropagation();
      const li = b.closest('.item');
      selection.pick(li.dataset.key);
      const row = rows.find_row(li.dataset.key);
      if (row) handler(row);
    });
    return b;
  }

  function action_bar(row) {
    const bar = el('div', { class: 'item-actions' });
    if (row.where === 'queue') {
      bar.append(
        button(t('act_approve'), 'approve', by_name.approve, { 'aria-keyshortcuts': 'A' }),
        button(t('act_reject'), 'reject', by_name.reject, { 'aria-keyshortcuts': 'R' }),
      );
      if (row.kind === 'post') bar.append(button(t('act_feature'), 'feature', by_name.feature, { 'aria-keyshortcuts': 'F' }));
      else bar.append(button(t('act_edit'), 'edit', by_name.edit, { 'aria-keyshortcuts': 'E' }));
      bar.append(button(t('act_screen_queue'), 'screen', by_name.screen, { 'aria-keyshortcuts': 'S', title: t('act_screen_queue_title') }));
    } else if (row.kind === 'post') {
      bar.append(
        button(t('act_feature'), 'feature', by_name.feature, { 'aria-keyshortcuts': 'F' }),
        button(t('act_screen'), 'screen', by_name.screen, { 'aria-keyshortcuts': 'S' }),
        button(t('act_remove'), 'remove', by_name.reject, { 'aria-keyshortcuts': 'R' }),
      );
    } else {
      bar.append(button(t('act_screen'), 'screen', by_name.screen, { 'aria-keyshortcuts': 'S' }));
      if (row.data.status !== 'answered') bar.append(button(t('act_answered'), 'answered', by_name.answered, { 'aria-keyshortcuts': 'M' }));
      else bar.append(button(t('act_reopen'), 'reopen', by_name.reopen, { 'aria-keyshortcuts': 'O' }));
      bar.append(
        button(t('act_edit'), 'edit', by_name.edit, { 'aria-keyshortcuts': 'E' }),
        button(t('act_reject'), 'reject', by_name.reject, { 'aria-keyshortcuts': 'R' }),
      );
    }
    if (row.kind === 'post') {
      // Author decisions outlast this post, so they sit apart from the per-post actions.
      bar.append(
        el(
          'span',
          { class: 'author-actions' },
          el('span', { class: 'author-label', text: t('author_actions') }),
          button(t('act_block'), 'block', by_name.block, { title: t('act_block_title') }),
          button(t('act_trust'), 'trust', by_name.trust, { title: t('act_trust_title') }),
        ),
      );
    }
    return bar;
  }

  function create(row) {
    const testid = row.where === 'queue' ? 'queue-item' : row.kind === 'post' ? 'wall-item' : 'live-question';
    const li = el('li', { class: 'item', testid, tabindex: '-1' });
    li.dataset.kind = row.kind;
    li.dataset.where = row.where;
    if (row.where === 'queue' && row.kind === 'post') li.append(bulk.checkbox(li));
    li.append(
      el(
        'div',
        { class: 'item-head' },
        el('span', { class: 'item-kind', text: row.kind === 'post' ? t('kind_post') : t('kind_question') }),
        el('span', { class: 'item-net' }),
        el('span', { class: 'item-author', dir: 'auto' }),
        el('span', { class: 'item-handle', dir: 'auto' }),
        el('span', { class: 'item-time' }),
        el('span', { class: 'held', testid: 'held-by' }),
        el('span', { class: 'on-screen-marker', text: t('on_screen_marker') }),
      ),
      el('p', { class: 'item-reason', testid: 'reason' }),
      el('p', { class: 'item-text', dir: 'auto' }),
    );
    if (row.kind === 'post' && row.where === 'queue') {
      // A new version of a post that is live: what viewers see until it is approved.
      li.append(
        el(
          'div',
          { class: 'edit-of', testid: 'edit-of' },
          el('span', { class: 'edit-badge', text: t('edited_at_source') }),
          el('span', { class: 'edit-of-label', text: t('edit_of_label') }),
          el('p', { class: 'edit-of-text', testid: 'edit-of-text', dir: 'auto' }),
        ),
      );
    }
    if (row.kind === 'question') {
      li.append(
        el(
          'details',
          { class: 'merged', testid: 'merged' },
          el('summary', { testid: 'merged-summary' }),
          el('ol', { class: 'merged-list' }),
        ),
      );
    }
    li.append(action_bar(row));
    li.addEventListener('click', () => selection.pick(li.dataset.key));
    return li;
  }

  function update(li, row) {
    const d = row.data;
    li.dataset.id = d.id;
    const [head, reason, text] = li.querySelectorAll(':scope > .item-head, :scope > .item-reason, :scope > .item-text');
    const box = li.querySelector(':scope > .select-box');
    if (box) box.checked = bulk.has(d.id);
    const [, net, author, handle, time, held, marker] = head.children;
    if (row.kind === 'post') {
      if (net.dataset.source !== d.source) {
        net.dataset.source = d.source || '';
        net.replaceChildren(network_icon(d.source, network_label(d.source)), ` ${network_label(d.source)}`);
      }
      // Without a display name the author label already is the handle.
      set_text(handle, d.author && d.author.handle && d.author.display_name ? `@${d.author.handle}` : '');
      li.classList.toggle('featured', Boolean(d.featured));
      const feat = li.querySelector('[data-testid=feature]');
      if (feat && row.where === 'live') {
        feat.setAttribute('aria-pressed', d.featured ? 'true' : 'false');
        set_text(feat, d.featured ? t('act_unfeature') : t('act_feature'));
      }
    } else if (row.where === 'live') {
      set_text(handle, t('votes', { n: d.votes || 0 }));
    }
    set_text(author, author_label(row));
    const at = row.kind === 'post' ? d.created_at : d.asked_at;
    set_text(time, typeof at === 'number' ? fmt_age(at, conn.server_now()) : '');
    time.title = typeof at === 'number' ? fmt_time(at) : '';
    show(held, Boolean(d.held_by));
    set_text(held, d.held_by ? t('held_by', { rule: d.held_by }) : '');
    // The default rule's reason only repeats "held by default".
    const reason_text = d.held_by === 'default' ? '' : d.reason || '';
    show(reason, Boolean(reason_text));
    set_text(reason, reason_text);
    set_text(text, d.text || '');
    set_text_lang(text, d.text, d.lang);
    const edit_of = li.querySelector('.edit-of');
    if (edit_of) {
      show(edit_of, Boolean(d.edit_of));
      li.classList.toggle('edit', Boolean(d.edit_of));
      const live_text = edit_of.querySelector('.edit-of-text');
      set_text(live_text, d.edit_of ? d.edit_of.text || '' : '');
      set_text_lang(live_text, d.edit_of && d.edit_of.text, d.edit_of && d.edit_of.lang);
    }
    const kind = row.kind === 'post' ? 'highlight' : 'question';
    const on = row.where === 'live' && rows.on_screen_is(kind, d.id);
    show(marker, on);
    li.classList.toggle('on-screen', on);
    const screen_btn = li.querySelector('[data-testid=screen]');
    if (screen_btn && row.where === 'live') set_text(screen_btn, on ? t('screen_clear') : t('act_screen'));
    if (screen_btn) show(screen_btn, actions.may_put_on_air());
    const selected = row.key === selection.key();
    li.classList.toggle('selected', selected);
    if (selected) li.setAttribute('aria-current', 'true');
    else li.removeAttribute('aria-current');
    if (row.kind === 'question') update_merged(li.querySelector('.merged'), rows.merged_into(d.id));
  }

  // The questions merged into one, each with its own undo (question.unmerge).
  function update_merged(details, children) {
    show(details, children.length > 0);
    set_text(details.firstElementChild, t('merged_count', { n: children.length }));
    reconcile(
      details.lastElementChild,
      children,
      (q) => q.id,
      () => {
        const undo_btn = el('button', { type: 'button', class: 'btn btn-small', testid: 'unmerge', text: t('act_unmerge') });
        const li = el('li', { class: 'merged-item', testid: 'merged-item' }, el('span', { class: 'merged-text', dir: 'auto' }), el('span', { class: 'merged-meta' }), undo_btn);
        undo_btn.addEventListener('click', async (ev) => {
          ev.stopPropagation();
          const id = li.dataset.id;
          const q = conn.queue.questions.find((x) => x.id === id);
          const what = describe({ kind: 'question', data: q || { text: '' } });
          // A merge cannot be made again by hand: ask before undoing it.
          if (!(await confirm_action(t('confirm_unmerge_title'), t('confirm_unmerge_body', { what }), t('act_unmerge')))) return;
          actions.act(t('did_unmerge', { what }), { type: 'question.unmerge', question: id }, null);
        });
        return li;
      },
      (li, q) => {
        li.dataset.id = q.id;
        const [text, meta] = li.children;
        set_text(text, q.text || '');
        set_text_lang(text, q.text);
        set_text(meta, ` · ${q.author || t('anonymous')} · ${typeof q.asked_at === 'number' ? fmt_age(q.asked_at, conn.server_now()) : ''}`);
      },
    );
  }

  // Draws `list` of rows into `container`.
  return (container, list) => reconcile(container, list, (r) => r.key, create, update);
}
