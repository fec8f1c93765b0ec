#!/usr/bin/env bash
# The demo: a local development Alyx with seeded data, and JupyterLab on a copy of
# examples/qc-demo.ipynb and examples/review-queue.ipynb that talk to it. Prints the URL to open; Ctrl-C stops both.
#
#   bash scripts/demo.sh                 # Alyx on 8123 and JupyterLab on 8888 when free
#   ALYX_QC_DEMO_ALYX_PORT=9000 ALYX_QC_DEMO_LAB_PORT=9999 bash scripts/demo.sh
#   ALYX_QC_DEMO_DIR=/elsewhere ALYX_QC_DEMO_LAB_ARGS="--LabApp.expose_app_in_browser=True" bash scripts/demo.sh
#   ALYX_QC_DEMO_SKIP_SETUP=1 bash scripts/demo.sh   # setup.sh and build:widget already ran (tests)
#
# The Alyx database is temporary (fresh seed data each run); the notebook copy is kept in
# tmp/demo/ so what you change survives a restart of the demo. JupyterLab and its kernels run
# with a private HOME that goes away with the demo: ONE's parameters, tokens and caches for the
# demo's Alyx land there, never in your own ~/.one, and JupyterLab's settings there show no news.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
venv="${ALYX_QC_VENV:-$repo/.venv}"
say() { printf '[demo] %s\n' "$*"; }

if [ "${ALYX_QC_DEMO_SKIP_SETUP:-}" = 1 ]; then
  say "skipping setup and build (ALYX_QC_DEMO_SKIP_SETUP=1: the caller did both)"
elif [ -f scripts/setup.sh ]; then
  bash scripts/setup.sh
else
  bash dev/alyx-server/setup.sh
  bash scripts/setup-python.sh
  [ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error
fi
if [ "${ALYX_QC_DEMO_SKIP_SETUP:-}" != 1 ]; then
  say "building the widget's front end"
  npm run --silent build:widget
fi

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

work="${ALYX_QC_DEMO_DIR:-$repo/tmp/demo}"  # the notebook copy and the logs
mkdir -p "$work"
for notebook in qc-demo review-queue; do
  [ -f "$work/$notebook.ipynb" ] && continue
  # With this Python's language_info, as the kernel reports it, the notebook opens unmodified.
  "$venv/bin/python" - "examples/$notebook.ipynb" "$work/$notebook.ipynb" <<'PY'
import json, platform, sys
notebook = json.load(open(sys.argv[1], encoding="utf-8"))
info = notebook["metadata"].setdefault("language_info", {"name": "python"})
info["version"] = platform.python_version()
with open(sys.argv[2], "w", encoding="utf-8") as out:
    json.dump(notebook, out, indent=1, ensure_ascii=False)
    out.write("\n")
PY
done
# The private HOME of JupyterLab and its kernels (ONE writes ~/.one there), removed on exit.
demo_home="$(mktemp -d "${TMPDIR:-/tmp}/alyx-qc-demo-home.XXXXXX")"
settings="$demo_home/jupyterlab-settings"
write_setting() {  # <package>/<plugin> <json>
  mkdir -p "$settings/$(dirname "$1")"
  printf '%s\n' "$2" >"$settings/$1.jupyterlab-settings"
}
# No "Would you like to get notified about official Jupyter news?" pop-up over the widgets.
write_setting @jupyterlab/apputils-extension/notification '{"fetchNews": "false", "checkForUpdates": false}'
# Saving the notebook keeps the widgets' state (never the token: it is not in the state).
write_setting @jupyter-widgets/jupyterlab-manager/plugin '{"saveState": true}'
alyx_log="$work/alyx.log"
lab_log="$work/jupyterlab.log"
pids=()
stop() {
  trap - INT TERM EXIT
  if [ "${#pids[@]}" -gt 0 ]; then
    say "stopping"
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
  fi
  rm -rf "$demo_home"
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
HOME="$demo_home" JUPYTERLAB_SETTINGS_DIR="$settings" MPLCONFIGDIR="$work/mplconfig" \
  ALYX_QC_DEMO_URL="$alyx_url" "$venv/bin/jupyter" lab \
  --no-browser --ip 127.0.0.1 --port "$lab_port" --ServerApp.port_retries=0 \
  --IdentityProvider.token="$token" --ServerApp.root_dir="$work" \
  --LabApp.news_url=None --LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate \
  "${as_root[@]}" ${ALYX_QC_DEMO_LAB_ARGS:-} >"$lab_log" 2>&1 &
pids+=($!)
for _ in $(seq 1 600); do
  "$venv/bin/python" -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' \
    "http://127.0.0.1:$lab_port/api/status?token=$token" 2>/dev/null && break
  kill -0 "${pids[1]}" 2>/dev/null || { tail -30 "$lab_log"; say "JupyterLab did not start"; exit 1; }
  sleep 0.2
done

cat <<EOT

  Alyx (seeded; user test_user, password TapetesBloc18):  $alyx_url
  JupyterLab on the example notebooks (one session's sign-off and critical note; a review queue):

      http://127.0.0.1:$lab_port/lab/tree/qc-demo.ipynb?token=$token
      http://127.0.0.1:$lab_port/lab/tree/review-queue.ipynb?token=$token

  The command line against the same Alyx (nothing read from or written to your ~/.one):

      ALYX_URL=$alyx_url ALYX_LOGIN=test_user npx alyx-qc signoff d9e994e1-c4aa-4d58-a958-c247286598f6 \\
        --key _ephysChoiceWorld_00 --kind task --reasons 1 --dry-run

  Notebook copies: $work/qc-demo.ipynb, $work/review-queue.ipynb    Logs: $work/*.log
  The kernel's HOME (ONE's parameters and tokens for the demo): $demo_home, removed on exit.
  Press Ctrl-C to stop both.

EOT
wait -n "${pids[@]}" || true
say "a server stopped by itself (see $work/*.log)"
exit 1
