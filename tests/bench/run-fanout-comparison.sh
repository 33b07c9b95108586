#!/usr/bin/env bash
# Fan-out comparison: companion against the Node `ws` peer, driven by the same load
# generator with the same viewer counts in the same run. Each scenario runs RUNS times
# per server (a fresh server each time); the table shows medians and ours/peer ratios.
#
#   tests/bench/run-fanout-comparison.sh            full comparison (Release build)
#   tests/bench/run-fanout-comparison.sh --smoke    CI size: 500 viewers, 50 broadcasts, --check
#
# Options: --server peer|companion|both  --loadgen PATH  --companion-bin PATH
# Scenario sizes (environment): BURST_VIEWERS=10000 BURST_BROADCASTS=100 BURST_SIZE=10
#   SUSTAINED_VIEWERS=5000 SUSTAINED_RATE=100 SUSTAINED_DURATION=20
#   SLOW_VIEWERS=5000 SLOW_SHARE=0.05 SLOW_RATE=100 SLOW_DURATION=20
#   RUNS=3 SOURCE_IPS=127.0.0.2-127.0.0.33 BUILD_DIR=build/release EVENT_FILE=events/...json
# Exit status: 0 ok, 1 a run failed its check, 77 the requested server is not available.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build_dir=${BUILD_DIR:-$root/build/release}
companion_bin=${COMPANION_BIN:-$root/build/release/gateway/companion}
peer_dir=$root/tests/bench/peer
event_file=${EVENT_FILE:-$root/events/nato-indo-pacific-2024.json}
source_ips=${SOURCE_IPS:-127.0.0.2-127.0.0.33}
runs=${RUNS:-3}
loadgen=""
servers=both
smoke=0

while [[ $# -gt 0 ]]; do
  case $1 in
    --smoke) smoke=1 ;;
    --server) servers=$2; shift ;;
    --loadgen) loadgen=$2; shift ;;
    --companion-bin) companion_bin=$2; shift ;;
    *) echo "usage: $0 [--smoke] [--server peer|companion|both] [--loadgen PATH] [--companion-bin PATH]" >&2; exit 2 ;;
  esac
  shift
done

work=$(mktemp -d /tmp/fanout-comparison.XXXXXX)
server_pid=""
cleanup() {
  if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# --- what to run ---------------------------------------------------------------------

have_peer() { [[ -d $peer_dir/node_modules/ws ]] && command -v node >/dev/null; }
have_companion() { [[ -x $companion_bin ]]; }

selected=()
case $servers in
  companion)
    have_companion || { echo "SKIP: companion binary not found at $companion_bin (build target companion)"; exit 77; }
    selected=(companion) ;;
  peer)
    have_peer || { echo "SKIP: Node peer not installed: run 'npm ci' in tests/bench/peer"; exit 77; }
    selected=(peer) ;;
  both)
    have_companion && selected+=(companion)
    have_peer && selected+=(peer)
    if ! have_companion; then echo "note: companion not found at $companion_bin; running the peer only" >&2; fi
    if ! have_peer; then echo "note: tests/bench/peer/node_modules missing (npm ci); skipping the peer" >&2; fi
    [[ ${#selected[@]} -gt 0 ]] || { echo "SKIP: neither companion nor the Node peer is available"; exit 77; } ;;
  *) echo "--server must be peer, companion or both" >&2; exit 2 ;;
esac

if [[ -z $loadgen ]]; then
  loadgen=$build_dir/tests/bench/loadgen
  if [[ ! -x $loadgen ]]; then
    cmake -S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build "$build_dir" --target loadgen -j2 >/dev/null
  fi
fi
[[ -x $loadgen ]] || { echo "loadgen not found at $loadgen" >&2; exit 2; }

# --- servers -------------------------------------------------------------------------

port=""
token=""
event_id=$(jq -r '.id // .event.id // empty' "$event_file" 2>/dev/null || true)

start_server() {
  local which=$1 data=$work/data-$RANDOM log=$work/server.log
  mkdir -p "$data"
  : >"$log"
  if [[ $which == companion ]]; then
    "$companion_bin" serve --listen 127.0.0.1:0 --data "$data" --event "$event_file" >"$log" 2>&1 &
  else
    node "$peer_dir/ws-peer.mjs" --listen 127.0.0.1:0 --data "$data" --event "$event_file" >"$log" 2>&1 &
  fi
  server_pid=$!
  port=""
  for _ in $(seq 200); do
    port=$(sed -n 's|^listening on http://[0-9.]*:\([0-9]*\).*|\1|p' "$log" | head -n1)
    [[ -n $port ]] && break
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  if [[ -z $port ]]; then
    echo "$which did not start:" >&2
    cat "$log" >&2
    return 1
  fi
  if [[ $which == companion ]]; then
    token=$("$companion_bin" token --role producer --data "$data" --event "$event_id")
  else
    token=bench-peer-accepts-any-token
  fi
}

stop_server() {
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
}

# --- scenarios -----------------------------------------------------------------------

if [[ $smoke -eq 1 ]]; then
  runs=1
  scenarios=(smoke)
else
  scenarios=(burst sustained slow)
fi

scenario_args() {
  case $1 in
    smoke) echo "--mode burst --connections 500 --broadcasts 50 --burst-size 10 --check" ;;
    burst) echo "--mode burst --connections ${BURST_VIEWERS:-10000} --broadcasts ${BURST_BROADCASTS:-100}" \
                "--burst-size ${BURST_SIZE:-10}" ;;
    sustained) echo "--mode sustained --connections ${SUSTAINED_VIEWERS:-5000} --rate ${SUSTAINED_RATE:-100}" \
                    "--duration ${SUSTAINED_DURATION:-20}" ;;
    slow) echo "--mode slow --connections ${SLOW_VIEWERS:-5000} --slow-share ${SLOW_SHARE:-0.05}" \
               "--rate ${SLOW_RATE:-100} --duration ${SLOW_DURATION:-20}" ;;
  esac
}

status=0
for scenario in "${scenarios[@]}"; do
  for server in "${selected[@]}"; do
    for run in $(seq "$runs"); do
      start_server "$server" || { status=1; continue; }
      echo "== $scenario / $server / run $run (port $port)" >&2
      # shellcheck disable=SC2046
      if "$loadgen" --host 127.0.0.1 --port "$port" --token "$token" --server-pid "$server_pid" \
          --source-ips "$source_ips" --json $(scenario_args "$scenario") \
          >"$work/out.json" 2>"$work/loadgen.log"; then
        tail -n1 "$work/out.json" >>"$work/$scenario-$server.jsonl"
      else
        status=1
        echo "FAILED: $scenario / $server / run $run" >&2
        cat "$work/loadgen.log" >&2
        tail -n1 "$work/out.json" >>"$work/$scenario-$server.jsonl" || true
      fi
      stop_server
    done
  done
done

# --- table ---------------------------------------------------------------------------

# Median of one jq path over the runs of a scenario and server; "-" when absent.
median() {
  local file=$work/$1-$2.jsonl
  [[ -s $file ]] || { echo "-"; return; }
  jq -s -r "[.[] | $3 | select(. != null)] | sort | if length == 0 then \"-\" else .[(length - 1) / 2 | floor] end" "$file"
}

fmt() { [[ $1 == - ]] && echo - || printf "%.${2}f" "$1"; }

ratio() {
  if [[ $1 == - || $2 == - ]] || awk "BEGIN{exit !($2 == 0)}"; then echo -; return; fi
  awk "BEGIN{printf \"%.2f\", $1 / $2}"
}

metrics=(
  "deliveries/s|.deliveries_per_s|0"
  "deliveries per server CPU-s|.deliveries_per_server_cpu_s|0"
  "latency p50 ms|.latency_ms.p50|2"
  "latency p99 ms|.latency_ms.p99|2"
  "latency p99.9 ms|.latency_ms.p999|2"
  "latency max ms|.latency_ms.max|2"
  "setup connections/s|.setup_per_s|0"
  "server RSS per connection B|.server_rss_per_conn_bytes|0"
  "slow closes (4008)|.closes_4008|0"
  "missing+dup+reordered|(.missing + .duplicates + .reordered)|0"
)

echo
echo "Fan-out comparison, medians of $runs run(s); ratio = companion / ws peer (latency and memory: lower is better)"
echo
echo "| scenario | metric | companion | ws peer | ours/peer |"
echo "|---|---|---:|---:|---:|"
for scenario in "${scenarios[@]}"; do
  for metric in "${metrics[@]}"; do
    IFS='|' read -r label path digits <<<"$metric"
    [[ $scenario != slow && $label == "slow closes (4008)" ]] && continue
    ours=$(median "$scenario" companion "$path")
    peer=$(median "$scenario" peer "$path")
    echo "| $scenario | $label | $(fmt "$ours" "$digits") | $(fmt "$peer" "$digits") | $(ratio "$ours" "$peer") |"
  done
done
exit $status
