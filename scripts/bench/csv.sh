#!/bin/sh
# CSV reading speed: Kaplan vs R read.csv vs pandas read_csv on the same
# generated 1,000,000-row, 10-column numeric file (about 58 MB).
#   scripts/bench/csv.sh [ROWS]          (run from the project root)
set -eu
ROWS=${1:-1000000}
FILE=${TMPDIR:-/tmp}/kaplan_bench_csv_$ROWS.csv

swift build -c release --product KaplanBench >/dev/null
BENCH="$(swift build -c release --show-bin-path)/KaplanBench"
[ -f "$FILE" ] || "$BENCH" csv --rows "$ROWS" --write "$FILE"
MB=$(awk -v b="$(wc -c < "$FILE")" 'BEGIN { printf "%.1f", b / 1e6 }')

line=$("$BENCH" csv "$FILE")
kaplan=$(echo "$line" | sed -n 's/.*columns: \([0-9.]*\) s, .*/\1/p')
echo "kaplan  $kaplan s  ($line)"

r="NA"
if command -v Rscript >/dev/null; then
  r=$(Rscript -e "f <- commandArgs(TRUE)[1]
    t <- min(sapply(1:3, function(i) system.time(read.csv(f))[['elapsed']])); cat(t)" "$FILE")
  echo "R       $r s  (read.csv, best of 3)"
fi

py="NA"
if python3 -c "import pandas" 2>/dev/null || pip install -q pandas >/dev/null 2>&1; then
  py=$(python3 -c "
import sys, time, pandas
def once():
    t0 = time.perf_counter()
    pandas.read_csv(sys.argv[1])
    return time.perf_counter() - t0
best = min(once() for _ in range(3))
print(f'{best:.3f}')" "$FILE")
  echo "pandas  $py s  (read_csv, best of 3)"
fi

awk -v mb="$MB" -v k="$kaplan" -v r="$r" -v p="$py" 'BEGIN {
  printf "file %s MB; kaplan %.0f MB/s", mb, mb / k
  if (r != "NA") printf "; R %.0f MB/s (kaplan %.1fx faster)", mb / r, r / k
  if (p != "NA") printf "; pandas %.0f MB/s (kaplan %.1fx faster)", mb / p, p / k
  printf "\n"
}'
