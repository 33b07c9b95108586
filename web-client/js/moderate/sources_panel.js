// The health of the ingest sources (Jetstream, Mastodon, replay, webhook): state,
// posts accepted, lag and the last error of each, polled from
// /api/events/{id}/sources while connected, marked stale while not.

import { t, fmt_number, fmt_lag, error_text } from '../strings.js';
import { $, el, set_text, show, reconcile } from '../dom.js';
import { staff_fetch } from '../staff.js';

// Source health changes slowly (the server refreshes it each second); every 5 s
// is fresh enough to notice a dead feed without loading the server.
const SOURCES_POLL_MS = 5000;

// Mastodon reports errors per hashtag stream; the first one stands for the source.
function source_error(source) {
  if (typeof source.last_error === 'string' && source.last_error) return source.last_error;
  const streams = Array.isArray(source.streams) ? source.streams : [];
  const failing = streams.find((s) => s && typeof s.last_error === 'string' && s.last_error);
  return failing ? `#${failing.tag}: ${failing.last_error}` : '';
}

function create_item() {
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

function update_item(li, source) {
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

function render_note(text, state) {
  const note = $('sources-note');
  note.dataset.state = state;
  set_text(note, text);
  show(note, Boolean(text));
}

function render_sources(sources) {
  // Two sources of one kind are told apart by their position in the server's list.
  const seen = {};
  const keyed = sources.map((s) => {
    const kind = String((s && s.kind) || 'unknown');
    seen[kind] = (seen[kind] || 0) + 1;
    return { key: `${kind}:${seen[kind]}`, source: s || {} };
  });
  reconcile($('sources-list'), keyed, (k) => k.key, create_item, (li, k) => update_item(li, k.source));
  $('sources-panel').classList.remove('stale');
  render_note(keyed.length ? '' : t('sources_none'), keyed.length ? 'ok' : 'empty');
}

export function sources_panel({ conn }) {
  let in_flight = false;
  // Whether the panel shows an answer from the current connection; until then the
  // first state frame also triggers a poll (the event id may only arrive with it).
  let fresh = false;

  // Only while connected: the token is then known to be good and the server up, so a
  // poll never turns into a stream of failed requests during an outage.
  async function poll() {
    const event = conn.event || (conn.state && conn.state.event.id);
    if (in_flight || !event || !conn.token || conn.status.state !== 'connected') return;
    in_flight = true;
    try {
      const response = await staff_fetch(conn, `/api/events/${encodeURIComponent(event)}/sources`);
      const sources = await response.json().catch(() => null);
      render_sources(Array.isArray(sources) ? sources : []);
      fresh = true;
    } catch (err) {
      render_note(t('sources_failed', { message: err.message || error_text(err) }), 'error');
    } finally {
      in_flight = false;
    }
  }

  setInterval(poll, SOURCES_POLL_MS);

  return {
    after() {
      if (!fresh) poll();
    },
    status(status) {
      if (status.state === 'connected') {
        poll();
        return;
      }
      fresh = false;
      if ($('sources-list').children.length) {
        $('sources-panel').classList.add('stale');
        render_note(t('sources_stale'), 'stale');
      }
    },
  };
}
