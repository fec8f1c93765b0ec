#!/usr/bin/env bash
# Sourced by scripts/setup.sh: `wait_for_apt` returns once no process holds apt's or dpkg's locks
# (an unattended upgrade, another install), waiting at most ALYX_QC_APT_WAIT_S seconds (300), and
# says which process holds them while it waits and when it gives up. The holder is read from
# /proc/locks (apt and dpkg take POSIX locks), so nothing needs installing for it.
# ALYX_QC_APT_LOCKS (space-separated paths) replaces the lock files looked at, for tests.

apt_lock_holder() {  # prints "pid command" of a process holding one of the locks, if any
  local file inode pid
  for file in ${ALYX_QC_APT_LOCKS:-/var/lib/dpkg/lock-frontend /var/lib/dpkg/lock /var/lib/apt/lists/lock /var/cache/apt/archives/lock}; do
    [ -e "$file" ] || continue
    inode="$(stat -c %i "$file")"
    pid="$(awk -v ino="$inode" '{ n = split($6, id, ":"); if (id[n] == ino && $5 > 0) { print $5; exit } }' /proc/locks 2>/dev/null)"
    if [ -n "$pid" ]; then
      printf '%s %s\n' "$pid" "$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || echo '?')"
      return 0
    fi
  done
  return 1
}

wait_for_apt() {
  local limit="${ALYX_QC_APT_WAIT_S:-300}" waited=0 holder
  while holder="$(apt_lock_holder)"; do
    if [ "$waited" -ge "$limit" ]; then
      printf '[setup] apt/dpkg is still locked after %ss, by pid %s. Wait for it to finish (or stop it), then run setup again.\n' "$limit" "$holder" >&2
      return 1
    fi
    [ "$waited" -eq 0 ] && printf '[setup] waiting (at most %ss) for apt/dpkg, locked by pid %s\n' "$limit" "$holder" >&2
    sleep 2
    waited=$((waited + 2))
  done
}
