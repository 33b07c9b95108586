// The viewer's top bar: the event title (a tap shows all of it), the LIVE /
// PAUSED / ENDED / STARTS AT badge, the viewer count and the connection dot. While
// not connected the live parts dim and a note says the page may be behind.

import { t, fmt_time, fmt_when_short, fmt_number } from '../strings.js';
import { $, set_text, show, connection_text } from '../dom.js';
import { starts_late } from '../agenda.js';

export function topbar_panel(conn) {
  function render(state) {
    const title = state.event.title || 'Companion';
    set_text($('event-title'), title);
    $('event-title').title = title;
    document.title = title;

    const badge = $('status-badge');
    const status = state.agenda.status || 'scheduled';
    badge.className = `badge badge-${status} live-part`;
    badge.dataset.status = status;
    badge.title = '';
    if (status === 'live') set_text(badge, t('status_live'));
    else if (status === 'paused') set_text(badge, t('status_paused'));
    else if (status === 'ended') set_text(badge, t('status_ended'));
    else if (starts_late(state.agenda, state.event.starts_at, conn.server_now())) {
      // Past the planned time and not started: "soon", never "48 min ago".
      set_text(badge, t('status_starts_soon'));
      badge.title = fmt_time(state.event.starts_at, conn.server_now());
    } else if (typeof state.event.starts_at === 'number') {
      // Short in the top bar (the title needs the room); the full time is in the Now card.
      set_text(badge, t('status_starts_at', { time: fmt_when_short(state.event.starts_at, conn.server_now()) }));
      badge.title = fmt_time(state.event.starts_at, conn.server_now());
    } else set_text(badge, t('status_scheduled'));

    const viewers = state.stats && typeof state.stats.viewers === 'number' ? state.stats.viewers : null;
    show($('viewers'), viewers !== null);
    if (viewers !== null) set_text($('viewers'), t('viewers', { n: viewers, count: fmt_number(viewers) }));
  }

  function render_connection(status) {
    $('connection-state').dataset.state = status.state;
    set_text($('connection-text'), connection_text(status, t));
    const connected = status.state === 'connected';
    document.body.classList.toggle('not-connected', !connected);
    show($('stale-note'), !connected && conn.state !== null);
  }

  // The sticky tabs and the new-posts pill sit just under the top bar, whose height varies.
  function track_bar_height() {
    const bar = document.querySelector('.topbar');
    const apply = () => document.documentElement.style.setProperty('--bar-h', `${Math.floor(bar.getBoundingClientRect().height)}px`);
    apply();
    if (window.ResizeObserver) new ResizeObserver(apply).observe(bar);
  }

  // The title is cut to one line on a phone; a tap (or Enter) shows all of it.
  const title = $('event-title');
  const toggle_title = () => title.setAttribute('aria-expanded', title.getAttribute('aria-expanded') === 'true' ? 'false' : 'true');
  title.addEventListener('click', toggle_title);
  title.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' || ev.key === ' ') {
      ev.preventDefault();
      toggle_title();
    }
  });
  track_bar_height();

  return {
    changes: ['agenda', 'stats'],
    render,
    status: render_connection,
    // The reconnect countdown moves each second.
    tick: () => render_connection(conn.status),
    // "Starts at" turns into "starts soon" as the clock passes the planned time.
    refresh: () => conn.state && render(conn.state),
  };
}
