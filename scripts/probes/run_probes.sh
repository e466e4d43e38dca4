#!/bin/sh
# Robustness probes: each non-empty, non-comment line of a probe file is one
# Lua chunk, run as its own `kaplan run` (sandboxed) with a 20 s limit.
# Prints one line per probe: STATUS | probe | first line of stderr (or stdout).
# STATUS: ok (exit 0), err (exit 1, a Lua error), or CRASH/HANG/EXIT<n>.
# Usage: scripts/probes/run_probes.sh [probe-file...]   (default: all *.probes)
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${KAPLAN:-$root/.build/debug/kaplan}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. "$here/make_fixtures.sh"
[ $# -eq 0 ] && set -- "$here"/*.probes
for file in "$@"; do
  # A line "#args: ..." gives extra `kaplan run` arguments for the file.
  args=$(sed -n 's/^#args: //p' "$file" | head -n 1)
  while IFS= read -r probe; do
    case "$probe" in ''|'#'*) continue ;; esac
    printf '%s\n' "$probe" > "$work/p.lua"
    ( cd "$work" && KAPLAN_STDLIB="$root/stdlib" timeout -s KILL 20 "$bin" run p.lua --out "$work/out" $args \
        </dev/null >"$work/stdout" 2>"$work/stderr" )
    rc=$?
    case $rc in
      0) s=ok ;; 1) s=err ;; 137) s=HANG ;;
      *) if [ $rc -gt 128 ]; then s="CRASH(sig $((rc-128)))"; else s="EXIT$rc"; fi ;;
    esac
    msg=$(grep -v '^\s' "$work/stderr" | grep -v '^stack traceback' | head -c 300 | tr '\n' ' ')
    [ -z "$msg" ] && msg="out: $(head -c 200 "$work/stdout" | tr '\n' ' ')"
    printf '%-10s| %s\n    -> %s\n' "$s" "$probe" "$msg"
  done < "$file"
done
