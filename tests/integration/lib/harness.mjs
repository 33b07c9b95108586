// Starts the real companion binary on port 0 and talks to it with a real
// WebSocket client. Shared by every integration and browser test.
import { spawn, execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '../../..');
export const companionBin =
  process.env.COMPANION_BIN ?? path.join(repoRoot, 'build/dev/gateway/companion');
export const defaultEvent = 'nato-indo-pacific-2024';

export function tempDataDir() {
  return mkdtempSync(path.join(tmpdir(), 'companion-test-'));
}

// Polls `check` until it returns a truthy value or the deadline passes.
export async function waitFor(check, { timeout = 5000, interval = 20, what = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}

// The first line of a sanitizer report in a server's stderr, if any.
export function sanitizerReport(stderr) {
  return /^.*(ERROR: (Address|Leak|Thread|Memory)Sanitizer|WARNING: ThreadSanitizer|Sanitizer has encountered a fatal error|runtime error:).*$/m.exec(stderr)?.[0];
}

export class CompanionServer {
  // stallStderr: nobody reads the server's stderr until readStderr(), so the pipe fills
  // as a stalled journald or an unread pipe would.
  // startTimeout: how long start() waits for "listening on" (a big journal replays first).
  constructor({ dataDir = tempDataDir(), args = [], env = {}, stallStderr = false, startTimeout = 15000 } = {}) {
    this.dataDir = dataDir;
    this.startTimeout = startTimeout;
    this.stallStderr = stallStderr;
    this.args = args;
    this.env = env;
    this.output = '';
    this.errors = '';
  }

  async start() {
    this.proc = spawn(
      companionBin,
      ['serve', '--listen', '127.0.0.1:0', '--data', this.dataDir, ...this.args],
      { env: { ...process.env, ...this.env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.exited = new Promise((resolve) => this.proc.on('exit', (code, signal) => resolve({ code, signal })));
    this.proc.stdout.on('data', (chunk) => (this.output += chunk));
    if (!this.stallStderr) this.readStderr();
    const match = await waitFor(() => /listening on (https?:\/\/[^\s]+)/.exec(this.output), {
      timeout: this.startTimeout,
      what: `companion to listen (stderr: ${this.errors})`,
    });
    this.url = match[1];
    this.port = Number(new URL(this.url).port);
    this.wsUrl = this.url.replace(/^http/, 'ws') + '/ws';
    return this;
  }

  readStderr() {
    if (this.readingStderr) return;
    this.readingStderr = true;
    this.proc.stderr.on('data', (chunk) => (this.errors += chunk));
  }

  token(role, { event = defaultEvent, ttl = '1h', subject = 'test' } = {}) {
    return execFileSync(companionBin, [
      'token', '--role', role, '--event', event, '--ttl', ttl, '--subject', subject, '--data', this.dataDir,
    ]).toString().trim();
  }

  // Console link tokens printed at start, by role.
  consoleLink(role) {
    const match = new RegExp(`(http://\\S+/${role === 'producer' ? 'produce' : 'moderate'}#token=\\S+)`).exec(this.output);
    return match?.[1];
  }

  // Stops the server (SIGTERM: the clean shutdown, forced after 10 s) and fails when a
  // sanitizer build reported anything on stderr, leaks at exit included.
  async stop(signal = 'SIGTERM') {
    if (!this.proc) return undefined;
    this.readStderr(); // a stderr left stalled would hold a sanitizer's report at exit
    if (this.proc.exitCode === null && this.proc.signalCode === null) {
      this.proc.kill(signal);
      const force = setTimeout(() => this.proc.kill('SIGKILL'), 10000);
      await this.exited;
      clearTimeout(force);
    }
    const report = sanitizerReport(this.errors);
    if (report) throw new Error(`companion's sanitizer reported: ${report}\n${this.errors.slice(-6000)}`);
    return this.exited;
  }

  cleanup() {
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

// A WebSocket client that records every frame it receives and can wait for one.
export class Client {
  constructor(url, options = {}) {
    this.frames = [];
    this.receivedAt = [];
    this.waiters = [];
    this.nextId = 1;
    this.ws = new WebSocket(url, options);
    this.closed = new Promise((resolve) => {
      this.ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
    });
    this.ws.on('message', (data, isBinary) => {
      const frame = isBinary ? { binary: data } : JSON.parse(data.toString());
      this.frames.push(frame);
      this.receivedAt.push(Date.now()); // receivedAt[i] is when frames[i] arrived
      this.waiters = this.waiters.filter((waiter) => !waiter(frame));
    });
    this.ws.on('error', () => {});
  }

  static async open(url, options) {
    const client = new Client(url, options);
    await new Promise((resolve, reject) => {
      client.ws.once('open', resolve);
      client.ws.once('error', reject);
    });
    return client;
  }

  send(frame) {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  // Resolves with the first frame (already received or future) matching `predicate`.
  next(predicate, { timeout = 5000, from = 0 } = {}) {
    const seen = this.frames.slice(from).find(predicate);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching frame within ${timeout} ms; got ${JSON.stringify(this.frames.slice(-5))}`)), timeout);
      this.waiters.push((frame) => {
        if (!predicate(frame)) return false;
        clearTimeout(timer);
        resolve(frame);
        return true;
      });
    });
  }

  // Sends a command with a fresh id and resolves with its ack/error/welcome/pong.
  async request(command, options) {
    const id = this.nextId++;
    this.send({ ...command, id });
    return this.next((frame) => frame.id === id && ['ack', 'error', 'welcome', 'pong'].includes(frame.type), options);
  }

  async hello(fields = {}) {
    const welcome = await this.request({ type: 'hello', ...fields });
    if (welcome.type !== 'welcome') throw new Error(`hello refused: ${JSON.stringify(welcome)}`);
    this.welcome = welcome;
    return welcome;
  }

  changes() {
    return this.frames.filter((frame) => frame.type === 'change');
  }

  close() {
    this.ws.close();
    return this.closed;
  }
}

// ---------------------------------------------------------------------------
// Helpers shared by the integration tests (added on top of the classes above).

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// An event file of the repository, as an absolute path (the server may run anywhere).
export function eventFile(relative) {
  return path.join(repoRoot, relative);
}

// Starts a server for one test; when the test ends, stops it cleanly and removes its data.
export async function startServer(t, options = {}) {
  const server = new CompanionServer(options);
  t.after(async () => {
    try {
      await server.stop();
    } finally {
      server.cleanup();
    }
  });
  return server.start();
}

// Several server lives on one data folder, as restarts need: each call starts the next
// one. When the test ends, whatever still runs is stopped and the folder removed.
export function serverLives(t, args = []) {
  const dataDir = tempDataDir();
  const servers = [];
  t.after(async () => {
    try {
      for (const server of servers) await server.stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
  return async () => {
    const server = new CompanionServer({ dataDir, args });
    servers.push(server);
    return server.start();
  };
}

// Opens a client, says hello and registers it to be closed when the test ends.
export async function joinClient(t, server, hello = {}, options = {}) {
  const client = await Client.open(server.wsUrl, options);
  t.after(() => client.ws.terminate());
  await client.hello(hello);
  return client;
}

// Opens `count` clients in batches, spread round-robin over `localAddresses`, each hello'd.
export async function openMany(t, server, count, { localAddresses = ['127.0.0.1'], batch = 100, hello = {} } = {}) {
  const clients = [];
  t.after(() => {
    for (const client of clients) client.ws.terminate();
  });
  for (let start = 0; start < count; start += batch) {
    const opening = [];
    for (let i = start; i < Math.min(count, start + batch); ++i) {
      const localAddress = localAddresses[i % localAddresses.length];
      opening.push(
        Client.open(server.wsUrl, { localAddress, perMessageDeflate: false }).then(async (client) => {
          clients.push(client);
          await client.hello(hello);
          return client;
        }),
      );
    }
    await Promise.all(opening);
  }
  return clients;
}

// The token signing secret of a data folder.
export function readSecret(dataDir) {
  return readFileSync(path.join(dataDir, 'secret'), 'utf8').trim();
}

const base64url = (input) => Buffer.from(input).toString('base64url');

// A JWT with arbitrary header and claims, HS256-signed with `secret` (or unsigned).
export function forgeToken(claims, { secret, header = { alg: 'HS256', typ: 'JWT' } } = {}) {
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  const signature = secret ? createHmac('sha256', secret).update(signingInput).digest('base64url') : '';
  return `${signingInput}.${signature}`;
}

// GET (or another method) against the server; resolves with status, headers and parsed body.
export async function http(server, route, { method = 'GET', headers = {}, body } = {}) {
  const response = await fetch(server.url + route, { method, headers, body });
  const text = await response.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

// Applies one `change` frame to a public state object, as a client following the protocol would.
export function applyChange(state, change) {
  const { kind, data } = change;
  switch (kind) {
    case 'agenda':
    case 'announcement':
    case 'on_screen':
    case 'stats':
      state[kind] = data;
      break;
    case 'highlight.added':
      state.highlights = [data, ...state.highlights.filter((h) => h.id !== data.id)].slice(0, 50);
      break;
    case 'highlight.removed':
      state.highlights = state.highlights.filter((h) => h.id !== data.id);
      break;
    case 'question.added':
      state.questions = [...state.questions.filter((q) => q.id !== data.id), data];
      break;
    case 'question.updated':
      state.questions = state.questions.map((q) => (q.id === data.id ? data : q));
      break;
    case 'question.removed':
      state.questions = state.questions.filter((q) => q.id !== data.id);
      break;
    case 'votes':
      state.questions = state.questions.map((q) => (q.id in data ? { ...q, votes: data[q.id] } : q));
      break;
    case 'poll': {
      const known = (state.polls ?? []).some((p) => p.id === data.id);
      state.polls = known ? state.polls.map((p) => (p.id === data.id ? data : p)) : [data, ...(state.polls ?? [])].slice(0, 50);
      break;
    }
    case 'poll.votes':
      state.polls = (state.polls ?? []).map((p) =>
        p.id === data.poll ? { ...p, total: data.total, options: p.options.map((o) => ({ ...o, votes: data.votes[o.id] ?? o.votes })) } : p);
      break;
    default:
      throw new Error(`unknown change kind ${kind}`);
  }
  return state;
}

// Checks that `changes` carry seqs first+1, first+2, ... with none missing or repeated.
export function contiguousFrom(changes, first) {
  return changes.every((change, i) => change.seq === first + 1 + i);
}

// A viewer in its own node process, so that the arrival times it records are not
// skewed by a test process busy with hundreds of other sockets. Resolves once it
// has its welcome; `frames` fills with {at, frame} as frames arrive.
export async function spawnWatcher(t, server, hello = {}) {
  const script = `
    import WebSocket from 'ws';
    const ws = new WebSocket(process.argv[1], { perMessageDeflate: false });
    ws.on('open', () => ws.send(process.argv[2]));
    ws.on('message', (data) => process.stdout.write(Date.now() + ' ' + data.toString() + '\\n'));
    ws.on('close', () => process.exit(0));
  `;
  const child = spawn(
    process.execPath,
    ['--input-type=module', '-e', script, server.wsUrl, JSON.stringify({ type: 'hello', id: 1, ...hello })],
    { cwd: path.join(repoRoot, 'tests'), stdio: ['ignore', 'pipe', 'inherit'] },
  );
  t.after(() => child.kill('SIGKILL'));
  const watcher = { frames: [], child };
  let pending = '';
  child.stdout.on('data', (chunk) => {
    pending += chunk;
    let newline;
    while ((newline = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      const space = line.indexOf(' ');
      watcher.frames.push({ at: Number(line.slice(0, space)), frame: JSON.parse(line.slice(space + 1)) });
    }
  });
  await waitFor(() => watcher.frames.some(({ frame }) => frame.type === 'snapshot'), {
    timeout: 10000,
    what: 'the watcher process to join',
  });
  return watcher;
}
