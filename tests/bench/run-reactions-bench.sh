#!/usr/bin/env bash
# Reaction storm: VIEWERS viewers each react at their limit (5 a second) while the
# producer sends CHANGE_RATE stamped changes a second, against the same run without
# reactions (quiet). Each run gets a fresh companion; RUNS runs of each, medians.
# Prints the change latency p99 quiet and in the storm (and their ratio), the
# `reactions` frames each viewer got a second, and the server's CPU per reaction:
# (server CPU in the storm - server CPU quiet) / reactions sent, from /proc/PID/stat.
#
#   tests/bench/run-reactions-bench.sh            10,000 viewers, 20 s, 3 runs (Release build)
#   tests/bench/run-reactions-bench.sh --smoke    CI size: 300 viewers, 4 s, one run, --check
#
# Options: --loadgen PATH  --companion-bin PATH
# Environment: VIEWERS=10000 DURATION=20 CHANGE_RATE=10 REACT_RATE=5 RUNS=3
#   SOURCE_IPS=127.0.0.2-127.0.0.33 BUILD_DIR=build/release EVENT_FILE=events/...json
# Exit status: 0 ok, 1 a run failed its check or the frame bound, 77 companion not built.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build_dir=${BUILD_DIR:-$root/build/release}
companion_bin=${COMPANION_BIN:-$build_dir/gateway/companion}
event_file=${EVENT_FILE:-$root/events/nato-indo-pacific-2024.json}
source_ips=${SOURCE_IPS:-127.0.0.2-127.0.0.33}
viewers=${VIEWERS:-10000}
duration=${DURATION:-20}
change_rate=${CHANGE_RATE:-10}
react_rate=${REACT_RATE:-5}
runs=${RUNS:-3}
loadgen=""
smoke=0

while [[ $# -gt 0 ]]; do
  case $1 in
    --smoke) smoke=1 ;;
    --loadgen) loadgen=$2; shift ;;
    --companion-bin) companion_bin=$2; shift ;;
    *) echo "usage: $0 [--smoke] [--loadgen PATH] [--companion-bin PATH]" >&2; exit 2 ;;
  esac
  shift
done
if [[ $smoke -eq 1 ]]; then
  viewers=300 duration=4 runs=1
fi

[[ -x $companion_bin ]] || { echo "SKIP: companion binary not found at $companion_bin"; exit 77; }
command -v jq >/dev/null || { echo "SKIP: jq not installed"; exit 77; }
if [[ -z $loadgen ]]; then
  loadgen=$build_dir/tests/bench/loadgen
  if [[ ! -x $loadgen ]]; then
    cmake -S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build "$build_dir" --target loadgen -j2 >/dev/null
  fi
fi
[[ -x $loadgen ]] || { echo "loadgen not found at $loadgen" >&2; exit 2; }

work=$(mktemp -d /tmp/reactions-bench.XXXXXX)
server_pid=""
cleanup() {
  if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

event_id=$(jq -r '.id' "$event_file")
port=""
token=""

start_server() {
  local data=$work/data-$RANDOM log=$work/server.log
  mkdir -p "$data"
  : >"$log"
  "$companion_bin" serve --listen 127.0.0.1:0 --data "$data" --event "$event_file" >"$log" 2>&1 &
  server_pid=$!
  port=""
  for _ in $(seq 200); do
    port=$(sed -n 's|^listening on http://[0-9.]*:\([0-9]*\).*|\1|p' "$log" | head -n1)
    [[ -n $port ]] && break
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  [[ -n $port ]] || { echo "companion did not start:" >&2; cat "$log" >&2; return 1; }
  token=$("$companion_bin" token --role producer --data "$data" --event "$event_id")
}

stop_server() {
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
}

status=0
for run in $(seq "$runs"); do
  for phase in quiet storm; do
    rate=0
    [[ $phase == storm ]] && rate=$react_rate
    start_server || { status=1; continue; }
    echo "== $phase / run $run (port $port)" >&2
    if "$loadgen" --host 127.0.0.1 --port "$port" --token "$token" --server-pid "$server_pid" \
        --source-ips "$source_ips" --json --check --mode sustained --connections "$viewers" \
        --rate "$change_rate" --duration "$duration" --react-rate "$rate" \
        >"$work/out.json" 2>"$work/loadgen.log"; then
      tail -n1 "$work/out.json" >>"$work/$phase.jsonl"
    else
      status=1
      echo "FAILED: $phase / run $run" >&2
      cat "$work/loadgen.log" >&2
    fi
    stop_server
  done
done

median() {
  local file=$work/$1.jsonl
  [[ -s $file ]] || { echo "-"; return; }
  jq -s -r "[.[] | $2 | select(. != null)] | sort | if length == 0 then \"-\" else .[(length - 1) / 2 | floor] end" "$file"
}
fmt() { [[ $1 == - ]] && echo - || printf "%.${2}f" "$1"; }

p99_quiet=$(median quiet .latency_ms.p99)
p99_storm=$(median storm .latency_ms.p99)
cpu_quiet=$(median quiet .server_cpu_s)
cpu_storm=$(median storm .server_cpu_s)
sent=$(median storm .reactions_sent)
per_s=$(median storm .reactions_sent_per_s)
frames=$(median storm .reaction_frames_per_viewer_s)
most=$(median storm .reaction_frames_max_in_a_second)
seen=$(median storm .reactions_seen_per_viewer)

ratio=-; cpu_per=-; counted=-
[[ $p99_quiet != - && $p99_storm != - ]] && ratio=$(awk "BEGIN{printf \"%.2f\", $p99_storm / $p99_quiet}")
[[ $cpu_quiet != - && $cpu_storm != - && $sent != - ]] &&
  cpu_per=$(awk "BEGIN{printf \"%.2f\", ($cpu_storm - $cpu_quiet) * 1e6 / $sent}")
[[ $seen != - && $sent != - ]] && counted=$(awk "BEGIN{printf \"%.3f\", $seen / $sent}")

echo
echo "Reaction storm: $viewers viewers, $change_rate changes/s, reactions at $react_rate/s each, ${duration} s, medians of $runs run(s)"
echo
echo "| figure | quiet | storm |"
echo "|---|---:|---:|"
echo "| reactions sent a second | 0 | $(fmt "$per_s" 0) |"
echo "| change latency p99 ms | $(fmt "$p99_quiet" 2) | $(fmt "$p99_storm" 2) |"
echo "| change p99 storm / quiet | | $ratio |"
echo "| reactions frames per viewer a second | | $(fmt "$frames" 2) (most in one second: $most) |"
echo "| reactions each viewer saw / reactions sent | | $counted |"
echo "| server CPU s | $(fmt "$cpu_quiet" 2) | $(fmt "$cpu_storm" 2) |"
echo "| server CPU per reaction us (storm - quiet) | | $cpu_per |"

# The bound the server promises: one frame per 500 ms window, whatever arrives.
if [[ $frames != - ]] && awk "BEGIN{exit !($frames > 2.05)}"; then
  echo "FAILED: more than 2 reactions frames a second per viewer" >&2
  status=1
fi
if [[ $smoke -eq 1 && ( $seen == - || $sent == - ) ]]; then
  echo "FAILED: the storm run reported no reactions" >&2
  status=1
fi
exit $status
