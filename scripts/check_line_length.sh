#!/usr/bin/env bash
# Lists every line longer than MAX_LINE_LENGTH (default 120) characters in
# the project's source and prose files under the given directories (default
# Sources Tests stdlib scripts), and fails if there is one. Characters, not
# bytes: the code holds UTF-8 such as '–', 'ℓ' and 'β', which take 2 or 3
# bytes but one column. Data (CSV, TSV, JSON, SVG, fixtures' text, the fuzz
# corpus) is not source and is not checked.
set -euo pipefail
cd "$(dirname "$0")/.."
max=${MAX_LINE_LENGTH:-120}
if [ $# -eq 0 ]; then set -- Sources Tests stdlib scripts; fi
# Perl is part of every Debian and macOS base system; -CSD reads UTF-8.
find "$@" -type f \( -name '*.swift' -o -name '*.lua' -o -name '*.c' -o -name '*.h' \
  -o -name '*.modulemap' -o -name '*.sh' -o -name '*.R' -o -name '*.py' -o -name '*.md' \
  -o -name '*.probes' \) -not -path '*/FuzzCorpus/*' -print0 | sort -z |
  xargs -0 perl -CSD -Mutf8 -ne '
    chomp; s/\r$//;
    if (length($_) > '"$max"') { printf "%s:%d: %d columns\n", $ARGV, $., length($_); $n++ }
    close ARGV if eof;
    END { if ($n) { printf "%d line(s) over '"$max"' columns\n", $n; exit 1 } }' || exit 1
