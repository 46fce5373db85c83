#!/usr/bin/env bats
# Faults a container runtime must survive, each followed by a count of
# what is left on the host (nothing): the runtime killed at every step of
# a start and of a teardown, then cleanup; a container that fills its
# memory limit, its pids limit and a small tmpfs; signals sent to the
# runtime, and a container that ignores SIGTERM.  Each fault has a
# control where the same command, without it, gets the other answer.
#
# The fault hooks (tests only): MINICONTAINER_TEST_STOP_AT=N stops the
# start at its Nth narrated step; MINICONTAINER_TEST_TEARDOWN_KILL_AT=N
# kills whoever tears the container down at its Nth teardown step
# (minicontainer/container.h).

load helpers

MC=minicontainer

# For the kill loops' scripts (mc_net): m0, the mounts at the start, and
# left, what is left after a cleanup: state directories, ctk links, nft
# tables, mc-* groups, and mounts more than m0 (in the namespace that
# plays the host).
LEFT='
	m0=$(wc -l </proc/self/mountinfo)
	left() {
		ls -A /run/minicontainer 2>/dev/null | grep -vc "^\.lock$" || true
		ip -o link | { grep -c ctk- || true; }
		nft list tables | wc -l
		find /sys/fs/cgroup -name "mc-*" | wc -l
		echo $(($(wc -l </proc/self/mountinfo) - m0))
	}'

setup() { probe_setup; }

teardown() {
	"$MC" rm -f ctk-t-sig ctk-t-stop ctk-t-stop2 >/dev/null 2>&1 || true
	[ "$(container_host_state)" = "$HOST_BEFORE" ]
	common_teardown
}

@test "faults: SIGKILL of the runtime at every step of a start, then cleanup: nothing left [vm]" {
	args="-v run --rm --memory 16M --net bridge -p 8090:80"
	# At each step N: stop there, SIGKILL the runtime, run cleanup, and
	# count what is left: state directories, links, rules, groups and
	# mounts (in the namespace that plays the host).  Step 1, the sealed
	# copy of the runtime, comes before the hook and makes nothing.  The
	# first N the start never reaches (it ended) closes the loop.
	# --rm: cleanup removes a killed start's record too.
	run --separate-stderr mc_net "$LEFT
		for n in \$(seq 2 200); do
			# Emptied here: the job's own 2> truncates only once it
			# runs, and under load the loop below could read the
			# last trial's line first, then wait on a start that
			# stops later, for good.
			: >/tmp/stop
			MINICONTAINER_TEST_STOP_AT=\$n \"\$MC\" $args \"\$ROOT\" -- true 2>>/tmp/stop &
			pid=\$!
			stopped() { grep -q \"^minicontainer: stopped at step \$n\\\$\" /tmp/stop; }
			# Until it stops at step n or ends, bounded.
			t0=\$SECONDS
			while [ \$((SECONDS - t0)) -lt 120 ]; do
				stopped && break
				kill -0 \$pid 2>/dev/null || break
				sleep 0.02
			done
			if ! stopped; then
				if kill -0 \$pid 2>/dev/null; then
					echo \"neither stopped nor ended at step \$n: \$(tail -1 /tmp/stop)\"
					pkill -9 -P \$pid; kill -9 \$pid
					exit 1
				fi
				wait \$pid
				echo \"ended before step \$n\"
				break
			fi
			echo stopped
			kill -9 \$pid 2>/dev/null || true
			wait \$pid 2>/dev/null || true
			\"\$MC\" cleanup 2>/dev/null
			echo \"after \$n: \$(left | tr '\n' ' ')\"
		done
		\"\$MC\" cleanup 2>/dev/null
		echo \"at the end: \$(left | tr '\n' ' ')\""
	# Shown on failure.
	grep -v '^stopped$' <<<"$output" | grep -v ': 0 0 0 0 0 $' | head -20
	echo "$stderr" | head -5
	[ "$status" -eq 0 ]
	last=$(sed -n 's/^ended before step //p' <<<"$output")
	[ "$last" -gt 50 ]
	# Every step was stopped at, and after each, cleanup left nothing.
	[ "$(grep -c '^stopped$' <<<"$output")" -eq $((last - 2)) ]
	[ "$(grep -c '^after [0-9]*: 0 0 0 0 0 $' <<<"$output")" -eq $((last - 2)) ]
	[ "${lines[-1]}" = "at the end: 0 0 0 0 0 " ]
}

@test "faults: SIGKILL at every step of a teardown, run and run -d, then cleanup: nothing left [vm]" {
	# At each step N of the teardown (the container has ended): kill
	# whoever tears it down there (the runtime; with -d, the monitor),
	# run cleanup, count what is left.  The first N the teardown never
	# reaches (it finished) closes the loop.
	run --separate-stderr mc_net "$LEFT"'
		args=(--name ctk-t-td --memory 16M --net bridge -p 8090:80)
		# One trial: "killed" or "finished".
		trial() {
			local mode=$1 n=$2 i
			export MINICONTAINER_TEST_TEARDOWN_KILL_AT=$n
			if [ "$mode" = run ]; then
				"$MC" -q run --rm "${args[@]}" "$ROOT" -- true 2>/tmp/td
				unset MINICONTAINER_TEST_TEARDOWN_KILL_AT
				grep -q "killed at teardown step $n " /tmp/td && echo killed || echo finished
				return
			fi
			"$MC" -q run -d --rm "${args[@]}" "$ROOT" -- true >/dev/null
			unset MINICONTAINER_TEST_TEARDOWN_KILL_AT
			# The monitor says it in the log, or removes the state.
			for ((i = 0; i < 500; i++)); do
				if "$MC" logs ctk-t-td 2>/dev/null | grep -q "killed at teardown step $n "; then
					# The line comes just before the SIGKILL.
					sleep 0.2
					echo killed
					return
				fi
				"$MC" ps -a | grep -q " ctk-t-td " || { echo finished; return; }
				sleep 0.02
			done
			echo "neither killed nor finished"
		}
		for mode in run detached; do
			for ((n = 1; n <= 30; n++)); do
				r=$(trial $mode $n)
				[ "$r" = killed ] || { echo "$mode: $r at step $n"; break; }
				"$MC" cleanup 2>/dev/null
				echo "$mode after $n: $(left | tr "\n" " ")"
			done
			echo "$mode at the end: $(left | tr "\n" " ")"
		done'
	# Shown on failure.
	echo "$output"
	echo "$stderr" | head -5
	[ "$status" -eq 0 ]
	# Each steps through the cgroup, the link, the rule, the records,
	# the bridge and the state directory: at least 6 kills, then done.
	run_n=$(sed -n 's/^run: finished at step //p' <<<"$output")
	det_n=$(sed -n 's/^detached: finished at step //p' <<<"$output")
	[ "$run_n" -gt 6 ]
	[ "$det_n" -gt 6 ]
	[ "$(grep -c '^run after [0-9]*: 0 0 0 0 0 $' <<<"$output")" -eq $((run_n - 1)) ]
	[ "$(grep -c '^detached after [0-9]*: 0 0 0 0 0 $' <<<"$output")" -eq $((det_n - 1)) ]
	[ "$(grep -c ' at the end: 0 0 0 0 0 $' <<<"$output")" -eq 2 ]
}

@test "faults: a container filling its memory limit is OOM-killed and said so; the host is untouched (control: no limit) [vm]" {
	run --separate-stderr mc --memory "${MEM_MIB}M" "$MEM_BIG" "$ROOT" -- sh -c "$MEM_FILL"
	oom_killed_dd
	[[ "$stderr" =~ ^"minicontainer: the memory limit ("$MEM_MIB".0M) was reached: the OOM killer killed "[0-9]+" process"(es)?$ ]]
	# The host still runs and allocates.
	run sh -c 'head -c 33554432 /dev/zero | wc -c'
	[ "$output" = 33554432 ]
	# Control: no limit, no kill, nothing said.
	run --separate-stderr mc "$MEM_BIG" "$ROOT" -- sh -c "$MEM_FILL"
	[ "$output" = "dd 0" ]
	[ -z "$stderr" ]
}

@test "faults: a fork bomb meets its pids limit and is said so; the host still forks (control: no limit) [vm]" {
	# 40 forks under --pids 10: init and the probe count, so 8 succeed.
	run --separate-stderr mc --pids 10 "$ROOT" -- sys-probe forks 40
	[ "$status" -eq 0 ]
	[ "$output" = "forked 8, refused 32: Resource temporarily unavailable" ]
	[ "$stderr" = "minicontainer: the pids limit (10) was reached: 32 forks were refused" ]
	run sh -c 'for i in 1 2 3 4 5; do true & done; wait; echo forked'
	[ "$output" = forked ]
	# Control: no limit, all 40 forked, nothing said.
	run --separate-stderr mc "$ROOT" -- sys-probe forks 40
	[ "$output" = "forked 40, refused 0" ]
	[ -z "$stderr" ]
}

@test "faults: a container filling a 1M tmpfs gets ENOSPC at 1M; nothing stays (control: the 64M default) [vm]" {
	fill='dd if=/dev/zero of=/t/x bs=64k count=1024 2>&1 | grep -o "No space left on device"; du -k /t/x | cut -f1'
	run --separate-stderr mc --tmpfs /t:size=1M "$ROOT" -- sh -c "$fill"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "No space left on device" ]
	[ "${lines[1]}" = 1024 ]
	# Control: the default size takes all 64 MiB.
	run --separate-stderr mc --tmpfs /t "$ROOT" -- sh -c "$fill"
	[ "$output" = 65536 ]
}

@test "faults: SIGTERM, SIGINT and SIGHUP to the runtime reach the container's command [vm]" {
	# One output file per signal: with one file, the wait below could
	# read the last container's "ready" before this one's shell opened
	# (truncated) it, and signal that shell instead of the runtime.
	local sig
	for sig in TERM INT HUP; do
		"$MC" -q run --rm "$ROOT" -- sh -c "trap 'echo got $sig; exit 3' $sig; echo ready; while :; do sleep 0.1; done" >"$SCRATCH/out-$sig" &
		pid=$!
		for ((i = 0; i < 100; i++)); do
			grep -q ready "$SCRATCH/out-$sig" && break
			sleep 0.05
		done
		kill -"$sig" "$pid"
		# Bounded: a container that never sees the signal fails here.
		for ((i = 0; i < 100; i++)); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.05
		done
		kill -KILL "$pid" 2>/dev/null || true
		status=0
		wait "$pid" || status=$?
		echo "$sig: status $status, $(cat "$SCRATCH/out-$sig")"
		[ "$status" -eq 3 ]
		[ "$(cat "$SCRATCH/out-$sig")" = "$(printf 'ready\ngot %s' "$sig")" ]
	done
}

@test "faults: a container ignoring SIGTERM is killed when stop's timeout ends (control: one that ends on TERM) [vm]" {
	"$MC" -q run -d --name ctk-t-stop "$ROOT" -- sh -c 'trap "" TERM; echo ready; while :; do sleep 0.1; done' >/dev/null
	"$MC" -q run -d --name ctk-t-stop2 "$ROOT" -- sh -c 'echo ready; while :; do sleep 0.1; done' >/dev/null
	sleep 0.5
	t0=$EPOCHREALTIME
	run "$MC" stop -t 2 ctk-t-stop
	t1=$EPOCHREALTIME
	[ "$output" = ctk-t-stop ]
	run "$MC" wait ctk-t-stop
	[ "$output" = 137 ]
	# Not before the timeout, and not long after.
	ms=$(((${t1/./} - ${t0/./}) / 1000))
	echo "stop took $ms ms"
	[ "$ms" -ge 2000 ]
	[ "$ms" -lt 6000 ]
	# Control: sh without a trap ends on TERM at once.
	t0=$EPOCHREALTIME
	run "$MC" stop -t 10 ctk-t-stop2
	t1=$EPOCHREALTIME
	run "$MC" wait ctk-t-stop2
	[ "$output" = 143 ]
	ms=$(((${t1/./} - ${t0/./}) / 1000))
	echo "control stop took $ms ms"
	[ "$ms" -lt 2000 ]
	"$MC" rm ctk-t-stop ctk-t-stop2 >/dev/null
}
