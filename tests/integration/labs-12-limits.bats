#!/usr/bin/env bats
# Lab 12 (cgroup limits): on a pure v2 host it passes in --ci mode and
# leaves nothing behind, and each checker fails, with the right hint, on a
# state where the student did it wrong; on a hybrid host the doctor
# refuses the lab.

load helpers

CHECK=$TOP/labs/12-limits/check

v2() { [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]; }

setup() { common_setup; }

teardown() {
	local i
	kill_fixtures
	pkill -KILL -f -x "(.*/)?cg-workload spin 29" 2>/dev/null || true
	for ((i = 0; i < 50; i++)); do
		[ -d /sys/fs/cgroup/ctk/ctk-test12 ] || break
		rmdir /sys/fs/cgroup/ctk/ctk-test12 2>/dev/null || sleep 0.1
	done
	common_teardown
}

leftovers() {
	find /tmp -maxdepth 1 -name 'ctk-lab.*' | wc -l
	pgrep -f "cg-workload" | wc -l
	find /sys/fs/cgroup -maxdepth 2 -path '*/ctk/*' -type d | wc -l
}

# A saved report of a real run: FILE, then cgroup-limit's arguments.
saved() {
	local file=$1
	shift
	cgroup-limit --json "$@" 2>"$file" >/dev/null || true
}

@test "labs: 12-limits passes in --ci mode and leaves nothing behind [vm]" {
	before=$(leftovers)
	run "$TOP/labs/12-limits/lab" --ci
	if ! v2; then
		[ "$status" -eq 1 ]
		[[ "$output" == *"doctor: lab 12-limits: cannot run: cgroups are hybrid here, not pure v2"* ]]
		[ "$(grep -c "cannot run:" <<<"$output")" -eq 1 ]
		[[ "$output" == *"12-limits: this host cannot run this lab (see above)"* ]]
		[[ "$output" != *PASS* ]]
		[ "$(leftovers)" = "$before" ]
		return
	fi
	[ "$status" -eq 0 ]
	[[ "$output" == *"hog: touched all 64 MiB"* ]]
	[[ "$output" == *"PASS group run-"*": memory.max 33554432, peak "*"oom_kill 1: the OOM killer ended the hog inside the group"* ]]
	[[ "$output" == *"PASS group run-"*": pids.max 20; pids.events counts max "* ]]
	[[ "$output" =~ cgroup-limit:\ run-[0-9]+\ [0-9]+s:\ mem\ .*\ cpu\ [0-9.]+/0.20\ thr\ [0-9]+ ]]
	[[ "$output" == *"PASS process "*" spins in /ctk/lab12-cpu: cpu.max '20000 100000'; cpu.stat counts "* ]]
	[[ "$output" == *"PASS 12-limits: every check passed"* ]]
	[ "$(leftovers)" = "$before" ]
}

@test "labs: 12 checker 'oom' fails without a report, without --json, without the limit, without a kill; control passes [vm]" {
	v2 || skip "the host is not pure cgroup v2 (this test is for the vm tier)"
	f=$SCRATCH/oom.json
	run "$CHECK" oom "$f"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "no report in $f" ]
	[ "${lines[1]}" = "hint: save cgroup-limit's stderr there: add --json and 2>$f (or: save $f cgroup-limit --json ...)" ]
	cgroup-limit --memory 32M -- cg-workload hog 64M 2>"$f" >/dev/null || true
	run "$CHECK" oom "$f"
	[ "$status" -eq 1 ]
	[[ "${lines[0]}" == "$f holds no JSON report: cgroup-limit: "* ]]
	[ "${lines[1]}" = "hint: add --json: without it the report is text" ]
	saved "$f" -- cg-workload hog 64M
	run "$CHECK" oom "$f"
	[ "$status" -eq 1 ]
	[[ "${lines[0]}" == "group run-"*" had memory.max "*", not 33554432 (32M)" ]]
	[ "${lines[1]}" = "hint: give cgroup-limit the limit: --memory 32M" ]
	saved "$f" --memory 32M -- cg-workload hog 16M
	run "$CHECK" oom "$f"
	[ "$status" -eq 1 ]
	[[ "${lines[0]}" == "group run-"*" had memory.max 32M, but memory.events counts oom_kill 0 (peak "*")" ]]
	[ "${lines[1]}" = "hint: the workload must want more than the limit: cg-workload hog 64M" ]
	# Control.
	saved "$f" --memory 32M -- cg-workload hog 64M
	run "$CHECK" oom "$f"
	[ "$status" -eq 0 ]
	[[ "$output" == "group run-"*": memory.max 33554432, peak "*"oom_kill 1: the OOM killer ended the hog inside the group" ]]
}

@test "labs: 12 checker 'pids' fails without the limit or below it; control passes [vm]" {
	v2 || skip "the host is not pure cgroup v2 (this test is for the vm tier)"
	f=$SCRATCH/pids.json
	saved "$f" -- cg-workload fork-bomb 30 1
	run "$CHECK" pids "$f"
	[ "$status" -eq 1 ]
	[[ "${lines[0]}" == "group run-"*" had pids.max "*", not 20" ]]
	[ "${lines[1]}" = "hint: give cgroup-limit the limit: --pids 20" ]
	saved "$f" --pids 20 -- cg-workload fork-bomb 5 1
	run "$CHECK" pids "$f"
	[ "$status" -eq 1 ]
	[[ "${lines[0]}" == "group run-"*" had pids.max 20, but pids.events counts max 0: no fork was refused" ]]
	[ "${lines[1]}" = "hint: the bomb must want more than 20 tasks: cg-workload fork-bomb 200 3" ]
	# Control.
	saved "$f" --pids 20 -- cg-workload fork-bomb 200 1
	run "$CHECK" pids "$f"
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^group\ run-[0-9]+:\ pids.max\ 20\;\ pids.events\ counts\ max\ [1-9][0-9]*:\ the\ kernel\ refused ]]
}

@test "labs: 12 checker 'throttled' fails outside the group, without the limit; control passes [vm]" {
	v2 || skip "the host is not pure cgroup v2 (this test is for the vm tier)"
	# A process beside the group, not in it, and no group yet.
	fixture 12101
	outside=$FIXTURE
	run "$CHECK" throttled "$outside" ctk-test12
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "there is no group /ctk/ctk-test12" ]
	[ "${lines[1]}" = "hint: name the group: cgroup-limit --name ctk-test12 --cpus 0.2 -- cg-workload spin 30 &" ]
	# Named, but no cpu limit.
	fixture 12102 cgroup-limit -q --name ctk-test12 --
	run "$CHECK" throttled "$outside" ctk-test12
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "process $outside is in $(sed -n 's/^0:://p' "/proc/$outside/cgroup"), not /ctk/ctk-test12" ]
	[ "${lines[1]}" = "hint: start the spinner under cgroup-limit --name ctk-test12, not beside it" ]
	run "$CHECK" throttled "$FIXTURE" ctk-test12
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "/ctk/ctk-test12/cpu.max is 'max 100000', not '20000 100000' (0.2 CPU)" ]
	[ "${lines[1]}" = "hint: give cgroup-limit the limit: --cpus 0.2" ]
	# Its cgroup-limit reaps it and removes the group.
	kill -KILL "$FIXTURE"
	for _ in $(seq 50); do [ -d /sys/fs/cgroup/ctk/ctk-test12 ] || break; sleep 0.1; done
	# Control: a spinner, limited, checked after a second of spinning.
	cgroup-limit -q --name ctk-test12 --cpus 0.2 -- cg-workload spin 29 >/dev/null 2>&1 &
	FIXTURE_PIDS+=("$!")
	for _ in $(seq 50); do pgrep -f -x "(.*/)?cg-workload spin 29" >/dev/null && break; sleep 0.1; done
	pid=$(pgrep -f -x "(.*/)?cg-workload spin 29")
	sleep 1
	run "$CHECK" throttled "$pid" ctk-test12
	[ "$status" -eq 0 ]
	[[ "$output" == "process $pid spins in /ctk/ctk-test12: cpu.max '20000 100000'; cpu.stat counts "*" throttled ("*" us)" ]]
}

@test "labs: 12 checker names a missing process and refuses bad usage" {
	run "$CHECK" throttled "" ctk-test12
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "no process found for cg-workload spin 30" ]
	run "$CHECK" bogus x
	[ "$status" -eq 2 ]
	run "$CHECK" oom
	[ "$status" -eq 2 ]
	run "$CHECK" throttled 1
	[ "$status" -eq 2 ]
}
