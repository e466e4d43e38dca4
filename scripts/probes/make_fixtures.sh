# Sourced by run_probes.sh with $work set: writes small malformed CSV files.
cd "$work" || exit 1
printf 'time,event,arm\n1,1,a\n2,0,b\n3,1\n4,1,a,extra\n' > ragged.csv
printf 'time,event,arm\n1,1,"a\n2,0,b\n' > unterminated.csv
printf 'time,event,arm\n1,1,\377\376a\n2,0,b\n' > badutf8.csv
: > empty.csv
printf '\357\273\277' > bom.csv
printf '\357\273\277\n' > bomnl.csv
printf 'time,time,event\n1,2,1\n3,4,0\n' > dupnames.csv
printf 'time,event,arm\n1,1,a\000b\n2,0,b\n' > nul.csv
printf 'time,event\n1,1\n' > onerow.csv
printf 'time,event\n' > headeronly.csv
printf '\n\n\n' > blank.csv
printf 'time,,event\n1,2,1\n' > emptyname.csv
printf 'time,event,arm\r\n1,1,a\r\n2,0,b\r' > crlf.csv
printf 'a\n"x""y"\n"unterminated""\n' > quotes.csv
printf 'time,event,x\n1,1,NA\n2,0,NA\n3,1,NA\n' > allna.csv
printf 'time,event,grp\n1,1,a\n2,0,a\n3,1,a\n4,1,a\n' > onegroup.csv
printf 'time,event,arm\n1,1,a\n2,0,b\n3,1,a\n4,1,b\n5,0,a\n6,1,b\n' > small.csv
printf 'time,event\n1e400,1\n-1e400,0\nnan,1\ninf,1\n' > hugenum.csv
printf 'time,event\n99999999999999999999999,1\n-9223372036854775808,0\n9223372036854775807,1\n' > bigint.csv
printf 'd\n2004-02-30\n9999-12-31\n0000-01-01\n-2004-01-01\n' > dates.csv
python3 -c "import sys; sys.stdout.write('a\n' + 'x'*5_000_000 + '\n')" > big_field.csv
python3 -c "import sys; sys.stdout.write('a\n\"' + 'x'*5_000_000 + '\"\n')" > big_quoted.csv
python3 -c "import sys; sys.stdout.write(','.join('c%d'%i for i in range(20000)) + '\n')
sys.stdout.write(','.join('1' for i in range(20000)) + '\n')" > wide.csv
printf 'time\tevent\n1\t1\n' > tabs.tsv
mkdir -p sub out; printf 'x\n1\n' > sub/ok.csv
ln -sf /etc/passwd link_passwd.csv
ln -sf /etc link_etc
# Issue 12, items 5-7: subnormal times, math.mininteger, a NUL in a header, a named pipe.
printf 'time,event\n4.9e-324,1\n1e-323,0\n' > subnormal.csv
printf 'x,y\n1,2\n-9223372036854775808,3\n' > minint.csv
printf 'a\000b,a\000c\n1,x\n' > nulheader.csv
rm -f fifo.csv; mkfifo fifo.csv
# Issue 12: links in the output directory that lead outside it, dangling.
mkdir -p escaped; printf 'inside\n' > out/real.txt
for f in results.txt table.csv figure.png figure.pdf; do ln -sf "$work/escaped/$f" "out/$f"; done
ln -sf ../escaped/figure.svg out/figure.svg; ln -sf results.txt out/chain.txt; ln -sf real.txt out/inside_link.txt
# Review of issue 12: a hard link in --out to a file outside it, and a named pipe in --out.
printf 'outside\n' > escaped/profile.txt; rm -f out/hard.txt out/hard.svg out/pipe.csv
ln escaped/profile.txt out/hard.txt; ln escaped/profile.txt out/hard.svg; mkfifo out/pipe.csv
cd - >/dev/null
