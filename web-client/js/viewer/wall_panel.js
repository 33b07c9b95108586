// The Wall tab: approved posts, newest first, each with the author, the network's
// icon, its age and clock time and a link to the original. New posts slide in;
// while the reader is further down, they wait behind a "N new posts" pill instead
// of moving what is being read. On another tab, the tab counts the unseen ones.

import { t, fmt_time, fmt_age, network_label, handle_text } from '../strings.js';
import { $, el, set_text, show, reconcile, network_icon, set_text_lang } from '../dom.js';

// Only web links open from the wall: a post cannot smuggle in javascript: or data: URLs.
function safe_url(url) {
  if (typeof url !== 'string' || !url) return null;
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : null;
  } catch (e) {
    return null;
  }
}

function create_post() {
  return el(
    'li',
    { class: 'post', testid: 'wall-item' },
    el(
      'div',
      { class: 'post-head' },
      el('span', { class: 'post-net' }),
      el(
        'span',
        { class: 'post-author' },
        el('span', { class: 'post-name', dir: 'auto' }),
        el('span', { class: 'post-handle', dir: 'auto' }),
      ),
      el('time', { class: 'post-time rel-time' }),
      el('span', { class: 'post-clock', testid: 'post-clock' }),
    ),
    el('p', { class: 'post-featured', testid: 'post-featured', text: t('featured') }),
    el('p', { class: 'post-text', dir: 'auto' }),
    el('a', { class: 'post-link', target: '_blank', rel: 'noopener noreferrer' }),
  );
}

export function wall_panel(conn) {
  const rendered_posts = new Set();
  const held_posts = new Set();
  let rendered_once = false;
  let unseen = 0;

  function visible() {
    return !$('panel-wall').hidden;
  }

  // The reader is "at the top" when the start of the list is on screen below the sticky tabs.
  function at_top() {
    const bar = document.querySelector('.tabs').getBoundingClientRect().bottom;
    return $('wall-list').getBoundingClientRect().top >= bar - 4;
  }

  function update_post(li, h) {
    const [head, featured, text, link] = li.children;
    const [net, author, time, clock] = head.children;
    const [name, handle] = author.children;
    li.dataset.id = h.id;
    li.classList.toggle('featured', Boolean(h.featured));
    show(featured, Boolean(h.featured));
    const label = network_label(h.source);
    if (net.dataset.source !== h.source) {
      net.dataset.source = h.source || '';
      net.replaceChildren(network_icon(h.source, label));
    }
    const a = h.author || {};
    set_text(name, a.display_name || a.handle || '');
    set_text(handle, a.display_name ? handle_text(a.handle) : '');
    time.dataset.at = String(h.created_at || '');
    if (typeof h.created_at === 'number') time.dateTime = new Date(h.created_at).toISOString();
    set_text(time, fmt_age(h.created_at, conn.server_now()));
    time.title = fmt_time(h.created_at, conn.server_now());
    // The clock time beside the age: "3 min ago · 2:14 PM", and the date on older posts.
    set_text(clock, typeof h.created_at === 'number' ? ` · ${fmt_time(h.created_at, conn.server_now())}` : '');
    set_text(text, h.text || '');
    set_text_lang(text, h.text, h.lang);
    const url = safe_url(h.url);
    show(link, Boolean(url));
    if (url) {
      link.href = url;
      set_text(link, t('open_original'));
      link.setAttribute('aria-label', `${t('open_original')} (${label})`);
    }
  }

  function render(state, reveal = false) {
    const list = $('wall-list');
    const ids = new Set(state.highlights.map((h) => h.id));
    for (const id of Array.from(held_posts)) if (!ids.has(id)) held_posts.delete(id);
    // While the reader is further down the wall, new posts wait behind the pill.
    const reading = !reveal && rendered_once && visible() && rendered_posts.size > 0 && !at_top();
    if (reading) for (const h of state.highlights) if (!rendered_posts.has(h.id)) held_posts.add(h.id);
    const shown = state.highlights.filter((h) => !held_posts.has(h.id));
    const created = reconcile(list, shown, (h) => h.id, create_post, update_post);
    rendered_posts.clear();
    for (const h of shown) rendered_posts.add(h.id);
    if (rendered_once && created.length) {
      for (const node of created) node.classList.add('entering');
      setTimeout(() => created.forEach((n) => n.classList.remove('entering')), 600);
      if (!visible()) unseen += created.length;
    }
    rendered_once = true;
    show($('wall-empty'), state.highlights.length === 0);
    const pill = $('new-posts-pill');
    show(pill, held_posts.size > 0);
    set_text(pill, t('new_posts', { n: held_posts.size }));
    const badge = $('wall-unseen');
    show(badge, unseen > 0);
    set_text(badge, unseen > 99 ? '99+' : String(unseen));
  }

  function reveal_held_posts(scroll) {
    held_posts.clear();
    if (conn.state) render(conn.state, true);
    if (scroll) {
      const reduce = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
      $('panel-wall').scrollIntoView({ behavior: reduce ? 'auto' : 'smooth', block: 'start' });
    }
  }

  $('new-posts-pill').addEventListener('click', () => reveal_held_posts(true));
  window.addEventListener(
    'scroll',
    () => {
      if (held_posts.size && visible() && at_top()) reveal_held_posts(false);
    },
    { passive: true },
  );

  return {
    changes: ['highlight.added', 'highlight.removed'],
    render: (state) => render(state),
    refresh() {
      const now = conn.server_now();
      for (const node of $('wall-list').querySelectorAll('.rel-time')) {
        const at = Number(node.dataset.at);
        if (at) set_text(node, fmt_age(at, now));
      }
    },
    // The tab was opened: what waited is seen now.
    shown() {
      unseen = 0;
      reveal_held_posts(false);
    },
  };
}
