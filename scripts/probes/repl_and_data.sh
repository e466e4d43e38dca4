#!/bin/sh
# Robustness probes of `kaplan repl` (piped input, incomplete chunks at EOF)
# and of `--data NAME=PATH` with bad files. Prints each case with the exit
# status and the first lines of output.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${KAPLAN:-$root/.build/debug/kaplan}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. "$here/make_fixtures.sh"
export KAPLAN_STDLIB="$root/stdlib"
cd "$work" || exit 1
repl() {
  printf '=== repl <<< %s\n' "$1"
  printf '%b' "$1" | timeout -s KILL 20 "$bin" repl >out.txt 2>&1
  echo "[status $?]"; head -c 400 out.txt; echo
}
repl 'print(1+1)\nfunction f(\n'
repl 'x = \n'
repl 'for i = 1, 3 do\nprint(i)\n'
repl '1+\n'
repl 'error("boom")\nprint(2)\n'
repl '"unterminated\nprint(3)\n'
repl '\055-[[ open comment\n'
repl ')\n'
repl 'date(0/0)\nprint("alive")\n'
repl 'coroutine.wrap(function() return km(dataset("aml"), "Surv(time, status) ~ x") end)()\n'
repl 'setmetatable({}, {__tostring = function() error("ts") end})\nprint(5)\n'
repl 'print = nil\n1+1\n'
repl 'os.exit()\n'
echo 'print(#d)' > s.lua
for a in d=ragged.csv d=empty.csv d=bom.csv d=nonexist.csv d=/etc/passwd d=sub =small.csv d= 1x=small.csv \
         print=small.csv d=small.csv=x d=big_field.csv d=nul.csv d=badutf8.csv d=link_passwd.csv d=dupnames.csv; do
  printf '=== run --data %s\n' "$a"
  timeout -s KILL 20 "$bin" run s.lua --data "$a" >out.txt 2>&1
  echo "[status $?]"; head -c 300 out.txt; echo
done
# Issue 12, items 5 and 7: an endless device as --data, and --max-memory sizes.
for a in z=/dev/zero z=fifo.csv; do
  printf '=== run --data %s\n' "$a"
  timeout -s KILL 20 "$bin" run s.lua --data "$a" --max-memory 100M >out.txt 2>&1
  echo "[status $?]"; head -c 300 out.txt; echo
done
echo 'print("ran")' > r.lua
for m in inf 1e30G 0.5 -1 0x10 0 unlimited 1.5G; do
  printf '=== run --max-memory %s\n' "$m"
  timeout -s KILL 20 "$bin" run r.lua --max-memory "$m" >out.txt 2>&1
  echo "[status $?]"; head -c 300 out.txt; echo
done
# Issue 12 item 8: lines that are not UTF-8 are refused, never run altered;
# --out that cannot be a directory names the option and the path.
repl '\0351t\0351 = 5\nprint(t)\n'
repl 'x = {\n\0351,\n}\nprint(x)\n'
for o in /dev/null /etc/passwd/sub; do
  printf '=== run --out %s\n' "$o"
  timeout -s KILL 20 "$bin" run s.lua --out "$o" >out.txt 2>&1
  echo "[status $?]"; head -c 300 out.txt; echo
done
