#!/usr/bin/env bats
# Lab 17 (NAT and published ports): it passes in --ci mode and leaves
# nothing behind, also when interrupted; each checker fails, with the
# right hint, on a state where the student did it wrong, and passes on
# the right one.  The lab runs in its own stand-in host; every fixture
# here runs, with the checker, in a scratch `unshare --net --mount` host:
# the real host's links, rules and ip_forward are only read.

load helpers

CHECK=$BATS_TEST_DIRNAME/../../labs/17-nat/check


# What every fixture script may use (scratch_net adds ck): topology makes
# c and an outside machine with no route back, as the lab does.
PRELUDE='
topology() {
	netns-veth -q add c
	netns-veth -q add outside --subnet 198.18.50.0/24
	netns-veth exec outside -- ip route del default
}
'

setup() { common_setup; }
teardown() { common_teardown; }

# What the lab must leave as it found it on the real host.
leftovers() {
	find /tmp -maxdepth 1 -name 'ctk-lab.*' | wc -l
	mount_table | md5sum
	ip -o link | awk -F': ' '{ print $2 }' | sort
	find /run/netns -mindepth 1 2>/dev/null | wc -l
	nft list ruleset 2>/dev/null | md5sum
	cat /proc/sys/net/ipv4/ip_forward
}


@test "labs: 17-nat passes in --ci mode and leaves nothing behind [vm]" {
	before=$(leftovers)
	run env NO_COLOR=1 "$TOP/labs/17-nat/lab" --ci
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"# netns-veth exec outside -- ip route get 198.18.0.2"*"Network is unreachable"* ]]
	[[ "$output" == *"net.ipv4.ip_forward = 1"*"# netns-veth transfer c outside --bytes 128K --timeout 3"*"(exit status "*")"* ]]
	# The outside got the SYNs and had no route for its answers.
	[[ "$output" =~ IpOutNoRoutes\ +[1-9] ]]
	[[ "$output" =~ 131072\ bytes\ from\ 198\.18\.50\.1:[0-9]+\ to\ 198\.18\.50\.2:5201 ]]
	# conntrack: sent from 198.18.0.2, answered to the host's address.
	[[ "$output" =~ src=198\.18\.0\.2\ dst=198\.18\.50\.2\ sport=[0-9]+\ dport=5201\ src=198\.18\.50\.2\ dst=198\.18\.50\.1\  ]]
	[[ "$output" == *"table ip ctk {"*"masquerade"*'comment "ctk-c'* ]]
	[[ "$output" == *"PASS c reaches outside through NAT: '"*"masquerade' in table ip ctk, ip_forward 1; outside saw 65536 bytes from 198.18.50.1:"*", the host's address, not 198.18.0.2"* ]]
	[[ "$output" == *"dnat to 198.18.0.2:80"* ]]
	[[ "$output" =~ 131072\ bytes\ from\ 198\.18\.50\.2:[0-9]+\ to\ 198\.18\.0\.2:80 ]]
	[[ "$output" =~ src=198\.18\.50\.2\ dst=198\.18\.50\.1\ sport=[0-9]+\ dport=8080\ src=198\.18\.0\.2\ dst=198\.18\.50\.2\ sport=80\  ]]
	[[ "$output" == *"PASS outside reaches c's port 80 at the host's 198.18.50.1:8080: '"*"dport 8080"*"dnat to 198.18.0.2:80'; the server in c saw 65536 bytes from 198.18.50.2:"*" to 198.18.0.2:80"* ]]
	[[ "$output" == *"PASS 17-nat: every check passed"* ]]
	[ "$(leftovers)" = "$before" ]
}

@test "labs: 17-nat cleans up when interrupted" {
	assert_net_lab_interrupted 17-nat "netns-veth nat c"
}

@test "labs: 17 checker 'nat' fails without the rule, for the wrong name, on a routed outside" {
	run --separate-stderr scratch_net "$PRELUDE"'
		topology
		ck nat c outside
		netns-veth -q nat outside
		ck nat c outside
		# A new outside, with the default route add gives it.
		netns-veth -q del outside
		netns-veth -q add outside --subnet 198.18.50.0/24
		ck nat c outside
		netns-veth -q del c outside'
	echo "$output"
	echo "$stderr"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "no masquerade rule for c in table ip ctk (nft list table ip ctk)" ]
	[ "${lines[1]}" = "hint: the outside cannot answer 198.18.0.0/24: have the host put its own address on what c sends out: netns-veth nat c" ]
	[ "${lines[2]}" = "status 1" ]
	[ "${lines[3]}" = "table ip ctk masquerades ctk-outside's subnet, not c's (198.18.0.0/24)" ]
	[ "${lines[4]}" = "hint: nat names the machine whose traffic gets the host's address as its source: netns-veth nat c" ]
	[ "${lines[5]}" = "status 1" ]
	[[ "${lines[6]}" == "outside has a route back to the host (default via 198.18.50.1 dev eth0"*"): it is not playing an internet host" ]]
	[[ "${lines[7]}" == "hint: a host on the internet has no route to your private subnet: delete it (netns-veth exec outside -- ip route del default)"* ]]
	[ "${lines[8]}" = "status 1" ]
}

@test "labs: 17 checker 'nat' fails with forwarding off, then passes" {
	run --separate-stderr scratch_net "$PRELUDE"'
		topology
		netns-veth -q nat c
		sysctl -qw net.ipv4.ip_forward=0
		ck nat c outside
		sysctl -qw net.ipv4.ip_forward=1
		ck nat c outside
		netns-veth -q del c outside'
	echo "$output"
	echo "$stderr"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "the masquerade rule is there (ip saddr 198.18.0.0/24 "*"masquerade) but net.ipv4.ip_forward is 0: the host drops what c sends through it" ]]
	[ "${lines[1]}" = "hint: a rule rewrites only packets the host forwards, and it forwards none: turn it back on (sysctl -w net.ipv4.ip_forward=1); netns-veth nat turns it on, something turned it off" ]
	[ "${lines[2]}" = "status 1" ]
	# Control: forwarding on, the outside sees the host's address.
	[[ "${lines[3]}" =~ ^c\ reaches\ outside\ through\ NAT:\ \'.*masquerade\'\ in\ table\ ip\ ctk,\ ip_forward\ 1\;\ outside\ saw\ 65536\ bytes\ from\ 198\.18\.50\.1:[0-9]+,\ the\ host\'s\ address,\ not\ 198\.18\.0\.2$ ]]
	[ "${lines[4]}" = "status 0" ]
}

@test "labs: 17 checker 'publish' fails unpublished, on the wrong port and swapped, then passes" {
	run --separate-stderr scratch_net "$PRELUDE"'
		topology
		ck publish c outside 8080:80
		netns-veth -q publish c 8080:8080
		ck publish c outside 8080:80
		netns-veth -q del c
		netns-veth -q add c
		netns-veth -q publish c 80:8080
		ck publish c outside 8080:80
		netns-veth -q del c
		netns-veth -q add c
		netns-veth -q publish c 8080:80
		ck publish c outside 8080:80
		netns-veth -q del c outside'
	echo "$output"
	echo "$stderr"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "no dnat rule for c in table ip ctk (nft list table ip ctk)" ]
	[ "${lines[1]}" = "hint: the host has nothing on port 8080: publish it: netns-veth publish c 8080:80" ]
	[ "${lines[2]}" = "status 1" ]
	[ "${lines[3]}" = "host port 8080 goes to 198.18.0.2:8080, but the server in c listens on 198.18.0.2:80" ]
	[[ "${lines[4]}" == "hint: the second number is the container's port: netns-veth publish c 8080:80, after deleting the wrong rules"* ]]
	[ "${lines[5]}" = "status 1" ]
	[ "${lines[6]}" = "host port 8080 is not published for c; port(s) 80 are" ]
	[[ "${lines[7]}" == "hint: HOSTPORT:PORT: the host's port comes first: netns-veth publish c 8080:80"* ]]
	[ "${lines[8]}" = "status 1" ]
	# Control: published right, the server in c sees the outside machine.
	[[ "${lines[9]}" =~ ^outside\ reaches\ c\'s\ port\ 80\ at\ the\ host\'s\ 198\.18\.50\.1:8080:\ \'.*dport\ 8080.*dnat\ to\ 198\.18\.0\.2:80\'\;\ the\ server\ in\ c\ saw\ 65536\ bytes\ from\ 198\.18\.50\.2:[0-9]+\ to\ 198\.18\.0\.2:80$ ]]
	[ "${lines[10]}" = "status 0" ]
}

@test "labs: 17 checker names missing machines; bad usage is status 2" {
	run --separate-stderr scratch_net "$PRELUDE"'ck nat c outside'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "no namespace ctk-c with an address (/run/netns/ctk-c)" ]
	[[ "${lines[1]}" == "hint: make both machines: netns-veth add c; netns-veth add outside --subnet 198.18.50.0/24;"* ]]
	[ "${lines[2]}" = "status 1" ]
	run "$CHECK" bogus c outside
	[ "$status" -eq 2 ]
	run "$CHECK" nat c
	[ "$status" -eq 2 ]
	run "$CHECK" publish c outside 8080
	[ "$status" -eq 2 ]
}
