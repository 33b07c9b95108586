// Starts the real companion binary on port 0 and talks to it with a real
// WebSocket client. Shared by every integration and browser test.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
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

export class CompanionServer {
  constructor({ dataDir = tempDataDir(), args = [], env = {} } = {}) {
    this.dataDir = dataDir;
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
    this.proc.stderr.on('data', (chunk) => (this.errors += chunk));
    const match = await waitFor(() => /listening on (http:\/\/[^\s]+)/.exec(this.output), {
      timeout: 15000,
      what: `companion to listen (stderr: ${this.errors})`,
    });
    this.url = match[1];
    this.port = Number(new URL(this.url).port);
    this.wsUrl = this.url.replace('http:', 'ws:') + '/ws';
    return this;
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

  async stop(signal = 'SIGTERM') {
    if (!this.proc || this.proc.exitCode !== null || this.proc.signalCode !== null) return this.exited;
    this.proc.kill(signal);
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
    this.waiters = [];
    this.nextId = 1;
    this.ws = new WebSocket(url, options);
    this.closed = new Promise((resolve) => {
      this.ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
    });
    this.ws.on('message', (data, isBinary) => {
      const frame = isBinary ? { binary: data } : JSON.parse(data.toString());
      this.frames.push(frame);
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
