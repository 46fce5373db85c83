# net.sh - the stand-in host every network lab runs in.
# shellcheck shell=bash
#
# A network lab makes links, addresses, routes, nftables rules and qdiscs.
# None of that may reach the real host, so the lab re-runs itself in a new
# network namespace and a new mount namespace with its own tmpfs on /run
# and its own sysfs on /sys: that pair plays the host (its /run/netns is
# the lab's own, /sys/class/net lists its links, its lo is up, it starts
# with no other link).  When the lab exits, the last process in
# them is gone and the kernel frees everything the lab wired: nothing can
# be left behind on the real host, even after kill -9.
#
# Source it after lab.sh and call  lab_net_host "$@"  first thing.

lab_net_host() {
	if [ "${LAB_NET_HOST:-}" != "$$" ]; then
		# exec: same PID, so whoever started the lab can still stop it.
		exec unshare --net --mount --propagation private -- \
			env LAB_NET_HOST=$$ "$0" "$@"
	fi
	mount -t tmpfs -o mode=0755 ctk-lab-run /run
	# sysfs shows the links of the network namespace that mounts it; the
	# host's cgroup mounts are carried over onto the fresh one.
	mkdir /run/.ctk-cgroup
	mount --rbind /sys/fs/cgroup /run/.ctk-cgroup
	mount -t sysfs ctk-lab-sys /sys
	mount --move /run/.ctk-cgroup /sys/fs/cgroup
	rmdir /run/.ctk-cgroup
	ip link set lo up
}
