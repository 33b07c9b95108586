// The queue's filter bar: a search box and source, rule and language menus. While a
// filter is on, the queue column lists what the server's filtered queue.page returns
// (so it reaches items beyond what the console has loaded), pages on as the moderator
// works down, and takes live queue frames through the same rules as the server
// (queue_filter.js): a new item that does not match stays out of the list.

import { t, network_label } from '../strings.js';
import { $, el, set_text, show } from '../dom.js';
import { queue_matcher, filter_active, page_fields } from '../queue_filter.js';

// Typing settles this long before the server is asked.
const SEARCH_DEBOUNCE_MS = 250;
// A filtered page may come back short (the server looks at a bounded number of items
// per page); pages are asked for until this many matches are loaded or the queue ends.
const FILTER_FILL = 50;
const SOURCES = ['bluesky', 'mastodon', 'webhook', 'replay'];
// Rules that leave a post waiting; others appear in the menu once seen on a post.
const HOLDING_RULES = ['default', 'likely_spam', 'edited_at_source', 'unblocked_author', 'untrusted_author'];

export function queue_filter_state(conn, redraw) {
  let filter = {};
  let matches = queue_matcher(filter);
  let generation = 0;
  const lists = { post: fresh(), question: fresh() };

  function fresh() {
    return { items: [], after: null, done: true, busy: false };
  }

  function active() {
    return filter_active(filter);
  }

  // Post-only menus leave the question queue out: questions have no source, rule or language.
  function takes(kind) {
    return kind === 'post' || !['source', 'held_by', 'lang'].some((k) => filter[k] !== undefined && filter[k] !== null);
  }

  async function load_more(kind, fill = FILTER_FILL) {
    const list = lists[kind];
    if (!active() || list.done || list.busy) return;
    const mine = generation;
    list.busy = true;
    try {
      const start = list.items.length;
      while (!list.done && list.items.length - start < fill && mine === generation) {
        const ack = await conn.send({ type: 'queue.page', kind, ...page_fields(filter, kind), after: list.after, limit: 100 });
        if (mine !== generation) return;
        const known = new Set(list.items.map((x) => x.id));
        for (const item of Array.isArray(ack.items) ? ack.items : []) if (!known.has(item.id)) list.items.push(item);
        list.after = typeof ack.next === 'string' ? ack.next : null;
        list.done = list.after === null;
      }
    } catch (err) {
      if (mine === generation) list.done = true;
      set_text($('queue-filter-note'), t('filter_failed', { error: err.message || err.code || '' }));
    } finally {
      if (mine === generation) list.busy = false;
      redraw();
    }
  }

  function set(next) {
    filter = next;
    matches = queue_matcher(filter);
    generation += 1;
    for (const kind of ['post', 'question']) {
      lists[kind] = fresh();
      lists[kind].done = !active() || !takes(kind);
    }
    set_text($('queue-filter-note'), '');
    redraw();
    for (const kind of ['post', 'question']) load_more(kind);
  }

  // Live frames: what matches joins (or replaces itself in) the filtered list, a removal leaves it.
  conn.on_staff((frame) => {
    if (!active()) return;
    if (frame.type === 'queue.snapshot') {
      set(filter);
      return;
    }
    const kind = frame.type === 'queue.post' ? 'post' : frame.type === 'queue.question' ? 'question' : frame.type === 'queue.removed' ? frame.kind : null;
    if (!kind || !lists[kind]) return;
    const list = lists[kind];
    if (frame.type === 'queue.removed') {
      list.items = list.items.filter((x) => x.id !== frame.id);
      return;
    }
    const item = kind === 'post' ? frame.post : frame.question;
    if (!item) return;
    const at = list.items.findIndex((x) => x.id === item.id);
    const keep = takes(kind) && matches(item);
    if (at >= 0) {
      if (keep) list.items[at] = item;
      else list.items.splice(at, 1);
    } else if (keep && list.done) {
      // While pages remain, a page after the last cursor lists it in its place.
      list.items.push(item);
    }
  });

  return {
    active,
    filter: () => filter,
    set,
    items: (kind) => lists[kind].items,
    has_more: (kind) => active() && !lists[kind].done,
    busy: () => lists.post.busy || lists.question.busy,
    load_more,
  };
}

export function queue_filter_panel({ conn, filter }) {
  const search = $('queue-search');
  const source = $('queue-source');
  const rule = $('queue-rule');
  const language = $('queue-lang');
  let debounce = null;

  function option(value, label) {
    return el('option', { value, text: label });
  }

  function fill(select, values, any_label, label_of) {
    const chosen = select.value;
    const options = [option('*', any_label), ...values.map((v) => option(v, label_of(v)))];
    select.replaceChildren(...options);
    select.value = [...select.options].some((o) => o.value === chosen) ? chosen : '*';
  }

  // Rules and languages seen on loaded posts join the menus; what is chosen stays.
  let known_rules = '';
  let known_langs = '';
  function refresh_menus() {
    const posts = [...conn.queue.posts, ...filter.items('post')];
    const rules = [...new Set([...HOLDING_RULES, ...posts.map((p) => p.held_by).filter(Boolean), rule.value].filter((v) => v && v !== '*'))];
    const langs = [...new Set([...posts.map((p) => (p.lang || '').split('-')[0].toLowerCase()).filter(Boolean), language.value].filter((v) => v && v !== '*' && v !== '~'))].sort();
    if (rules.join() !== known_rules) {
      known_rules = rules.join();
      fill(rule, rules, t('filter_any_rule'), (r) => r);
    }
    if (langs.join() !== known_langs) {
      known_langs = langs.join();
      fill(language, [...langs, '~'], t('filter_any_language'), (l) => (l === '~' ? t('filter_unknown_language') : l));
    }
  }

  function read() {
    const value = (select) => (select.value === '*' ? undefined : select.value);
    const lang = value(language);
    return {
      source: value(source),
      held_by: value(rule),
      lang: lang === '~' ? '' : lang,
      search: search.value,
    };
  }

  function apply() {
    clearTimeout(debounce);
    filter.set(read());
  }

  fill(source, SOURCES, t('filter_any_source'), network_label);
  refresh_menus();
  for (const select of [source, rule, language]) select.addEventListener('change', apply);
  search.addEventListener('input', () => {
    clearTimeout(debounce);
    debounce = setTimeout(apply, SEARCH_DEBOUNCE_MS);
  });
  search.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter') apply();
    if (ev.key === 'Escape') {
      search.value = '';
      apply();
    }
  });
  $('queue-filter-clear').addEventListener('click', () => {
    search.value = '';
    for (const select of [source, rule, language]) select.value = '*';
    apply();
  });

  return {
    render() {
      refresh_menus();
      const on = filter.active();
      show($('queue-filter-clear'), on);
      $('queue-filter').classList.toggle('on', on);
    },
  };
}
