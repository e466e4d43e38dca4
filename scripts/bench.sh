#!/usr/bin/env bash
# All benchmarks, each next to R (and lifelines/pandas where installed).
# Not a test: numbers go to the README by hand.
set -uo pipefail
cd "$(dirname "$0")/.."
for area in host csv km cox cuminc; do
  if [ -x "scripts/bench/$area.sh" ] || [ -f "scripts/bench/$area.sh" ]; then
    echo "== $area"
    bash "scripts/bench/$area.sh" || echo "($area benchmark failed)"
  fi
done
