#!/usr/bin/env bats
# Lab 19 (two hosts): it passes in --ci mode and leaves nothing behind,
# also when interrupted; each checker fails, with the right hint, on a
# state where the student did it wrong, and passes on the right one.
# The lab runs in a stand-in host of its own (labs/lib/net.sh); every
# fixture here is built, and checked, in a scratch `unshare --net --mount`
# host with its own tmpfs /run: the real host's network is only read.

load helpers

CHECK=$BATS_TEST_DIRNAME/../../labs/19-two-hosts/check

setup() {
	common_setup
	HOST_BEFORE=$(host_net_state)
}

teardown() {
	[ "$(host_net_state)" = "$HOST_BEFORE" ]
	common_teardown
}

# The real host's links and named namespaces (must not change).
host_net_state() {
	ip -o link | awk -F': ' '{ print $2 }' | sort
	find /run/netns -mindepth 1 2>/dev/null | sort
}

leftovers() {
	find /tmp -maxdepth 1 -name 'ctk-lab.*' | wc -l
	mount_table | md5sum
	host_net_state
	pgrep -f 'netns-veth .*(hosta|hostb|a1|b1)( |$)' | wc -l
}

# What every fixture script may use (scratch_net adds ck): two_hosts and
# pods build exercises 1 and 2 as the lab does.
PRELUDE='
two_hosts() { netns-veth -q bridge lan hosta hostb --subnet 198.18.100.0/24; }
pods() {
	netns-veth -q exec hosta -- netns-veth -q bridge bra a1 a2 --subnet 198.18.1.0/24
	netns-veth -q exec hostb -- netns-veth -q bridge brb b1 b2 --subnet 198.18.2.0/24
}
forwarding() { netns-veth exec "$1" -- sysctl -qw "net.ipv4.ip_forward=$2"; }
'


@test "labs: 19-two-hosts passes in --ci mode and leaves nothing behind [vm]" {
	before=$(leftovers)
	run env NO_COLOR=1 "$TOP/labs/19-two-hosts/lab" --ci
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"PASS hosta (198.18.100.2) and hostb (198.18.100.3) are ports of the LAN switch ctk-lan (198.18.100.1/24) in the stand-in host; hosta reaches hostb"* ]]
	# Without routes: a1 reaches a2 on its bridge, not b1 on the other host.
	[[ "$output" == *"# netns-veth exec a1 -- busybox ping -c 1 -W 2 198.18.1.3"*"1 packets transmitted, 1 packets received"*"# netns-veth exec a1 -- busybox ping -c 1 -W 2 198.18.2.2"*"1 packets transmitted, 0 packets received"* ]]
	[[ "$output" == *"198.18.2.2 via 198.18.100.1 dev eth0 src 198.18.100.2"* ]]
	[[ "$output" == *"PASS hosta holds ctk-bra (198.18.1.0/24) with a1 (198.18.1.2) and a2 (198.18.1.3), hostb holds ctk-brb (198.18.2.0/24) with b1 (198.18.2.2) and b2 (198.18.2.3); containers on one bridge reach each other; hosta has no route to 198.18.2.0/24: it would send b1 (198.18.2.2) to 198.18.100.1 (its default route)"* ]]
	# One route: hostb answers a1, and its answer goes to the default route.
	# (hostb has answered 2 echo requests before: exercise 1 and its check.)
	[[ "$output" == *"IcmpInEchos                     2 "*"IcmpOutEchoReps                 2 "*"# netns-veth exec a1 -- busybox ping -c 1 -W 2 198.18.100.3"*"1 packets transmitted, 0 packets received"*"IcmpInEchos                     3 "*"IcmpOutEchoReps                 3 "* ]]
	[[ "$output" == *"198.18.1.2 via 198.18.100.1 dev eth0 src 198.18.100.3"* ]]
	[[ "$output" == *" bytes from 198.18.1.2:"*" to 198.18.2.2:5201 in "*" s: "*" Mbit/s"* ]]
	[[ "$output" == *"PASS a1 (198.18.1.2) and b1 (198.18.2.2) reach each other both ways: hosta routes 198.18.2.0/24 via hostb (198.18.100.3), hostb routes 198.18.1.0/24 via hosta (198.18.100.2), ip_forward 1 on both"* ]]
	[[ "$output" == *" 1  198.18.1.1 "*" 2  198.18.100.3 "*" 3  198.18.2.2 "* ]]
	[[ "$output" == *"PASS a1 -> b1: 198.18.1.1 (hosta, answering from its bridge ctk-bra) -> 198.18.100.3 (hostb, across ctk-lan) -> 198.18.2.2 (b1); b1 -> a1: 198.18.2.1 (hostb) -> 198.18.100.2 (hosta) -> 198.18.1.2 (a1); the switch ctk-lan is no hop"* ]]
	[[ "$output" == *"PASS 19-two-hosts: every check passed"* ]]
	[ "$(leftovers)" = "$before" ]
}

@test "labs: 19-two-hosts cleans up when interrupted" {
	assert_net_lab_interrupted 19-two-hosts "2\\. Containers inside each machine"
}

@test "labs: 19 checker 'lan' fails without the machines or without one switch, then passes" {
	run --separate-stderr scratch_net "$PRELUDE"'
		ck lan
		# Two machines each on a cable of its own: no LAN between them.
		netns-veth -q add hosta --subnet 198.18.100.0/24
		netns-veth -q add hostb --subnet 198.18.101.0/24
		ck lan
		netns-veth del hosta hostb
		# Control: both on the switch ctk-lan.
		two_hosts
		ck lan
		netns-veth -q del --all'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "no namespace ctk-hosta (/run/netns/ctk-hosta): the machine hosta does not exist" ]
	[ "${lines[1]}" = "hint: make the two machines on one LAN switch first: netns-veth bridge lan hosta hostb --subnet 198.18.100.0/24" ]
	[ "${lines[2]}" = "status 1" ]
	[ "${lines[3]}" = "no bridge ctk-lan in the stand-in host: hosta and hostb are not on one LAN" ]
	[ "${lines[4]}" = "hint: machines made with 'add' each get a cable of their own to the stand-in host: delete them (netns-veth del hosta hostb) and plug both into one switch: netns-veth bridge lan hosta hostb --subnet 198.18.100.0/24" ]
	[ "${lines[5]}" = "status 1" ]
	[ "${lines[6]}" = "hosta (198.18.100.2) and hostb (198.18.100.3) are ports of the LAN switch ctk-lan (198.18.100.1/24) in the stand-in host; hosta reaches hostb" ]
	[ "${lines[7]}" = "status 0" ]
}

@test "labs: 19 checker 'pods' fails on a bridge made outside the machine or one subnet for both, then passes" {
	run --separate-stderr scratch_net "$PRELUDE"'
		two_hosts
		ck pods
		# netns-veth run in the stand-in host instead of inside hosta.
		netns-veth -q bridge bra a1 a2 --subnet 198.18.1.0/24
		ck pods
		netns-veth del bra a1 a2
		# The default subnet on both machines.
		netns-veth -q exec hosta -- netns-veth -q bridge bra a1 a2
		netns-veth -q exec hostb -- netns-veth -q bridge brb b1 b2
		ck pods
		netns-veth exec hosta -- netns-veth del bra a1 a2
		netns-veth exec hostb -- netns-veth del brb b1 b2
		# Control: a subnet of its own on each machine.
		pods
		ck pods
		netns-veth -q del --all'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "hosta has no bridge ctk-bra" ]
	[ "${lines[1]}" = "hint: run netns-veth inside the machine, with exec: netns-veth exec hosta -- netns-veth bridge bra a1 a2 --subnet 198.18.1.0/24" ]
	[ "${lines[2]}" = "status 1" ]
	[ "${lines[3]}" = "ctk-bra is in the stand-in host's network namespace, not inside hosta" ]
	[ "${lines[4]}" = "hint: netns-veth ran in the stand-in host, the LAN switch's machine: delete it (netns-veth del bra a1 a2) and make it from inside hosta: netns-veth exec hosta -- netns-veth bridge bra a1 a2 --subnet 198.18.1.0/24" ]
	[ "${lines[5]}" = "status 1" ]
	[ "${lines[6]}" = "hosta and hostb both put their containers on 198.18.0.0/24" ]
	[[ "${lines[7]}" == "hint: each machine needs a container subnet of its own (a Kubernetes node's podCIDR): a route on hosta to 198.18.0.0/24 could never lead to hostb"* ]]
	[ "${lines[8]}" = "status 1" ]
	[ "${lines[9]}" = "hosta holds ctk-bra (198.18.1.0/24) with a1 (198.18.1.2) and a2 (198.18.1.3), hostb holds ctk-brb (198.18.2.0/24) with b1 (198.18.2.2) and b2 (198.18.2.3); containers on one bridge reach each other; hosta has no route to 198.18.2.0/24: it would send b1 (198.18.2.2) to 198.18.100.1 (its default route)" ]
	[ "${lines[10]}" = "status 0" ]
}

@test "labs: 19 checker 'routes' fails with no route or only one way routed (replies lost), naming the return route" {
	run --separate-stderr scratch_net "$PRELUDE"'
		two_hosts
		pods
		ck routes
		# The route on hosta only, as a student adds it first; hostb
		# does not forward (new namespaces copy the real host'"'"'s
		# ip_forward: make it 0 whatever that is).
		forwarding hostb 0
		netns-veth -q exec hosta -- netns-veth -q route add 198.18.2.0/24 via 198.18.100.3
		ck routes
		# hostb forwards, but still has no route back: replies lost.
		forwarding hostb 1
		ck routes
		# The mirror case: the route on hostb only.
		netns-veth -q exec hosta -- netns-veth -q route del 198.18.2.0/24
		forwarding hosta 1
		netns-veth -q exec hostb -- netns-veth -q route add 198.18.1.0/24 via 198.18.100.2
		ck routes
		netns-veth -q del --all'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "neither machine routes the other's containers: hosta has no route to 198.18.2.0/24: its default route sends it to 198.18.100.1, the LAN, which knows no such network; hostb has no route to 198.18.1.0/24: its default route sends it to 198.18.100.1, the LAN, which knows no such network" ]
	[ "${lines[1]}" = "hint: each machine needs a route to the other's container subnet via the other's LAN address: netns-veth exec hosta -- netns-veth route add 198.18.2.0/24 via 198.18.100.3; and the mirror on hostb: netns-veth exec hostb -- netns-veth route add 198.18.1.0/24 via 198.18.100.2" ]
	[ "${lines[2]}" = "status 1" ]
	[ "${lines[3]}" = "only one way is routed: hosta sends 198.18.2.0/24 via hostb (198.18.100.3), but hostb has no route to 198.18.1.0/24: its default route sends it to 198.18.100.1, the LAN, which knows no such network; a1's echo request did not reach b1 either (hostb's ip_forward is 0)" ]
	[ "${lines[4]}" = "hint: replies travel back through hostb's own routing table: add the return route on hostb: netns-veth exec hostb -- netns-veth route add 198.18.1.0/24 via 198.18.100.2" ]
	[ "${lines[5]}" = "status 1" ]
	[ "${lines[6]}" = "only one way is routed: hosta sends 198.18.2.0/24 via hostb (198.18.100.3), but hostb has no route to 198.18.1.0/24: its default route sends it to 198.18.100.1, the LAN, which knows no such network; a1's echo request reached b1, which answered (Icmp OutEchoReps 0 -> 1), but the reply never came back" ]
	[ "${lines[7]}" = "${lines[4]}" ]
	[ "${lines[8]}" = "status 1" ]
	[ "${lines[9]}" = "only one way is routed: hostb sends 198.18.1.0/24 via hosta (198.18.100.2), but hosta has no route to 198.18.2.0/24: its default route sends it to 198.18.100.1, the LAN, which knows no such network; b1's echo request reached a1, which answered (Icmp OutEchoReps 0 -> 1), but the reply never came back" ]
	[ "${lines[10]}" = "hint: replies travel back through hosta's own routing table: add the return route on hosta: netns-veth exec hosta -- netns-veth route add 198.18.2.0/24 via 198.18.100.3" ]
	[ "${lines[11]}" = "status 1" ]
}

@test "labs: 19 checker 'routes' fails with forwarding off on a host, then passes" {
	run --separate-stderr scratch_net "$PRELUDE"'
		two_hosts
		pods
		netns-veth -q exec hosta -- netns-veth -q route add 198.18.2.0/24 via 198.18.100.3
		netns-veth -q exec hostb -- netns-veth -q route add 198.18.1.0/24 via 198.18.100.2
		forwarding hostb 0
		ck routes
		# Control: forwarding back on.
		forwarding hostb 1
		ck routes
		netns-veth -q del --all'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "forwarding is off on hostb (net.ipv4.ip_forward = 0 in ctk-hostb): it drops every packet that is not for one of its own addresses" ]
	[ "${lines[1]}" = "hint: a machine passes packets between its LAN (eth0) and its containers' bridge only as a router: netns-veth exec hostb -- sysctl -w net.ipv4.ip_forward=1 (netns-veth route add turns it on)" ]
	[ "${lines[2]}" = "status 1" ]
	[ "${lines[3]}" = "a1 (198.18.1.2) and b1 (198.18.2.2) reach each other both ways: hosta routes 198.18.2.0/24 via hostb (198.18.100.3), hostb routes 198.18.1.0/24 via hosta (198.18.100.2), ip_forward 1 on both" ]
	[ "${lines[4]}" = "status 0" ]
}

@test "labs: 19 checker 'path' fails where traceroute gets nowhere, then passes" {
	run --separate-stderr scratch_net "$PRELUDE"'
		two_hosts
		pods
		# No machine forwards (whatever the real host'"'"'s ip_forward).
		forwarding hosta 0
		forwarding hostb 0
		ck path
		netns-veth -q exec hosta -- netns-veth -q route add 198.18.2.0/24 via 198.18.100.3
		netns-veth -q exec hostb -- netns-veth -q route add 198.18.1.0/24 via 198.18.100.2
		ck path
		netns-veth -q del --all'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "traceroute from a1 to b1 (198.18.2.2) went: * * * *; expected: 198.18.1.1 198.18.100.3 198.18.2.2" ]
	[[ "${lines[1]}" == "hint: a1's host, then the other host across the LAN, then b1: that takes a route on each machine"* ]]
	[ "${lines[2]}" = "status 1" ]
	[ "${lines[3]}" = "a1 -> b1: 198.18.1.1 (hosta, answering from its bridge ctk-bra) -> 198.18.100.3 (hostb, across ctk-lan) -> 198.18.2.2 (b1); b1 -> a1: 198.18.2.1 (hostb) -> 198.18.100.2 (hosta) -> 198.18.1.2 (a1); the switch ctk-lan is no hop" ]
	[ "${lines[4]}" = "status 0" ]
}

@test "labs: 19 checker: bad usage is status 2" {
	run "$CHECK" bogus
	[ "$status" -eq 2 ]
	[ "$output" = "check: unknown check 'bogus' (lan, pods, routes, path)" ]
	run "$CHECK"
	[ "$status" -eq 2 ]
	[ "$output" = "usage: check lan|pods|routes|path" ]
}
