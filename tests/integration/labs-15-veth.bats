#!/usr/bin/env bats
# Lab 15 (a veth pair, step by step): it passes in --ci mode and leaves
# nothing behind, also when interrupted; each checker fails, with the
# right hint, on a state where the wiring is wrong, and passes once it is
# right.  The lab wires everything in its own stand-in host (lab_net_host);
# every checker fixture here runs in a scratch `unshare --net --mount`
# host with its own tmpfs /run, so the real host's network is only read.

load helpers

CHECK=$BATS_TEST_DIRNAME/../../labs/15-veth/check
export CHECK

setup() { common_setup; }
teardown() { common_teardown; }

# What the lab could leave on the real host: temp dirs, mounts, links,
# named namespaces.
leftovers() {
	find /tmp -maxdepth 1 -name 'ctk-lab.*' | wc -l
	mount_table | md5sum
	ip -o link | awk '{ print $2, $3 }'
	find /run/netns -mindepth 1 2>/dev/null | wc -l
}


@test "labs: 15-veth passes in --ci mode and leaves nothing behind [vm]" {
	before=$(leftovers)
	run env NO_COLOR=1 "$TOP/labs/15-veth/lab" --ci
	echo "$output"
	[ "$status" -eq 0 ]
	# 1: the narrated messages, and the pair seen from both sides.
	[[ "$output" == *'nl_talk(RTM_NEWLINK NLM_F_REQUEST|NLM_F_ACK|NLM_F_CREATE|NLM_F_EXCL ifi_index=0 IFLA_IFNAME="ctk-a" IFLA_LINKINFO{ IFLA_INFO_KIND="veth" IFLA_INFO_DATA{ VETH_INFO_PEER{ ifi_index=0 IFLA_IFNAME="eth0" IFLA_NET_NS_FD='* ]]
	[[ "$output" == *"nl_talk(RTM_NEWADDR "*"IFA_LOCAL=198.18.0.2 IFA_ADDRESS=198.18.0.2) = 0: eth0 has 198.18.0.2/24"* ]]
	[[ "$output" == *"nl_talk(RTM_NEWROUTE "*"RTA_GATEWAY=198.18.0.1 RTA_OIF=2) = 0: default route via 198.18.0.1"* ]]
	[[ "$output" == *"ctk-a (id: 0)"* ]]
	[[ "$output" == *"PASS ctk-a (ifindex 2, 198.18.0.1/24) on the host and eth0 (ifindex 2, 198.18.0.2/24) in ctk-a are one veth pair: ctk-a@if2, eth0@if2; link-netnsid 0 is ctk-a"* ]]
	# 2: by hand; both ends first on the host, then one moved.
	[[ "$output" == *": ctk-b@ctk-b-in: <BROADCAST,MULTICAST,M-DOWN>"* ]]
	[[ "$output" == *": ctk-b@if3: <BROADCAST,MULTICAST>"*"link-netns ctk-b"* ]]
	[[ "$output" == *"eth0@if4: <NO-CARRIER,BROADCAST,MULTICAST,UP>"* ]]
	[[ "$output" == *"ping: sendto: Network is unreachable"* ]]
	[[ "$output" == *"64 bytes from 198.18.0.1: seq=0"* ]]
	[[ "$output" == *"PASS ctk-b (ifindex 4, 198.18.1.1/24) on the host and eth0 (ifindex 3, 198.18.1.2/24) in ctk-b are one veth pair: ctk-b@if3, eth0@if4, both UP; default route via 198.18.1.1; ctk-b reaches 198.18.1.1 and 198.18.0.1 (via the default route)"* ]]
	# 3: the two breaks, each named by the checker, then repaired.
	[[ "$output" == *"1 packets transmitted, 0 packets received, 100% packet loss"* ]]
	[[ "$output" == *"ctk-c on the host is DOWN, so eth0 in ctk-c has no carrier (NO-CARRIER)"$'\n'"hint: a veth has carrier only when both ends are up: ip link set ctk-c up"* ]]
	[[ "$output" == *"ctk-c has no default route: it reaches only 198.18.2.2/24, on its link"$'\n'"hint: add one via the host end: ip -n ctk-c route add default via 198.18.2.1"* ]]
	[[ "$output" == *"PASS ctk-c (ifindex 5, 198.18.2.1/24) on the host and eth0 (ifindex 2, 198.18.2.2/24) in ctk-c are one veth pair"*"ctk-c reaches 198.18.2.1 and 198.18.0.1 (via the default route)"* ]]
	[[ "$output" == *"PASS 15-veth: every check passed"* ]]
	[ "$(leftovers)" = "$before" ]
}

@test "labs: 15-veth cleans up when interrupted" {
	assert_net_lab_interrupted 15-veth "^== 2\\. "
}

@test "labs: 15 checker 'pair' fails with both ends on the host, or no addresses, then passes" {
	run --separate-stderr scratch_net '
		ip netns add ctk-b
		ip link add ctk-b type veth peer name ctk-b-in
		"$CHECK" pair b 198.18.1.1/24 198.18.1.2/24 || echo "status $?"
		ip link set ctk-b-in netns ctk-b
		ip -n ctk-b link set ctk-b-in name eth0
		"$CHECK" pair b 198.18.1.1/24 198.18.1.2/24 || echo "status $?"
		ip addr add 198.18.1.1/24 dev ctk-b
		"$CHECK" pair b 198.18.1.1/24 198.18.1.2/24 || echo "status $?"
		# The address given on the host instead of inside.
		ip addr add 198.18.1.2/24 dev ctk-b
		"$CHECK" pair b 198.18.1.1/24 198.18.1.2/24 || echo "status $?"
		ip addr del 198.18.1.2/24 dev ctk-b
		# Control: the inside end addressed from inside.
		ip -n ctk-b addr add 198.18.1.2/24 dev eth0
		"$CHECK" pair b 198.18.1.1/24 198.18.1.2/24
		netns-veth -q del --all'
	echo "$output$stderr"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "both ends of the pair are on the host: ctk-b and ctk-b-in (ctk-b@ctk-b-in)" ]
	[ "${lines[1]}" = "hint: move one end into the namespace: ip link set ctk-b-in netns ctk-b (then rename it there: ip -n ctk-b link set ctk-b-in name eth0)" ]
	[ "${lines[2]}" = "status 1" ]
	[ "${lines[3]}" = "ctk-b on the host has no IPv4 address, not 198.18.1.1/24" ]
	[ "${lines[4]}" = "hint: give the host end its address: ip addr add 198.18.1.1/24 dev ctk-b" ]
	[ "${lines[5]}" = "status 1" ]
	[ "${lines[6]}" = "eth0 in ctk-b has no IPv4 address, not 198.18.1.2/24" ]
	[ "${lines[7]}" = "hint: give the inside end its address, from inside: ip -n ctk-b addr add 198.18.1.2/24 dev eth0 ('ip addr add' alone looks for eth0 on the host)" ]
	[ "${lines[8]}" = "status 1" ]
	[ "${lines[9]}" = "198.18.1.2/24 is on ctk-b, the host end, not on eth0 in ctk-b" ]
	[ "${lines[10]}" = "hint: 'ip addr add ... dev ctk-b' acts on the host; move it: ip addr del 198.18.1.2/24 dev ctk-b; ip -n ctk-b addr add 198.18.1.2/24 dev eth0" ]
	[ "${lines[11]}" = "status 1" ]
	[[ "${lines[12]}" =~ ^ctk-b\ \(ifindex\ ([0-9]+),\ 198.18.1.1/24\)\ on\ the\ host\ and\ eth0\ \(ifindex\ ([0-9]+),\ 198.18.1.2/24\)\ in\ ctk-b\ are\ one\ veth\ pair:\ ctk-b@if([0-9]+),\ eth0@if([0-9]+)\;\ link-netnsid\ [0-9]+\ is\ ctk-b$ ]]
	# Each end names the other's ifindex.
	[ "${BASH_REMATCH[1]}" = "${BASH_REMATCH[4]}" ]
	[ "${BASH_REMATCH[2]}" = "${BASH_REMATCH[3]}" ]
	[ "${#lines[@]}" -eq 13 ]
}

@test "labs: 15 checker 'wired' fails on a link left down and a missing route, then passes" {
	run --separate-stderr scratch_net '
		netns-veth -q add a
		netns-veth -q add c --subnet 198.18.2.0/24
		ip -n ctk-c route del default
		ip link set ctk-c down
		"$CHECK" wired c 198.18.2.1/24 198.18.2.2/24 || echo "status $?"
		ip link set ctk-c up
		"$CHECK" wired c 198.18.2.1/24 198.18.2.2/24 || echo "status $?"
		# A default route, but via an address nobody holds.
		ip -n ctk-c route add default via 198.18.2.9
		"$CHECK" wired c 198.18.2.1/24 198.18.2.2/24 || echo "status $?"
		# Control: via the host end.
		ip -n ctk-c route replace default via 198.18.2.1
		"$CHECK" wired c 198.18.2.1/24 198.18.2.2/24
		netns-veth -q del a c'
	echo "$output$stderr"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "ctk-c on the host is DOWN, so eth0 in ctk-c has no carrier (NO-CARRIER)" ]
	[ "${lines[1]}" = "hint: a veth has carrier only when both ends are up: ip link set ctk-c up" ]
	[ "${lines[2]}" = "status 1" ]
	[ "${lines[3]}" = "ctk-c has no default route: it reaches only 198.18.2.2/24, on its link" ]
	[ "${lines[4]}" = "hint: add one via the host end: ip -n ctk-c route add default via 198.18.2.1" ]
	[ "${lines[5]}" = "status 1" ]
	[ "${lines[6]}" = "ctk-c's default route goes via 198.18.2.9, not the host end 198.18.2.1" ]
	[ "${lines[7]}" = "hint: replace it: ip -n ctk-c route replace default via 198.18.2.1" ]
	[ "${lines[8]}" = "status 1" ]
	[[ "${lines[9]}" == "ctk-c (ifindex "*", 198.18.2.1/24) on the host and eth0 (ifindex "*", 198.18.2.2/24) in ctk-c are one veth pair: ctk-c@if"*", eth0@if"*", both UP; default route via 198.18.2.1; ctk-c reaches 198.18.2.1 and 198.18.0.1 (via the default route)" ]]
	[ "${#lines[@]}" -eq 10 ]
}

@test "labs: 15 checker 'wired' fails on no namespace, a peer elsewhere, eth0 down or unreachable" {
	run --separate-stderr scratch_net '
		"$CHECK" wired b 198.18.1.1/24 198.18.1.2/24 || echo "status $?"
		ip netns add ctk-b
		"$CHECK" wired b 198.18.1.1/24 198.18.1.2/24 || echo "status $?"
		# The other end moved into the wrong namespace.
		ip netns add ctk-x
		ip link add ctk-b type veth peer name ctk-b-in
		ip link set ctk-b-in netns ctk-x
		"$CHECK" wired b 198.18.1.1/24 198.18.1.2/24 || echo "status $?"
		netns-veth -q del --all
		# eth0 taken down inside.
		netns-veth -q add b --subnet 198.18.1.0/24
		ip -n ctk-b link set eth0 down
		"$CHECK" wired b 198.18.1.1/24 198.18.1.2/24 || echo "status $?"
		# Up, routed, but its packets dropped on the way in.
		ip -n ctk-b link set eth0 up
		ip -n ctk-b route add default via 198.18.1.1
		ip link set ctk-b arp off
		ip neigh flush dev ctk-b
		ip -n ctk-b neigh flush dev eth0
		"$CHECK" wired b 198.18.1.1/24 198.18.1.2/24 || echo "status $?"
		netns-veth -q del b'
	echo "$output$stderr"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "no namespace ctk-b (/run/netns/ctk-b does not exist)" ]
	[ "${lines[1]}" = "hint: ip netns add ctk-b makes a network namespace and names it: a bind mount of its nsfs file on /run/netns/ctk-b" ]
	[ "${lines[2]}" = "status 1" ]
	[ "${lines[3]}" = "no link ctk-b on the host" ]
	[[ "${lines[4]}" == "hint: make the pair from the host: ip link add ctk-b type veth peer name ctk-b-in"* ]]
	[ "${lines[5]}" = "status 1" ]
	[[ "${lines[6]}" == "the other end of ctk-b is in another namespace (link-netnsid "*"), not ctk-b (nsid "*")" ]]
	[[ "${lines[7]}" == "hint: each veth end lives in one namespace; delete this pair (ip link del ctk-b)"* ]]
	[ "${lines[8]}" = "status 1" ]
	[ "${lines[9]}" = "eth0 in ctk-b is DOWN" ]
	[ "${lines[10]}" = "hint: bring it up from inside: ip -n ctk-b link set eth0 up ('ip link set eth0 up' alone acts on the host)" ]
	[ "${lines[11]}" = "status 1" ]
	[ "${lines[12]}" = "ctk-b gets no answer from 198.18.1.1 (busybox ping -c 1 -W 2, twice, from inside)" ]
	[[ "${lines[13]}" == "hint: the addresses must share a subnet"* ]]
	[ "${lines[14]}" = "status 1" ]
}

@test "labs: 15 checker: bad usage is status 2" {
	run "$CHECK" pair b
	[ "$status" -eq 2 ]
	[ "$output" = "usage: check pair|wired NAME HOSTADDR/N NSADDR/N" ]
	run "$CHECK" bogus b 198.18.1.1/24 198.18.1.2/24
	[ "$status" -eq 2 ]
	[ "$output" = "check: unknown check 'bogus' (pair, wired)" ]
}
