// Polls in the client's copy of the state (protocol 1.1, "Polls"): the public list
// (open and closed, newest first, bounded like the server's), the `poll` and
// `poll.votes` changes applied to it, the staff's drafts, and each option's share
// of the ballots. Pure functions on plain objects; the pages draw from them.

// The public state holds at most this many polls (the server's bound).
export const POLLS_MAX = 50;

function option_list(options) {
  return Array.isArray(options)
    ? options.filter((o) => o && typeof o === 'object').map((o) => ({ id: String(o.id), text: String(o.text ?? ''), votes: Number(o.votes) || 0 }))
    : [];
}

// A poll as the pages read it: every field present, counts as numbers.
export function normalize_poll(p) {
  return {
    ...p,
    id: String(p.id),
    question: String(p.question ?? ''),
    options: option_list(p.options),
    multiple: Boolean(p.multiple),
    status: p.status === 'open' || p.status === 'closed' ? p.status : 'draft',
    total: Number(p.total) || 0,
    opened_at: typeof p.opened_at === 'number' ? p.opened_at : null,
    closed_at: typeof p.closed_at === 'number' ? p.closed_at : null,
  };
}

export function normalize_polls(list) {
  return Array.isArray(list) ? list.filter((p) => p && typeof p === 'object' && p.id !== undefined).map(normalize_poll) : [];
}

// A `poll` change: the whole poll, opened or closed. A poll seen for the first time
// (just opened) goes first; a known one is replaced where it is.
export function apply_poll(state, data) {
  if (!data || typeof data !== 'object' || data.id === undefined) return;
  const poll = normalize_poll(data);
  const i = state.polls.findIndex((p) => p.id === poll.id);
  if (i >= 0) {
    state.polls[i] = poll;
    return;
  }
  state.polls.unshift(poll);
  if (typeof state.polls_total === 'number') state.polls_total += 1;
  if (state.polls.length > POLLS_MAX) state.polls.length = POLLS_MAX;
}

// A `poll.votes` change: absolute counts of one poll.
export function apply_poll_votes(state, data) {
  if (!data || typeof data !== 'object') return;
  const poll = state.polls.find((p) => p.id === String(data.poll));
  if (!poll) return;
  const votes = data.votes && typeof data.votes === 'object' ? data.votes : {};
  for (const o of poll.options) {
    if (Object.prototype.hasOwnProperty.call(votes, o.id)) o.votes = Number(votes[o.id]) || 0;
  }
  if (typeof data.total === 'number') poll.total = data.total;
}

// The poll viewers answer now: the most recently opened one still open.
export function open_poll(state) {
  if (!state || !Array.isArray(state.polls)) return null;
  return state.polls.find((p) => p.status === 'open') || null;
}

export function closed_polls(state) {
  return state && Array.isArray(state.polls) ? state.polls.filter((p) => p.status === 'closed') : [];
}

// Each option with its share of the ballots, in whole percent. In a `multiple` poll a
// ballot may name several options, so the shares may add up to more than 100.
export function poll_shares(poll) {
  const total = Number(poll.total) || 0;
  const top = Math.max(0, ...poll.options.map((o) => o.votes));
  return poll.options.map((o) => ({
    id: o.id,
    text: o.text,
    votes: o.votes,
    percent: total > 0 ? Math.round((o.votes / total) * 100) : 0,
    leading: top > 0 && o.votes === top,
  }));
}

// Staff drafts: a queue.poll frame adds or replaces one; a poll that opens leaves them.
export function upsert_draft(drafts, poll) {
  const p = normalize_poll(poll);
  const i = drafts.findIndex((d) => d.id === p.id);
  if (p.status !== 'draft') return i >= 0 ? drafts.filter((d) => d.id !== p.id) : drafts;
  if (i >= 0) return drafts.map((d) => (d.id === p.id ? p : d));
  return [...drafts, p];
}
