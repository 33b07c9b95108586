// Journal format versions with the real binary: a journal holding records this build
// cannot replay as written (a newer format, a kind it has no rules for) is refused at
// startup with the way out, and `companion journal upgrade` starts a new epoch from
// what this build reads, so resuming clients get a fresh snapshot instead of a history
// rebuilt differently under the old epoch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { Client, CompanionServer, companionBin, defaultEvent, http, joinClient, serverLives } from './lib/harness.mjs';

const sql = (dataDir, statement) =>
  execFileSync('sqlite3', [path.join(dataDir, 'companion.db')], { input: statement }).toString().trim();
const quote = (text) => `'${text.replaceAll("'", "''")}'`;

function companion(args) {
  return spawnSync(companionBin, args, { encoding: 'utf8', timeout: 15000 });
}

function refusedStart(dataDir) {
  return spawnSync(companionBin, ['serve', '--listen', '127.0.0.1:0', '--data', dataDir, '--quiet'], {
    encoding: 'utf8',
    timeout: 15000,
  });
}

// Appends rows to the event's journal as another build would have written them.
function appendRows(dataDir, records) {
  const last = Number(sql(dataDir, `SELECT coalesce(max(n), 0) FROM journal WHERE event = ${quote(defaultEvent)};`));
  sql(
    dataDir,
    records
      .map(
        (record, i) =>
          `INSERT INTO journal (event, n, record, format) VALUES (${quote(defaultEvent)}, ${last + i + 1}, ${quote(
            JSON.stringify(record),
          )}, ${record.v ?? 1});`,
      )
      .join('\n'),
  );
  return last;
}

test('a journal from a newer build is refused at startup; journal upgrade starts a new epoch that clients resume into', async (t) => {
  const life = serverLives(t, ['--quiet']);
  const first = await life();
  const producer = await joinClient(t, first, { token: first.token('producer') });
  for (const text of ['Doors open', 'Panel at ten']) assert.equal((await producer.request({ type: 'announce', text })).type, 'ack');
  const viewer = await joinClient(t, first);
  const { epoch, seq } = viewer.welcome;
  assert.ok(seq >= 2);
  await first.stop();
  const dataDir = first.dataDir;

  // What a later build could have added: an announcement in format 5 (one past this
  // build's 4), then a kind this build has no rules for, then a command it does not know.
  const at = Date.now();
  const written = appendRows(dataDir, [
    { v: 5, kind: 'command', at, role: 'producer', viewer: '', subject: 'console', cmd: { type: 'announce', text: 'From a newer build' } },
    { v: 5, kind: 'reaction', at, emoji: 'clap', count: 12 },
    { v: 5, kind: 'command', at, role: 'producer', viewer: '', subject: 'console', cmd: { type: 'survey.open', question: 'Tea?' } },
  ]);
  // Two announcements, and the ticks that published stats while viewers were there.
  assert.ok(written >= 2, `records journaled by this build: ${written}`);

  const refused = refusedStart(dataDir);
  assert.equal(refused.status, 1, refused.stderr);
  assert.ok(
    refused.stderr.includes(`journal of event ${defaultEvent} cannot be replayed by this build: record ${written + 1} has format version 5`),
    refused.stderr,
  );
  assert.match(refused.stderr, /replays format versions 1 to \d+/);
  assert.ok(
    refused.stderr.includes(`companion journal upgrade --data ${dataDir} --event ${defaultEvent}`),
    `the refusal names the command to run: ${refused.stderr}`,
  );
  assert.equal(Number(sql(dataDir, 'SELECT count(*) FROM journal;')), written + 3, 'a refused start changes nothing');

  const upgrade = companion(['journal', 'upgrade', '--data', dataDir, '--event', defaultEvent]);
  assert.equal(upgrade.status, 0, upgrade.stderr);
  const newEpoch = /new epoch (\w+) \(was (\w+)\)/.exec(upgrade.stdout);
  assert.ok(newEpoch, upgrade.stdout);
  assert.equal(newEpoch[2], epoch);
  assert.notEqual(newEpoch[1], epoch);
  assert.ok(
    upgrade.stdout.includes(`${written} records kept as they were, 1 of a newer format now read by this build's rules, 2 left out`),
    upgrade.stdout,
  );
  assert.ok(upgrade.stdout.includes(`record ${written + 1} has format version 5`), upgrade.stdout);
  // Nothing is lost: the old epoch's five rows are kept under their epoch.
  assert.equal(Number(sql(dataDir, `SELECT count(*) FROM journal_archive WHERE epoch = ${quote(epoch)};`)), written + 3);

  const second = await life();
  // A viewer resuming from the old epoch gets the new one and a snapshot, not changes.
  const resumed = await Client.open(second.wsUrl);
  t.after(() => resumed.ws.terminate());
  const welcome = await resumed.hello({ resume: { epoch, seq } });
  assert.equal(welcome.epoch, newEpoch[1]);
  assert.notEqual(welcome.recovered, true);
  const snapshot = await resumed.next((frame) => frame.type === 'snapshot');
  assert.equal(snapshot.epoch ?? welcome.epoch, newEpoch[1]);
  assert.ok(welcome.seq >= 3, 'two announcements of this build and the one read by its rules, at least');
  assert.equal(snapshot.state.announcement.text, 'From a newer build');
  assert.equal((await http(second, `/api/events/${defaultEvent}/state`)).json.announcement.text, 'From a newer build');

  // The new epoch carries on: a change is acknowledged and reaches the resumed viewer.
  const again = await joinClient(t, second, { token: second.token('producer') });
  const ack = await again.request({ type: 'announce', text: 'After the upgrade' });
  assert.equal(ack.type, 'ack');
  assert.ok(ack.seq > welcome.seq);
  const change = await resumed.next((frame) => frame.type === 'change' && frame.seq === ack.seq);
  assert.equal(change.epoch, newEpoch[1]);
  await second.stop();

  // A journal this build replays as it is needs nothing.
  const nothing = companion(['journal', 'upgrade', '--data', dataDir, '--event', defaultEvent]);
  assert.equal(nothing.status, 0, nothing.stderr);
  assert.match(nothing.stdout, /replays with this build as it is: nothing to upgrade/);
  assert.equal(Number(sql(dataDir, `SELECT count(*) FROM journal_archive;`)), written + 3, 'and archives nothing more');

  const third = await life();
  const later = await joinClient(t, third);
  assert.equal(later.welcome.epoch, newEpoch[1]);
  assert.ok(later.welcome.seq >= ack.seq, 'the upgraded journal and what followed replay on every start');
  assert.equal((await http(third, `/api/events/${defaultEvent}/state`)).json.announcement.text, 'After the upgrade');
});

test('a record of a kind this build has no rules for is refused at startup too', async (t) => {
  const server = new CompanionServer({ args: ['--quiet'] });
  t.after(() => server.cleanup());
  await server.start();
  await server.stop();
  appendRows(server.dataDir, [{ v: 3, kind: 'reaction', at: Date.now(), emoji: 'clap' }]);
  const refused = refusedStart(server.dataDir);
  assert.equal(refused.status, 1, refused.stderr);
  assert.match(refused.stderr, /record 1 has kind "reaction"/);
  assert.match(refused.stderr, /companion journal upgrade --data/);
});

test('journal upgrade refuses to run beside a server on the same data folder', async (t) => {
  const server = await new CompanionServer({ args: ['--quiet'] }).start();
  t.after(async () => {
    await server.stop();
    server.cleanup();
  });
  const refused = companion(['journal', 'upgrade', '--data', server.dataDir, '--event', defaultEvent]);
  assert.equal(refused.status, 1);
  assert.match(refused.stderr, /another companion process is using the journal in .* stop it first/);
  // The server was not disturbed: it still writes, and no append of it was fenced.
  const producer = await joinClient(t, server, { token: server.token('producer') });
  assert.equal((await producer.request({ type: 'announce', text: 'Still here' })).type, 'ack');
  const metrics = (await http(server, '/metrics')).text;
  assert.match(metrics, /^companion_store_fenced_total 0$/m);
  assert.match(metrics, /^companion_store_records_total [1-9]\d*$/m);
});

test('journal upgrade without an event, or with an unknown action, says what it needs', () => {
  const noEvent = companion(['journal', 'upgrade']);
  assert.equal(noEvent.status, 2);
  assert.match(noEvent.stderr, /name the event with --event ID/);
  const unknown = companion(['journal', 'compact']);
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /the only action is 'upgrade'/);
  const help = companion(['journal', '--help']);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /new epoch/);
  assert.match(companion(['--help']).stdout, /companion journal upgrade/);
});
