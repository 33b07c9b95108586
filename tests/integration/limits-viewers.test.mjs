// Vote identity is not free: new viewer ids are rate-limited per address. A venue's
// 1,000 viewers behind one NAT address join and vote once each; a connect-vote-disconnect
// loop from one address then gets one new id every 200 ms instead of one per connection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, http, joinClient, openMany, startServer, waitFor } from './lib/harness.mjs';

const rate = 300 / 60; // new viewer ids a second per address after the burst (the default)

async function metric(server, name) {
  const text = (await http(server, '/metrics')).text;
  return Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(text)?.[1] ?? NaN);
}

test('1,000 viewers behind one address join and vote once; reconnect-and-vote stops at the stated rate', { timeout: 180000 }, async (t) => {
  const server = await startServer(t, { args: ['--quiet'] });
  const producer = await joinClient(t, server, { token: server.token('producer') });
  const moderator = await joinClient(t, server, { token: server.token('moderator') });
  // One approved question to vote on.
  const asker = await joinClient(t, server, {}, { localAddress: '127.0.0.9' });
  const asked = await asker.request({ type: 'question.ask', text: 'Will the partners meet again next year?' });
  assert.equal(asked.type, 'ack', JSON.stringify(asked));
  const question = asked.question;
  if (asked.status === 'pending') assert.equal((await moderator.request({ type: 'question.approve', question })).type, 'ack');
  void producer;

  const venue = await openMany(t, server, 1000, { localAddresses: ['127.0.0.2'], batch: 100 });
  assert.equal(new Set(venue.map((c) => c.welcome.viewer)).size, 1000, 'each viewer has its own id');
  const votes = await Promise.all(venue.map((c) => c.request({ type: 'question.vote', question }, { timeout: 20000 })));
  assert.equal(votes.filter((v) => v.type === 'ack').length, 1000, JSON.stringify(votes.find((v) => v.type !== 'ack')));
  const tally = async () => (await http(server, `/api/events/nato-indo-pacific-2024/state`)).json.questions
    .find((q) => q.id === question).votes;
  await waitFor(async () => (await tally()) === 1000, { what: 'a tally of 1,000' });

  // Connect, take a new id, vote, disconnect, again: from one address.
  const cycle = async () => {
    const client = await Client.open(server.wsUrl, { localAddress: '127.0.0.2', perMessageDeflate: false });
    try {
      const hello = await client.request({ type: 'hello' });
      if (hello.type !== 'welcome') return { refused: hello };
      const vote = await client.request({ type: 'question.vote', question });
      return { voted: vote.type === 'ack' };
    } finally {
      client.ws.terminate();
    }
  };
  // Spend what the burst has left, up to the first refusal.
  let refusal;
  for (let i = 0; i < 2000 && !refusal; ++i) refusal = (await cycle()).refused;
  assert.ok(refusal, 'the loop was refused');
  assert.equal(refusal.code, 'rate_limited');
  assert.ok(refusal.retry_after_ms > 0 && refusal.retry_after_ms <= 1000 / rate + 1, JSON.stringify(refusal));
  // From here on, for 4 seconds: about `rate` new ids a second, however fast the loop runs.
  const started = Date.now();
  let voted = 0, refused = 0;
  while (Date.now() - started < 4000) {
    const outcome = await cycle();
    if (outcome.voted) ++voted;
    if (outcome.refused) ++refused;
  }
  const seconds = (Date.now() - started) / 1000;
  assert.ok(voted <= Math.ceil(seconds * rate) + 1, `${voted} votes in ${seconds} s`);
  assert.ok(voted >= Math.floor(seconds * rate) - 2, `stragglers still join: ${voted} in ${seconds} s`);
  assert.ok(refused > voted, `${refused} refused, ${voted} admitted`);
  assert.ok((await metric(server, 'companion_new_viewer_refusals_total')) >= refused);

  // A viewer coming back with its id is not a new viewer: it joins at once.
  const back = await joinClient(t, server, { viewer: venue[0].welcome.viewer }, { localAddress: '127.0.0.2' });
  assert.equal(back.welcome.viewer, venue[0].welcome.viewer);
  // Another address is not affected.
  await joinClient(t, server, {}, { localAddress: '127.0.0.3' });
});
