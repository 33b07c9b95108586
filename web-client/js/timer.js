// The speakers' confidence monitor (/timer): the current segment's time left in
// digits readable from the stage, amber in the last two minutes, red once over
// (shown as +m:ss), and the producer's short stage messages. Needs no sign-in,
// like /screen: it shows what the producer chose to send to the stage.

import { Connection, event_from_url } from './connection.js';
import { t, translate_page, fmt_duration, fmt_time } from './strings.js';
import { $, set_text, show, connection_text } from './dom.js';
import { current_segment, next_segment, remaining_ms } from './agenda.js';

// The last two minutes are the speaker's cue to wrap up.
const AMBER_MS = 2 * 60 * 1000;
// A blip is not worth alarming a speaker over; a long outage is.
const MARKER_AFTER_MS = 5000;

translate_page();
const conn = new Connection({ event: event_from_url() });
let disconnected_since = null;

function render() {
  const state = conn.state;
  if (!state) return;
  const a = state.agenda;
  const now = conn.server_now();
  const seg = current_segment(a);
  const monitor = $('monitor');
  let phase = 'none';
  if (a.status === 'ended') {
    set_text($('segment'), '');
    set_text($('digits'), '');
    set_text($('status'), t('timer_page_ended'));
  } else if (!seg) {
    set_text($('segment'), state.event.title || '');
    set_text($('digits'), '');
    set_text(
      $('status'),
      typeof state.event.starts_at === 'number' ? t('timer_page_planned', { time: fmt_time(state.event.starts_at, now) }) : t('timer_page_waiting'),
    );
  } else {
    const remaining = remaining_ms(a, now);
    set_text($('segment'), seg.title || '');
    const over = remaining < 0;
    // Counting down shows whole seconds left, rounded up, so 0:00 is the moment it runs out.
    const shown = over ? Math.abs(remaining) : Math.ceil(remaining / 1000) * 1000;
    set_text($('digits'), `${over ? '+' : ''}${fmt_duration(shown)}`);
    phase = over ? 'over' : remaining <= AMBER_MS ? 'amber' : 'ok';
    set_text($('status'), a.status === 'paused' ? t('timer_page_paused') : '');
  }
  monitor.dataset.phase = phase;
  monitor.dataset.status = a.status;
  const nxt = a.status === 'ended' ? null : next_segment(a);
  set_text($('next'), nxt && seg ? t('timer_page_next', { title: nxt.title }) : '');
  const message = state.stage && state.stage.text ? state.stage.text : '';
  set_text($('message'), message);
  show($('message'), Boolean(message));
}

conn.on_state(render);
conn.on_status((status) => {
  if (status.state === 'connected') disconnected_since = null;
  else if (disconnected_since === null) disconnected_since = Date.now();
});
setInterval(() => {
  render();
  const down = disconnected_since !== null && Date.now() - disconnected_since > MARKER_AFTER_MS;
  show($('reconnecting'), down);
  if (down) set_text($('reconnecting'), connection_text(conn.status, t));
}, 250);
conn.start();
