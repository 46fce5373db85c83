#!/usr/bin/env bats
# cgroup-limit: limits enforced for real, each beside a control run.
# On a pure v2 host (the vm tier) through cgroup v2; on this project's
# hybrid development hosts through the v1 fallback.

load helpers

setup() {
	common_setup
	GROUPS_BEFORE=$(toolkit_groups)
}

teardown() {
	pkill -KILL -f "cg-workload|ctk-freeze-probe" 2>/dev/null || true
	# The delegation test's subtree, if it failed half-way.
	if [ -d /sys/fs/cgroup/ctk-test-deleg ]; then
		find /sys/fs/cgroup/ctk-test-deleg -depth -type d \
			-exec rmdir {} + 2>/dev/null || true
	fi
	local after
	after=$(toolkit_groups)
	common_teardown
	# No test may leave a cgroup of the toolkit's behind.
	[ "$after" = "$GROUPS_BEFORE" ]
}

toolkit_groups() {
	find /sys/fs/cgroup -maxdepth 3 -type d -path '*/ctk*' 2>/dev/null |
		sort | md5sum
}

v2() { [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]; }

# A number from the JSON report on stderr, whichever cgroup version.
report() { echo "$stderr" | grep '^{' | tail -1 | jq -r "$1"; }

@test "cgroup-limit: a memory hog is OOM-killed at --memory 32M [vm]" {
	run --separate-stderr cgroup-limit --json -- cg-workload hog 64M
	[ "$status" -eq 0 ]
	[[ "$output" == *"hog: touched all 64 MiB"* ]]
	run --separate-stderr cgroup-limit --json --memory 32M -- cg-workload hog 64M
	[ "$status" -eq 137 ]
	[[ "$output" != *"touched all"* ]]
	[ "$(report '.memory.events.oom_kill // .memory.oom_kill')" -ge 1 ]
	peak=$(report .memory.peak)
	[ "$peak" -le $((32 * 1024 * 1024)) ]
}

@test "cgroup-limit: the OOM kill is explained in the text report" {
	run --separate-stderr cgroup-limit --memory 32M -- cg-workload hog 64M
	[ "$status" -eq 137 ]
	[[ "$stderr" == *"oom_kill 1"*"the kernel's OOM killer ended a process here"* ]]
}

@test "cgroup-limit: a fork bomb never exceeds --pids 20 [vm]" {
	run --separate-stderr cgroup-limit --json -- cg-workload fork-bomb 200 3
	[ "$status" -eq 0 ]
	[ "$output" = "fork-bomb: 200 children alive at once, fork() failed 0 times" ]
	run --separate-stderr cgroup-limit --json --pids 20 -- cg-workload fork-bomb 200 3
	[ "$status" -eq 0 ]
	alive=$(echo "$output" | sed -n 's/fork-bomb: \([0-9]*\) children.*/\1/p')
	# The bomb itself is the twentieth process.
	[ "$alive" -le 19 ]
	[ "$(report .pids.events_max)" -gt 0 ]
	[ "$(report .pids.max)" -eq 20 ]
}

@test "cgroup-limit: a spinner is throttled to --cpus 0.2 [vm]" {
	run --separate-stderr cgroup-limit --json -- cg-workload spin 2
	[ "$status" -eq 0 ]
	control=$(echo "$output" | sed -n 's/.*: \([0-9.]*\) CPU-s per second/\1/p')
	run --separate-stderr cgroup-limit --json --cpus 0.2 -- cg-workload spin 2
	[ "$status" -eq 0 ]
	limited=$(echo "$output" | sed -n 's/.*: \([0-9.]*\) CPU-s per second/\1/p')
	echo "control $control, limited $limited" >&3
	awk -v c="$control" 'BEGIN { exit !(c >= 0.8) }'
	awk -v l="$limited" 'BEGIN { exit !(l <= 0.3) }'
	[ "$(report .cpu.nr_throttled)" -gt 0 ]
}

@test "cgroup-limit: freeze stops progress, thaw resumes, kill empties [vm]" {
	tick=$SCRATCH/ticks
	printf '#!/bin/sh\nwhile :; do echo x >>"$1"; sleep 0.05; done\n' \
		>"$SCRATCH/ctk-freeze-probe"
	chmod +x "$SCRATCH/ctk-freeze-probe"
	cgroup-limit -q --name ctk-test-frz -- "$SCRATCH/ctk-freeze-probe" "$tick" &
	runner=$!
	for _ in $(seq 50); do [ -s "$tick" ] && break; sleep 0.1; done
	[ -s "$tick" ]
	run cgroup-limit --list
	[[ "$output" =~ ctk-test-frz\ +procs\ [12], ]]
	run --separate-stderr cgroup-limit --freeze ctk-test-frz
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"frozen 1"* || "$stderr" == *"freezer.state says FROZEN"* ]]
	a=$(wc -l <"$tick")
	sleep 0.5
	[ "$(wc -l <"$tick")" -eq "$a" ]
	run cgroup-limit --thaw ctk-test-frz
	[ "$status" -eq 0 ]
	sleep 0.5
	[ "$(wc -l <"$tick")" -gt "$a" ]
	run cgroup-limit --kill ctk-test-frz
	[ "$status" -eq 0 ] || { echo "kill: $output"; false; }
	# In this shell: run's subshell could wait only for a child this
	# shell had already reaped, and under load it has not yet.
	rc=0
	wait "$runner" || rc=$?
	[ "$rc" -eq 137 ]
	run pgrep -f ctk-freeze-probe
	[ "$status" -eq 1 ]
}

@test "cgroup-limit: the group exists only while the command runs" {
	run --separate-stderr cgroup-limit -v --name ctk-test-life -- sh -c \
		'grep -h ctk-test-life /proc/self/cgroup | head -1'
	[ "$status" -eq 0 ]
	[[ "$output" == *"/ctk/ctk-test-life"* ]]
	[[ "$stderr" == *'rmdir("'*"/ctk/ctk-test-life\") = 0"* ]]
	run cgroup-limit --list
	[[ "$output" != *"ctk-test-life"* ]]
}

@test "cgroup-limit: the command's status passes through; a program that cannot run makes no group" {
	run cgroup-limit -q -- sh -c 'exit 5'
	[ "$status" -eq 5 ]
	before=$(cgroup-limit --list | wc -l)
	# Found missing before any group exists: one line, 127 (126 if it
	# cannot be executed), as a shell would.
	run -127 --separate-stderr cgroup-limit -v --memory 64M -- /nonexistent/cmd
	[ "$stderr" = "cgroup-limit: /nonexistent/cmd: command not found" ]
	run -126 --separate-stderr cgroup-limit --pids 5 -- /etc/passwd
	[ "$stderr" = "cgroup-limit: /etc/passwd: not executable" ]
	[ "$(cgroup-limit --list | wc -l)" -eq "$before" ]
}

@test "cgroup-limit: v2-only limits are refused on v1, applied on v2 [vm]" {
	run --separate-stderr cgroup-limit -v --memory-high 64M -- true
	if v2; then
		[ "$status" -eq 0 ]
		[[ "$stderr" == *'/memory.high", "67108864") = 0'* ]]
	else
		[ "$status" -eq 1 ]
		[[ "$stderr" == *"--memory-high (memory.high) is cgroup v2 only"* ]]
	fi
}

@test "cgroup-limit: bad input gives one line, non-zero, no group left" {
	ncpu=$(nproc)
	for args in "--memory 64Q" "--memory -1" "--memory 1e99" "--cpus 0" \
		"--cpus $((ncpu + 1))" "--pids 0" "--cpu-weight 0" \
		"--io-read-bps /dev/nonexistent:1M" "--io-write-bps /dev/null:1M" \
		"--name a/b" "--name .." "--name ../../etc" "--cpuset-cpus $ncpu" \
		"--demo nope" "--bogus"; do
		# shellcheck disable=SC2086
		run --separate-stderr cgroup-limit $args -- true
		[ "$status" -eq 2 ]
		[[ "${stderr_lines[-1]}" == "Try 'cgroup-limit --help' for more information." ]]
		[ "${#stderr_lines[@]}" -eq 2 ]
	done
	run --separate-stderr cgroup-limit --name $'x\ny' -- true
	[ "$status" -eq 2 ]
	run --separate-stderr cgroup-limit
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "cgroup-limit: no command given" ]
}

@test "cgroup-limit: a limit the kernel rejects: one line, no group left" {
	run --separate-stderr cgroup-limit -q --cpuset-mems 7 -- true
	[ "$status" -eq 1 ]
	[[ "$stderr" == *'/cpuset.mems", "7"): '* ]]
}

@test "cgroup-limit: not root and nothing delegated: one line, nothing made" {
	run --separate-stderr as_nobody "$BIN/cgroup-limit" --memory 32M -- true
	[ "$status" -eq 1 ]
	[ "$stderr" != "" ]
	[ "${#stderr_lines[@]}" -le 2 ]
	[[ "${stderr_lines[-1]}" == "cgroup-limit: "*"nothing is delegated to uid 65534"* ]]
}

@test "cgroup-limit: --cpuset-cpus pins the command; control sees every CPU [vm]" {
	[ "$(nproc)" -ge 2 ]
	run cgroup-limit -q -- grep Cpus_allowed_list /proc/self/status
	[ "$output" = "Cpus_allowed_list:	0-$(($(nproc) - 1))" ]
	run --separate-stderr cgroup-limit -q --cpuset-cpus 1 --cpuset-mems 0 -- \
		grep Cpus_allowed_list /proc/self/status
	[ "$status" -eq 0 ]
	[ "$output" = "Cpus_allowed_list:	1" ]
}

@test "cgroup-limit: the host tier uses and names the v1 fallback where v2 lacks controllers" {
	run --separate-stderr cgroup-limit -v --pids 10 -- true
	[ "$status" -eq 0 ]
	if v2; then
		[[ "$stderr" == *'/ctk/run-'*'/pids.max", "10") = 0'* ]]
		[[ "$stderr" != *"v1 hierarchies"* ]]
	else
		[[ "${stderr_lines[0]}" == "cgroup-limit: cgroups: this host is hybrid; using the v1 hierarchies"* ]]
		[[ "$stderr" == *'write("/sys/fs/cgroup/pids/ctk/run-'*'/pids.max", "10") = 0'* ]]
	fi
}

# The disk the vm tier attaches for io tests (serial ctk-scratch): the
# only disk a test may write to.  Nothing elsewhere.
scratch_disk() {
	local d
	for d in /sys/block/*; do
		if [ "$(cat "$d/serial" 2>/dev/null)" = ctk-scratch ]; then
			echo "/dev/${d##*/}"
			return
		fi
	done
}

# Write 2 MiB with O_DIRECT to the scratch disk; prints the seconds taken.
timed_write() {
	local start end
	start=$(date +%s.%N)
	"$@" dd if=/dev/zero of="$DISK" bs=64k count=32 oflag=direct status=none
	end=$(date +%s.%N)
	awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f\n", b - a }'
}

@test "cgroup-limit: io.max holds a direct writer to 1 MB/s on a real disk [vm]" {
	DISK=$(scratch_disk)
	if [ -z "$DISK" ]; then
		v2 && skip "no scratch block device (the vm tier attaches one)"
		# Hybrid host: io.max is v2 only, and is refused as such.
		run --separate-stderr cgroup-limit --io-write-bps 8:0:1M -- true
		[ "$status" -eq 1 ]
		[[ "$stderr" == *"io.max (--io-*) is cgroup v2 only"* ]]
		return
	fi
	fast=$(timed_write cgroup-limit -q --)
	slow=$(timed_write cgroup-limit -q --io-write-bps "$DISK:1M" --)
	echo "2 MiB: control $fast s, limited $slow s" >&3
	# 2 MiB at 1 MiB/s takes about 2 s; at most 1.5 MB/s means >= 1.4 s.
	awk -v s="$slow" 'BEGIN { exit !(s >= 1.4) }'
	awk -v f="$fast" -v s="$slow" 'BEGIN { exit !(f < s) }'
	run --separate-stderr cgroup-limit --json --io-write-bps "$DISK:1M" -- \
		dd if=/dev/zero of="$DISK" bs=64k count=8 oflag=direct status=none
	[ "$status" -eq 0 ]
	[[ "$(report .io)" == *"wbytes=524288"* ]]
}

@test "cgroup-limit: memory pressure rises under a tight limit, before any OOM [vm]" {
	DISK=$(scratch_disk)
	if [ -z "$DISK" ]; then
		v2 && skip "no scratch block device (the vm tier attaches one)"
		# Hybrid host: v1 has no pressure stall information to report.
		run --separate-stderr cgroup-limit --json -- true
		[ "$(report 'has("pressure")')" = false ]
		return
	fi
	# Reading the 64 MiB disk twice: its page cache cannot stay under
	# 16M, so the second pass refaults what was just evicted.
	twice="dd if=$DISK of=/dev/null bs=1M status=none; dd if=$DISK of=/dev/null bs=1M status=none"
	run --separate-stderr cgroup-limit --json -- sh -c "$twice"
	[ "$status" -eq 0 ]
	control=$(report .pressure.memory.some_total_usec)
	run --separate-stderr cgroup-limit --json --memory 16M -- sh -c "$twice"
	[ "$status" -eq 0 ]
	limited=$(report .pressure.memory.some_total_usec)
	echo "memory some total: control $control us, limited $limited us" >&3
	[ "$(report .memory.events.oom_kill)" -eq 0 ]
	[ "$(report .memory.events.max)" -gt 0 ]
	[ "$limited" -gt "$control" ]
	[ "$limited" -gt 0 ]
}

@test "cgroup-limit: inside ns-unshare -C the group is / and nothing above shows [vm]" {
	# The controller the group lives in: pids on v1 (v2's line is 0::).
	if v2; then line='^0::'; else line='^[0-9]+:pids:'; fi
	run --separate-stderr cgroup-limit -q --name ctk-test-cgns -- sh -c "
		grep -E '$line' /proc/self/cgroup
		ns-unshare -q -C -- grep -E '$line' /proc/self/cgroup"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == *":/ctk/ctk-test-cgns" ]]
	[[ "${lines[1]}" == *":/" ]]
	[[ "${lines[1]}" != *"ctk"* ]]
}

@test "cgroup-limit: --watch prints a line a second when stderr is not a terminal" {
	run --separate-stderr cgroup-limit -q --watch --cpus 0.5 --pids 20 -- \
		cg-workload spin 2
	[ "$status" -eq 0 ]
	[ "${#stderr_lines[@]}" -ge 2 ]
	for l in "${stderr_lines[@]}"; do
		[ "${#l}" -le 100 ]
		[[ "$l" =~ ^cgroup-limit:\ run-[0-9]+\ [0-9]+s:\ mem\ .*\ cpu\ [0-9.]+/0.50\ thr\ [0-9]+\ pids\ [01]/20\ psi\  ]]
	done
	# Throttling shows up and grows while the spinner runs.
	last=${stderr_lines[-1]}
	[[ "$last" =~ thr\ ([0-9]+) ]]
	[ "${BASH_REMATCH[1]}" -gt 0 ]
}

@test "cgroup-limit: --watch redraws its bars in place on a terminal [vm]" {
	out=$SCRATCH/term
	script -qec "cgroup-limit -q --watch --cpus 0.5 --pids 20 -- cg-workload spin 2" \
		"$out" >/dev/null
	# Frames after the first move the cursor up over the last one.
	[ "$(grep -c $'\e\\[1A' "$out")" -ge 1 ]
	# The CPU bar is empty in the first frame and full in a later one.
	frames=$(sed 's/\x1b\[[0-9;]*[A-Za-z]//g' "$out" | grep -c "^  cpu    \[")
	[ "$frames" -ge 2 ]
	sed 's/\x1b\[[0-9;]*[A-Za-z]//g' "$out" | grep -q "^  cpu    \[\.\{30\}\] 0.00 of 0.50 CPUs"
	sed 's/\x1b\[[0-9;]*[A-Za-z]//g' "$out" | grep -qE "^  cpu    \[#{20,}"
	# No line of a frame is wider than 100 columns.
	# (script's own header and footer lines aside).
	[ -z "$(sed 's/\x1b\[[0-9;]*[A-Za-z]//g' "$out" | tr -d '\r' |
		grep -v '^Script ' | awk 'length > 100')" ]
}

@test "cgroup-limit: an unprivileged user limits a process in a delegated subtree [vm]" {
	v2 || skip "the host is not pure cgroup v2 (this test is for the vm tier)"
	D=/sys/fs/cgroup/ctk-test-deleg
	mkdir "$D" "$D/session"
	# Delegate as systemd does: the directory and its three files.
	chown 65534:65534 "$D" "$D/cgroup.procs" "$D/cgroup.subtree_control" \
		"$D/cgroup.threads"
	# Root puts the user's process in a leaf of the subtree, then drops
	# to the user, who runs cgroup-limit there.
	as_user_in_leaf() {
		sh -c 'echo $$ >"$0/session/cgroup.procs" &&
			exec setpriv --reuid=65534 --regid=65534 --clear-groups "$@"' \
			"$D" "$@"
	}
	run --separate-stderr as_user_in_leaf "$BIN/cgroup-limit" --json -- \
		"$BIN/cg-workload" hog 64M
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"uid 65534 works in the subtree delegated to it: $D"* ]]
	run --separate-stderr as_user_in_leaf "$BIN/cgroup-limit" --json \
		--memory 32M -- "$BIN/cg-workload" hog 64M
	rmdir "$D/session" "$D"
	[ "$status" -eq 137 ]
	[ "$(report .memory.events.oom_kill)" -ge 1 ]
}
