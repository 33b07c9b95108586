// kill -9 in the middle of a mixed burst (questions, votes, moderation of questions and
// posts, announcements): after the restart every acknowledged change is there, under
// the seq its ack named, and the seq has no gap and no duplicate.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, contiguousFrom, defaultEvent, http, joinClient, serverLives } from './lib/harness.mjs';

test('kill -9 during a mixed burst of acknowledged changes loses none of them', async (t) => {
  const life = serverLives(t);
  const first = await life();

  const moderator = await joinClient(t, first, { token: first.token('moderator') });
  const producer = await joinClient(t, first, { token: first.token('producer') });
  const viewers = [];
  for (let i = 0; i < 8; ++i) viewers.push(await joinClient(t, first));
  const ingestToken = first.token('ingest');
  const epoch = moderator.welcome.epoch;

  // Questions to vote on, approved before the burst.
  const open = [];
  for (let i = 0; i < 4; ++i) {
    const asked = await viewers[i].request({ type: 'question.ask', text: `Question number ${i} about the alliance?` });
    const approved = await moderator.request({ type: 'question.approve', question: asked.question });
    assert.equal(approved.type, 'ack');
    open.push(asked.question);
  }

  // The burst: every client keeps commands in flight; the server dies at the 80th ack.
  const acked = [];
  let sent = 0;
  let killed = false;
  const record = (reply, what) => {
    if (reply.type === 'ack') acked.push({ seq: reply.seq, what });
    if (!killed && acked.length >= 80) {
      killed = true;
      first.proc.kill('SIGKILL');
    }
  };
  const loops = [];
  loops.push((async () => {
    for (let n = 0; !killed && n < 200; ++n, ++sent) {
      const reply = await producer.request({ type: 'announce', text: `burst ${n}` }, { timeout: 3000 }).catch(() => null);
      if (reply) record(reply, 'announcement');
    }
  })());
  viewers.forEach((viewer, i) => loops.push((async () => {
    for (let n = 0; !killed && n < 40; ++n, ++sent) {
      const command = n % 2 === 0
        ? { type: 'question.vote', question: open[(i + n) % open.length] }
        : { type: 'question.ask', text: `Viewer ${i} wonders about item ${n}?` };
      const reply = await viewer.request(command, { timeout: 3000 }).catch(() => null);
      if (reply) record(reply, command.type);
    }
  })()));
  loops.push((async () => {
    for (let n = 0; !killed && n < 60; ++n, ++sent) {
      const body = JSON.stringify({ id: `burst-${n}`, author: { handle: `reader${n}` }, text: `post ${n} #Road2NATO`, created_at: Date.now() });
      await fetch(`${first.url}/api/events/${defaultEvent}/posts`, {
        method: 'POST', headers: { authorization: `Bearer ${ingestToken}` }, body,
      }).catch(() => null);
      const queued = moderator.frames.filter((f) => f.type === 'queue.post').at(-1);
      if (!queued) continue;
      const type = n % 3 === 0 ? 'post.reject' : 'post.approve';
      const reply = await moderator.request({ type, post: queued.post.id }, { timeout: 3000 }).catch(() => null);
      if (reply) record(reply, type);
    }
  })());
  await Promise.all(loops);
  await first.exited;
  assert.ok(killed, `the server was killed mid-burst (${acked.length} acks of ${sent} sent)`);
  t.diagnostic(`${acked.length} acknowledged before the kill, ${sent} commands sent`);

  const second = await life();
  // Resuming from the very start replays the whole history from the journal.
  const reader = await Client.open(second.wsUrl);
  t.after(() => reader.ws.terminate());
  const welcome = await reader.hello({ resume: { epoch, seq: 0 } });
  assert.equal(welcome.epoch, epoch);
  assert.equal(welcome.recovered, true);
  const changes = reader.changes();
  assert.equal(changes.length, welcome.seq, 'every change from 1 to the current seq');
  assert.ok(contiguousFrom(changes, 0), 'no gap and no duplicate in the seq');
  const bySeq = new Map(changes.map((c) => [c.seq, c]));
  for (const { seq, what } of acked) {
    // A vote's ack carries no seq: its tally is published by the next coalesced change.
    if (typeof seq !== 'number') continue;
    const change = bySeq.get(seq);
    assert.ok(change, `acknowledged ${what} at seq ${seq} is present after the restart`);
    if (what === 'announcement') assert.equal(change.kind, 'announcement');
    if (what === 'post.approve') assert.equal(change.kind, 'highlight.added');
  }
  // Votes acked before the kill are in the tallies (votes publish on the next tick).
  const state = (await http(second, `/api/events/${defaultEvent}/state`)).json;
  const ackedVotes = acked.filter((a) => a.what === 'question.vote').length;
  const tallied = state.questions.reduce((sum, q) => sum + q.votes, 0);
  assert.ok(ackedVotes > 0, 'some votes were acknowledged before the kill');
  assert.ok(tallied >= ackedVotes, `${tallied} votes tallied, ${ackedVotes} acknowledged`);
});
