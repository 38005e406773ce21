#!/usr/bin/env bash
# ctest entry of the jsforce smoke test: installs the pinned jsforce (package-lock.json)
# into CACHE_DIR with `npm ci` when the lock file changed, then runs smoke.js against
# SFSIM_BINARY. Exit 77 (ctest SKIP_RETURN_CODE) when node or npm is missing or jsforce
# cannot be installed, so the test shows as skipped, never as passed.
# Usage: run.sh SFSIM_BINARY CACHE_DIR
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
sfsim=$1
cache=$2

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "jsforce smoke test skipped: node and npm are needed (scripts/setup installs them)"
  exit 77
fi
mkdir -p "$cache"
(
  flock 9  # one install at a time when several builds share the cache
  if ! cmp -s "$here/package-lock.json" "$cache/package-lock.json" || [ ! -d "$cache/node_modules" ]; then
    rm -rf "$cache/node_modules"
    cp "$here/package.json" "$here/package-lock.json" "$cache/"
    if ! (cd "$cache" && npm ci --no-audit --no-fund --loglevel=error >npm.log 2>&1); then
      cat "$cache/npm.log"
      rm -f "$cache/package-lock.json"  # retry next time
      echo "jsforce smoke test skipped: npm ci failed (is the npm registry reachable?)"
      exit 77
    fi
  fi
) 9>"$cache/.lock"
NODE_PATH="$cache/node_modules" exec node "$here/smoke.js" "$sfsim"
