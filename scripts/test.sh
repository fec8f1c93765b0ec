#!/usr/bin/env bash
# The README's test command: installs what is missing, builds, and runs every suite against real
# parts (the development Alyx on loopback, Debian's Chromium, JupyterLab). Exits non-zero when any
# suite fails; each suite prints its own summary, and the last line counts the suites.
set -uo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
export CI="${CI:-}"

bash scripts/setup.sh || { echo "setup failed"; exit 1; }

passed=0
failed=0
failures=()
run_suite() {
  local name="$1"; shift
  printf '\n=== %s ===\n' "$name"
  local started=$SECONDS
  if "$@"; then
    passed=$((passed + 1))
    printf '=== %s: ok (%ss) ===\n' "$name" "$((SECONDS - started))"
  else
    failed=$((failed + 1))
    failures+=("$name")
    printf '=== %s: FAILED (%ss) ===\n' "$name" "$((SECONDS - started))"
  fi
}
has_script() { node -e "process.exit(require('./package.json').scripts?.['$1'] ? 0 : 1)"; }

run_suite build npm run --silent build
run_suite typecheck npx tsc --noEmit -p .
for suite in test:core test:cli test:browser test:observable test:py test:jupyter test:hosts test:faults; do
  if has_script "$suite"; then run_suite "$suite" npm run --silent "$suite"; fi
done

# The core and CLI suites a second time, against alyx-local (Alyx's code from PyPI, on
# PostgreSQL): the client must be right on an Alyx other than the development one.
# dev/alyx-server/*.test.ts stay out: they test the development Alyx itself.
alyx_local_env="${ALYX_LOCAL_STATE:-/tmp/alyx-qc-alyx-local}/test.env"
against_alyx_local() ( set -a; . "$alyx_local_env"; set +a; exec "$@" )
trap 'bash dev/alyx-local/stop.sh' EXIT
run_suite alyx-local:start bash dev/alyx-local/start.sh
if [ -f "$alyx_local_env" ]; then
  echo "(test:core@alyx-local skips dev/alyx-server/*.test.ts: they test the development Alyx itself)"
  run_suite test:core@alyx-local against_alyx_local node --import tsx --test --test-concurrency=1 js/core/*.test.ts
  run_suite test:cli@alyx-local against_alyx_local npm run --silent test:cli
fi

printf '\n'
[ "$failed" -gt 0 ] && printf 'failed suites: %s\n' "${failures[*]}"
echo "suites: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
