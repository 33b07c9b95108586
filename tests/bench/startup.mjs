// Start-up time and memory with a long journal, from the journal alone and from a state
// snapshot plus the journal after it. A journal of N records (300,000 by default: a day
// of Q&A where votes are the bulk, with asks, approvals, posts and clock ticks among
// them) is written straight into a data folder's SQLite journal, in the records the
// server itself writes. The server starts on it --runs times replaying it all; then one
// more change makes it store a snapshot (--snapshot-records 1), which folds the votes and
// ticks out of the journal, and it starts --runs times from the snapshot. Prints the
// medians, the ratios, the journal's rows and the database's size before and after.
//
//   node tests/bench/startup.mjs [--records N] [--runs R] [--smoke]
//
// --smoke uses 20,000 records and one run, and fails unless the start from the snapshot
// replays only its tail and serves the same state.
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client, CompanionServer, defaultEvent, http, tempDataDir, waitFor } from '../integration/lib/harness.mjs';

const argv = process.argv.slice(2);
const option = (name, fallback) => {
  const at = argv.indexOf(name);
  return at >= 0 ? argv[at + 1] : fallback;
};
const smoke = argv.includes('--smoke');
const records = Number(option('--records', smoke ? '20000' : '300000'));
const runs = Number(option('--runs', smoke ? '1' : '3'));

// The mix of one long event, by share of the journal.
const questions = Math.max(10, Math.floor(records / 150)); // each asked and approved
const posts = Math.floor(records * 0.06);
const ticks = Math.floor(records * 0.02);
const votes = records - 2 * questions - posts - ticks;

function seedJournal(dataDir) {
  const t0 = Date.now() - 8 * 3600_000;
  const rows = [];
  let at = t0;
  const push = (record, folds = 0) =>
    rows.push(`('${defaultEvent}',${rows.length + 1},'${JSON.stringify(record).replaceAll("'", "''")}',4,${folds})`);
  const command = (role, who, cmd) =>
    ({ v: 4, kind: 'command', at: at++, role, viewer: role === 'viewer' ? who : '', subject: role === 'viewer' ? '' : who, cmd });
  for (let q = 1; q <= questions; ++q) {
    push(command('viewer', `asker-${q}`, { type: 'question.ask', text: `Question ${q} about topic ${q * 7919}?` }));
    push(command('moderator', 'mod-ana', { type: 'question.approve', question: `q${q}` }));
  }
  // Votes, posts and ticks interleaved as they come in a live event.
  const perViewer = 12;
  let vote = 0;
  for (let i = 0, post = 0, tick = 0; vote < votes || post < posts || tick < ticks; ++i) {
    if (vote < votes) {
      const viewer = Math.floor(vote / perViewer);
      const question = 1 + ((viewer * 31 + (vote % perViewer) * 7) % questions);
      push({ v: 4, kind: 'vote', w: `viewer-${viewer}`, q: `q${question}` }, 1);
      ++vote;
    }
    if (post < posts && i % Math.ceil(votes / posts) === 0) {
      const verdict = post % 10 === 0 ? 'approved' : post % 10 < 4 ? 'pending' : 'rejected';
      const id = `webhook:p${post}`;
      push({
        v: 4, kind: 'post', at: at++,
        post: { id, source: 'webhook', url: '', author_id: '', author_handle: `fan${post % 997}`, author_display_name: '',
          text: `Watching the summit ${post} #NATOSummit`, tags: ['NATOSummit'], lang: 'en', created_at: at,
          is_reply: false, is_repost: false, link_count: 0 },
        verdict, rule: verdict === 'approved' ? 'trusted_author' : 'default', reason: 'seeded',
      });
      ++post;
    }
    if (tick < ticks && i % Math.ceil(votes / ticks) === 0) {
      push({ v: 4, kind: 'tick', at: at++, viewers: 20000 + (tick % 50) }, 1);
      ++tick;
    }
  }
  const sql = path.join(dataDir, 'seed.sql');
  const out = [
    'PRAGMA journal_mode=WAL;',
    'CREATE TABLE IF NOT EXISTS journal (event TEXT NOT NULL, n INTEGER NOT NULL, record TEXT NOT NULL,' +
      ' format INTEGER NOT NULL DEFAULT 1, folds INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (event, n)) WITHOUT ROWID;',
    'BEGIN;',
  ];
  for (let i = 0; i < rows.length; i += 500)
    out.push(`INSERT INTO journal (event, n, record, format, folds) VALUES ${rows.slice(i, i + 500).join(',')};`);
  out.push('COMMIT;');
  writeFileSync(sql, out.join('\n'));
  execFileSync('sqlite3', [path.join(dataDir, 'companion.db'), `.read ${sql}`]);
  return rows.length;
}

const peakKiB = (pid) => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const journalRows = (dataDir) =>
  Number(execFileSync('sqlite3', [path.join(dataDir, 'companion.db'), 'SELECT count(*) FROM journal']).toString().trim());
const databaseBytes = (dataDir) => {
  execFileSync('sqlite3', [path.join(dataDir, 'companion.db'), 'PRAGMA wal_checkpoint(TRUNCATE); VACUUM;']);
  return statSync(path.join(dataDir, 'companion.db')).size;
};
const comparable = (state) => JSON.stringify({ ...state, stats: undefined });

// One start: milliseconds to "listening", peak memory, the state, the tail it replayed.
// Only the life that makes the snapshot stores one (--snapshot-records 1); the measured
// starts keep the default, so none of them stores another.
async function start(dataDir, then) {
  const args = then ? ['--snapshot-records', '1'] : [];
  const server = new CompanionServer({ dataDir, args, startTimeout: 900_000 });
  const began = Date.now();
  await server.start();
  const ms = Date.now() - began;
  const kib = peakKiB(server.proc.pid);
  // Tallies the journal left unpublished go out on the first ticks: the state is read once
  // two reads a tick apart agree.
  let last = '';
  const state = await waitFor(
    async () => {
      const read = (await http(server, `/api/events/${defaultEvent}/state`)).json;
      const same = comparable(read) === last;
      last = comparable(read);
      return same && read;
    },
    { timeout: 30_000, interval: 300, what: 'a settled state' },
  );
  const replayed = Number(/event=event_loaded [^\n]*journal=(\d+)/.exec(server.errors)?.[1]);
  if (then) await then(server);
  await server.stop();
  return { ms, kib, state, replayed };
}

const dataDir = tempDataDir();
let failed = false;
try {
  const seeded = seedJournal(dataDir);
  const rowsBefore = journalRows(dataDir);
  const bytesBefore = databaseBytes(dataDir);
  const full = [];
  for (let run = 0; run < runs; ++run) full.push(await start(dataDir));
  // One more change: with --snapshot-records 1 the server stores a snapshot after it.
  await start(dataDir, async (server) => {
    const producer = await Client.open(server.wsUrl);
    await producer.hello({ token: server.token('producer') });
    await producer.request({ type: 'announce', text: 'A snapshot follows this' });
    await waitFor(async () => /^companion_store_snapshots_total [1-9]/m.test((await http(server, '/metrics')).text), {
      timeout: 600_000, what: 'the snapshot',
    });
    producer.ws.terminate();
  });
  const rowsAfter = journalRows(dataDir);
  const bytesAfter = databaseBytes(dataDir);
  const fromSnapshot = [];
  for (let run = 0; run < runs; ++run) fromSnapshot.push(await start(dataDir));
  const figures = {
    records: seeded, questions, posts, votes, ticks, runs,
    full_start_ms: median(full.map((r) => r.ms)), snapshot_start_ms: median(fromSnapshot.map((r) => r.ms)),
    full_peak_rss_kib: median(full.map((r) => r.kib)), snapshot_peak_rss_kib: median(fromSnapshot.map((r) => r.kib)),
    full_replayed: full[0].replayed, snapshot_replayed: fromSnapshot[0].replayed,
    journal_rows_before: rowsBefore, journal_rows_after: rowsAfter,
    database_bytes_before: bytesBefore, database_bytes_after: bytesAfter,
  };
  figures.ratio_start = Number((figures.full_start_ms / figures.snapshot_start_ms).toFixed(1));
  figures.ratio_peak_rss = Number((figures.full_peak_rss_kib / figures.snapshot_peak_rss_kib).toFixed(2));
  console.log(JSON.stringify(figures));
  // The announcement is the one change between the two: the rest of the state is the same.
  const before = { ...full.at(-1).state, announcement: undefined };
  const after = { ...fromSnapshot.at(-1).state, announcement: undefined };
  if (comparable(before) !== comparable(after)) {
    console.error('the state from the snapshot differs from the replayed one');
    failed = true;
  }
  // The snapshot life may journal a tick or two after its snapshot, before it stops.
  if (!(figures.snapshot_replayed < 10)) {
    console.error(`the start from the snapshot replayed ${figures.snapshot_replayed} records`);
    failed = true;
  }
} finally {
  execFileSync('rm', ['-rf', dataDir]);
}
process.exit(failed ? 1 : 0);
