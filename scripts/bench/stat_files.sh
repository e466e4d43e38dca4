#!/usr/bin/env bash
# Reading SAS files (issue 17): a 10^6-row, 20-column .sas7bdat and .xpt
# (16 numbers with 1% NA, 2 DATE9. dates, 2 texts; written by ReadStat's
# writer, scripts/fixtures/write_sas7bdat.c, since haven cannot write
# sas7bdat) read by `kaplan run` (read_sas / read_xpt, timed with
# wall_clock()), R haven (read_sas / read_xpt) and pyreadstat when
# installed. Best of BENCH_REPS (3) calls each, in the same process after
# one warm-up read (the file in the page cache for all). Each prints the
# sum of X1 as a checksum.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROWS=${BENCH_STAT_ROWS:-1000000}
REPS=${BENCH_REPS:-3}
DIR=${BENCH_DIR:-/tmp/kaplan-bench}/stat_files
mkdir -p "$DIR"
BIN=${KAPLAN:-$(swift build -c release --show-bin-path)/kaplan}
cc -O2 -o "$DIR/write_sas7bdat" scripts/fixtures/write_sas7bdat.c -lreadstat
[ -s "$DIR/bench_$ROWS.sas7bdat" ] || "$DIR/write_sas7bdat" bench "$DIR/bench_$ROWS.sas7bdat" "$ROWS"
[ -s "$DIR/bench_$ROWS.xpt" ] || "$DIR/write_sas7bdat" bench "$DIR/bench_$ROWS.xpt" "$ROWS" xpt

cat > "$DIR/read.lua" <<LUA
local reps = $REPS
for _, spec in ipairs{ {"sas7bdat", read_sas}, {"xpt", read_xpt} } do
  local path = "$DIR/bench_$ROWS." .. spec[1]
  assert(spec[2](path))
  local best = math.huge
  local d
  for _ = 1, reps do
    local t0 = wall_clock()
    d = assert(spec[2](path))
    best = math.min(best, wall_clock() - t0)
  end
  print(string.format("%-9s kaplan      %8.3f s  %d×%d  sum(X1) %.10g", spec[1], best, #d, d:ncol(), d.X1:sum()))
end
LUA
"$BIN" run "$DIR/read.lua"   # the files are in the script's directory

if command -v Rscript >/dev/null && Rscript -e 'library(haven)' >/dev/null 2>&1; then
  Rscript - <<RSCRIPT
suppressMessages(library(haven))
for (spec in list(list("sas7bdat", read_sas), list("xpt", read_xpt))) {
  path <- sprintf("%s/bench_%d.%s", "$DIR", $ROWS, spec[[1]])
  invisible(spec[[2]](path))
  best <- Inf
  for (i in seq_len($REPS)) {
    t0 <- proc.time()[["elapsed"]]; d <- spec[[2]](path); best <- min(best, proc.time()[["elapsed"]] - t0)
  }
  cat(sprintf("%-9s R haven     %8.3f s  %dx%d  sum(X1) %.10g\n", spec[[1]], best, nrow(d), ncol(d),
              sum(d\$X1, na.rm = TRUE)))
}
RSCRIPT
fi

if python3 -c 'import pyreadstat' >/dev/null 2>&1; then
  python3 - <<PY
import time, pyreadstat
for ext, fn in (("sas7bdat", pyreadstat.read_sas7bdat), ("xpt", pyreadstat.read_xport)):
    path = "$DIR/bench_$ROWS." + ext
    fn(path)
    best = float("inf")
    for _ in range($REPS):
        t0 = time.perf_counter(); d, meta = fn(path); best = min(best, time.perf_counter() - t0)
    print(f"{ext:<9} pyreadstat  {best:8.3f} s  {d.shape[0]}x{d.shape[1]}  sum(X1) {d['X1'].sum():.10g}")
PY
else
  echo "(pyreadstat not installed: pip install pyreadstat)"
fi
