#!/usr/bin/env bats
# Lab 16 (a bridge): it passes in --ci mode and leaves nothing behind,
# also when interrupted; each checker fails, with the right hint, on a
# state where the bridge is wired wrong, and passes once it is right.
# The lab wires everything in its own stand-in host (lab_net_host); every
# checker fixture here runs in a scratch `unshare --net --mount` host with
# its own tmpfs /run, so the real host's network is only read.

load helpers

CHECK=$BATS_TEST_DIRNAME/../../labs/16-bridge/check
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


@test "labs: 16-bridge passes in --ci mode and leaves nothing behind [vm]" {
	before=$(leftovers)
	run env NO_COLOR=1 "$TOP/labs/16-bridge/lab" --ci
	echo "$output"
	[ "$status" -eq 0 ]
	# 1: the bridge made, each veth made as its port; a ping and a TCP
	# connection from a to b through it.
	[[ "$output" == *'nl_talk(RTM_NEWLINK NLM_F_REQUEST|NLM_F_ACK|NLM_F_CREATE|NLM_F_EXCL ifi_index=0 IFLA_IFNAME="ctk-br" IFLA_LINKINFO{ IFLA_INFO_KIND="bridge" })'* ]]
	[[ "$output" == *'IFLA_IFNAME="ctk-b" IFLA_MASTER=2 IFLA_LINKINFO{ IFLA_INFO_KIND="veth"'* ]]
	[[ "$output" == *"64 bytes from 198.18.0.3: seq=0"* ]]
	[[ "$output" == *"hello from b"* ]]
	[[ "$output" == *"PASS ctk-a and ctk-b are forwarding ports of ctk-br (ports: ctk-a ctk-b); ctk-a (198.18.0.2) and ctk-b (198.18.0.3) reach each other through it"* ]]
	# 2: the ports, three ways; the MACs learned, each on its port.
	[[ "$output" == *"master ctk-br state UP"* ]]
	[[ "$output" == *"# ls /sys/class/net/ctk-br/brif "$'\n'"ctk-a"$'\n'"ctk-b"$'\n'* ]]
	[[ "$output" == *"ctk-a@ctk-br: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 master ctk-br state forwarding"* ]]
	[[ "$output" =~ PASS\ ctk-br\ learned\ ctk-a\'s\ eth0\ ([0-9a-f:]{17})\ on\ port\ ctk-a\ and\ ctk-b\'s\ eth0\ ([0-9a-f:]{17})\ on\ port\ ctk-b ]]
	mac_a=${BASH_REMATCH[1]} mac_b=${BASH_REMATCH[2]}
	[[ "$output" == *"$mac_a dev ctk-a master ctk-br"* ]]
	[[ "$output" == *"$mac_b dev ctk-b master ctk-br"* ]]
	# 3: b off the bridge: a reaches nothing; named, then put back.
	[[ "$output" == *"1 packets transmitted, 0 packets received, 100% packet loss"* ]]
	[[ "$output" == *"ctk-b is not a port of ctk-br (ports: ctk-a)"$'\n'"hint: a veth end outside the bridge carries frames to nothing: attach it: ip link set ctk-b master ctk-br"* ]]
	[[ "$output" == *"PASS 16-bridge: every check passed"* ]]
	[ "$(leftovers)" = "$before" ]
}

@test "labs: 16-bridge cleans up when interrupted" {
	assert_net_lab_interrupted 16-bridge "^== 2\\. "
}

@test "labs: 16 checker 'bridged' fails on a member detached from the bridge, then passes" {
	run --separate-stderr scratch_net '
		"$CHECK" bridged br a b || echo "status $?"
		netns-veth -q bridge br a b
		ip link set ctk-b nomaster
		# Control for the state: a no longer reaches b.
		{ netns-veth exec a -- busybox ping -c 1 -W 1 198.18.0.3 || true; } | grep -o "0 packets received"
		"$CHECK" bridged br a b || echo "status $?"
		ip link set ctk-b master ctk-br
		"$CHECK" bridged br a b
		netns-veth -q del a b br'
	echo "$output$stderr"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "no link ctk-br on the host" ]
	[ "${lines[1]}" = "hint: make the bridge and its members: netns-veth bridge br a b" ]
	[ "${lines[2]}" = "status 1" ]
	[ "${lines[3]}" = "0 packets received" ]
	[ "${lines[4]}" = "ctk-b is not a port of ctk-br (ports: ctk-a)" ]
	[ "${lines[5]}" = "hint: a veth end outside the bridge carries frames to nothing: attach it: ip link set ctk-b master ctk-br" ]
	[ "${lines[6]}" = "status 1" ]
	[ "${lines[7]}" = "ctk-a and ctk-b are forwarding ports of ctk-br (ports: ctk-a ctk-b); ctk-a (198.18.0.2) and ctk-b (198.18.0.3) reach each other through it" ]
	[ "${#lines[@]}" -eq 8 ]
}

@test "labs: 16 checker 'bridged' fails on a port down, a port disabled, the bridge down" {
	run --separate-stderr scratch_net '
		netns-veth -q bridge br a b
		ip link set ctk-a down
		"$CHECK" bridged br a b || echo "status $?"
		ip link set ctk-a up
		bridge link set dev ctk-b state 0
		"$CHECK" bridged br a b || echo "status $?"
		bridge link set dev ctk-b state 3
		ip link set ctk-br down
		"$CHECK" bridged br a b || echo "status $?"
		netns-veth -q del a b br'
	echo "$output$stderr"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "port ctk-a of ctk-br is DOWN" ]
	[ "${lines[1]}" = "hint: bring it up: ip link set ctk-a up" ]
	[ "${lines[2]}" = "status 1" ]
	[ "${lines[3]}" = "port ctk-b of ctk-br is in state disabled, not forwarding (bridge link show dev ctk-b)" ]
	[ "${lines[4]}" = "hint: a port forwards frames only in state forwarding: bridge link set dev ctk-b state 3" ]
	[ "${lines[5]}" = "status 1" ]
	[ "${lines[6]}" = "ctk-br is DOWN: it forwards nothing" ]
	[ "${lines[7]}" = "hint: bring it up: ip link set ctk-br up" ]
	[ "${lines[8]}" = "status 1" ]
}

@test "labs: 16 checker 'learned' fails with learning off or nothing learned, then passes" {
	command -v bridge >/dev/null || skip "iproute2's bridge command is not installed"
	run --separate-stderr scratch_net '
		netns-veth -q bridge br a b
		# Quiet namespaces: no IPv6 chatter to be learned from.
		for m in a b; do
			ip netns exec ctk-$m sysctl -q -w net.ipv6.conf.all.disable_ipv6=1
		done
		bridge link set dev ctk-b learning off
		bridge fdb flush dev ctk-br dynamic
		netns-veth exec a -- busybox ping -c 1 -W 2 198.18.0.3 >/dev/null
		mac_b=$(ip -n ctk-b -j link show dev eth0 | jq -r ".[0].address")
		echo "$mac_b"
		"$CHECK" learned br a b || echo "status $?"
		bridge link set dev ctk-b learning on
		bridge fdb flush dev ctk-br dynamic
		mac_a=$(ip -n ctk-a -j link show dev eth0 | jq -r ".[0].address")
		echo "$mac_a"
		"$CHECK" learned br a b || echo "status $?"
		# Control: one ping, and the bridge knows both.
		netns-veth exec a -- busybox ping -c 1 -W 2 198.18.0.3 >/dev/null
		"$CHECK" learned br a b
		netns-veth -q del a b br'
	echo "$output$stderr"
	[ "$status" -eq 0 ]
	mac_b=${lines[0]}
	[ "${lines[1]}" = "ctk-br has not learned $mac_b (eth0 in ctk-b): learning is off on port ctk-b" ]
	[ "${lines[2]}" = "hint: without learning the bridge floods every frame for ctk-b to all ports; turn it on: bridge link set dev ctk-b learning on, then ping from ctk-b" ]
	[ "${lines[3]}" = "status 1" ]
	mac_a=${lines[4]}
	[ "${lines[5]}" = "ctk-br has no entry for $mac_a (eth0 in ctk-a) on port ctk-a (bridge fdb show br ctk-br dynamic)" ]
	[ "${lines[6]}" = "hint: the bridge learns a MAC address from the source of a frame that arrives on a port, and forgets it after 300 s: send traffic from ctk-a (netns-veth exec a -- busybox ping -c 1 198.18.0.3)" ]
	[ "${lines[7]}" = "status 1" ]
	[ "${lines[8]}" = "ctk-br learned ctk-a's eth0 $mac_a on port ctk-a and ctk-b's eth0 $mac_b on port ctk-b (bridge fdb show br ctk-br dynamic; forgotten after 300 s unused)" ]
	[ "${#lines[@]}" -eq 9 ]
}

@test "labs: 16 checker: bad usage is status 2" {
	run "$CHECK" bridged br a
	[ "$status" -eq 2 ]
	[ "$output" = "usage: check bridged|learned BRIDGE A B" ]
	run "$CHECK" bogus br a b
	[ "$status" -eq 2 ]
	[ "$output" = "check: unknown check 'bogus' (bridged, learned)" ]
}
