// The producer console (/produce): drives the run of show (start, next,
// previous, pause/resume, end, jump), sends announcements, opens and closes
// audience Q&A, and shows what viewers see right now. The on-screen panel
// (preview, then take) lives in take.js.

import { start_staff_page, make_command_sender } from './staff.js';
import { t, fmt_duration, fmt_number, fmt_time, kind_label, segment_label } from './strings.js';
import { el, set_text, show, reconcile, is_typing, network_icon, set_text_lang } from './dom.js';
import { current_segment, next_segment, remaining_ms, planned_ms, schedule, starts_late } from './agenda.js';
import { start_take_panel } from './take.js';

const $ = (id) => document.getElementById(id);
const conn = start_staff_page();
const run = make_command_sender(conn);
start_take_panel(conn, run);

function agenda() {
  return conn.state ? conn.state.agenda : { status: 'scheduled', segments: [] };
}

// ---- what viewers see ----

function render_on_air(state) {
  set_text($('event-title'), state.event.title || '');
  const a = state.agenda;
  const badge = $('status-badge');
  badge.className = `badge badge-${a.status}`;
  badge.dataset.status = a.status;
  const labels = { live: 'status_live', paused: 'status_paused', ended: 'status_ended' };
  const late = starts_late(a, state.event.starts_at, conn.server_now());
  set_text(
    badge,
    labels[a.status]
      ? t(labels[a.status])
      : late
        ? t('status_starts_soon')
        : t('status_starts_at', { time: fmt_time(state.event.starts_at, conn.server_now()) }),
  );
  const seg = current_segment(a);
  set_text($('now-kind'), seg ? kind_label(seg.kind) : '');
  set_text($('now-title'), seg ? seg.title : t('no_current'));
  const nxt = next_segment(a);
  set_text($('up-next'), nxt ? segment_label(nxt) : t('up_next_none'));
  set_text(
    $('current-announcement'),
    state.announcement && state.announcement.text ? t('announce_current', { text: state.announcement.text }) : t('announce_none'),
  );
  set_text($('stage-now'), state.stage && state.stage.text ? t('stage_current', { text: state.stage.text }) : t('stage_none'));
  const viewers = state.stats && typeof state.stats.viewers === 'number' ? state.stats.viewers : 0;
  set_text($('viewers'), t('viewers', { n: viewers, count: fmt_number(viewers) }));
  render_timer(state);
}

// The current segment's time left, counting down, and once over, the overrun in
// red; below it the whole show against its plan.
function render_timer(state) {
  const a = state.agenda;
  const seg = current_segment(a);
  const timer = $('now-timer');
  const now = conn.server_now();
  const remaining = remaining_ms(a, now);
  if (!seg || remaining === null) {
    set_text(timer, '');
    timer.classList.remove('over');
    timer.dataset.over = 'false';
  } else {
    const over = remaining < 0;
    const paused = a.status === 'paused';
    const key = over ? (paused ? 'timer_over_paused' : 'timer_over') : paused ? 'timer_remaining_paused' : 'timer_remaining';
    set_text(timer, t(key, { time: fmt_duration(Math.abs(remaining)), planned: fmt_duration(planned_ms(seg)) }));
    timer.classList.toggle('over', over);
    timer.dataset.over = over ? 'true' : 'false';
  }
  render_drift(state, now);
}

function render_drift(state, now) {
  const node = $('schedule-drift');
  const plan = schedule(state.agenda, state.event.starts_at, now);
  if (!plan || state.agenda.status === 'scheduled') {
    set_text(node, plan ? t('drift_ends', { planned: fmt_time(plan.planned_end, now), expected: fmt_time(plan.projected_end, now) }) : '');
    node.dataset.drift = 'none';
    return;
  }
  const times = { planned: fmt_time(plan.planned_end, now), expected: fmt_time(plan.projected_end, now) };
  if (state.agenda.status === 'ended') {
    set_text(node, t('drift_ended', times));
    node.dataset.drift = 'none';
    return;
  }
  // Whole minutes: a few seconds either way is on time.
  const minutes = Math.round(plan.drift_ms / 60000);
  const label = minutes > 0 ? t('drift_late', { n: minutes }) : minutes < 0 ? t('drift_early', { n: -minutes }) : t('drift_on_time');
  set_text(node, `${label} · ${t('drift_ends', times)}`);
  node.dataset.drift = minutes > 0 ? 'late' : minutes < 0 ? 'early' : 'on-time';
}

// ---- controls ----

function render_controls() {
  const a = agenda();
  const connected = conn.status.state === 'connected' && conn.state !== null;
  const running = a.status === 'live' || a.status === 'paused';
  const i = a.segments.findIndex((s) => s.id === a.current);
  $('btn-start').disabled = !connected || a.status !== 'scheduled';
  $('btn-prev').disabled = !connected || !running || i <= 0;
  $('btn-next').disabled = !connected || !running || i < 0 || i >= a.segments.length - 1;
  $('btn-pause').disabled = !connected || a.status !== 'live';
  $('btn-resume').disabled = !connected || a.status !== 'paused';
  show($('btn-pause'), a.status !== 'paused');
  show($('btn-resume'), a.status === 'paused');
  $('btn-end').disabled = !connected || !running;
  $('announce-send').disabled = !connected;
  $('announce-clear').disabled = !connected;
  $('stage-send').disabled = !connected;
  $('stage-clear').disabled = !connected || !(conn.state && conn.state.stage);
  $('qa-toggle').disabled = !connected;
  // Jumping needs a running show; before the start and after the end the rows rest.
  for (const b of document.querySelectorAll('.jump-list .jump')) b.disabled = !connected || !running || b.dataset.current === 'true';
  for (const b of document.querySelectorAll('.jump-list .rundown-tool')) b.disabled = !connected || b.dataset.allowed !== 'true';
  $('rundown-add').disabled = !connected || a.status === 'ended';
}

// The rundown: each row jumps to its segment; beside it, edit (any segment until the
// end), and for upcoming segments move up/down and remove. Rows keep their place as
// the agenda changes (keyed by segment id).
function first_upcoming(a) {
  const i = a.segments.findIndex((s) => s.id === a.current);
  return a.status === 'scheduled' || i < 0 ? 0 : i + 1;
}

function render_jump_list(state) {
  const a = state.agenda;
  const running = a.status === 'live' || a.status === 'paused';
  const upcoming_from = first_upcoming(a);
  reconcile(
    $('jump-list'),
    a.segments,
    (s) => s.id,
    (s) => {
      const btn = el(
        'button',
        { type: 'button', class: 'jump', testid: `goto-${s.id}` },
        el('span', { class: 'jump-kind' }),
        el('span', { class: 'jump-title', dir: 'auto' }),
        el('span', { class: 'jump-meta' }),
      );
      btn.addEventListener('click', () => run({ type: 'agenda.goto', segment: s.id }, `goto ${segment_name(s.id)}`).catch(() => {}));
      const tool = (name, text, label, action) => {
        const b = el('button', { type: 'button', class: 'btn btn-small rundown-tool', testid: `${name}-${s.id}`, 'aria-label': label, title: label, text });
        b.dataset.tool = name;
        b.addEventListener('click', action);
        return b;
      };
      const tools = el(
        'span',
        { class: 'rundown-tools' },
        tool('edit', t('rundown_edit'), t('rundown_edit_label'), () => open_segment_dialog(s.id)),
        tool('up', '↑', t('rundown_up_label'), () => move_segment(s.id, -1)),
        tool('down', '↓', t('rundown_down_label'), () => move_segment(s.id, 1)),
        tool('remove', '✕', t('rundown_remove_label'), () => confirm_remove(s.id)),
      );
      return el('li', { class: 'rundown-row' }, btn, tools);
    },
    (li, s) => {
      const btn = li.firstChild;
      const current = s.id === a.current && running;
      btn.dataset.current = current ? 'true' : 'false';
      btn.classList.toggle('current', current);
      if (current) btn.setAttribute('aria-current', 'step');
      else btn.removeAttribute('aria-current');
      const [kind, title, meta] = btn.children;
      set_text(kind, kind_label(s.kind));
      set_text(title, s.title);
      const started = typeof s.actual_start === 'number' ? ` · ${fmt_time(s.actual_start, conn.server_now())}` : '';
      set_text(meta, `${t('agenda_minutes', { n: s.planned_minutes })}${started}`);
      const i = a.segments.indexOf(s);
      const tools = li.lastChild;
      tools.dataset.upcoming = i >= upcoming_from ? 'true' : 'false';
      for (const b of tools.children) {
        b.dataset.allowed = String(tool_allowed(b.dataset.tool, a, i, upcoming_from));
        b.setAttribute('aria-label', `${t(`rundown_${b.dataset.tool}_label`)}: ${s.title}`);
      }
    },
  );
}

function tool_allowed(tool, a, i, upcoming_from) {
  if (a.status === 'ended') return false;
  if (tool === 'edit') return true;
  if (i < upcoming_from) return false;
  if (tool === 'up') return i - 1 >= upcoming_from;
  if (tool === 'down') return i + 1 < a.segments.length;
  return a.segments.length > 1;
}

function segment_name(id) {
  const seg = agenda().segments.find((s) => s.id === id);
  return seg ? `“${seg.title}”` : id;
}

function move_segment(id, step) {
  const segs = agenda().segments;
  const i = segs.findIndex((s) => s.id === id);
  if (i < 0) return;
  // Placed after the segment that will precede it: two up when moving up, one down when moving down.
  const before = step < 0 ? segs[i - 2] : segs[i + 1];
  run({ type: 'segment.move', segment: id, after: before ? before.id : null }, `move ${segment_name(id)} ${step < 0 ? 'up' : 'down'}`).catch(() => {});
}

const remove_dialog = $('confirm-remove-dialog');
function confirm_remove(id) {
  remove_dialog.dataset.segment = id;
  set_text($('confirm-remove-body'), t('rundown_remove_body', { title: segment_name(id) }));
  remove_dialog.returnValue = '';
  remove_dialog.showModal();
}
remove_dialog.addEventListener('close', () => {
  const id = remove_dialog.dataset.segment;
  if (remove_dialog.returnValue === 'remove' && id) run({ type: 'segment.remove', segment: id }, `remove ${segment_name(id)}`).catch(() => {});
});

// One dialog adds a segment or edits one. Speakers are one per line: "Name | role | title".
const segment_dialog = $('segment-dialog');
const SPEAKER_ROLES = ['speaker', 'moderator', 'panelist', 'host'];

function speakers_to_text(speakers) {
  return (speakers || []).map((sp) => [sp.name, sp.role, sp.title].filter((part, i) => i < 2 || part).join(' | ')).join('\n');
}

function text_to_speakers(text) {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [name = '', role = '', ...title] = line.split('|').map((part) => part.trim());
      return { name, role: SPEAKER_ROLES.includes(role.toLowerCase()) ? role.toLowerCase() : role || 'speaker', title: title.join(' | ') };
    });
}

// A new segment's id from its title ([a-z0-9-]), unique in the agenda.
function new_segment_id(title) {
  const base = title.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'segment';
  const taken = new Set(agenda().segments.map((s) => s.id));
  let id = base;
  for (let n = 2; taken.has(id); n += 1) id = `${base}-${n}`;
  return id;
}

function open_segment_dialog(id) {
  const a = agenda();
  const seg = id ? a.segments.find((s) => s.id === id) : null;
  segment_dialog.dataset.segment = seg ? seg.id : '';
  set_text($('segment-dialog-title'), seg ? t('rundown_edit_title', { title: seg.title }) : t('rundown_add_title'));
  $('segment-kind').value = seg ? seg.kind : 'panel';
  $('segment-title').value = seg ? seg.title : '';
  $('segment-minutes').value = seg ? String(seg.planned_minutes) : '15';
  $('segment-speakers').value = seg ? speakers_to_text(seg.speakers) : '';
  // Where a new segment goes: after the current segment or any upcoming one.
  const where = $('segment-after');
  where.replaceChildren();
  const from = first_upcoming(a);
  if (from === 0) where.append(el('option', { value: '', text: t('rundown_at_start') }));
  a.segments.forEach((s, i) => {
    if (i >= from - 1) where.append(el('option', { value: s.id, text: t('rundown_after', { title: s.title }) }));
  });
  if (where.options.length) where.value = a.segments[a.segments.length - 1].id;
  show($('segment-after-row'), !seg);
  segment_dialog.returnValue = '';
  segment_dialog.showModal();
  $('segment-title').focus();
}

segment_dialog.addEventListener('close', () => {
  if (segment_dialog.returnValue !== 'save') return;
  const id = segment_dialog.dataset.segment;
  const title = $('segment-title').value.trim();
  const fields = {
    kind: $('segment-kind').value,
    title,
    planned_minutes: Number.parseInt($('segment-minutes').value, 10),
    speakers: text_to_speakers($('segment-speakers').value),
  };
  if (id) {
    run({ type: 'segment.update', segment: id, ...fields }, `edit ${segment_name(id)}`).catch(() => {});
  } else {
    const after = $('segment-after').value;
    run({ type: 'segment.add', segment: new_segment_id(title), ...fields, after: after || null }, `add “${title}”`).catch(() => {});
  }
});
$('rundown-add').addEventListener('click', () => open_segment_dialog(null));

// ---- Q&A open/closed ----

function qa_open() {
  return Boolean(conn.state && conn.state.qa && conn.state.qa.open);
}

function render_qa() {
  const node = $('qa-state');
  const btn = $('qa-toggle');
  if (!conn.state) {
    node.dataset.open = 'unknown';
    set_text(node, '');
    set_text(btn, t('qa_close'));
    return;
  }
  const open = qa_open();
  node.dataset.open = open ? 'true' : 'false';
  set_text(node, open ? t('qa_state_open') : t('qa_state_closed'));
  set_text(btn, open ? t('qa_close') : t('qa_open'));
  btn.classList.toggle('btn-primary', !open);
}

$('qa-toggle').addEventListener('click', () => {
  if (!conn.state) return;
  const open = !qa_open();
  run({ type: 'qa.set', open }, open ? 'open Q&A' : 'close Q&A').catch(() => {});
});

// ---- wiring ----

function render_all(state) {
  render_qa();
  render_on_air(state);
  render_jump_list(state);
  render_controls();
}

conn.on_state((state) => render_all(state));
conn.on_status(() => render_controls());

const commands = {
  start: () => run({ type: 'agenda.start' }, 'start'),
  prev: () => run({ type: 'agenda.previous' }, 'previous'),
  next: () => run({ type: 'agenda.next' }, 'next'),
  pause: () => run({ type: 'agenda.pause' }, 'pause'),
  resume: () => run({ type: 'agenda.resume' }, 'resume'),
};

function fire(name) {
  commands[name]().catch(() => {});
}

$('btn-start').addEventListener('click', () => fire('start'));
$('btn-prev').addEventListener('click', () => fire('prev'));
$('btn-next').addEventListener('click', () => fire('next'));
$('btn-pause').addEventListener('click', () => fire('pause'));
$('btn-resume').addEventListener('click', () => fire('resume'));

// End: Q&A closes and the overlay clears with the end itself (server side); the
// announcement is the producer's call, made here and sent once the end is acknowledged.
const dialog = $('confirm-end-dialog');
function end_choice() {
  const picked = dialog.querySelector('input[name=end-announce]:checked');
  return picked ? picked.value : 'closing';
}
$('btn-end').addEventListener('click', () => {
  const current = conn.state && conn.state.announcement && conn.state.announcement.text;
  set_text($('end-current-announcement'), current || '');
  show($('end-keep-row'), Boolean(current));
  dialog.querySelector(`input[value=${current ? 'keep' : 'closing'}]`).checked = true;
  if (!$('end-closing-text').value.trim()) $('end-closing-text').value = t('end_closing_default');
  dialog.returnValue = '';
  dialog.showModal();
});
$('end-closing-text').addEventListener('input', () => {
  dialog.querySelector('input[value=closing]').checked = true;
});
dialog.addEventListener('close', () => {
  if (dialog.returnValue !== 'end') return;
  const choice = end_choice();
  const closing = $('end-closing-text').value.trim();
  run({ type: 'agenda.end' }, 'end')
    .then(() => {
      const showing = Boolean(conn.state && conn.state.announcement);
      if (choice === 'closing' && closing) return run({ type: 'announce', text: closing }, 'closing message');
      if ((choice === 'clear' || (choice === 'closing' && !closing)) && showing) return run({ type: 'announce', text: '' }, 'clear announcement');
      return null;
    })
    .catch(() => {});
});

$('announce-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const text = $('announce-text').value.trim();
  if (!text) return;
  run({ type: 'announce', text }, 'announce')
    .then(() => {
      $('announce-text').value = '';
    })
    .catch(() => {});
});
$('stage-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const text = $('stage-text').value.trim();
  if (!text) return;
  run({ type: 'stage.message', text }, 'stage message')
    .then(() => {
      $('stage-text').value = '';
    })
    .catch(() => {});
});
$('stage-clear').addEventListener('click', () => run({ type: 'stage.message', text: '' }, 'clear stage message').catch(() => {}));
$('announce-clear').addEventListener('click', () => run({ type: 'announce', text: '' }, 'clear announcement').catch(() => {}));

document.addEventListener('keydown', (ev) => {
  if (ev.defaultPrevented || ev.altKey || ev.ctrlKey || ev.metaKey) return;
  if (is_typing(ev.target) || dialog.open || segment_dialog.open || remove_dialog.open || $('console').hidden) return;
  const a = agenda();
  const key = ev.key.length === 1 ? ev.key.toLowerCase() : ev.key;
  if (key === 'ArrowRight' || key === 'n') {
    ev.preventDefault();
    if (!$('btn-next').disabled) fire('next');
  } else if (key === 'ArrowLeft' || key === 'p') {
    ev.preventDefault();
    if (!$('btn-prev').disabled) fire('prev');
  } else if (key === ' ') {
    // Space on a focused button would also click it; handle it once here.
    ev.preventDefault();
    if (a.status === 'live') fire('pause');
    else if (a.status === 'paused') fire('resume');
  }
});

setInterval(() => {
  if (conn.state) render_timer(conn.state);
}, 1000);
render_qa();
render_controls();
