// The viewer page (/): live agenda with a segment timer, the moderated wall,
// and audience Q&A, rendered from the shared connection's copy of the state.

import { Connection, storage_key, event_from_url } from './connection.js';
import {
  t, translate_page, error_text, fmt_time, fmt_relative, fmt_age, fmt_when_short, fmt_duration, fmt_number,
  char_count, kind_label, network_label, segment_label, fmt_zoned_time, zone_abbreviation, viewer_zone,
} from './strings.js';
import { el, set_text, show, reconcile, network_icon, connection_text, set_text_lang } from './dom.js';
import { current_segment, current_index, next_segment, remaining_ms, planned_ms, estimated_starts, starts_late } from './agenda.js';

const ASK_MAX = 280;
const NAME_MAX = 40;
// A question I asked is remembered this long while it waits for moderation.
const ASKED_TTL_MS = 24 * 3600 * 1000;

const $ = (id) => document.getElementById(id);
const event_id = event_from_url();
const conn = new Connection({ event: event_id });

// ---- local memory (localStorage, per event) ----

function load_json(what, fallback) {
  try {
    const raw = localStorage.getItem(storage_key(event_id, what));
    return raw ? JSON.parse(raw) : fallback;
  } catch (e) {
    return fallback;
  }
}

function save_json(what, value) {
  try {
    localStorage.setItem(storage_key(event_id, what), JSON.stringify(value));
  } catch (e) {
    // Storage full or disabled: the page still works, it just forgets on reload.
  }
}

const my_votes = new Set(load_json('votes', []));
let my_questions = load_json('asked', []);

function save_votes() {
  save_json('votes', Array.from(my_votes));
}

// ---- live region ----

let last_announced = { current: undefined, status: undefined, announcement: undefined };

function announce(text) {
  const region = $('live-region');
  // Clearing first makes repeated identical messages be read again.
  region.textContent = '';
  setTimeout(() => {
    region.textContent = text;
  }, 50);
}

function announce_changes(state, first) {
  const agenda = state.agenda;
  const seg = current_segment(agenda);
  const current = seg ? seg.id : null;
  const text = state.announcement ? state.announcement.text : null;
  if (!first) {
    if (text && text !== last_announced.announcement) announce(t('live_announcement', { text }));
    else if (agenda.status !== last_announced.status && agenda.status === 'paused') announce(t('live_paused'));
    else if (agenda.status !== last_announced.status && agenda.status === 'ended') announce(t('live_ended'));
    else if (current !== last_announced.current && seg) {
      announce(t('live_segment', { kind: kind_label(seg.kind), title: seg.title }));
    }
  }
  last_announced = { current, status: agenda.status, announcement: text };
}

// ---- top bar ----

function render_topbar(state) {
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

let was_connected = null;

function render_connection(status) {
  const node = $('connection-state');
  node.dataset.state = status.state;
  set_text($('connection-text'), connection_text(status, t));
  const connected = status.state === 'connected';
  document.body.classList.toggle('not-connected', !connected);
  show($('stale-note'), !connected && conn.state !== null);
  if (connected !== was_connected) {
    was_connected = connected;
    update_ask_button();
    // Vote buttons are disabled while there is no one to send the vote to.
    if (conn.state) render_questions(conn.state);
  }
}

// ---- announcement, now, up next ----

function render_announcement(state) {
  const a = state.announcement;
  show($('announcement'), Boolean(a && a.text));
  set_text($('announcement-text'), a ? a.text : '');
  set_text_lang($('announcement-text'), a ? a.text : '');
}

function speaker_item(sp) {
  const role = sp.role && sp.role !== 'speaker' ? t(`role_${sp.role}`) : '';
  return el(
    'li',
    { class: 'speaker' },
    el('span', { class: 'speaker-name', dir: 'auto', text: sp.name || '' }),
    role && role !== `role_${sp.role}` ? el('span', { class: 'speaker-role', text: ` · ${role}` }) : null,
    sp.title ? el('span', { class: 'speaker-title', dir: 'auto', text: sp.title }) : null,
  );
}

function render_now(state) {
  const agenda = state.agenda;
  const seg = current_segment(agenda);
  const card = $('now-card');
  card.dataset.status = agenda.status;
  const speakers = $('now-speakers');
  speakers.replaceChildren();
  if (agenda.status === 'ended') {
    set_text($('now-kind'), t('status_ended'));
    set_text($('now-title'), t('ended_title'));
    speakers.append(el('li', { class: 'speaker', text: t('ended_body') }));
  } else if (!seg) {
    set_text($('now-kind'), t('now_heading'));
    set_text($('now-title'), t('not_started_title'));
    if (starts_late(agenda, state.event.starts_at, conn.server_now())) {
      const when = fmt_time(state.event.starts_at, conn.server_now());
      speakers.append(el('li', { class: 'speaker', testid: 'not-started-body', text: t('not_started_late_body', { time: when }) }));
    } else if (typeof state.event.starts_at === 'number') {
      const when = `${fmt_time(state.event.starts_at, conn.server_now())} (${fmt_relative(state.event.starts_at, conn.server_now())})`;
      speakers.append(el('li', { class: 'speaker', testid: 'not-started-body', text: t('not_started_body', { time: when }) }));
    }
  } else {
    set_text($('now-kind'), kind_label(seg.kind));
    set_text($('now-title'), seg.title || '');
    for (const sp of seg.speakers || []) speakers.append(speaker_item(sp));
  }
  render_timer(state);
}

// Viewers see the time left in the current segment, or nothing: never an overrun
// (a speaker running long is the producer's business), and nothing at all when the
// event file says `show_timers: false`.
function render_timer(state) {
  const agenda = state.agenda;
  const seg = current_segment(agenda);
  const row = $('now-timer-row');
  const remaining = remaining_ms(agenda, conn.server_now());
  const planned = planned_ms(seg);
  const timers = state.event.show_timers !== false;
  if (!timers || !seg || remaining === null || planned <= 0 || remaining <= 0 || agenda.status === 'ended') {
    show(row, false);
    return;
  }
  show(row, true);
  const timer = $('now-timer');
  const params = { time: fmt_duration(remaining) };
  set_text(timer, agenda.status === 'paused' ? t('timer_left_paused', params) : t('timer_left', params));
  timer.classList.remove('over');
  timer.dataset.over = 'false';
  row.classList.remove('over');
  const ratio = Math.min(1, (planned - remaining) / planned);
  $('progress-bar').style.width = `${(ratio * 100).toFixed(1)}%`;
}

function render_up_next(state) {
  const nxt = next_segment(state.agenda);
  const ended = state.agenda.status === 'ended';
  show($('up-next'), !ended);
  if (nxt) {
    const names = (nxt.speakers || []).map((s) => s.name).filter(Boolean).join(', ');
    set_text($('up-next-body'), `${segment_label(nxt)}${names ? ` · ${names}` : ''}`);
  } else set_text($('up-next-body'), t('up_next_none'));
}

// ---- hashtags ----

function render_hashtags(state) {
  const tags = state.event.hashtags || [];
  show($('hashtags'), tags.length > 0);
  reconcile(
    $('hashtag-chips'),
    tags,
    (tag) => tag,
    (tag) => {
      const text = encodeURIComponent(`#${tag}`);
      const link = (href, network, icon) =>
        el(
          'a',
          {
            class: 'chip-link',
            href,
            target: '_blank',
            rel: 'noopener',
            'aria-label': t('post_on', { tag: `#${tag}`, network }),
            title: t('post_on', { tag: `#${tag}`, network }),
            testid: `share-${icon}`,
          },
          network_icon(icon, ''),
          el('span', { class: 'chip-net', text: network }),
        );
      return el(
        'li',
        { class: 'chip', testid: 'hashtag-chip' },
        el('span', { class: 'chip-tag', text: `#${tag}` }),
        link(`https://bsky.app/intent/compose?text=${text}`, network_label('bluesky'), 'bluesky'),
        link(`https://mastodonshare.com/?text=${text}`, network_label('mastodon'), 'mastodon'),
      );
    },
    () => {},
  );
}

// ---- agenda ----

function render_agenda(state) {
  const agenda = state.agenda;
  const cur = current_index(agenda);
  const now = conn.server_now();
  const starts = estimated_starts(agenda, state.event.starts_at, now);
  const nxt = next_segment(agenda);
  const zone = state.event.time_zone || 'UTC';
  const mine = viewer_zone();
  // Named as on the day of the event (EDT in April, not EST in November).
  const on_the_day = typeof state.event.starts_at === 'number' ? state.event.starts_at : now;
  set_text(
    $('agenda-zone'),
    zone === mine
      ? t('agenda_zone', { zone: zone.replace(/_/g, ' '), abbr: zone_abbreviation(zone, on_the_day) })
      : t('agenda_zone_both', { zone: zone.replace(/_/g, ' '), abbr: zone_abbreviation(zone, on_the_day), mine: zone_abbreviation(mine, on_the_day) }),
  );
  reconcile(
    $('agenda-list'),
    agenda.segments.map((seg, i) => ({ seg, i })),
    ({ seg }) => seg.id,
    () => {
      const li = el('li', { class: 'agenda-item', testid: 'agenda-item' });
      li.append(
        el('span', { class: 'agenda-time', testid: 'agenda-time' }, el('span', { class: 'agenda-clock' }), el('span', { class: 'agenda-local', testid: 'agenda-local' })),
        el(
          'div',
          { class: 'agenda-body' },
          el('span', { class: 'agenda-kind' }),
          el('span', { class: 'agenda-title', dir: 'auto' }),
          el('span', { class: 'agenda-speakers', dir: 'auto' }),
        ),
        el('span', { class: 'agenda-tag' }),
      );
      return li;
    },
    (li, { seg, i }) => {
      const is_current = i === cur && agenda.status !== 'ended';
      const is_past = agenda.status === 'ended' ? typeof seg.actual_start === 'number' : cur >= 0 && i < cur;
      const is_next = nxt && nxt.id === seg.id;
      li.classList.toggle('current', is_current);
      li.classList.toggle('past', is_past);
      li.classList.toggle('next', Boolean(is_next));
      li.dataset.id = seg.id;
      if (is_current) li.setAttribute('aria-current', 'step');
      else li.removeAttribute('aria-current');
      const [time, body, tag] = li.children;
      const [kind, title, speakers] = body.children;
      const started = typeof seg.actual_start === 'number' && (is_past || is_current);
      const at = started ? seg.actual_start : starts[i];
      const [clock, local] = time.children;
      set_text(clock, typeof at === 'number' ? `${started ? '' : '~'}${fmt_zoned_time(at, zone, now)}` : '');
      // A viewer in another zone also sees the time where they are.
      set_text(local, typeof at === 'number' && zone !== viewer_zone() ? t('agenda_your_time', { time: fmt_time(at, now) }) : '');
      show(local, Boolean(local.textContent));
      time.title = started ? t('agenda_started', { time: fmt_zoned_time(seg.actual_start, zone, now) }) : '';
      set_text(kind, `${kind_label(seg.kind)} · ${t('agenda_minutes', { n: seg.planned_minutes })}`);
      set_text(title, seg.title || '');
      set_text(speakers, (seg.speakers || []).map((s) => s.name).filter(Boolean).join(', '));
      set_text(tag, is_current ? t('agenda_now') : is_next ? t('agenda_next') : is_past ? t('agenda_done') : '');
    },
  );
}

// ---- wall ----

const rendered_posts = new Set();
const held_posts = new Set();
let wall_rendered_once = false;
let wall_unseen = 0;

function wall_visible() {
  return !$('panel-wall').hidden;
}

// The reader is "at the top" when the start of the list is on screen below the sticky tabs.
function wall_at_top() {
  const bar = document.querySelector('.tabs').getBoundingClientRect().bottom;
  return $('wall-list').getBoundingClientRect().top >= bar - 4;
}

function safe_url(url) {
  if (typeof url !== 'string' || !url) return null;
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : null;
  } catch (e) {
    return null;
  }
}

function handle_text(handle) {
  if (!handle) return '';
  return handle.startsWith('@') ? handle : `@${handle}`;
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

function render_wall(state, reveal = false) {
  const list = $('wall-list');
  const ids = new Set(state.highlights.map((h) => h.id));
  for (const id of Array.from(held_posts)) if (!ids.has(id)) held_posts.delete(id);
  // While the reader is further down the wall, new posts wait behind the pill.
  const reading = !reveal && wall_rendered_once && wall_visible() && rendered_posts.size > 0 && !wall_at_top();
  if (reading) for (const h of state.highlights) if (!rendered_posts.has(h.id)) held_posts.add(h.id);
  const shown = state.highlights.filter((h) => !held_posts.has(h.id));
  const created = reconcile(list, shown, (h) => h.id, create_post, update_post);
  rendered_posts.clear();
  for (const h of shown) rendered_posts.add(h.id);
  if (wall_rendered_once && created.length) {
    for (const node of created) node.classList.add('entering');
    setTimeout(() => created.forEach((n) => n.classList.remove('entering')), 600);
    if (!wall_visible()) wall_unseen += created.length;
  }
  wall_rendered_once = true;
  show($('wall-empty'), state.highlights.length === 0);
  const pill = $('new-posts-pill');
  show(pill, held_posts.size > 0);
  set_text(pill, t('new_posts', { n: held_posts.size }));
  const unseen = $('wall-unseen');
  show(unseen, wall_unseen > 0);
  set_text(unseen, wall_unseen > 99 ? '99+' : String(wall_unseen));
}

function reveal_held_posts(scroll) {
  held_posts.clear();
  if (conn.state) render_wall(conn.state, true);
  if (scroll) {
    const reduce = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
    $('panel-wall').scrollIntoView({ behavior: reduce ? 'auto' : 'smooth', block: 'start' });
  }
}

// ---- Q&A ----

function prune_my_questions(state) {
  const now = Date.now();
  const approved = new Set(state ? state.questions.map((q) => q.id) : []);
  const before = my_questions.length;
  my_questions = my_questions.filter((q) => !approved.has(q.id) && now - q.asked_at < ASKED_TTL_MS);
  if (my_questions.length !== before) save_json('asked', my_questions);
}

function create_question() {
  const li = el('li', { class: 'question', testid: 'question-item' });
  const vote = el(
    'button',
    { type: 'button', class: 'vote', testid: 'vote-button', 'aria-pressed': 'false' },
    el('span', { class: 'vote-arrow', 'aria-hidden': 'true', text: '▲' }),
    el('span', { class: 'vote-count' }),
  );
  vote.addEventListener('click', () => toggle_vote(li.dataset.id));
  li.append(
    vote,
    el(
      'div',
      { class: 'q-body' },
      el('p', { class: 'q-text', dir: 'auto' }),
      el('p', { class: 'q-meta' }, el('span', { class: 'q-author', dir: 'auto' }), el('span', { class: 'q-time rel-time' })),
    ),
  );
  return li;
}

function update_question(li, q) {
  li.dataset.id = q.id;
  const answered = q.status === 'answered';
  li.classList.toggle('answered', answered);
  const [vote, body] = li.children;
  const [text, meta] = body.children;
  const [author, time] = meta.children;
  const mine = my_votes.has(q.id);
  vote.setAttribute('aria-pressed', mine ? 'true' : 'false');
  vote.classList.toggle('voted', mine);
  vote.disabled = answered || conn.status.state !== 'connected';
  const votes = Number(q.votes) || 0;
  vote.setAttribute('aria-label', `${mine ? t('unvote') : t('vote')} (${t('votes', { n: votes })})`);
  set_text(vote.children[1], fmt_number(votes));
  set_text(text, q.text || '');
  set_text_lang(text, q.text);
  set_text(author, q.author || t('anonymous'));
  time.dataset.at = String(q.asked_at || '');
  set_text(time, typeof q.asked_at === 'number' ? ` · ${fmt_age(q.asked_at, conn.server_now())}` : '');
}

function render_questions(state) {
  prune_my_questions(state);
  if (feedback_for) {
    // A merge notice is about a question: once that question has been public and leaves
    // (rejected), the notice no longer applies.
    const present = state.questions.some((q) => q.id === feedback_for);
    if (present) feedback_seen = true;
    else if (feedback_seen) clear_feedback();
  }
  const by_votes = (a, b) => (Number(b.votes) || 0) - (Number(a.votes) || 0) || (a.asked_at || 0) - (b.asked_at || 0);
  const open = state.questions.filter((q) => q.status !== 'answered').sort(by_votes);
  const answered = state.questions.filter((q) => q.status === 'answered').sort(by_votes);
  reconcile($('question-list'), open, (q) => q.id, create_question, update_question);
  reconcile($('answered-list'), answered, (q) => q.id, create_question, update_question);
  show($('answered-heading'), answered.length > 0);
  show($('questions-empty'), open.length === 0 && answered.length === 0 && my_questions.length === 0);
  render_questions_more(state);
  reconcile(
    $('my-pending'),
    my_questions,
    (q) => q.id,
    () =>
      el(
        'li',
        { class: 'question pending', testid: 'my-pending-item' },
        el('div', { class: 'q-body' }, el('p', { class: 'q-text', dir: 'auto' }), el('p', { class: 'q-meta q-awaiting' })),
      ),
    (li, q) => {
      li.dataset.id = q.id;
      const [text, meta] = li.firstChild.children;
      set_text(text, q.text);
      set_text_lang(text, q.text);
      set_text(meta, t('awaiting_moderation'));
    },
  );
}

// ---- more questions (big events: the snapshot holds the top ones only) ----

let more_visible = false;
let loading_more = false;

function render_questions_more(state) {
  const more = conn.has_more_questions();
  const total = typeof state.questions_total === 'number' ? state.questions_total : state.questions.length;
  show($('questions-more'), more);
  if (!more) return;
  set_text($('questions-count'), t('questions_shown', { n: total, shown: fmt_number(state.questions.length), total: fmt_number(total) }));
  const button = $('questions-load-more');
  button.disabled = loading_more || conn.status.state !== 'connected';
  set_text(button, loading_more ? t('questions_loading') : t('questions_load_more'));
}

// Loads pages while the end of the list is on screen, one at a time.
async function load_more_questions() {
  if (loading_more || !conn.has_more_questions()) return;
  loading_more = true;
  if (conn.state) render_questions_more(conn.state);
  try {
    await conn.load_more_questions();
  } finally {
    loading_more = false;
    if (conn.state) render_questions_more(conn.state);
  }
  // Still at the end (a short page, a tall screen): read on.
  if (more_visible) setTimeout(load_more_questions, 0);
}

function watch_questions_end() {
  $('questions-load-more').addEventListener('click', () => load_more_questions());
  if (!window.IntersectionObserver) return;
  // Start loading a little before the reader reaches the end.
  const observer = new IntersectionObserver(
    (entries) => {
      more_visible = entries.some((e) => e.isIntersecting);
      if (more_visible) load_more_questions();
    },
    { rootMargin: '0px 0px 400px 0px' },
  );
  observer.observe($('questions-more'));
}

async function toggle_vote(id) {
  if (!id) return;
  const had = my_votes.has(id);
  if (had) my_votes.delete(id);
  else my_votes.add(id);
  save_votes();
  if (conn.state) render_questions(conn.state);
  try {
    await conn.send({ type: had ? 'question.unvote' : 'question.vote', question: id });
  } catch (err) {
    // conflict means the server already agrees with what we wanted: keep it.
    if (err.code !== 'conflict') {
      if (had) my_votes.add(id);
      else my_votes.delete(id);
      save_votes();
      set_text($('ask-feedback'), t('vote_failed', { message: error_text(err) }));
    }
    if (conn.state) render_questions(conn.state);
  }
}

let asking = false;
// The question a merge notice is about; the notice goes when that question does.
let feedback_for = null;
let feedback_seen = false;

// Notices about the last question sent are cleared once they no longer apply: when
// the person starts on a new question, or the question they were about goes away.
function clear_feedback() {
  feedback_for = null;
  feedback_seen = false;
  set_text($('ask-feedback'), '');
}

function ask_lengths() {
  return { text: char_count($('ask-text').value.trim()), name: char_count($('ask-name').value.trim()) };
}

function update_ask_button() {
  const { text, name } = ask_lengths();
  const raw = char_count($('ask-text').value);
  const counter = $('ask-counter');
  set_text(counter, `${raw}/${ASK_MAX}`);
  counter.classList.toggle('over', raw > ASK_MAX);
  const closed = qa_closed();
  // Every limit that stops Send says so in words, before the button turns grey.
  const limit = $('ask-limit');
  const problem = text > ASK_MAX
    ? t('ask_text_over', { n: text - ASK_MAX, max: ASK_MAX })
    : name > NAME_MAX
      ? t('ask_name_over', { n: name - NAME_MAX, max: NAME_MAX })
      : '';
  set_text(limit, closed ? '' : problem);
  show(limit, Boolean(problem) && !closed);
  $('ask-name').setAttribute('aria-invalid', name > NAME_MAX ? 'true' : 'false');
  $('ask-text').setAttribute('aria-invalid', text > ASK_MAX ? 'true' : 'false');
  $('ask-submit').disabled = closed || asking || text === 0 || text > ASK_MAX || name > NAME_MAX || conn.status.state !== 'connected';
  // Closed Q&A: the box stays readable (a half-typed question is kept) but takes no input.
  $('ask-text').disabled = closed;
  $('ask-name').disabled = closed;
  $('ask-form').classList.toggle('closed', closed);
  show($('qa-closed'), closed);
}

function qa_closed() {
  return Boolean(conn.state && conn.state.qa && conn.state.qa.open === false);
}

async function submit_question(ev) {
  ev.preventDefault();
  const feedback = $('ask-feedback');
  const text = $('ask-text').value.trim();
  const name = $('ask-name').value.trim();
  const { text: n, name: nn } = ask_lengths();
  if (n === 0) return set_text(feedback, t('ask_empty'));
  if (n > ASK_MAX) return set_text(feedback, t('ask_too_long', { max: ASK_MAX }));
  if (nn > NAME_MAX) return set_text(feedback, t('ask_name_too_long', { max: NAME_MAX }));
  asking = true;
  update_ask_button();
  set_text($('ask-submit'), t('ask_sending'));
  const command = { type: 'question.ask', text };
  if (name) command.name = name;
  try {
    const ack = await conn.send(command);
    const status = ack.status || 'pending';
    const merged = ack.merged_into !== undefined && ack.merged_into !== null;
    // A merged question is not the asker's own pending one: only their vote was added.
    if (status === 'pending' && ack.question !== undefined && !merged) {
      my_questions.push({ id: String(ack.question), text, name: name || null, asked_at: Date.now() });
      save_json('asked', my_questions);
    }
    if (merged) {
      // The server counted the asker's vote for the question theirs was merged into.
      my_votes.add(String(ack.merged_into));
      save_votes();
    }
    $('ask-text').value = '';
    if (merged) set_text(feedback, status === 'pending' ? t('ask_sent_merged_pending') : t('ask_sent_merged'));
    else set_text(feedback, status === 'pending' ? t('ask_sent_pending') : t('ask_sent_open'));
    feedback_for = merged ? String(ack.merged_into) : null;
    feedback_seen = false;
  } catch (err) {
    if (err.code === 'conflict') set_text(feedback, t('ask_closed'));
    else if (err.code === 'rate_limited' && err.retry_after_ms) {
      set_text(feedback, t('ask_rate_limited', { s: Math.max(1, Math.ceil(err.retry_after_ms / 1000)) }));
    } else set_text(feedback, t('ask_failed', { message: error_text(err) }));
  } finally {
    asking = false;
    set_text($('ask-submit'), t('ask_submit'));
    update_ask_button();
    if (conn.state) render_questions(conn.state);
  }
}

// ---- tabs ----

const TAB_IDS = ['agenda', 'wall', 'qa'];

function select_tab(name, focus) {
  for (const id of TAB_IDS) {
    const tab = $(`tab-${id}`);
    const selected = id === name;
    tab.setAttribute('aria-selected', selected ? 'true' : 'false');
    tab.tabIndex = selected ? 0 : -1;
    $(`panel-${id}`).hidden = !selected;
    if (selected && focus) tab.focus();
  }
  if (name === 'wall') {
    wall_unseen = 0;
    reveal_held_posts(false);
  }
  try {
    sessionStorage.setItem('companion:tab', name);
  } catch (e) {
    // Not remembered.
  }
}

function setup_tabs() {
  for (const id of TAB_IDS) {
    const tab = $(`tab-${id}`);
    tab.addEventListener('click', () => select_tab(id, false));
    tab.addEventListener('keydown', (ev) => {
      const i = TAB_IDS.indexOf(id);
      let j = null;
      if (ev.key === 'ArrowRight') j = (i + 1) % TAB_IDS.length;
      else if (ev.key === 'ArrowLeft') j = (i + TAB_IDS.length - 1) % TAB_IDS.length;
      else if (ev.key === 'Home') j = 0;
      else if (ev.key === 'End') j = TAB_IDS.length - 1;
      if (j !== null) {
        ev.preventDefault();
        select_tab(TAB_IDS[j], true);
      }
    });
  }
  let initial = 'agenda';
  try {
    initial = sessionStorage.getItem('companion:tab') || 'agenda';
  } catch (e) {
    // Default tab.
  }
  const from_hash = window.location.hash.slice(1);
  if (TAB_IDS.includes(from_hash)) initial = from_hash;
  select_tab(TAB_IDS.includes(initial) ? initial : 'agenda', false);
}

// ---- wiring ----

function render_all(state) {
  render_topbar(state);
  render_announcement(state);
  render_now(state);
  render_up_next(state);
  render_hashtags(state);
  render_agenda(state);
  render_wall(state);
  render_questions(state);
  update_ask_button();
}

let first_state = true;

conn.on_state((state, change) => {
  switch (change.kind) {
    case 'agenda':
      render_topbar(state);
      render_now(state);
      render_up_next(state);
      render_agenda(state);
      break;
    case 'announcement':
      render_announcement(state);
      break;
    case 'highlight.added':
    case 'highlight.removed':
      render_wall(state);
      break;
    case 'question.added':
    case 'question.updated':
    case 'question.removed':
    case 'votes':
    case 'questions.page':
      render_questions(state);
      break;
    case 'stats':
      render_topbar(state);
      break;
    case 'qa':
      // "Q&A has just closed" no longer applies once it reopens.
      if (state.qa && state.qa.open && $('ask-feedback').textContent === t('ask_closed')) clear_feedback();
      update_ask_button();
      break;
    default:
      render_all(state);
  }
  announce_changes(state, first_state);
  first_state = false;
});

conn.on_status((status) => render_connection(status));

function tick() {
  render_connection(conn.status);
  if (!conn.state) return;
  render_timer(conn.state);
}

function refresh_relative_times() {
  const now = conn.server_now();
  for (const node of document.querySelectorAll('.rel-time')) {
    const at = Number(node.dataset.at);
    if (!at) continue;
    const text = fmt_age(at, now);
    set_text(node, node.classList.contains('q-time') ? ` · ${text}` : text);
  }
  if (conn.state) {
    render_agenda(conn.state);
    render_topbar(conn.state);
    prune_my_questions(conn.state);
  }
}

// The sticky tabs and the new-posts pill sit just under the top bar, whose height varies.
function track_bar_height() {
  const bar = document.querySelector('.topbar');
  const apply = () => document.documentElement.style.setProperty('--bar-h', `${Math.floor(bar.getBoundingClientRect().height)}px`);
  apply();
  if (window.ResizeObserver) new ResizeObserver(apply).observe(bar);
}

function setup() {
  translate_page();
  track_bar_height();
  setup_tabs();
  $('ask-form').addEventListener('submit', submit_question);
  for (const id of ['ask-text', 'ask-name']) {
    $(id).addEventListener('input', () => {
      if ($('ask-feedback').textContent) clear_feedback();
      update_ask_button();
    });
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
  $('ask-text').addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) $('ask-form').requestSubmit();
  });
  $('new-posts-pill').addEventListener('click', () => reveal_held_posts(true));
  watch_questions_end();
  window.addEventListener(
    'scroll',
    () => {
      if (held_posts.size && wall_visible() && wall_at_top()) reveal_held_posts(false);
    },
    { passive: true },
  );
  update_ask_button();
  render_connection(conn.status);
  conn.start();
  setInterval(tick, 1000);
  setInterval(refresh_relative_times, 30000);
}

setup();
