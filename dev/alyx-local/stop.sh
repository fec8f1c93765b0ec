#!/usr/bin/env bash
# Stop what start.sh started (the alyx-local server, then its PostgreSQL cluster) and remove the
# state folder. Nothing running: does nothing.
set -uo pipefail

state="${ALYX_LOCAL_STATE:-/tmp/alyx-qc-alyx-local}"
pgbin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
[ -d "$state" ] || exit 0

if [ -f "$state/gunicorn.pid" ]; then
  pid="$(cat "$state/gunicorn.pid")"
  kill "$pid" 2>/dev/null
  # Gunicorn's master stops its workers and removes the pid file on its way out.
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  kill -9 "$pid" 2>/dev/null
fi
if [ -f "$state/pg/data/postmaster.pid" ]; then
  as_pg=()
  if [ "$(id -u)" -eq 0 ]; then as_pg=(runuser -u postgres --); fi
  "${as_pg[@]}" "$pgbin/pg_ctl" -D "$state/pg/data" -m fast -w stop >/dev/null
fi
rm -rf "$state"
