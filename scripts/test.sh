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

printf '\n'
[ "$failed" -gt 0 ] && printf 'failed suites: %s\n' "${failures[*]}"
echo "suites: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
