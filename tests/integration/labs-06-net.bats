#!/usr/bin/env bats
# Lab 06 (network namespaces): it passes in --ci mode and leaves nothing
# behind, also when interrupted; each checker fails, with the right hint,
# on a state where the student did it wrong.  Every link, address and
# packet here is inside a namespace a fixture made; the host's network is
# only read.

load helpers

CHECK=$BATS_TEST_DIRNAME/../../labs/06-net/check

setup() { common_setup; }

teardown() {
	kill_fixtures
	common_teardown
}


# Run a command in PID's network namespace.
in_net() {
	local pid=$1
	shift
	ns-enter -q -t "$pid" -n "$@"
}

leftovers() {
	find /tmp -maxdepth 1 -name 'ctk-lab.*' | wc -l
	pgrep -f -x "(/bin/)?sleep 600[1-3]" | wc -l
	mount_table | md5sum
	ip -o link | awk '{ print $2, $3 }'
	find /run/netns -mindepth 1 2>/dev/null | wc -l
}

@test "labs: 06-net passes in --ci mode and leaves nothing behind [vm]" {
	before=$(leftovers)
	run env NO_COLOR=1 "$TOP/labs/06-net/lab" --ci
	[ "$status" -eq 0 ]
	[[ "$output" == *"ns-unshare: net "*": 1 interface(s): lo (DOWN)"* ]]
	[[ "$output" == *"PASS process "*"'s network namespace (net:["*"]) holds only lo, DOWN; the host's"* ]]
	[[ "$output" == *"ping: sendto: Network is unreachable"* ]]
	[[ "$output" == *"1 packets transmitted, 1 packets received"* ]]
	[[ "$output" == *"PASS lo in process "*" is UP with 127.0.0.1/8 and has received 2 packet(s)"* ]]
	[[ "$output" == *"PASS process "*" is in process "*"'s network namespace (net:["*"]): the same lo, UP, with the same counters"* ]]
	[[ "$output" == *"PASS 06-net: every check passed"* ]]
	[ "$(leftovers)" = "$before" ]
}

@test "labs: 06-net cleans up when interrupted" {
	before=$(leftovers)
	"$TOP/labs/06-net/lab" --ci >/dev/null 2>&1 &
	lab=$!
	for ((i = 0; i < 100; i++)); do
		pgrep -f -x "sleep 6002" >/dev/null && break
		sleep 0.1
	done
	pgrep -f -x "sleep 6002" >/dev/null
	kill -TERM "$lab"
	status=0
	wait "$lab" || status=$?
	[ "$status" -eq 130 ]
	[ "$(leftovers)" = "$before" ]
}

@test "labs: 06 checker 'isolated' fails on a host process, with the hint" {
	fixture 6901
	[ -n "$FIXTURE" ]
	run "$CHECK" isolated "$FIXTURE"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "process $FIXTURE shares the host's network namespace (it sees $(awk -F: 'NR > 2 { gsub(/ /, "", $1); print $1 }' /proc/net/dev | paste -sd' ' -))" ]
	[ "${lines[1]}" = "hint: start it with ns-unshare -n: a network namespace of its own" ]
}

@test "labs: 06 checker 'isolated' fails on a namespace with more than lo, then passes" {
	# A veth pair made inside a fresh namespace: both ends stay there.
	fixture 6902 unshare -n sh -c \
		'ip link add ctk0 type veth peer name ctk1 && exec "$@"' sh
	[ -n "$FIXTURE" ]
	run "$CHECK" isolated "$FIXTURE"
	[ "$status" -eq 1 ]
	[[ "${lines[0]}" == "process $FIXTURE's network namespace holds more than lo: ctk"?" ctk"? ]]
	[ "${lines[1]}" = "hint: a new network namespace holds only lo; these were added to it: start a fresh one (ns-unshare -n sleep 6001)" ]
	run ! ip link show ctk0
	# Control: a fresh namespace.
	fixture 6903 ns-unshare -q -n
	[ -n "$FIXTURE" ]
	run "$CHECK" isolated "$FIXTURE"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "process $FIXTURE's network namespace (net:["*"]) holds only lo, DOWN; the host's (net:["*"]) holds "*" interface(s)" ]]
}

@test "labs: 06 checker 'up' fails on a host process and on lo still down" {
	fixture 6911
	[ -n "$FIXTURE" ]
	run "$CHECK" up "$FIXTURE"
	[ "$status" -eq 1 ]
	[[ "${lines[0]}" == "process $FIXTURE shares the host's network namespace"* ]]
	[ "${lines[1]}" = "hint: start it with ns-unshare -n: a network namespace of its own; there, 'ip link set lo up' changes the host's own lo" ]
	fixture 6912 ns-unshare -q -n
	[ -n "$FIXTURE" ]
	run "$CHECK" up "$FIXTURE"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "lo in process $FIXTURE's network namespace is DOWN" ]
	[ "${lines[1]}" = "hint: bring it up from inside: ns-enter -t $FIXTURE -n ip link set lo up ('ip link set lo up' alone acts on your own namespace, the host's)" ]
}

@test "labs: 06 checker 'up' fails without 127.0.0.1 or traffic, then passes" {
	fixture 6913 ns-unshare -q -n
	[ -n "$FIXTURE" ]
	in_net "$FIXTURE" ip link set lo up
	in_net "$FIXTURE" ip addr del 127.0.0.1/8 dev lo
	run "$CHECK" up "$FIXTURE"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "lo in process $FIXTURE's network namespace is UP but has no 127.0.0.1/8" ]
	[ "${lines[1]}" = "hint: the kernel adds 127.0.0.1/8 when lo comes up; put it back: ns-enter -t $FIXTURE -n ip addr add 127.0.0.1/8 dev lo" ]
	in_net "$FIXTURE" ip addr add 127.0.0.1/8 dev lo
	run "$CHECK" up "$FIXTURE"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "nothing has crossed lo in process $FIXTURE's network namespace yet (/proc/$FIXTURE/net/dev: 0 packets)" ]
	[ "${lines[1]}" = "hint: ping 127.0.0.1 once from inside: ns-enter -t $FIXTURE -n busybox ping -c 1 127.0.0.1" ]
	# Control: one ping to its own loopback, two packets on its lo.
	in_net "$FIXTURE" busybox ping -c 1 -W 1 127.0.0.1 >/dev/null
	run "$CHECK" up "$FIXTURE"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "lo in process $FIXTURE's network namespace (net:[$(stat -L -c %i "/proc/$FIXTURE/ns/net")]) is UP with 127.0.0.1/8 and has received 2 packet(s) (/proc/$FIXTURE/net/dev)" ]
}

@test "labs: 06 checker 'joined' fails on a new namespace or the host's, then passes" {
	fixture 6921 ns-unshare -q -n
	[ -n "$FIXTURE" ]
	a=$FIXTURE
	in_net "$a" ip link set lo up
	fixture 6922 ns-unshare -q -n
	[ -n "$FIXTURE" ]
	run "$CHECK" joined "$a" "$FIXTURE"
	[ "$status" -eq 1 ]
	[[ "${lines[0]}" == "process $FIXTURE has a network namespace of its own (net:["*"]), not process $a's (net:["*"])" ]]
	[ "${lines[1]}" = "hint: ns-unshare -n makes a new namespace, with a lo of its own, down; ns-enter -t $a -n joins the existing one (setns(2))" ]
	fixture 6923
	[ -n "$FIXTURE" ]
	run "$CHECK" joined "$a" "$FIXTURE"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "process $FIXTURE is in the host's network namespace" ]
	[ "${lines[1]}" = "hint: join process $a's: ns-enter -t $a -n sleep 6003" ]
	run "$CHECK" joined "$FIXTURE" "$a"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "process $FIXTURE is in the host's network namespace" ]
	[[ "${lines[1]}" == "hint: 'sleep 6002' from exercise 2 must run in a network namespace of its own"* ]]
	# Control: joined with setns(2), it sees the same lo, up.
	fixture 6924 ns-enter -q -t "$a" -n
	[ -n "$FIXTURE" ]
	run "$CHECK" joined "$a" "$FIXTURE"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "process $FIXTURE is in process $a's network namespace (net:["*"]): the same lo, UP, with the same counters (0 packet(s) received)" ]]
}

@test "labs: 06 checker names a missing process; bad usage is status 2" {
	run "$CHECK" isolated ""
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "no process found for the process in a new network namespace (sleep 6001)" ]
	[[ "${lines[1]}" == "hint: start it in the background (&)"* ]]
	run "$CHECK" bogus 1
	[ "$status" -eq 2 ]
	run "$CHECK" joined 1
	[ "$status" -eq 2 ]
}
