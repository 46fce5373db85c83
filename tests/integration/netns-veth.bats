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

# Run the bash script $1 in a scratch `unshare --net --mount` with its own
# tmpfs /run and lo up.  Afterwards the scratch host must have the same
# links, addresses and /run/netns entries as before: a leftover fails.
scratch() {
	PING="$ROOTFS/bin/busybox ping" unshare --net --mount bash -c '
		set -euo pipefail
		mount -t tmpfs ctk-run /run
		ip link set lo up
		state() {
			ip -o link | awk -F": " "{ print \$2 }"
			ip -o addr | awk "{ print \$2, \$4 }"
			ls -A /run/netns 2>/dev/null || true
		}
		before=$(state)
		bash -euo pipefail -c "$1"
		after=$(state)
		if [ "$after" != "$before" ]; then
			echo "leftovers: $(diff <(echo "$before") <(echo "$after") | grep "^>" | tr "\n" " ")" >&2
			exit 99
		fi' scratch "$1"
}

@test "netns-veth: add makes a namespace ip netns sees, wired by one veth [vm]" {
	run --separate-stderr scratch '
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
	run --separate-stderr scratch '
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
	run --separate-stderr scratch '
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
	run --separate-stderr scratch '
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
	run --separate-stderr scratch 'netns-veth add a; netns-veth del a'
	[ "$status" -eq 0 ]
	[[ "$stderr" != *"nl_talk"* ]]
}

@test "netns-veth: list shows what it made; del --all removes a crashed run's" {
	run --separate-stderr scratch '
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
	run --separate-stderr scratch '
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
	run --separate-stderr scratch '
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
