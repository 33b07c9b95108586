// What a filtered or searched queue.page costs the shard that answers it: a queue of
// N held posts, a search that matches none of them (so every page looks at the whole
// scan bound), timed per page at the client over loopback, next to an unfiltered page
// of 100 measured in the same run. Prints medians and the ratio.
//
//   COMPANION_BIN=build/release/gateway/companion node tests/bench/queue_search.mjs \
//     [--posts 20000] [--scan 5000] [--rounds 20]
import { CompanionServer, http, waitFor } from '../integration/lib/harness.mjs';
import { seedArgs, seedHeldPosts, staffClient } from '../integration/lib/seed.mjs';

const argv = process.argv.slice(2);
const option = (name, fallback) => {
  const at = argv.indexOf(name);
  return at >= 0 ? Number(argv[at + 1]) : fallback;
};
const posts = option('--posts', 20000);
const scan = option('--scan', 5000);
const rounds = option('--rounds', 20);

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function timed(client, command) {
  const started = process.hrtime.bigint();
  const answer = await client.request(command, { timeout: 30000 });
  if (answer.type !== 'ack') throw new Error(JSON.stringify(answer));
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, answer };
}

const server = new CompanionServer({ args: [...seedArgs, '--no-fsync', '--quiet', '--page-scan-limit', String(scan)] });
await server.start();
try {
  await seedHeldPosts(server, server.token('ingest'), { count: posts });
  const depth = async () => Number(/companion_moderation_queue_depth\{[^}]*\} (\d+)/.exec((await http(server, '/metrics')).text)?.[1]);
  await waitFor(async () => (await depth()) === posts, { timeout: 300000, interval: 200, what: 'held posts' });
  const moderator = await staffClient(null, server, server.token('moderator'));
  const plain = [];
  const searched = [];
  const filtered = [];
  for (let r = 0; r < rounds; ++r) {
    plain.push((await timed(moderator, { type: 'queue.page', kind: 'post', limit: 100 })).ms);
    const miss = await timed(moderator, { type: 'queue.page', kind: 'post', search: 'Zürich Übersicht', limit: 100 });
    if (miss.answer.items.length !== 0 || (posts > scan && miss.answer.next === null)) throw new Error('the search should match nothing and stop at the bound');
    searched.push(miss.ms);
    filtered.push((await timed(moderator, { type: 'queue.page', kind: 'post', source: 'mastodon', limit: 100 })).ms);
  }
  moderator.ws.terminate();
  const p = median(plain);
  console.log(`queue.page over ${posts} held posts, scan bound ${scan}, median of ${rounds} (ms at the client)`);
  console.log(`unfiltered page of 100:            ${p.toFixed(2)}`);
  console.log(`search matching nothing (${scan} looked at): ${median(searched).toFixed(2)}  ratio ${(median(searched) / p).toFixed(1)}`);
  console.log(`source filter matching nothing:     ${median(filtered).toFixed(2)}  ratio ${(median(filtered) / p).toFixed(1)}`);
  console.log(JSON.stringify({ posts, scan, rounds, plain_ms: p, search_ms: median(searched), source_ms: median(filtered) }));
} finally {
  await server.stop();
  server.cleanup();
}
