// The producer's "Viewers see now": the status badge, the current segment and the
// next, the announcement and stage message in force, the viewer count, the
// segment timer (counting down, then the overrun in red), and the whole show
// against its plan.

import { t, fmt_duration, fmt_number, fmt_time, kind_label, segment_label } from '../strings.js';
import { $, set_text } from '../dom.js';
import { current_segment, next_segment, remaining_ms, planned_ms, schedule, starts_late } from '../agenda.js';

export function on_air_panel(conn) {
  function render(state) {
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

  return {
    render,
    tick: () => conn.state && render_timer(conn.state),
  };
}
