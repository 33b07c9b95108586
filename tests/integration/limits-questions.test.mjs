// Questions per event are bounded: past --max-questions an ask is `conflict` with the
// reason, the refusals are counted on /metrics, and a restart with a lower cap loses
// none of the questions already accepted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { Client, CompanionServer, http, tempDataDir, waitFor } from './lib/harness.mjs';

const event = 'nato-indo-pacific-2024';

test('asks past --max-questions are conflict, counted, and a restart keeps every accepted one', { timeout: 60000 }, async (t) => {
  const cap = 50;
  const dataDir = tempDataDir();
  const servers = [];
  t.after(async () => {
    for (const s of servers) await s.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const life = async (maxQuestions) => {
    const s = new CompanionServer({ dataDir, args: ['--quiet', '--max-questions', String(maxQuestions)] });
    servers.push(s);
    return s.start();
  };
  let server = await life(cap);
  const clients = [];
  t.after(() => clients.forEach((c) => c.ws.terminate()));
  // 20 viewers on 4 addresses ask 3 questions each: 60 asks within every rate limit.
  for (let i = 0; i < 20; ++i) {
    const client = await Client.open(server.wsUrl, { localAddress: `127.0.0.${2 + (i % 4)}` });
    clients.push(client);
    await client.hello();
  }
  const answers = [];
  for (let round = 0; round < 3; ++round)
    for (const [i, client] of clients.entries())
      answers.push(await client.request({ type: 'question.ask', text: `Question ${round}-${i} about the partners?` }));
  const acked = answers.filter((a) => a.type === 'ack');
  const refused = answers.filter((a) => a.type === 'error');
  assert.equal(acked.length, cap);
  assert.equal(refused.length, 60 - cap);
  for (const error of refused) {
    assert.equal(error.code, 'conflict');
    assert.match(error.message, /no more questions \(at most 50\)/);
  }
  await waitFor(async () => new RegExp(`^companion_questions_refused_full_total\\{event="${event}"\\} ${60 - cap}$`, 'm')
    .test((await http(server, '/metrics')).text), { what: 'the refusals on /metrics' });

  // A lower cap after a restart refuses new asks but replays every accepted question.
  await server.stop();
  clients.forEach((c) => c.ws.terminate());
  server = await life(10);
  const moderator = await Client.open(server.wsUrl);
  clients.push(moderator);
  const staffToken = server.token('moderator');
  const welcome = await moderator.hello({ token: staffToken });
  assert.equal(welcome.role, 'moderator', `token of ${staffToken.length} bytes`);
  const queue = await moderator.next((f) => f.type === 'queue.snapshot');
  assert.equal(queue.questions.length, cap, 'every accepted question is back');
  const late = await moderator.request({ type: 'question.ask', text: 'One more after the restart?' });
  assert.equal(late.code, 'conflict');
  assert.match(late.message, /at most 10/);
});
