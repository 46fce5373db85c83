#!/usr/bin/env bats
# The project's shell code is shellcheck clean (STYLE.md).

load helpers

@test "shellcheck: scripts, the test runner, CI and helpers are clean" {
	run shellcheck -x "$TOP"/scripts/*.sh "$TOP"/tests/*.sh \
		"$TOP"/tests/vm/*.sh "$TOP/.ci/run" "$TOP"/fuzz/*.sh "$TOP"/bench/*.sh \
		"$TOP"/tests/integration/*.bash "$TOP"/tests/integration/*.sh \
		"$TOP"/labs/doctor "$TOP"/labs/labs \
		"$TOP"/labs/*/lab "$TOP"/labs/*/check "$TOP"/labs/*/scratch-* "$TOP"/labs/*/measure \
		"$TOP"/labs/lib/*.sh
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "shellcheck: control: a known mistake is reported" {
	run shellcheck -s bash - <<<'rm -rf $1/*'
	[ "$status" -ne 0 ]
	[[ "$output" == *SC2115* || "$output" == *SC2086* ]]
}
