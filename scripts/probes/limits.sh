#!/bin/sh
# Issue 12, items 3 and 7: children that must not outlive Kaplan, and Ctrl-C.
# A fake rsvg-convert first on PATH records its pid and sleeps; Kaplan is
# ended by --timeout, SIGTERM and SIGKILL while it waits. Prints one line per
# case: the exit status, whether the child is gone, what is left in TMPDIR.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${KAPLAN:-$root/.build/debug/kaplan}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export KAPLAN_STDLIB="$root/stdlib"
mkdir -p "$work/bin" "$work/tmp"
printf '#!/bin/sh\necho $$ > "%s/child.pid"\nexec sleep 60\n' "$work" > "$work/bin/rsvg-convert"
chmod +x "$work/bin/rsvg-convert"
echo 'plot(km(dataset("aml"), "Surv(time, status) ~ x"), {file = "os.png"})' > "$work/plot.lua"
cd "$work" || exit 1
gone() {  # a pid that no longer runs (or is a zombie waiting for init)
  state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)
  [ -z "$state" ] || [ "$state" = Z ]
}
report() {
  sleep 0.5
  c=$(cat child.pid 2>/dev/null)
  if [ -n "$c" ] && gone "$c"; then child=gone; else child="ALIVE($c)"; fi
  printf '%-28s status %s, rsvg-convert %s, TMPDIR: [%s]\n' "$1" "$2" "$child" "$(ls tmp | tr '\n' ' ')"
}
for how in timeout TERM KILL; do
  rm -f child.pid
  if [ $how = timeout ]; then
    PATH="$work/bin:$PATH" TMPDIR="$work/tmp" timeout -s KILL 20 "$bin" run plot.lua --timeout 1 >/dev/null 2>&1
    report "plot --timeout 1" $?
  else
    PATH="$work/bin:$PATH" TMPDIR="$work/tmp" "$bin" run plot.lua >/dev/null 2>&1 &
    k=$!
    while [ ! -s child.pid ]; do sleep 0.1; done
    kill -$how $k; wait $k; st=$?
    report "plot, kaplan got SIG$how" $st
  fi
done
# Ctrl-C: the first stops a hook-reachable loop (status 1); a pattern bomb
# needs a second within a second (status 130). Piped REPL likewise.
ctrl_c() {
  printf '%s\n' "$2" > c.lua
  "$bin" run c.lua >/dev/null 2>err.txt & k=$!
  sleep 1; kill -INT $k
  if [ "$1" = 2 ]; then sleep 0.3; kill -INT $k; fi
  sleep 2; kill -KILL $k 2>/dev/null && echo "HANG: $2"
  wait $k; printf '%-28s status %s: %s\n' "run, Ctrl-C x$1" $? "$(head -n 1 err.txt)"
}
ctrl_c 1 'while true do pcall(function() while true do end end) end'
ctrl_c 2 'print(string.rep("a", 4e4):find(".-.-.-.-b"))'
(printf 'x = 1\nprint(string.rep("a", 4e4):find(".-.-.-.-b"))\n'; sleep 5) | "$bin" repl >/dev/null 2>err.txt & k=$!
sleep 1; kill -INT $k; sleep 0.3; kill -INT $k
wait $k; printf '%-28s status %s: %s\n' "repl, Ctrl-C x2" $? "$(head -n 1 err.txt)"
