// Faults: SIGTERM under load, a data folder that fills up or turns read-only, dead
// peers, and a reconnect storm of 1,000 clients after a restart, using the web
// client's own backoff policy (full jitter).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  Client,
  CompanionServer,
  defaultEvent,
  http,
  joinClient,
  openMany,
  repoRoot,
  sleep,
  startServer,
  tempDataDir,
  waitFor,
} from './lib/harness.mjs';
import { OP, RawSocket, fdCount, rawViewer, waitForFds } from './hardening-helpers.mjs';

const stateOf = async (server) => (await http(server, `/api/events/${defaultEvent}/state`)).json;

test('SIGTERM under load: every client gets 1001, acknowledged changes are stored, exit 0 within 5 s', async (t) => {
  const dataDir = tempDataDir();
  const server = await new CompanionServer({ dataDir, args: ['--quiet'] }).start();
  t.after(async () => {
    await server.stop();
  });
  const viewers = await openMany(t, server, 300, { batch: 100 });
  const producers = await Promise.all([0, 1, 2].map(() => joinClient(t, server, { token: server.token('producer') })));
  const acked = [];
  let running = true;
  const load = producers.map(async (producer, p) => {
    for (let n = 0; running; ++n) {
      producer.send({ type: 'announce', id: `${p}-${n}`, text: `load ${p}-${n}` });
      const answer = await producer.next((f) => f.id === `${p}-${n}`, { timeout: 10000 }).catch(() => null);
      if (answer?.type === 'ack') acked.push(answer.seq);
      if (!answer || answer.type !== 'ack') return;
    }
  });
  await waitFor(() => acked.length >= 50, { what: 'load to build up' });
  const began = Date.now();
  server.proc.kill('SIGTERM');
  const exit = await Promise.race([server.exited, sleep(5000).then(() => 'timeout')]);
  const tookMs = Date.now() - began;
  running = false;
  assert.notEqual(exit, 'timeout', 'the server exits within 5 s');
  assert.deepEqual(exit, { code: 0, signal: null });
  const closes = await Promise.all([...viewers, ...producers].map((client) => client.closed));
  const codes = new Map();
  for (const { code } of closes) codes.set(code, (codes.get(code) ?? 0) + 1);
  t.diagnostic(`exit after ${tookMs} ms; close codes ${JSON.stringify([...codes])}; ${acked.length} acked changes`);
  assert.deepEqual([...codes.keys()], [1001]);
  await Promise.all(load);

  // Every acknowledged change is in the store: a new server on the same folder has them.
  const again = await new CompanionServer({ dataDir, args: ['--quiet'] }).start();
  t.after(async () => {
    await again.stop();
    again.cleanup();
  });
  const viewer = await joinClient(t, again);
  assert.ok(viewer.welcome.seq >= Math.max(...acked), `seq ${viewer.welcome.seq} after ${Math.max(...acked)} acked`);
});

// A tmpfs of `size` mounted on a fresh folder ({dir, release}), or null where mounting is
// not allowed. `release` unmounts it; call it after the server using it has stopped.
function tinyFilesystem(size) {
  const dir = mkdtempSync(path.join(tmpdir(), 'companion-full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return null;
  }
  const release = () => {
    execFileSync('umount', [dir], { stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  };
  return { dir, release };
}

// Writes zeros into `file` until the filesystem refuses (ENOSPC).
function fillUp(file) {
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(64 * 1024);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (error) {
    if (error.code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
}

// Once the store can write again, an announcement is acknowledged and broadcast under its seq.
async function expectWritesRecover(producer, viewer) {
  const ack = await waitFor(
    async () => {
      const answer = await producer.request({ type: 'announce', text: 'after' });
      return answer.type === 'ack' ? answer : null;
    },
    { timeout: 5000, interval: 200, what: 'writes to work again' },
  );
  const change = await viewer.next((f) => f.type === 'change' && f.data?.text === 'after');
  assert.equal(change.seq, ack.seq);
}

async function expectRefusedWrites(t, server, producer, viewer, why) {
  const before = await stateOf(server);
  const refused = await producer.request({ type: 'announce', text: 'written to a full disk?' });
  assert.equal(refused.type, 'error');
  assert.equal(refused.code, 'internal');
  assert.match(refused.message, /could not be stored/);
  await waitFor(() => why.test(server.errors), { what: `the log to give the reason (${why})` });
  // Reads keep working: the state, a new viewer's snapshot, pings.
  const during = await stateOf(server);
  assert.deepEqual(during.announcement, before.announcement);
  const late = await joinClient(t, server);
  assert.ok(late.frames.some((f) => f.type === 'snapshot'));
  assert.equal((await viewer.request({ type: 'ping' })).type, 'pong');
  assert.ok(!viewer.changes().some((c) => c.data?.text === 'written to a full disk?'));
}

test('a full data folder: writes are refused as internal with the reason logged, reads go on, writes recover', async (t) => {
  const mounted = tinyFilesystem('4m');
  if (!mounted) return t.skip('mounting a tmpfs is not permitted here');
  const { dir } = mounted;
  const server = new CompanionServer({ dataDir: path.join(dir, 'data') });
  t.after(async () => {
    await server.stop();
    mounted.release();
  });
  await server.start();
  const producer = await joinClient(t, server, { token: server.token('producer') });
  const viewer = await joinClient(t, server);
  assert.equal((await producer.request({ type: 'announce', text: 'before' })).type, 'ack');

  fillUp(path.join(dir, 'filler'));
  await expectRefusedWrites(t, server, producer, viewer, /store_write_failed.*(full|disk)/i);

  rmSync(path.join(dir, 'filler'));
  await expectWritesRecover(producer, viewer);
  assert.equal((await stateOf(server)).announcement.text, 'after');
});

test('a read-only journal: writes are refused as internal, reads go on, writes recover when it is writable', async (t) => {
  const server = await startServer(t);
  const producer = await joinClient(t, server, { token: server.token('producer') });
  const viewer = await joinClient(t, server);
  assert.equal((await producer.request({ type: 'announce', text: 'before' })).type, 'ack');
  // As root a chmod does not stop writes; the immutable flag does, even on open files.
  const journal = ['companion.db', 'companion.db-wal'].map((name) => path.join(server.dataDir, name)).filter(existsSync);
  try {
    execFileSync('chattr', ['+i', ...journal], { stdio: 'ignore' });
  } catch {
    return t.skip('chattr +i is not available on this filesystem');
  }
  let locked = true;
  const unlock = () => {
    if (locked) execFileSync('chattr', ['-i', ...journal], { stdio: 'ignore' });
    locked = false;
  };
  t.after(unlock);
  await expectRefusedWrites(t, server, producer, viewer, /store_write_failed.*(error|permit|readonly)/i);
  unlock();
  await expectWritesRecover(producer, viewer);
});

test('dead peers: a silent client is closed at the idle timeout; an answering one stays; descriptors return', async (t) => {
  const server = await startServer(t, { args: ['--quiet', '--ping-interval', '1', '--idle-timeout', '3'] });
  const baseline = fdCount(server.proc.pid);
  // Says hello, then never sends a byte again: it answers no ping.
  const { raw: silent } = await rawViewer(server.port);
  t.after(() => silent.destroy());
  const joinedAt = Date.now();
  // A real client whose WebSocket library answers every ping, and nothing else.
  const alive = await joinClient(t, server);
  const close = await silent.closeFrame({ timeout: 8000 });
  const after = Date.now() - joinedAt;
  assert.equal(close.code, 1001);
  assert.match(close.reason, /idle/);
  assert.ok(after >= 2500 && after <= 5000, `closed after ${after} ms (idle timeout 3 s)`);
  const pings = silent.frames.filter((f) => f.opcode === OP.ping).length;
  // Pings go out on the once-a-second sweep: one or two fit before the 3 s timeout.
  assert.ok(pings >= 1, `${pings} pings sent to the silent client`);
  // The silent peer does not even answer the close: the server ends it after the linger.
  await silent.ended;
  await sleep(2000);
  assert.equal(alive.ws.readyState, 1, 'the client answering pings is still open');
  assert.equal((await alive.request({ type: 'ping' })).type, 'pong');
  alive.ws.terminate();
  silent.destroy();
  const now = await waitForFds(server.proc.pid, baseline, { timeout: 4000 });
  t.diagnostic(`descriptors: baseline ${baseline}, after ${now}`);
  assert.ok(now <= baseline);
});

// 1,000 clients in their own process, reconnecting as the web client does
// (web-client/js/connection.js: full jitter, base 500 ms, cap 30 s, the first retry after a
// 1001 spread over 6 s, resume on hello).
const stormScript = `
  import WebSocket from 'ws';
  const [url, count, localAddress] = [process.argv[1], Number(process.argv[2]), process.argv[3]];
  const BASE = 500, CAP = 30000, GOING_AWAY_WINDOW = 6000;
  const clients = [];
  let restartAt = null;
  const report = (what) => process.stdout.write(JSON.stringify(what) + '\\n');
  function connect(client) {
    const ws = new WebSocket(url, { perMessageDeflate: false, localAddress });
    client.ws = ws;
    ws.on('open', () => {
      const hello = { type: 'hello', id: 'h' };
      if (client.epoch) hello.resume = { epoch: client.epoch, seq: client.seq };
      ws.send(JSON.stringify(hello));
    });
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString());
      if (frame.type === 'welcome') {
        const again = client.epoch !== undefined;
        client.epoch = frame.epoch; client.seq = frame.seq; client.attempt = 0;
        if (again) report({ back: Date.now(), recovered: frame.recovered });
        else if (++joined === count) report({ joined });
      } else if (frame.type === 'change') client.seq = frame.seq;
    });
    ws.on('error', () => {});
    ws.on('close', (code) => {
      const spread = code === 1001 && client.attempt === 0;
      const ceiling = spread ? GOING_AWAY_WINDOW : Math.min(CAP, BASE * 2 ** client.attempt);
      if (spread) client.attempt = Math.ceil(Math.log2(GOING_AWAY_WINDOW / BASE)) - 1;
      client.attempt += 1;
      setTimeout(() => connect(client), Math.floor(Math.random() * ceiling));
    });
  }
  let joined = 0;
  for (let i = 0; i < count; ++i) { const client = { attempt: 0 }; clients.push(client); connect(client); }
`;

let stormResult = null;

test('reconnect storm: 1,000 clients with full-jitter backoff all come back and resume after a restart', async (t) => {
  const dataDir = tempDataDir();
  const first = await new CompanionServer({ dataDir, args: ['--quiet'] }).start();
  t.after(async () => {
    await first.stop();
  });
  const storm = spawn(process.execPath, ['--input-type=module', '-e', stormScript, first.wsUrl, '1000', '127.0.0.1'], {
    cwd: path.join(repoRoot, 'tests'),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  t.after(() => storm.kill('SIGKILL'));
  const events = [];
  let pending = '';
  storm.stdout.on('data', (chunk) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop();
    for (const line of lines) events.push(JSON.parse(line));
  });
  await waitFor(() => events.some((e) => e.joined === 1000), { timeout: 20000, what: '1,000 clients to join' });

  const stoppedAt = Date.now();
  await first.stop('SIGTERM');
  // Same port, so the clients find it again (a later --listen wins over the harness's).
  const second = new CompanionServer({ dataDir, args: ['--listen', `127.0.0.1:${first.port}`, '--quiet'] });
  t.after(async () => {
    await second.stop();
    second.cleanup();
  });
  await second.start();
  const listeningAt = Date.now();

  const capMs = 30000;
  await waitFor(() => events.filter((e) => e.back).length >= 1000, {
    timeout: capMs + 5000 - (Date.now() - stoppedAt),
    interval: 100,
    what: 'all 1,000 clients back',
  });
  const backs = events.filter((e) => e.back);
  const lastBack = Math.max(...backs.map((e) => e.back)) - stoppedAt;
  const firstSecond = backs.filter((e) => e.back - listeningAt < 1000).length;
  t.diagnostic(
    `down ${listeningAt - stoppedAt} ms; back in the first second after listening: ${firstSecond} (${(firstSecond / 10).toFixed(1)}%); ` +
      `all back ${lastBack} ms after the stop; recovered ${backs.filter((e) => e.recovered).length}`,
  );
  assert.ok(lastBack <= capMs + 5000, `all back within the backoff cap + 5 s (${lastBack} ms)`);
  assert.equal(backs.filter((e) => e.recovered).length, 1000, 'every client resumed (recovered: true)');
  // Within the first second after the stop, at most 20% are back (the server is restarting,
  // and the jitter spreads the rest).
  const earlyAfterStop = backs.filter((e) => e.back - stoppedAt < 1000).length;
  t.diagnostic(`back within a second of the stop: ${earlyAfterStop}`);
  stormResult = { earlyAfterStop, firstSecond };
});

test(
  'reconnect storm: at most 20% of the clients reconnect in the first second',
  { timeout: 5000 },
  () => {
    assert.ok(stormResult, 'the storm ran');
    const { earlyAfterStop, firstSecond } = stormResult;
    assert.ok(earlyAfterStop <= 200, `${earlyAfterStop} of 1,000 back within a second of the stop`);
    assert.ok(firstSecond <= 200, `${firstSecond} of 1,000 back in the first second after the restart`);
  },
);
