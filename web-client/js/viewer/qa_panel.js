// The Q&A tab: approved questions ranked by votes (my votes marked), answered ones
// below, my questions still waiting for moderation shown to me only, and the rest
// of a big event's questions loaded page by page as the reader reaches the end.
// The ask box is ask_form.js.

import { t, error_text, fmt_age, fmt_number } from '../strings.js';
import { $, el, set_text, show, reconcile, set_text_lang } from '../dom.js';
import { ask_form } from './ask_form.js';

const QUESTION_KINDS = ['question.added', 'question.updated', 'question.removed', 'votes', 'questions.page'];

function create_pending() {
  return el(
    'li',
    { class: 'question pending', testid: 'my-pending-item' },
    el('div', { class: 'q-body' }, el('p', { class: 'q-text', dir: 'auto' }), el('p', { class: 'q-meta q-awaiting' })),
  );
}

function update_pending(li, q) {
  li.dataset.id = q.id;
  const [text, meta] = li.firstChild.children;
  set_text(text, q.text);
  set_text_lang(text, q.text);
  set_text(meta, t('awaiting_moderation'));
}

export function qa_panel(conn, mine) {
  const ask = ask_form(conn, mine, () => conn.state && render_questions(conn.state));
  let was_connected = null;
  let more_visible = false;
  let loading_more = false;

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
    const voted = mine.votes.has(q.id);
    vote.setAttribute('aria-pressed', voted ? 'true' : 'false');
    vote.classList.toggle('voted', voted);
    vote.disabled = answered || conn.status.state !== 'connected';
    const votes = Number(q.votes) || 0;
    vote.setAttribute('aria-label', `${voted ? t('unvote') : t('vote')} (${t('votes', { n: votes })})`);
    set_text(vote.children[1], fmt_number(votes));
    set_text(text, q.text || '');
    set_text_lang(text, q.text);
    set_text(author, q.author || t('anonymous'));
    time.dataset.at = String(q.asked_at || '');
    set_text(time, typeof q.asked_at === 'number' ? ` · ${fmt_age(q.asked_at, conn.server_now())}` : '');
  }

  function render_questions(state) {
    mine.prune(state);
    ask.questions_changed(state);
    const by_votes = (a, b) => (Number(b.votes) || 0) - (Number(a.votes) || 0) || (a.asked_at || 0) - (b.asked_at || 0);
    const open = state.questions.filter((q) => q.status !== 'answered').sort(by_votes);
    const answered = state.questions.filter((q) => q.status === 'answered').sort(by_votes);
    reconcile($('question-list'), open, (q) => q.id, create_question, update_question);
    reconcile($('answered-list'), answered, (q) => q.id, create_question, update_question);
    show($('answered-heading'), answered.length > 0);
    show($('questions-empty'), open.length === 0 && answered.length === 0 && mine.asked().length === 0);
    render_more(state);
    reconcile($('my-pending'), mine.asked(), (q) => q.id, create_pending, update_pending);
  }

  async function toggle_vote(id) {
    if (!id) return;
    const had = mine.votes.has(id);
    if (had) mine.votes.delete(id);
    else mine.votes.add(id);
    mine.save_votes();
    if (conn.state) render_questions(conn.state);
    try {
      await conn.send({ type: had ? 'question.unvote' : 'question.vote', question: id });
    } catch (err) {
      // conflict means the server already agrees with what we wanted: keep it.
      if (err.code !== 'conflict') {
        if (had) mine.votes.add(id);
        else mine.votes.delete(id);
        mine.save_votes();
        ask.say(t('vote_failed', { message: error_text(err) }));
      }
      if (conn.state) render_questions(conn.state);
    }
  }

  // ---- more questions (big events: the snapshot holds the top ones only) ----

  function render_more(state) {
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
  async function load_more() {
    if (loading_more || !conn.has_more_questions()) return;
    loading_more = true;
    if (conn.state) render_more(conn.state);
    try {
      await conn.load_more_questions();
    } finally {
      loading_more = false;
      if (conn.state) render_more(conn.state);
    }
    // Still at the end (a short page, a tall screen): read on.
    if (more_visible) setTimeout(load_more, 0);
  }

  function watch_end() {
    $('questions-load-more').addEventListener('click', () => load_more());
    if (!window.IntersectionObserver) return;
    // Start loading a little before the reader reaches the end.
    const observer = new IntersectionObserver(
      (entries) => {
        more_visible = entries.some((e) => e.isIntersecting);
        if (more_visible) load_more();
      },
      { rootMargin: '0px 0px 400px 0px' },
    );
    observer.observe($('questions-more'));
  }

  watch_end();

  return {
    changes: [...QUESTION_KINDS, 'qa'],
    render(state, change) {
      if (change.kind === 'qa') return ask.qa_changed(state);
      render_questions(state);
      if (!QUESTION_KINDS.includes(change.kind)) ask.update_button();
    },
    status(status) {
      const connected = status.state === 'connected';
      if (connected === was_connected) return;
      was_connected = connected;
      ask.update_button();
      // Vote buttons are disabled while there is no one to send the vote to.
      if (conn.state) render_questions(conn.state);
    },
    refresh() {
      const now = conn.server_now();
      for (const node of $('panel-qa').querySelectorAll('.rel-time')) {
        const at = Number(node.dataset.at);
        if (at) set_text(node, ` · ${fmt_age(at, now)}`);
      }
      if (conn.state) mine.prune(conn.state);
    },
  };
}
