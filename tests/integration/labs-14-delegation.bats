#!/usr/bin/env bats
# Lab 14 (cgroup delegation): it passes in --ci mode and leaves nothing
# behind on a pure cgroup v2 host, and stops at the doctor on a hybrid
# one; each checker fails, with the right hint, on a state where the
# student did it wrong, and passes on a control.

load helpers

setup() {
	common_setup
	CHECK=$TOP/labs/14-delegation/check
	D=/sys/fs/cgroup/ctk-test14
}

teardown() {
	local i
	kill_fixtures
	for ((i = 0; i < 50; i++)); do
		[ -d "$D" ] || break
		echo 1 >"$D/cgroup.kill" 2>/dev/null || true
		find "$D" -depth -type d -exec rmdir {} + 2>/dev/null || sleep 0.1
	done
	common_teardown
}

v2() { [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]; }

leftovers() {
	find /tmp -maxdepth 1 -name 'ctk-lab.*' | wc -l
	pgrep -f -x "(/bin/)?sleep 14001" | wc -l
	find /sys/fs/cgroup -maxdepth 3 -type d -path '*/ctk*' 2>/dev/null | sort
}

# The subtree, made and delegated to uid 65534 as the lab does.
delegate() {
	mkdir "$D" "$D/session"
	chown 65534:65534 "$D" "$D/cgroup.procs" "$D/cgroup.subtree_control" \
		"$D/cgroup.threads"
}

# Root moves a shell into $D/session, which drops to nobody.
as_user_in_leaf() {
	sh -c 'echo $$ >"$0/session/cgroup.procs" &&
		exec setpriv --reuid=65534 --regid=65534 --clear-groups "$@"' \
		"$D" "$@"
}

@test "labs: 14-delegation passes in --ci mode and leaves nothing behind [vm]" {
	before=$(leftovers)
	run "$TOP/labs/14-delegation/lab" --ci
	if ! v2; then
		[ "$status" -eq 1 ]
		[[ "$output" == *"doctor: lab 14-delegation: cannot run: cgroups are hybrid here, not pure v2"* ]]
		[[ "$output" != *PASS* ]]
		[ "$(leftovers)" = "$before" ]
		return
	fi
	[ "$status" -eq 0 ]
	[[ "$output" == *"cgroup-limit: nothing is delegated to uid 65534: "*" is not writable"* ]]
	[[ "$output" == *"PASS uid 65534 owns /sys/fs/cgroup/ctk-lab14 and its cgroup.procs, cgroup.subtree_control and cgroup.threads; memory.max there stays root's"* ]]
	[[ "$output" == *"echo: write error: Device or resource busy"* ]]
	[[ "$output" == *"PASS process "*" runs as uid 65534 in /ctk-lab14/ctk/lab14 (owner nobody), memory.max=33554432: set by the user, inside the subtree delegated to it"* ]]
	[[ "$output" == *"PASS 14-delegation: every check passed"* ]]
	[ "$(leftovers)" = "$before" ]
}

@test "labs: 14 checker 'delegated' fails on a missing or half-delegated subtree; control passes [vm]" {
	v2 || skip "the host is not pure cgroup v2 (this test is for the vm tier)"
	run "$CHECK" delegated "$D"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "no cgroup $D" ]
	[ "${lines[1]}" = "hint: make it as root: mkdir $D" ]
	# The directory alone: its files stay root's.
	mkdir "$D"
	chown 65534:65534 "$D"
	run "$CHECK" delegated "$D"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "uid 65534 does not own $D/cgroup.procs $D/cgroup.subtree_control $D/cgroup.threads (owner: root)" ]
	[ "${lines[1]}" = "hint: delegate as systemd's Delegate=yes does: chown 65534:65534 the directory and its cgroup.procs, cgroup.subtree_control and cgroup.threads" ]
	chown 65534:65534 "$D/cgroup.procs" "$D/cgroup.subtree_control" "$D/cgroup.threads"
	run "$CHECK" delegated "$D"
	[ "$status" -eq 0 ]
	[ "$output" = "uid 65534 owns $D and its cgroup.procs, cgroup.subtree_control and cgroup.threads; memory.max there stays root's" ]
}

@test "labs: 14 without delegation the user's cgroup-limit stops with one line [vm]" {
	v2 || skip "the host is not pure cgroup v2 (this test is for the vm tier)"
	run --separate-stderr as_nobody cgroup-limit --memory 32M -- true
	[ "$status" -eq 1 ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ "${stderr_lines[0]}" == "cgroup-limit: nothing is delegated to uid 65534: "*" is not writable"* ]]
}

@test "labs: 14 checker 'limited' fails as root, outside the subtree, without a limit; control passes [vm]" {
	v2 || skip "the host is not pure cgroup v2 (this test is for the vm tier)"
	delegate
	run "$CHECK" limited "" "$D"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "no process found for the user's limited process" ]
	# Root did it: the limit is there, the user is not.
	fixture 14101 cgroup-limit -q --name ctk-t14 --memory 32M --
	run "$CHECK" limited "$FIXTURE" "$D"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "process $FIXTURE runs as uid 0, not 65534 (nobody), in /ctk/ctk-t14" ]
	[ "${lines[1]}" = "hint: the point is that the user does it: run cgroup-limit as nobody (as_user_in_leaf), not as root" ]
	kill_fixtures
	# nobody, but outside the subtree.
	fixture 14102 as_nobody
	run "$CHECK" limited "$FIXTURE" "$D"
	[ "$status" -eq 1 ]
	[[ "${lines[0]}" == "process $FIXTURE (uid 65534) is in "*", not in a group below /ctk-test14" ]]
	[ "${lines[1]}" = "hint: a user's cgroup-limit works beside its own cgroup: put its shell in the leaf /ctk-test14/session first (as_user_in_leaf)" ]
	# nobody in the leaf, with no limit.
	fixture 14103 as_user_in_leaf
	run "$CHECK" limited "$FIXTURE" "$D"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "process $FIXTURE (uid 65534) is in /ctk-test14/session, which has no memory.max: no memory controller there" ]
	[ "${lines[1]}" = "hint: give cgroup-limit a limit: --memory 32M (it enables the memory controller above its group)" ]
	# With the controller on, the leaf's memory.max reads max.
	echo +memory >"$D/cgroup.subtree_control"
	run "$CHECK" limited "$FIXTURE" "$D"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "process $FIXTURE (uid 65534) is in /ctk-test14/session, whose memory.max is max" ]
	[ "${lines[1]}" = "hint: give cgroup-limit a limit: --memory 32M" ]
	# Control: the user limits its own process.
	fixture 14104 as_user_in_leaf "$BIN/cgroup-limit" -q --name t14 --memory 32M --
	run "$CHECK" limited "$FIXTURE" "$D"
	[ "$status" -eq 0 ]
	[ "$output" = "process $FIXTURE runs as uid 65534 in /ctk-test14/ctk/t14 (owner nobody), memory.max=33554432: set by the user, inside the subtree delegated to it" ]
	# The no-internal-process rule: $D hands controllers down, so no
	# process may join it.
	run bash -c 'echo $$ >"$0/cgroup.procs"' "$D"
	[ "$status" -ne 0 ]
	[[ "$output" == *"Device or resource busy"* ]]
}

@test "labs: 14 checker refuses bad usage" {
	run "$CHECK" limited 1
	[ "$status" -eq 2 ]
	run "$CHECK" bogus x
	[ "$status" -eq 2 ]
}
