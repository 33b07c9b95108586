// The moderator console's toolbar figures: the queue depth, the work waiting on
// each tab, the event's title, the viewer count and posts per minute per hashtag.

import { t, fmt_number } from '../strings.js';
import { $, el, set_text, reconcile } from '../dom.js';

export function counters_panel({ conn, rows }) {
  function render() {
    const depth = rows.queue_waiting();
    set_text($('queue-depth'), t('queue_depth', { n: depth }));
    $('queue-depth').dataset.count = String(depth);
    // Pending counts on each tab, so work waiting on the other tab is not missed.
    const counts = { queue: depth, questions: rows.questions_waiting() };
    for (const [tab, n] of Object.entries(counts)) {
      const badge = $(`tab-${tab}-count`);
      set_text(badge, String(n));
      badge.dataset.count = String(n);
    }
    if (!conn.state) return;
    set_text($('event-title'), conn.state.event.title || '');
    const viewers = conn.state.stats.viewers || 0;
    set_text($('viewers'), t('viewers', { n: viewers, count: fmt_number(viewers) }));
    const tags = conn.state.stats.tags || {};
    reconcile(
      $('tag-rates'),
      Object.keys(tags),
      (tag) => tag,
      () => el('span', { class: 'counter-chip', testid: 'tag-rate' }),
      (node, tag) => {
        node.dataset.tag = tag;
        set_text(node, t('per_minute', { tag, n: fmt_number(tags[tag].per_minute || 0) }));
      },
    );
  }
  render();
  return { render };
}
