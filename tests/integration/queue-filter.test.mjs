// Filtering and searching the moderation queue on the server: queue.page with source,
// held_by, lang and search over 4,000 held posts from three networks and 1,000
// pending questions. Every filtered walk lists exactly the items the console's own
// matcher (web-client/js/queue_filter.js) picks from the whole queue, in queue order;
// a page stops at the scan bound with a cursor to go on; a post that arrives later
// shows in a filtered page only when the matcher says it matches; bad filters are
// bad_request and the connection stays open.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, defaultEvent, http, startServer, waitFor } from './lib/harness.mjs';
import { seedArgs, seedQuestions, staffClient } from './lib/seed.mjs';
import { queue_matcher } from '../../web-client/js/queue_filter.js';

const POSTS = 4000;
const QUESTIONS = 1000;
const SCAN = 500; // --page-scan-limit for this server: several short pages per rare search
const SOURCES = ['bluesky', 'mastodon', 'replay'];
const LANGS = ['de', 'de-AT', 'en', 'fr', undefined];

// Post i of the replay file. Every 50th carries the same giveaway text, so after two of
// them the rules hold the rest as likely_spam; a few carry words in other alphabets.
function replayPost(i) {
  let text = `Notes from session ${i} of the summit #Road2NATO`;
  if (i % 50 === 7) text = 'Free tokens at summit-giveaway dot example #Road2NATO';
  else if (i % 97 === 3) text = `Der GIPFEL in Washington, Teil ${i} #Road2NATO`;
  else if (i % 131 === 5) text = `ΑΘΗΝΑ και ΝΑΤΟ, μέρος ${i} #Road2NATO`;
  const post = {
    id: `p${i}`,
    source: SOURCES[i % 3],
    author: { handle: `guest-${i}.example`, display_name: i % 211 === 9 ? `Jürgen Müller ${i}` : `Guest ${i}` },
    text,
    created_at: Date.now() - 60000,
  };
  if (LANGS[i % 5]) post.lang = LANGS[i % 5];
  return post;
}

// Every item of the queue of `kind` under `filter`, following `next` to the end.
async function walk(client, kind, filter = {}, limit = 100) {
  const items = [];
  let after = null;
  let pages = 0;
  let short = 0;
  for (;;) {
    const answer = await client.request({ type: 'queue.page', kind, ...filter, after, limit }, { timeout: 10000 });
    // Walking thousands of items back to back can meet the command rate, as a console
    // scrolling that fast would: a client waits as told and asks again.
    if (answer.type === 'error' && answer.code === 'rate_limited') {
      await new Promise((resolve) => setTimeout(resolve, answer.retry_after_ms));
      continue;
    }
    assert.equal(answer.type, 'ack', JSON.stringify(answer));
    pages += 1;
    assert.ok(answer.items.length <= limit);
    if (answer.next !== null && answer.items.length < limit) short += 1;
    items.push(...answer.items);
    if (answer.next === null) return { ids: items.map((item) => item.id), items, pages, short };
    after = answer.next;
  }
}

async function queueTotal(server, token) {
  const client = await Client.open(server.wsUrl, { perMessageDeflate: false });
  try {
    await client.hello({ token });
    return (await client.next((f) => f.type === 'queue.snapshot')).posts_total;
  } finally {
    client.ws.terminate();
  }
}

test('queue.page filters and searches thousands of queued items on the server', async (t) => {
  const folder = mkdtempSync(path.join(tmpdir(), 'companion-queue-filter-'));
  t.after(() => rmSync(folder, { recursive: true, force: true }));
  const replay = path.join(folder, 'posts.ndjson');
  const posts = Array.from({ length: POSTS }, (_, i) => replayPost(i));
  writeFileSync(replay, posts.map((p) => JSON.stringify(p)).join('\n') + '\n');
  const server = await startServer(t, {
    args: [...seedArgs, '--quiet', '--replay', replay, '--replay-speed', '0', '--page-scan-limit', String(SCAN)],
  });
  const moderatorToken = server.token('moderator');
  await waitFor(async () => (await queueTotal(server, moderatorToken)) === POSTS, { timeout: 60000, what: `${POSTS} held posts` });
  const moderator = await staffClient(t, server, moderatorToken);
  const questionIds = await seedQuestions(moderator, { count: QUESTIONS });

  // The whole queue, unfiltered: every post once, in arrival order.
  const all = await walk(moderator, 'post');
  assert.equal(all.ids.length, POSTS);
  assert.equal(new Set(all.ids).size, POSTS);
  const spam = all.items.filter((item) => item.held_by === 'likely_spam').length;
  assert.ok(spam >= 70, `the repeated giveaway is held as likely_spam (${spam})`);

  // Each filter lists what the console's matcher picks from the whole queue, in the same
  // order, and what the replay file says it should.
  const expectations = [
    [{ source: 'mastodon' }, posts.filter((_, i) => i % 3 === 1).length],
    [{ lang: 'de' }, posts.filter((_, i) => i % 5 === 0 || i % 5 === 1).length],
    [{ lang: 'DE-at' }, posts.filter((_, i) => i % 5 === 1).length],
    [{ lang: '' }, posts.filter((_, i) => i % 5 === 4).length],
    [{ held_by: 'likely_spam' }, spam],
    [{ held_by: 'likely_spam', source: 'replay' }, undefined],
    [{ search: 'gipfel' }, posts.filter((p) => p.text.includes('GIPFEL')).length],
    [{ search: 'αθηνα' }, posts.filter((p) => p.text.includes('ΑΘΗΝΑ')).length],
    [{ search: '  MÜLLER ' }, posts.filter((p) => p.author.display_name.includes('Müller')).length],
    [{ search: 'guest-1234.EXAMPLE' }, 1],
    [{ search: 'gipfel', source: 'bluesky', lang: 'de' }, undefined],
    [{ search: 'no such words anywhere' }, 0],
  ];
  for (const [filter, count] of expectations) {
    const expected = all.items.filter(queue_matcher(filter)).map((item) => item.id);
    const got = await walk(moderator, 'post', filter, 50);
    assert.deepEqual(got.ids, expected, JSON.stringify(filter));
    if (count !== undefined) assert.equal(got.ids.length, count, JSON.stringify(filter));
    assert.ok(got.items.every(queue_matcher(filter)));
  }

  // A rare search looks at SCAN items a page: short (even empty) pages with a cursor,
  // counted on /metrics, and the walk still ends with every match.
  const rare = await walk(moderator, 'post', { search: 'gipfel' }, 100);
  assert.ok(rare.pages >= Math.ceil(POSTS / SCAN), `${rare.pages} pages for ${POSTS} items at ${SCAN} a page`);
  assert.ok(rare.short >= rare.pages - 2, `${rare.short} short pages of ${rare.pages}`);
  const metrics = (await http(server, '/metrics')).text;
  const limited = Number(/companion_page_scan_limited_total (\d+)/.exec(metrics)?.[1]);
  assert.ok(limited >= rare.short, `companion_page_scan_limited_total ${limited}`);

  // Questions: a search over the text and the typed name ("Guest 77", "Guest 770".."779").
  const guests = await walk(moderator, 'question', { search: 'guest 77' });
  assert.deepEqual(guests.items.map((q) => q.author).sort(), ['Guest 77', ...Array.from({ length: 10 }, (_, k) => `Guest 77${k}`)].sort());
  const everyQuestion = await walk(moderator, 'question');
  assert.deepEqual(everyQuestion.ids, questionIds);

  // A post that arrives while a filter is active: listed by the next filtered page after
  // the last cursor only if the matcher takes it; the queue.post frame carries the same fields.
  const filter = { source: 'webhook', search: 'late arrival' };
  const matches = queue_matcher(filter);
  const ingest = async (post) => {
    const answer = await http(server, `/api/events/${defaultEvent}/posts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.token('ingest')}`, 'content-type': 'application/json' },
      body: JSON.stringify(post),
    });
    assert.equal(answer.status, 202, answer.text);
  };
  const before = await walk(moderator, 'post', filter);
  assert.deepEqual(before.ids, []);
  await ingest({ id: 'late-1', author: { handle: 'late.example' }, text: 'A LATE ARRIVAL from the hall #Road2NATO', created_at: Date.now() });
  await ingest({ id: 'late-2', author: { handle: 'late2.example' }, text: 'Someone else, also late #Road2NATO', created_at: Date.now() });
  const frames = await Promise.all(['webhook:late-1', 'webhook:late-2'].map((id) =>
    moderator.next((f) => f.type === 'queue.post' && f.post.id === id)));
  assert.deepEqual(frames.map((f) => matches(f.post)), [true, false]);
  assert.deepEqual((await walk(moderator, 'post', filter)).ids, ['webhook:late-1']);

  // Bad filters: bad_request naming the field, and the connection stays open.
  const refusals = [
    [{ kind: 'question', source: 'bluesky' }, 'field "source" filters posts only'],
    [{ kind: 'question', lang: 'de' }, 'field "lang" filters posts only'],
    [{ kind: 'post', search: 'x'.repeat(101) }, 'field "search" has at most 100 characters'],
    [{ kind: 'post', held_by: 7 }, 'field "held_by" must be a string'],
  ];
  for (const [fields, message] of refusals) {
    const answer = await moderator.request({ type: 'queue.page', ...fields });
    assert.equal(answer.type, 'error');
    assert.equal(answer.code, 'bad_request');
    assert.equal(answer.message, message);
  }
  assert.equal((await moderator.request({ type: 'ping' })).type, 'pong');
});
