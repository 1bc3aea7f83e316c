#!/usr/bin/env bash
# The demo's replay (scripts/demo without FLINT_BASE_URL) as a test: a fresh copy of
# demo/sample-project, the recorded answers on the loopback endpoint, and the landed files
# compared with demo/recorded/expected. Usage: run_demo.sh NVIM REPO FLINT_LSP FAKE_ENDPOINT
set -euo pipefail
nvim=$1 repo=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$repo/demo/sample-project" "$work/project"
FLINT_DEMO_PROJECT=$work/project FLINT_LSP=$3 FLINT_FAKE_ENDPOINT=$4 FLINT_DEMO_REAL=0 \
  FLINT_DEMO_ANSWERS=$repo/demo/recorded/answers.json \
  FLINT_DEMO_EXPECTED=$repo/demo/recorded/expected \
  "$nvim" --headless -u NONE -i NONE -n --cmd "set rtp^=$repo/editors/nvim" \
  -c "luafile $repo/demo/demo.lua"
