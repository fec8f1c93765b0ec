#!/usr/bin/env bash
# The demo: a local development Alyx with seeded data, and JupyterLab on a copy of
# examples/qc-demo.ipynb that talks to it. Prints the URL to open; Ctrl-C stops both.
#
#   bash scripts/demo.sh                 # Alyx on 8123 and JupyterLab on 8888 when free
#   ALYX_QC_DEMO_ALYX_PORT=9000 ALYX_QC_DEMO_LAB_PORT=9999 bash scripts/demo.sh
#
# The Alyx database is temporary (fresh seed data each run); the notebook copy is kept in
# tmp/demo/ so what you change survives a restart of the demo.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
venv="${ALYX_QC_VENV:-$repo/.venv}"
say() { printf '[demo] %s\n' "$*"; }

if [ -f scripts/setup.sh ]; then
  bash scripts/setup.sh
else
  bash dev/alyx-server/setup.sh
  bash scripts/setup-python.sh
  [ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error
fi
say "building the widget's front end"
npm run --silent build:widget

free_port() {  # the wanted port if free, else any free one
  "$venv/bin/python" - "$1" <<'PY'
import socket, sys
for port in (int(sys.argv[1]), 0):
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            continue
        print(s.getsockname()[1])
        break
PY
}

work="$repo/tmp/demo"
mkdir -p "$work"
[ -f "$work/qc-demo.ipynb" ] || cp examples/qc-demo.ipynb "$work/qc-demo.ipynb"
alyx_log="$work/alyx.log"
lab_log="$work/jupyterlab.log"
pids=()
stop() {
  trap - INT TERM EXIT
  [ "${#pids[@]}" -gt 0 ] || return 0
  say "stopping"
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM
trap stop EXIT

say "starting the development Alyx"
alyx_port="$(free_port "${ALYX_QC_DEMO_ALYX_PORT:-8123}")"
"$venv/bin/python" dev/alyx-server/serve.py --port "$alyx_port" >"$work/alyx.ready" 2>"$alyx_log" &
pids+=($!)
for _ in $(seq 1 600); do
  grep -q '^ALYX READY ' "$work/alyx.ready" 2>/dev/null && break
  kill -0 "${pids[0]}" 2>/dev/null || { cat "$alyx_log"; say "the development Alyx did not start"; exit 1; }
  sleep 0.1
done
alyx_url="$(sed -n 's/^ALYX READY //p' "$work/alyx.ready")"
[ -n "$alyx_url" ] || { say "the development Alyx did not start within 60 s (see $alyx_log)"; exit 1; }

say "starting JupyterLab"
lab_port="$(free_port "${ALYX_QC_DEMO_LAB_PORT:-8888}")"
token="$("$venv/bin/python" -c 'import secrets; print(secrets.token_hex(16))')"
as_root=()
[ "$(id -u)" -eq 0 ] && as_root=(--allow-root)  # containers and CI machines often run as root
ALYX_QC_DEMO_URL="$alyx_url" "$venv/bin/jupyter" lab \
  --no-browser --ip 127.0.0.1 --port "$lab_port" --ServerApp.port_retries=0 \
  --IdentityProvider.token="$token" --ServerApp.root_dir="$work" \
  --LabApp.news_url=None --LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate \
  "${as_root[@]}" >"$lab_log" 2>&1 &
pids+=($!)
for _ in $(seq 1 600); do
  "$venv/bin/python" -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' \
    "http://127.0.0.1:$lab_port/api/status?token=$token" 2>/dev/null && break
  kill -0 "${pids[1]}" 2>/dev/null || { tail -30 "$lab_log"; say "JupyterLab did not start"; exit 1; }
  sleep 0.2
done

cat <<EOT

  Alyx (seeded; user test_user, password TapetesBloc18):  $alyx_url
  JupyterLab on the example notebook:

      http://127.0.0.1:$lab_port/lab/tree/qc-demo.ipynb?token=$token

  Notebook copy: $work/qc-demo.ipynb    Logs: $work/*.log
  Press Ctrl-C to stop both.

EOT
wait -n "${pids[@]}" || true
say "a server stopped by itself (see $work/*.log)"
exit 1
