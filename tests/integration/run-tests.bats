#!/usr/bin/env bats
# tests/run-tests.sh: the summary line cannot hide a failure.

load helpers

setup() { common_setup; }
teardown() { common_teardown; }

summarize() {
	CTK_ALLOWED_SKIPS=$SCRATCH/allowed "$TOP/tests/run-tests.sh" \
		--summarize "$@"
}

@test "run-tests: all passing gives exit 0 and the one summary line" {
	printf '1..2\nok 1 a\nok 2 b\n' >"$SCRATCH/unit.tap"
	: >"$SCRATCH/allowed"
	run summarize "$SCRATCH/unit.tap"
	[ "$status" -eq 0 ]
	[ "$output" = "2 passed, 0 failed, 0 skipped" ]
}

@test "run-tests: a failure is counted, repeated, and exits 1" {
	printf '1..2\nok 1 a\nnot ok 2 b\n# why it failed\n' >"$SCRATCH/unit.tap"
	: >"$SCRATCH/allowed"
	run summarize "$SCRATCH/unit.tap"
	[ "$status" -eq 1 ]
	[ "${lines[-1]}" = "1 passed, 1 failed, 0 skipped" ]
	[[ "$output" == *"unit: not ok 2 b"* ]]
	[[ "$output" == *"# why it failed"* ]]
}

@test "run-tests: a skip counts only if its reason is allowed" {
	printf '1..2\nok 1 a # skip kernel lacks CONFIG_TIME_NS\nok 2 b # skip lazy\n' \
		>"$SCRATCH/vm.tap"
	echo "kernel lacks CONFIG_TIME_NS" >"$SCRATCH/allowed"
	run summarize "$SCRATCH/vm.tap"
	[ "$status" -eq 1 ]
	[ "${lines[-1]}" = "0 passed, 1 failed, 1 skipped" ]
	[[ "$output" == *"skip lazy (skip reason not in tests/allowed-skips)"* ]]
}

@test "run-tests: a tier that ran nothing, or stopped early, fails" {
	: >"$SCRATCH/empty.tap"
	printf '1..5\nok 1 a\n' >"$SCRATCH/crashed.tap"
	: >"$SCRATCH/allowed"
	run summarize "$SCRATCH/empty.tap" "$SCRATCH/crashed.tap"
	[ "$status" -eq 1 ]
	[ "${lines[-1]}" = "1 passed, 5 failed, 0 skipped" ]
	[[ "$output" == *"empty: no test ran"* ]]
	[[ "$output" == *"crashed: 4 planned tests did not report"* ]]
}
