// The broadcast overlay (/screen): shows the question or post the moderators
// put on screen as one lower-third card, with an enter/leave animation, and a
// discreet marker only when the connection has been down for a while.

import { Connection, event_from_url } from './connection.js';
import { t, network_label } from './strings.js';
import { set_text, show, network_icon, set_text_lang } from './dom.js';

const $ = (id) => document.getElementById(id);
// Short blips are invisible on air; only a long outage earns the marker.
const MARKER_AFTER_MS = 10000;
const LONG_TEXT = 180;

const conn = new Connection({ event: event_from_url() });
const card = $('card');
let shown = null;  // the item on the card, or null
let pending = null;
let leave_timer = null;
let disconnected_since = null;

function reduced_motion() {
  return window.matchMedia('(prefers-reduced-motion: reduce)').matches;
}

// What should be on screen now, or null.
function wanted(state) {
  const os = state && state.on_screen;
  if (!os || !os.kind) return null;
  if (os.kind === 'question') {
    const q = state.questions.find((x) => x.id === os.id);
    if (!q) return null;
    return { id: q.id, kind: 'question', text: q.text, author: q.author || t('anonymous'), network: null, source: null };
  }
  const h = state.highlights.find((x) => x.id === os.id);
  if (!h) return null;
  const a = h.author || {};
  const handle = a.handle ? (a.handle.startsWith('@') ? a.handle : `@${a.handle}`) : '';
  const author = a.display_name ? `${a.display_name}  ${handle}` : handle;
  return { id: h.id, kind: 'highlight', text: h.text, author, network: network_label(h.source), source: h.source, lang: h.lang };
}

function fill(item) {
  card.dataset.kind = item.kind;
  set_text($('card-text'), item.text);
  set_text_lang($('card-text'), item.text, item.lang);
  $('card-text').classList.toggle('long', item.text.length > LONG_TEXT);
  set_text($('card-author'), item.author);
  set_text($('card-network'), item.network || '');
  const icon = $('card-icon');
  icon.replaceChildren();
  if (item.source) icon.append(network_icon(item.source, ''));
}

function enter(item) {
  fill(item);
  shown = item;
  card.hidden = false;
  if (reduced_motion()) {
    card.dataset.state = 'shown';
    return;
  }
  card.dataset.state = 'entering';
  // Read layout so the browser commits the start state before the transition.
  void card.offsetHeight;
  card.dataset.state = 'shown';
}

function leave(then) {
  if (reduced_motion()) {
    card.hidden = true;
    card.dataset.state = 'hidden';
    shown = null;
    then();
    return;
  }
  card.dataset.state = 'leaving';
  clearTimeout(leave_timer);
  leave_timer = setTimeout(() => {
    card.hidden = true;
    card.dataset.state = 'hidden';
    shown = null;
    leave_timer = null;
    then();
  }, 500);
}

function same_item(a, b) {
  return Boolean(a && b && a.kind === b.kind && a.id === b.id);
}

function render(state) {
  const item = wanted(state);
  if (leave_timer) {
    // A change while leaving: remember the latest wish, act when the card is gone.
    pending = item;
    return;
  }
  if (!shown) {
    if (item) enter(item);
    return;
  }
  if (same_item(shown, item)) {
    // Same item, maybe edited: update in place, no animation.
    if (item.text !== shown.text || item.author !== shown.author) {
      fill(item);
      shown = item;
    }
    return;
  }
  pending = item;
  leave(() => {
    const next = pending;
    pending = null;
    if (next) enter(next);
  });
}

conn.on_state((state) => render(state));
conn.on_status((status) => {
  if (status.state === 'connected') disconnected_since = null;
  else if (disconnected_since === null) disconnected_since = Date.now();
  update_marker();
});

function update_marker() {
  const long = disconnected_since !== null && Date.now() - disconnected_since >= MARKER_AFTER_MS;
  show($('reconnecting'), long);
  if (long) set_text($('reconnecting'), t('screen_reconnecting'));
}

disconnected_since = Date.now();
setInterval(update_marker, 1000);
conn.start();
