// What the journal store costs a command: acknowledged announcements a second and the
// time from send to ack (p50, p99) through the real server, with the journal in SQLite
// (fsync on every group commit) and in Redis (appendfsync always, then everysec), same
// load, same run; then how long a standby engine takes to serve after a kill -9 of the
// active one. Medians of the rounds. Starts its own redis-server on loopback.
//
//   COMPANION_BIN=build/dev/gateway/companion node tests/bench/store_commands.mjs \
//     [--commands 3000] [--producers 4] [--window 8] [--rounds 3]
import { randomBytes } from 'node:crypto';
import { CompanionServer, joinClient, tempDataDir, waitFor } from '../integration/lib/harness.mjs';
import { startRedis } from '../integration/lib/redis.mjs';

const argv = process.argv.slice(2);
const option = (name, fallback) => {
  const at = argv.indexOf(name);
  return at >= 0 ? Number(argv[at + 1]) : fallback;
};
const commands = option('--commands', 3000);
const producerCount = option('--producers', 4);
const window = option('--window', 8);
const rounds = option('--rounds', 3);
process.env.COMPANION_SECRET = randomBytes(32).toString('hex');

// The harness's helpers take a test context for clean-up; this is one for a script.
function scope() {
  const cleanups = [];
  return {
    after: (fn) => cleanups.push(fn),
    diagnostic: () => {},
    async close() {
      for (const fn of cleanups.reverse()) await fn();
    },
  };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function quantile(values, q) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

async function server(t, args) {
  const node = new CompanionServer({ dataDir: tempDataDir(), args: ['--quiet', ...args] });
  t.after(async () => {
    await node.stop();
    node.cleanup();
  });
  return node;
}

// `commands` announcements over `producerCount` connections, `window` in flight each.
async function drive(t, node) {
  const producers = [];
  for (let i = 0; i < producerCount; ++i) producers.push(await joinClient(t, node, { token: node.token('producer') }));
  const latencies = [];
  let next = 0;
  let done = 0;
  const started = process.hrtime.bigint();
  await new Promise((resolve, reject) => {
    const send = (producer) => {
      if (next >= commands) return;
      const n = next++;
      const sent = process.hrtime.bigint();
      producer.request({ type: 'announce', text: `announcement ${n}` }, { timeout: 30000 }).then((answer) => {
        if (answer.type !== 'ack') return reject(new Error(JSON.stringify(answer)));
        latencies.push(Number(process.hrtime.bigint() - sent) / 1e6);
        if (++done === commands) resolve();
        else send(producer);
      }, reject);
    };
    for (const producer of producers) for (let i = 0; i < window; ++i) send(producer);
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  for (const producer of producers) producer.ws.terminate();
  return { perSecond: commands / seconds, p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99) };
}

const stores = {
  'SQLite, fsync each group commit': async (t) => server(t, []),
  'Redis, appendfsync always': async (t) => server(t, ['--store', (await startRedis(t)).url]),
  'Redis, appendfsync everysec': async (t) => {
    const redis = await startRedis(t, { durable: false, extra: ['--appendonly', 'yes', '--appendfsync', 'everysec'] });
    return server(t, ['--store', redis.url]);
  },
};

const results = {};
for (let round = 0; round < rounds; ++round)
  for (const [name, make] of Object.entries(stores)) {
    const t = scope();
    try {
      const node = await (await make(t)).start();
      (results[name] ??= []).push(await drive(t, node));
    } finally {
      await t.close();
    }
  }

const takeovers = [];
for (let round = 0; round < rounds; ++round) {
  const t = scope();
  try {
    const redis = await startRedis(t);
    const args = ['--store', redis.url, '--role', 'engine', '--lease-ttl', '1000'];
    const active = await (await server(t, args)).start();
    const standby = await server(t, args);
    const listening = standby.start();
    await waitFor(() => /engine standby/.test(standby.output), { what: 'engine standby' });
    const killed = Date.now();
    active.proc.kill('SIGKILL');
    await listening;
    takeovers.push(Date.now() - killed);
  } finally {
    await t.close();
  }
}

const sqlite = median(results['SQLite, fsync each group commit'].map((r) => r.perSecond));
console.log(`${commands} announcements, ${producerCount} producers x ${window} in flight, median of ${rounds}\n`);
console.log('| journal | acks/s | ratio to SQLite | p50 ms | p99 ms |');
console.log('|---|---|---|---|---|');
for (const [name, runs] of Object.entries(results)) {
  const perSecond = median(runs.map((r) => r.perSecond));
  console.log(
    `| ${name} | ${perSecond.toFixed(0)} | ${(perSecond / sqlite).toFixed(2)} | ` +
      `${median(runs.map((r) => r.p50)).toFixed(2)} | ${median(runs.map((r) => r.p99)).toFixed(2)} |`,
  );
}
console.log(`\nstandby serving after kill -9 of the active engine (--lease-ttl 1000): median ${median(takeovers)} ms (${takeovers.join(', ')})`);
