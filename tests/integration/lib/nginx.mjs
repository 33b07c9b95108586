// A real nginx (the Debian package) in front of a companion server, for one test: its
// own nginx.conf, pid, logs and temp paths in a temp folder, `daemon off`, listening
// on a free loopback port, started as a child process and stopped when the test ends.
// The site is the one docs/deployment.md describes, without TLS.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { waitFor } from './harness.mjs';

export const nginxBin = process.env.NGINX_BIN ?? '/usr/sbin/nginx';

// A port nobody listens on right now (the kernel's choice for a bound-then-closed socket).
export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

function siteConfig(dir, port, upstreamPort) {
  const temp = (name) => path.join(dir, name);
  // As root, workers drop to www-data (Debian's nginx user); otherwise they stay as we are.
  const user = process.getuid?.() === 0 ? 'user www-data;\n' : '';
  return `${user}daemon off;
worker_processes 1;
pid ${temp('nginx.pid')};
error_log ${temp('error.log')} warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${temp('client_body')};
  proxy_temp_path ${temp('proxy')};
  fastcgi_temp_path ${temp('fastcgi')};
  uwsgi_temp_path ${temp('uwsgi')};
  scgi_temp_path ${temp('scgi')};
  map $http_upgrade $connection_upgrade { default upgrade; '' ''; }
  upstream companion { server 127.0.0.1:${upstreamPort}; keepalive 16; }
  server {
    listen 127.0.0.1:${port};
    proxy_http_version 1.1;
    proxy_set_header Host $http_host;
    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    proxy_set_header X-Forwarded-Proto $scheme;
    proxy_set_header Upgrade $http_upgrade;
    proxy_set_header Connection $connection_upgrade;
    location = /ws {
      proxy_pass http://companion;
      proxy_read_timeout 120s;
      proxy_send_timeout 120s;
      proxy_buffering off;
    }
    location / {
      proxy_pass http://companion;
    }
  }
}
`;
}

// Starts nginx in front of `upstream` (a started CompanionServer); stopped when `t` ends.
export async function startNginx(t, upstream) {
  if (!existsSync(nginxBin)) throw new Error(`nginx not found at ${nginxBin} (scripts/install-deps.sh installs it)`);
  const dir = mkdtempSync(path.join(tmpdir(), 'companion-nginx-'));
  chmodSync(dir, 0o755);  // the workers (www-data under root) write their temp files here
  const port = await freePort();
  const conf = path.join(dir, 'nginx.conf');
  writeFileSync(conf, siteConfig(dir, port, upstream.port));
  let errors = '';
  const proc = spawn(nginxBin, ['-p', dir, '-e', path.join(dir, 'error.log'), '-c', conf], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  proc.stderr.on('data', (chunk) => (errors += chunk));
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  t.after(async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGQUIT');  // graceful: finish requests, close sockets
      const force = setTimeout(() => proc.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(force);
    }
    rmSync(dir, { recursive: true, force: true });
  });
  const log = () => {
    const file = path.join(dir, 'error.log');
    return errors + (existsSync(file) ? readFileSync(file, 'utf8') : '');
  };
  await waitFor(
    () =>
      new Promise((resolve) => {
        if (proc.exitCode !== null) return resolve(false);
        const socket = net.connect(port, '127.0.0.1', () => {
          socket.destroy();
          resolve(true);
        });
        socket.on('error', () => resolve(false));
      }),
    { timeout: 10000, what: `nginx to listen on ${port} (log: ${log()})` },
  );
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    log,
  };
}
