#!/usr/bin/env bats
# netns-veth: named namespaces, veth pairs and a bridge over raw rtnetlink.
# Every test runs in a scratch network + mount namespace whose tmpfs /run
# plays the host, so the real host's links and /run/netns never change.

load helpers

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
	ls /run/netns 2>/dev/null || true
}

@test "netns-veth: add makes a namespace ip netns sees, wired by one veth [vm]" {
	run --separate-stderr scratch_net '
		netns-veth add a
		ip netns list | grep -qx "ctk-a.*"
		ip netns exec ctk-a ip -o link | awk -F": " "{ print \$2 }" | cut -d@ -f1 | tr "\n" " "
		echo
		ip -o -4 addr show dev ctk-a | awk "{ print \$4 }"
		# Control: without the veth the namespace has only lo.
		ip link del ctk-a
		ip netns exec ctk-a ip -o link | awk -F": " "{ print \$2 }" | tr "\n" " "
		echo
		netns-veth del a'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "lo eth0 " ]
	[ "${lines[1]}" = "198.18.0.1/24" ]
	[ "${lines[2]}" = "lo " ]
	[[ "$stderr" == *"netns ctk-a eth0: 198.18.0.2/24 2001:2::2/64"* ]]
}

@test "netns-veth: host and namespace reach each other, IPv4 and IPv6 [vm]" {
	run --separate-stderr scratch_net '
		netns-veth -q add a
		$PING -c 1 -W 2 198.18.0.2 | grep -o "1 packets received"
		$PING -c 1 -W 2 2001:2::2 | grep -o "1 packets received"
		netns-veth exec a -- $PING -c 1 -W 2 198.18.0.1 | grep -o "1 packets received"
		netns-veth exec a -- ip route show default
		netns-veth exec a -- ip -6 route show default | cut -d" " -f1-5
		netns-veth del a'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "1 packets received" ]
	[ "${lines[1]}" = "1 packets received" ]
	[ "${lines[2]}" = "1 packets received" ]
	[[ "${lines[3]}" == "default via 198.18.0.1 dev eth0"* ]]
	[ "${lines[4]}" = "default via 2001:2::1 dev eth0" ]
}

@test "netns-veth: two namespaces on one bridge reach each other [vm]" {
	run --separate-stderr scratch_net '
		netns-veth -q bridge br x y --subnet 198.18.4.0/24
		ip -o link show master ctk-br | awk -F": " "{ print \$2 }" | cut -d@ -f1 | tr "\n" " "
		echo
		netns-veth exec x -- $PING -c 1 -W 2 198.18.4.3 | grep -o "1 packets received"
		netns-veth exec x -- $PING -c 1 -W 2 2001:2:0:4::3 | grep -o "1 packets received"
		# Control: once y is gone, x reaches nothing at its address.
		netns-veth del y
		{ netns-veth exec x -- $PING -c 1 -W 1 198.18.4.3 || true; } | grep -o "0 packets received"
		netns-veth del x br'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "ctk-x ctk-y " ]
	[ "${lines[1]}" = "1 packets received" ]
	[ "${lines[2]}" = "1 packets received" ]
	[ "${lines[3]}" = "0 packets received" ]
}

@test "netns-veth: -v prints each netlink message decoded" {
	run --separate-stderr scratch_net '
		netns-veth -v add a
		netns-veth -v del a'
	[ "$status" -eq 0 ]
	[[ "$stderr" == *'nl_talk(RTM_NEWLINK NLM_F_REQUEST|NLM_F_ACK|NLM_F_CREATE|NLM_F_EXCL ifi_index=0 IFLA_IFNAME="ctk-a" IFLA_LINKINFO{ IFLA_INFO_KIND="veth" IFLA_INFO_DATA{ VETH_INFO_PEER{ ifi_index=0 IFLA_IFNAME="eth0" IFLA_NET_NS_FD='* ]]
	[[ "$stderr" == *"nl_talk(RTM_NEWADDR NLM_F_REQUEST|NLM_F_ACK|NLM_F_CREATE|NLM_F_EXCL AF_INET6/64 ifa_index=2 IFA_LOCAL=2001:2::2 IFA_ADDRESS=2001:2::2 IFA_FLAGS=IFA_F_NODAD) = 0: eth0 has 2001:2::2/64"* ]]
	[[ "$stderr" == *"nl_talk(RTM_NEWROUTE NLM_F_REQUEST|NLM_F_ACK|NLM_F_CREATE|NLM_F_EXCL AF_INET dst_len=0 table=254 RTA_GATEWAY=198.18.0.1 RTA_OIF=2) = 0: default route via 198.18.0.1"* ]]
	[[ "$stderr" == *'nl_talk(RTM_DELLINK NLM_F_REQUEST|NLM_F_ACK ifi_index=0 IFLA_IFNAME="ctk-a")'* ]]
	# 1 veth + 4 addresses + 3 links up + 2 routes, then 1 delete.
	[ "$(grep -c 'nl_talk(RTM_' <<<"$stderr")" -eq 11 ]
	# Control: without -v, no message is shown.
	run --separate-stderr scratch_net 'netns-veth add a; netns-veth del a'
	[ "$status" -eq 0 ]
	[[ "$stderr" != *"nl_talk"* ]]
}

@test "netns-veth: list shows what it made; del --all removes a crashed run's" {
	run --separate-stderr scratch_net '
		netns-veth -q add a
		netns-veth list
		# What a crashed run leaves: a namespace, a veth, an unmounted file.
		ip netns add ctk-crash
		ip link add ctk-c1 type veth peer name ctk-c2
		touch /run/netns/ctk-stale
		netns-veth del --all
		netns-veth list | wc -l
		ls /run/netns | wc -l
		ip -o link | grep -c ctk- || true'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "link ctk-a veth 198.18.0.1/24 2001:2::1/64" ]
	[ "${lines[1]}" = "netns ctk-a lo 127.0.0.1/8 ::1/128 eth0 198.18.0.2/24 2001:2::2/64" ]
	[ "${lines[2]}" = "0" ]
	[ "${lines[3]}" = "0" ]
	[ "${lines[4]}" = "0" ]
	[[ "$stderr" == *"deleted 5 object(s) named ctk-*"* ]]
}

@test "netns-veth: a failure half-way removes what was already made" {
	# The veth and namespace exist when the host end's IPv6 address fails.
	run --separate-stderr scratch_net '
		echo 1 >/proc/sys/net/ipv6/conf/default/disable_ipv6
		netns-veth add a && exit 1
		netns-veth bridge br x y && exit 1
		ip -o link | grep -c ctk- || true
		ls -A /run/netns | wc -l
		echo 0 >/proc/sys/net/ipv6/conf/default/disable_ipv6'
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '0\n0')" ]
	[ "${stderr_lines[0]}" = 'netns-veth: RTM_NEWADDR 2001:2::1/64 dev "ctk-a": Permission denied' ]
	[ "${stderr_lines[1]}" = "netns-veth: hint: IPv6 is disabled on this link (sysctl net.ipv6.conf.*.disable_ipv6)" ]
	[ "${#stderr_lines[@]}" -eq 4 ]
}

@test "netns-veth: bad input: one line, non-zero exit, nothing made" {
	run --separate-stderr scratch_net '
		bad() {	# EXPECTED-STDERR COMMAND...
			local want=$1 err rc=0
			shift
			err=$("$@" 2>&1 >/dev/null) || rc=$?
			if [ "$rc" -ne 1 ] || [ "$err" != "netns-veth: $want" ] ||
			   ls /run/netns 2>/dev/null | grep -q . ||
			   ip -o link | grep -q ctk-x; then
				echo "FAIL ($rc): $* -> $err" >&2
				exit 1
			fi
			echo ok
		}
		bad "invalid subnet '\''198.18.0/24'\'': expected A.B.C.D/N" netns-veth add x --subnet 198.18.0/24
		bad "subnet 10.0.0.0/24 is outside 198.18.0.0/15 (RFC 2544)" netns-veth add x --subnet 10.0.0.0/24
		bad "subnet 198.18.0.1/24 has host bits set" netns-veth add x --subnet 198.18.0.1/24
		bad "address 198.18.1.2 is outside the subnet" netns-veth add x --address 198.18.1.2
		bad "name too long: '\''ctk-abcdefghijkl'\'' is 16 bytes, an interface name holds 15" netns-veth add abcdefghijkl
		bad "invalid name '\''x/y'\'': no '\''/'\'', '\'':'\'' or spaces" netns-veth add x/y
		bad "invalid name '\''x y'\'': no '\''/'\'', '\'':'\'' or spaces" netns-veth add "x y"
		bad "no such namespace: /run/netns/ctk-x" netns-veth exec x -- true
		bad "no such namespace or link: ctk-x" netns-veth del x
		bad "add needs root: it makes or enters namespaces and links (CAP_SYS_ADMIN, CAP_NET_ADMIN)" setpriv --reuid=65534 --regid=65534 --clear-groups netns-veth add x
		ip addr add 198.18.0.9/16 dev lo
		bad "subnet 198.18.0.0/24 overlaps 198.18.0.9/16 on lo: choose another with --subnet" netns-veth add x
		ip addr del 198.18.0.9/16 dev lo
		# A name that exists (a link here) is refused, the link untouched.
		ip link add ctk-y type veth peer name ctk-yp
		bad "ctk-y already exists (a namespace or link)" netns-veth add y --subnet 198.18.1.0/24
		ip link del ctk-y'
	echo "$output$stderr"	# shown if a row fails
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 12 ]
	[ -z "$stderr" ]
	run --separate-stderr netns-veth add
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "netns-veth: add needs exactly one NAME" ]
	[ "${stderr_lines[1]}" = "Try 'netns-veth --help' for more information." ]
}

# The outside world for NAT tests: a namespace on its own subnet that,
# like a real Internet host, has no route back to the container subnet.
OUTSIDE='netns-veth -q add outside --subnet 198.18.50.0/24
		netns-veth exec outside -- ip route del default'

@test "netns-veth: nat masquerades a container's traffic in its own table [vm]" {
	run --separate-stderr scratch_net "
		netns-veth -q add c
		$OUTSIDE
		# Someone else's table: the tool must not touch it.
		nft add table ip theirs
		nft add chain ip theirs post '{ type nat hook postrouting priority 50; }'
		nft add rule ip theirs post ip saddr 198.19.0.0/24 masquerade
		theirs=\$(nft list table ip theirs)
		# Control: without NAT the outside cannot answer 198.18.0.2.
		netns-veth transfer c outside --timeout 2 || echo refused
		netns-veth nat c
		nft list chain ip ctk postrouting | grep -o 'ip saddr.*'
		cat /proc/sys/net/ipv4/ip_forward
		netns-veth transfer c outside --bytes 64K | cut -d' ' -f1-6
		netns-veth list | tail -2
		netns-veth del c
		nft list tables
		cat /proc/sys/net/ipv4/ip_forward
		[ \"\$(nft list table ip theirs)\" = \"\$theirs\" ] && echo theirs intact
		nft delete table ip theirs
		netns-veth del outside"
	echo "$output$stderr"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "refused" ]
	[ "${lines[1]}" = 'ip saddr 198.18.0.0/24 oifname != "ctk-c" masquerade comment "ctk-c: masquerade 198.18.0.0/24"' ]
	[ "${lines[2]}" = "1" ]
	# The outside sees the host's address on its link, not 198.18.0.2.
	[[ "${lines[3]}" == "65536 bytes from 198.18.50.1:"* ]]
	[[ "${lines[3]}" == *" to 198.18.50.2:5201" ]]
	[ "${lines[4]}" = "nftables table ip ctk (net.ipv4.ip_forward was 0)" ]
	[ "${lines[5]}" = "  postrouting ctk-c: masquerade 198.18.0.0/24" ]
	[ "${lines[6]}" = "table ip theirs" ]
	[ "${lines[7]}" = "0" ]
	[ "${lines[8]}" = "theirs intact" ]
	[[ "$stderr" == *"netns-veth: connect(198.18.50.2:5201): Connection timed out"* ]]
	[[ "$stderr" == *"netns-veth: nat: 198.18.0.0/24 leaving by any link but ctk-c gets that link's address (table ip ctk, chain postrouting)"* ]]
}

@test "netns-veth: a published port reaches the container, from outside and from the host [vm]" {
	run --separate-stderr scratch_net "
		netns-veth -q add c
		$OUTSIDE
		# Control: nothing listens on the host's port 8080.
		netns-veth transfer outside c --port 80 --connect 198.18.50.1:8080 --timeout 2 || echo refused
		netns-veth publish c 8080:80
		nft list chain ip ctk prerouting | grep -o 'fib.*'
		netns-veth transfer outside c --port 80 --connect 198.18.50.1:8080 --bytes 64K | cut -d' ' -f1-6
		netns-veth transfer - c --port 80 --connect 198.18.0.1:8080 --bytes 64K | cut -d' ' -f1-6
		netns-veth publish c 8080:81 || echo taken
		netns-veth publish c 8080:81 --udp
		nft list table ip ctk | grep -c dnat
		# A port a host process listens on is not hidden by a rule.
		$ROOTFS/bin/busybox nc -l -p 8083 </dev/null >/dev/null & lp=\$!
		for i in 1 2 3 4 5 6 7 8 9 10; do grep -q ':1F93 00000000:0000 0A' /proc/net/tcp && break; sleep 0.1; done
		netns-veth publish c 8083:80 || echo busy
		kill \$lp; wait \$lp || true
		nft list table ip ctk | grep -c dnat
		netns-veth del c outside"
	echo "$output$stderr"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "refused" ]
	[ "${lines[1]}" = 'fib daddr type local tcp dport 8080 dnat to 198.18.0.2:80 comment "ctk-c: tcp 8080 -> 198.18.0.2:80"' ]
	# The container sees the outside's own address: DNAT keeps the source.
	[[ "${lines[2]}" == "65536 bytes from 198.18.50.2:"*" to 198.18.0.2:80" ]]
	[[ "${lines[3]}" == "65536 bytes from 198.18.0.1:"*" to 198.18.0.2:80" ]]
	[ "${lines[4]}" = "taken" ]
	[ "${lines[5]}" = "4" ]
	[ "${lines[6]}" = "busy" ]
	[ "${lines[7]}" = "4" ]
	[[ "$stderr" == *"netns-veth: tcp port 8080 is already published: ctk-c: tcp 8080 -> 198.18.0.2:80"* ]]
	[[ "$stderr" == *"netns-veth: tcp port 8083 is in use on this host: a socket listens on it (ss -tlnp 'sport = :8083')"* ]]
}

@test "netns-veth: limit 1mbit: a bounded transfer measures about 1 Mbit/s, tbf counts overlimits [vm]" {
	run --separate-stderr scratch_net '
		netns-veth -q add a
		# Control: unlimited.
		netns-veth transfer a - --bytes 4M
		netns-veth limit a 1mbit
		netns-veth transfer a - --bytes 96K
		netns-veth transfer - a --bytes 96K
		tc -s qdisc show dev ctk-a | grep -o "tbf.*rate 1Mbit"
		netns-veth exec a -- tc -s qdisc show dev eth0 | grep -o "overlimits [0-9]*"
		tc -s qdisc show dev ctk-a | grep -o "overlimits [0-9]*"
		netns-veth limit a off
		tc qdisc show dev ctk-a | cut -d" " -f2
		netns-veth del a'
	echo "$output$stderr"
	[ "$status" -eq 0 ]
	rate() { awk '{ print $(NF - 1) }' <<<"$1"; }
	# Without the limit the veth carries far more than 20 Mbit/s.
	awk -v r="$(rate "${lines[0]}")" 'BEGIN { exit !(r > 20) }'
	# Out of the namespace (eth0's tbf) and into it (the host end's).
	awk -v r="$(rate "${lines[1]}")" 'BEGIN { exit !(r >= 0.3 && r <= 1.2) }'
	awk -v r="$(rate "${lines[2]}")" 'BEGIN { exit !(r >= 0.3 && r <= 1.2) }'
	[[ "${lines[3]}" == "tbf "*" rate 1Mbit" ]]
	[ "${lines[4]#overlimits }" -gt 0 ]
	[ "${lines[5]#overlimits }" -gt 0 ]
	[ "${lines[6]}" = "noqueue" ]
	[[ "$stderr" == *"limit: ctk-a (into the namespace) and eth0 in ctk-a (out of it) send at most 1Mbit"* ]]
}

@test "netns-veth: containers on two hosts reach each other through routes [vm]" {
	run --separate-stderr scratch_net '
		netns-veth -q bridge lan hosta hostb --subnet 198.18.100.0/24
		netns-veth exec hosta -- netns-veth -q bridge bra a1 --subnet 198.18.1.0/24
		netns-veth exec hostb -- netns-veth -q bridge brb b1 --subnet 198.18.2.0/24
		# Control: hosta has no route to hostb'\''s containers.
		netns-veth transfer a1 b1 --timeout 2 || echo unreachable
		netns-veth exec hosta -- netns-veth route add 198.18.2.0/24 via 198.18.100.3
		netns-veth exec hostb -- netns-veth route add 198.18.1.0/24 via 198.18.100.2
		netns-veth exec hosta -- ip route show 198.18.2.0/24
		netns-veth transfer a1 b1 --bytes 64K | cut -d" " -f1-6
		netns-veth transfer b1 a1 --bytes 64K | cut -d" " -f1-6
		netns-veth exec a1 -- ip route get 198.18.2.2 | head -1
		netns-veth exec hosta -- ip route get 198.18.2.2 | head -1
		netns-veth del --all'
	echo "$output$stderr"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "unreachable" ]
	[[ "${lines[1]}" == "198.18.2.0/24 via 198.18.100.3 dev eth0"* ]]
	# No NAT anywhere: each side sees the other container's own address.
	[[ "${lines[2]}" == "65536 bytes from 198.18.1.2:"*" to 198.18.2.2:5201" ]]
	[[ "${lines[3]}" == "65536 bytes from 198.18.2.2:"*" to 198.18.1.2:5201" ]]
	[[ "${lines[4]}" == "198.18.2.2 via 198.18.1.1 dev eth0"* ]]
	[[ "${lines[5]}" == "198.18.2.2 via 198.18.100.3 dev eth0"* ]]
	[[ "$stderr" == *"route: 198.18.2.0/24 via 198.18.100.3; net.ipv4.ip_forward = 1 (was 0)"* ]]
}

@test "netns-veth: -v shows the nftables batch and the tc message" {
	run --separate-stderr scratch_net '
		netns-veth -q add a
		netns-veth -v nat a
		netns-veth -v limit a 2mbit
		netns-veth -v del a'
	[ "$status" -eq 0 ]
	[[ "$stderr" == *'nl_batch(NFT_MSG_NEWTABLE NLM_F_REQUEST|NLM_F_ACK|NLM_F_CREATE NFPROTO_IPV4 NFTA_TABLE_NAME="ctk" NFTA_TABLE_USERDATA="net.ipv4.ip_forward was 0") = 0'* ]]
	[[ "$stderr" == *'NFTA_CHAIN_NAME="postrouting" NFTA_CHAIN_HOOK{ NFTA_HOOK_HOOKNUM=4 NFTA_HOOK_PRIORITY=100 } NFTA_CHAIN_TYPE="nat") = 0'* ]]
	[[ "$stderr" == *'NFTA_RULE_EXPRESSIONS{ payload bitwise cmp meta cmp masq } NFTA_RULE_USERDATA="ctk-a: masquerade 198.18.0.0/24") = 0: the kernel applied the batch whole'* ]]
	[[ "$stderr" == *'nl_talk(RTM_NEWQDISC NLM_F_REQUEST|NLM_F_ACK|NLM_F_CREATE|NLM_F_REPLACE tcm_ifindex='*' tcm_parent=TC_H_ROOT TCA_KIND="tbf" TCA_OPTIONS{ TCA_TBF_PARMS{ rate=250000 B/s limit=15528 B } TCA_TBF_BURST=3028 }) = 0: ctk-a sends at most 2Mbit'* ]]
	[[ "$stderr" == *'nl_batch(NFT_MSG_DELTABLE NLM_F_REQUEST|NLM_F_ACK NFPROTO_IPV4 NFTA_TABLE_NAME="ctk") = 0'* ]]
	[[ "$stderr" == *'write("/proc/sys/net/ipv4/ip_forward", "0") = 0: forwarding is off again, as it was'* ]]
}

@test "netns-veth: nat, publish, limit, transfer, route: bad input, one line, nothing made" {
	run --separate-stderr scratch_net '
		bad() {	# EXPECTED-STDERR COMMAND...
			local want=$1 err rc=0
			shift
			err=$("$@" 2>&1 >/dev/null) || rc=$?
			if [ "$rc" -ne 1 ] || [ "$err" != "netns-veth: $want" ] ||
			   nft list tables | grep -q . ||
			   [ "$(tc qdisc show dev ctk-a | cut -d" " -f2)" != noqueue ]; then
				echo "FAIL ($rc): $* -> $err" >&2
				exit 1
			fi
			echo ok
		}
		netns-veth -q add a
		netns-veth -q bridge br x --subnet 198.18.7.0/24
		bad "no such link: ctk-nope (make it with add or bridge)" netns-veth nat nope
		bad "ctk-x has no IPv4 address: it is on a bridge, nat the bridge" netns-veth nat x
		bad "no such namespace: /run/netns/ctk-nope (make it with add or bridge)" netns-veth publish nope 80:80
		bad "no such namespace: /run/netns/ctk-nope (make it with add or bridge)" netns-veth limit nope 1mbit
		bad "invalid host port '\''0'\'': a port is 1..65535" netns-veth publish a 0:80
		bad "invalid container port '\''99999'\'': a port is 1..65535" netns-veth publish a 80:99999
		bad "invalid rate '\''fast'\'': a number and a unit, e.g. 1mbit, 500kbit, 2mbps" netns-veth limit a fast
		bad "invalid rate '\''1.5'\'': a number and a unit, e.g. 1mbit, 500kbit, 2mbps" netns-veth limit a 1.5
		bad "rate 1000000mbit out of range (8bit..800gbit)" netns-veth limit a 1000000mbit
		bad "invalid size '\''0'\'': 1..1G bytes, e.g. 64K or 4M" netns-veth transfer a - --bytes 0
		bad "invalid --connect '\''1.2.3:80'\'': IPV4ADDR:PORT" netns-veth transfer a - --connect 1.2.3:80
		bad "invalid timeout '\''never'\'': 1..3600 seconds" netns-veth transfer a - --timeout never
		bad "address 10.1.1.1 is outside 198.18.0.0/15" netns-veth route add 198.18.9.0/24 via 10.1.1.1
		bad "subnet 10.9.0.0/24 is outside 198.18.0.0/15 (RFC 2544)" netns-veth route add 10.9.0.0/24 via 198.18.0.2
		bad "no route for 198.18.9.0/24 in this namespace" netns-veth route del 198.18.9.0/24
		netns-veth del a br x'
	echo "$output$stderr"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 15 ]
	[ -z "$stderr" ]
	run --separate-stderr netns-veth publish a 8080
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "netns-veth: invalid port mapping '8080': HOSTPORT:PORT" ]
	run --separate-stderr netns-veth nat a --udp
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "netns-veth: --udp is for publish" ]
}
