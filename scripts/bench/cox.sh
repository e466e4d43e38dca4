#!/usr/bin/env bash
# Cox benchmark: Kaplan (release build) against R survival coxph on the SAME
# generated data (1,000,000 rows, 5 numeric covariates, a 3-level factor,
# 4 strata, Efron ties). KaplanBench writes the data as CSV; R reads it
# (not timed) and times coxph, best of 5. Prints both and the ratio.
#
#   scripts/bench/cox.sh [N]        (from the project root; N defaults to 1e6)
# With lifelines installed, also times its CoxPHFitter on 100,000 rows.
set -euo pipefail
n="${1:-1000000}"
csv="$(mktemp -t coxbench.XXXXXX.csv)"
trap 'rm -f "$csv"' EXIT

swift build -c release --product KaplanBench >/dev/null
bin="$(swift build -c release --show-bin-path)/KaplanBench"
kaplan_out="$("$bin" cox --n "$n" --repeats 5 --csv "$csv")"
echo "$kaplan_out"
kaplan_s="$(echo "$kaplan_out" | sed -n 's/.*best of [0-9]* = \([0-9.]*\) s.*/\1/p')"

r_s="$(Rscript --vanilla - "$csv" <<'REOF'
suppressPackageStartupMessages(library(survival))
d <- read.csv(commandArgs(TRUE)[1], stringsAsFactors = TRUE)
best <- Inf
for (k in 1:5) {
  t <- system.time(fit <- coxph(Surv(time, status) ~ x1 + x2 + x3 + x4 + x5 + f + strata(s),
                                data = d, ties = "efron"))[["elapsed"]]
  best <- min(best, t)
}
message(sprintf("R survival %s coxph efron: best of 5 = %.3f s, iterations = %d",
                packageVersion("survival"), best, fit$iter))
message("  coef = ", paste(sprintf("%.6f", coef(fit)), collapse = " "))
message(sprintf("  loglik = %.6f, concordance = %.6f", fit$loglik[2], fit$concordance["concordance"]))
cat(best)
REOF
)"
echo "R: ${r_s} s"
awk -v r="$r_s" -v k="$kaplan_s" 'BEGIN { printf "ratio R / Kaplan = %.1f x\n", r / k }'

# lifelines (where installed) on 100,000 rows of the same generator: its
# CoxPHFitter (Efron ties, strata) against Kaplan on the same CSV.
if python3 -c 'import lifelines' 2>/dev/null; then
  n_small=100000
  csv_small="$(mktemp -t coxbench.XXXXXX.csv)"
  trap 'rm -f "$csv" "$csv_small"' EXIT
  small_out="$("$bin" cox --n "$n_small" --repeats 5 --csv "$csv_small")"
  small_s="$(echo "$small_out" | sed -n 's/.*best of [0-9]* = \([0-9.]*\) s.*/\1/p')"
  echo "$small_out" | grep -v floor
  ll_s="$(python3 - "$csv_small" <<'PYEOF'
import sys, time
import pandas as pd
import lifelines
from lifelines import CoxPHFitter
d = pd.read_csv(sys.argv[1])
d = pd.get_dummies(d, columns=["f"], drop_first=True, dtype=float)
best = float("inf")
for _ in range(3):
    t0 = time.perf_counter()
    cph = CoxPHFitter()
    cph.fit(d, duration_col="time", event_col="status", strata=["s"])
    best = min(best, time.perf_counter() - t0)
coef = " ".join("%.6f" % c for c in cph.params_.values)
print("lifelines %s CoxPHFitter efron: best of 3 = %.3f s" % (lifelines.__version__, best), file=sys.stderr)
print("  coef = " + coef, file=sys.stderr)
print(best)
PYEOF
)"
  echo "lifelines: ${ll_s} s"
  awk -v r="$ll_s" -v k="$small_s" 'BEGIN { printf "ratio lifelines / Kaplan (100,000 rows) = %.0f x\n", r / k }'
fi
