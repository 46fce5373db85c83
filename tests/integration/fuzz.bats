#!/usr/bin/env bats
# The fuzz targets (fuzz/, mk/fuzz.mk) keep compiling and pass over their
# seeds and past crashes; `make fuzz` itself (minutes) is run by hand.

load helpers

setup() {
	common_setup
}

teardown() {
	common_teardown
}

# The targets mk/fuzz.mk builds.
fuzz_targets() {
	sed -n 's/^FUZZ_TARGETS[[:space:]]*:=//p' "$TOP/mk/fuzz.mk"
}

@test "fuzz: every target builds and replays its seeds and regressions" {
	run make --no-print-directory -C "$TOP" fuzz-replay
	[ "$status" -eq 0 ]
	for t in $(fuzz_targets); do
		[[ "$output" == *"fuzz_$t: replayed "*" inputs (seeds and regressions): ok"* ]]
	done
	# The crash fuzz_parsers found is among the inputs replayed.
	[ -s "$TOP/fuzz/regress/parsers/cpulist-overflow" ]
}

@test "fuzz: every target has its source and a seed corpus" {
	local n=0
	for t in $(fuzz_targets); do
		[ -f "$TOP/fuzz/fuzz_$t.c" ]
		[ -n "$(ls -A "$TOP/fuzz/corpus/$t")" ]
		n=$((n + 1))
	done
	[ "$n" -eq 4 ]
}

@test "fuzz: control: a target that crashes on a seed fails the replay" {
	# A stand-in for a target, answering as libFuzzer does on a crash.
	cat >"$SCRATCH/fuzz_parsers" <<-'STUB'
	#!/bin/sh
	echo "==1== ERROR: libFuzzer: deadly signal" >&2
	exit 1
	STUB
	chmod +x "$SCRATCH/fuzz_parsers"
	run env FUZZ_DIR="$SCRATCH" "$TOP/fuzz/run.sh" replay parsers
	[ "$status" -eq 1 ]
	[[ "$output" == *"fuzz_parsers: FAILED replaying its seeds or regressions:"* ]]
	[[ "$output" == *"ERROR: libFuzzer: deadly signal"* ]]
	[[ "$output" == *"fuzz: 1 of 1 targets failed"* ]]
}
