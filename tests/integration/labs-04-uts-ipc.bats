#!/usr/bin/env bats
# Lab 04 (UTS and IPC namespaces): it passes in --ci mode and leaves
# nothing behind, also when interrupted; each checker fails, with the
# right hint, on a state where the student did it wrong.  The host's
# hostname and IPC objects are never changed: a "host" whose hostname or
# queues must change is a scratch namespace the checker or lab runs in.

load helpers

CHECK=$BATS_TEST_DIRNAME/../../labs/04-uts-ipc/check

setup() { common_setup; }

teardown() {
	kill_fixtures
	common_teardown
}


# The message queues of the IPC namespace we are in.
host_queues() { awk 'NR > 1 { print $2 }' /proc/sysvipc/msg | sort; }

leftovers() {
	find /tmp -maxdepth 1 -name 'ctk-lab.*' | wc -l
	pgrep -f -x "(/bin/)?sleep 400[1-4]" | wc -l
	mount_table | md5sum
	hostname
	host_queues
}

@test "labs: 04-uts-ipc passes in --ci mode and leaves nothing behind [vm]" {
	before=$(leftovers)
	run env NO_COLOR=1 "$TOP/labs/04-uts-ipc/lab" --ci
	[ "$status" -eq 0 ]
	[[ "$output" == *"ns-unshare: uts "*": hostname here \"lab04\", outside still \"$(hostname)\""* ]]
	[[ "$output" == *"PASS process "*"'s UTS namespace (uts:["*"]) has hostname 'lab04'; the host's (uts:[$(uts_ns)]) is still '$(hostname)'"* ]]
	[[ "$output" == *"PASS the lab's outside IPC namespace (ipc:["*"]) holds 1 message queue(s) (msqid "*"); process "*" has none"* ]]
	[[ "$output" == *"PASS process "*" is in the lab's outside IPC namespace (ipc:["*"]) and sees its 1 message queue(s)"* ]]
	[[ "$output" == *"PASS 04-uts-ipc: every check passed"* ]]
	[ "$(leftovers)" = "$before" ]
}

# The nsfs inode of our own UTS namespace.
uts_ns() { stat -L -c %i /proc/self/ns/uts; }

@test "labs: 04-uts-ipc cleans up when interrupted, and undoes a student's host changes" {
	# In scratch UTS and IPC namespaces that play the host, so the
	# student's mistakes (a host hostname, a host queue) stay there.
	run unshare -u -i bash -c '
		"$1" --ci >/dev/null 2>&1 &
		lab=$!
		for ((i = 0; i < 100; i++)); do
			pgrep -f -x "sleep 4001" >/dev/null && break
			sleep 0.1
		done
		hostname lab04
		ipcmk -Q >/dev/null
		echo "$(hostname) $(($(wc -l </proc/sysvipc/msg) - 1))"
		kill -TERM "$lab"
		wait "$lab"
		echo "status $?"
		echo "$(hostname) $(($(wc -l </proc/sysvipc/msg) - 1))"
	' bash "$TOP/labs/04-uts-ipc/lab"
	[ "${lines[0]}" = "lab04 1" ]
	[ "${lines[1]}" = "status 130" ]
	[ "${lines[2]}" = "$(hostname) 0" ]
	[ "$(pgrep -f -x "(/bin/)?sleep 400[1-4]" | wc -l)" -eq 0 ]
}

@test "labs: 04 checker 'uts' fails on a host process, with the hint" {
	fixture 4901
	[ -n "$FIXTURE" ]
	run "$CHECK" uts "$FIXTURE" lab04 "$(hostname)"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "process $FIXTURE shares the host's UTS namespace" ]
	[ "${lines[1]}" = "hint: start it with ns-unshare -u: a UTS namespace of its own, where --hostname lab04 sets the name" ]
}

@test "labs: 04 checker 'uts' fails on a UTS namespace left with the host's name" {
	fixture 4902 ns-unshare -q -u
	[ -n "$FIXTURE" ]
	run "$CHECK" uts "$FIXTURE" lab04 "$(hostname)"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "the hostname in process $FIXTURE's UTS namespace is '$(hostname)', not 'lab04'" ]
	[ "${lines[1]}" = "hint: a new UTS namespace starts with a copy of the host's name: set it there with --hostname lab04 (or ns-enter -t $FIXTURE -u hostname lab04)" ]
	# Control: set inside, it passes, and ours is unchanged.
	host=$(hostname)
	ns-enter -q -t "$FIXTURE" -u hostname lab04
	run "$CHECK" uts "$FIXTURE" lab04 "$host"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "process $FIXTURE's UTS namespace (uts:["*"]) has hostname 'lab04'; the host's (uts:["*"]) is still '$host'" ]]
	[ "$(hostname)" = "$host" ]
}

@test "labs: 04 checker 'uts' fails when the host's hostname was changed" {
	fixture 4903 ns-unshare -q -u --hostname lab04
	[ -n "$FIXTURE" ]
	# The checker runs in a scratch UTS namespace: the "host" it sees had
	# 'hostname lab04' run in it.
	run unshare -u sh -c 'hostname lab04 && exec "$1" uts "$2" lab04 "$3"' \
		sh "$CHECK" "$FIXTURE" "$(hostname)"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "the host's hostname is now 'lab04', not '$(hostname)'" ]
	[ "${lines[1]}" = "hint: it was set outside a UTS namespace: put it back (hostname $(hostname)), and set lab04 only in a namespace of its own (ns-unshare -u --hostname lab04)" ]
}

@test "labs: 04 checker 'ipc' fails when the outside namespace has no queue" {
	fixture 4911 ns-unshare -q -i
	[ -n "$FIXTURE" ]
	out=$FIXTURE
	fixture 4912 ns-unshare -q -i
	[ -n "$FIXTURE" ]
	run "$CHECK" ipc "$out" "$FIXTURE"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "the lab's outside namespace (process $out) has no message queue" ]
	[ "${lines[1]}" = "hint: make one inside it: ns-enter -t $out -i ipcmk -Q (ipcmk alone makes it in your own IPC namespace, the host's)" ]
	# A host process is not the lab's outside namespace.
	run "$CHECK" ipc "$$" "$FIXTURE"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "process $$ is in the host's IPC namespace, not the lab's" ]
	[[ "${lines[1]}" == "hint: the lab starts 'sleep 4002' in an IPC namespace of its own"* ]]
}

@test "labs: 04 checker 'ipc' fails on a host process or the same namespace" {
	before=$(host_queues)
	fixture 4913 ns-unshare -q -i
	[ -n "$FIXTURE" ]
	out=$FIXTURE
	ns-enter -q -t "$out" -i ipcmk -Q >/dev/null
	fixture 4914
	[ -n "$FIXTURE" ]
	run "$CHECK" ipc "$out" "$FIXTURE"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "process $FIXTURE shares the host's IPC namespace" ]
	[ "${lines[1]}" = "hint: start it with ns-unshare -i: a new IPC namespace, empty" ]
	fixture 4915 ns-enter -q -t "$out" -i
	[ -n "$FIXTURE" ]
	run "$CHECK" ipc "$out" "$FIXTURE"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "process $FIXTURE is in the lab's outside namespace, not a new one" ]
	[ "${lines[1]}" = "hint: ns-enter -t $out -i joins that namespace; ns-unshare -i makes a new one" ]
	# The queue was made in the scratch namespace, never on the host.
	[ "$(host_queues)" = "$before" ]
}

@test "labs: 04 checker 'ipc' fails when the new namespace is not empty, then passes" {
	fixture 4916 ns-unshare -q -i
	[ -n "$FIXTURE" ]
	out=$FIXTURE
	ns-enter -q -t "$out" -i ipcmk -Q >/dev/null
	fixture 4917 ns-unshare -q -i
	[ -n "$FIXTURE" ]
	ns-enter -q -t "$FIXTURE" -i ipcmk -Q >/dev/null
	run "$CHECK" ipc "$out" "$FIXTURE"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "process $FIXTURE's IPC namespace has 1 message queue(s) (msqid 0)" ]
	[ "${lines[1]}" = "hint: a new IPC namespace starts empty: those were made in it; remove them (ns-enter -t $FIXTURE -i ipcrm --all=msg)" ]
	# Control: emptied, it passes; each namespace had its own msqid 0.
	ns-enter -q -t "$FIXTURE" -i ipcrm --all=msg
	run "$CHECK" ipc "$out" "$FIXTURE"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "the lab's outside IPC namespace (ipc:["*"]) holds 1 message queue(s) (msqid 0); process $FIXTURE's (ipc:["*"]) has none" ]]
}

@test "labs: 04 checker 'joined' fails on a new namespace or the host's, then passes" {
	fixture 4921 ns-unshare -q -i
	[ -n "$FIXTURE" ]
	out=$FIXTURE
	ns-enter -q -t "$out" -i ipcmk -Q >/dev/null
	fixture 4922 ns-unshare -q -i
	[ -n "$FIXTURE" ]
	run "$CHECK" joined "$out" "$FIXTURE"
	[ "$status" -eq 1 ]
	[[ "${lines[0]}" == "process $FIXTURE has an IPC namespace of its own (ipc:["*"]), not the lab's (ipc:["*"])" ]]
	[ "${lines[1]}" = "hint: ns-unshare -i makes a new namespace; ns-enter -t $out -i joins the existing one (setns(2))" ]
	fixture 4923
	[ -n "$FIXTURE" ]
	run "$CHECK" joined "$out" "$FIXTURE"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "process $FIXTURE shares the host's IPC namespace" ]
	[ "${lines[1]}" = "hint: join the lab's: ns-enter -t $out -i sleep 4004" ]
	# Control: joined with setns(2), it sees the same queue.
	fixture 4924 ns-enter -q -t "$out" -i
	[ -n "$FIXTURE" ]
	run "$CHECK" joined "$out" "$FIXTURE"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "process $FIXTURE is in the lab's outside IPC namespace (ipc:["*"]) and sees its 1 message queue(s) (msqid 0)" ]]
}

@test "labs: 04 checker names a missing process; bad usage is status 2" {
	run "$CHECK" uts "" lab04 "$(hostname)"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "no process found for the process with its own hostname" ]
	[[ "${lines[1]}" == "hint: start it in the background (&)"* ]]
	run "$CHECK" bogus 1
	[ "$status" -eq 2 ]
	run "$CHECK" uts 1 lab04
	[ "$status" -eq 2 ]
}
