// A real redis-server (the Debian package) for one test: its own folder, on a free
// loopback port, started as a child process and killed when the test ends. It can be
// killed (-9) and started again on the same port and folder, as a Redis restart.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { waitFor } from './harness.mjs';
import { freePort } from './nginx.mjs';

export const redisBin = process.env.REDIS_BIN ?? 'redis-server';

// Answers PING over a raw socket (RESP inline command): no client library needed.
function pong(port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
    socket.setTimeout(500, () => {
      socket.destroy();
      resolve(false);
    });
    socket.on('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('+PONG'));
    });
    socket.on('error', () => resolve(false));
  });
}

// `durable`: appendonly yes, appendfsync always, so an acknowledged write survives kill -9;
// `extra`: more redis-server options.
export async function startRedis(t, { durable = true, extra = [] } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'companion-redis-'));
  const port = await freePort();
  let proc;
  let errors = '';
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--loglevel', 'warning'];
  if (durable) args.push('--appendonly', 'yes', '--appendfsync', 'always');
  args.push(...extra);
  const redis = {
    port,
    url: `redis://127.0.0.1:${port}`,
    async start() {
      proc = spawn(redisBin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
      proc.stderr.on('data', (chunk) => (errors += chunk));
      const exited = new Promise((resolve) => proc.on('exit', resolve));
      redis.exited = exited;
      await waitFor(() => pong(port), { timeout: 10000, what: `redis-server on ${port} (${errors})` });
    },
    async kill() {
      if (proc && proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGKILL');
        await redis.exited;
      }
    },
  };
  t.after(async () => {
    await redis.kill();
    rmSync(dir, { recursive: true, force: true });
  });
  await redis.start();
  return redis;
}
