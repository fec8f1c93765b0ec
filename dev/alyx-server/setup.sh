#!/usr/bin/env bash
# Create (or reuse) the project's venv and install the development Alyx server's requirements.
# The venv is $ALYX_QC_VENV, by default <repo>/.venv. Idempotent: when every pinned requirement
# is already installed it only checks, which takes about a second.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
venv="${ALYX_QC_VENV:-$repo/.venv}"
requirements="$here/requirements.txt"

if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi

# `pip install` resolves against the index even when nothing is missing; ask the venv first.
if ! "$venv/bin/python" - "$requirements" <<'PY'
import sys
from importlib.metadata import PackageNotFoundError, version

for line in open(sys.argv[1]):
    line = line.split("#")[0].strip()
    if line:
        name, wanted = line.split("==")
        try:
            installed = version(name)
        except PackageNotFoundError:
            sys.exit(1)
        if installed != wanted:
            sys.exit(1)
PY
then
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements"
fi
