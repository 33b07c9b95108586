// The moderators' author lists: who is blocked (their posts never reach the
// queue) and who is trusted (theirs skip it), who decided and when, and a button
// to lift each decision.

import { t, fmt_time, network_label } from '../strings.js';
import { $, el, set_text, show, reconcile } from '../dom.js';

export function authors_panel({ conn, actions }) {
  const who_of = (a) => t('author_label', { handle: `@${a.handle}`, network: network_label(a.source) });

  function create_row() {
    const btn = el('button', { type: 'button', class: 'btn btn-small', testid: 'author-lift' });
    const li = el('li', { class: 'author-row', testid: 'author-row' }, el('span', { class: 'author-what' }), el('span', { class: 'author-meta' }), btn);
    btn.addEventListener('click', () => {
      const a = { source: li.dataset.source, handle: li.dataset.handle };
      const who = who_of(a);
      if (li.dataset.list === 'blocked') actions.act(t('did_unblock', { who }), { type: 'author.unblock', ...a }, { type: 'author.block', ...a });
      else actions.act(t('did_untrust', { who }), { type: 'author.untrust', ...a }, { type: 'author.trust', ...a });
    });
    return li;
  }

  function update_row(li, a) {
    li.dataset.list = a.list;
    li.dataset.source = a.source;
    li.dataset.handle = a.handle;
    const [what, meta, btn] = li.children;
    set_text(what, t(a.list === 'blocked' ? 'author_blocked' : 'author_trusted', { who: who_of(a) }));
    set_text(meta, a.by ? t('author_by', { by: a.by, time: typeof a.at === 'number' ? fmt_time(a.at, conn.server_now()) : '' }) : '');
    set_text(btn, t(a.list === 'blocked' ? 'act_unblock' : 'act_untrust'));
    btn.disabled = conn.status.state !== 'connected';
  }

  return {
    render() {
      const authors = conn.queue.authors || { blocked: [], trusted: [] };
      const rows = [
        ...authors.blocked.map((a) => ({ ...a, list: 'blocked' })),
        ...authors.trusted.map((a) => ({ ...a, list: 'trusted' })),
      ];
      set_text($('authors-summary'), t('authors_summary', { blocked: authors.blocked.length, trusted: authors.trusted.length }));
      reconcile($('authors-list'), rows, (a) => `${a.list}:${a.source}:${a.handle}`, create_row, update_row);
      show($('authors-empty'), rows.length === 0);
    },
  };
}
