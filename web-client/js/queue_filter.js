// The moderation queue's filters and search, as the server applies them to
// queue.page (session/queue_filter.cpp): the console runs live queue frames through
// the same rules, so an item that arrives while a filter is active shows only when a
// page would have listed it. No DOM here: the console and the tests import it.

export const MAX_SEARCH_CHARS = 100;

// The lower-case partner of a code point, for the Latin (Basic, Latin-1, Extended-A),
// Greek and Cyrillic alphabets; everything else is left as it is (String#toLowerCase
// folds more than the server does, so it is not used).
function fold_point(c) {
  if (c < 0x80) return c >= 0x41 && c <= 0x5a ? c + 32 : c;
  if (c >= 0xc0 && c <= 0xde && c !== 0xd7) return c + 32;
  if (c === 0x130) return 0x69;
  if (c === 0x178) return 0xff;
  if ((c >= 0x100 && c <= 0x137) || (c >= 0x14a && c <= 0x177)) return c % 2 === 0 ? c + 1 : c;
  if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17e)) return c % 2 === 1 ? c + 1 : c;
  if (c >= 0x391 && c <= 0x3a9 && c !== 0x3a2) return c + 32;
  if (c === 0x386) return 0x3ac;
  if (c >= 0x388 && c <= 0x38a) return c + 37;
  if (c === 0x38c) return 0x3cc;
  if (c === 0x38e || c === 0x38f) return c + 63;
  if (c === 0x3c2) return 0x3c3;
  if (c >= 0x410 && c <= 0x42f) return c + 32;
  if (c >= 0x400 && c <= 0x40f) return c + 80;
  return c;
}

export function fold_for_search(text) {
  let out = '';
  for (const ch of String(text ?? '')) out += String.fromCodePoint(fold_point(ch.codePointAt(0)));
  return out;
}

// The server trims ASCII white space and U+3000 around a search, nothing else.
export function trim_search(text) {
  return String(text ?? '').replace(/^[ \t\n\r\u3000]+|[ \t\n\r\u3000]+$/g, '');
}

// "de" matches "de" and "de-AT", in any case; "" matches posts of unknown language.
function language_matches(wanted, tag) {
  const lower = (s) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());
  tag = typeof tag === 'string' ? tag : '';
  if (wanted === '') return tag === '';
  if (tag.length > wanted.length && tag[wanted.length] === '-') tag = tag.slice(0, wanted.length);
  return lower(wanted) === lower(tag);
}

// filter: {source?, held_by?, lang?, search?} with absent (undefined or null) meaning any.
// Returns a function item -> boolean.
export function queue_matcher(filter = {}) {
  const needle = fold_for_search(trim_search(filter.search ?? ''));
  const has = (key) => filter[key] !== undefined && filter[key] !== null;
  const contains = (text) => typeof text === 'string' && fold_for_search(text).includes(needle);
  return (item) => {
    if (!item || typeof item !== 'object') return false;
    if (has('source') && item.source !== filter.source) return false;
    if (has('held_by') && item.held_by !== filter.held_by) return false;
    if (has('lang') && !language_matches(filter.lang, item.lang)) return false;
    if (needle === '') return true;
    if (contains(item.text)) return true;
    const author = item.author;
    if (typeof author === 'string') return contains(author);
    if (author && typeof author === 'object') return contains(author.handle) || contains(author.display_name);
    return false;
  };
}

// Whether a filter narrows anything: an empty search box and "any" everywhere do not.
export function filter_active(filter = {}) {
  return ['source', 'held_by', 'lang'].some((k) => filter[k] !== undefined && filter[k] !== null) ||
    trim_search(filter.search ?? '') !== '';
}

// The queue.page fields for a filter, leaving out what is "any" (and, for the question
// queue, the post-only fields, which the server refuses there).
export function page_fields(filter = {}, kind = 'post') {
  const fields = {};
  if (kind === 'post') {
    for (const key of ['source', 'held_by', 'lang'])
      if (filter[key] !== undefined && filter[key] !== null) fields[key] = filter[key];
  }
  const search = filter.search ?? '';
  if (trim_search(search) !== '') fields.search = search;
  return fields;
}
