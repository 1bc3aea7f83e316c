#!/usr/bin/env bash
set -euo pipefail
source ./lib.sh

greet() {
  local name=${1:-world}
  echo "hello, $name"
}

for f in "$@"; do
  if [[ -f $f ]]; then
    wc -l "$f" | awk '{print $1}'
  else
    echo "missing: $f" >&2
  fi
done

case "${MODE:-run}" in
  run) greet "$USER" ;;
  *) exit 1 ;;
esac
