// audit.csv is complete: every kind of decision taken through the console links the
// server prints at start (signed "producer-console" and, from --moderator-subject, a
// person's name) appears with its time, who, action, item, the item's text (formula
// characters defused) and the reason where there is one; a rules merge is "auto".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, defaultEvent, http, startServer, waitFor } from './lib/harness.mjs';

// RFC 4180: quoted cells, doubled quotes, line breaks inside quotes.
function parseCsv(text) {
  const rows = [];
  let row = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; ++i) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        ++i;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') ++i;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  const [header, ...body] = rows;
  return body.map((cells) => Object.fromEntries(header.map((name, i) => [name, cells[i] ?? ''])));
}

const tokenOf = (link) => decodeURIComponent(link.split('#token=')[1]);
const subjectOf = (token) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).sub;

test('audit.csv records every decision with who, the item and its text', async (t) => {
  const server = await startServer(t, { args: ['--moderator-subject', 'Ana Ruiz'] });
  await waitFor(() => server.consoleLink('moderator') && server.consoleLink('producer'), { what: 'the console links' });
  const moderatorToken = tokenOf(server.consoleLink('moderator'));
  const producerToken = tokenOf(server.consoleLink('producer'));
  assert.equal(subjectOf(moderatorToken), 'Ana Ruiz');
  assert.equal(subjectOf(producerToken), 'producer-console');
  assert.match(server.output, /signed "producer-console" and "Ana Ruiz"/);

  const open = async (hello) => {
    const client = await Client.open(server.wsUrl, { perMessageDeflate: false });
    t.after(() => client.ws.terminate());
    await client.hello(hello);
    return client;
  };
  const moderator = await open({ token: moderatorToken });
  const producer = await open({ token: producerToken });
  const viewers = [await open({}), await open({})];
  const ok = async (client, command) => {
    const answer = await client.request(command);
    assert.equal(answer.type, 'ack', `${JSON.stringify(command)} -> ${JSON.stringify(answer)}`);
    return answer;
  };

  // Questions: asked (pending), one merged by the rules, then every moderator decision.
  const asked = await ok(viewers[0], { type: 'question.ask', text: '=HYPERLINK("x") Will the Tokyo office open?', name: 'Kenji' });
  const q = String(asked.question);
  await ok(viewers[1], { type: 'question.ask', text: '=hyperlink("x") will the TOKYO office open' });
  const merged = (await moderator.next((f) => f.type === 'queue.question' && f.question.status === 'merged')).question.id;
  await ok(moderator, { type: 'question.unmerge', question: merged });
  await ok(moderator, { type: 'question.approve', question: q });
  await ok(moderator, { type: 'question.edit', question: q, text: 'Will the Tokyo office open this year?' });
  await ok(moderator, { type: 'question.answered', question: q });
  await ok(moderator, { type: 'question.reopen', question: q });
  await ok(moderator, { type: 'question.reject', question: q });
  await ok(moderator, { type: 'question.restore', question: q });

  // Posts and authors.
  const ingest = async (post) => {
    const answer = await http(server, `/api/events/${defaultEvent}/posts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.token('ingest')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ...post, created_at: Date.now() }),
    });
    assert.equal(answer.status, 202, answer.text);
  };
  await ingest({ id: 'a1', author: { handle: 'kurt.example' }, text: '+1 from the hall #Road2NATO' });
  await ingest({ id: 'a2', author: { handle: 'spam.example' }, text: 'Buy now #Road2NATO' });
  await moderator.next((f) => f.type === 'queue.post' && f.post.id === 'webhook:a2');
  await ok(moderator, { type: 'post.approve', post: 'webhook:a1' });
  await ok(moderator, { type: 'author.block', source: 'webhook', handle: 'spam.example' });
  await ok(moderator, { type: 'author.unblock', source: 'webhook', handle: 'spam.example' });
  await ok(moderator, { type: 'author.trust', source: 'webhook', handle: 'kurt.example' });
  await ok(moderator, { type: 'author.untrust', source: 'webhook', handle: 'kurt.example' });

  // The show.
  await ok(producer, { type: 'agenda.start' });
  await ok(producer, { type: 'on_screen.set', kind: 'highlight', item: 'webhook:a1' });
  await ok(producer, { type: 'announce', text: 'The panel takes questions at 3:10 PM' });
  await ok(producer, { type: 'qa.set', open: false });
  await ok(producer, { type: 'agenda.next' });
  await ok(producer, { type: 'agenda.end' });

  const csv = await waitFor(async () => {
    const answer = await http(server, `/api/events/${defaultEvent}/audit.csv`, { headers: { authorization: `Bearer ${moderatorToken}` } });
    return answer.status === 200 && answer.text.includes(',end,') ? answer.text : null;
  }, { timeout: 10000, what: 'the audit export with the end of the show' });
  const rows = parseCsv(csv);
  assert.deepEqual(Object.keys(rows[0]), ['at', 'who', 'action', 'kind', 'item', 'author', 'text', 'rule', 'reason']);
  const find = (kind, action, item) => {
    const row = rows.find((r) => r.kind === kind && r.action === action && (item === undefined || r.item === item));
    assert.ok(row, `a row for ${kind} ${action} ${item ?? ''}:\n${csv}`);
    assert.match(row.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    return row;
  };

  const mergeRow = find('question', 'merged', merged);
  assert.equal(mergeRow.who, 'auto');
  assert.equal(mergeRow.reason, `same as ${q}`);
  assert.equal(find('question', 'unmerged', merged).who, 'Ana Ruiz');
  const approved = find('question', 'approved', q);
  assert.equal(approved.who, 'Ana Ruiz');
  assert.equal(approved.author, 'Kenji');
  // A text a spreadsheet would run as a formula is defused.
  assert.equal(approved.text, `'=HYPERLINK("x") Will the Tokyo office open?`);
  assert.equal(find('question', 'edited', q).text, 'Will the Tokyo office open this year?');
  for (const action of ['answered', 'reopened', 'rejected', 'restored']) assert.equal(find('question', action, q).who, 'Ana Ruiz');

  const post = find('post', 'approved', 'webhook:a1');
  assert.equal(post.who, 'Ana Ruiz');
  assert.equal(post.text, `'+1 from the hall #Road2NATO`);
  assert.equal(find('post', 'held', 'webhook:a2').who, 'auto');
  const block = find('author', 'blocked', 'webhook:spam.example');
  assert.equal(block.who, 'Ana Ruiz');
  assert.equal(block.author, 'spam.example');
  // Blocking rejected the author's queued post, by the same person.
  const cascade = find('post', 'rejected', 'webhook:a2');
  assert.equal(cascade.who, 'Ana Ruiz');
  assert.equal(cascade.text, 'Buy now #Road2NATO');
  for (const action of ['unblocked', 'trusted', 'untrusted']) assert.equal(find('author', action).who, 'Ana Ruiz');

  for (const [kind, action] of [['agenda', 'start'], ['on_screen', 'on_air'], ['announcement', 'set'], ['qa', 'closed'], ['agenda', 'next'], ['agenda', 'end']])
    assert.equal(find(kind, action).who, 'producer-console', `${kind} ${action}`);
  assert.equal(find('on_screen', 'on_air').text, `'+1 from the hall #Road2NATO`);
  assert.equal(find('announcement', 'set').text, 'The panel takes questions at 3:10 PM');
  assert.ok(find('agenda', 'start').text.length > 0, 'the segment title');

  // In the order they were taken.
  const order = rows.map((r) => `${r.kind}:${r.action}`);
  assert.ok(order.indexOf('question:approved') < order.indexOf('question:edited'));
  assert.ok(order.indexOf('agenda:start') < order.indexOf('agenda:end'));
});
