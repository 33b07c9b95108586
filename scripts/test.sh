#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test: unit tests (C++ and the web
# client's pure modules), fuzz-corpus replays and benchmark smoke runs (CTest),
# integration tests against the real binary, browser tests in Chromium, then the
# suite again under ASan+UBSan and TSan, and each libFuzzer target for a bounded time.
#
#   COMPANION_TEST_PHASES="unit integration browser asan tsan fuzz"  (default: all)
#   COMPANION_FUZZ_SECONDS=20                                         (per fuzz target, two at a time)
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
phases=${COMPANION_TEST_PHASES:-"unit integration browser asan tsan fuzz"}
export COMPANION_FUZZ_SECONDS=${COMPANION_FUZZ_SECONDS:-20}
jobs=2
passed=0
failed=0
failures=()
log_dir=$(mktemp -d)

say() { printf '\n== %s (%s)\n' "$*" "$(date +%H:%M:%S)"; }

# Adds a runner's own counts to the totals; a phase that could not run counts as one failure.
count_ctest() {
  local out=$1 total bad
  total=$(grep -Eo 'tests passed, [0-9]+ tests failed out of [0-9]+' "$out" | tail -1 | grep -Eo '[0-9]+$')
  bad=$(grep -Eo '[0-9]+ tests failed out of' "$out" | tail -1 | grep -Eo '^[0-9]+')
  if [ -z "$total" ]; then failed=$((failed + 1)); return; fi
  passed=$((passed + total - bad)); failed=$((failed + bad))
}
count_node() {
  local out=$1 pass fail cancelled
  pass=$(grep -E '^# pass [0-9]+' "$out" | tail -1 | awk '{print $3}')
  fail=$(grep -E '^# fail [0-9]+' "$out" | tail -1 | awk '{print $3}')
  cancelled=$(grep -E '^# cancelled [0-9]+' "$out" | tail -1 | awk '{print $3}')
  if [ -z "$pass" ]; then failed=$((failed + 1)); return; fi
  passed=$((passed + pass)); failed=$((failed + fail + ${cancelled:-0}))
}

run_phase() {  # name, command...
  local name=$1; shift
  say "$name"
  local out="$log_dir/$name.log"
  "$@" 2>&1 | tee "$out"
  local status=${PIPESTATUS[0]}
  [ "$status" -eq 0 ] || failures+=("$name")
  return "$status"
}

build() {  # preset [targets...]
  local preset=$1; shift
  local settings=()
  [ "$preset" = asan-ubsan ] && settings=(-DCOMPANION_FUZZ_SECONDS="$COMPANION_FUZZ_SECONDS")
  cmake --preset "$preset" "${settings[@]}" >/dev/null && cmake --build --preset "$preset" -j"$jobs" "$@"
}

# Under the sanitizers: the server, every unit test and (ASan+UBSan) the libFuzzer targets;
# then the whole integration and browser suites against the sanitized server. The
# benchmark smoke runs stay with the plain build: they measure speed, not correctness.
sanitized_targets=(companion session_test session_engine_test gateway_protocol_test gateway_sources_test tracker_test)
not_sanitized='^(bench_smoke|fuzz)|_NOT_BUILT$'

node_suite() {  # binary, folders...
  local bin=$1; shift
  (cd tests && COMPANION_BIN="$bin" node --test --test-concurrency=1 "$@")
}

say "dependencies"
scripts/install-deps.sh || { echo "dependency install failed"; exit 1; }
(cd tests && npm ci --no-audit --no-fund --silent) || { echo "npm ci failed in tests/"; exit 1; }
if [ -f tests/bench/peer/package-lock.json ]; then
  (cd tests/bench/peer && npm ci --no-audit --no-fund --silent) || { echo "npm ci failed in tests/bench/peer"; exit 1; }
fi

for phase in $phases; do
  case $phase in
    unit)
      run_phase build-dev build dev || { failed=$((failed + 1)); continue; }
      run_phase unit ctest --preset dev -j"$jobs"
      count_ctest "$log_dir/unit.log"
      # The web client's pure modules (no browser, no server).
      run_phase web-unit node --test tests/unit/web/
      count_node "$log_dir/web-unit.log" ;;
    integration)
      run_phase integration node_suite "$root/build/dev/gateway/companion" integration/
      count_node "$log_dir/integration.log" ;;
    browser)
      run_phase browser node_suite "$root/build/dev/gateway/companion" browser/
      count_node "$log_dir/browser.log" ;;
    asan)
      run_phase build-asan build asan-ubsan --target "${sanitized_targets[@]}" fuzzers || { failed=$((failed + 1)); continue; }
      export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
      run_phase asan-unit ctest --preset asan-ubsan -j"$jobs" -E "$not_sanitized"
      count_ctest "$log_dir/asan-unit.log"
      run_phase asan-integration node_suite "$root/build/asan-ubsan/gateway/companion" integration/
      count_node "$log_dir/asan-integration.log"
      run_phase asan-browser node_suite "$root/build/asan-ubsan/gateway/companion" browser/
      count_node "$log_dir/asan-browser.log"
      unset ASAN_OPTIONS UBSAN_OPTIONS ;;
    tsan)
      run_phase build-tsan build tsan --target "${sanitized_targets[@]}" || { failed=$((failed + 1)); continue; }
      export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1
      run_phase tsan-unit ctest --preset tsan -j"$jobs" -E "$not_sanitized"
      count_ctest "$log_dir/tsan-unit.log"
      run_phase tsan-integration node_suite "$root/build/tsan/gateway/companion" integration/
      count_node "$log_dir/tsan-integration.log"
      run_phase tsan-browser node_suite "$root/build/tsan/gateway/companion" browser/
      count_node "$log_dir/tsan-browser.log"
      unset TSAN_OPTIONS ;;
    fuzz)
      # The fuzz targets are part of the asan-ubsan build (clang, coverage-instrumented).
      run_phase build-fuzz build asan-ubsan --target fuzzers || { failed=$((failed + 1)); continue; }
      run_phase fuzz ctest --preset asan-ubsan -j"$jobs" -R '^fuzz\.'
      count_ctest "$log_dir/fuzz.log" ;;
    *) echo "unknown phase $phase"; failed=$((failed + 1)) ;;
  esac
done

say "summary"
((${#failures[@]})) && echo "failed phases: ${failures[*]}"
echo "total: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ ${#failures[@]} -eq 0 ]
