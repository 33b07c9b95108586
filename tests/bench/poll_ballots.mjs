// Poll ballots at the size of a real audience: N viewers (10,000 by default) each cast
// one ballot within one second. Prints the ack latency (median, p99, max: from send to
// ack, as one Node client process sees it), whether every ballot was acknowledged, the
// final count in /state and in the last poll.votes change, and the most poll.votes
// changes the engine published within any one second (their `at`, as a separate watcher
// process received them).
//
//   COMPANION_BIN=build/release/gateway/companion node tests/bench/poll_ballots.mjs \
//     [--viewers 10000] [--runs 3] [--smoke]
//
// --smoke: 300 viewers, one run, and exits 1 unless every check holds (for CI).
import {
  CompanionServer, http, openMany, spawnWatcher, waitFor,
} from '../integration/lib/harness.mjs';

const argv = process.argv.slice(2);
const option = (name, fallback) => {
  const at = argv.indexOf(name);
  return at >= 0 ? argv[at + 1] : fallback;
};
const smoke = argv.includes('--smoke');
const viewers = Number(option('--viewers', smoke ? '300' : '10000'));
const runs = Number(option('--runs', smoke ? '1' : '3'));
const event = 'nato-indo-pacific-2024';
const poll = 'summit-expectations';
const options = ['joint-statement', 'programmes', 'no-change'];
// Each address takes 1,000 new viewer ids at once: spread the audience over enough of them.
const addresses = Array.from({ length: Math.ceil(viewers / 900) }, (_, i) => `127.0.0.${i + 2}`);

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

// The node:test context openMany and spawnWatcher expect, with cleanups run at the end.
function context() {
  const cleanups = [];
  return { after: (f) => cleanups.push(f), close: async () => { for (const f of cleanups.reverse()) await f(); } };
}

async function once() {
  const t = context();
  const server = new CompanionServer({ args: ['--max-connections-per-ip', '0'] });
  t.after(() => server.cleanup());
  t.after(() => server.stop());
  await server.start();
  try {
    const [producer] = await openMany(t, server, 1, { hello: { token: server.token('producer') } });
    const opened = await producer.request({ type: 'poll.open', poll });
    if (opened.type !== 'ack') throw new Error(`poll.open: ${JSON.stringify(opened)}`);
    const watcher = await spawnWatcher(t, server);
    const audience = await openMany(t, server, viewers, { localAddresses: addresses, batch: 500 });

    // Ballots spread evenly over one second, sent in 10 ms slices.
    const sentAt = new Array(viewers);
    const pending = [];
    const began = Date.now();
    for (let slice = 0; slice < 100; ++slice) {
      const due = began + slice * 10;
      if (Date.now() < due) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
      for (let i = Math.floor((slice * viewers) / 100); i < Math.floor(((slice + 1) * viewers) / 100); ++i) {
        sentAt[i] = performance.now();
        pending.push(
          audience[i].request({ type: 'poll.vote', poll, options: [options[i % 3]] }, { timeout: 60000 })
            .then((reply) => ({ reply, ms: performance.now() - sentAt[i] })),
        );
      }
    }
    const sentIn = Date.now() - began;
    const replies = await Promise.all(pending);
    const acked = replies.filter(({ reply }) => reply.type === 'ack').length;
    const latencies = replies.map(({ ms }) => ms).sort((a, b) => a - b);

    const changes = () => watcher.frames.filter(({ frame }) => frame.type === 'change' && frame.kind === 'poll.votes');
    await waitFor(() => changes().some(({ frame }) => frame.data.total === acked), { timeout: 20000, what: 'the full count' });
    await new Promise((resolve) => setTimeout(resolve, 600)); // nothing may follow the full count
    const seen = changes();
    const last = seen.at(-1).frame.data;
    const state = (await http(server, `/api/events/${event}/state`)).json;
    const inState = state.polls.find((p) => p.id === poll).total;
    // The most changes the engine published within one second, by their `at` (the engine's
    // time): arrival times would add the delivery jitter of a loaded machine.
    const times = seen.map(({ frame }) => frame.at);
    let busiest = 0;
    for (let i = 0, j = 0; j < times.length; ++j) {
      while (times[j] - times[i] >= 1000) ++i;
      busiest = Math.max(busiest, j - i + 1);
    }
    return {
      sent_in_ms: sentIn, acked, p50_ms: percentile(latencies, 50), p99_ms: percentile(latencies, 99),
      max_ms: latencies.at(-1), last_change_total: last.total, state_total: inState, changes: seen.length, busiest_second: busiest,
    };
  } finally {
    await t.close();
  }
}

const results = [];
for (let run = 0; run < runs; ++run) {
  const result = await once();
  results.push(result);
  console.log(`run ${run + 1}: ${viewers} ballots sent in ${result.sent_in_ms} ms, ${result.acked} acknowledged; ack p50 ${result.p50_ms.toFixed(1)} ms, p99 ${result.p99_ms.toFixed(1)} ms, max ${result.max_ms.toFixed(1)} ms; count ${result.state_total} in /state, ${result.last_change_total} in the last of ${result.changes} poll.votes changes, at most ${result.busiest_second} in one second`);
}
const med = (key) => median(results.map((r) => r[key]));
console.log(`median of ${runs}: ack p50 ${med('p50_ms').toFixed(1)} ms, p99 ${med('p99_ms').toFixed(1)} ms, max ${med('max_ms').toFixed(1)} ms; ${med('changes')} poll.votes changes, at most ${med('busiest_second')} a second`);
const good = results.every((r) => r.acked === viewers && r.state_total === viewers && r.last_change_total === viewers && r.busiest_second <= 4);
if (!good) {
  console.error('a check failed: every ballot acknowledged, the exact count in /state and the last poll.votes change, at most 4 changes a second');
  process.exit(1);
}
