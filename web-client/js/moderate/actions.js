// What a moderator can do to a row (approve, reject, feature, edit, put on
// screen, mark answered, reopen, block or trust the author), each sent as a
// command with the command that reverses it, so the last action can be undone
// when the protocol has an inverse for it.

import { t } from '../strings.js';
import { $, set_text } from '../dom.js';
import { confirm_action } from '../confirm.js';
import { describe, author_of } from './rows.js';
import { open_editor } from './editor.js';

// Undoing an approval takes the post off the wall and puts it back in the queue.
export function unapprove(id) {
  return [{ type: 'highlight.remove', highlight: id }, { type: 'post.restore', post: id }];
}

export function moderation_actions({ conn, run, rows }) {
  // The last action and the command that reverses it (null when there is none).
  let last_action = null;

  // Runs an action, remembering its inverse (a command or a list of them) for undo.
  async function act(label, command, inverse) {
    const line = $('last-command');
    try {
      const ack = await run(command, label);
      last_action = { label, inverse };
      render_undo();
      return ack;
    } catch (err) {
      return null;
    } finally {
      // The status line is cut to the toolbar's width; the tooltip keeps all of it.
      line.title = line.textContent;
    }
  }

  // The event may reserve the overlay to producers ("on_air": "producer").
  function may_put_on_air() {
    const on_air = conn.state && conn.state.event && conn.state.event.on_air;
    return on_air !== 'producer' || conn.role === 'producer';
  }

  const by_name = {
    approve(row) {
      if (row.where !== 'queue') return;
      if (row.kind === 'post') {
        // Approving an edit replaces a live post's text; taking the post down is no undo for that.
        const inverse = row.data.edit_of ? null : unapprove(row.data.id);
        act(t('did_approve', { what: describe(row) }), { type: 'post.approve', post: row.data.id }, inverse);
      } else {
        act(t('did_approve', { what: describe(row) }), { type: 'question.approve', question: row.data.id }, { type: 'question.reject', question: row.data.id });
      }
    },
    reject(row) {
      if (row.kind === 'post') {
        // Rejecting an edit keeps the shown version; there is nothing to restore.
        if (row.where === 'queue') act(t('did_reject', { what: describe(row) }), { type: 'post.reject', post: row.data.id }, row.data.edit_of ? null : { type: 'post.restore', post: row.data.id });
        else act(t('did_remove', { what: describe(row) }), { type: 'highlight.remove', highlight: row.data.id }, { type: 'post.restore', post: row.data.id });
      } else {
        act(t('did_reject', { what: describe(row) }), { type: 'question.reject', question: row.data.id }, { type: 'question.restore', question: row.data.id });
      }
    },
    feature(row) {
      if (row.kind !== 'post') return;
      // Featuring from the queue also approves, so removing the highlight reverses it.
      const inverse = row.where === 'queue' && !row.data.edit_of ? unapprove(row.data.id) : null;
      act(t('did_feature', { what: describe(row) }), { type: 'post.feature', post: row.data.id }, inverse);
    },
    edit(row) {
      if (row.kind !== 'question') return;
      open_editor(row, (text, old_text) => {
        act(t('did_edit', { what: describe(row) }), { type: 'question.edit', question: row.data.id, text }, { type: 'question.edit', question: row.data.id, text: old_text });
      });
    },
    async screen(row) {
      if (!may_put_on_air()) return;
      const kind = row.kind === 'post' ? 'highlight' : 'question';
      const prev = conn.state && conn.state.on_screen ? { ...conn.state.on_screen } : null;
      const restore = prev ? { type: 'on_screen.set', kind: prev.kind, item: prev.id } : { type: 'on_screen.set', kind: null, item: null };
      if (row.where === 'queue') {
        // Only approved items can be shown: a pending one is approved first, and the
        // moderator says so before anything airs.
        const ok = await confirm_action(t('confirm_air_title'), t('confirm_air_body', { what: describe(row) }), t('confirm_air_ok'));
        if (!ok) return;
        const approve = row.kind === 'post' ? { type: 'post.approve', post: row.data.id } : { type: 'question.approve', question: row.data.id };
        const undo = row.kind === 'question' ? [{ type: 'question.reject', question: row.data.id }] : row.data.edit_of ? null : unapprove(row.data.id);
        const approved = await act(t('did_approve', { what: describe(row) }), approve, undo);
        if (!approved) return;
        act(t('did_air', { what: describe(row) }), { type: 'on_screen.set', kind, item: row.data.id }, undo ? [restore, ...undo] : restore);
        return;
      }
      if (rows.on_screen_is(kind, row.data.id)) {
        act(t('did_clear_screen'), { type: 'on_screen.set', kind: null, item: null }, { type: 'on_screen.set', kind, item: row.data.id });
      } else {
        act(t('did_air', { what: describe(row) }), { type: 'on_screen.set', kind, item: row.data.id }, restore);
      }
    },
    answered(row) {
      if (row.kind !== 'question' || row.where !== 'live' || row.data.status === 'answered') return;
      act(t('did_answer', { what: describe(row) }), { type: 'question.answered', question: row.data.id }, { type: 'question.reopen', question: row.data.id });
    },
    reopen(row) {
      if (row.kind !== 'question' || row.where !== 'live' || row.data.status !== 'answered') return;
      act(t('did_reopen', { what: describe(row) }), { type: 'question.reopen', question: row.data.id }, { type: 'question.answered', question: row.data.id });
    },
    block(row) {
      if (row.kind !== 'post' || !row.data.author) return;
      const author = { source: row.data.source, handle: row.data.author.handle };
      act(t('did_block', { who: author_of(row) }), { type: 'author.block', ...author }, { type: 'author.unblock', ...author });
    },
    trust(row) {
      if (row.kind !== 'post' || !row.data.author) return;
      const author = { source: row.data.source, handle: row.data.author.handle };
      act(t('did_trust', { who: author_of(row) }), { type: 'author.trust', ...author }, { type: 'author.untrust', ...author });
    },
  };

  async function undo() {
    if (!last_action || !last_action.inverse) return;
    const { label, inverse } = last_action;
    last_action = null;
    render_undo();
    const steps = Array.isArray(inverse) ? inverse : [inverse];
    for (const step of steps) {
      try {
        await run(step, t('undo_label', { action: label }));
      } catch (err) {
        return;
      }
    }
  }

  function render_undo() {
    const btn = $('undo');
    if (!last_action) {
      btn.disabled = true;
      set_text(btn, t('undo_none'));
    } else if (!last_action.inverse) {
      btn.disabled = true;
      set_text(btn, t('undo_unavailable', { action: last_action.label }));
    } else {
      btn.disabled = conn.status.state !== 'connected';
      set_text(btn, t('undo', { action: last_action.label }));
      btn.title = btn.textContent;
    }
  }

  $('undo').addEventListener('click', undo);
  render_undo();

  return {
    by_name,
    act,
    undo,
    may_put_on_air,
    // Undo is offered only while connected.
    status: () => render_undo(),
  };
}
