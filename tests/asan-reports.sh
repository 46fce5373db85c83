#!/usr/bin/env bash
# asan-reports.sh DIR BINDIR - the sanitizer reports that make
# check-asan's processes wrote to DIR (ASan, LeakSanitizer, UBSan: one
# file per process).  Prints each, and exits 1 if there is any, 0 if none.
#
# minicontainer runs from a sealed memfd copy of itself (selfexe.c), which
# the sanitizer cannot symbolize: its frames, "(/memfd:NAME (deleted)+OFF)",
# are looked up here in BINDIR/NAME with addr2line.
set -euo pipefail

dir=$1
bindir=$2

# One report, its memfd frames symbolized.
show() {
	local line pre name off sym
	while IFS= read -r line; do
		if [[ "$line" =~ ^(.*)\(/memfd:([^ ]+)\ \(deleted\)\+0x([0-9a-f]+)\)$ ]]; then
			pre=${BASH_REMATCH[1]}
			name=${BASH_REMATCH[2]}
			off=${BASH_REMATCH[3]}
			# The return address: the call is the byte before.
			sym=$(addr2line -f -i -p -e "$bindir/$name" \
				"$(printf '%x' $((16#$off - 1)))" 2>/dev/null |
				tr '\n' ' ') || sym=
			line="$pre${sym:-(/memfd:$name+0x$off)}"
		fi
		printf '#   %s\n' "$line"
	done <"$1"
}

n=0
for f in "$dir"/*; do
	[ -f "$f" ] || continue
	n=$((n + 1))
	echo "# sanitizer report: $f"
	show "$f" | head -80
done
if [ "$n" -gt 0 ]; then
	echo "$n sanitizer report(s) in $dir"
	exit 1
fi
echo "no sanitizer report in $dir"
