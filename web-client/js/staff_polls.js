// The polls panel of both staff consoles (producers and moderators may both create,
// open and close polls): the drafts (prepared in the event file or made here), the
// open poll with its live results, the closed ones with their final counts, a form
// to make a new draft, and "on screen" for the /screen overlay. Keys (outside
// fields): c new poll, j/k pick a poll, o open the picked draft, x close the open
// poll, s put the picked poll on screen or take it off.

import { t, error_text, short } from './strings.js';
import { $, el, set_text, show, reconcile, set_text_lang, is_typing } from './dom.js';
import { can_command } from './staff.js';
import { confirm_action } from './confirm.js';
import { render_bars, total_text } from './poll_bars.js';

// The contract's bounds for poll.create: checked here too so the form says what is
// wrong before anything is sent.
export const QUESTION_MAX = 200;
export const OPTION_MAX = 80;
export const OPTIONS_MIN = 2;
export const OPTIONS_MAX = 6;

// `root` is the panel's (empty) section; `active()` says whether the panel is the one
// on view (the moderator's polls tab), so its keys act only then.
export function staff_polls_panel(conn, run, root, active = () => true) {
  let picked = null;  // the poll id the keys act on

  const question = el('input', { id: 'poll-question', testid: 'poll-question', type: 'text', maxlength: QUESTION_MAX, dir: 'auto', autocomplete: 'off', required: true });
  const options = el('ol', { class: 'poll-form-options', testid: 'poll-form-options' });
  const add_option = el('button', { type: 'button', class: 'btn btn-small', testid: 'poll-add-option', text: t('poll_add_option') });
  const multiple = el('input', { type: 'checkbox', id: 'poll-multiple', testid: 'poll-multiple' });
  const create = el('button', { type: 'submit', class: 'btn btn-primary', testid: 'poll-create', text: t('poll_create') });
  const form_error = el('p', { class: 'error-text', testid: 'poll-form-error', role: 'alert' });
  const form = el(
    'form',
    { class: 'poll-form', testid: 'poll-form', novalidate: true },
    el('label', { for: 'poll-question', text: t('poll_question_label') }),
    question,
    el('p', { class: 'field-label', text: t('poll_options_label') }),
    options,
    el('div', { class: 'row' }, add_option, el('label', { class: 'poll-multiple' }, multiple, ` ${t('poll_multiple')}`)),
    el('div', { class: 'row' }, create),
    form_error,
  );
  const lists = {
    open: el('ol', { class: 'poll-list', testid: 'polls-open', 'data-empty': t('polls_none_open') }),
    draft: el('ol', { class: 'poll-list', testid: 'polls-drafts', 'data-empty': t('polls_none_drafts') }),
    closed: el('ol', { class: 'poll-list', testid: 'polls-closed', 'data-empty': t('polls_none_closed') }),
  };
  const new_toggle = el('button', { type: 'button', class: 'btn btn-small', testid: 'poll-new', 'aria-expanded': 'false', 'aria-keyshortcuts': 'C', text: t('poll_new') });
  root.append(
    el('h2', { id: 'polls-heading', class: 'with-marker' }, el('span', { text: t('polls_heading') }), new_toggle),
    el('p', { class: 'keys-help', text: t('poll_keys_help') }),
    form,
    el('h3', { text: t('polls_open_heading') }),
    lists.open,
    el('h3', { text: t('polls_drafts_heading') }),
    lists.draft,
    el('h3', { text: t('polls_closed_heading') }),
    lists.closed,
  );
  show(form, false);

  // ---- the new-poll form ----

  function option_row() {
    const input = el('input', { type: 'text', maxlength: OPTION_MAX, dir: 'auto', autocomplete: 'off', testid: 'poll-option-input' });
    const remove = el('button', { type: 'button', class: 'btn btn-small', testid: 'poll-remove-option', text: '×' });
    const li = el('li', {}, input, remove);
    remove.addEventListener('click', () => {
      if (options.children.length <= OPTIONS_MIN) return;
      li.remove();
      number_options();
    });
    return li;
  }

  function number_options() {
    const rows = Array.from(options.children);
    rows.forEach((li, i) => {
      const [input, remove] = li.children;
      input.setAttribute('aria-label', t('poll_option_n', { n: i + 1 }));
      remove.setAttribute('aria-label', t('poll_remove_option', { n: i + 1 }));
      remove.disabled = rows.length <= OPTIONS_MIN;
    });
    add_option.disabled = rows.length >= OPTIONS_MAX;
  }

  function reset_form() {
    question.value = '';
    multiple.checked = false;
    options.replaceChildren(option_row(), option_row());
    number_options();
    set_text(form_error, '');
  }

  function open_form(open) {
    show(form, open);
    new_toggle.setAttribute('aria-expanded', open ? 'true' : 'false');
    set_text(new_toggle, open ? t('cancel') : t('poll_new'));
    if (open) question.focus();
  }

  add_option.addEventListener('click', () => {
    if (options.children.length >= OPTIONS_MAX) return;
    const row = option_row();
    options.append(row);
    number_options();
    row.firstChild.focus();
  });
  new_toggle.addEventListener('click', () => open_form(form.hidden));

  // The form's problem in words, or '' when it may be sent.
  function form_problem(text, answers) {
    if (!text) return t('poll_need_question');
    if ([...text].length > QUESTION_MAX) return t('poll_question_long', { n: QUESTION_MAX });
    if (answers.length < OPTIONS_MIN) return t('poll_need_options', { n: OPTIONS_MIN });
    if (answers.some((a) => [...a].length > OPTION_MAX)) return t('poll_option_long', { n: OPTION_MAX });
    if (new Set(answers).size !== answers.length) return t('poll_options_same');
    return '';
  }

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const text = question.value.trim();
    const answers = Array.from(options.querySelectorAll('input')).map((i) => i.value.trim()).filter(Boolean);
    const problem = form_problem(text, answers);
    set_text(form_error, problem);
    if (problem) return;
    create.disabled = true;
    try {
      const ack = await run({ type: 'poll.create', question: text, options: answers, multiple: multiple.checked }, t('poll_create_label', { text: short(text) }));
      if (ack && ack.poll !== undefined) picked = String(ack.poll);
      reset_form();
      open_form(false);
    } catch (err) {
      set_text(form_error, error_text(err));
    } finally {
      create.disabled = false;
      render();
    }
  });

  // ---- the lists ----

  function all_polls() {
    const state = conn.state;
    const public_polls = state ? state.polls : [];
    return { draft: conn.queue.polls || [], open: public_polls.filter((p) => p.status === 'open'), closed: public_polls.filter((p) => p.status === 'closed') };
  }

  function in_order() {
    const all = all_polls();
    return [...all.open, ...all.draft, ...all.closed];
  }

  function find(id) {
    return in_order().find((p) => p.id === id) || null;
  }

  function on_screen(poll) {
    const os = conn.state && conn.state.on_screen;
    return Boolean(os && os.kind === 'poll' && os.id === poll.id);
  }

  function create_row() {
    const li = el('li', { class: 'poll-row', testid: 'poll-row' });
    const head = el('div', { class: 'poll-row-head' }, el('p', { class: 'poll-row-question', dir: 'auto' }), el('span', { class: 'poll-row-meta' }));
    const bars = el('ol', { class: 'poll-bars compact' });
    const open_btn = el('button', { type: 'button', class: 'btn btn-small btn-primary', testid: 'poll-open', text: t('poll_open') });
    const close_btn = el('button', { type: 'button', class: 'btn btn-small', testid: 'poll-close', text: t('poll_close') });
    const screen_btn = el('button', { type: 'button', class: 'btn btn-small', testid: 'poll-screen' });
    li.append(head, bars, el('div', { class: 'row poll-row-actions' }, open_btn, close_btn, screen_btn));
    li.addEventListener('click', (ev) => {
      picked = li.dataset.id;
      if (!ev.target.closest('button')) render();
    });
    open_btn.addEventListener('click', () => act('open', find(li.dataset.id)));
    close_btn.addEventListener('click', () => act('close', find(li.dataset.id)));
    screen_btn.addEventListener('click', () => act('screen', find(li.dataset.id)));
    return li;
  }

  function update_row(li, poll) {
    li.dataset.id = poll.id;
    li.dataset.status = poll.status;
    const aired = on_screen(poll);
    li.classList.toggle('picked', poll.id === picked);
    li.classList.toggle('on', aired);
    const [head, bars, actions] = li.children;
    const [q, meta] = head.children;
    set_text(q, poll.question);
    set_text_lang(q, poll.question);
    const parts = [t(`poll_status_${poll.status}`)];
    if (poll.status === 'draft') parts.push(t('poll_n_options', { n: poll.options.length }));
    else parts.push(total_text(poll));
    if (poll.multiple) parts.push(t('poll_several'));
    if (aired) parts.push(t('on_screen_marker'));
    set_text(meta, parts.join(' · '));
    if (poll.status === 'draft') {
      // A draft lists its options; the bars come once it opens.
      reconcile(bars, poll.options, (o) => o.id, () => el('li', { class: 'poll-draft-option', dir: 'auto' }), (node, o) => set_text(node, o.text));
    } else {
      for (const node of Array.from(bars.children)) if (!node.classList.contains('poll-bar')) node.remove();
      render_bars(bars, poll);
    }
    const [open_btn, close_btn, screen_btn] = actions.children;
    const ok = can_command(conn);
    show(open_btn, poll.status === 'draft');
    show(close_btn, poll.status === 'open');
    show(screen_btn, poll.status !== 'draft');
    open_btn.disabled = close_btn.disabled = screen_btn.disabled = !ok;
    set_text(screen_btn, aired ? t('poll_off_screen') : t('poll_on_screen'));
    screen_btn.classList.toggle('btn-primary', !aired && poll.status === 'open');
  }

  function fix_pick() {
    const order = in_order();
    if (picked && order.some((p) => p.id === picked)) return;
    const all = all_polls();
    picked = (all.open[0] || all.draft[0] || all.closed[0] || { id: null }).id;
  }

  function render() {
    fix_pick();
    const all = all_polls();
    for (const status of ['open', 'draft', 'closed']) reconcile(lists[status], all[status], (p) => p.id, create_row, update_row);
    new_toggle.disabled = !can_command(conn) && form.hidden;
    create.disabled = !can_command(conn);
    // The moderator's Polls tab counts the open polls, like the other tabs count work.
    const badge = $('tab-polls-count');
    if (badge) {
      set_text(badge, String(all.open.length));
      badge.dataset.count = String(all.open.length);
    }
  }

  // ---- commands ----

  async function act(what, poll) {
    if (!poll || !can_command(conn)) return;
    picked = poll.id;
    const label = short(poll.question);
    try {
      if (what === 'open' && poll.status === 'draft') {
        await run({ type: 'poll.open', poll: poll.id }, t('poll_open_label', { text: label }));
      } else if (what === 'close' && poll.status === 'open') {
        const sure = await confirm_action(t('poll_close_title'), t('poll_close_body', { text: poll.question }), t('poll_close'));
        if (sure) await run({ type: 'poll.close', poll: poll.id }, t('poll_close_label', { text: label }));
      } else if (what === 'screen' && poll.status !== 'draft') {
        if (on_screen(poll)) await run({ type: 'on_screen.set', kind: null, item: null }, t('screen_clear'));
        else await run({ type: 'on_screen.set', kind: 'poll', item: poll.id }, t('poll_screen_label', { text: label }));
      }
    } catch (err) {
      // The last-command line says what went wrong.
    }
    render();
  }

  function move(delta) {
    const order = in_order();
    if (!order.length) return;
    const i = order.findIndex((p) => p.id === picked);
    picked = order[Math.max(0, Math.min(order.length - 1, (i < 0 ? 0 : i) + delta))].id;
    render();
    const row = root.querySelector(`.poll-row.picked`);
    if (row) row.scrollIntoView({ block: 'nearest' });
  }

  document.addEventListener('keydown', (ev) => {
    if (ev.defaultPrevented || ev.altKey || ev.ctrlKey || ev.metaKey) return;
    if (is_typing(ev.target) || document.querySelector('dialog[open]') || $('console').hidden || !active()) return;
    const key = ev.key.length === 1 ? ev.key.toLowerCase() : ev.key;
    const all = all_polls();
    const current = find(picked);
    let handled = true;
    if (key === 'c') open_form(true);
    else if (key === 'j') move(1);
    else if (key === 'k') move(-1);
    else if (key === 'o') act('open', current && current.status === 'draft' ? current : all.draft[0]);
    else if (key === 'x') act('close', all.open[0]);
    else if (key === 's') act('screen', current && current.status !== 'draft' ? current : all.open[0]);
    else handled = false;
    if (handled) ev.preventDefault();
  });

  conn.on_staff((frame) => {
    if (frame.type === 'queue.snapshot' || frame.type === 'queue.poll') render();
  });
  reset_form();
  render();
  // Drawn on every change: the lists follow polls, counts and what is on screen.
  return { render, status: render };
}
