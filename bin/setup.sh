#!/usr/bin/env bash
# Installs what citewatch needs on a fresh Debian machine: Debian's Chromium (for script-rendered
# pages; never a downloaded browser) and the locked npm dependencies. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/chromium ]; then
  as_root=""
  [ "$(id -u)" = 0 ] || as_root="sudo"
  if command -v apt-get >/dev/null && { [ -z "$as_root" ] || command -v sudo >/dev/null; }; then
    $as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y -qq chromium >/dev/null
  else
    echo "setup: cannot install chromium here; script-rendered pages will be recorded as not rendered" >&2
  fi
fi

# Exactly what the lock file pins, from a clean node_modules.
npm ci --no-audit --no-fund
# Compiled JavaScript: citewatch then starts without a TypeScript loader (bin/citewatch.js).
npm run build
