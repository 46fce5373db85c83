#!/usr/bin/env bats
# Lab 05 (PID namespaces): it passes in --ci mode and leaves nothing
# behind, also when interrupted; each checker fails, with the right hint,
# on a state where the student did it wrong; and the kernel behaviour the
# lab teaches (PID 1 without a handler ignores SIGTERM from outside, not
# SIGKILL) holds on this kernel.

load helpers

CHECK=$BATS_TEST_DIRNAME/../../labs/05-pid/check

setup() { common_setup; }

teardown() {
	# SIGKILL from the host reaches a namespace's PID 1; its namespace
	# dies with it.
	kill_fixtures
	common_teardown
}


# The parent of PID, also killed at teardown.
parent_of() {
	PARENT=$(awk '$1 == "PPid:" { print $2 }' "/proc/$1/status")
	FIXTURE_PIDS+=("$PARENT")
}

# Wait up to 2 s for PID to be gone; fails if it is still there.
gone() {
	local i
	for ((i = 0; i < 40; i++)); do
		[ -e "/proc/$1" ] || return 0
		sleep 0.05
	done
	return 1
}

leftovers() {
	find /tmp -maxdepth 1 -name 'ctk-lab.*' | wc -l
	pgrep -f -x "(/bin/)?sleep 500[1-4]" | wc -l
	mount_table | md5sum
}

@test "labs: 05-pid passes in --ci mode and leaves nothing behind [vm]" {
	before=$(leftovers)
	run env NO_COLOR=1 "$TOP/labs/05-pid/lab" --ci
	[ "$status" -eq 0 ]
	[[ "$output" == *"NOT entered: this process stays PID "*"(add -f)"* ]]
	[[ "$output" == *"WRONG: unshare(CLONE_NEWPID) without fork()"* ]]
	[[ "$output" == *"PASS process "*" is PID 1 in its own PID namespace (pid:["*"NSpid: "*" 1"* ]]
	[[ "$output" == *"WRONG: without a fresh /proc: getpid() = 1"* ]]
	[[ "$output" == *"PASS process "*" is PID 1 of pid:["*"shows that namespace: 1 process(es)"* ]]
	# SIGTERM was dropped: still sleeping, nothing pending; SIGKILL worked.
	[[ "$output" == *"State:"*"S (sleeping)"*"ShdPnd:"*"0000000000000000"*"SigCgt:"*"0000000000000000"* ]]
	[[ "$output" == *"/status: No such file or directory"* ]]
	[[ "$output" == *"PASS process "*", PID 1 of pid:["*"has a handler for SIGTERM"*"is PID 2 there"* ]]
	[[ "$output" == *"PASS 05-pid: every check passed"* ]]
	[ "$(leftovers)" = "$before" ]
}

@test "labs: 05-pid cleans up when interrupted, its PID 1 included" {
	before=$(leftovers)
	"$TOP/labs/05-pid/lab" --ci >/dev/null 2>&1 &
	lab=$!
	for ((i = 0; i < 100; i++)); do
		pgrep -f -x "sleep 5001" >/dev/null && break
		sleep 0.1
	done
	pgrep -f -x "sleep 5001" >/dev/null
	kill -TERM "$lab"
	status=0
	wait "$lab" || status=$?
	[ "$status" -eq 130 ]
	[ "$(leftovers)" = "$before" ]
}

@test "labs: 05 PID 1 without a handler ignores SIGTERM from outside; SIGKILL works" {
	fixture 5931 ns-unshare -q -p -f
	[ -n "$FIXTURE" ]
	kill -TERM "$FIXTURE"
	kill -INT "$FIXTURE"
	kill -HUP "$FIXTURE"
	sleep 0.3
	grep -q 'State:.*S (sleeping)' "/proc/$FIXTURE/status"
	kill -KILL "$FIXTURE"
	gone "$FIXTURE"
	# Control: with a handler, SIGTERM reaches PID 1, and its namespace
	# dies with it.
	fixture 5932 ns-unshare -q -p -f sh -c 'trap "exit 0" TERM; "$@" & wait' sh
	[ -n "$FIXTURE" ]
	parent_of "$FIXTURE"
	kill -TERM "$PARENT"
	gone "$PARENT"
	gone "$FIXTURE"
	# Control: an ordinary process dies of SIGTERM.
	fixture 5933
	[ -n "$FIXTURE" ]
	kill -TERM "$FIXTURE"
	gone "$FIXTURE"
}

@test "labs: 05 checker 'pid1' fails on a host process and on -p without -f" {
	fixture 5901
	[ -n "$FIXTURE" ]
	run "$CHECK" pid1 "$FIXTURE"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "process $FIXTURE is in the host's PID namespace (NSpid: $FIXTURE)" ]
	[ "${lines[1]}" = "hint: start it with ns-unshare -p -f: a new PID namespace, and the command as its first process" ]
	fixture 5902 ns-unshare -q -p
	[ -n "$FIXTURE" ]
	run "$CHECK" pid1 "$FIXTURE"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "process $FIXTURE is still in the host's PID namespace (NSpid: $FIXTURE); only its future children would be in the new one" ]
	[ "${lines[1]}" = "hint: unshare(CLONE_NEWPID) does not move the caller: add -f (ns-unshare -p -f) so the command runs as its first child, PID 1" ]
}

@test "labs: 05 checker 'pid1' fails when a shell took PID 1, then passes" {
	fixture 5903 ns-unshare -q -p -f sh -c '"$@"; :' sh
	[ -n "$FIXTURE" ]
	run "$CHECK" pid1 "$FIXTURE"
	[ "$status" -eq 1 ]
	[[ "${lines[0]}" == "process $FIXTURE is PID 2 in its PID namespace, not PID 1 (NSpid: $FIXTURE 2)" ]]
	[ "${lines[1]}" = "hint: the first process born in the namespace is PID 1: let ns-unshare -p -f run the command itself (or exec it from the shell)" ]
	fixture 5904 ns-unshare -q -p -f
	[ -n "$FIXTURE" ]
	run "$CHECK" pid1 "$FIXTURE"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "process $FIXTURE is PID 1 in its own PID namespace (pid:["*"]) and PID $FIXTURE in the host's"* ]]
}

@test "labs: 05 checker 'proc' fails on the host's /proc, shared or stale, then passes" {
	fixture 5911 ns-unshare -q -p -f
	[ -n "$FIXTURE" ]
	run "$CHECK" proc "$FIXTURE"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "process $FIXTURE shares the host's mount namespace: its /proc is the host's" ]
	[ "${lines[1]}" = "hint: --mount-proc mounts a fresh /proc in a mount namespace of its own (it implies -m); never mount one over the host's /proc" ]
	# A mount namespace of its own is not enough: the copied /proc is stale.
	fixture 5912 ns-unshare -q -p -f -m
	[ -n "$FIXTURE" ]
	run "$CHECK" proc "$FIXTURE"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "in process $FIXTURE's mount namespace, /proc/1 is '$(cat /proc/1/comm)', not process $FIXTURE: that /proc shows the host's PID namespace (stale)" ]
	[ "${lines[1]}" = "hint: a procfs shows the PID namespace of the process that mounted it: mount a fresh one from inside (ns-unshare -p -f --mount-proc)" ]
	# Control: a fresh /proc shows one process.
	fixture 5913 ns-unshare -q -p -f --mount-proc
	[ -n "$FIXTURE" ]
	run "$CHECK" proc "$FIXTURE"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "process $FIXTURE is PID 1 of pid:["*"]"*"shows that namespace: 1 process(es)" ]]
}

@test "labs: 05 checker 'handler' fails on a PID 1 without a handler" {
	fixture 5921 ns-unshare -q -p -f
	[ -n "$FIXTURE" ]
	run "$CHECK" handler "$FIXTURE"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "process $FIXTURE is itself PID 1 of its namespace, with no handler for SIGTERM (SigCgt: 0000000000000000)" ]
	[[ "${lines[1]}" == "hint: sleep installs no handler, so SIGTERM from outside is dropped: run it as the child of a PID 1 that traps TERM"* ]]
	fixture 5922 ns-unshare -q -p -f sh -c '"$@" & wait' sh
	[ -n "$FIXTURE" ]
	parent_of "$FIXTURE"
	run "$CHECK" handler "$FIXTURE"
	[ "$status" -eq 1 ]
	[[ "${lines[0]}" == "PID 1 (process $PARENT) has no handler for SIGTERM (SigCgt: "*")" ]]
	[ "${lines[1]}" = "hint: the kernel drops a signal whose action is the default for a namespace's PID 1: install a handler before it waits (trap 'exit 0' TERM)" ]
}

@test "labs: 05 checker 'handler' fails on an ignoring PID 1, a host process, a PID 2" {
	fixture 5923 ns-unshare -q -p -f sh -c 'trap "" TERM; "$@" & wait' sh
	[ -n "$FIXTURE" ]
	parent_of "$FIXTURE"
	run "$CHECK" handler "$FIXTURE"
	[ "$status" -eq 1 ]
	[[ "${lines[0]}" == "PID 1 (process $PARENT) ignores SIGTERM (SigIgn: "*"): it will never stop on it" ]]
	[ "${lines[1]}" = "hint: trap '' TERM ignores the signal; give it a handler that exits: trap 'exit 0' TERM" ]
	fixture 5924 sh -c 'trap "exit 0" TERM; "$@" & wait' sh
	[ -n "$FIXTURE" ]
	parent_of "$FIXTURE"
	run "$CHECK" handler "$FIXTURE"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "process $FIXTURE is in the host's PID namespace (NSpid: $FIXTURE)" ]
	[[ "${lines[1]}" == "hint: run the trapping shell as PID 1 of a new PID namespace: ns-unshare -p -f sh -c"* ]]
	# The trapping shell is PID 2, under a PID 1 that traps nothing.
	fixture 5925 ns-unshare -q -p -f sh -c \
		'sh -c "trap \"exit 0\" TERM; \$0 \$1 & wait" "$@"; :' sh
	[ -n "$FIXTURE" ]
	parent_of "$FIXTURE"
	run "$CHECK" handler "$FIXTURE"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "the parent of process $FIXTURE (process $PARENT) is not PID 1 of its namespace" ]
	[[ "${lines[1]}" == "hint: make the trapping shell itself PID 1"* ]]
}

@test "labs: 05 checker 'handler' passes on a trapping PID 1 with sleep as its child" {
	fixture 5926 ns-unshare -q -p -f sh -c 'trap "exit 0" TERM; "$@" & wait' sh
	[ -n "$FIXTURE" ]
	parent_of "$FIXTURE"
	run "$CHECK" handler "$FIXTURE"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "process $PARENT, PID 1 of pid:["*"], has a handler for SIGTERM (SigCgt: "*", bit 15 set)"*"its child $FIXTURE is PID 2 there" ]]
}

@test "labs: 05 checker names a missing process; bad usage is status 2" {
	run "$CHECK" pid1 ""
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "no process found for the process in a new PID namespace (sleep 5001)" ]
	[[ "${lines[1]}" == "hint: start it in the background (&)"* ]]
	run "$CHECK" bogus 1
	[ "$status" -eq 2 ]
	run "$CHECK" pid1
	[ "$status" -eq 2 ]
}
