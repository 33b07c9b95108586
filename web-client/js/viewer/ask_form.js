// The ask box of the Q&A tab: the question and an optional name, a character
// counter, every limit said in words before Send turns grey, and the notice about
// the last question sent (pending, open, merged into another, Q&A closed, rate
// limited). While Q&A is closed the box keeps a half-typed question but takes no
// input.

import { t, error_text, char_count } from '../strings.js';
import { $, set_text, show } from '../dom.js';

const ASK_MAX = 280;
const NAME_MAX = 40;

// `on_sent` redraws the question lists once a question has gone (or failed).
export function ask_form(conn, mine, on_sent) {
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

  function lengths() {
    return { text: char_count($('ask-text').value.trim()), name: char_count($('ask-name').value.trim()) };
  }

  function qa_closed() {
    return Boolean(conn.state && conn.state.qa && conn.state.qa.open === false);
  }

  function update_button() {
    const { text, name } = lengths();
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

  async function submit(ev) {
    ev.preventDefault();
    const feedback = $('ask-feedback');
    const text = $('ask-text').value.trim();
    const name = $('ask-name').value.trim();
    const { text: n, name: nn } = lengths();
    if (n === 0) return set_text(feedback, t('ask_empty'));
    if (n > ASK_MAX) return set_text(feedback, t('ask_too_long', { max: ASK_MAX }));
    if (nn > NAME_MAX) return set_text(feedback, t('ask_name_too_long', { max: NAME_MAX }));
    asking = true;
    update_button();
    set_text($('ask-submit'), t('ask_sending'));
    const command = { type: 'question.ask', text };
    if (name) command.name = name;
    try {
      const ack = await conn.send(command);
      const status = ack.status || 'pending';
      const merged = ack.merged_into !== undefined && ack.merged_into !== null;
      // A merged question is not the asker's own pending one: only their vote was added.
      if (status === 'pending' && ack.question !== undefined && !merged) {
        mine.add_asked({ id: String(ack.question), text, name: name || null, asked_at: Date.now() });
      }
      if (merged) {
        // The server counted the asker's vote for the question theirs was merged into.
        mine.votes.add(String(ack.merged_into));
        mine.save_votes();
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
      update_button();
      on_sent();
    }
  }

  $('ask-form').addEventListener('submit', submit);
  for (const id of ['ask-text', 'ask-name']) {
    $(id).addEventListener('input', () => {
      if ($('ask-feedback').textContent) clear_feedback();
      update_button();
    });
  }
  $('ask-text').addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) $('ask-form').requestSubmit();
  });

  return {
    update_button,
    // A message for the line under the box (a failed vote).
    say(text) {
      set_text($('ask-feedback'), text);
    },
    // A merge notice is about a question: once that question has been public and
    // leaves (rejected), the notice no longer applies.
    questions_changed(state) {
      if (!feedback_for) return;
      const present = state.questions.some((q) => q.id === feedback_for);
      if (present) feedback_seen = true;
      else if (feedback_seen) clear_feedback();
    },
    // "Q&A has just closed" no longer applies once it reopens.
    qa_changed(state) {
      if (state.qa && state.qa.open && $('ask-feedback').textContent === t('ask_closed')) clear_feedback();
      update_button();
    },
  };
}
