// Audience Q&A over the wire: premoderated questions stay with staff until
// approved, votes are counted exactly once per viewer and published coalesced,
// and the rate limits answer with when to retry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultEvent, http, joinClient, openMany, sleep, spawnWatcher, startServer, waitFor } from './lib/harness.mjs';

const questionKinds = ['question.added', 'question.updated', 'question.removed', 'votes'];

// A moderator asks a question and approves it; resolves with its id.
async function approvedQuestion(moderator, text) {
  const asked = await moderator.request({ type: 'question.ask', text });
  assert.equal(asked.type, 'ack', JSON.stringify(asked));
  const approved = await moderator.request({ type: 'question.approve', question: asked.question });
  assert.equal(approved.type, 'ack', JSON.stringify(approved));
  return asked.question;
}

test('an asked question is pending: the asker gets ack pending, viewers see nothing, moderators get queue.question', async (t) => {
  const server = await startServer(t);
  const asker = await joinClient(t, server);
  const bystander = await joinClient(t, server);
  const moderator = await joinClient(t, server, { token: server.token('moderator') });
  await moderator.next((f) => f.type === 'queue.snapshot');

  const text = 'How will partners in the Indo-Pacific contribute to NATO exercises?';
  const ack = await asker.request({ type: 'question.ask', text, name: 'Ana' });
  assert.equal(ack.type, 'ack', JSON.stringify(ack));
  assert.equal(ack.status, 'pending');
  assert.equal(typeof ack.question, 'string');

  const queued = await moderator.next((f) => f.type === 'queue.question');
  assert.equal(queued.question.id, ack.question);
  assert.equal(queued.question.text, text);
  assert.equal(queued.question.author, 'Ana');
  assert.equal(queued.question.status, 'pending');
  assert.equal(queued.question.votes, 0);

  await sleep(400);
  for (const viewer of [asker, bystander]) {
    assert.ok(!viewer.changes().some((c) => questionKinds.includes(c.kind)), 'no question change reaches a viewer');
    assert.ok(!viewer.frames.some((f) => f.type.startsWith('queue.')), 'no queue frame reaches a viewer');
  }
  assert.deepEqual((await http(server, `/api/events/${defaultEvent}/state`)).json.questions, []);
});

test('approving a question sends question.added to every viewer', async (t) => {
  const server = await startServer(t);
  const viewers = [await joinClient(t, server), await joinClient(t, server), await joinClient(t, server)];
  const moderator = await joinClient(t, server, { token: server.token('moderator') });
  const text = 'What role will Japan and South Korea play at the Washington summit?';
  const asked = await viewers[0].request({ type: 'question.ask', text, name: 'Min' });
  assert.equal(asked.status, 'pending');
  await moderator.next((f) => f.type === 'queue.question' && f.question.id === asked.question);

  const approved = await moderator.request({ type: 'question.approve', question: asked.question });
  assert.equal(approved.type, 'ack');
  assert.equal(typeof approved.seq, 'number');
  for (const viewer of viewers) {
    const added = await viewer.next((f) => f.type === 'change' && f.kind === 'question.added');
    assert.equal(added.seq, approved.seq);
    assert.equal(added.data.id, asked.question);
    assert.equal(added.data.text, text);
    assert.equal(added.data.author, 'Min');
    assert.equal(added.data.votes, 0);
    assert.equal(added.data.status, 'open');
    assert.equal(typeof added.data.asked_at, 'number');
  }
  const state = (await http(server, `/api/events/${defaultEvent}/state`)).json;
  assert.deepEqual(state.questions.map((q) => q.id), [asked.question]);
  // The approved question has left the moderation queue.
  const lateModerator = await joinClient(t, server, { token: server.token('moderator') });
  const queue = await lateModerator.next((f) => f.type === 'queue.snapshot');
  assert.ok(!queue.questions.some((q) => q.id === asked.question));
});

test('pending and rejected questions never reach a viewer connection', async (t) => {
  const server = await startServer(t);
  const watcher = await joinClient(t, server);
  const moderator = await joinClient(t, server, { token: server.token('moderator') });
  const askers = [];
  for (let i = 0; i < 8; ++i) askers.push(await joinClient(t, server));

  const asked = [];
  for (let round = 0; round < 3; ++round) {
    const replies = await Promise.all(
      askers.map((asker, a) =>
        asker.request({ type: 'question.ask', text: `Marker ${round * 8 + a} zq${round}x${a}: what happens after the summit?` }),
      ),
    );
    for (const reply of replies) {
      assert.equal(reply.type, 'ack', JSON.stringify(reply));
      assert.equal(reply.status, 'pending');
      asked.push(reply.question);
    }
  }
  const approved = new Set(asked.filter((_, i) => i % 3 === 0));
  const rejected = new Set(asked.filter((_, i) => i % 3 === 1));
  for (const id of approved) assert.equal((await moderator.request({ type: 'question.approve', question: id })).type, 'ack');
  for (const id of rejected) assert.equal((await moderator.request({ type: 'question.reject', question: id })).type, 'ack');
  const lastApproved = [...approved].at(-1);
  await watcher.next((f) => f.type === 'change' && f.kind === 'question.added' && f.data.id === lastApproved);
  const lateViewer = await joinClient(t, server);
  const lateSnapshot = await lateViewer.next((f) => f.type === 'snapshot');
  await sleep(300);

  const hiddenMarkers = asked
    .map((id, i) => [id, `zq${Math.floor(i / 8)}x${i % 8}:`])
    .filter(([id]) => !approved.has(id))
    .map(([, marker]) => marker);
  for (const viewer of [watcher, lateViewer, ...askers]) {
    assert.ok(!viewer.frames.some((f) => f.type.startsWith('queue.')), 'no queue frame on a viewer connection');
    for (const change of viewer.changes().filter((c) => c.kind.startsWith('question.'))) {
      assert.ok(approved.has(change.data.id), `only approved questions appear: ${JSON.stringify(change)}`);
      assert.notEqual(change.data.status, 'pending');
    }
    const everything = JSON.stringify(viewer.frames);
    for (const marker of hiddenMarkers) assert.ok(!everything.includes(marker), `hidden question ${marker} leaked`);
  }
  assert.deepEqual(lateSnapshot.state.questions.map((q) => q.id).sort(), [...approved].sort());
  assert.equal(watcher.changes().filter((c) => c.kind === 'question.added').length, approved.size);
});

test('a viewer cannot moderate questions', async (t) => {
  const server = await startServer(t);
  const viewer = await joinClient(t, server);
  const asked = await viewer.request({ type: 'question.ask', text: 'Can a viewer approve their own question?' });
  assert.equal(asked.type, 'ack');
  for (const command of [
    { type: 'question.approve', question: asked.question },
    { type: 'question.reject', question: asked.question },
    { type: 'question.edit', question: asked.question, text: 'Edited' },
    { type: 'question.answered', question: asked.question },
    { type: 'on_screen.set', kind: 'question', item: asked.question },
  ]) {
    const reply = await viewer.request(command);
    assert.equal(reply.type, 'error', command.type);
    assert.equal(reply.code, 'forbidden', command.type);
  }
  await sleep(200);
  assert.deepEqual((await http(server, `/api/events/${defaultEvent}/state`)).json.questions, []);
});

// Every viewer votes once, concurrently; the tally must be exact and published
// at most four times a second.
async function thousandVoters(t, localAddresses, waves) {
  // Without fsync, commit latency does not bunch deliveries together, so arrival
  // times follow the publication times closely (durability is tested elsewhere).
  const server = await startServer(t, { args: ['--no-fsync'] });
  const moderator = await joinClient(t, server, { token: server.token('moderator') });
  const question = await approvedQuestion(moderator, 'Should the Indo-Pacific partners attend every summit?');
  const watcher = await joinClient(t, server);
  const timer = await spawnWatcher(t, server);
  const watchedVotes = () => timer.frames.filter(({ frame }) => frame.type === 'change' && frame.kind === 'votes');
  const began = Date.now();
  const voters = await openMany(t, server, 1000, { localAddresses, batch: 100 });
  t.diagnostic(`1000 viewers joined in ${Date.now() - began} ms from ${localAddresses.join(', ')}`);

  // Votes go out in `waves` waves 100 ms apart without waiting for acks, so with
  // several waves the tally keeps moving for a while and coalescing is visible.
  const voting = Date.now();
  const pending = [];
  const perWave = Math.ceil(voters.length / waves);
  for (let wave = 0; wave < waves; ++wave) {
    if (wave > 0) await sleep(100);
    for (const voter of voters.slice(wave * perWave, (wave + 1) * perWave))
      pending.push(voter.request({ type: 'question.vote', question }, { timeout: 20000 }));
  }
  const replies = await Promise.all(pending);
  t.diagnostic(`1000 votes acknowledged in ${Date.now() - voting} ms`);
  const refused = replies.filter((r) => r.type !== 'ack');
  assert.deepEqual(refused, [], 'every vote is accepted');

  const tallied = await waitFor(
    () => watcher.changes().find((c) => c.kind === 'votes' && c.data[question] === 1000),
    { timeout: 10000, what: 'a votes change with the full tally' },
  );
  await sleep(600); // nothing may follow that changes the tally
  const votesChanges = watcher.changes().filter((c) => c.kind === 'votes' && question in c.data);
  assert.equal(votesChanges.at(-1).data[question], 1000, 'the last votes change carries 1000');
  assert.ok(votesChanges.indexOf(tallied) === votesChanges.length - 1, 'no votes change after the full tally');
  const tallies = votesChanges.map((c) => c.data[question]);
  assert.deepEqual(tallies, [...tallies].sort((a, b) => a - b), 'tallies only grow');
  const state = (await http(server, `/api/events/${defaultEvent}/state`)).json;
  assert.equal(state.questions.find((q) => q.id === question).votes, 1000);

  // At most 4 votes changes a second. The server publishes a tally at least
  // 250 ms after the previous one; what a client can observe is the arrival time,
  // which adds delivery delay (a loaded machine stalls deliveries by hundreds of ms
  // and then hands over several at once). Two checks that hold whatever the delay:
  // (1) the first tally is published after the first vote was sent and the last
  // arrives after it was published, so n tallies need (n - 1) * 250 ms between the
  // first vote sent and the last tally received; (2) any run of k + 1 consecutive
  // tallies, as timed by a separate watcher process, spans at least k * 250 ms less
  // a 750 ms allowance for delivery jitter.
  await waitFor(() => watchedVotes().some(({ frame }) => frame.seq === tallied.seq), { what: 'the watcher to see the tally' });
  const times = watchedVotes().map(({ at }) => at);
  const n = times.length;
  assert.ok((n - 1) * 250 <= times[n - 1] - voting + 50, `${n} votes changes within ${times[n - 1] - voting} ms of the first vote`);
  for (let i = 0; i < n; ++i)
    for (let j = i + 1; j < n; ++j)
      assert.ok(
        times[j] - times[i] >= (j - i) * 250 - 750,
        `${j - i + 1} votes changes within ${times[j] - times[i]} ms: ${times.map((x) => x - times[0])}`,
      );
  // Every viewer got the very same votes changes, so each saw the same rate.
  const watchedSeqs = watchedVotes().map(({ frame }) => frame.seq);
  for (const viewer of voters) {
    const seqs = viewer.changes().filter((c) => c.kind === 'votes' && c.seq <= tallied.seq).map((c) => c.seq);
    assert.deepEqual(seqs, watchedSeqs.filter((seq) => seq > (viewer.frames.find((f) => f.type === 'snapshot')?.seq ?? 0)));
  }
  t.diagnostic(`${votesChanges.length} votes changes: ${tallies.join(' ')}`);
}

test('1000 viewers from several addresses vote concurrently and the tally is exactly 1000', async (t) => {
  await thousandVoters(t, ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5'], 25);
});

test('1000 viewers behind one address (a venue NAT) vote at once and the tally is exactly 1000', async (t) => {
  await thousandVoters(t, ['127.0.0.1'], 1);
});

test('a second vote by the same viewer is conflict', async (t) => {
  const server = await startServer(t);
  const moderator = await joinClient(t, server, { token: server.token('moderator') });
  const question = await approvedQuestion(moderator, 'Is a permanent partnership office planned?');
  const viewer = await joinClient(t, server);
  assert.equal((await viewer.request({ type: 'question.vote', question })).type, 'ack');
  const again = await viewer.request({ type: 'question.vote', question });
  assert.equal(again.type, 'error');
  assert.equal(again.code, 'conflict');
  // The same viewer id on a second connection is the same voter.
  const sameViewer = await joinClient(t, server, { viewer: viewer.welcome.viewer });
  assert.equal((await sameViewer.request({ type: 'question.vote', question })).code, 'conflict');
  await waitFor(() => moderator.changes().find((c) => c.kind === 'votes' && c.data[question] === 1), { what: 'tally 1' });
  await sleep(600);
  assert.equal((await http(server, `/api/events/${defaultEvent}/state`)).json.questions[0].votes, 1);
  // Taking the vote back and voting again is allowed.
  assert.equal((await viewer.request({ type: 'question.unvote', question })).type, 'ack');
  assert.equal((await viewer.request({ type: 'question.vote', question })).type, 'ack');
});

test('the 4th question within a minute from one connection is rate_limited with when to retry', async (t) => {
  const server = await startServer(t);
  const viewer = await joinClient(t, server);
  for (let i = 1; i <= 3; ++i) {
    const reply = await viewer.request({ type: 'question.ask', text: `Rate limit probe number ${i} about burden sharing` });
    assert.equal(reply.type, 'ack', `question ${i}: ${JSON.stringify(reply)}`);
  }
  const fourth = await viewer.request({ type: 'question.ask', text: 'Rate limit probe number 4 about burden sharing' });
  assert.equal(fourth.type, 'error');
  assert.equal(fourth.code, 'rate_limited');
  assert.match(fourth.message, /retry/i);
  assert.match(fourth.message, /\d/, 'the message says when');
  // Another connection has its own allowance.
  const other = await joinClient(t, server);
  assert.equal((await other.request({ type: 'question.ask', text: 'A different viewer asks about cyber defence' })).type, 'ack');
  // The limited connection is still usable.
  assert.equal((await viewer.request({ type: 'ping' })).type, 'pong');
});

test('questions.csv with a moderator token lists the questions', async (t) => {
  const server = await startServer(t);
  const moderator = await joinClient(t, server, { token: server.token('moderator') });
  const open = await approvedQuestion(moderator, 'How do partners share intelligence, "safely"?');
  const viewer = await joinClient(t, server);
  const pending = await viewer.request({ type: 'question.ask', text: 'Pending one, with a comma', name: 'Lee' });
  assert.equal(pending.type, 'ack');
  assert.equal((await viewer.request({ type: 'question.vote', question: open })).type, 'ack');

  const response = await http(server, `/api/events/${defaultEvent}/questions.csv`, {
    headers: { authorization: `Bearer ${server.token('moderator')}` },
  });
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type'), /^text\/csv/);
  const lines = response.text.trim().split(/\r?\n/);
  assert.match(lines[0], /\bid\b.*\btext\b/);
  assert.equal(lines.length, 3, response.text);
  const openLine = lines.find((line) => line.startsWith(`${open},`));
  assert.ok(openLine, response.text);
  assert.ok(openLine.includes('"How do partners share intelligence, ""safely""?"'), 'text is CSV-quoted');
  assert.match(openLine, /,1,open,/);
  const pendingLine = lines.find((line) => line.startsWith(`${pending.question},`));
  assert.ok(pendingLine.includes('"Pending one, with a comma"'));
  assert.ok(pendingLine.includes('Lee'));
  assert.match(pendingLine, /,pending,/);

  const asViewer = await http(server, `/api/events/${defaultEvent}/questions.csv`, {
    headers: { authorization: `Bearer ${viewer.welcome.viewer}` },
  });
  assert.equal(asViewer.status, 401);
});
