#!/usr/bin/env bash
# Prepares a machine for chordlab, and does nothing that is already done:
#   1. checks Node (>= 20.19);
#   2. installs redis-server (and openssl, for the TLS tests) with apt when missing;
#   3. runs `npm ci` when node_modules does not match package-lock.json.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { printf 'setup: %s\n' "$*"; }

node_ok=$(node -e 'const [a, b] = process.versions.node.split(".").map(Number); console.log(a > 20 || (a === 20 && b >= 19) ? "yes" : "no")')
if [ "$node_ok" != yes ]; then
  say "Node $(node --version) is too old; chordlab needs Node >= 20.19" >&2
  exit 1
fi

missing=()
command -v "${REDIS_SERVER_BIN:-redis-server}" >/dev/null 2>&1 || missing+=(redis-server)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
if [ "${#missing[@]}" -gt 0 ]; then
  if [ -n "${REDIS_SERVER_BIN:-}" ] && [[ " ${missing[*]} " == *" redis-server "* ]]; then
    say "REDIS_SERVER_BIN=$REDIS_SERVER_BIN is not an executable" >&2
    exit 1
  fi
  if command -v apt-get >/dev/null 2>&1; then
    sudo=()
    if [ "$(id -u)" -ne 0 ]; then sudo=(sudo); fi
    say "installing ${missing[*]} with apt-get"
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    say "missing: ${missing[*]}. Install the package redis-server (Debian/Ubuntu), redis (Homebrew, Fedora)," >&2
    say "or set REDIS_SERVER_BIN to a compatible server such as valkey-server." >&2
    exit 1
  fi
fi

lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
stamp=node_modules/.chordlab-lock-sha256
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_hash" ]; then
  say "installing Node packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_hash" >"$stamp"
fi
