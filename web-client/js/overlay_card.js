// The on-air card, shared by the overlay (/screen) and the producer's preview, so
// the preview is exactly what airs: which item the state puts on screen, how the
// card is filled (a poll's card adds its result bars), and how its type shrinks to
// fit the safe area (never clipped).

import { t, network_label, handle_text } from './strings.js';
import { set_text, network_icon, set_text_lang } from './dom.js';
import { render_bars, total_text } from './poll_bars.js';

// The card is laid out on a 1920x1080 stage; a 720p source scales the whole stage.
export const STAGE_WIDTH = 1920;
export const STAGE_HEIGHT = 1080;
// Type sizes in stage pixels: the largest first, shrinking in steps down to the stated
// minimum (28 px at 1080p, 18.7 px at 720p: still readable from across a room).
export const TEXT_MAX_PX = 52;
export const TEXT_MIN_PX = 28;
export const META_MAX_PX = 34;
export const META_MIN_PX = 24;
const STEP_PX = 2;
// A lower third stays a lower third: the text may take this many lines before it shrinks.
const TEXT_LINES = 4;
// Title-safe area: 5% in from each edge, as broadcast graphics keep.
export const SAFE_TOP_PX = 54;

// What the state puts on screen, as a card item, or null.
export function card_item(state, on_screen = state && state.on_screen) {
  const os = on_screen;
  if (!state || !os || !os.kind) return null;
  if (os.kind === 'question') {
    const q = state.questions.find((x) => x.id === os.id);
    return q ? question_item(q) : null;
  }
  if (os.kind === 'poll') {
    const p = (state.polls || []).find((x) => x.id === os.id);
    return p ? poll_item(p) : null;
  }
  const h = state.highlights.find((x) => x.id === os.id);
  return h ? highlight_item(h) : null;
}

export function question_item(q) {
  return { id: q.id, kind: 'question', text: q.text || '', author: q.author || t('anonymous'), network: null, source: null };
}

// A poll's card: the question, live or final, with one bar per answer.
export function poll_item(p) {
  const author = t(p.status === 'closed' ? 'poll_card_final' : 'poll_card_live');
  return { id: p.id, kind: 'poll', text: p.question, author, network: total_text(p), source: null, poll: p };
}

export function highlight_item(h) {
  const a = h.author || {};
  const handle = handle_text(a.handle);
  const author = a.display_name ? `${a.display_name}  ${handle}` : handle;
  return { id: h.id, kind: 'highlight', text: h.text || '', author, network: network_label(h.source), source: h.source, lang: h.lang };
}

// Card parts by role, found inside `card` (the overlay's static markup or create_card's).
function parts(card) {
  return {
    text: card.querySelector('.card-text'),
    author: card.querySelector('.card-author'),
    network: card.querySelector('.card-network'),
    icon: card.querySelector('.card-icon'),
  };
}

// The card's markup, for pages other than the overlay.
export function create_card(doc = document) {
  const make = (tag, cls) => {
    const node = doc.createElement(tag);
    node.className = cls;
    return node;
  };
  const card = make('article', 'card');
  const meta = make('div', 'card-meta');
  const text = make('p', 'card-text');
  const author = make('span', 'card-author');
  author.dir = 'auto';
  text.dir = 'auto';
  meta.append(make('span', 'card-icon'), author, make('span', 'card-network'));
  card.append(meta, text);
  return card;
}

export function fill_card(card, item) {
  const p = parts(card);
  card.dataset.kind = item.kind;
  set_text(p.text, item.text);
  set_text_lang(p.text, item.text, item.lang);
  set_text(p.author, item.author);
  set_text(p.network, item.network || '');
  p.icon.replaceChildren();
  if (item.source) p.icon.append(network_icon(item.source, ''));
  let bars = card.querySelector('.card-poll');
  if (item.poll) {
    if (!bars) {
      bars = card.ownerDocument.createElement('ol');
      bars.className = 'poll-bars card-poll';
      bars.dataset.testid = 'screen-poll';
      card.append(bars);
    }
    render_bars(bars, item.poll);
  } else if (bars) {
    bars.remove();
  }
}

// Shrinks the card's type until the name fits its line and the text fits the lower
// third, then, at the smallest size, lets the text take more lines as long as the
// card stays inside the safe area. Returns {text_px, meta_px, lines, fits}; `fits` is
// false only when even the smallest size leaves the card taller than the safe area.
// The card must be laid out (not display:none) on its 1920x1080 stage.
export function fit_card(card) {
  const p = parts(card);
  const meta_row = p.author.parentElement;
  const max_height = STAGE_HEIGHT - SAFE_TOP_PX - card_bottom(card);
  let meta_px = META_MAX_PX;
  let text_px = TEXT_MAX_PX;
  card.style.setProperty('--meta-size', `${meta_px}px`);
  card.style.setProperty('--text-size', `${text_px}px`);
  // The name line: one line when it can be, shrinking down to the minimum, then wrapping.
  card.classList.remove('name-wraps');
  while (meta_px > META_MIN_PX && meta_row.scrollWidth > meta_row.clientWidth + 1) {
    meta_px -= STEP_PX;
    card.style.setProperty('--meta-size', `${meta_px}px`);
  }
  if (meta_row.scrollWidth > meta_row.clientWidth + 1) card.classList.add('name-wraps');
  const lines = () => Math.round(p.text.scrollHeight / (text_px * 1.25));
  while (text_px > TEXT_MIN_PX && (lines() > TEXT_LINES || card.offsetHeight > max_height)) {
    text_px -= STEP_PX;
    card.style.setProperty('--text-size', `${text_px}px`);
  }
  const fits = card.offsetHeight <= max_height && p.text.scrollHeight <= p.text.clientHeight + 1;
  card.dataset.fit = fits ? 'ok' : 'overflow';
  card.dataset.textPx = String(text_px);
  return { text_px, meta_px, lines: lines(), fits };
}

function card_bottom(card) {
  const bottom = parseFloat(getComputedStyle(card).bottom);
  return Number.isFinite(bottom) ? bottom : 0;
}

// Scales a 1920x1080 stage to fill `width` x `height` (a 720p browser source, a preview box).
export function stage_scale(width, height) {
  return Math.min(width / STAGE_WIDTH, height / STAGE_HEIGHT);
}
