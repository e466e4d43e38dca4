#!/usr/bin/env bash
# Host overheads: `kaplan run` of an empty script (start-up, best of 20) and
# one Lua -> Swift call. Compares start-up with R + survival and Python + lifelines
# when they are installed.
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build -c release --static-swift-stdlib --product kaplan >/dev/null
swift build -c release --product KaplanBench >/dev/null
BIN=$(swift build -c release --show-bin-path)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
: > "$tmp/empty.lua"

best_of() {  # best wall time in ms of N runs of a command
  local n=$1; shift
  python3 - "$n" "$@" <<'PY'
import subprocess, sys, time
n = int(sys.argv[1]); cmd = sys.argv[2:]
def once():
    t0 = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0
best = min(once() for _ in range(n))
print(f"{best * 1000:.1f}")
PY
}

k=$(best_of 20 "$BIN/kaplan" run "$tmp/empty.lua")
echo "start-up: kaplan run empty.lua       ${k} ms (best of 20)"
if command -v Rscript >/dev/null; then
  r=$(best_of 3 Rscript -e 'suppressMessages(library(survival))')
  echo "start-up: Rscript + library(survival) ${r} ms (best of 3)"
fi
if python3 -c 'import lifelines' 2>/dev/null; then
  p=$(best_of 3 python3 -c 'import lifelines')
  echo "start-up: python3 -c 'import lifelines' ${p} ms (best of 3)"
fi
"$BIN/KaplanBench" host
