#!/usr/bin/env bash
# Install alyx-local 3.1.8 (from PyPI) and Debian's PostgreSQL, for running alyx-qc's suites
# against a second Alyx (start.sh). The venv is $ALYX_LOCAL_VENV, by default
# <repo>/.venv-alyx-local (about 1.1 GB). Idempotent: once installed it only compares a stamp.
# Reads no standard input.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
venv="${ALYX_LOCAL_VENV:-$repo/.venv-alyx-local}"
requirements="$here/requirements.txt"
package="alyx-local==3.1.8"

say() { printf '[alyx-local setup] %s\n' "$*"; }

if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  say "installing Debian's PostgreSQL"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends postgresql >/dev/null
fi

# The stamp records what was installed: the package and the exact requirements.
stamp="$venv/.alyx-qc-installed"
wanted="$package $(sha256sum "$requirements" | cut -d' ' -f1)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ] && [ -x "$venv/bin/gunicorn" ]; then
  exit 0
fi

say "venv $venv (takes about 1-2.5 minutes)"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
pip=("$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input)
# Its dependencies first, pinned (requirements.txt, versions that work on Python 3.11), then the
# package itself without them and without the Python check: its wheel declares 3.12 only, though
# its code runs on 3.11.
"${pip[@]}" -r "$requirements"
"${pip[@]}" --no-deps --ignore-requires-python "$package"
echo "$wanted" > "$stamp"
say "done"
