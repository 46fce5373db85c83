#!/usr/bin/env bats
# Lab 18 (bandwidth limits): it passes in --ci mode and leaves nothing
# behind, also when interrupted; each checker fails, with the right hint,
# on a state where the student did it wrong, and passes on the right one.
# The lab runs in its own stand-in host; every fixture here runs, with the
# checker, in a scratch `unshare --net --mount` host: the real host's
# links and qdiscs are only read.

load helpers

CHECK=$BATS_TEST_DIRNAME/../../labs/18-bandwidth/check

setup() { common_setup; }
teardown() { common_teardown; }

# What the lab must leave as it found it on the real host.
leftovers() {
	find /tmp -maxdepth 1 -name 'ctk-lab.*' | wc -l
	mount_table | md5sum
	ip -o link | awk -F': ' '{ print $2 }' | sort
	find /run/netns -mindepth 1 2>/dev/null | wc -l
	tc qdisc show | md5sum
}


# The rates of the "131072 bytes from ..." lines in $1, in bit/s.
rates() {
	awk '/^131072 bytes from / { printf "%.0f\n", $(NF - 1) * 1e6 }' <<<"$1"
}

@test "labs: 18-bandwidth passes in --ci mode and leaves nothing behind [vm]" {
	before=$(leftovers)
	run env NO_COLOR=1 "$TOP/labs/18-bandwidth/lab" --ci
	echo "$output"
	[ "$status" -eq 0 ]
	# No network controller in v2; net_cls and net_prio are v1's.
	cg2=$(awk '{ for (i = 7; $i != "-"; i++); if ($(i + 1) == "cgroup2") { print $5; exit } }' /proc/self/mountinfo)
	[[ "$output" == *"# cat $cg2/cgroup.controllers "$'\n'"$(cat "$cg2/cgroup.controllers")"$'\n'* ]]
	[[ "$(cat "$cg2/cgroup.controllers")" != *net* ]]
	[[ "$output" =~ \#\ cat\ /proc/cgroups.*\#subsys_name.*net_cls ]]
	[[ "$output" =~ qdisc\ noqueue\ 0:\ root ]]
	[[ "$output" =~ qdisc\ tbf\ [0-9a-f]+:\ root\ refcnt\ [0-9]+\ rate\ 1Mbit ]]
	[[ "$output" =~ overlimits\ [1-9][0-9]*\  ]]
	[[ "$output" == *"PASS a is unlimited: qdisc noqueue on ctk-a and noqueue on eth0 inside; 128K out of a at "* ]]
	[[ "$output" == *"PASS a is held to 1Mbit: tbf on ctk-a and on eth0 inside; 128K out of a in "*"; overlimits "*" on eth0, "*" on ctk-a"* ]]
	[[ "$output" == *"PASS 18-bandwidth: every check passed"* ]]
	# Five transfers: two fast, two held to about 1 Mbit/s, one fast.
	mapfile -t r < <(rates "$output")
	[ "${#r[@]}" -eq 5 ]
	[ "${r[0]}" -gt 20000000 ] && [ "${r[1]}" -gt 20000000 ]
	[ "${r[2]}" -lt 1300000 ] && [ "${r[2]}" -gt 300000 ]
	[ "${r[3]}" -lt 1300000 ] && [ "${r[3]}" -gt 300000 ]
	[ "${r[4]}" -gt 20000000 ]
	[ "$(leftovers)" = "$before" ]
}

@test "labs: 18-bandwidth cleans up when interrupted" {
	assert_net_lab_interrupted 18-bandwidth "netns-veth limit a 1mbit"
}

@test "labs: 18 checker 'limited' fails unlimited, on one end only, too fast; then passes" {
	run --separate-stderr scratch_net '
		netns-veth -q add a
		ck limited a 1mbit
		# By hand on the host end only: into a is held, out of it is not.
		tc qdisc add dev ctk-a root tbf rate 1mbit burst 4kb latency 400ms
		ck limited a 1mbit
		tc qdisc del dev ctk-a root
		# Megabytes for megabits: 8 times the rate.
		netns-veth -q limit a 1mbps
		ck limited a 1mbit
		netns-veth -q limit a 1mbit
		ck limited a 1mbit
		netns-veth -q del a'
	echo "$output"
	echo "$stderr"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "no tbf on ctk-a (the host end: traffic into a): that direction is unlimited" ]
	[ "${lines[1]}" = "hint: netns-veth limit a 1mbit puts a tbf qdisc on both ends of a's veth (tc -s qdisc show dev ctk-a shows it)" ]
	[ "${lines[2]}" = "status 1" ]
	[ "${lines[3]}" = "no tbf on eth0 inside a (traffic out of a): that direction is unlimited" ]
	[ "${lines[4]}" = "hint: a qdisc shapes only what its device sends: the host end's tbf holds traffic into a, eth0's would hold what a sends; netns-veth limit a 1mbit puts one on each end" ]
	[ "${lines[5]}" = "status 1" ]
	[ "${lines[6]}" = "ctk-a (the host end: traffic into a) is held to 8Mbit, not 1Mbit" ]
	[ "${lines[7]}" = "hint: tc's units: mbit is megabits, mbps megabytes per second (8 times more); set it again: netns-veth limit a 1mbit" ]
	[ "${lines[8]}" = "status 1" ]
	# Control: both ends at 1mbit, both directions held to it.
	[[ "${lines[9]}" =~ ^a\ is\ held\ to\ 1Mbit:\ tbf\ on\ ctk-a\ and\ on\ eth0\ inside\;\ 128K\ out\ of\ a\ in\ [0-9.]+\ s\ \([0-9.]+[KM]bit/s\),\ into\ it\ in\ [0-9.]+\ s\ \([0-9.]+[KM]bit/s\)\;\ overlimits\ [1-9][0-9]*\ on\ eth0,\ [1-9][0-9]*\ on\ ctk-a$ ]]
	[ "${lines[10]}" = "status 0" ]
}

@test "labs: 18 checker 'unlimited' fails with a tbf left inside, then passes" {
	run --separate-stderr scratch_net '
		netns-veth -q add a
		netns-veth -q limit a 1mbit
		ck unlimited a
		# Off by hand on the host end only.
		tc qdisc del dev ctk-a root
		ck unlimited a
		netns-veth -q limit a off
		ck unlimited a
		netns-veth -q del a'
	echo "$output"
	echo "$stderr"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "ctk-a (the host end: traffic into a) is still held to 1Mbit by a tbf qdisc" ]
	[ "${lines[1]}" = "hint: netns-veth limit a off removes the tbf from both ends; by hand: tc qdisc del dev ctk-a root" ]
	[ "${lines[2]}" = "status 1" ]
	[ "${lines[3]}" = "eth0 inside a (traffic out of a) is still held to 1Mbit by a tbf qdisc" ]
	[ "${lines[4]}" = "hint: netns-veth limit a off removes the tbf from both ends; by hand: tc -n ctk-a qdisc del dev eth0 root" ]
	[ "${lines[5]}" = "status 1" ]
	# Control: off, both ends back to noqueue and fast.
	[[ "${lines[6]}" =~ ^a\ is\ unlimited:\ qdisc\ noqueue\ on\ ctk-a\ and\ noqueue\ on\ eth0\ inside\;\ 128K\ out\ of\ a\ at\ [0-9.]+[MG]bit/s,\ into\ it\ at\ [0-9.]+[MG]bit/s$ ]]
	[ "${lines[7]}" = "status 0" ]
}

@test "labs: 18 checker names a missing container; bad usage is status 2" {
	run --separate-stderr scratch_net 'ck limited a 1mbit'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "no namespace ctk-a with its veth (/run/netns/ctk-a, link ctk-a)" ]
	[ "${lines[1]}" = "hint: make it: netns-veth add a" ]
	[ "${lines[2]}" = "status 1" ]
	run "$CHECK" bogus a
	[ "$status" -eq 2 ]
	run "$CHECK" limited a
	[ "$status" -eq 2 ]
	run "$CHECK" limited a fast
	[ "$status" -eq 2 ]
}
