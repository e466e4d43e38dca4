#!/bin/sh
# Cost against the number of groups (issue 12, item 3): each analysis on a
# fixed number of rows split into G = 10, 100, 1000, 10000 groups, through
# `kaplan run` (release build). A run that passes the time limit prints
# "stopped"; the point is that time grows about linearly in G (and that the
# quadratic outputs — pairwise_logrank's pairs — stop cleanly at the limit).
# Times are CPU seconds of the analysis call (os.clock; data generation
# excluded), so other load on the machine matters less.
# Usage: scripts/bench/groups.sh [ROWS] [TIMEOUT_SECONDS] [ANALYSES...]
set -eu
cd "$(dirname "$0")/../.."
ROWS=${1:-100000}
LIMIT=${2:-60}
if [ $# -ge 2 ]; then shift 2; else shift $#; fi
ANALYSES=${*:-logrank pairwise cuminc cox_strata cox_factor finegray}
swift build -c release --product kaplan >/dev/null
BIN=$(swift build -c release --show-bin-path)/kaplan
for a in $ANALYSES; do
  for g in 10 100 1000 10000; do
    start=$(date +%s.%N)
    if out=$("$BIN" run --timeout "$LIMIT" scripts/bench/groups.lua -- "$a" "$ROWS" "$g" 2>&1); then
      echo "$out"
    else
      end=$(date +%s.%N)
      why=$(echo "$out" | grep -m1 -o 'time limit[^(]*\|memory[^(]*\|stopped[^(]*' || echo "$out" | head -1)
      printf '%-11s n=%-8d G=%-6d stopped after %.1f s: %s\n' "$a" "$ROWS" "$g" \
        "$(echo "$end - $start" | bc)" "$why"
    fi
  done
done
