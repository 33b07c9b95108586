// Join cost at any size: the bytes and the time a viewer and a moderator need to hold
// their first frames (welcome and snapshot; a moderator also its queue.snapshot), with
// an event of 100, 1,000 and 10,000 questions. Each size gets its own server, filled
// with N approved questions (a tenth of them answered), N questions waiting for
// moderation and N held posts. Prints one line per size and the ratio to the first
// size, measured in the same run: flat means joining does not grow with the event.
//
//   COMPANION_BIN=build/release/gateway/companion node tests/bench/join_cost.mjs \
//     [--sizes 100,1000,10000] [--joins 30] [--smoke]
//
// --smoke: sizes 160 and 320 (both past the snapshot's bounds), 5 joins each, and checks
// that the bytes stay flat (for CI).
import { Client, CompanionServer, http, waitFor } from '../integration/lib/harness.mjs';
import { questionText, seedArgs, seedHeldPosts, spread, staffClient } from '../integration/lib/seed.mjs';

const argv = process.argv.slice(2);
const option = (name, fallback) => {
  const at = argv.indexOf(name);
  return at >= 0 ? argv[at + 1] : fallback;
};
const smoke = argv.includes('--smoke');
const sizes = (option('--sizes', smoke ? '160,320' : '100,1000,10000')).split(',').map(Number);
const joins = Number(option('--joins', smoke ? '5' : '30'));

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

// One join: resolves with the bytes of every frame up to the last first frame, and the time.
async function joinOnce(server, token) {
  const started = process.hrtime.bigint();
  const client = new Client(server.wsUrl, { perMessageDeflate: false });
  let bytes = 0;
  client.ws.on('message', (data) => {
    bytes += data.length;
  });
  await new Promise((resolve, reject) => {
    client.ws.once('open', resolve);
    client.ws.once('error', reject);
  });
  await client.hello(token ? { token } : {});
  await client.next((f) => f.type === 'snapshot', { timeout: 30000 });
  if (token) await client.next((f) => f.type === 'queue.snapshot', { timeout: 30000 });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const counted = bytes;
  client.ws.terminate();
  return { bytes: counted, ms };
}

async function queueDepth(server) {
  const { text } = await http(server, '/metrics');
  const line = text.split('\n').find((l) => l.startsWith('companion_moderation_queue_depth{'));
  return line === undefined ? undefined : Number(line.split(' ').pop());
}

async function measure(size) {
  const server = new CompanionServer({ args: [...seedArgs, '--no-fsync', '--quiet'] });
  await server.start();
  try {
    await seedHeldPosts(server, server.token('ingest'), { count: size });
    await waitFor(async () => (await queueDepth(server)) === size, { timeout: 120000, interval: 200, what: 'held posts' });
    // Viewers ask (they are sent no queue frames); two moderators approve, with few commands
    // in flight, so that the queue frames every staff socket is sent never pile up to a 4008.
    const askers = [];
    for (let i = 0; i < 40; ++i) {
      const client = new Client(server.wsUrl, { perMessageDeflate: false });
      await new Promise((resolve) => client.ws.once('open', resolve));
      await client.hello();
      askers.push(client);
    }
    const staff = [];
    for (let i = 0; i < 2; ++i) staff.push(await staffClient(null, server, server.token('moderator')));
    const asks = [];
    for (let i = 0; i < 2 * size; ++i) asks.push({ type: 'question.ask', text: questionText(i), name: `Guest ${i}` });
    const ids = (await spread(askers, asks, { window: 20 })).map((ack) => String(ack.question));
    await spread(staff, ids.slice(0, size).map((question) => ({ type: 'question.approve', question })), { window: 25 });
    await spread(staff, ids.slice(0, Math.floor(size / 10)).map((question) => ({ type: 'question.answered', question })), { window: 25 });
    for (const client of [...askers, ...staff]) client.ws.terminate();
    const token = server.token('moderator');
    const viewer = [];
    const moderator = [];
    for (let i = 0; i < joins; ++i) {
      viewer.push(await joinOnce(server));
      moderator.push(await joinOnce(server, token));
    }
    return {
      size,
      viewer_bytes: median(viewer.map((j) => j.bytes)),
      viewer_ms: median(viewer.map((j) => j.ms)),
      moderator_bytes: median(moderator.map((j) => j.bytes)),
      moderator_ms: median(moderator.map((j) => j.ms)),
    };
  } finally {
    await server.stop();
    server.cleanup();
  }
}

const results = [];
for (const size of sizes) results.push(await measure(size));
const base = results[0];
const ratio = (value, reference) => (reference > 0 ? (value / reference).toFixed(2) : 'n/a');
console.log(`join cost, median of ${joins} joins per size (bytes and ms to the first frames)`);
console.log('questions  viewer_bytes  viewer_ms  moderator_bytes  moderator_ms  | ratio to the first size: viewer bytes, ms; moderator bytes, ms');
for (const r of results) {
  console.log(
    `${String(r.size).padStart(9)}  ${String(r.viewer_bytes).padStart(12)}  ${r.viewer_ms.toFixed(1).padStart(9)}  ` +
      `${String(r.moderator_bytes).padStart(15)}  ${r.moderator_ms.toFixed(1).padStart(12)}  | ` +
      `${ratio(r.viewer_bytes, base.viewer_bytes)} ${ratio(r.viewer_ms, base.viewer_ms)}; ` +
      `${ratio(r.moderator_bytes, base.moderator_bytes)} ${ratio(r.moderator_ms, base.moderator_ms)}`,
  );
}
console.log(JSON.stringify({ joins, results }));
// Bytes are the flat part by construction; a join that grew with the event would be many
// times the first size. Times on a loaded machine wander, so the smoke run checks bytes.
if (smoke) {
  const last = results[results.length - 1];
  if (last.viewer_bytes > 1.5 * base.viewer_bytes || last.moderator_bytes > 1.5 * base.moderator_bytes) {
    console.error('join cost grew with the event');
    process.exit(1);
  }
}
