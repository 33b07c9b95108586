#!/usr/bin/env bash
# Soak run (not part of CI): one server on loopback, 2,000 WebSocket viewers, 10
# connects a second of churn (10 viewers leave, 10 join), and steady broadcasts (a
# producer announcement every 500 ms), for 30 minutes. Samples the server's resident
# memory and open descriptors every 10 s and fails when, after the warm-up, RSS
# drifts by 5% or more or the descriptor count does not stay flat, or when the server
# does not stop cleanly or (a sanitizer build) reports an error or a leak. Stops by itself.
#
# Before the viewers arrive, a burst of announcements fills the event's resume window
# (the changes kept for reconnecting clients, 4,096 by default): it is meant to grow
# to its cap, and at this show's pace (2 changes a second) it would take 35 minutes
# to, which would read as drift.
#
#   scripts/soak.sh                     the full run (30 minutes)
#   SOAK_SECONDS=120 scripts/soak.sh    a short run
#   COMPANION_BIN=path                  the binary (default build/dev/gateway/companion)
#   SOAK_CONNECTIONS, SOAK_CHURN (per second), SOAK_WARMUP_SECONDS (default 10% of the run, at least 60)
#   SOAK_PREFILL (announcements before the run, default 4,600: the default window and some)
#   SOAK_RSS_LIMIT_PERCENT (default 5; an ASan build holds freed memory in quarantine,
#   so its RSS grows by design: run it with a large limit and read its reports)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
bin=${COMPANION_BIN:-$root/build/dev/gateway/companion}
seconds=${SOAK_SECONDS:-1800}
connections=${SOAK_CONNECTIONS:-2000}
churn=${SOAK_CHURN:-10}
warmup=${SOAK_WARMUP_SECONDS:-$(( seconds / 10 > 60 ? seconds / 10 : 60 ))}
prefill=${SOAK_PREFILL:-4600}
rss_limit=${SOAK_RSS_LIMIT_PERCENT:-5}
[ -x "$bin" ] || { echo "soak: no binary at $bin (build it, or set COMPANION_BIN)"; exit 2; }
[ -d tests/node_modules/ws ] || { echo "soak: run 'npm ci' in tests/ first"; exit 2; }
if [ "$warmup" -ge "$seconds" ]; then echo "soak: the run must be longer than the warm-up ($warmup s)"; exit 2; fi

data=$(mktemp -d)
log=$(mktemp)
server_pid=
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$data" "$log"
}
trap cleanup EXIT INT TERM

ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
"$bin" serve --listen 127.0.0.1:0 --data "$data" --quiet >"$log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do
  grep -q 'listening on' "$log" && break
  sleep 0.1
done
url=$(grep -o 'listening on http://[^ ]*' "$log" | head -1 | sed 's/listening on //')
[ -n "$url" ] || { echo "soak: the server did not start"; cat "$log"; exit 1; }
token=$("$bin" token --role producer --data "$data" --ttl 2h)
echo "soak: $url, pid $server_pid, $connections connections, $churn/s churn, $seconds s (warm-up $warmup s)"

cd tests
figures=0
node --input-type=module - "$url" "$server_pid" "$connections" "$churn" "$seconds" "$warmup" "$token" "$prefill" "$rss_limit" <<'EOF' || figures=$?
import WebSocket from 'ws';
import { readdirSync, readFileSync } from 'node:fs';

const [url, pidText, countText, churnText, secondsText, warmupText, token, prefillText, rssLimitText] = process.argv.slice(2);
const rssLimit = Number(rssLimitText) / 100;
const pid = Number(pidText), count = Number(countText), churn = Number(churnText);
const seconds = Number(secondsText), warmup = Number(warmupText);
const wsUrl = url.replace('http:', 'ws:') + '/ws';
// Spread over a few loopback addresses, as a real audience comes from many.
const addresses = ['127.0.0.1', '127.0.0.2', '127.0.0.3', '127.0.0.4'];
const live = new Set();
let opened = 0, failed = 0, changes = 0, unexpectedCloses = 0;

function open() {
  return new Promise((resolve) => {
    const ws = new WebSocket(wsUrl, { perMessageDeflate: false, localAddress: addresses[opened++ % addresses.length] });
    ws.on('open', () => ws.send(JSON.stringify({ type: 'hello', id: 1 })));
    ws.on('message', (data) => {
      const text = data.toString();
      if (text.includes('"welcome"')) { live.add(ws); resolve(ws); }
      else if (text.includes('"change"')) ++changes;
    });
    ws.on('error', () => { ++failed; resolve(null); });
    ws.on('close', () => { if (live.delete(ws) && !ws.leaving) ++unexpectedCloses; });
  });
}

const sample = () => ({
  rssKb: Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]),
  fds: readdirSync(`/proc/${pid}/fd`).length,
});

const producer = new WebSocket(wsUrl, { perMessageDeflate: false });
await new Promise((resolve) => producer.on('open', resolve));
producer.send(JSON.stringify({ type: 'hello', id: 1, token }));

// Fill the resume window, paced under the staff rate limit, and wait for the last ack.
const prefill = Number(prefillText);
if (prefill > 0) {
  const lastAck = new Promise((resolve) => producer.on('message', (data) => {
    const frame = JSON.parse(data.toString());
    if (frame.type === 'error') console.log(`soak: prefill error ${data}`);
    if (frame.id === prefill + 1) resolve();
  }));
  for (let i = 1; i <= prefill; ++i) {
    producer.send(JSON.stringify({ type: 'announce', id: i + 1, text: `prefill ${i}` }));
    if (i % 100 === 0) await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await lastAck;
  console.log(`soak: ${prefill} announcements before the run`);
}

for (let i = 0; i < count; i += 100) await Promise.all(Array.from({ length: Math.min(100, count - i) }, open));
console.log(`soak: ${live.size} connected (${failed} failed)`);
let announced = 0;
const broadcaster = setInterval(() => producer.send(JSON.stringify({ type: 'announce', text: `soak ${++announced}` })), 500);
const churner = setInterval(() => {
  const leaving = [...live].slice(0, churn);
  for (const ws of leaving) { ws.leaving = true; live.delete(ws); ws.close(); }
  for (let i = 0; i < churn; ++i) open();
}, 1000);

const started = Date.now();
const samples = [];
await new Promise((resolve) => {
  const sampler = setInterval(() => {
    const elapsed = Math.round((Date.now() - started) / 1000);
    const s = { elapsed, ...sample(), live: live.size };
    samples.push(s);
    console.log(`soak: t=${elapsed}s rss=${s.rssKb} kB fds=${s.fds} live=${s.live} changes=${changes} failed=${failed}`);
    if (elapsed >= seconds) { clearInterval(sampler); resolve(); }
  }, 10000);
});
clearInterval(broadcaster);
clearInterval(churner);

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const settled = samples.filter((s) => s.elapsed >= warmup);
const first = settled.slice(0, 3), last = settled.slice(-3);
const rssDrift = (median(last.map((s) => s.rssKb)) - median(first.map((s) => s.rssKb))) / median(first.map((s) => s.rssKb));
const fdSpread = Math.max(...settled.map((s) => s.fds)) - Math.min(...settled.map((s) => s.fds));
// Churn keeps up to a second's worth of connections in flight, in each direction.
const fdAllowance = 2 * churn + 5;
console.log(`soak: RSS drift ${(rssDrift * 100).toFixed(2)}% (limit ${rssLimitText}%), descriptor spread ${fdSpread} (limit ${fdAllowance}), ` +
  `${announced} broadcasts, ${unexpectedCloses} unexpected closes, ${failed} failed connects`);
const ok = Math.abs(rssDrift) < rssLimit && fdSpread <= fdAllowance && unexpectedCloses === 0;
console.log(ok ? 'soak: figures PASS' : 'soak: figures FAIL');
for (const ws of live) ws.terminate();
producer.terminate();
process.exit(ok ? 0 : 1);
EOF
cd "$root"

# A clean stop, then the server's own log: a sanitizer build reports leaks and errors there.
kill -TERM "$server_pid"
exit_code=0
wait "$server_pid" || exit_code=$?
server_pid=
reports=$(grep -cE 'ERROR: (Address|Leak|Thread)Sanitizer|WARNING: ThreadSanitizer|Sanitizer has encountered a fatal error|runtime error:' "$log" || true)
echo "soak: server exit $exit_code, $reports sanitizer reports"
[ "$reports" -eq 0 ] || grep -E -A20 'Sanitizer|runtime error:' "$log" | head -80
if [ "$figures" -eq 0 ] && [ "$exit_code" -eq 0 ] && [ "$reports" -eq 0 ]; then
  echo 'soak: PASS'
else
  echo 'soak: FAIL'
  exit 1
fi
