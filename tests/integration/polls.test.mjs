// Live polls with the real binary: drafts reach staff only, opening and closing reach
// everyone, one ballot per viewer, counts published coalesced, ballots durable when
// acknowledged (kill -9 loses none), an exact total from 1,000 concurrent voters, and
// the polls.csv export.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Client, defaultEvent, http, joinClient, openMany, serverLives, sleep, spawnWatcher, startServer, waitFor,
} from './lib/harness.mjs';

const state = async (server) => (await http(server, `/api/events/${defaultEvent}/state`)).json;
const pollIn = (s, id) => s.polls.find((p) => p.id === id);
// Exports write times to the second, in UTC.
const isoSeconds = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

test('a poll from draft to closed with a producer and two viewers', async (t) => {
  const server = await startServer(t);
  const producer = await joinClient(t, server, { token: server.token('producer', { subject: 'Ana Ruiz' }) });
  const viewers = [await joinClient(t, server), await joinClient(t, server)];

  // The event file's polls are drafts: in the staff queue snapshot, not in the public state.
  const queue = await producer.next((f) => f.type === 'queue.snapshot');
  assert.deepEqual(queue.polls.map((p) => p.id), ['formalise-partnerships', 'cooperation-areas', 'summit-expectations']);
  assert.ok(queue.polls.every((p) => p.status === 'draft' && p.total === 0));
  const snapshot = await viewers[0].next((f) => f.type === 'snapshot');
  assert.deepEqual(snapshot.state.polls, []);
  assert.equal(snapshot.state.polls_total, 0);

  // A viewer may not make polls; a producer may, and only staff hear of the draft.
  const refused = await viewers[0].request({ type: 'poll.create', question: 'Ours?', options: ['a', 'b'] });
  assert.equal(refused.code, 'forbidden');
  const created = await producer.request({
    type: 'poll.create', question: '  Which partner should host the next dialogue?  ', options: ['Australia', 'Japan', 'South Korea', 'New Zealand'],
  });
  assert.equal(created.type, 'ack', JSON.stringify(created));
  const poll = created.poll;
  const draft = await producer.next((f) => f.type === 'queue.poll' && f.poll.id === poll);
  assert.equal(draft.poll.question, 'Which partner should host the next dialogue?');
  assert.deepEqual(draft.poll.options.map((o) => [o.id, o.text, o.votes]), [
    ['a', 'Australia', 0], ['b', 'Japan', 0], ['c', 'South Korea', 0], ['d', 'New Zealand', 0],
  ]);
  assert.equal((await viewers[0].request({ type: 'poll.vote', poll, options: ['a'] })).code, 'not_found', 'a draft takes no ballots');

  const opened = await producer.request({ type: 'poll.open', poll });
  assert.equal(opened.type, 'ack');
  for (const viewer of viewers) {
    const change = await viewer.next((f) => f.type === 'change' && f.kind === 'poll' && f.seq === opened.seq);
    assert.equal(change.data.status, 'open');
    assert.equal(change.data.total, 0);
    assert.ok(change.data.opened_at > 0);
    assert.equal(change.data.closed_at, null);
  }
  assert.equal((await producer.request({ type: 'poll.open', poll })).code, 'conflict');
  assert.ok(!viewers[0].frames.some((f) => f.type === 'queue.poll'), 'viewers never see drafts');

  // One ballot per viewer; the counts reach everyone as poll.votes.
  assert.equal((await viewers[0].request({ type: 'poll.vote', poll, options: ['b'] })).type, 'ack');
  assert.equal((await viewers[1].request({ type: 'poll.vote', poll, options: ['b'] })).type, 'ack');
  const second = await viewers[0].request({ type: 'poll.vote', poll, options: ['c'] });
  assert.equal(second.code, 'conflict');
  assert.equal((await viewers[1].request({ type: 'poll.vote', poll, options: ['a', 'b'] })).code, 'bad_request', 'one option only');
  assert.equal((await viewers[1].request({ type: 'poll.vote', poll, options: ['z'] })).code, 'bad_request', 'unknown option');
  for (const viewer of viewers)
    await viewer.next((f) => f.type === 'change' && f.kind === 'poll.votes' && f.data.poll === poll && f.data.total === 2);
  const counted = viewers[1].changes().findLast((c) => c.kind === 'poll.votes');
  assert.deepEqual(counted.data, { poll, votes: { a: 0, b: 2, c: 0, d: 0 }, total: 2 });

  // On air: the state carries the poll so /screen can draw it.
  const onAir = await producer.request({ type: 'on_screen.set', kind: 'poll', item: poll });
  assert.equal(onAir.type, 'ack');
  const screen = await viewers[0].next((f) => f.type === 'change' && f.kind === 'on_screen' && f.seq === onAir.seq);
  assert.deepEqual(screen.data, { kind: 'poll', id: poll, by: 'Ana Ruiz' });
  assert.equal((await producer.request({ type: 'on_screen.set', kind: 'poll', item: 'formalise-partnerships' })).code, 'not_found', 'a draft cannot go on air');

  // Closing carries the final counts; a ballot after it is conflict.
  const closed = await producer.request({ type: 'poll.close', poll });
  assert.equal(closed.type, 'ack');
  const final = await viewers[1].next((f) => f.type === 'change' && f.kind === 'poll' && f.seq === closed.seq);
  assert.equal(final.data.status, 'closed');
  assert.equal(final.data.total, 2);
  assert.deepEqual(final.data.options.map((o) => o.votes), [0, 2, 0, 0]);
  assert.ok(final.data.closed_at >= final.data.opened_at);
  const late = await joinClient(t, server);
  assert.equal((await late.request({ type: 'poll.vote', poll, options: ['a'] })).code, 'conflict');

  // A multiple-choice poll from the event file, opened by the producer.
  const multiple = 'cooperation-areas';
  assert.equal((await producer.request({ type: 'poll.open', poll: multiple })).type, 'ack');
  assert.equal((await late.request({ type: 'poll.vote', poll: multiple, options: ['cyber', 'maritime'] })).type, 'ack');
  assert.equal((await viewers[0].request({ type: 'poll.vote', poll: multiple, options: ['cyber', 'cyber'] })).code, 'bad_request');
  assert.equal((await viewers[0].request({ type: 'poll.vote', poll: multiple, options: ['tech'] })).type, 'ack');
  assert.equal((await viewers[0].request({ type: 'poll.vote', poll: 'no-such-poll', options: ['a'] })).code, 'not_found');

  // The public state: newest first, the on-screen poll, the counts.
  const current = await waitFor(async () => {
    const s = await state(server);
    return pollIn(s, multiple)?.total === 2 && s;
  }, { what: 'the multiple-choice counts in /state' });
  assert.deepEqual(current.polls.map((p) => p.id), [multiple, poll]);
  assert.equal(current.polls_total, 2);
  assert.deepEqual(pollIn(current, multiple).options.filter((o) => o.votes > 0).map((o) => o.id), ['cyber', 'maritime', 'tech']);
  assert.deepEqual(current.on_screen, { kind: 'poll', id: poll, by: 'Ana Ruiz' });
  // A fresh staff snapshot no longer lists the opened drafts.
  const moderator = await joinClient(t, server, { token: server.token('moderator') });
  const staffQueue = await moderator.next((f) => f.type === 'queue.snapshot');
  assert.deepEqual(staffQueue.polls.map((p) => p.id), ['formalise-partnerships', 'summit-expectations']);

  // polls.csv: every poll's options and counts, for staff only.
  assert.equal((await http(server, `/api/events/${defaultEvent}/polls.csv`)).status, 401);
  const csv = await http(server, `/api/events/${defaultEvent}/polls.csv`, {
    headers: { Authorization: `Bearer ${server.token('moderator')}` },
  });
  assert.equal(csv.status, 200);
  assert.match(csv.headers.get('content-type'), /^text\/csv/);
  assert.match(csv.headers.get('content-disposition'), /nato-indo-pacific-2024-polls\.csv/);
  const rows = csv.text.trim().split('\r\n');
  assert.equal(rows[0], 'poll,question,status,multiple,opened_at,closed_at,total,option,text,votes');
  assert.equal(rows.length, 1 + 3 + 5 + 3 + 4);
  assert.ok(rows.includes(`${poll},Which partner should host the next dialogue?,closed,false,${isoSeconds(final.data.opened_at)},${isoSeconds(final.data.closed_at)},2,b,Japan,2`), csv.text);
  assert.ok(rows.some((r) => r.startsWith('cooperation-areas,') && r.includes(',open,true,') && r.endsWith(',,2,maritime,Maritime security,1')), csv.text);
});

test('poll texts that a spreadsheet would run are defused in polls.csv', async (t) => {
  const server = await startServer(t);
  const moderator = await joinClient(t, server, { token: server.token('moderator') });
  const created = await moderator.request({ type: 'poll.create', question: '=HYPERLINK("http://x")', options: ['+1', '@me, "you"'] });
  assert.equal(created.type, 'ack', JSON.stringify(created));
  const csv = await http(server, `/api/events/${defaultEvent}/polls.csv`, { headers: { Authorization: `Bearer ${server.token('producer')}` } });
  assert.ok(csv.text.includes(`${created.poll},"'=HYPERLINK(""http://x"")",draft,false,,,0,a,'+1,0`), csv.text);
  assert.ok(csv.text.includes(`,b,"'@me, ""you""",0`), csv.text);
  // Bad polls are refused naming the field, and nothing is made.
  const tooMany = await moderator.request({ type: 'poll.create', question: 'Seven?', options: ['1', '2', '3', '4', '5', '6', '7'] });
  assert.equal(tooMany.code, 'bad_request');
  const tooFew = await moderator.request({ type: 'poll.create', question: 'One?', options: ['only'] });
  assert.equal(tooFew.code, 'bad_request');
  assert.match(tooFew.message, /options/);
  const long = await moderator.request({ type: 'poll.create', question: 'Long?', options: ['x'.repeat(81), 'y'] });
  assert.match(long.message, /options\[0\]: must have 1\.\.80 characters/);
  const notStrings = await moderator.request({ type: 'poll.create', question: 'Types?', options: [1, 2] });
  assert.equal(notStrings.code, 'bad_request');
  const queue = (await http(server, `/api/events/${defaultEvent}/polls.csv`, { headers: { Authorization: `Bearer ${server.token('producer')}` } })).text;
  assert.equal(queue.trim().split('\r\n').length, 1 + 11 + 2);
});

test('acknowledged ballots survive kill -9, and a viewer still has one ballot after the restart', async (t) => {
  const life = serverLives(t);
  const first = await life();
  const producer = await joinClient(t, first, { token: first.token('producer') });
  const poll = 'formalise-partnerships';
  assert.equal((await producer.request({ type: 'poll.open', poll })).type, 'ack');
  const voters = await openMany(t, first, 60, { batch: 30 });
  const options = ['yes', 'case-by-case', 'no'];
  const replies = await Promise.all(voters.map((v, i) => v.request({ type: 'poll.vote', poll, options: [options[i % 3]] })));
  assert.deepEqual(replies.filter((r) => r.type !== 'ack'), []);

  // Killed at once: the counts may not have been published yet, but they were durable.
  assert.deepEqual(await first.stop('SIGKILL'), { code: null, signal: 'SIGKILL' });
  const second = await life();
  const after = await waitFor(async () => {
    const s = await state(second);
    return pollIn(s, poll)?.total === 60 && s;
  }, { what: 'all 60 ballots after the restart' });
  assert.deepEqual(pollIn(after, poll).options.map((o) => o.votes), [20, 20, 20]);
  assert.equal(pollIn(after, poll).status, 'open');

  const again = await Client.open(second.wsUrl);
  t.after(() => again.ws.terminate());
  await again.hello({ viewer: voters[0].welcome.viewer });
  assert.equal((await again.request({ type: 'poll.vote', poll, options: ['no'] })).code, 'conflict');
  const fresh = await joinClient(t, second);
  assert.equal((await fresh.request({ type: 'poll.vote', poll, options: ['no'] })).type, 'ack');
  await waitFor(async () => pollIn(await state(second), poll).total === 61, { what: 'the 61st ballot' });
});

test('1000 viewers vote at once: every ballot acknowledged, the total exact, at most 4 poll.votes a second', async (t) => {
  // Without fsync, commit latency does not bunch deliveries (durability is tested above).
  const server = await startServer(t, { args: ['--no-fsync'] });
  const producer = await joinClient(t, server, { token: server.token('producer') });
  const poll = 'summit-expectations';
  assert.equal((await producer.request({ type: 'poll.open', poll })).type, 'ack');
  const watcher = await joinClient(t, server);
  const timer = await spawnWatcher(t, server);
  const watched = () => timer.frames.filter(({ frame }) => frame.type === 'change' && frame.kind === 'poll.votes');
  const joining = Date.now();
  const voters = await openMany(t, server, 1000, { localAddresses: ['127.0.0.2', '127.0.0.3'], batch: 200 });
  t.diagnostic(`1000 viewers joined in ${Date.now() - joining} ms`);

  // Five waves 100 ms apart, without waiting for acks, so the count moves for a while.
  const options = ['joint-statement', 'programmes', 'no-change'];
  const voting = Date.now();
  const pending = [];
  for (let wave = 0; wave < 5; ++wave) {
    if (wave > 0) await sleep(100);
    voters.slice(wave * 200, (wave + 1) * 200).forEach((voter, i) =>
      pending.push(voter.request({ type: 'poll.vote', poll, options: [options[(wave * 200 + i) % 3]] }, { timeout: 20000 })));
  }
  const replies = await Promise.all(pending);
  t.diagnostic(`1000 ballots acknowledged in ${Date.now() - voting} ms`);
  assert.deepEqual(replies.filter((r) => r.type !== 'ack'), [], 'every ballot is accepted');

  const full = await waitFor(
    () => watcher.changes().find((c) => c.kind === 'poll.votes' && c.data.total === 1000),
    { timeout: 10000, what: 'a poll.votes change with all 1000 ballots' },
  );
  assert.deepEqual(full.data.votes, { 'joint-statement': 334, programmes: 333, 'no-change': 333 });
  await sleep(600); // nothing may follow that changes the count
  const changes = watcher.changes().filter((c) => c.kind === 'poll.votes');
  assert.equal(changes.at(-1), full, 'the last poll.votes change carries the final count');
  const totals = changes.map((c) => c.data.total);
  assert.deepEqual(totals, [...totals].sort((a, b) => a - b), 'counts only grow');
  assert.equal(pollIn(await state(server), poll).total, 1000);

  // At most 4 a second, as observed by a separate process (arrival adds delivery jitter:
  // see the same check for question votes in qa.test.mjs).
  await waitFor(() => watched().some(({ frame }) => frame.seq === full.seq), { what: 'the watcher to see the count' });
  // The engine's own times (`at`) are at least 250 ms apart.
  const published = changes.map((c) => c.at);
  for (let i = 1; i < published.length; ++i)
    assert.ok(published[i] - published[i - 1] >= 250, `poll.votes at ${published.map((x) => x - published[0])}`);
  const times = watched().map(({ at }) => at);
  const n = times.length;
  assert.ok((n - 1) * 250 <= times[n - 1] - voting + 50, `${n} poll.votes changes within ${times[n - 1] - voting} ms`);
  for (let i = 0; i < n; ++i)
    for (let j = i + 1; j < n; ++j)
      assert.ok(times[j] - times[i] >= (j - i) * 250 - 750, `${j - i + 1} changes within ${times[j] - times[i]} ms`);
  t.diagnostic(`${n} poll.votes changes: ${totals.join(' ')}`);
});
