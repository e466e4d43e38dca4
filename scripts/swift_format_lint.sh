#!/usr/bin/env bash
# `swift format lint --strict` over the Swift sources with the rules of
# .swift-format, failing on any finding of those rules.
#
# The layout findings of swift-format's pretty printer (Indentation,
# AddLines, RemoveLine, Spacing, SpacingCharacter, TrailingComma,
# TrailingWhitespace, EndOfLineComment, LineLength) cannot be switched off
# in the configuration (swiftlang/swift-format issue 764), and the code is
# laid out by hand (aligned arguments, nested `withUnsafe…` closures on one
# level), which the printer would rewrite throughout. They are dropped here;
# line length is checked by scripts/check_line_length.sh, in characters.
set -uo pipefail
cd "$(dirname "$0")/.."
SWIFT=${SWIFT:-swift}
if [ $# -eq 0 ]; then set -- Sources Tests Package.swift; fi
layout='Indentation|AddLines|RemoveLine|Spacing|SpacingCharacter|TrailingComma|TrailingWhitespace'
layout+='|EndOfLineComment|LineLength'
out=$("$SWIFT" format lint --strict --recursive --parallel "$@" 2>&1)
status=$?
findings=$(printf '%s\n' "$out" | grep -E '^[^ ]+:[0-9]+:[0-9]+: (error|warning): \[' | grep -Ev ": \[($layout)\] ")
other=$(printf '%s\n' "$out" | grep -Ev '^[^ ]+:[0-9]+:[0-9]+: (error|warning): \[' | grep -v '^$')
if [ -n "$findings" ]; then
  printf '%s\n' "$findings"
  echo "swift-format: $(printf '%s\n' "$findings" | wc -l) finding(s)"
  exit 1
fi
# A failure that is not a finding (a file that does not parse, a bad configuration).
if [ $status -ne 0 ] && [ -n "$other" ]; then
  printf '%s\n' "$other"
  exit 1
fi
echo "swift-format: no findings (layout findings of the pretty printer not checked)"
