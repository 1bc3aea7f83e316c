#!/usr/bin/env bash
# A second, current Neovim for the plugin's end-to-end tests: Debian trixie's neovim 0.10.x,
# fetched with apt-get download through a private sources list and lists folder (the system's
# apt set-up is left untouched), unpacked with dpkg-deb -x under a cache folder outside the
# repository, and started through its own dynamic loader with --library-path.
#
# The result is the wrapper "$FLINT_NVIM_CACHE/nvim-0.10/nvim", which tests/nvim/CMakeLists.txt
# looks for. Idempotent and quiet when it is there. Any failure (no network, another
# architecture) is reported in one line and skipped: the tests then run on the system Neovim only.
set -uo pipefail

VERBOSE=${VERBOSE:-0}
say() { if [[ $VERBOSE == 1 ]]; then echo "setup: $*"; fi; }

CACHE=${FLINT_NVIM_CACHE:-/var/cache/flint}
DEST=$CACHE/nvim-0.10
SUITE=trixie

works() {
  [[ -x "$DEST/nvim" ]] && "$DEST/nvim" --version 2>/dev/null | head -1 | grep -q '^NVIM v0\.10\.'
}

# The URI of the system's main Debian archive, read from deb822 or one-line sources.
debian_mirror() {
  local uri
  uri=$(grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}' |
    grep -E '/debian/?$' | head -1)
  if [[ -z $uri ]]; then
    uri=$(grep -hs '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list |
      awk '{for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) {print $i; exit}}' |
      grep -E '/debian/?$' | head -1)
  fi
  [[ -n $uri ]] && echo "${uri%/}"
}

fetch() {
  local work=$1
  local apt_opts=(
    -o "Dir::Etc::SourceList=$work/sources.list" -o Dir::Etc::SourceParts=/nonexistent
    -o Dir::Etc::Preferences=/dev/null -o Dir::Etc::PreferencesParts=/nonexistent
    -o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work/cache" -o Dir::State::status=/dev/null
    -o APT::Sandbox::User=root -o Acquire::Retries=2 -o Acquire::http::Timeout=60
    -o Debug::NoLocking=true
  )
  mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$work/debs" "$work/root" ||
    return 1
  # The machine's own Debian mirror (from its apt configuration), with the newer suite.
  local mirror
  mirror=$(debian_mirror) || return 1
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg]" \
    "$mirror $SUITE main" >"$work/sources.list"
  apt-get "${apt_opts[@]}" -qq update >"$work/log" 2>&1 || return 1
  # The whole dependency closure, as if nothing were installed: the unpacked Neovim must not
  # mix trixie's binaries with bookworm's C library.
  local packages
  packages=$(apt-cache "${apt_opts[@]}" depends --recurse --no-recommends --no-suggests \
    --no-conflicts --no-breaks --no-replaces --no-enhances neovim 2>>"$work/log" |
    grep -v '^[ <]' | sort -u) || return 1
  [[ -n $packages ]] || return 1
  # shellcheck disable=SC2086
  (cd "$work/debs" && apt-get "${apt_opts[@]}" -qq download $packages) >>"$work/log" 2>&1 ||
    return 1
  local deb
  for deb in "$work"/debs/*.deb; do
    dpkg-deb -x "$deb" "$work/root" || return 1
  done
  [[ -x "$work/root/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2" &&
    -x "$work/root/usr/bin/nvim" ]] || return 1
  cat >"$work/nvim" <<'WRAPPER'
#!/bin/sh
# Debian trixie's Neovim, run on its own C library (see scripts/setup.d/nvim.sh).
here=$(dirname "$(readlink -f "$0")")
lib=$here/root/usr/lib/x86_64-linux-gnu
VIMRUNTIME=$here/root/usr/share/nvim/runtime
export VIMRUNTIME
exec "$lib/ld-linux-x86-64.so.2" --library-path "$lib" "$here/root/usr/bin/nvim" "$@"
WRAPPER
  chmod +x "$work/nvim"
  rm -rf "$work/debs" "$work/cache" "$work/lists"
}

skip() {
  echo "setup: skipping Neovim 0.10 for the e2e tests ($1);" \
    "they will run on the system Neovim only" >&2
  exit 0
}

if works; then
  say "Neovim 0.10 ready in $DEST"
  exit 0
fi
[[ $(dpkg --print-architecture 2>/dev/null) == amd64 ]] || skip "only set up on amd64"
for tool in apt-get apt-cache dpkg-deb; do
  command -v "$tool" >/dev/null || skip "$tool is missing"
done
mkdir -p "$CACHE" 2>/dev/null || skip "cannot create $CACHE"
[[ -w $CACHE ]] || skip "$CACHE is not writable"

echo "setup: fetching Neovim 0.10 (Debian $SUITE) into $DEST"
work=$(mktemp -d "$CACHE/.nvim-0.10.XXXXXX") || skip "cannot create a folder in $CACHE"
chmod 755 "$work"
if ! fetch "$work"; then
  tail -3 "$work/log" 2>/dev/null | sed 's/^/setup:   /' >&2
  rm -rf "$work"
  skip "download or unpacking failed"
fi
rm -rf "$DEST" && mv "$work" "$DEST" && rm -f "$DEST/log"
works || skip "the unpacked Neovim does not start"
say "Neovim 0.10 ready in $DEST"
