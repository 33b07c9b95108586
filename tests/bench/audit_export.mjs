// The audit export at the size of a long event: a journal of N moderation decisions
// (300,000 by default: a flood of auto-rejected posts with moderators' approvals spread
// through it) is written straight into a data folder's SQLite journal, in the records
// the server itself writes, and companion serves /audit.csv from it while a client
// keeps reading /state. It prints the export's time and size, the server's peak
// memory before and after, and the slowest /state answer meanwhile: the export runs on
// a thread of its own, so the I/O threads keep answering. The reference measured in the
// same run is the server's own start, which replays the same journal.
//
//   node tests/bench/audit_export.mjs [--decisions N] [--smoke]
//
// --smoke uses 20,000 decisions and fails unless the export is complete (every row,
// every moderator decision, including the first) and /state answered within 1 s throughout.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CompanionServer, defaultEvent, http, tempDataDir } from '../integration/lib/harness.mjs';

const argv = process.argv.slice(2);
const option = (name, fallback) => {
  const at = argv.indexOf(name);
  return at >= 0 ? argv[at + 1] : fallback;
};
const smoke = argv.includes('--smoke');
const decisions = Number(option('--decisions', smoke ? '20000' : '300000'));
// One held post approved by a moderator every 1,000 decisions: two audit rows each.
const approvals = Math.floor(decisions / 1000);
const rejectedPosts = decisions - 2 * approvals;

function postRecord(n, at, verdict) {
  const id = `webhook:p${n}`;
  const post = {
    id, source: 'webhook', url: '', author_id: '', author_handle: `flood${n % 97}`, author_display_name: '',
    text: `Buy now ${n} #NATOSummit`, tags: ['NATOSummit'], lang: 'en', created_at: at, is_reply: false,
    is_repost: false, link_count: 0,
  };
  return verdict === 'rejected'
    ? { v: 3, kind: 'post', at, post, verdict, rule: 'blocked_term', reason: 'blocked term' }
    : { v: 3, kind: 'post', at, post, verdict, rule: 'default', reason: 'held for review' };
}

// The journal as the server writes it, through the sqlite3 shell in one transaction.
function seedJournal(dataDir) {
  const started = Date.now();
  const t0 = Date.now() - 8 * 3600_000;
  const rows = [];
  let n = 0;
  const push = (record) => rows.push(`('${defaultEvent}',${rows.length + 1},'${JSON.stringify(record).replaceAll("'", "''")}',3)`);
  const every = Math.floor(rejectedPosts / Math.max(1, approvals));
  for (let i = 0, approved = 0; i < rejectedPosts; ++i) {
    const at = t0 + n++;
    push(postRecord(i, at, 'rejected'));
    if (approved < approvals && i % every === 0) {
      const id = `h${approved++}`;
      push(postRecord(id, at, 'pending'));
      push({ v: 3, kind: 'command', at: at + 1, role: 'moderator', viewer: '', subject: `mod-${approved % 3}`,
        cmd: { type: 'post.approve', post: `webhook:p${id}` } });
    }
  }
  const sql = path.join(dataDir, 'seed.sql');
  const out = [
    'PRAGMA journal_mode=WAL;',
    'CREATE TABLE IF NOT EXISTS journal (event TEXT NOT NULL, n INTEGER NOT NULL, record TEXT NOT NULL,' +
      ' format INTEGER NOT NULL DEFAULT 1, PRIMARY KEY (event, n)) WITHOUT ROWID;',
    'BEGIN;',
  ];
  for (let i = 0; i < rows.length; i += 500) out.push(`INSERT INTO journal (event, n, record, format) VALUES ${rows.slice(i, i + 500).join(',')};`);
  out.push('COMMIT;');
  writeFileSync(sql, out.join('\n'));
  execFileSync('sqlite3', [path.join(dataDir, 'companion.db'), `.read ${sql}`]);
  return { records: rows.length, ms: Date.now() - started };
}

const peakKiB = (pid) => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);

const dataDir = tempDataDir();
const seeded = seedJournal(dataDir);
// The server replays the whole journal before it listens.
const server = new CompanionServer({ dataDir, args: ['--quiet'], startTimeout: 600_000 });
let failed = false;
try {
  const loadStarted = Date.now();
  await server.start();
  const loadMs = Date.now() - loadStarted;
  const token = server.token('moderator');
  const before = peakKiB(server.proc.pid);
  // /state keeps being read while the export is built: its slowest answer shows whether
  // an I/O thread waited for the export.
  let exporting = true;
  const stateMs = [];
  const poller = (async () => {
    while (exporting) {
      const asked = performance.now();
      const answer = await http(server, `/api/events/${defaultEvent}/state`);
      if (answer.status !== 200) throw new Error(`/state answered ${answer.status}`);
      stateMs.push(performance.now() - asked);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  const asked = performance.now();
  const csv = await http(server, `/api/events/${defaultEvent}/audit.csv`, { headers: { authorization: `Bearer ${token}` } });
  const exportMs = performance.now() - asked;
  exporting = false;
  await poller;
  if (csv.status !== 200) throw new Error(`audit.csv answered ${csv.status}: ${csv.text.slice(0, 200)}`);
  const lines = csv.text.split('\n').filter((line) => line.length > 0);
  const byModerators = lines.filter((line) => /,mod-\d,approved,/.test(line)).length;
  const after = peakKiB(server.proc.pid);
  const slowest = Math.max(...stateMs);
  const figures = {
    decisions, journal_records: seeded.records, seed_ms: seeded.ms, load_ms: loadMs,
    export_ms: Math.round(exportMs), csv_bytes: Buffer.byteLength(csv.text), csv_rows: lines.length - 1,
    moderator_rows: byModerators, first_approval_kept: lines.some((line) => line.includes(',approved,post,webhook:ph0,')),
    peak_rss_kib_before: before, peak_rss_kib_after: after, state_reads: stateMs.length,
    state_ms_median: Number(stateMs.sort((a, b) => a - b)[Math.floor(stateMs.length / 2)].toFixed(1)),
    state_ms_slowest: Number(slowest.toFixed(1)),
    // The reference in the same run: the start-up replay of the same journal.
    ratio_export_to_load: Number((exportMs / loadMs).toFixed(2)),
    ratio_peak_rss: Number((after / before).toFixed(2)),
  };
  console.log(JSON.stringify(figures));
  if (figures.csv_rows !== decisions) { console.error(`expected ${decisions} rows`); failed = true; }
  if (byModerators !== approvals || !figures.first_approval_kept) { console.error('moderator decisions missing'); failed = true; }
  if (smoke && slowest > 1000) { console.error('/state waited for the export'); failed = true; }
} finally {
  await server.stop();
  server.cleanup();
}
process.exit(failed ? 1 : 0);
