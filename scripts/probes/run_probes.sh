#!/bin/sh
# Robustness probes: each non-empty, non-comment line of a probe file is one
# Lua chunk, run as its own `kaplan run` (sandboxed) with a 20 s limit.
# Prints one line per probe: STATUS | probe | first line of stderr (or stdout).
# STATUS: ok (exit 0), err (exit 1, a Lua error), or CRASH/HANG/EXIT<n>.
#
# Usage: scripts/probes/run_probes.sh [--check] [--jobs N] [probe-file...]
#   (default: all *.probes)
# A line `#args: ...` in a probe file gives extra `kaplan run` arguments for
# its probes. A probe line ending in " \\" continues on the next line (whose
# leading blanks are dropped), so that no line passes 120 columns.
#   --check   the CI mode: each probe runs with `--timeout $PROBE_TIMEOUT`
#             (default 5 s, unless the file's #args set one; killed at 20 s), only problems and a summary are
#             printed, and the exit status is 1 if a probe crashed, hung or
#             ended with a status other than 0 or 1. A probe preceded by the
#             line `#! hang-allowed: <why>` may hang (a known, open escape of
#             the time limit): it is reported but does not fail the check.
#             Delete the mark when the escape is fixed; the check says when a
#             marked probe no longer hangs.
#   --jobs N  run N probes at a time (default 1; 2 in --check mode).
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${KAPLAN:-$root/.build/debug/kaplan}
check=0; jobs=
while [ $# -gt 0 ]; do
  case "$1" in
    --check) check=1; shift ;;
    --jobs) jobs=$2; shift 2 ;;
    --one) break ;;
    *) break ;;
  esac
done

# One probe (internal, run in parallel by xargs): --one WORK INDEX
if [ "${1:-}" = "--one" ]; then
  work=$2; i=$3; mode=$4
  exec 2>/dev/null   # no "Killed"/"Segmentation fault" notes: the status says it
  args=$(cat "$work/args$i")
  case " $args " in
    *" --timeout "*) ;;
    *) [ "$mode" = 1 ] && args="$args --timeout ${PROBE_TIMEOUT:-5}" ;;
  esac
  ( cd "$work" && KAPLAN_STDLIB="$root/stdlib" timeout -s KILL 20 "$bin" run "p$i.lua" --out "$work/out" $args \
      </dev/null >"$work/stdout$i" 2>"$work/stderr$i" )
  rc=$?
  case $rc in
    0) s=ok ;; 1) s=err ;; 137) s=HANG ;;
    *) if [ $rc -gt 128 ]; then s="CRASH(sig $((rc-128)))"; else s="EXIT$rc"; fi ;;
  esac
  msg=$(grep -v '^\s' "$work/stderr$i" | grep -v '^stack traceback' | head -c 300 | tr '\n' ' ')
  [ -z "$msg" ] && msg="out: $(head -c 200 "$work/stdout$i" | tr '\n' ' ')"
  printf '%s\n' "$s" > "$work/status$i"
  printf '%-10s| %s\n    -> %s\n' "$s" "$(cat "$work/p$i.lua")" "$msg" > "$work/result$i"
  rm -f "$work/stdout$i" "$work/stderr$i"
  exit 0
fi

[ -x "$bin" ] || { echo "run_probes.sh: no kaplan at $bin (swift build, or set KAPLAN)" >&2; exit 2; }
[ -z "$jobs" ] && { [ $check = 1 ] && jobs=2 || jobs=1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. "$here/make_fixtures.sh"
[ $# -eq 0 ] && set -- "$here"/*.probes

# Number the probes; remember which may hang.
n=0; allowed=0
: > "$work/allowed"
for file in "$@"; do
  # A line "#args: ..." gives extra `kaplan run` arguments for the file.
  args=$(sed -n 's/^#args: //p' "$file" | head -n 1)
  pending=
  while IFS= read -r line; do
    [ -n "$pending" ] && line=${line#"${line%%[![:space:]]*}"}
    case "$line" in
      *' \') pending="$pending${line%\\}"; continue ;;
    esac
    probe="$pending$line"
    pending=
    case "$probe" in
      '#! hang-allowed'*) allowed=1; continue ;;
      ''|'#'*) continue ;;
    esac
    n=$((n + 1))
    printf '%s\n' "$probe" > "$work/p$n.lua"
    printf '%s\n' "$args" > "$work/args$n"
    [ $allowed = 1 ] && echo "$n" >> "$work/allowed"
    allowed=0
  done < "$file"
done

seq 1 "$n" | xargs -P "$jobs" -I{} sh "$here/run_probes.sh" --one "$work" {} "$check"

if [ $check = 0 ]; then
  i=1; while [ $i -le $n ]; do cat "$work/result$i"; i=$((i + 1)); done
  exit 0
fi

failed=0; ok=0; err=0; known=0
i=1
while [ $i -le $n ]; do
  s=$(cat "$work/status$i")
  if grep -qx "$i" "$work/allowed"; then
    if [ "$s" = HANG ]; then known=$((known + 1)); printf 'known (hang-allowed): '; cat "$work/result$i"
    else printf 'marked hang-allowed but %s now (remove the mark): ' "$s"; cat "$work/result$i"; fi
  fi
  case "$s" in
    ok) ok=$((ok + 1)) ;;
    err) err=$((err + 1)) ;;
    HANG) grep -qx "$i" "$work/allowed" || { failed=$((failed + 1)); cat "$work/result$i"; } ;;
    *) failed=$((failed + 1)); cat "$work/result$i" ;;
  esac
  i=$((i + 1))
done
echo "probes: $n run, $ok ok, $err clean errors, $known known hangs (hang-allowed), $failed failed"
[ $failed -eq 0 ]
