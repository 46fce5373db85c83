#!/usr/bin/env bash
# run-tests.sh [TIER...] - run the test tiers (default: unit integration
# vm; the vm tier's guest runs beside the others unless CTK_VM_SERIAL=1),
# show every result as TAP, repeat the failures, and end with exactly one
# line: "N passed, N failed, N skipped".  Exits 1 on any failure.
#
# A tier that runs no test is a failure, and so is a skip whose reason is
# not listed in tests/allowed-skips (each skip names a missing feature).
#
# run-tests.sh --summarize FILE.tap... only counts existing TAP files
# (the tier is the file's base name); its own tests use this.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
# CTK_BUILD: the build directory under the top (make check-asan: build/asan).
build=$top/${CTK_BUILD:-build}
out=$build/test-results
allowed=${CTK_ALLOWED_SKIPS:-$top/tests/allowed-skips}

run_tier() {
	local tier=$1 tap=$out/$1.tap
	echo "# tier: $tier"
	case "$tier" in
	unit)
		"$build/tests/check_unit" 2>&1 | tee "$tap" || true
		;;
	integration)
		if [ "$(id -u)" -ne 0 ]; then
			echo "not ok 1 the integration tier runs as root" \
				"(sudo make check)" | tee "$tap"
			return
		fi
		# A test that hangs fails by name after CTK_TEST_TIMEOUT
		# seconds (bats kills its processes, its teardown runs)
		# instead of holding the whole run until CI gives up.
		BATS_TEST_TIMEOUT=${CTK_TEST_TIMEOUT:-900} bats --tap --timing \
			"$top"/tests/integration/*.bats 2>&1 | tee "$tap" || true
		;;
	vm)
		# The tests named "... [vm]", again, in a QEMU guest with a pure
		# cgroup v2 hierarchy; a guest that fails is a failure.
		if [ "$(id -u)" -ne 0 ]; then
			echo "not ok 1 the vm tier runs as root (sudo make check)" |
				tee "$tap"
			return
		fi
		(cd "$top" && CTK_TIER=vm CTK_VM_LOG=$out/vm-console.log \
			tests/vm/run-vm.sh --timeout 1800 --timing --filter '\[vm\]$' \
			tests/integration/*.bats) 2>"$out/vm.log" | tee "$tap" ||
			true
		;;
	*)
		echo "not ok 1 unknown tier '$tier'" | tee "$tap"
		;;
	esac
}

# Count one TAP file: "PASS FAIL SKIP" to fd 3, failure lines to stdout.
count_tap() {
	local tier=$1 tap=$2
	awk -v tier="$tier" -v allowed="$allowed" '
	BEGIN {
		while ((getline line < allowed) > 0)
			if (line !~ /^#/ && line != "")
				ok_skip[line] = 1
	}
	/^1\.\.[0-9]+/ { plan = substr($0, 4) + 0 }
	/^ok / {
		n++
		if ($0 ~ /# [Ss][Kk][Ii][Pp]/) {
			reason = $0
			sub(/.*# [Ss][Kk][Ii][Pp][^ ]* ?/, "", reason)
			known = 0
			for (r in ok_skip)
				if (index(reason, r))
					known = 1
			if (known) {
				skip++
			} else {
				fail++
				fails = fails tier ": " $0 \
					" (skip reason not in tests/allowed-skips)\n"
			}
		} else {
			pass++
		}
		next
	}
	/^not ok / { n++; fail++; fails = fails tier ": " $0 "\n"; infail = 1; next }
	/^# / && infail { fails = fails "    " $0 "\n"; next }
	{ infail = 0 }
	END {
		if (n == 0) {
			fail++
			fails = fails tier ": no test ran\n"
		} else if (plan > n) {
			fail += plan - n
			fails = fails tier ": " plan - n \
				" planned tests did not report\n"
		}
		printf "%d %d %d\n", pass, fail, skip > "/dev/stderr"
		printf "%s", fails
	}' "$tap"
}

# Summarize tier=file pairs; print failures and the final line.
summarize() {
	local counts failures pair passed failed skipped
	counts=$(mktemp)
	failures=$(mktemp)
	for pair in "$@"; do
		count_tap "${pair%%=*}" "${pair#*=}" >>"$failures" 2>>"$counts"
	done
	if [ -s "$failures" ]; then
		echo
		echo "# failures:"
		cat "$failures"
	fi
	read -r passed failed skipped < <(awk '{ p += $1; f += $2; s += $3 }
		END { print p + 0, f + 0, s + 0 }' "$counts")
	rm -f "$counts" "$failures"
	echo "$passed passed, $failed failed, $skipped skipped"
	[ "$failed" -eq 0 ]
}

if [ "${1:-}" = --summarize ]; then
	shift
	pairs=()
	for f in "$@"; do
		pairs+=("$(basename "$f" .tap)=$f")
	done
	summarize "${pairs[@]}"
	exit
fi

mkdir -p "$out"
tiers=("$@")
[ "${#tiers[@]}" -gt 0 ] || tiers=(unit integration vm)
# The vm tier's guest keeps one emulated CPU busy for ten minutes and
# more, while the host's tiers mostly wait on the kernel: with other
# tiers to run, the guest boots first and runs beside them (its output
# is shown when its turn comes).  CTK_VM_SERIAL=1 runs it in turn.
vm_pid=
if [ "${#tiers[@]}" -gt 1 ] && [[ " ${tiers[*]} " == *" vm "* ]] &&
	[ "${CTK_VM_SERIAL:-}" != 1 ]; then
	run_tier vm >"$out/vm.out" 2>&1 &
	vm_pid=$!
	trap 'kill "$vm_pid" 2>/dev/null || true' EXIT
fi
pairs=()
for tier in "${tiers[@]}"; do
	if [ "$tier" = vm ] && [ -n "$vm_pid" ]; then
		wait "$vm_pid" || true
		trap - EXIT
		cat "$out/vm.out"
	else
		run_tier "$tier"
	fi
	pairs+=("$tier=$out/$tier.tap")
done
summarize "${pairs[@]}"
