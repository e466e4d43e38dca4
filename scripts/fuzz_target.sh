#!/bin/sh
# One libFuzzer target of `make fuzz`, run for FUZZ_SECONDS on its committed
# corpus (new inputs go to .build-fuzz/corpus, crashes to
# .build-fuzz/artifacts). `make fuzz` runs FUZZ_JOBS of these at a time: a
# target is one process on one core, so two at a time halve the step on the
# two-core CI machine. The report is printed in one piece at the end, so the
# reports of targets run side by side do not interleave.
#
# Usage: scripts/fuzz_target.sh TARGET   (environment: FUZZ_BIN, FUZZ_SECONDS,
#   FUZZ_FLAGS, FUZZ_SCRATCH, set by the Makefile)
# Exit status 1 if the target crashed, hung (still running 120 s past its
# time: `timeout` stops it) or ran out of memory. An input that runs past
# FUZZ_HANG_SECONDS is aborted and saved by the target itself
# (Sources/Fuzz/Driver/FuzzHangWatch.swift).
set -u
t=$1
root=$(cd "$(dirname "$0")/.." && pwd)
# The Makefile holds the defaults; none is repeated here.
: "${FUZZ_BIN:?set by make fuzz}" "${FUZZ_SECONDS:?set by make fuzz}" "${FUZZ_SCRATCH:?set by make fuzz}"
scratch=$root/$FUZZ_SCRATCH
seconds=$FUZZ_SECONDS
mkdir -p "$scratch/corpus/$t" "$scratch/artifacts"
log=$scratch/fuzz-$t.log
report=$scratch/fuzz-$t.report
# The Lua targets take long inputs from the start (a step of the API fuzzer
# needs several bytes; libFuzzer would otherwise begin at 4).
case $t in
  json|lua-api) extra="-len_control=0 -max_len=1024" ;;
  stat-files) extra="-max_len=20000" ;;
  *) extra= ;;
esac
# shellcheck disable=SC2086 # FUZZ_FLAGS and extra are lists of flags
SWIFT_BACKTRACE=enable=no KAPLAN_STDLIB=$root/stdlib timeout -k 10 $((seconds + 120)) \
  "$FUZZ_BIN/fuzz-$t" $FUZZ_FLAGS $extra -max_total_time="$seconds" \
  -artifact_prefix="$scratch/artifacts/$t-" \
  "$scratch/corpus/$t" "$root/Tests/FuzzCorpus/$t" </dev/null >"$log" 2>&1
rc=$?
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
status=0
{
  if [ $rc -eq 0 ]; then
    echo "fuzz-$t: ${runs:-?} executions in $seconds s, no crash"
  elif [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
    echo "fuzz-$t: FAILED: still running 120 s past its time (a hang)"
    tail -c 3000 "$log" | tr -c '[:print:]\n' '?'
    status=1
  else
    echo "fuzz-$t: FAILED (exit $rc) after ${runs:-?} executions:"
    grep -a -E -A12 'ERROR|Fatal error|fuzz property failed|deadly signal|timeout|out-of-memory|a hang' "$log" \
      | head -40 | tr -c '[:print:]\n' '?'
    for a in "$scratch/artifacts/$t-"*; do
      [ -f "$a" ] || continue
      echo "$a (base64):"
      head -c 4500 "$a" | base64 -w 120
    done
    status=1
  fi
} >"$report"
cat "$report"
exit $status
