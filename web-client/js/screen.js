// The broadcast overlay (/screen): shows the question, post or poll put on screen
// as one lower-third card (a poll's with its result bars, growing as votes arrive),
// with an enter/leave animation, and a discreet marker only when the connection has
// been down for a while. The card's type shrinks to fit the safe area
// (overlay_card.js); the stage scales to the source's size. With ?reactions=1 the
// audience's reactions rise along its edge (screen_reactions.js).

import { Connection, event_from_url } from './connection.js';
import { t } from './strings.js';
import { $, set_text, show } from './dom.js';
import { card_item, fill_card, fit_card, stage_scale } from './overlay_card.js';
import { start_lower_third } from './screen/lower_third.js';
import { mount_screen_reactions } from './screen_reactions.js';

// Short blips are invisible on air; only a long outage earns the marker.
const MARKER_AFTER_MS = 10000;

const conn = new Connection({ event: event_from_url() });
const card = $('card');
let shown = null;  // the item on the card, or null
let pending = null;
let leave_timer = null;
let disconnected_since = null;

function reduced_motion() {
  return window.matchMedia('(prefers-reduced-motion: reduce)').matches;
}

function fill(item) {
  fill_card(card, item);
  fit_card(card);
}

function enter(item) {
  card.hidden = false;
  fill(item);
  shown = item;
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
  const item = card_item(state);
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
    // Same item, maybe edited (or a poll with new counts): update in place, no animation.
    if (item.text !== shown.text || item.author !== shown.author || item.kind === 'poll') {
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
start_lower_third(conn);
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

// A 1280x720 source shows the same 1920x1080 stage, scaled.
function scale_stage() {
  $('stage').style.setProperty('--stage-scale', String(stage_scale(window.innerWidth, window.innerHeight)));
}
window.addEventListener('resize', scale_stage);
scale_stage();

disconnected_since = Date.now();
setInterval(update_marker, 1000);
mount_screen_reactions(conn, $('stage'));
conn.start();
