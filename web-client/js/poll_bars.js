// A poll's results as bars with percentages, the same markup on the viewer page,
// in the staff consoles and on the /screen card (each page styles it to its size).
// The bar's length is a custom property, so the page's CSS animates it (or not,
// under prefers-reduced-motion).

import { t, fmt_number } from './strings.js';
import { el, set_text, reconcile, set_text_lang } from './dom.js';
import { poll_shares } from './polls.js';

function create_bar() {
  return el(
    'li',
    { class: 'poll-bar', testid: 'poll-bar' },
    el('span', { class: 'poll-bar-label' }, el('span', { class: 'poll-bar-text', dir: 'auto' }), el('span', { class: 'poll-bar-pct', testid: 'poll-bar-pct' })),
    el('span', { class: 'poll-bar-track', 'aria-hidden': 'true' }, el('span', { class: 'poll-bar-fill' })),
  );
}

// Fills `list` (an <ol>) with one bar per option. `mine` is the set of option ids
// this viewer chose (marked), or null.
export function render_bars(list, poll, mine = null) {
  reconcile(list, poll_shares(poll), (s) => s.id, create_bar, (li, s) => {
    li.dataset.option = s.id;
    li.dataset.leading = s.leading ? 'true' : 'false';
    li.dataset.mine = mine && mine.has(s.id) ? 'true' : 'false';
    const [label, track] = li.children;
    const [text, pct] = label.children;
    set_text(text, s.text);
    set_text_lang(text, s.text);
    set_text(pct, `${s.percent}%`);
    track.firstChild.style.setProperty('--share', String(s.percent / 100));
    li.setAttribute('aria-label', t('poll_bar_label', { text: s.text, percent: s.percent, n: s.votes, count: fmt_number(s.votes) }));
  });
}

// "1,234 votes" (ballots), for under the bars.
export function total_text(poll) {
  return t('poll_total', { n: poll.total, count: fmt_number(poll.total) });
}
