#!/bin/sh
# Competing-risks benchmark: Kaplan (release build) against R cmprsk 2.2-11.
#   cuminc on 1,000,000 rows (3 groups, 2 causes), and crr / Fine–Gray at
#   10,000 rows with 3 covariates; Kaplan's Fine–Gray also at 1,000,000.
# Both sides use the same generated data (KaplanBench writes the CSVs; R's
# timings exclude reading them). Best of 3 on each side. Prints ratios.
# Usage: scripts/bench/cuminc.sh [ROWS] [FG_ROWS]
set -eu
cd "$(dirname "$0")/../.."
ROWS=${1:-1000000}
FG_ROWS=${2:-10000}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

swift build -c release --product KaplanBench >/dev/null
BIN=$(swift build -c release --show-bin-path)/KaplanBench
"$BIN" cuminc --rows "$ROWS" --fg-rows "$FG_ROWS" --csv "$TMP/cr.csv" --fg-csv "$TMP/fg.csv" > "$TMP/ours.txt"

Rscript --vanilla - "$TMP/cr.csv" "$TMP/fg.csv" > "$TMP/r.txt" <<'REOF'
suppressPackageStartupMessages(library(cmprsk))
a <- commandArgs(TRUE)
d <- read.csv(a[1]); f <- read.csv(a[2])
best <- function(f, n = 3) min(replicate(n, system.time(f())[["elapsed"]]))
cat("cuminc", best(function() cuminc(d$time, d$status, d$group)), "\n")
# crr is O(n^2) (about a minute at 10,000 rows): timed once.
cat("crr", best(function() crr(f$time, f$status, cbind(f$x1, f$x2, f$x3)), n = 1), "\n")
REOF

awk -v rows="$ROWS" -v fg="$FG_ROWS" '
  FNR == NR { ours[$1] = $2; next }
  { r[$1] = $2 }
  END {
    c = ours["cuminc_" rows]; f = ours["finegray_" fg]; F = ours["finegray_" rows]
    printf "cuminc   %8d rows: Kaplan %.4f s, cmprsk %.3f s, %.0fx faster\n", rows, c, r["cuminc"], r["cuminc"] / c
    printf "finegray %8d rows: Kaplan %.4f s, crr    %.3f s, %.0fx faster\n", fg, f, r["crr"], r["crr"] / f
    printf "finegray %8d rows: Kaplan %.4f s (target < 2 s)\n", rows, F
  }' "$TMP/ours.txt" "$TMP/r.txt"
