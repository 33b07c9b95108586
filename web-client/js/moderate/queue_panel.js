// The queue column: posts and questions waiting for a decision, oldest first, new
// ones held behind an "N new" marker while the pointer is over the list, and the
// rest of a long queue loaded as the moderator works down it (the queue.snapshot
// holds the oldest items only).

import { t, fmt_number } from '../strings.js';
import { $, set_text, show } from '../dom.js';
import { held_list } from '../held_list.js';

// Loaded items of a kind left to decide on before the next page is fetched.
const QUEUE_LOW_WATER = 30;

export function queue_panel({ conn, rows, redraw, filter }, draw) {
  const held = held_list($('queue-list'), $('queue-new'), redraw, (r) => r.key);
  let more_visible = false;

  // Fetches the next page of each kind whose loaded part runs low, or all when asked.
  async function load_more(all = false) {
    const loads = [];
    if (filter.active()) {
      // Filtered: the server's filtered pages, on as the moderator reaches the end.
      for (const kind of ['post', 'question'])
        if (filter.has_more(kind) && (all || more_visible)) loads.push(filter.load_more(kind));
      await Promise.all(loads);
      return;
    }
    for (const kind of ['post', 'question']) {
      const loaded = kind === 'post' ? conn.queue.posts.length : rows.pending_questions().length;
      if (conn.has_more_queue(kind) && (all || more_visible || loaded < QUEUE_LOW_WATER)) loads.push(conn.load_more_queue(kind));
    }
    await Promise.all(loads);
  }

  function render_more() {
    if (filter.active()) {
      const more = filter.has_more('post') || filter.has_more('question');
      const shown = rows.queue_view_rows().length;
      show($('queue-more'), more || shown > 0);
      set_text($('queue-shown'), t(more ? 'filter_shown_more' : 'filter_shown', { n: shown, shown: fmt_number(shown) }));
      show($('queue-load-more'), more);
      if (more) load_more();
      return;
    }
    show($('queue-load-more'), true);
    const more = conn.has_more_queue('post') || conn.has_more_queue('question');
    show($('queue-more'), more);
    if (!more) return;
    const shown = conn.queue.posts.length + rows.pending_questions().length;
    set_text($('queue-shown'), t('queue_shown', {
      shown: fmt_number(shown),
      total: fmt_number(rows.queue_waiting()),
      posts: fmt_number(conn.queue.posts_total),
      questions: fmt_number(conn.queue.questions_total),
    }));
    // As the moderator works down the queue, the next items arrive before the list runs dry.
    load_more();
  }

  function watch_end() {
    $('queue-load-more').addEventListener('click', () => load_more(true));
    if (!window.IntersectionObserver) return;
    const observer = new IntersectionObserver((entries) => {
      more_visible = entries.some((e) => e.isIntersecting);
      if (more_visible) load_more();
    }, { rootMargin: '0px 0px 300px 0px' });
    observer.observe($('queue-more'));
  }

  watch_end();

  return {
    render() {
      const q = rows.queue_view_rows();
      draw($('queue-list'), held.shown(q));
      const searching = filter.active() && (filter.has_more('post') || filter.has_more('question'));
      show($('queue-empty'), q.length === 0 && !searching);
      set_text($('queue-empty'), filter.active() ? t('filter_nothing') : t('queue_empty'));
      render_more();
    },
  };
}
