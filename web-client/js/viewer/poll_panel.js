// Polls on the viewer page: the open poll sits at the top of whichever tab is
// showing, its answers as large buttons (one tap votes; a poll with several answers
// is ticked, then sent); once this phone has voted it shows the live results as bars
// with percentages, its own answer marked. Closed polls keep their final results in
// the Polls tab, which appears once there is a poll. The phone remembers its
// ballots, so a reload shows results, not buttons.

import { t, error_text } from '../strings.js';
import { $, el, set_text, show, reconcile, set_text_lang } from '../dom.js';
import { open_poll, closed_polls } from '../polls.js';
import { render_bars, total_text } from '../poll_bars.js';

// Ballots are remembered for this many polls, newest last; older ones are long closed.
const BALLOTS_KEPT = 100;

export function my_ballots(memory) {
  let ballots = memory.load('ballots', []);
  if (!Array.isArray(ballots)) ballots = [];
  return {
    // The option ids this phone chose in `poll`, or null when it has not voted.
    of(poll) {
      const b = ballots.find((x) => x.poll === poll);
      return b ? new Set(b.options) : null;
    },
    add(poll, options) {
      ballots = [...ballots.filter((x) => x.poll !== poll), { poll, options }].slice(-BALLOTS_KEPT);
      memory.save('ballots', ballots);
    },
  };
}

export function poll_panel(conn, ballots, tabs) {
  const card = $('poll-now');
  const kicker = el('p', { class: 'poll-kicker', text: t('poll_live') });
  const question = el('h2', { class: 'poll-question', id: 'poll-now-question', testid: 'poll-question', dir: 'auto' });
  const hint = el('p', { class: 'poll-hint', testid: 'poll-hint' });
  const choices = el('div', { class: 'poll-choices', role: 'group', 'aria-labelledby': 'poll-now-question', testid: 'poll-choices' });
  const send = el('button', { type: 'button', class: 'btn btn-primary poll-send', testid: 'poll-send', text: t('poll_send_vote') });
  const bars = el('ol', { class: 'poll-bars', testid: 'poll-results' });
  const total = el('p', { class: 'poll-total', testid: 'poll-total' });
  const feedback = el('p', { class: 'poll-feedback', testid: 'poll-feedback', role: 'status' });
  card.append(kicker, question, hint, choices, send, bars, total, feedback);

  let shown_id = null;  // the open poll on the card
  const ticked = new Set();  // answers ticked in a poll with several answers, not sent yet
  let sending = false;

  function create_choice() {
    const button = el('button', { type: 'button', class: 'poll-choice', testid: 'poll-choice' }, el('span', { class: 'poll-choice-mark', 'aria-hidden': 'true' }), el('span', { class: 'poll-choice-text', dir: 'auto' }));
    button.addEventListener('click', () => choose(button.dataset.option));
    return button;
  }

  function render_open(poll) {
    if (poll.id !== shown_id) {
      shown_id = poll.id;
      ticked.clear();
      set_text(feedback, '');
    }
    set_text(question, poll.question);
    set_text_lang(question, poll.question);
    const mine = ballots.of(poll.id);
    const voted = mine !== null;
    const connected = conn.status.state === 'connected';
    show(choices, !voted);
    show(send, !voted && poll.multiple);
    show(bars, voted);
    show(total, voted);
    card.dataset.voted = voted ? 'true' : 'false';
    if (voted) {
      set_text(hint, poll.multiple ? `${t('poll_thanks')} ${t('poll_several_note')}` : t('poll_thanks'));
      render_bars(bars, poll, mine);
      set_text(total, total_text(poll));
      return;
    }
    set_text(hint, sending ? t('poll_voting') : poll.multiple ? t('poll_pick_several') : t('poll_pick_one'));
    reconcile(choices, poll.options, (o) => o.id, create_choice, (button, o) => {
      button.dataset.option = o.id;
      const [, text] = button.children;
      set_text(text, o.text);
      set_text_lang(text, o.text);
      if (poll.multiple) button.setAttribute('aria-pressed', ticked.has(o.id) ? 'true' : 'false');
      else button.removeAttribute('aria-pressed');
      button.disabled = sending || !connected;
    });
    choices.dataset.multiple = poll.multiple ? 'true' : 'false';
    send.disabled = sending || !connected || ticked.size === 0;
  }

  function create_closed() {
    return el(
      'li',
      { class: 'poll-archived', testid: 'poll-archived' },
      el('h3', { class: 'poll-archived-question', dir: 'auto' }),
      el('p', { class: 'poll-archived-meta' }),
      el('ol', { class: 'poll-bars' }),
    );
  }

  function update_closed(li, poll) {
    li.dataset.id = poll.id;
    const [q, meta, list] = li.children;
    set_text(q, poll.question);
    set_text_lang(q, poll.question);
    set_text(meta, `${t('poll_final')} · ${total_text(poll)}`);
    render_bars(list, poll, ballots.of(poll.id));
  }

  function render(state) {
    const poll = open_poll(state);
    show(card, Boolean(poll));
    if (poll) render_open(poll);
    else shown_id = null;
    const closed = closed_polls(state);
    reconcile($('polls-closed'), closed, (p) => p.id, create_closed, update_closed);
    show($('polls-empty'), closed.length === 0 && !poll);
    show($('tab-polls'), state.polls.length > 0);
    // A remembered Polls tab with no polls any more falls back to the agenda.
    if (state.polls.length === 0 && tabs.current() === 'polls') tabs.select('agenda');
  }

  async function vote(poll, options) {
    sending = true;
    set_text(feedback, '');
    render(conn.state);
    try {
      await conn.send({ type: 'poll.vote', poll: poll.id, options });
      ballots.add(poll.id, options);
    } catch (err) {
      // conflict: this phone (or another tab of it) already voted, or the poll just
      // closed; either way the results are what is left to show.
      if (err.code === 'conflict') ballots.add(poll.id, []);
      else set_text(feedback, t('poll_vote_failed', { message: error_text(err) }));
    } finally {
      sending = false;
      if (conn.state) render(conn.state);
    }
  }

  function choose(option) {
    const poll = conn.state && open_poll(conn.state);
    if (!poll || sending || !option) return;
    if (!poll.multiple) return vote(poll, [option]);
    if (ticked.has(option)) ticked.delete(option);
    else ticked.add(option);
    render(conn.state);
  }

  send.addEventListener('click', () => {
    const poll = conn.state && open_poll(conn.state);
    if (poll && ticked.size) vote(poll, poll.options.map((o) => o.id).filter((id) => ticked.has(id)));
  });

  return {
    changes: ['poll', 'poll.votes'],
    render,
    status() {
      if (conn.state) render(conn.state);
    },
  };
}
