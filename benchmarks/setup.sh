#!/usr/bin/env bash
# Installs what the benchmark's ibllib side needs into the project's venv: ibllib (which brings
# ONE-api). Not part of the test setup: it pulls numpy, scipy, matplotlib, PyQt5, opencv, dask...
# (about 1 GB). Idempotent: does nothing when ibllib is already importable.
#   ALYX_QC_VENV  the venv (default: <repo>/.venv, made by scripts/setup.sh)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${ALYX_QC_VENV:-$here/../.venv}"
python="$venv/bin/python"
if [ ! -x "$python" ]; then
  echo "[alyx-qc] no venv at $venv: run scripts/setup.sh first" >&2
  exit 1
fi
if "$python" -c 'import ibllib.qc.critical_reasons, one.webclient' 2>/dev/null; then
  exit 0
fi
echo "[alyx-qc] installing ibllib and ONE-api into $venv for the benchmark (large: ~1 GB)" >&2
# flock: other engineers' setups may install into the same venv at the same time.
if command -v flock >/dev/null; then
  flock /tmp/pip.lock "$venv/bin/pip" install --quiet 'ibllib>=4' 'ONE-api>=3'
else
  "$venv/bin/pip" install --quiet 'ibllib>=4' 'ONE-api>=3'
fi
