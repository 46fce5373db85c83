#!/usr/bin/env bats
# timens: time namespaces for real: offsets, the two rules, join, freeze.

load helpers

setup() { common_setup; }
teardown() {
	local p
	for p in ${KILL_PIDS:-}; do
		kill -KILL "$p" 2>/dev/null || true
	done
	common_teardown
}

# The host's CLOCK_MONOTONIC in seconds, from a file no time namespace
# shifts (the kernel prints its own clock there).
host_monotonic() {
	awk '/^now at/ { printf "%.9f\n", $3 / 1e9; exit }' /proc/timer_list
}

# |a - b| < tolerance, in seconds.
near() {
	awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d < t) }'
}

# lo <= x <= hi, in seconds.
between() {
	awk -v l="$1" -v x="$2" -v h="$3" 'BEGIN { exit !(l <= x && x <= h) }'
}

# The value after "NAME " in --clocks output.
clock_of() {
	echo "$2" | awk -v n="$1" '$1 == n { print $2 }'
}

# Wait until PID $1 has a child, and print the child's PID.
child_of() {
	local c
	for _ in $(seq 50); do
		c=$(pgrep -P "$1" | head -1)
		[ -n "$c" ] && { echo "$c"; return 0; }
		sleep 0.05
	done
	return 1
}

@test "timens: --boottime 86400 shifts /proc/uptime for the program only [vm]" {
	run --separate-stderr timens --boottime 86400 -- cat /proc/uptime
	[ "$status" -eq 0 ]
	inside=${output%%.*}
	outside=$(cut -d. -f1 /proc/uptime)
	[ "$inside" -ge 86400 ]
	[ "$((inside - outside))" -ge 86399 ]
	[ "$((inside - outside))" -le 86401 ]
	[[ "$stderr" == *"offsets (/proc/self/timens_offsets, from the host's clocks): monotonic 0.000000000 s, boottime 86400.000000000 s"* ]]
	# Control: without an offset the program sees the host's uptime.
	run --separate-stderr timens -q -- cat /proc/uptime
	[ "$status" -eq 0 ]
	near "${output%% *}" "$(cut -d' ' -f1 /proc/uptime)" 1
}

@test "timens: a negative --monotonic lowers CLOCK_MONOTONIC; REALTIME is not virtualized" {
	# Each reading inside must fall between two readings outside.
	mono0=$(host_monotonic)
	real0=$(date +%s.%N)
	run --separate-stderr timens -q --monotonic -1.25 --clocks
	mono1=$(host_monotonic)
	real1=$(date +%s.%N)
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	mono=$(clock_of monotonic "$output")
	between "$mono0" "$(awk -v m="$mono" 'BEGIN { printf "%.9f", m + 1.25 }')" "$mono1"
	between "$real0" "$(clock_of realtime "$output")" "$real1"
	# Control: a namespace with no offset reads the host's clock.
	mono0=$(host_monotonic)
	run --separate-stderr timens -q --clocks
	between "$mono0" "$(clock_of monotonic "$output")" "$(host_monotonic)"
	# The evidence says the same: shifted, and REALTIME the same.
	run --separate-stderr timens --monotonic -1.25 -- true
	[ "$status" -eq 0 ]
	[[ "$stderr" =~ "CLOCK_MONOTONIC  outside "[0-9.]+"  inside "[0-9.]+"  (-1.2" ]]
	[[ "$stderr" =~ "CLOCK_REALTIME   outside "[0-9.]+"  inside "[0-9.]+"  (+0."[0-9]+" s): NOT virtualized" ]]
}

@test "timens: unshare moves only the children: time vs time_for_children" {
	host=$(readlink /proc/self/ns/time)
	run --separate-stderr timens -- readlink /proc/self/ns/time
	[ "$status" -eq 0 ]
	[ "$output" != "$host" ]
	[[ "$stderr" == *"is still in $host; its time_for_children is $output"* ]]
	[[ "$stderr" == *"$host -> $output: the program runs in the new time namespace"* ]]
}

@test "timens: --json is one object; the child is in the parent's time_for_children" {
	run --separate-stderr timens --json --boottime 86400 -- true
	[ "$status" -eq 0 ]
	[ "$(echo "$stderr" | jq -r '.time.entered')" = "true" ]
	[ "$(echo "$stderr" | jq '.time.after == .time.timens_for_children')" = "true" ]
	[ "$(echo "$stderr" | jq '.time.before == .time.timens')" = "true" ]
	[ "$(echo "$stderr" | jq '.offsets.boottime')" = "86400" ]
	[ "$(echo "$stderr" | jq '.clocks.boottime.shift >= 86400 and .clocks.boottime.shift < 86401')" = "true" ]
	[ "$(echo "$stderr" | jq '.clocks.realtime.shift | fabs < 1')" = "true" ]
}

@test "timens: the program's stdout is untouched; its status passes through" {
	cmd=(-- sh -c 'echo "line one"; printf "\001\002"')
	direct=$("${cmd[@]:1}" | od -c)
	[ "$(timens --boottime 5 "${cmd[@]}" 2>/dev/null | od -c)" = "$direct" ]
	[ "$(timens -q --boottime 5 "${cmd[@]}" 2>/dev/null | od -c)" = "$direct" ]
	[ "$(timens --json -v "${cmd[@]}" 2>/dev/null | od -c)" = "$direct" ]
	run timens -q -- sh -c 'exit 7'
	[ "$status" -eq 7 ]
	run timens -q -- sh -c 'kill -TERM $$'
	[ "$status" -eq 143 ]
	# Options stop at the program (getopt '+').
	run --separate-stderr timens -q echo -t --bogus
	[ "$output" = "-t --bogus" ]
}

@test "timens: --contrast too-late: EACCES once a child has entered, then the fix" {
	run --separate-stderr timens --contrast too-late
	[ "$status" -eq 0 ]
	[ "${stderr_lines[0]}" = "timens: WRONG: unshare(CLONE_NEWTIME), fork(), then write the offsets:" ]
	[ "${stderr_lines[2]}" = 'timens: write("/proc/self/timens_offsets", "boottime 86400 0"): Permission denied' ]
	[[ "${stderr_lines[3]}" == "timens: hint: offsets can only be written after unshare(CLONE_NEWTIME) and before the first process enters"* ]]
	# WRONG: the children read the host's uptime; RIGHT: a day more.
	re='reads /proc/uptime ([0-9.]+) \(outside: ([0-9.]+)\)'
	[[ "${stderr_lines[4]}" =~ $re ]]
	near "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}" 1
	[ "${stderr_lines[5]}" = "timens: RIGHT: unshare(CLONE_NEWTIME), write the offsets, then fork():" ]
	[[ "${stderr_lines[6]}" =~ $re ]]
	near "${BASH_REMATCH[1]}" "$(awk -v o="${BASH_REMATCH[2]}" 'BEGIN { print o + 86400 }')" 1
}

@test "timens: --contrast freeze: the restored clock jumps, unless offset [vm]" {
	run --separate-stderr timens --contrast freeze
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"checkpoint: PID "*" saved its state (CLOCK_MONOTONIC "*") and was killed; frozen for 2 s"* ]]
	[[ "$stderr" =~ "WRONG: restored without a time namespace: PID "[0-9]+" reads CLOCK_MONOTONIC "[0-9.]+": it jumped +"([0-9.]+)" s across the freeze" ]]
	wrong=${BASH_REMATCH[1]}
	[[ "$stderr" =~ "RIGHT: restored in time:["[0-9]+"] with a monotonic offset of -"([0-9.]+)" s chosen at restore time: PID "[0-9]+" reads CLOCK_MONOTONIC "[0-9.]+": it moved +"([0-9.]+)" s" ]]
	offset=${BASH_REMATCH[1]}
	right=${BASH_REMATCH[2]}
	awk -v w="$wrong" 'BEGIN { exit !(w >= 2 && w < 4) }'
	awk -v r="$right" 'BEGIN { exit !(r >= 0 && r < 0.5) }'
	awk -v o="$offset" 'BEGIN { exit !(o >= 2 && o < 4) }'
}

@test "timens: -t joins another process's time namespace and shows its offsets [vm]" {
	timens -q --monotonic -1 --boottime 86400 -- sleep 9871 3>&- &
	KILL_PIDS=$!
	target=$(child_of "$KILL_PIDS")
	KILL_PIDS="$KILL_PIDS $target"
	theirs=$(readlink "/proc/$target/ns/time")
	[ "$theirs" != "$(readlink /proc/self/ns/time)" ]
	run --separate-stderr timens -t "$target" -- sh -c 'readlink /proc/self/ns/time; cut -d. -f1 /proc/uptime'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$theirs" ]
	[ "${lines[1]}" -ge 86400 ]
	[[ "$stderr" == *"process $target is in $theirs; /proc/$target/timens_offsets: monotonic -1.000000000 s, boottime 86400.000000000 s"* ]]
	[[ "$stderr" == *"-> $theirs: setns() moved timens (PID "*") itself at once"* ]]
	run --separate-stderr timens --json -t "$target" -- true
	[ "$status" -eq 0 ]
	[ "$(echo "$stderr" | jq '.time.after == .target_time and .target_time == .time.timens')" = "true" ]
	[ "$(echo "$stderr" | jq '.offsets.monotonic, .offsets.boottime' | tr '\n' ' ')" = "-1 86400 " ]
	# Control: timens's own parent stayed outside: joining it changes
	# nothing, and the file it shows belongs to its time_for_children.
	run --separate-stderr timens -t "${KILL_PIDS%% *}" -- readlink /proc/self/ns/time
	[ "$status" -eq 0 ]
	[ "$output" = "$(readlink /proc/self/ns/time)" ]
	[[ "$stderr" == *"timens was already there; setns() changed nothing"* ]]
	[[ "$stderr" == *"has unshared $theirs for its children"* ]]
}

@test "timens: bad input: one line, its exit code, nothing left behind" {
	mark="tns-$$-$RANDOM"
	for args in "--bogus" "--monotonic abc" "--boottime 1.2.3" \
		"--monotonic 1.0000000001" "-t abc" "-t 0" "-t -5" \
		"-t 1 --monotonic 5" "--clocks true" "--contrast nope"; do
		# shellcheck disable=SC2086
		run --separate-stderr env CTK_TNS_MARK="$mark" timens $args true
		[ "$status" -eq 2 ]
		[ "${#stderr_lines[@]}" -eq 2 ]
		[ "${stderr_lines[1]}" = "Try 'timens --help' for more information." ]
	done
	run --separate-stderr env CTK_TNS_MARK="$mark" timens -t 4194304 true
	[ "$status" -eq 1 ]
	[ "$stderr" = "timens: no process with PID 4194304" ]
	# An exited process that nobody has reaped yet: a zombie.  Its
	# child ends only once bash has become sleep (which never reaps):
	# a child that ended first could be reaped by bash itself.
	bash -c 'sleep 0.5 & echo $! >"$0"; exec sleep 9872' "$SCRATCH/zombie" 3>&- &
	KILL_PIDS=$!
	for _ in $(seq 50); do
		zombie=$(cat "$SCRATCH/zombie" 2>/dev/null || true)
		[ -n "$zombie" ] &&
			[ "$(awk '/^State:/ { print $2 }' "/proc/$zombie/status")" = Z ] && break
		sleep 0.05
	done
	run --separate-stderr env CTK_TNS_MARK="$mark" timens -t "$zombie" true
	[ "$status" -eq 1 ]
	[ "$stderr" = "timens: process $zombie has exited (a zombie keeps its PID but no namespaces)" ]
	# The kernel's range check: the host's clock + offset must stay >= 0.
	up=$(cut -d. -f1 /proc/uptime)
	run --separate-stderr env CTK_TNS_MARK="$mark" timens --monotonic "-$((up + 1000))" true
	[ "$status" -eq 1 ]
	[ "${stderr_lines[0]}" = "timens: write(\"/proc/self/timens_offsets\", \"monotonic -$((up + 1000)) 0\"): Numerical result out of range" ]
	[[ "${stderr_lines[1]}" == *"hint: "*"a negative offset may not exceed the host's uptime" ]]
	run --separate-stderr env CTK_TNS_MARK="$mark" timens --boottime 9999999999 true
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"Numerical result out of range"* ]]
	run -127 --separate-stderr env CTK_TNS_MARK="$mark" timens no-such-command-x
	[ "$stderr" = "timens: no-such-command-x: command not found" ]
	run -126 --separate-stderr env CTK_TNS_MARK="$mark" timens /etc/passwd
	[ "$stderr" = "timens: /etc/passwd: not executable" ]
	# No process of any of these runs is left.
	[ -z "$(grep -lsxz "CTK_TNS_MARK=$mark" /proc/[0-9]*/environ)" ]
}

@test "timens: unprivileged: ptrace and CAP_SYS_ADMIN refusals are named" {
	run --separate-stderr as_nobody "$BIN/timens" -t 1 true
	[ "$status" -eq 1 ]
	[ "${stderr_lines[0]}" = 'timens: open("/proc/1/ns/time"): Permission denied' ]
	[[ "${stderr_lines[1]}" == *"hint: opening another process's namespace needs ptrace access"* ]]
	# Its own process can be opened, but setns() needs CAP_SYS_ADMIN.
	as_nobody sleep 9873 3>&- &
	KILL_PIDS=$!
	# The function runs in a subshell: setpriv is its child, and it
	# becomes sleep once it has dropped to nobody.
	pid=$(child_of "$KILL_PIDS")
	KILL_PIDS="$KILL_PIDS $pid"
	for _ in $(seq 50); do
		[ "$(cat "/proc/$pid/comm")" = sleep ] && break
		sleep 0.05
	done
	run --separate-stderr as_nobody "$BIN/timens" -t "$pid" true
	[ "$status" -eq 1 ]
	# Anyone may read the offsets; entering is what needs the right.
	[[ "${stderr_lines[0]}" == "timens: process $pid is in time:["*"]; /proc/$pid/timens_offsets: monotonic 0.000000000 s, boottime 0.000000000 s" ]]
	[ "${stderr_lines[1]}" = "timens: setns(fd of /proc/$pid/ns/time, CLONE_NEWTIME): Operation not permitted" ]
	[[ "${stderr_lines[2]}" == *"hint: entering a time namespace needs CAP_SYS_ADMIN"* ]]
	run --separate-stderr as_nobody "$BIN/timens" true
	[ "$status" -eq 1 ]
	[ "${stderr_lines[0]}" = "timens: unshare(CLONE_NEWTIME): Operation not permitted" ]
	# Control: root joins the same process.
	run --separate-stderr timens -q -t "$pid" -- true
	[ "$status" -eq 0 ]
	# Control: in a user namespace of its own, nobody may make one.
	run --separate-stderr as_nobody unshare -U -r "$BIN/timens" -q --boottime 86400 -- cut -d. -f1 /proc/uptime
	[ "$status" -eq 0 ]
	[ "$output" -ge 86400 ]
}
