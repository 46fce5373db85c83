#!/usr/bin/env bats
# Lab 10 (time namespaces): passes in --ci mode, leaves nothing, and its
# checker fails with the right hint where the exercise was done wrong.

load helpers

setup() { common_setup; }
teardown() {
	pkill -KILL -f -x "(/bin/)?sleep (1000[1-3]|1019[0-9])" 2>/dev/null || true
	common_teardown
}

CHECK=$TOP/labs/10-time/check

leftovers() {
	find /tmp -maxdepth 1 -name 'ctk-lab.*' | wc -l
	pgrep -f -x "(/bin/)?sleep 1000[1-3]" | wc -l
}

@test "labs: 10-time passes in --ci mode and leaves nothing behind [vm]" {
	before=$(leftovers)
	run "$TOP/labs/10-time/lab" --ci
	[ "$status" -eq 0 ]
	[[ "$output" == *"PASS process "*" sees an uptime of "*"boottime offset 86400 s"* ]]
	[[ "$output" == *"write(\"/proc/self/timens_offsets\", \"boottime 86400 0\"): Permission denied"* ]]
	[[ "$output" == *"PASS process "*"CLOCK_MONOTONIC runs "*" s behind"* ]]
	[[ "$output" == *"PASS process "*"its \"machine\" booted "* ]]
	[[ "$output" == *"PASS 10-time: every check passed"* ]]
	[ "$(leftovers)" = "$before" ]
}

@test "labs: 10 checker 'shifted' fails on a host process and on offset 0" {
	fixture 10190
	run "$CHECK" shifted "$FIXTURE"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "process $FIXTURE is in the host's time namespace" ]
	[[ "${lines[1]}" == "hint: start it with timens"* ]]
	fixture 10191 timens -q --
	run "$CHECK" shifted "$FIXTURE"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "process $FIXTURE has its own time namespace, but its boottime offset is 0" ]
	[[ "${lines[1]}" == "hint: offsets are written once, before the first process enters"* ]]
	# Control.
	fixture 10192 timens -q --boottime 86400 --
	run "$CHECK" shifted "$FIXTURE"
	[ "$status" -eq 0 ]
}

@test "labs: 10 checker 'behind' fails on a clock moved forward" {
	fixture 10193 timens -q --monotonic 60 --
	run "$CHECK" behind "$FIXTURE"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "process $FIXTURE's monotonic offset is 60 s: its clock is not behind" ]
	[[ "${lines[1]}" == "hint: a negative --monotonic"* ]]
}

@test "labs: 10 checker 'young' fails on an uptime out of range" {
	fixture 10194 timens -q --boottime 1000 --
	run "$CHECK" young "$FIXTURE" 60 120
	[ "$status" -eq 1 ]
	[[ "${lines[0]}" == "process $FIXTURE sees an uptime of "*", not between 60 and 120" ]]
	[[ "${lines[1]}" == "hint: the offset is added to the host's uptime"* ]]
	run "$CHECK" young "" 60 120
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "no process found for the process" ]
}
