#!/usr/bin/env bash
# Prepares a machine for chordlab, and does nothing that is already done:
#   1. checks Node (>= 20.19);
#   2. installs redis-server, redis-sentinel (for the Sentinel group) and openssl (for the TLS
#      tests) with apt when missing;
#   3. installs python3-celery and python3-redis with apt when Debian's /usr/bin/python3 cannot
#      import them (for the interop suite, interop/); when that fails it says so in one line and
#      goes on, and the interop suite skips itself;
#   4. runs `npm ci` when node_modules does not match package-lock.json.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { printf 'setup: %s\n' "$*"; }

sudo=()
if [ "$(id -u)" -ne 0 ]; then sudo=(sudo); fi

node_ok=$(node -e 'const [a, b] = process.versions.node.split(".").map(Number); console.log(a > 20 || (a === 20 && b >= 19) ? "yes" : "no")')
if [ "$node_ok" != yes ]; then
  say "Node $(node --version) is too old; chordlab needs Node >= 20.19" >&2
  exit 1
fi

missing=()
command -v "${REDIS_SERVER_BIN:-redis-server}" >/dev/null 2>&1 || missing+=(redis-server)
command -v "${REDIS_SENTINEL_BIN:-redis-sentinel}" >/dev/null 2>&1 || missing+=(redis-sentinel)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
if [ "${#missing[@]}" -gt 0 ]; then
  if [ -n "${REDIS_SERVER_BIN:-}" ] && [[ " ${missing[*]} " == *" redis-server "* ]]; then
    say "REDIS_SERVER_BIN=$REDIS_SERVER_BIN is not an executable" >&2
    exit 1
  fi
  if [ -n "${REDIS_SENTINEL_BIN:-}" ] && [[ " ${missing[*]} " == *" redis-sentinel "* ]]; then
    say "REDIS_SENTINEL_BIN=$REDIS_SENTINEL_BIN is not an executable" >&2
    exit 1
  fi
  if command -v apt-get >/dev/null 2>&1; then
    say "installing ${missing[*]} with apt-get"
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    say "missing: ${missing[*]}. Install the packages redis-server and redis-sentinel (Debian/Ubuntu), redis" >&2
    say "(Homebrew, Fedora), or set REDIS_SERVER_BIN and REDIS_SENTINEL_BIN to compatible binaries such as" >&2
    say "valkey-server and valkey-sentinel." >&2
    exit 1
  fi
fi

celery_ready() { /usr/bin/python3 -c 'import celery, redis' >/dev/null 2>&1; }
# Optional, so it never prompts for a password (sudo -n) and never stops the set-up.
install_celery() {
  local apt=("${sudo[@]}")
  if [ "${#apt[@]}" -gt 0 ]; then apt=(sudo -n); fi
  local install=("${apt[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-celery python3-redis)
  "${install[@]}" >/dev/null 2>&1 && return 0
  # A fresh machine may not have package lists yet.
  "${apt[@]}" apt-get update -qq >/dev/null 2>&1 && "${install[@]}" >/dev/null 2>&1
}
if ! celery_ready; then
  if command -v apt-get >/dev/null 2>&1; then
    say "installing python3-celery and python3-redis with apt-get (for the interop suite)"
    install_celery || true
  fi
  celery_ready || say "python3-celery and python3-redis are not installed for /usr/bin/python3: the interop suite will be skipped"
fi

lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
stamp=node_modules/.chordlab-lock-sha256
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_hash" ]; then
  say "installing Node packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_hash" >"$stamp"
fi
