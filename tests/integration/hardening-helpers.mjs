// Helpers for the hardening tests: a raw WebSocket client that writes frames byte by
// byte (own masking, any header bits), a latency probe in its own process, and
// /proc readings of the server (open descriptors, resident memory).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { repoRoot, sleep, waitFor } from './lib/harness.mjs';

export const OP = { continuation: 0, text: 1, binary: 2, close: 8, ping: 9, pong: 10 };

// One client-to-server frame. `length` forces a header length form ('7', '16', '64') or a
// declared length different from the payload (to announce more than is sent).
export function encodeFrame({
  opcode = OP.text,
  payload = Buffer.alloc(0),
  fin = true,
  rsv = 0,
  masked = true,
  declaredLength,
  lengthForm,
} = {}) {
  const data = Buffer.isBuffer(payload) ? payload : Buffer.from(payload);
  const length = declaredLength ?? data.length;
  const form = lengthForm ?? (length < 126 ? '7' : length < 65536 ? '16' : '64');
  const head = [((fin ? 0x80 : 0) | ((rsv & 7) << 4) | (opcode & 0x0f)) >>> 0];
  const maskBit = masked ? 0x80 : 0;
  let extended = Buffer.alloc(0);
  if (form === '7') head.push(maskBit | length);
  else if (form === '16') {
    head.push(maskBit | 126);
    extended = Buffer.alloc(2);
    extended.writeUInt16BE(length);
  } else {
    head.push(maskBit | 127);
    extended = Buffer.alloc(8);
    extended.writeBigUInt64BE(BigInt(length));
  }
  if (!masked) return Buffer.concat([Buffer.from(head), extended, data]);
  const mask = randomBytes(4);
  const body = Buffer.alloc(data.length);
  for (let i = 0; i < data.length; ++i) body[i] = data[i] ^ mask[i & 3];
  return Buffer.concat([Buffer.from(head), extended, mask, body]);
}

export function closePayload(code, reason = '') {
  const buffer = Buffer.alloc(2);
  buffer.writeUInt16BE(code);
  return Buffer.concat([buffer, Buffer.isBuffer(reason) ? reason : Buffer.from(reason)]);
}

// A WebSocket over a plain TCP socket: we do the upgrade and the framing ourselves.
export class RawSocket {
  static async open(port, { host = '127.0.0.1', path: route = '/ws', headers = {}, localAddress } = {}) {
    const raw = new RawSocket();
    await raw.connect(port, host, route, headers, localAddress);
    return raw;
  }

  constructor() {
    this.frames = []; // {opcode, fin, payload, at}
    this.waiters = [];
    this.pending = Buffer.alloc(0);
    this.upgraded = false;
    this.endedAt = null;
  }

  connect(port, host, route, headers, localAddress) {
    this.socket = net.connect({ port, host, localAddress });
    this.socket.setNoDelay(true);
    this.ended = new Promise((resolve) => {
      const done = () => {
        if (this.endedAt === null) this.endedAt = Date.now();
        resolve(this.endedAt);
        this.wake();
      };
      this.socket.on('end', done);
      this.socket.on('close', done);
    });
    this.socket.on('error', () => {});
    const key = randomBytes(16).toString('base64');
    const lines = [
      `GET ${route} HTTP/1.1`,
      `Host: ${host}:${port}`,
      'Upgrade: websocket',
      'Connection: Upgrade',
      `Sec-WebSocket-Key: ${key}`,
      'Sec-WebSocket-Version: 13',
      ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    ];
    return new Promise((resolve, reject) => {
      this.socket.once('error', reject);
      this.socket.on('data', (chunk) => this.onData(chunk));
      this.socket.on('connect', () => this.socket.write(lines.join('\r\n') + '\r\n\r\n'));
      this.upgradeDone = { resolve, reject };
    });
  }

  onData(chunk) {
    this.pending = Buffer.concat([this.pending, chunk]);
    if (!this.upgraded) {
      const end = this.pending.indexOf('\r\n\r\n');
      if (end < 0) return;
      this.response = this.pending.subarray(0, end).toString();
      this.pending = this.pending.subarray(end + 4);
      if (!this.response.startsWith('HTTP/1.1 101')) {
        this.upgradeDone.reject(new Error(`upgrade refused: ${this.response.split('\r\n')[0]}`));
        return;
      }
      this.upgraded = true;
      this.upgradeDone.resolve();
    }
    // Server frames are never masked.
    for (;;) {
      if (this.pending.length < 2) break;
      const b0 = this.pending[0];
      const b1 = this.pending[1];
      let length = b1 & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (this.pending.length < 4) break;
        length = this.pending.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (this.pending.length < 10) break;
        length = Number(this.pending.readBigUInt64BE(2));
        offset = 10;
      }
      if (this.pending.length < offset + length) break;
      const payload = this.pending.subarray(offset, offset + length);
      this.pending = this.pending.subarray(offset + length);
      const frame = { opcode: b0 & 0x0f, fin: (b0 & 0x80) !== 0, rsv: (b0 >> 4) & 7, payload, at: Date.now() };
      if (frame.opcode === OP.close) {
        frame.code = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
        frame.reason = payload.subarray(2).toString();
      }
      if (frame.opcode === OP.text) frame.json = JSON.parse(payload.toString());
      this.frames.push(frame);
    }
    this.wake();
  }

  wake() {
    this.waiters = this.waiters.filter((waiter) => !waiter());
  }

  write(bytes) {
    this.socket.write(bytes);
  }

  send(options) {
    this.write(encodeFrame(options));
  }

  sendJson(value) {
    this.send({ opcode: OP.text, payload: typeof value === 'string' ? value : JSON.stringify(value) });
  }

  // Resolves with the first frame matching `predicate` (already received or future).
  next(predicate, { timeout = 5000 } = {}) {
    return new Promise((resolve, reject) => {
      const check = () => {
        const frame = this.frames.find(predicate);
        if (frame) {
          clearTimeout(timer);
          resolve(frame);
          return true;
        }
        if (this.endedAt !== null) {
          clearTimeout(timer);
          reject(new Error(`connection ended without a matching frame; got ${this.describe()}`));
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((waiter) => waiter !== check);
        reject(new Error(`no matching frame within ${timeout} ms; got ${this.describe()}`));
      }, timeout);
      if (!check()) this.waiters.push(check);
    });
  }

  json(predicate, options) {
    return this.next((frame) => frame.opcode === OP.text && predicate(frame.json), options).then((f) => f.json);
  }

  // The server's close frame, answered with ours (as a well-behaved client does).
  async closeFrame(options) {
    const frame = await this.next((f) => f.opcode === OP.close, options);
    return frame;
  }

  describe() {
    return JSON.stringify(
      this.frames.slice(-4).map((f) => (f.opcode === OP.close ? { close: f.code, reason: f.reason } : f.json ?? { opcode: f.opcode })),
    );
  }

  destroy() {
    this.socket.destroy();
  }
}

// Opens a raw connection and says hello; resolves with the socket and the welcome.
export async function rawViewer(port, hello = {}) {
  const raw = await RawSocket.open(port);
  raw.sendJson({ type: 'hello', id: 'h', ...hello });
  const welcome = await raw.json((f) => f.id === 'h');
  if (welcome.type !== 'welcome') throw new Error(`hello refused: ${JSON.stringify(welcome)}`);
  return { raw, welcome };
}

// A viewer in its own node process measuring ping round trips and checking broadcasts:
// every `interval` ms it sends a ping command; it counts `change` frames and checks their
// seq has no gap. After `duration` ms it prints one JSON summary and exits.
export function spawnProbe(t, url, { duration = 5000, interval = 20, hello = {}, wsOptions = {} } = {}) {
  const script = `
    import WebSocket from 'ws';
    const [url, duration, interval, hello, options] = process.argv.slice(1);
    const ws = new WebSocket(url, { perMessageDeflate: false, ...JSON.parse(options) });
    const rtts = [];
    const sent = new Map();
    let changes = 0, gaps = 0, lastSeq = null, nextId = 1, lost = 0, closed = null;
    ws.on('open', () => ws.send(JSON.stringify({ type: 'hello', id: 'hello', ...JSON.parse(hello) })));
    ws.on('close', (code) => { closed = code; });
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString());
      if (frame.type === 'welcome') {
        lastSeq = frame.seq;
        process.stdout.write('ready\\n');
        const timer = setInterval(() => {
          const id = nextId++;
          sent.set(id, performance.now());
          ws.send(JSON.stringify({ type: 'ping', id }));
        }, Number(interval));
        setTimeout(() => {
          clearInterval(timer);
          setTimeout(() => {
            lost = sent.size;
            rtts.sort((a, b) => a - b);
            const at = (q) => rtts.length ? rtts[Math.min(rtts.length - 1, Math.floor(q * rtts.length))] : null;
            process.stdout.write(JSON.stringify({ pings: rtts.length, lost, p50: at(0.5), p99: at(0.99),
              max: rtts.at(-1) ?? null, changes, gaps, closed }) + '\\n');
            process.exit(0);
          }, 1000);
        }, Number(duration));
      } else if (frame.type === 'pong') {
        const started = sent.get(frame.id);
        if (started !== undefined) { rtts.push(performance.now() - started); sent.delete(frame.id); }
      } else if (frame.type === 'change') {
        ++changes;
        if (lastSeq !== null && frame.seq !== lastSeq + 1) ++gaps;
        lastSeq = frame.seq;
      }
    });
  `;
  const child = spawn(
    process.execPath,
    ['--input-type=module', '-e', script, url, String(duration), String(interval), JSON.stringify(hello), JSON.stringify(wsOptions)],
    { cwd: path.join(repoRoot, 'tests'), stdio: ['ignore', 'pipe', 'inherit'] },
  );
  t.after(() => child.kill('SIGKILL'));
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  const ready = waitFor(() => output.includes('ready\n'), { timeout: 10000, what: 'the probe to join' });
  const result = new Promise((resolve, reject) =>
    child.on('exit', () => {
      const last = output.split('\n').filter(Boolean).at(-1);
      if (last?.startsWith('{')) resolve(JSON.parse(last));
      else reject(new Error('the probe ended without a summary'));
    }),
  );
  result.catch(() => {});
  return { ready, result };
}

export function fdCount(pid) {
  return readdirSync(`/proc/${pid}/fd`).length;
}

export function rssKb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)[1]);
}

// Waits until the server's descriptor count is back to (at most) `baseline`.
export async function waitForFds(pid, baseline, { timeout = 5000 } = {}) {
  let count = fdCount(pid);
  const deadline = Date.now() + timeout;
  while (count > baseline && Date.now() < deadline) {
    await sleep(50);
    count = fdCount(pid);
  }
  return count;
}
