#!/usr/bin/env bash
# The widget's Python side, in the project's venv ($ALYX_QC_VENV, by default <repo>/.venv, made by
# dev/alyx-server/setup.sh): the pinned tools of python/requirements-dev.txt (JupyterLab, pytest,
# ONE-api, the build backend) and alyx-qc itself in editable mode. Idempotent and quick when
# everything is there; called by scripts/setup.sh.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${ALYX_QC_VENV:-$repo/.venv}"
requirements="$repo/python/requirements-dev.txt"
cd "$repo"

if [ ! -x "$venv/bin/python" ]; then
  bash dev/alyx-server/setup.sh
fi
# The venv sits inside the repository, so Node would read JupyterLab's own .js files in it as ES
# modules under the project's "type": "module" (jupyterlab.log filled with `Dynamic require of
# "util" is not supported`). A package.json of its own puts them back in CommonJS scope.
[ -f "$venv/package.json" ] || printf '{"type": "commonjs"}\n' >"$venv/package.json"
pip_install() { "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$@"; }

# `pip install` asks the index even when nothing is missing; ask the venv first.
if ! "$venv/bin/python" - "$requirements" "$repo" <<'PY'
import json
import sys
from importlib.metadata import PackageNotFoundError, distribution, version
from pathlib import Path

for line in open(sys.argv[1]):
    line = line.split("#")[0].strip()
    if line:
        name, wanted = line.split("==")
        try:
            if version(name) != wanted:
                sys.exit(1)
        except PackageNotFoundError:
            sys.exit(1)
# alyx-qc installed in editable mode from this checkout?
try:
    url = json.loads(distribution("alyx-qc").read_text("direct_url.json") or "{}")
except PackageNotFoundError:
    sys.exit(1)
if not url.get("dir_info", {}).get("editable") or Path(url.get("url", "").removeprefix("file://")).resolve() != Path(sys.argv[2]).resolve():
    sys.exit(1)
PY
then
  pip_install -r "$requirements"
  # Editable: Python imports python/alyx_qc from this checkout and reads the bundle that
  # `npm run build:widget` writes there, so the install itself needs no npm build.
  SKIP_JUPYTER_BUILDER=1 pip_install --no-build-isolation --no-deps -e "$repo"
fi
