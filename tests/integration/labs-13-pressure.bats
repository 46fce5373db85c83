#!/usr/bin/env bats
# Lab 13 (pressure stall information): it passes in --ci mode and leaves
# nothing behind on a pure cgroup v2 host, and stops at the doctor on a
# hybrid one; each checker fails, with the right hint, on a state where
# the student did it wrong, and passes on a control.

load helpers

setup() {
	common_setup
	CHECK=$TOP/labs/13-pressure/check
	tidy_ctk
	GROUPS_BEFORE=$(toolkit_groups)
}

teardown() {
	local g i
	kill_fixtures
	# A SIGKILLed cgroup-limit leaves its group: kill what is in it.
	for g in ctk-t13a ctk-t13b ctk-t13c; do
		for ((i = 0; i < 50; i++)); do
			[ -d "/sys/fs/cgroup/ctk/$g" ] || break
			echo 1 >"/sys/fs/cgroup/ctk/$g/cgroup.kill" 2>/dev/null || true
			rmdir "/sys/fs/cgroup/ctk/$g" 2>/dev/null || sleep 0.1
		done
	done
	tidy_ctk
	common_teardown
	[ "$(toolkit_groups)" = "$GROUPS_BEFORE" ]
}

# The toolkit's parent group, once empty, goes as cgroup-limit removes it
# (a SIGKILLed cgroup-limit leaves it behind).
tidy_ctk() { rmdir /sys/fs/cgroup/ctk 2>/dev/null || true; }

toolkit_groups() {
	find /sys/fs/cgroup -maxdepth 3 -type d -path '*/ctk*' 2>/dev/null | sort
}

v2() { [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]; }

leftovers() {
	find /tmp -maxdepth 1 -name 'ctk-lab.*' | wc -l
	pgrep -f "cg-workload spin" | wc -l
	toolkit_groups
}

# Wait until the toolkit group NAME exists.
wait_group() {
	local i
	for ((i = 0; i < 50; i++)); do
		[ -d "/sys/fs/cgroup/ctk/$1" ] && return 0
		sleep 0.1
	done
	return 1
}

@test "labs: 13-pressure passes in --ci mode and leaves nothing behind [vm]" {
	before=$(leftovers)
	run "$TOP/labs/13-pressure/lab" --ci
	if ! v2; then
		[ "$status" -eq 1 ]
		[[ "$output" == *"doctor: lab 13-pressure: cannot run: cgroups are hybrid here, not pure v2"* ]]
		[[ "$output" != *PASS* ]]
		[ "$(leftovers)" = "$before" ]
		return
	fi
	[ "$status" -eq 0 ]
	[[ "$output" == *"PASS group lab13-cpu may use 20000 us of CPU per 100000 us (cpu.max) and its tasks waited: cpu.pressure some avg10="* ]]
	[[ "$output" == *"PASS group "*" was held to memory.max=16777216, reached it "*" times (memory.events max) and waited for memory: memory.pressure some total="*", no OOM kill"* ]]
	[[ "$output" == *"PASS 13-pressure: every check passed"* ]]
	[ "$(leftovers)" = "$before" ]
}

@test "labs: 13 checker 'cpu' fails on a missing or unlimited group, with the hint [vm]" {
	v2 || skip "the host is not pure cgroup v2 (this test is for the vm tier)"
	run "$CHECK" cpu ctk-t13a
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "no group ctk-t13a under /sys/fs/cgroup/ctk" ]
	[ "${lines[1]}" = "hint: start it in the background and leave it running: cgroup-limit --name ctk-t13a --cpus 0.2 -- cg-workload spin 30 &" ]
	fixture 13101 cgroup-limit -q --name ctk-t13a --
	wait_group ctk-t13a
	run "$CHECK" cpu ctk-t13a
	[ "$status" -eq 1 ]
	[[ "${lines[0]}" == "group ctk-t13a has no CPU limit (cpu.max: max 100000): cpu.pressure some avg10="* ]]
	[ "${lines[1]}" = "hint: without --cpus nothing holds a lone spinner back, so it never waits: start it with --cpus 0.2" ]
}

@test "labs: 13 checker 'cpu' fails on a limited group that sleeps; control passes [vm]" {
	v2 || skip "the host is not pure cgroup v2 (this test is for the vm tier)"
	fixture 13102 cgroup-limit -q --name ctk-t13b --cpus 0.2 --
	wait_group ctk-t13b
	run "$CHECK" cpu ctk-t13b
	[ "$status" -eq 1 ]
	[[ "${lines[0]}" == "group ctk-t13b is limited (cpu.max: 20000 100000) but its cpu.pressure some avg10 is "*": its tasks hardly waited for a CPU" ]]
	[ "${lines[1]}" = "hint: a limit stalls only a process that wants the CPU: run cg-workload spin 30 in the group, not sleep" ]
	# Control: the same limit on a spinner.
	cgroup-limit -q --name ctk-t13c --cpus 0.2 -- cg-workload spin 30 </dev/null >/dev/null 2>&1 &
	FIXTURE_PIDS+=("$!")
	wait_group ctk-t13c
	run "$CHECK" cpu ctk-t13c
	[ "$status" -eq 0 ]
	[[ "$output" == "group ctk-t13c may use 20000 us of CPU per 100000 us (cpu.max) and its tasks waited: cpu.pressure some avg10="*" total="*" us" ]]
}

# A report as cgroup-limit --json writes it on v2, with the given memory
# max, events max, oom_kill and memory pressure some total.
fake_report() {
	printf 'cgroup-limit: a line before\n'
	printf '{"group": "run-1", "cgroup": "v2", "memory": {"current": 0, "peak": 0, "max": %s, "events": {"high": 0, "max": %s, "oom": %s, "oom_kill": %s}}, "pressure": {"cpu": {"some_avg10": 0.00, "some_total_usec": 5, "full_avg10": 0.00, "full_total_usec": 5}, "memory": {"some_avg10": 0.00, "some_total_usec": %s, "full_avg10": 0.00, "full_total_usec": %s}, "io": {"some_avg10": 0.00, "some_total_usec": 0, "full_avg10": 0.00, "full_total_usec": 0}}}\n' \
		"$1" "$2" "$3" "$3" "$4" "$4"
}

@test "labs: 13 checker 'memory' fails without a report or a limit, with the hint" {
	R=$SCRATCH/report.json
	run "$CHECK" memory "$R"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "no cgroup-limit --json report in $R" ]
	[ "${lines[1]}" = "hint: --json writes the report on stderr: run cgroup-limit --json --memory 16M -- ... 2>$R" ]
	fake_report -1 0 0 0 >"$R"
	run "$CHECK" memory "$R"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "group run-1 had no memory limit: memory pressure some total=0 us" ]
	[ "${lines[1]}" = "hint: add --memory 16M: without a limit the page cache just grows, nothing is reclaimed early and nobody waits" ]
	# A v1 report has no pressure at all.
	echo '{"group": "run-2", "cgroup": "v1", "memory": {"max": 16777216, "oom_kill": 0}}' >"$R"
	run "$CHECK" memory "$R"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "the report of group run-2 has no pressure figures (cgroup v1)" ]
	[ "${lines[1]}" = "hint: pressure stall information is cgroup v2 only: run the lab on a pure v2 host" ]
}

@test "labs: 13 checker 'memory' fails on an OOM kill or no pressure; control passes" {
	R=$SCRATCH/report.json
	fake_report 16777216 40 1 900 >"$R"
	run "$CHECK" memory "$R"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "group run-1 was OOM-killed 1 time(s) at memory.max=16777216" ]
	[ "${lines[1]}" = "hint: the kernel can reclaim page cache but not anonymous memory without swap: read a disk twice (dd if=DISK of=/dev/null bs=1M), do not hog" ]
	fake_report 16777216 0 0 0 >"$R"
	run "$CHECK" memory "$R"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "group run-1 stayed under memory.max=16777216 (memory.events max=0): memory pressure some total=0 us" ]
	[ "${lines[1]}" = "hint: the workload must need more than the limit: read the 64 MiB disk twice under --memory 16M" ]
	# Control: limited, reclaimed, stalled, not killed.
	fake_report 16777216 120 0 4321 >"$R"
	run "$CHECK" memory "$R"
	[ "$status" -eq 0 ]
	[ "$output" = "group run-1 was held to memory.max=16777216, reached it 120 times (memory.events max) and waited for memory: memory.pressure some total=4321 us, full total=4321 us, no OOM kill" ]
}

@test "labs: 13 checker 'memory' passes on a real limited read of the scratch disk [vm]" {
	v2 || skip "the host is not pure cgroup v2 (this test is for the vm tier)"
	DISK=
	for d in /sys/block/*; do
		[ "$(cat "$d/serial" 2>/dev/null)" = ctk-scratch ] && DISK=/dev/${d##*/}
	done
	[ -n "$DISK" ] || skip "no scratch block device (the vm tier attaches one)"
	twice="dd if=$DISK of=/dev/null bs=1M status=none; dd if=$DISK of=/dev/null bs=1M status=none"
	R=$SCRATCH/report.json
	# Control: the same reads with no limit.
	cgroup-limit --json -- sh -c "$twice" 2>"$R"
	run "$CHECK" memory "$R"
	[ "$status" -eq 1 ]
	[[ "${lines[0]}" == "group run-"*" had no memory limit: memory pressure some total="*" us" ]]
	cgroup-limit --json --memory 16M -- sh -c "$twice" 2>"$R"
	run "$CHECK" memory "$R"
	[ "$status" -eq 0 ]
	[[ "$output" == "group run-"*" was held to memory.max=16777216, reached it "*", no OOM kill" ]]
}

@test "labs: 13 checker refuses bad usage" {
	run "$CHECK" cpu
	[ "$status" -eq 2 ]
	run "$CHECK" bogus x
	[ "$status" -eq 2 ]
}
