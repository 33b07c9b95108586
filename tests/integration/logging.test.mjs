// Logging never blocks serving: with the server's stderr a pipe nobody reads, thousands
// of joins and refusals (each a log line at --log-level debug) are all answered, changes
// keep flowing, and the lines that did not fit are counted on /metrics. The `listening on`
// line is on stdout, and a clean stop writes what is still queued.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, CompanionServer, http, joinClient, sanitizerReport, waitFor } from './lib/harness.mjs';

const loggedLines = async (server, outcome) =>
  Number(new RegExp(`^companion_log_lines_total\\{outcome="${outcome}"\\} (\\d+)$`, 'm').exec((await http(server, '/metrics')).text)?.[1]);

// Opens, joins and closes `count` connections, `batch` at a time; resolves with the answers.
async function joinAndLeave(server, count, hello, batch = 100) {
  const answers = [];
  for (let start = 0; start < count; start += batch) {
    const round = [];
    for (let i = start; i < Math.min(count, start + batch); ++i) {
      round.push(
        Client.open(server.wsUrl, { perMessageDeflate: false }).then(async (client) => {
          const answer = await client.request({ type: 'hello', ...hello }, { timeout: 10000 });
          client.ws.terminate();
          return answer;
        }),
      );
    }
    answers.push(...(await Promise.all(round)));
  }
  return answers;
}

test('a stalled stderr drops log lines, counted, while joins and changes are still served', async (t) => {
  const server = new CompanionServer({
    stallStderr: true,
    args: ['--log-level', 'debug', '--log-queue-bytes', '16384', '--threads', '2'],
  });
  t.after(async () => {
    try {
      await server.stop();
    } finally {
      server.cleanup();
    }
  });
  await server.start();
  assert.match(server.output, /^listening on http:\/\/127\.0\.0\.1:\d+\n/, 'the address is on stdout, first');
  assert.ok(server.consoleLink('moderator'), 'the console links are on stdout');

  const producer = await joinClient(t, server, { token: server.token('producer') });
  const watcher = await joinClient(t, server);

  // 4,000 joins (returning phones: they carry their viewer id) and 1,000 refused hellos:
  // about 700 KiB of log lines against a 64 KiB pipe and a 16 KiB queue. Every one is answered.
  const started = Date.now();
  const joins = await joinAndLeave(server, 4000, { viewer: watcher.welcome.viewer });
  assert.ok(joins.every((answer) => answer.type === 'welcome'), 'every join is welcomed');
  const refusals = await joinAndLeave(server, 1000, { token: 'not-a-token' });
  assert.ok(refusals.every((answer) => answer.type === 'error' && answer.code === 'unauthorized'));
  const joinSeconds = (Date.now() - started) / 1000;
  t.diagnostic(`5,000 hellos with stderr stalled: ${joinSeconds.toFixed(1)} s`);

  const dropped = await loggedLines(server, 'dropped');
  assert.ok(dropped > 1000, `most lines were dropped (${dropped}), not waited for`);

  // Changes still reach a viewer that joined before the stall.
  for (let i = 0; i < 20; ++i) {
    assert.equal((await producer.request({ type: 'announce', text: `Session ${i} starts` })).type, 'ack');
  }
  await watcher.next((f) => f.type === 'change' && f.kind === 'announcement' && f.data?.text === 'Session 19 starts');
  // And a new one still joins quickly.
  const late = await joinClient(t, server);
  assert.equal(late.welcome.type, 'welcome');
  assert.ok((await loggedLines(server, 'dropped')) >= dropped, 'the counter never goes back');

  // Once stderr is read again, the writer says how many lines it lost, and a clean stop
  // writes what is still queued: its last line is the server's own `stopped`.
  server.readStderr();
  await waitFor(() => /event=log_lines_dropped lines=\d+/.test(server.errors), { timeout: 10000, what: 'the drop notice' });
  const exited = await server.stop();
  assert.deepEqual(exited, { code: 0, signal: null });
  assert.match(server.errors, /event=stopped\n$/, 'the last queued line is written before exit');
  assert.equal(sanitizerReport(server.errors), undefined);
  assert.doesNotMatch(server.errors, /listening on/, 'the address line is never on stderr');
});

test('at the default log level, joins are sampled: one hello line a second, the rest counted', async (t) => {
  const server = new CompanionServer();
  t.after(async () => {
    try {
      await server.stop();
    } finally {
      server.cleanup();
    }
  });
  await server.start();
  const joins = await joinAndLeave(server, 500, {});
  assert.ok(joins.every((answer) => answer.type === 'welcome'));
  const sampled = await loggedLines(server, 'sampled');
  const helloLines = () => (server.errors.match(/event=hello /g) ?? []).length;
  await waitFor(() => helloLines() + sampled === 500, {
    what: `each hello either logged (${helloLines()}) or counted as sampled (${sampled})`,
  });
  assert.ok(helloLines() >= 1 && helloLines() < 100, 'about one hello line a second is logged');
  assert.equal(await loggedLines(server, 'dropped'), 0);
});
