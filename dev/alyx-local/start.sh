#!/usr/bin/env bash
# Start alyx-local (3.1.8, installed by setup.sh) on PostgreSQL, both on loopback, in a fresh
# state folder: a new database cluster, Alyx's migrations, the test users (seed.py). Prints the
# Alyx URL as its last line, and writes the test environment to $ALYX_LOCAL_STATE/test.env.
# Already running: prints the URL again. Reads no standard input. Stop with stop.sh.
#
#   ALYX_LOCAL_STATE  state folder (database, logs, pid files); default /tmp/alyx-qc-alyx-local
#   ALYX_LOCAL_VENV   the venv setup.sh made; default <repo>/.venv-alyx-local
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
venv="${ALYX_LOCAL_VENV:-$repo/.venv-alyx-local}"
state="${ALYX_LOCAL_STATE:-/tmp/alyx-qc-alyx-local}"
pgbin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"

say() { printf '[alyx-local] %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

[ -x "$venv/bin/gunicorn" ] || die "no alyx-local venv at $venv: run dev/alyx-local/setup.sh first"
[ -x "$pgbin/initdb" ] || die "no PostgreSQL server binaries under /usr/lib/postgresql: run dev/alyx-local/setup.sh first"

if [ -f "$state/gunicorn.pid" ] && kill -0 "$(cat "$state/gunicorn.pid")" 2>/dev/null; then
  say "already running"
  tail -n 1 "$state/url"
  exit 0
fi

# PostgreSQL refuses to run as root: as root (CI), the cluster belongs to Debian's `postgres` user.
as_pg=()
if [ "$(id -u)" -eq 0 ]; then as_pg=(runuser -u postgres --); fi

rm -rf "$state"
mkdir -p "$state/pg"
free_port() { "$venv/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
pg_port="$(free_port)"
port="$(free_port)"
"$venv/bin/python" -c 'import secrets; print(secrets.token_hex(24))' > "$state/db-password"
chmod 600 "$state/db-password"
cp "$state/db-password" "$state/pg/pwfile"
[ "${#as_pg[@]}" -gt 0 ] && chown -R postgres "$state/pg"

say "PostgreSQL cluster on 127.0.0.1:$pg_port"
"${as_pg[@]}" "$pgbin/initdb" -D "$state/pg/data" -U postgres --pwfile="$state/pg/pwfile" \
  --auth-local=scram-sha-256 --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$state/pg/initdb.log"
rm -f "$state/pg/pwfile"
# A throwaway test database: no fsync, sockets in the state folder rather than /var/run.
"${as_pg[@]}" "$pgbin/pg_ctl" -D "$state/pg/data" -l "$state/pg/server.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -c port=$pg_port -c unix_socket_directories=$state/pg -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >/dev/null
echo "$pg_port" > "$state/pg-port"
PGPASSWORD="$(cat "$state/db-password")" "$pgbin/psql" -q -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -c 'CREATE DATABASE alyx'

export ALYX_LOCAL_STATE="$state" ALYX_LOCAL_PG_PORT="$pg_port"
export PYTHONPATH="$here/settings" DJANGO_SETTINGS_MODULE=alyx_qc_local
say "migrating the database (about 30 s)"
"$venv/bin/python" -m django migrate --noinput >"$state/migrate.log" 2>&1 || { tail -n 30 "$state/migrate.log" >&2; die "migrations failed (log: $state/migrate.log)"; }
"$venv/bin/python" "$here/seed.py" >&2

say "serving on 127.0.0.1:$port"
# Request lines up to 8190 bytes, as Apache's and nginx's defaults (gunicorn's own is 4094).
# Idle connections kept 75 s, as nginx (in front of it in alyx-local's Docker image) does: with
# gunicorn's 2 s, Node's fetch (4 s) reuses sockets the server is closing, and a POST is lost.
"$venv/bin/gunicorn" alyx.base.wsgi --bind "127.0.0.1:$port" --workers 2 --threads 4 --worker-class gthread \
  --limit-request-line 8190 --keep-alive 75 --daemon --pid "$state/gunicorn.pid" --error-logfile "$state/server.log" --capture-output --no-control-socket
url="http://127.0.0.1:$port/api"
password="$("$venv/bin/python" -c 'import json, sys; print(json.load(open(sys.argv[1]))["password"])' "$repo/dev/alyx-server/seed.json")"
for _ in $(seq 1 120); do
  if curl -fsS -o /dev/null -X POST -d username=admin -d "password=$password" "$url/auth-token" 2>/dev/null; then
    {
      echo "ALYX_QC_TEST_URL=$url"
      echo "ALYX_QC_TEST_ADMIN=admin"
      echo "ALYX_QC_TEST_ADMIN_PASSWORD=$password"
      echo "ALYX_QC_TEST_USER=test_user"
      echo "ALYX_QC_TEST_USER_PASSWORD=$password"
      echo "ALYX_QC_TEST_USER2=reviewer2"
      echo "ALYX_QC_TEST_USER2_PASSWORD=$password"
      echo "ALYX_QC_TEST_PUBLIC_USER=public_viewer"
      echo "ALYX_QC_TEST_PUBLIC_USER_PASSWORD=$password"
    } > "$state/test.env"
    echo "$url" > "$state/url"
    echo "$url"
    exit 0
  fi
  sleep 0.5
done
tail -n 30 "$state/server.log" >&2
die "alyx-local did not answer POST $url/auth-token within 60 s (log: $state/server.log)"
