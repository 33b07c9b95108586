// The Agenda tab: the whole run of show in the event's time zone (and the
// viewer's, when it differs), the current item marked, past items with their
// actual start times, the next one obvious, later ones with estimated times.

import { t, fmt_time, kind_label, fmt_zoned_time, zone_abbreviation, viewer_zone } from '../strings.js';
import { $, el, set_text, show, reconcile } from '../dom.js';
import { current_index, next_segment, estimated_starts } from '../agenda.js';

function create_item() {
  const li = el('li', { class: 'agenda-item', testid: 'agenda-item' });
  li.append(
    el('span', { class: 'agenda-time', testid: 'agenda-time' }, el('span', { class: 'agenda-clock' }), el('span', { class: 'agenda-local', testid: 'agenda-local' })),
    el(
      'div',
      { class: 'agenda-body' },
      el('span', { class: 'agenda-kind' }),
      el('span', { class: 'agenda-title', dir: 'auto' }),
      el('span', { class: 'agenda-speakers', dir: 'auto' }),
    ),
    el('span', { class: 'agenda-tag' }),
  );
  return li;
}

export function agenda_panel(conn) {
  function render(state) {
    const agenda = state.agenda;
    const cur = current_index(agenda);
    const now = conn.server_now();
    const starts = estimated_starts(agenda, state.event.starts_at, now);
    const nxt = next_segment(agenda);
    const zone = state.event.time_zone || 'UTC';
    const mine = viewer_zone();
    // Named as on the day of the event (EDT in April, not EST in November).
    const on_the_day = typeof state.event.starts_at === 'number' ? state.event.starts_at : now;
    set_text(
      $('agenda-zone'),
      zone === mine
        ? t('agenda_zone', { zone: zone.replace(/_/g, ' '), abbr: zone_abbreviation(zone, on_the_day) })
        : t('agenda_zone_both', { zone: zone.replace(/_/g, ' '), abbr: zone_abbreviation(zone, on_the_day), mine: zone_abbreviation(mine, on_the_day) }),
    );
    reconcile(
      $('agenda-list'),
      agenda.segments.map((seg, i) => ({ seg, i })),
      ({ seg }) => seg.id,
      create_item,
      (li, { seg, i }) => {
        const is_current = i === cur && agenda.status !== 'ended';
        const is_past = agenda.status === 'ended' ? typeof seg.actual_start === 'number' : cur >= 0 && i < cur;
        const is_next = nxt && nxt.id === seg.id;
        li.classList.toggle('current', is_current);
        li.classList.toggle('past', is_past);
        li.classList.toggle('next', Boolean(is_next));
        li.dataset.id = seg.id;
        if (is_current) li.setAttribute('aria-current', 'step');
        else li.removeAttribute('aria-current');
        const [time, body, tag] = li.children;
        const [kind, title, speakers] = body.children;
        const started = typeof seg.actual_start === 'number' && (is_past || is_current);
        const at = started ? seg.actual_start : starts[i];
        const [clock, local] = time.children;
        set_text(clock, typeof at === 'number' ? `${started ? '' : '~'}${fmt_zoned_time(at, zone, now)}` : '');
        // A viewer in another zone also sees the time where they are.
        set_text(local, typeof at === 'number' && zone !== viewer_zone() ? t('agenda_your_time', { time: fmt_time(at, now) }) : '');
        show(local, Boolean(local.textContent));
        time.title = started ? t('agenda_started', { time: fmt_zoned_time(seg.actual_start, zone, now) }) : '';
        set_text(kind, `${kind_label(seg.kind)} · ${t('agenda_minutes', { n: seg.planned_minutes })}`);
        set_text(title, seg.title || '');
        set_text(speakers, (seg.speakers || []).map((s) => s.name).filter(Boolean).join(', '));
        set_text(tag, is_current ? t('agenda_now') : is_next ? t('agenda_next') : is_past ? t('agenda_done') : '');
      },
    );
  }

  return {
    changes: ['agenda'],
    render,
    // Estimated start times follow the clock.
    refresh: () => conn.state && render(conn.state),
  };
}
