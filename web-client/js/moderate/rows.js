// The moderator console's rows, read from the connection: the queue (posts and
// questions, oldest first), the live wall and the approved questions, and how a
// row is named in status lines. A row is {key, kind: 'post'|'question',
// where: 'queue'|'live', data}.

import { t, network_label, short } from '../strings.js';

// Questions merged into another wait in the staff queue with status "merged";
// they are shown under their target, not as work to do.
function is_merged(q) {
  return q.status === 'merged';
}

export function moderation_rows(conn, filter = null) {
  function pending_questions() {
    return conn.queue.questions.filter((q) => !is_merged(q));
  }

  function merged_into(id) {
    return conn.queue.questions.filter((q) => is_merged(q) && q.merged_into === id);
  }

  function queue_rows() {
    const rows = [
      ...conn.queue.posts.map((p, i) => ({ kind: 'post', data: p, at: p.created_at, order: i })),
      ...pending_questions().map((q, i) => ({ kind: 'question', data: q, at: q.asked_at, order: 1e6 + i })),
    ];
    rows.sort((a, b) => (a.at || 0) - (b.at || 0) || a.order - b.order);
    return rows.map((r) => ({ key: `queue:${r.kind}:${r.data.id}`, kind: r.kind, where: 'queue', data: r.data }));
  }

  // The queue column: the whole queue, or while a filter is on, what the server's
  // filtered pages and the matching live frames gave (merged questions are not work).
  function queue_view_rows() {
    if (!filter || !filter.active()) return queue_rows();
    const rows = [
      ...filter.items('post').map((p, i) => ({ kind: 'post', data: p, at: p.created_at, order: i })),
      ...filter.items('question').filter((q) => !is_merged(q)).map((q, i) => ({ kind: 'question', data: q, at: q.asked_at, order: 1e6 + i })),
    ];
    rows.sort((a, b) => (a.at || 0) - (b.at || 0) || a.order - b.order);
    return rows.map((r) => ({ key: `queue:${r.kind}:${r.data.id}`, kind: r.kind, where: 'queue', data: r.data }));
  }

  function live_question_rows(status) {
    const qs = conn.state ? conn.state.questions : [];
    return qs
      .filter((q) => (status === 'answered' ? q.status === 'answered' : q.status !== 'answered'))
      .sort((a, b) => (b.votes || 0) - (a.votes || 0) || (a.asked_at || 0) - (b.asked_at || 0))
      .map((q) => ({ key: `live:question:${q.id}`, kind: 'question', where: 'live', data: q }));
  }

  function wall_rows() {
    const hs = conn.state ? conn.state.highlights : [];
    return hs.map((h) => ({ key: `live:post:${h.id}`, kind: 'post', where: 'live', data: h }));
  }

  function find_row(key) {
    const all = [...queue_view_rows(), ...queue_rows(), ...live_question_rows('open'), ...live_question_rows('answered'), ...wall_rows()];
    return all.find((r) => r.key === key) || null;
  }

  function on_screen_is(kind, id) {
    const os = conn.state && conn.state.on_screen;
    return Boolean(os && os.kind === kind && os.id === id);
  }

  // Everything waiting for a decision, loaded or not (merged questions are not work).
  function queue_waiting() {
    const merged = conn.queue.questions.length - pending_questions().length;
    return Math.max(0, conn.queue.posts_total + conn.queue.questions_total - merged);
  }

  // Questions waiting for a decision, loaded or not.
  function questions_waiting() {
    const merged = conn.queue.questions.length - pending_questions().length;
    return Math.max(0, conn.queue.questions_total - merged);
  }

  return { pending_questions, merged_into, queue_rows, queue_view_rows, live_question_rows, wall_rows, find_row, on_screen_is, queue_waiting, questions_waiting };
}

export function author_label(row) {
  if (row.kind === 'question') return row.data.author || t('anonymous');
  const a = row.data.author || {};
  return a.display_name || a.handle || '';
}

// "Ana Ruiz: “Will the Tokyo office…”": who and a few words, never an internal id.
export function describe(row) {
  return t('item_label', { author: author_label(row) || t('anonymous'), text: short(row.data.text) });
}

export function author_of(row) {
  const a = row.data.author || {};
  return t('author_label', { handle: a.handle ? `@${a.handle}` : '', network: network_label(row.data.source) });
}
