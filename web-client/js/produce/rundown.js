// The rundown: each row jumps to its segment; beside it, edit (any segment until
// the end), and for upcoming segments move up/down and remove (with a confirm).
// One dialog adds a segment or edits one. Rows keep their place as the agenda
// changes (keyed by segment id).

import { t, fmt_time, kind_label } from '../strings.js';
import { $, el, set_text, show, reconcile } from '../dom.js';
import { agenda_of } from '../agenda.js';
import { can_command } from '../staff.js';

const SPEAKER_ROLES = ['speaker', 'moderator', 'panelist', 'host'];

// Speakers are one per line in the dialog: "Name | role | title".
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

// The first segment that has not started: the one after the current, or the first.
function first_upcoming(a) {
  const i = a.segments.findIndex((s) => s.id === a.current);
  return a.status === 'scheduled' || i < 0 ? 0 : i + 1;
}

function tool_allowed(tool, a, i, upcoming_from) {
  if (a.status === 'ended') return false;
  if (tool === 'edit') return true;
  if (i < upcoming_from) return false;
  if (tool === 'up') return i - 1 >= upcoming_from;
  if (tool === 'down') return i + 1 < a.segments.length;
  return a.segments.length > 1;
}

export function rundown_panel(conn, run) {
  const agenda = () => agenda_of(conn.state);
  const remove_dialog = $('confirm-remove-dialog');
  const segment_dialog = $('segment-dialog');

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

  function confirm_remove(id) {
    remove_dialog.dataset.segment = id;
    set_text($('confirm-remove-body'), t('rundown_remove_body', { title: segment_name(id) }));
    remove_dialog.returnValue = '';
    remove_dialog.showModal();
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

  function create_row(s) {
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
  }

  function render_rows(state) {
    const a = state.agenda;
    const running = a.status === 'live' || a.status === 'paused';
    const upcoming_from = first_upcoming(a);
    reconcile($('jump-list'), a.segments, (s) => s.id, create_row, (li, s) => {
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
    });
  }

  // Jumping needs a running show; before the start and after the end the rows rest.
  function render_buttons() {
    const a = agenda();
    const connected = can_command(conn);
    const running = a.status === 'live' || a.status === 'paused';
    for (const b of document.querySelectorAll('.jump-list .jump')) b.disabled = !connected || !running || b.dataset.current === 'true';
    for (const b of document.querySelectorAll('.jump-list .rundown-tool')) b.disabled = !connected || b.dataset.allowed !== 'true';
    $('rundown-add').disabled = !connected || a.status === 'ended';
  }

  remove_dialog.addEventListener('close', () => {
    const id = remove_dialog.dataset.segment;
    if (remove_dialog.returnValue === 'remove' && id) run({ type: 'segment.remove', segment: id }, `remove ${segment_name(id)}`).catch(() => {});
  });
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

  render_buttons();
  return {
    render(state) {
      render_rows(state);
      render_buttons();
    },
    status: render_buttons,
  };
}
