#!/usr/bin/env bash
# Installs everything alyx-qc's tests and demo need on a fresh Debian machine, and nothing twice:
# Debian's Chromium (browser tests), the Python venv (development Alyx, the widget's Python
# package, JupyterLab), and the npm packages from package-lock.json.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

say() { printf '[setup] %s\n' "$*"; }

if [ ! -x /usr/bin/chromium ]; then
  say "installing Debian's chromium (browser tests)"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  # A fresh machine is often still running its unattended upgrade: wait for apt, bounded.
  source scripts/wait-for-apt.sh
  wait_for_apt
  $sudo_cmd apt-get -o DPkg::Lock::Timeout=300 update -qq
  wait_for_apt
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
fi

say "Python venv for the development Alyx"
bash dev/alyx-server/setup.sh

say "alyx-local and PostgreSQL (a second Alyx for the core and CLI suites)"
bash dev/alyx-local/setup.sh

if [ -f scripts/setup-python.sh ]; then
  say "Python package and JupyterLab"
  bash scripts/setup-python.sh
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "npm packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi
say "done"
