// The top of the viewer page, what is happening now: the announcement banner
// (while the producer has one set), the Now card (the current segment in large
// type: kind, title, speakers with their titles, and the time left in it where the
// event shows timers) and Up next. Before the start the card says when the show
// begins; after the end, that it has ended.

import { t, fmt_time, fmt_relative, fmt_duration, kind_label, segment_label } from '../strings.js';
import { $, el, set_text, show, set_text_lang } from '../dom.js';
import { current_segment, next_segment, remaining_ms, planned_ms, starts_late } from '../agenda.js';

function speaker_item(sp) {
  const role = sp.role && sp.role !== 'speaker' ? t(`role_${sp.role}`) : '';
  return el(
    'li',
    { class: 'speaker' },
    el('span', { class: 'speaker-name', dir: 'auto', text: sp.name || '' }),
    role && role !== `role_${sp.role}` ? el('span', { class: 'speaker-role', text: ` · ${role}` }) : null,
    sp.title ? el('span', { class: 'speaker-title', dir: 'auto', text: sp.title }) : null,
  );
}

export function announcement_panel() {
  function render(state) {
    const a = state.announcement;
    show($('announcement'), Boolean(a && a.text));
    set_text($('announcement-text'), a ? a.text : '');
    set_text_lang($('announcement-text'), a ? a.text : '');
  }
  return { changes: ['announcement'], render };
}

export function now_panel(conn) {
  function render_now(state) {
    const agenda = state.agenda;
    const seg = current_segment(agenda);
    const card = $('now-card');
    card.dataset.status = agenda.status;
    const speakers = $('now-speakers');
    speakers.replaceChildren();
    if (agenda.status === 'ended') {
      set_text($('now-kind'), t('status_ended'));
      set_text($('now-title'), t('ended_title'));
      speakers.append(el('li', { class: 'speaker', text: t('ended_body') }));
    } else if (!seg) {
      set_text($('now-kind'), t('now_heading'));
      set_text($('now-title'), t('not_started_title'));
      if (starts_late(agenda, state.event.starts_at, conn.server_now())) {
        const when = fmt_time(state.event.starts_at, conn.server_now());
        speakers.append(el('li', { class: 'speaker', testid: 'not-started-body', text: t('not_started_late_body', { time: when }) }));
      } else if (typeof state.event.starts_at === 'number') {
        const when = `${fmt_time(state.event.starts_at, conn.server_now())} (${fmt_relative(state.event.starts_at, conn.server_now())})`;
        speakers.append(el('li', { class: 'speaker', testid: 'not-started-body', text: t('not_started_body', { time: when }) }));
      }
    } else {
      set_text($('now-kind'), kind_label(seg.kind));
      set_text($('now-title'), seg.title || '');
      for (const sp of seg.speakers || []) speakers.append(speaker_item(sp));
    }
    render_timer(state);
  }

  // Viewers see the time left in the current segment, or nothing: never an overrun
  // (a speaker running long is the producer's business), and nothing at all when the
  // event file says `show_timers: false`.
  function render_timer(state) {
    const agenda = state.agenda;
    const seg = current_segment(agenda);
    const row = $('now-timer-row');
    const remaining = remaining_ms(agenda, conn.server_now());
    const planned = planned_ms(seg);
    const timers = state.event.show_timers !== false;
    if (!timers || !seg || remaining === null || planned <= 0 || remaining <= 0 || agenda.status === 'ended') {
      show(row, false);
      return;
    }
    show(row, true);
    const timer = $('now-timer');
    const params = { time: fmt_duration(remaining) };
    set_text(timer, agenda.status === 'paused' ? t('timer_left_paused', params) : t('timer_left', params));
    timer.classList.remove('over');
    timer.dataset.over = 'false';
    row.classList.remove('over');
    const ratio = Math.min(1, (planned - remaining) / planned);
    $('progress-bar').style.width = `${(ratio * 100).toFixed(1)}%`;
  }

  function render_up_next(state) {
    const nxt = next_segment(state.agenda);
    const ended = state.agenda.status === 'ended';
    show($('up-next'), !ended);
    if (nxt) {
      const names = (nxt.speakers || []).map((s) => s.name).filter(Boolean).join(', ');
      set_text($('up-next-body'), `${segment_label(nxt)}${names ? ` · ${names}` : ''}`);
    } else set_text($('up-next-body'), t('up_next_none'));
  }

  return {
    changes: ['agenda'],
    render(state) {
      render_now(state);
      render_up_next(state);
    },
    tick: () => conn.state && render_timer(conn.state),
  };
}
