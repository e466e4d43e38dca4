#!/usr/bin/env bash
# `make bench`: what users run (`kaplan run` scripts) next to R, data.table,
# pandas/pyarrow, polars and lifelines on the same generated data, with the
# KaplanBench kernels beside as the floor (scripts/bench/harness.py says how
# it measures; BENCH_SIZES, BENCH_REPS, BENCH_DIR, BENCH_PEERS select), then
# the host's start-up and call overheads (scripts/bench/host.sh).
# Not a test: the harness writes the README's table to docs/bench-results.md
# (BENCH_RESULTS), with the date, load average, sizes and repetitions.
set -uo pipefail
cd "$(dirname "$0")/.."
status=0
python3 scripts/bench/harness.py || status=$?
echo
echo "== host overheads"
bash scripts/bench/host.sh || echo "(host benchmark failed)"
echo
echo "== reading SAS files (read_sas, read_xpt)"
bash scripts/bench/stat_files.sh || echo "(SAS file benchmark failed)"
exit $status
