#!/usr/bin/env bats
# Lab 11 (the cgroup v2 hierarchy): on a pure v2 host it passes in --ci
# mode and leaves nothing behind, and each checker fails, with the right
# hint, on a state where the student did it wrong; on a hybrid host the
# doctor refuses the lab.

load helpers

CHECK=$TOP/labs/11-cgroup-v2/check

v2() { [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]; }

setup() {
	common_setup
	CG=
	v2 || return 0
	HOME_CG=/sys/fs/cgroup$(sed -n 's/^0:://p' /proc/self/cgroup)
	# A scratch parent, as the lab makes; REL is its name in /proc/PID/cgroup.
	CG=$(mktemp -d /sys/fs/cgroup/ctk-test11.XXXXXX)
	REL=/${CG##*/}
}

teardown() {
	local p i d
	kill_fixtures
	# Killed processes leave their cgroup when they are gone: retry.
	for ((i = 0; i < 50; i++)); do
		if [ -z "$CG" ] || [ ! -d "$CG" ]; then break; fi
		while read -r d; do
			while read -r p; do
				echo "$p" >"$HOME_CG/cgroup.procs" 2>/dev/null || true
			done <"$d/cgroup.procs"
			rmdir "$d" 2>/dev/null || true
		done < <(find "$CG" -depth -type d)
		[ -d "$CG" ] && sleep 0.1
	done
	common_teardown
}

# Run a command in the cgroup DIR.
in_cg() { (echo "$BASHPID" >"$1/cgroup.procs" && shift && exec "$@"); }

leftovers() {
	find /tmp -maxdepth 1 -name 'ctk-lab.*' | wc -l
	pgrep -f -x "(/bin/)?sleep 1100[1-9]" | wc -l
	find /sys/fs/cgroup -maxdepth 1 -name 'ctk-lab11*' | wc -l
	find /sys/fs/cgroup -maxdepth 2 -path '*/ctk/*' -type d | wc -l
}

@test "labs: 11-cgroup-v2 passes in --ci mode and leaves nothing behind [vm]" {
	before=$(leftovers)
	run "$TOP/labs/11-cgroup-v2/lab" --ci
	if ! v2; then
		[ "$status" -eq 1 ]
		[[ "$output" == *"doctor: lab 11-cgroup-v2: cannot run: cgroups are hybrid here, not pure v2"* ]]
		[ "$(grep -c "cannot run:" <<<"$output")" -eq 1 ]
		[[ "$output" == *"11-cgroup-v2: this host cannot run this lab (see above)"* ]]
		[[ "$output" != *PASS* ]]
		[ "$(leftovers)" = "$before" ]
		return
	fi
	[ "$status" -eq 0 ]
	[[ "$output" == *"PASS process "*" is in /ctk-lab11/app (/proc/"*"/cgroup reads 0::/ctk-lab11/app)"* ]]
	[[ "$output" == *"PASS /ctk-lab11 hands down 'memory pids'; /ctk-lab11/app has memory.max 67108864 and pids.max 32"* ]]
	[[ "$output" == *"write(\"/sys/fs/cgroup/ctk-lab11/app/cgroup.subtree_control\", \"+memory\"): Device or resource busy"* ]]
	[[ "$output" == *"PASS process "*" is in /ctk-lab11/app/leaf; /ctk-lab11/app holds no process and hands down 'memory'"* ]]
	[[ "$output" == *"PASS 11-cgroup-v2: every check passed"* ]]
	[ "$(leftovers)" = "$before" ]
}

@test "labs: 11 checker 'made' fails without the group or outside it; control passes [vm]" {
	v2 || skip "the host is not pure cgroup v2 (this test is for the vm tier)"
	fixture 11101
	run "$CHECK" made "$FIXTURE" "$CG"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "there is no group $REL/app" ]
	[ "${lines[1]}" = "hint: make it with mkdir \"\$CG/app\": a directory in the cgroup2 filesystem is a group" ]
	mkdir "$CG/app"
	run "$CHECK" made "$FIXTURE" "$CG"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "process $FIXTURE is in $(sed -n 's/^0:://p' "/proc/$FIXTURE/cgroup"), not $REL/app" ]
	[ "${lines[1]}" = "hint: a process moves when its PID is written to the group's cgroup.procs: echo $FIXTURE >$CG/app/cgroup.procs (or cg_move $FIXTURE $CG/app)" ]
	# Control: the PID written to the group's cgroup.procs.
	echo "$FIXTURE" >"$CG/app/cgroup.procs"
	run "$CHECK" made "$FIXTURE" "$CG"
	[ "$status" -eq 0 ]
	[ "$output" = "process $FIXTURE is in $REL/app (/proc/$FIXTURE/cgroup reads 0::$REL/app); $CG/app/cgroup.procs lists $FIXTURE" ]
}

@test "labs: 11 checker 'handed' fails when enabled in the child, or with no limit; control passes [vm]" {
	v2 || skip "the host is not pure cgroup v2 (this test is for the vm tier)"
	mkdir "$CG/app"
	fixture 11102 in_cg "$CG/app"
	run "$CHECK" handed "$FIXTURE" "$CG"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "$REL does not hand memory down: its cgroup.subtree_control reads '', so $REL/app has no memory files" ]
	[ "${lines[1]}" = "hint: enable it in the PARENT, not in app: echo '+memory +pids' >$CG/cgroup.subtree_control" ]
	# Enabled in app itself: app is not offered memory by its parent,
	# so the kernel refuses.
	run bash -c "echo +memory >$CG/app/cgroup.subtree_control"
	[ "$status" -ne 0 ]
	[[ "$output" == *"write error: No such file or directory"* ]]
	echo '+memory +pids' >"$CG/cgroup.subtree_control"
	run "$CHECK" handed "$FIXTURE" "$CG"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "$REL/app/memory.max is max, not 67108864 (64M)" ]
	[ "${lines[1]}" = "hint: write the limit into the group's own file: echo 64M >$CG/app/memory.max" ]
	echo 64M >"$CG/app/memory.max"
	run "$CHECK" handed "$FIXTURE" "$CG"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "$REL/app/pids.max is max, not 32" ]
	# Control.
	echo 32 >"$CG/app/pids.max"
	run "$CHECK" handed "$FIXTURE" "$CG"
	[ "$status" -eq 0 ]
	[ "$output" = "$REL hands down 'memory pids'; $REL/app has memory.max 67108864 and pids.max 32, pids.current 1" ]
}

@test "labs: 11 checker 'leaf' fails on a process left in app, or without +memory; control passes [vm]" {
	v2 || skip "the host is not pure cgroup v2 (this test is for the vm tier)"
	mkdir "$CG/app" "$CG/app/leaf"
	echo '+memory +pids' >"$CG/cgroup.subtree_control"
	fixture 11103 in_cg "$CG/app"
	run "$CHECK" leaf "$FIXTURE" "$CG"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "process $FIXTURE is still in $REL/app, which holds $FIXTURE" ]
	[ "${lines[1]}" = "hint: processes live in leaves: mkdir $CG/app/leaf, move it there (cg_move $FIXTURE $CG/app/leaf), then enable +memory in $CG/app/cgroup.subtree_control" ]
	# The rule itself: refused while app holds the process.
	run bash -c "echo +memory >$CG/app/cgroup.subtree_control"
	[ "$status" -ne 0 ]
	[[ "$output" == *"write error: Device or resource busy"* ]]
	echo "$FIXTURE" >"$CG/app/leaf/cgroup.procs"
	run "$CHECK" leaf "$FIXTURE" "$CG"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "process $FIXTURE is in the leaf, but $REL/app does not hand memory down (cgroup.subtree_control reads '')" ]
	[ "${lines[1]}" = "hint: now that app holds no process, the write succeeds: echo +memory >$CG/app/cgroup.subtree_control" ]
	# A second process left in app.
	fixture 11104 in_cg "$CG/app"
	run "$CHECK" leaf "$(pgrep -f -x '(/bin/)?sleep 11103')" "$CG"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "$REL/app still holds processes: $FIXTURE" ]
	echo "$FIXTURE" >"$CG/app/leaf/cgroup.procs"
	# Control: empty now, the same write succeeds.
	echo +memory >"$CG/app/cgroup.subtree_control"
	run "$CHECK" leaf "$(pgrep -f -x '(/bin/)?sleep 11103')" "$CG"
	[ "$status" -eq 0 ]
	[[ "$output" == "process "*" is in $REL/app/leaf; $REL/app holds no process and hands down 'memory'; the leaf has memory.max max" ]]
}

@test "labs: 11 checker names a missing process and refuses bad usage" {
	if ! v2; then
		run "$CHECK" made 1 /sys/fs/cgroup/nope
		[ "$status" -eq 2 ]
		[ "$output" = "check: /sys/fs/cgroup is not a pure cgroup v2 hierarchy" ]
		return
	fi
	run "$CHECK" made "" "$CG"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "no process found for sleep 11001" ]
	[[ "${lines[1]}" == "hint: start it in the background (&)"* ]]
	run "$CHECK" bogus 1 "$CG"
	[ "$status" -eq 2 ]
	run "$CHECK" made 1
	[ "$status" -eq 2 ]
}
