#!/usr/bin/env bats
# Lab 09 (joining a live container): it passes in --ci mode and leaves
# nothing behind; each checker fails, with the right hint, on a state where
# the student did it wrong, and passes on a control.

load helpers

setup() {
	common_setup
	ROOT=$(copy_rootfs)
	CHECK=$TOP/labs/09-join/check
}

teardown() {
	# Killing a container's PID 1 also ends what joined its PID namespace.
	kill_fixtures
	common_teardown
}


# A container as the lab starts it (exercises 1 and 2); C is its PID.
container() {
	fixture "$1" ns-unshare -q -u -n -p -f --kill-child --hostname web -- \
		pivot -q "$ROOT"
	C=$FIXTURE
}

# A rootless container as the lab starts it (exercise 3).
rootless_container() {
	fixture "$1" as_nobody ns-unshare -q -U -r -u -n -p -f --kill-child \
		--mount-proc="$ROOT/proc" --hostname rootless -- \
		pivot -q --no-proc "$ROOT"
	C=$FIXTURE
}

leftovers() {
	find /tmp -maxdepth 1 -name 'ctk-lab.*' | wc -l
	# The sleeps, and the ns-unshare, setpriv and ns-enter that led to them.
	pgrep -f "sleep 900[1-4]\$" | wc -l
	mount_table | md5sum
}

@test "labs: 09-join passes in --ci mode and leaves nothing behind [vm]" {
	before=$(leftovers)
	run "$TOP/labs/09-join/lab" --ci
	[ "$status" -eq 0 ]
	[[ "$output" == *"└─ 1 process: mnt:["*"] uts:["*"] pid:["*"] net:["*"]"* ]]
	[[ "$output" == *"PASS lo in process "*"'s network namespace (net:["*"]) is UP"* ]]
	[[ "$output" == *"PASS process "*" shares the container's mnt, uts, net and pid namespaces and its root: it is PID "*" there"* ]]
	[[ "$output" == *"ns-enter: setns(fd of /proc/"*"/ns/mnt): Operation not permitted"* ]]
	[[ "$output" == *"PASS process "*" shares the container's user, mnt, uts, net and pid namespaces and its root"*"; uid 0 there, uid 65534 on the host"* ]]
	[[ "$output" == *"PASS 09-join: every check passed"* ]]
	[ "$(leftovers)" = "$before" ]
}

@test "labs: 09 checker 'netup' fails while lo is down; control passes" {
	container 9011
	run "$CHECK" netup "$C"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "lo in process $C's network namespace (net:[$(stat -L -c %i "/proc/$C/ns/net")]) is still DOWN (<LOOPBACK>)" ]
	[ "${lines[1]}" = "hint: bring it up from inside: ns-enter -t $C -n -- ip link set lo up (ip alone changes the host's lo, which is up already)" ]
	ns-enter -q -t "$C" -n -- ip link set lo up
	run "$CHECK" netup "$C"
	[ "$status" -eq 0 ]
	[[ "$output" == "lo in process $C's network namespace (net:["*"]) is UP (<LOOPBACK,UP"* ]]
}

@test "labs: 09 checker 'netup' fails on a host process, with the hint" {
	fixture 9012
	run "$CHECK" netup "$FIXTURE"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "process $FIXTURE shares the host's network namespace" ]
	[[ "${lines[1]}" == "hint: that is not the container: ns-inspect --tree"* ]]
}

@test "labs: 09 checker 'joined' fails without -p or -m, with the hint; control passes" {
	container 9021
	fixture 9022 ns-enter -q -t "$C" -m -u -n -r
	run "$CHECK" joined "$C" "$FIXTURE"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "process $FIXTURE is not in the container's pid namespace (pid:[$(stat -L -c %i /proc/self/ns/pid)], the container's is pid:[$(stat -L -c %i "/proc/$C/ns/pid")])" ]
	[ "${lines[1]}" = "hint: add -p: setns(2) into a PID namespace moves only the caller's children, so ns-enter runs the program in a child" ]
	fixture 9023 ns-enter -q -t "$C" -u -n -p
	run "$CHECK" joined "$C" "$FIXTURE"
	[ "$status" -eq 1 ]
	[[ "${lines[0]}" == "process $FIXTURE is not in the container's mnt namespace (mnt:["* ]]
	[[ "${lines[1]}" == "hint: add -m: without the container's mount namespace"* ]]
	# Control: every namespace and the root.
	fixture 9024 ns-enter -q -t "$C" -m -u -n -p -r
	run "$CHECK" joined "$C" "$FIXTURE"
	[ "$status" -eq 0 ]
	# Its PID in there: 3, after 9023's 2.
	[ "$output" = "process $FIXTURE shares the container's mnt, uts, net and pid namespaces and its root: it is PID 3 there (NSpid: $FIXTURE 3)" ]
}

@test "labs: 09 checker 'joined' fails without -u or -n" {
	container 9025
	fixture 9026 ns-enter -q -t "$C" -m -n -p -r
	run "$CHECK" joined "$C" "$FIXTURE"
	[ "$status" -eq 1 ]
	[[ "${lines[0]}" == "process $FIXTURE is not in the container's uts namespace"* ]]
	[[ "${lines[1]}" == "hint: add -u"* ]]
	fixture 9027 ns-enter -q -t "$C" -m -u -p -r
	run "$CHECK" joined "$C" "$FIXTURE"
	[ "$status" -eq 1 ]
	[[ "${lines[0]}" == "process $FIXTURE is not in the container's net namespace"* ]]
	[[ "${lines[1]}" == "hint: add -n"* ]]
}

@test "labs: 09 checker 'joined' fails without -r where the container is chroot'ed" {
	# A container chroot'ed inside its mount namespace: there, -m alone
	# leaves the joiner at the namespace's root, the host's files.
	fixture 9031 ns-unshare -q -m -u -n -p -f --kill-child --mount-proc -R "$ROOT"
	C=$FIXTURE
	fixture 9032 ns-enter -q -t "$C" -m -u -n -p
	run "$CHECK" joined "$C" "$FIXTURE"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "process $FIXTURE's root directory is not the container's" ]
	[[ "${lines[1]}" == "hint: add -r: take the container's root directory"* ]]
	fixture 9033 ns-enter -q -t "$C" -m -u -n -p -r
	run "$CHECK" joined "$C" "$FIXTURE"
	[ "$status" -eq 0 ]
}

@test "labs: 09 checker 'joined' fails on root joining a rootless container without -U" {
	rootless_container 9041
	fixture 9042 ns-enter -q -t "$C" -m -u -n -p -r
	run "$CHECK" joined "$C" "$FIXTURE"
	[ "$status" -eq 1 ]
	[[ "${lines[0]}" == "process $FIXTURE is not in the container's user namespace (user:["* ]]
	[ "${lines[1]}" = "hint: it runs as the host's root, with all the host's privileges, inside the container's other namespaces: join its user namespace too (-U)" ]
	# Nobody cannot even get that far without -U.
	run --separate-stderr as_nobody ns-enter -t "$C" -m -u -n -p -r -- true
	[ "$status" -eq 1 ]
	[ "${stderr_lines[0]}" = "ns-enter: setns(fd of /proc/$C/ns/mnt): Operation not permitted" ]
	[[ "${stderr_lines[1]}" == "ns-enter: hint: joining a namespace needs CAP_SYS_ADMIN in the user namespace that owns it: add -U"* ]]
	# Control: its owner joins, user namespace included.
	fixture 9043 as_nobody ns-enter -q -t "$C" -U -m -u -n -p -r
	run "$CHECK" joined "$C" "$FIXTURE"
	[ "$status" -eq 0 ]
	[ "$output" = "process $FIXTURE shares the container's user, mnt, uts, net and pid namespaces and its root: it is PID 3 there (NSpid: $FIXTURE 3); uid 0 there, uid 65534 on the host" ]
}

@test "labs: 09 checker names a missing process and refuses bad usage" {
	run "$CHECK" netup ""
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "no process found for the container" ]
	container 9051
	run "$CHECK" joined "$C" ""
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "no process found for the process started inside it" ]
	run "$CHECK" joined "$C"
	[ "$status" -eq 2 ]
	run "$CHECK" bogus 1
	[ "$status" -eq 2 ]
}
