#!/usr/bin/env bats
# The vm tier's runner: a guest that cannot boot is a failure, never a
# skip, and reports it as TAP the summary counts.  The playground
# (run-vm.sh --run and --shell) boots the same guest for a person.
# shellcheck disable=SC2154 # stderr and stderr_lines are set by bats' run

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
	run ! grep -q ' - cgroup ' /proc/self/mountinfo
}

# --- the playground: run-vm.sh --run and --shell (host tier) -------------

# What a playground may leave behind on the host: QEMU processes, the
# run's temp dirs and console logs, one per line.  make check's own vm
# tier may be running (or end) meanwhile: compare with new_since, which
# counts only what was not there before.
vm_leftovers() {
	pgrep -x qemu-system-x86 | sed 's/^/qemu /' || true
	find "${TMPDIR:-/tmp}" -maxdepth 1 -name 'ctk-vm*' | sed 's/^/dir /'
}
# The lines of $2 that $1 did not have.
new_since() { comm -13 <(sort <<<"$1") <(sort <<<"$2"); }

@test "vm: the playground runs lab 11 (pure cgroup v2 only) end to end" {
	before=$(vm_leftovers)
	progress=${XDG_STATE_HOME:-$HOME/.local/state}/ctk/labs-passed
	progress_before=$(md5sum "$progress" 2>/dev/null || echo none)
	run --separate-stderr timeout 240 "$TOP/tests/vm/run-vm.sh" \
		--run 'labs/labs run 11 --ci'
	[ "$status" -eq 0 ]
	[[ "$output" == *"PASS process "*" is in /ctk-lab11/app"* ]]
	[[ "$output" == *"PASS /ctk-lab11 hands down 'memory pids'"* ]]
	[[ "$output" == *"PASS 11-cgroup-v2: every check passed"* ]]
	# The guest's facts: pure cgroup v2, every controller on.
	[[ "$stderr" == *"subtree_control: cpuset cpu io memory hugetlb pids rdma misc; v1 hierarchies: 0"* ]]
	# Disposable: the pass was recorded in the guest's overlay only.
	[ "$(md5sum "$progress" 2>/dev/null || echo none)" = "$progress_before" ]
	[ -z "$(new_since "$before" "$(vm_leftovers)")" ]
}

@test "vm: run-vm.sh --run passes the command's streams and status back" {
	# shellcheck disable=SC2016 # expanded in the guest
	run --separate-stderr timeout 300 "$TOP/tests/vm/run-vm.sh" \
		--run 'echo "out in $(pwd)"; echo err >&2; hostname; exit 7'
	[ "$status" -eq 7 ]
	[ "${lines[0]}" = "out in $TOP" ]
	[ "${lines[1]}" = "ctk-vm" ]
	[[ "$stderr" == *$'\nerr\n'* ]]
	[[ "${stderr_lines[-1]}" == "run-vm: the command failed in the guest (status 7)" ]]
	# Control: a command that succeeds.
	run --separate-stderr timeout 300 "$TOP/tests/vm/run-vm.sh" --run true
	# Shown on failure (a kept console log's path is in it).
	echo "status $status; stderr: $stderr"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "vm: the playground's shell, on a terminal, shows the prompt and controllers" {
	before=$(vm_leftovers)
	# expect gives the shell a terminal; the guest's status comes back.
	run timeout 330 expect -c "
		set timeout 300
		spawn $TOP/tests/vm/run-vm.sh --shell
		expect {
			{(playground) root@ctk-vm:$TOP# } {}
			timeout { exit 90 }
		}
		send \"cat /sys/fs/cgroup/cgroup.controllers; echo \\\$PATH\r\"
		expect {
			-re {cpuset cpu io memory hugetlb pids rdma misc.*\r\n.*build/bin:.*labs:} {}
			timeout { exit 91 }
		}
		send \"exit 4\r\"
		expect eof
		lassign [wait] pid spawnid os_error value
		exit \$value"
	[ "$status" -eq 4 ]
	[[ "$output" == *"ctk playground: a QEMU guest (TCG, emulated)"* ]]
	[[ "$output" == *"nothing done in this machine is kept"* ]]
	[[ "$output" == *"run-vm: the playground is off; nothing done in it was kept"* ]]
	[ -z "$(new_since "$before" "$(vm_leftovers)")" ]
}

@test "vm: the playground's shell takes piped commands and poweroff" {
	run --separate-stderr bash -c "printf '%s\n' \
		'cat /sys/fs/cgroup/cgroup.controllers' 'cd /tmp; pwd' poweroff |
		timeout 300 '$TOP/tests/vm/run-vm.sh' --shell"
	[ "$status" -eq 0 ]
	[[ "$output" == *"(playground) root@ctk-vm:$TOP# cpuset cpu io memory hugetlb pids rdma misc"* ]]
	[[ "$output" == *"(playground) root@ctk-vm:/tmp# powering off (nothing done here is kept)"* ]]
}

@test "vm: run-vm.sh's modes: usage errors, and --print-kernel" {
	run --separate-stderr "$TOP/tests/vm/run-vm.sh" --run
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "run-vm.sh: option '--run' requires an argument" ]
	run --separate-stderr "$TOP/tests/vm/run-vm.sh" --shell --run true
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "run-vm.sh: --run, --shell and --print-kernel exclude each other" ]
	run --separate-stderr "$TOP/tests/vm/run-vm.sh" --shell foo.bats
	[ "$status" -eq 2 ]
	[[ "${stderr_lines[0]}" == "run-vm.sh: unexpected argument 'foo.bats'"* ]]
	# The kernel the guests boot (the lab 24-vm boots it too).
	run --separate-stderr "$TOP/tests/vm/run-vm.sh" --print-kernel
	[ "$status" -eq 0 ]
	[[ "$output" == /*/vmlinuz-* ]]
	[ -f "$output" ]
	run --separate-stderr env CTK_VM_KERNEL=/nonexistent \
		"$TOP/tests/vm/run-vm.sh" --print-kernel
	[ "$status" -eq 1 ]
	[ "$stderr" = "run-vm.sh: kernel CTK_VM_KERNEL=/nonexistent: no such readable file" ]
	# A guest that cannot start is this script's failure (125), not the
	# command's.
	run --separate-stderr env CTK_VM_KERNEL=/nonexistent \
		"$TOP/tests/vm/run-vm.sh" --run true
	[ "$status" -eq 125 ]
	[ "$stderr" = "run-vm.sh: kernel CTK_VM_KERNEL=/nonexistent: no such readable file" ]
}
