// The moderator console (/moderate): the moderation queue (posts and
// questions, oldest first, with the rule that held each), what is live (wall
// and approved questions), questions merged into others (with undo), one-key
// actions on the selected item, undo for the last action when the protocol has
// an inverse for it, CSV downloads of the questions and the audit log, and the
// health of the ingest sources (polled from /api/events/{id}/sources).

import { start_staff_page, make_command_sender } from './staff.js';
import { t, fmt_number, fmt_age, fmt_time, fmt_lag, network_label, error_text, short } from './strings.js';
import { el, set_text, show, reconcile, is_typing, network_icon, set_text_lang } from './dom.js';
import { held_list } from './held_list.js';
import { confirm_action } from './confirm.js';

const $ = (id) => document.getElementById(id);
const conn = start_staff_page();
const run = make_command_sender(conn);

let active_view = 'queue';
let selected_key = null;
// Where the selection sits (list id and position), to pick a neighbour when it goes away.
let selected_list = null;
let selected_index_in_list = 0;
// Until the moderator picks an item, the selection follows the top of the list.
let selection_explicit = false;
// The last action and the command that reverses it (null when there is none).
let last_action = null;

// ---- models ----
// A row is {key, kind: 'post'|'question', where: 'queue'|'live', data}.

// Questions merged into another wait in the staff queue with status "merged";
// they are shown under their target, not as work to do.
function is_merged(q) {
  return q.status === 'merged';
}

function pending_questions() {
  return conn.queue.questions.filter((q) => !is_merged(q));
}

function merged_into(id) {
  return conn.queue.questions.filter((q) => is_merged(q) && q.merged_into === id);
}

function queue_rows() {
  const rows = [
    ...conn.queue.posts.map((p, i) => ({ kind: 'post', data: p, at: p.created_at, order: i })),
    ...pending_questions().map((q, i) => ({ kind: 'question', data: q, at: q.asked_at, order: 1e6 + i })),
  ];
  rows.sort((a, b) => (a.at || 0) - (b.at || 0) || a.order - b.order);
  return rows.map((r) => ({ key: `queue:${r.kind}:${r.data.id}`, kind: r.kind, where: 'queue', data: r.data }));
}

function live_question_rows(status) {
  const qs = conn.state ? conn.state.questions : [];
  return qs
    .filter((q) => (status === 'answered' ? q.status === 'answered' : q.status !== 'answered'))
    .sort((a, b) => (b.votes || 0) - (a.votes || 0) || (a.asked_at || 0) - (b.asked_at || 0))
    .map((q) => ({ key: `live:question:${q.id}`, kind: 'question', where: 'live', data: q }));
}

function wall_rows() {
  const hs = conn.state ? conn.state.highlights : [];
  return hs.map((h) => ({ key: `live:post:${h.id}`, kind: 'post', where: 'live', data: h }));
}

function find_row(key) {
  const all = [...queue_rows(), ...live_question_rows('open'), ...live_question_rows('answered'), ...wall_rows()];
  return all.find((r) => r.key === key) || null;
}

function on_screen_is(kind, id) {
  const os = conn.state && conn.state.on_screen;
  return Boolean(os && os.kind === kind && os.id === id);
}

// ---- actions ----

function author_label(row) {
  if (row.kind === 'question') return row.data.author || t('anonymous');
  const a = row.data.author || {};
  return a.display_name || a.handle || '';
}

// "Ana Ruiz: “Will the Tokyo office…”": who and a few words, never an internal id.
function describe(row) {
  return t('item_label', { author: author_label(row) || t('anonymous'), text: short(row.data.text) });
}

function author_of(row) {
  const a = row.data.author || {};
  return t('author_label', { handle: a.handle ? `@${a.handle}` : '', network: network_label(row.data.source) });
}

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

// Undoing an approval takes the post off the wall and puts it back in the queue.
function unapprove(id) {
  return [{ type: 'highlight.remove', highlight: id }, { type: 'post.restore', post: id }];
}

const actions = {
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
    open_editor(row);
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
    if (on_screen_is(kind, row.data.id)) {
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

// ---- editing ----

function open_editor(row) {
  const li = document.querySelector(`.view-active [data-key="${CSS.escape(row.key)}"]`) || document.querySelector(`[data-key="${CSS.escape(row.key)}"]`);
  if (!li || li.querySelector('.edit-box')) return;
  const old_text = row.data.text;
  const input = el('input', { type: 'text', dir: 'auto', testid: 'edit-input', 'aria-label': t('act_edit') });
  input.value = old_text;
  const save = el('button', { type: 'button', class: 'btn btn-small btn-primary', testid: 'edit-save', text: t('act_save') });
  const cancel = el('button', { type: 'button', class: 'btn btn-small', text: t('cancel') });
  const box = el('div', { class: 'edit-box' }, input, save, cancel);
  const text_node = li.querySelector('.item-text');
  text_node.hidden = true;
  text_node.after(box);
  const close = () => {
    box.remove();
    text_node.hidden = false;
    li.focus();
  };
  const commit = () => {
    const text = input.value.trim();
    close();
    if (!text || text === old_text) return;
    act(t('did_edit', { what: describe(row) }), { type: 'question.edit', question: row.data.id, text }, { type: 'question.edit', question: row.data.id, text: old_text });
  };
  save.addEventListener('click', commit);
  cancel.addEventListener('click', close);
  input.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter') {
      ev.preventDefault();
      commit();
    } else if (ev.key === 'Escape') {
      ev.preventDefault();
      close();
    }
  });
  input.focus();
  input.select();
}

// ---- rendering ----

function button(label, testid, handler, extra = {}) {
  const b = el('button', { type: 'button', class: 'btn btn-small', testid, text: label, ...extra });
  b.addEventListener('click', (ev) => {
    ev.stopPropagation();
    const li = b.closest('.item');
    selection_explicit = true;
    select(li.dataset.key, false);
    const row = find_row(li.dataset.key);
    if (row) handler(row);
  });
  return b;
}

function create_item(row) {
  const testid = row.where === 'queue' ? 'queue-item' : row.kind === 'post' ? 'wall-item' : 'live-question';
  const li = el('li', { class: 'item', testid, tabindex: '-1' });
  li.dataset.kind = row.kind;
  li.dataset.where = row.where;
  if (row.where === 'queue' && row.kind === 'post') {
    const box = el('input', { type: 'checkbox', class: 'select-box', testid: 'select-box', 'aria-label': t('select_post') });
    box.addEventListener('click', (ev) => ev.stopPropagation());
    box.addEventListener('change', () => {
      if (box.checked) bulk_selection.add(li.dataset.id);
      else bulk_selection.delete(li.dataset.id);
      render_bulk();
    });
    li.append(box);
  }
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
  const bar = el('div', { class: 'item-actions' });
  if (row.where === 'queue') {
    bar.append(
      button(t('act_approve'), 'approve', actions.approve, { 'aria-keyshortcuts': 'A' }),
      button(t('act_reject'), 'reject', actions.reject, { 'aria-keyshortcuts': 'R' }),
    );
    if (row.kind === 'post') bar.append(button(t('act_feature'), 'feature', actions.feature, { 'aria-keyshortcuts': 'F' }));
    else bar.append(button(t('act_edit'), 'edit', actions.edit, { 'aria-keyshortcuts': 'E' }));
    bar.append(button(t('act_screen_queue'), 'screen', actions.screen, { 'aria-keyshortcuts': 'S', title: t('act_screen_queue_title') }));
  } else if (row.kind === 'post') {
    bar.append(
      button(t('act_feature'), 'feature', actions.feature, { 'aria-keyshortcuts': 'F' }),
      button(t('act_screen'), 'screen', actions.screen, { 'aria-keyshortcuts': 'S' }),
      button(t('act_remove'), 'remove', actions.reject, { 'aria-keyshortcuts': 'R' }),
    );
  } else {
    bar.append(button(t('act_screen'), 'screen', actions.screen, { 'aria-keyshortcuts': 'S' }));
    if (row.data.status !== 'answered') bar.append(button(t('act_answered'), 'answered', actions.answered, { 'aria-keyshortcuts': 'M' }));
    else bar.append(button(t('act_reopen'), 'reopen', actions.reopen, { 'aria-keyshortcuts': 'O' }));
    bar.append(
      button(t('act_edit'), 'edit', actions.edit, { 'aria-keyshortcuts': 'E' }),
      button(t('act_reject'), 'reject', actions.reject, { 'aria-keyshortcuts': 'R' }),
    );
  }
  if (row.kind === 'post') {
    // Author decisions outlast this post, so they sit apart from the per-post actions.
    bar.append(
      el(
        'span',
        { class: 'author-actions' },
        el('span', { class: 'author-label', text: t('author_actions') }),
        button(t('act_block'), 'block', actions.block, { title: t('act_block_title') }),
        button(t('act_trust'), 'trust', actions.trust, { title: t('act_trust_title') }),
      ),
    );
  }
  li.append(bar);
  li.addEventListener('click', () => {
    selection_explicit = true;
    select(li.dataset.key, false);
  });
  return li;
}

function update_item(li, row) {
  const d = row.data;
  li.dataset.id = d.id;
  const [head, reason, text] = li.querySelectorAll(':scope > .item-head, :scope > .item-reason, :scope > .item-text');
  const box = li.querySelector(':scope > .select-box');
  if (box) box.checked = bulk_selection.has(d.id);
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
  const on = row.where === 'live' && on_screen_is(kind, d.id);
  show(marker, on);
  li.classList.toggle('on-screen', on);
  const screen_btn = li.querySelector('[data-testid=screen]');
  if (screen_btn && row.where === 'live') set_text(screen_btn, on ? t('screen_clear') : t('act_screen'));
  if (screen_btn) show(screen_btn, may_put_on_air());
  li.classList.toggle('selected', row.key === selected_key);
  li.setAttribute('aria-selected', row.key === selected_key ? 'true' : 'false');
  if (row.kind === 'question') update_merged(li.querySelector('.merged'), merged_into(d.id));
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
        act(t('did_unmerge', { what }), { type: 'question.unmerge', question: id }, null);
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

// New rows wait behind an "N new" marker while the pointer is over their list.
const held = {
  queue: held_list($('queue-list'), $('queue-new'), () => render_lists(), (r) => r.key),
  wall: held_list($('wall-list'), $('wall-new'), () => render_lists(), (r) => r.key),
  pending: held_list($('qa-pending'), $('qa-pending-new'), () => render_lists(), (r) => r.key),
};

function render_lists() {
  const q = queue_rows();
  reconcile($('queue-list'), held.queue.shown(q), (r) => r.key, create_item, update_item);
  show($('queue-empty'), q.length === 0);
  reconcile($('live-questions'), live_question_rows('open'), (r) => r.key, create_item, update_item);
  reconcile($('wall-list'), held.wall.shown(wall_rows()), (r) => r.key, create_item, update_item);
  reconcile($('qa-pending'), held.pending.shown(q.filter((r) => r.kind === 'question')), (r) => r.key, create_item, update_item);
  render_bulk();
  render_authors();
  reconcile($('qa-approved'), live_question_rows('open'), (r) => r.key, create_item, update_item);
  reconcile($('qa-answered'), live_question_rows('answered'), (r) => r.key, create_item, update_item);
  fix_selection();
  render_counters();
  render_queue_more();
}

// ---- the rest of a long queue (the queue.snapshot holds the oldest items only) ----

// Loaded items of a kind left to decide on before the next page is fetched.
const QUEUE_LOW_WATER = 30;
let queue_more_visible = false;

function queue_waiting() {
  const merged = conn.queue.questions.length - pending_questions().length;
  return Math.max(0, conn.queue.posts_total + conn.queue.questions_total - merged);
}

// Fetches the next page of each kind whose loaded part runs low, or all when asked.
async function load_more_queue(all = false) {
  const loads = [];
  for (const kind of ['post', 'question']) {
    const loaded = kind === 'post' ? conn.queue.posts.length : pending_questions().length;
    if (conn.has_more_queue(kind) && (all || queue_more_visible || loaded < QUEUE_LOW_WATER)) loads.push(conn.load_more_queue(kind));
  }
  await Promise.all(loads);
}

function render_queue_more() {
  const more = conn.has_more_queue('post') || conn.has_more_queue('question');
  show($('queue-more'), more);
  if (!more) return;
  const shown = conn.queue.posts.length + pending_questions().length;
  set_text($('queue-shown'), t('queue_shown', {
    shown: fmt_number(shown),
    total: fmt_number(queue_waiting()),
    posts: fmt_number(conn.queue.posts_total),
    questions: fmt_number(conn.queue.questions_total),
  }));
  // As the moderator works down the queue, the next items arrive before the list runs dry.
  load_more_queue();
}

function watch_queue_end() {
  $('queue-load-more').addEventListener('click', () => load_more_queue(true));
  if (!window.IntersectionObserver) return;
  const observer = new IntersectionObserver((entries) => {
    queue_more_visible = entries.some((e) => e.isIntersecting);
    if (queue_more_visible) load_more_queue();
  }, { rootMargin: '0px 0px 300px 0px' });
  observer.observe($('queue-more'));
}

function render_counters() {
  const depth = queue_waiting();
  set_text($('queue-depth'), t('queue_depth', { n: depth }));
  $('queue-depth').dataset.count = String(depth);
  // Pending counts on each tab, so work waiting on the other tab is not missed.
  const merged = conn.queue.questions.length - pending_questions().length;
  const counts = { queue: depth, questions: Math.max(0, conn.queue.questions_total - merged) };
  for (const [tab, n] of Object.entries(counts)) {
    const badge = $(`tab-${tab}-count`);
    set_text(badge, String(n));
    badge.dataset.count = String(n);
  }
  if (!conn.state) return;
  set_text($('event-title'), conn.state.event.title || '');
  const viewers = conn.state.stats.viewers || 0;
  set_text($('viewers'), t('viewers', { n: viewers, count: fmt_number(viewers) }));
  const tags = conn.state.stats.tags || {};
  reconcile(
    $('tag-rates'),
    Object.keys(tags),
    (tag) => tag,
    () => el('span', { class: 'counter-chip', testid: 'tag-rate' }),
    (node, tag) => {
      node.dataset.tag = tag;
      set_text(node, t('per_minute', { tag, n: fmt_number(tags[tag].per_minute || 0) }));
    },
  );
}

// ---- bulk decisions on a selection of queued posts ----

const bulk_selection = new Set();

function render_bulk() {
  const queued = new Set(conn.queue.posts.map((p) => p.id));
  for (const id of Array.from(bulk_selection)) if (!queued.has(id)) bulk_selection.delete(id);
  const n = bulk_selection.size;
  show($('bulk-bar'), n > 0);
  set_text($('bulk-count'), t('bulk_count', { n }));
  set_text($('bulk-approve'), t('bulk_approve', { n }));
  set_text($('bulk-reject'), t('bulk_reject', { n }));
  const connected = conn.status.state === 'connected';
  $('bulk-approve').disabled = !connected || n === 0;
  $('bulk-reject').disabled = !connected || n === 0;
}

function bulk(type) {
  const ids = Array.from(bulk_selection).slice(0, 100);
  if (!ids.length) return;
  const approve = type === 'post.approve';
  const label = t(approve ? 'did_bulk_approve' : 'did_bulk_reject', { n: ids.length });
  // Each decided post has its own inverse; undo sends them one by one.
  const inverse = ids.flatMap((id) => (approve ? unapprove(id) : [{ type: 'post.restore', post: id }]));
  bulk_selection.clear();
  act(label, { type, posts: ids }, inverse).then((ack) => {
    if (ack && Array.isArray(ack.skipped) && ack.skipped.length) {
      const line = $('last-command');
      set_text(line, t('bulk_skipped', { action: label, n: ack.skipped.length }));
    }
    render_lists();
  });
}

// ---- the moderators' author lists ----

function render_authors() {
  const authors = conn.queue.authors || { blocked: [], trusted: [] };
  const rows = [
    ...authors.blocked.map((a) => ({ ...a, list: 'blocked' })),
    ...authors.trusted.map((a) => ({ ...a, list: 'trusted' })),
  ];
  set_text($('authors-summary'), t('authors_summary', { blocked: authors.blocked.length, trusted: authors.trusted.length }));
  reconcile(
    $('authors-list'),
    rows,
    (a) => `${a.list}:${a.source}:${a.handle}`,
    () => {
      const btn = el('button', { type: 'button', class: 'btn btn-small', testid: 'author-lift' });
      const li = el('li', { class: 'author-row', testid: 'author-row' }, el('span', { class: 'author-what' }), el('span', { class: 'author-meta' }), btn);
      btn.addEventListener('click', () => {
        const a = { source: li.dataset.source, handle: li.dataset.handle };
        const who = t('author_label', { handle: `@${a.handle}`, network: network_label(a.source) });
        if (li.dataset.list === 'blocked') act(t('did_unblock', { who }), { type: 'author.unblock', ...a }, { type: 'author.block', ...a });
        else act(t('did_untrust', { who }), { type: 'author.untrust', ...a }, { type: 'author.trust', ...a });
      });
      return li;
    },
    (li, a) => {
      li.dataset.list = a.list;
      li.dataset.source = a.source;
      li.dataset.handle = a.handle;
      const [what, meta, btn] = li.children;
      set_text(what, t(a.list === 'blocked' ? 'author_blocked' : 'author_trusted', { who: t('author_label', { handle: `@${a.handle}`, network: network_label(a.source) }) }));
      set_text(meta, a.by ? t('author_by', { by: a.by, time: typeof a.at === 'number' ? fmt_time(a.at, conn.server_now()) : '' }) : '');
      set_text(btn, t(a.list === 'blocked' ? 'act_unblock' : 'act_untrust'));
      btn.disabled = conn.status.state !== 'connected';
    },
  );
  show($('authors-empty'), rows.length === 0);
}

// ---- selection ----

function visible_items() {
  const view = active_view === 'queue' ? $('view-queue') : $('view-questions');
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
    n.setAttribute('aria-selected', on ? 'true' : 'false');
  }
  const node = items[i];
  if (node && scroll) node.scrollIntoView({ block: 'nearest' });
}

// After a list changes, keep the same item selected, or the one that took its place.
function fix_selection() {
  const items = visible_items();
  if (!items.length) {
    selected_key = null;
    return;
  }
  if (!selection_explicit) {
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
    selection_explicit = false;
    select(items[0].dataset.key, false);
    return;
  }
  const i = Math.min(selected_index_in_list, same_list.length - 1);
  select(same_list[Math.max(0, i)].dataset.key, false);
}

function move(delta) {
  selection_explicit = true;
  const items = visible_items();
  if (!items.length) return;
  let i = items.findIndex((n) => n.dataset.key === selected_key);
  i = i < 0 ? 0 : Math.max(0, Math.min(items.length - 1, i + delta));
  select(items[i].dataset.key, true);
}

// ---- tabs ----

function select_view(name) {
  active_view = name;
  for (const v of ['queue', 'questions']) {
    const on = v === name;
    $(`tab-${v}`).setAttribute('aria-selected', on ? 'true' : 'false');
    $(`view-${v}`).hidden = !on;
    $(`view-${v}`).classList.toggle('view-active', on);
  }
  fix_selection();
}

// ---- CSV downloads ----

// The CSV needs the staff token in a header, so a plain link cannot fetch it:
// fetch it here and hand the browser a blob: URL to save.
async function download_csv(what) {
  const event = conn.event || (conn.state && conn.state.event.id);
  const line = $('last-command');
  if (!event || !conn.token) return;
  try {
    const response = await fetch(`/api/events/${encodeURIComponent(event)}/${what}.csv`, {
      headers: { Authorization: `Bearer ${conn.token}` },
      cache: 'no-store',
    });
    if (!response.ok) {
      let message = `HTTP ${response.status}`;
      try {
        const body = await response.json();
        if (body && body.error && body.error.message) message = body.error.message;
      } catch (e) {
        // Not JSON: keep the status.
      }
      throw new Error(message);
    }
    const blob = await response.blob();
    const href = URL.createObjectURL(blob);
    const link = el('a', { href, download: `${event}-${what}.csv`, hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
    // The download has started by now; the URL is no longer needed.
    setTimeout(() => URL.revokeObjectURL(href), 60000);
  } catch (err) {
    line.dataset.state = 'error';
    set_text(line, t('download_failed', { message: err.message || error_text(err) }));
  }
}

// ---- ingest sources ----

// Source health changes slowly (the server refreshes it each second); every 5 s
// is fresh enough to notice a dead feed without loading the server.
const SOURCES_POLL_MS = 5000;
let sources_in_flight = false;
// Whether the panel shows an answer from the current connection; until then the
// first state frame also triggers a poll (the event id may only arrive with it).
let sources_fresh = false;

// Fetches the JSON behind a staff-only route; a failure carries the server's message.
async function fetch_staff_json(url) {
  const response = await fetch(url, { headers: { Authorization: `Bearer ${conn.token}` }, cache: 'no-store' });
  let body = null;
  try {
    body = await response.json();
  } catch (e) {
    // Not JSON: the status alone explains it.
  }
  if (!response.ok) throw new Error(body && body.error && body.error.message ? body.error.message : `HTTP ${response.status}`);
  return body;
}

// Only while connected: the token is then known to be good and the server up, so a
// poll never turns into a stream of failed requests during an outage.
async function poll_sources() {
  const event = conn.event || (conn.state && conn.state.event.id);
  if (sources_in_flight || !event || !conn.token || conn.status.state !== 'connected') return;
  sources_in_flight = true;
  try {
    const sources = await fetch_staff_json(`/api/events/${encodeURIComponent(event)}/sources`);
    render_sources(Array.isArray(sources) ? sources : []);
    sources_fresh = true;
  } catch (err) {
    render_sources_note(t('sources_failed', { message: err.message || error_text(err) }), 'error');
  } finally {
    sources_in_flight = false;
  }
}

function render_sources_note(text, state) {
  const note = $('sources-note');
  note.dataset.state = state;
  set_text(note, text);
  show(note, Boolean(text));
}

// Mastodon reports errors per hashtag stream; the first one stands for the source.
function source_error(source) {
  if (typeof source.last_error === 'string' && source.last_error) return source.last_error;
  const streams = Array.isArray(source.streams) ? source.streams : [];
  const failing = streams.find((s) => s && typeof s.last_error === 'string' && s.last_error);
  return failing ? `#${failing.tag}: ${failing.last_error}` : '';
}

function create_source_item() {
  return el(
    'li',
    { class: 'source-item', testid: 'source-item' },
    el('span', { class: 'source-dot', 'aria-hidden': 'true' }),
    el('span', { class: 'source-kind' }),
    el('span', { class: 'source-state', testid: 'source-state' }),
    el('span', { class: 'source-accepted', testid: 'source-accepted' }),
    el('span', { class: 'source-lag', testid: 'source-lag' }),
    el('span', { class: 'source-error', testid: 'source-error', dir: 'auto' }),
  );
}

function update_source_item(li, source) {
  const [, kind, state, accepted, lag, error] = li.children;
  const name = String(source.kind || '');
  const st = String(source.state || '');
  li.dataset.kind = name;
  li.dataset.state = st;
  set_text(kind, t(`source_kind_${name}`) === `source_kind_${name}` ? name : t(`source_kind_${name}`));
  set_text(state, t(`source_state_${st}`) === `source_state_${st}` ? st : t(`source_state_${st}`));
  const count = typeof source.accepted === 'number' ? source.accepted : 0;
  li.dataset.accepted = String(count);
  set_text(accepted, t('source_accepted', { n: count, count: fmt_number(count) }));
  const has_lag = name === 'jetstream' && typeof source.lag_ms === 'number';
  show(lag, has_lag);
  set_text(lag, has_lag ? t('source_lag', { time: fmt_lag(source.lag_ms) }) : '');
  const message = source_error(source);
  show(error, Boolean(message));
  set_text(error, message);
  error.title = message;
  // Where it reads from and how hard it has worked, for a hover; the row stays one line.
  li.title = t('source_detail', {
    where: source.url || source.file || name,
    frames: fmt_number(typeof source.frames === 'number' ? source.frames : typeof source.position === 'number' ? source.position : 0),
    reconnects: fmt_number(typeof source.reconnects === 'number' ? source.reconnects : 0),
  });
}

function render_sources(sources) {
  // Two sources of one kind are told apart by their position in the server's list.
  const seen = {};
  const keyed = sources.map((s) => {
    const kind = String((s && s.kind) || 'unknown');
    seen[kind] = (seen[kind] || 0) + 1;
    return { key: `${kind}:${seen[kind]}`, source: s || {} };
  });
  reconcile($('sources-list'), keyed, (k) => k.key, create_source_item, (li, k) => update_source_item(li, k.source));
  $('sources-panel').classList.remove('stale');
  render_sources_note(keyed.length ? '' : t('sources_none'), keyed.length ? 'ok' : 'empty');
}

conn.on_state(() => {
  if (!sources_fresh) poll_sources();
});
conn.on_status((status) => {
  if (status.state === 'connected') {
    poll_sources();
    return;
  }
  sources_fresh = false;
  if ($('sources-list').children.length) {
    $('sources-panel').classList.add('stale');
    render_sources_note(t('sources_stale'), 'stale');
  }
});
setInterval(poll_sources, SOURCES_POLL_MS);

$('download-questions').addEventListener('click', () => download_csv('questions'));
$('download-audit').addEventListener('click', () => download_csv('audit'));

$('tab-queue').addEventListener('click', () => select_view('queue'));
$('tab-questions').addEventListener('click', () => select_view('questions'));
$('undo').addEventListener('click', undo);
$('bulk-approve').addEventListener('click', () => bulk('post.approve'));
$('bulk-reject').addEventListener('click', () => bulk('post.reject'));
$('bulk-clear').addEventListener('click', () => {
  bulk_selection.clear();
  render_lists();
});

document.addEventListener('keydown', (ev) => {
  if (ev.defaultPrevented || ev.altKey || ev.ctrlKey || ev.metaKey) return;
  if (is_typing(ev.target) || $('console').hidden) return;
  const key = ev.key.length === 1 ? ev.key.toLowerCase() : ev.key;
  if (key === 'j' || key === 'ArrowDown') {
    ev.preventDefault();
    return move(1);
  }
  if (key === 'k' || key === 'ArrowUp') {
    ev.preventDefault();
    return move(-1);
  }
  if (key === 'u') {
    ev.preventDefault();
    return undo();
  }
  const map = { a: 'approve', r: 'reject', f: 'feature', e: 'edit', s: 'screen', m: 'answered', o: 'reopen' };
  if (!map[key] || !selected_key) return;
  const row = find_row(selected_key);
  if (!row) return;
  ev.preventDefault();
  actions[map[key]](row);
});

conn.on_state(() => render_lists());
conn.on_staff(() => render_lists());
watch_queue_end();
conn.on_status(() => render_undo());
setInterval(() => {
  if (conn.state) render_lists();
}, 30000);

// The keys help is cut to the toolbar's one line; all of it is in the tooltip.
document.querySelector('.mod-toolbar .keys-help').title = t('mod_keys_help');
select_view('queue');
render_undo();
render_counters();
