#!/usr/bin/env bats
# The vm tier's runner: a guest that cannot boot is a failure, never a
# skip, and reports it as TAP the summary counts.

load helpers

@test "vm: a broken kernel path fails the tier with a not ok line" {
	run --separate-stderr env CTK_VM_KERNEL=/nonexistent \
		"$TOP/tests/vm/run-vm.sh" --filter 'x' "$TOP/tests/integration/vm.bats"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "1..1" ]
	[[ "${lines[1]}" == "not ok 1 vm: kernel CTK_VM_KERNEL=/nonexistent: no such readable file" ]]
	# The summary counts it as a failure.
	echo "$output" >"$BATS_TEST_TMPDIR/vm.tap"
	run "$TOP/tests/run-tests.sh" --summarize "$BATS_TEST_TMPDIR/vm.tap"
	[ "$status" -eq 1 ]
	[ "${lines[-1]}" = "0 passed, 1 failed, 0 skipped" ]
}

@test "vm: usage errors are one line and exit 2" {
	run --separate-stderr "$TOP/tests/vm/run-vm.sh" --timeout
	[ "$status" -eq 2 ]
	[[ "${stderr_lines[-1]}" == "Try 'run-vm.sh --help' for more information." ]]
}

@test "vm: the guest is pure cgroup v2 with every controller enabled [vm]" {
	[ "${CTK_TIER:-}" = vm ] || [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ] ||
		skip "the host is not pure cgroup v2 (this test is for the vm tier)"
	[ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]
	for c in cpuset cpu io memory pids; do
		grep -qw "$c" /sys/fs/cgroup/cgroup.subtree_control
	done
	# No v1 hierarchy anywhere.
	! grep -q ' - cgroup ' /proc/self/mountinfo
}
