#!/usr/bin/env bash
# leaks.sh - each tool's main paths (its --help and a typical successful
# run) under valgrind --leak-check=full; a definite leak fails.  Run as
# root by make check-leaks, which builds what it uses:
#   build/bin/*             the plain build (dynamic, except minicontainer)
#   build/leaks/minicontainer  the runtime linked dynamically: valgrind
#                           finds no malloc to watch in a static binary
#   build/asan/bin/minicontainer  the paths valgrind cannot run
#
# Valgrind 3.19 does not know clone3(2) (syscall 437), with which the
# runtime starts a container (ns_clone): run and OCI create are
# leak-checked by LeakSanitizer instead, in the ASan build, whose parent
# process stays on the host where LSan can work.  Children that execve()
# are not followed: what leaks is the runtime's, not the command's.
# Ends with "N paths, N leaking"; exits 1 on a leak or a failed run.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
bin=$top/build/bin
mc_dyn=$top/build/leaks/minicontainer
mc_asan=$top/build/asan/bin/minicontainer
rootfs=$top/build/rootfs

[ "$(id -u)" -eq 0 ] || {
	echo "leaks.sh: run as root (the tools' main paths need it)" >&2
	exit 1
}
netns=
if [ "${1:-}" = --netns ]; then
	netns=1
	work=$2
else
	work=$(mktemp -d /tmp/ctk-leaks.XXXXXX)
	chmod 0755 "$work"
fi
cleanup() {
	[ -z "$netns" ] || return 0
	"$mc_dyn" --root "$work/oci-root" delete --force leak1 \
		>/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

paths=0
leaking=0

# One path's result: PASS, or LEAK/FAIL with the log; $1 the name, $2
# its exit status, $3 the status expected, then the log files.
verdict() {
	local name=$1 rc=$2 want=$3 f
	shift 3
	paths=$((paths + 1))
	if [ "$rc" -eq 99 ] || grep -qs 'definitely lost\|Sanitizer' "$@"; then
		leaking=$((leaking + 1))
		echo "LEAK $name"
	elif [ "$rc" -ne "$want" ]; then
		leaking=$((leaking + 1))
		echo "FAIL $name: exit status $rc, not $want"
		sed 's/^/     /' "$work/out" | tail -5
	else
		echo "PASS $name"
		return 0
	fi
	for f in "$@"; do
		[ -s "$f" ] && sed 's/^/     /' "$f"
	done
	return 0
}

# vg NAME WANT CMD...: CMD under valgrind; WANT is its exit status.
vg() {
	local name=$1 want=$2 rc=0
	shift 2
	rm -f "$work"/vg.*
	valgrind -q --leak-check=full --show-leak-kinds=definite \
		--errors-for-leak-kinds=definite --error-exitcode=99 \
		--log-file="$work/vg.%p" "$@" >"$work/out" 2>&1 </dev/null ||
		rc=$?
	verdict "$name (valgrind)" "$rc" "$want" "$work"/vg.*
}

# lsan NAME WANT CMD...: CMD (the ASan build) with LeakSanitizer on.
lsan() {
	local name=$1 want=$2 rc=0
	shift 2
	rm -rf "$work/lsan"
	mkdir "$work/lsan"
	ASAN_OPTIONS=detect_leaks=1:log_path=$work/lsan/lsan \
		"$@" >"$work/out" 2>&1 </dev/null || rc=$?
	# The reports, symbolized (the runtime runs from a memfd).
	"$top/tests/asan-reports.sh" "$work/lsan" "${1%/*}" \
		>"$work/lsan.txt" || true
	[ -n "$(ls -A "$work/lsan")" ] || : >"$work/lsan.txt"
	verdict "$name (LeakSanitizer)" "$rc" "$want" "$work/lsan.txt"
}

if [ -n "$netns" ]; then
	mount -t tmpfs ctk-leaks /run
	ip link set lo up
	vg "netns-veth add" 0 "$bin/netns-veth" add lk1 \
		--subnet 198.18.7.0/30
	vg "netns-veth list" 0 "$bin/netns-veth" list
	vg "netns-veth limit" 0 "$bin/netns-veth" limit lk1 1mbit
	vg "netns-veth exec" 0 "$bin/netns-veth" exec lk1 -- true
	vg "netns-veth del" 0 "$bin/netns-veth" del lk1
	echo "$paths $leaking"
	exit 0
fi

# --help of every tool.
for t in chroot-demo pivot ns-unshare ns-enter ns-inspect cgroup-limit \
	cg-workload netns-veth timens minicontainer-image; do
	vg "$t --help" 0 "$bin/$t" --help
done
vg "minicontainer --help" 0 "$mc_dyn" --help
# run re-executes itself from a sealed memfd first (execveat), which
# valgrind cannot follow: LeakSanitizer, in the ASan build.
lsan "minicontainer run --help" 0 "$mc_asan" run --help

# A typical successful run of each.
vg "chroot-demo ROOTFS true" 0 "$bin/chroot-demo" "$rootfs" true
vg "pivot ROOTFS true" 0 "$bin/pivot" "$rootfs" true
vg "pivot -p ROOTFS true" 0 "$bin/pivot" -p "$rootfs" true
vg "ns-unshare -u true" 0 "$bin/ns-unshare" -u true
# Not here: ns-unshare -pf.  It forks with clone3, which valgrind 3.19
# does not know, and LeakSanitizer dies in it ("fatal error": a process
# in a PID namespace of its own reads /proc by the wrong PID).  Its code
# is the same ns.c that minicontainer's LeakSanitizer paths run.
vg "ns-unshare --json -u -i true" 0 "$bin/ns-unshare" --json -u -i true
vg "ns-inspect \$\$" 0 "$bin/ns-inspect" $$
vg "ns-inspect --tree" 0 "$bin/ns-inspect" --tree
# A process of ours to join: PID 1 may refuse even root (here it does).
sleep 60 &
target=$!
vg "ns-enter -t PID -u true" 0 "$bin/ns-enter" -t "$target" -u true
kill "$target" 2>/dev/null || true
wait "$target" 2>/dev/null || true
vg "cgroup-limit --memory 64M -- true" 0 "$bin/cgroup-limit" --memory 64M \
	-- true
vg "cgroup-limit --pids 16 --cpus 0.5 -- true" 0 "$bin/cgroup-limit" \
	--pids 16 --cpus 0.5 -- true
vg "cg-workload hog 1M" 0 "$bin/cg-workload" hog 1M
vg "timens --boottime 5 -- true" 0 "$bin/timens" --boottime 5 -- true

# The runtime: run starts with clone3, which valgrind cannot run.
lsan "minicontainer run --rm -- true" 0 "$mc_asan" run --rm -- true
lsan "minicontainer run --rm ROOTFS sh -c 'exit 3'" 3 "$mc_asan" run --rm \
	"$rootfs" sh -c 'exit 3'
vg "minicontainer ps -a" 0 "$mc_dyn" ps -a

# Images, on a store of their own.
vg "minicontainer-image ls" 0 "$bin/minicontainer-image" \
	--storage "$work/store" ls
vg "minicontainer image ls" 0 "$mc_dyn" --storage "$work/store" image ls

# OCI: a bundle created (clone3: LSan), then started, queried and
# deleted (valgrind).
mkdir -p "$work/bundle"
cp -a "$rootfs" "$work/bundle/rootfs"
(cd "$work/bundle" && runc spec)
jq '.process.terminal = false | .process.args = ["true"]' \
	"$work/bundle/config.json" >"$work/bundle/c.json"
mv "$work/bundle/c.json" "$work/bundle/config.json"
lsan "minicontainer create" 0 "$mc_asan" --root "$work/oci-root" create \
	--bundle "$work/bundle" leak1
vg "minicontainer state" 0 "$mc_dyn" --root "$work/oci-root" state leak1
vg "minicontainer start" 0 "$mc_dyn" --root "$work/oci-root" start leak1
vg "minicontainer list" 0 "$mc_dyn" --root "$work/oci-root" list
sleep 0.5
vg "minicontainer delete" 0 "$mc_dyn" --root "$work/oci-root" delete \
	--force leak1

# netns-veth, in a stand-in host: a private network and mount namespace
# with its own /run (nothing on this host's network changes).  This
# script again, there, with --netns: its PASS and LEAK lines, then its
# counts.
unshare --net --mount --propagation private "$0" --netns "$work" \
	>"$work/netns.out" 2>&1 || true
sed '$d' "$work/netns.out"
read -r n l < <(tail -1 "$work/netns.out")
if [[ "$n" =~ ^[0-9]+$ && "$l" =~ ^[0-9]+$ ]]; then
	paths=$((paths + n))
	leaking=$((leaking + l))
else
	echo "FAIL netns-veth: the stand-in host did not report"
	leaking=$((leaking + 1))
fi

echo "$paths paths, $leaking leaking"
[ "$leaking" -eq 0 ]
