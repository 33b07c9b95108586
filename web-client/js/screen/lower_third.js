// The speaker's lower third on /screen (`?lower_third=1`): when a segment starts,
// its speaker's name and title (from the agenda) slide in for a few seconds, then
// leave. A panel shows the segment's title over its speakers' names. Only a segment
// that started moments ago on the server's clock is shown, so an overlay reloaded
// mid-segment, or catching up after an outage, never airs a stale name.

import { current_segment } from '../agenda.js';
import { t } from '../strings.js';
import { $, set_text } from '../dom.js';

// How long the lower third stays on air: long enough to read a name and a title twice.
export const SHOW_MS_DEFAULT = 8000;
const SHOW_MS_MIN = 2000;
const SHOW_MS_MAX = 30000;
// Type sizes in stage pixels, shrinking to fit one line each, never below the minimum.
const NAME_MAX_PX = 56;
const NAME_MIN_PX = 32;
const TITLE_MAX_PX = 34;
const TITLE_MIN_PX = 24;
const STEP_PX = 2;
const LEAVE_MS = 500;

// `?lower_third=1` turns it on; `?lower_third_seconds=N` (2 to 30) sets how long it stays.
export function lower_third_options(loc = window.location) {
  const params = new URLSearchParams(loc.search);
  const on = params.get('lower_third') === '1';
  const seconds = Number(params.get('lower_third_seconds'));
  const show_ms = Number.isFinite(seconds) && seconds > 0 ? Math.min(SHOW_MS_MAX, Math.max(SHOW_MS_MIN, seconds * 1000)) : SHOW_MS_DEFAULT;
  return { on, show_ms };
}

function speaker_line(sp) {
  // Panelists are what a panel is made of; only a moderator's part is worth the words.
  const role = sp.role && sp.role !== 'speaker' && sp.role !== 'panelist' ? t(`role_${sp.role}`) : '';
  return role && role !== `role_${sp.role}` ? `${sp.name}, ${role}` : sp.name;
}

// What the lower third shows for `state` at `server_now`: {segment, name, title,
// remaining_ms}, or null when no segment with speakers started less than `show_ms` ago.
export function lower_third_item(state, server_now, show_ms) {
  const agenda = state && state.agenda;
  if (!agenda || agenda.status === 'ended' || agenda.status === 'scheduled') return null;
  const seg = current_segment(agenda);
  const speakers = ((seg && seg.speakers) || []).filter((sp) => sp && sp.name);
  if (!seg || !speakers.length || typeof seg.actual_start !== 'number') return null;
  const remaining_ms = seg.actual_start + show_ms - server_now;
  if (remaining_ms <= 0) return null;
  if (speakers.length === 1) return { segment: seg.id, name: speakers[0].name, title: speakers[0].title || '', remaining_ms };
  return { segment: seg.id, name: seg.title || '', title: speakers.map(speaker_line).join(' · '), remaining_ms };
}

// Shrinks `node`'s type from `max` towards `min` until it fits its line; at the minimum
// it wraps instead of being cut.
function fit_line(node, property, max, min) {
  let px = max;
  node.parentElement.style.setProperty(property, `${px}px`);
  node.classList.remove('wraps');
  while (px > min && node.scrollWidth > node.clientWidth + 1) {
    px -= STEP_PX;
    node.parentElement.style.setProperty(property, `${px}px`);
  }
  if (node.scrollWidth > node.clientWidth + 1) node.classList.add('wraps');
}

// Wires the lower third to `conn`; does nothing unless the page asked for it.
export function start_lower_third(conn, options = lower_third_options()) {
  if (!options.on) return;
  const box = $('lower-third');
  const name = $('lower-third-name');
  const title = $('lower-third-title');
  let shown_segment = null;  // the segment whose lower third is on air or has been
  let hide_timer = null;
  let leave_timer = null;
  const reduced_motion = () => window.matchMedia('(prefers-reduced-motion: reduce)').matches;

  function hide() {
    clearTimeout(hide_timer);
    hide_timer = null;
    if (box.hidden) return;
    if (reduced_motion()) {
      box.hidden = true;
      box.dataset.state = 'hidden';
      return;
    }
    box.dataset.state = 'leaving';
    leave_timer = setTimeout(() => {
      box.hidden = true;
      box.dataset.state = 'hidden';
    }, LEAVE_MS);
  }

  function show(item) {
    clearTimeout(leave_timer);
    set_text(name, item.name);
    set_text(title, item.title);
    title.hidden = !item.title;
    box.hidden = false;
    fit_line(name, '--name-size', NAME_MAX_PX, NAME_MIN_PX);
    fit_line(title, '--title-size', TITLE_MAX_PX, TITLE_MIN_PX);
    if (reduced_motion()) {
      box.dataset.state = 'shown';
    } else {
      box.dataset.state = 'entering';
      // Read layout so the browser commits the start state before the transition.
      void box.offsetHeight;
      box.dataset.state = 'shown';
    }
    clearTimeout(hide_timer);
    hide_timer = setTimeout(hide, item.remaining_ms);
  }

  conn.on_state((state) => {
    const agenda = state && state.agenda;
    const current = agenda && agenda.status !== 'ended' ? agenda.current : null;
    if (current === shown_segment) return;
    shown_segment = current;
    // The segment considered, aired or not: tests and operators can tell "nothing to air" from "not yet".
    box.dataset.segment = current || '';
    const item = lower_third_item(state, conn.server_now(), options.show_ms);
    if (item) show(item);
    else hide();
  });
}
