#!/usr/bin/env bash
# start.sh - how long does a container start take, side by side with the
# tools people would otherwise pick?  Each tool starts /bin/true on the
# busybox rootfs; runs are interleaved after a warm-up, so every tool
# sees the same machine; median, 10th and 90th percentile wall times,
# then the ratio of minicontainer's median to each peer's.
#
#   minicontainer        run --rm --pids 1000: every namespace but a veth
#                        network, pivot_root, a cgroup, podman's default
#                        capabilities, no_new_privs, its seccomp filter
#   minicontainer-veth   the same with --net bridge (a veth pair on a
#                        bridge, NAT): the network's cost
#   minicontainer-noseccomp  --seccomp unconfined: the filter's cost
#   minicontainer-oci    the OCI CLI's run on the bundle below
#   runc, crun           run on the same bundle (crun may not work on a
#                        hybrid-cgroup host: then it is skipped, saying why)
#   bwrap                bubblewrap --unshare-all, the root bound at /
#   unshare              util-linux unshare -mupinf --mount-proc chroot:
#                        the least a start can do
#   podman-*             podman run --rm --network none of the rootfs
#                        imported as an image, with each runtime (runc,
#                        crun, minicontainer): what a user of an engine
#                        waits; a tenth of the runs (at least 5), after
#                        the others, as each takes hundreds of ms
#
# The bundle: `runc spec`, with process.args /bin/true, a read-only root
# (the rootfs, shared), a cgroup namespace added (so every tool makes the
# same six namespaces), a pids limit (so each makes a cgroup) and a
# seccomp section denying what minicontainer's default filter denies
# (runc spec has none).  Everything runs in a scratch network namespace
# of its own, with its own /run: the bridge and links never touch the
# host's network.
#
# usage: bench/start.sh [-n RUNS] [--out DIR]   (as root; default 200 runs)
#   --out DIR   also write DIR/start.tsv (tool, median, p10, p90 in us) and
#               DIR/footprint.tsv (tool, binary bytes, peak RSS KiB)
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
runs=200 out=
while [ $# -gt 0 ]; do
	case "$1" in
	-n) runs=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	*)
		echo "usage: bench/start.sh [-n RUNS] [--out DIR]" >&2
		exit 2
		;;
	esac
done
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || { echo "start.sh: -n wants a number" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "start.sh: run as root" >&2; exit 1; }
root=${CTK_ROOTFS:-$top/build/rootfs}
mc=$top/build/bin/minicontainer
if [ ! -x "$mc" ] || [ ! -x "$root/bin/true" ]; then
	echo "start.sh: build first: make all rootfs" >&2
	exit 1
fi
[ -z "$out" ] || { mkdir -p "$out" && out=$(cd "$out" && pwd); }

# The scratch host: this script again, in its own network and mount
# namespaces, with /run a tmpfs there.
if [ "${CTK_BENCH_SCRATCH:-}" != "$$" ]; then
	exec unshare --net --mount --propagation private -- \
		env CTK_BENCH_SCRATCH=$$ "$0" -n "$runs" ${out:+--out "$out"}
fi
mount -t tmpfs -o mode=0755 ctk-bench-run /run
# podman's state, as the engine tests keep it (podman-env.sh).
mount -t tmpfs -o mode=0755 ctk-bench-lib /var/lib
ip link set lo up
work=$(mktemp -d /tmp/ctk-bench.XXXXXX)
cleanup() {
	"$mc" cleanup >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT

# The bundle every OCI runtime runs.
mkdir -p "$work/bundle"
(cd "$work/bundle" && runc spec)
denied='["kexec_load","kexec_file_load","init_module","finit_module",
"delete_module","keyctl","add_key","request_key","bpf","perf_event_open",
"open_by_handle_at","name_to_handle_at","userfaultfd","lookup_dcookie",
"quotactl","swapon","swapoff","reboot","acct","syslog","uselib","vhangup",
"iopl","ioperm","settimeofday","clock_settime","clock_adjtime","adjtimex",
"pivot_root","mount","umount2","mount_setattr","open_tree","move_mount",
"fsopen","fsconfig","fsmount","fspick","setns"]'
jq --arg root "$root" --argjson denied "$denied" '
	.process.args = ["/bin/true"] | .process.terminal = false |
	.root = {path: $root, readonly: true} |
	.linux.namespaces |= (if any(.[]; .type == "cgroup") then .
		else . + [{type: "cgroup"}] end) |
	.linux.resources.pids = {limit: 1000} |
	.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
		architectures: ["SCMP_ARCH_X86_64"],
		syscalls: [{names: $denied, action: "SCMP_ACT_ERRNO",
			errnoRet: 1}]}' \
	"$work/bundle/config.json" >"$work/config.json"
mv "$work/config.json" "$work/bundle/config.json"

# Each tool's command line, by name (read through a nameref in once()).
# An OCI runtime's container ID must be new each run: @ID@ is replaced.
declare -A cmd
cmd[minicontainer]="$mc -q run --rm --pids 1000 $root -- /bin/true"
cmd[minicontainer-veth]="$mc -q run --rm --pids 1000 --net bridge $root -- /bin/true"
cmd[minicontainer-noseccomp]="$mc -q run --rm --pids 1000 --seccomp unconfined $root -- /bin/true"
cmd[minicontainer-oci]="$mc --root $work/mc-oci run --bundle $work/bundle @ID@"
cmd[runc]="runc --root $work/runc run --bundle $work/bundle @ID@"
cmd[crun]="crun --root $work/crun run --bundle $work/bundle @ID@"
cmd[bwrap]="bwrap --unshare-all --die-with-parent --ro-bind $root / --proc /proc --dev /dev /bin/true"
cmd[unshare]="unshare -mupinf --mount-proc chroot $root /bin/true"
order=(minicontainer minicontainer-veth minicontainer-noseccomp
	minicontainer-oci runc crun bwrap unshare)

# podman, on scratch storage, the rootfs imported as an image.
podman_tools=()
if command -v podman >/dev/null; then
	export SCRATCH=$work MC=$mc
	# shellcheck source=SCRIPTDIR/../tests/integration/podman-env.sh
	. "$top/tests/integration/podman-env.sh"
	if tar -C "$root" -c . | pm import - localhost/ctk-bench:1 \
		>"$work/last" 2>&1; then
		for r in runc crun minicontainer; do
			cmd[podman-$r]="podman --root $P/root --runroot $P/run --runtime $r run --rm --network none localhost/ctk-bench:1 /bin/true"
			podman_tools+=("podman-$r")
		done
	else
		echo "skipped: podman (the import failed: $(head -c 200 "$work/last"))"
	fi
fi

seq_id=0
# One run of tool $1: its wall time in microseconds in $us; 1 if it
# failed (its output in $work/last).
once() {
	local line t0 t1
	seq_id=$((seq_id + 1))
	line=${cmd[$1]//@ID@/ctk-bench-$seq_id}
	t0=$EPOCHREALTIME
	# shellcheck disable=SC2086 # the command line is words on purpose
	$line >"$work/last" 2>&1 </dev/null || return 1
	t1=$EPOCHREALTIME
	us=$((${t1/./} - ${t0/./}))
}

# The tools that work here (a trial run each), the others named.
tools=() slow=()
for t in "${order[@]}" "${podman_tools[@]}"; do
	bin=${cmd[$t]%% *}
	if ! command -v "$bin" >/dev/null; then
		echo "skipped: $t ($bin is not installed)"
	elif ! once "$t"; then
		echo "skipped: $t (it fails here: $(head -c 200 "$work/last" | tr '\n' ' '))"
	elif [[ "$t" == podman-* ]]; then
		slow+=("$t")
	else
		tools+=("$t")
	fi
done

declare -A samples
for t in "${tools[@]}"; do
	for ((i = 0; i < 10; i++)); do once "$t"; done
done
# rounds N TOOL...: N interleaved rounds of each tool, into samples.
rounds() {
	local n=$1 i t
	shift
	for ((i = 0; i < n; i++)); do
		for t in "$@"; do
			if ! once "$t"; then
				echo "start.sh: $t failed: $(head -c 300 "$work/last")" >&2
				exit 1
			fi
			samples[$t]+="$us "
		done
	done
}
rounds "$runs" "${tools[@]}"
slow_runs=$((runs / 10 < 5 ? 5 : runs / 10))
[ "${#slow[@]}" -eq 0 ] || rounds "$slow_runs" "${slow[@]}"
tools+=("${slow[@]}")

# "median p10 p90" in microseconds.
stats() {
	tr ' ' '\n' <<<"$1" | grep . | sort -n |
		awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)], v[int(NR * 0.1) + 1], v[int(NR * 0.9)] }'
}
ms() { awk -v u="$1" 'BEGIN { printf "%.2f", u / 1000 }'; }

printf 'start of /bin/true, %d interleaved runs each, podman %d (kernel %s, %s CPUs)\n' \
	"$runs" "$slow_runs" "$(uname -r)" "$(nproc)"
printf '%-24s %9s %9s %9s  %s\n' tool 'median' p10 p90 'minicontainer / tool'
declare -A med
for t in "${tools[@]}"; do
	read -r m p10 p90 <<<"$(stats "${samples[$t]}")"
	med[$t]=$m
done
[ -z "$out" ] || printf 'tool\tmedian_us\tp10_us\tp90_us\n' >"$out/start.tsv"
for t in "${tools[@]}"; do
	read -r m p10 p90 <<<"$(stats "${samples[$t]}")"
	printf '%-24s %7sms %7sms %7sms  %s\n' "$t" "$(ms "$m")" "$(ms "$p10")" \
		"$(ms "$p90")" "$(awk -v a="${med[minicontainer]}" -v b="$m" \
		'BEGIN { printf "%.2f", a / b }')"
	[ -z "$out" ] || printf '%s\t%s\t%s\t%s\n' "$t" "$m" "$p10" "$p90" >>"$out/start.tsv"
done

# Footprint: the binary, and the peak RSS of a run (ru_maxrss of the
# waited-for tool covers the children it waited for: the largest one).
echo
printf '%-24s %12s %14s\n' tool 'binary' 'peak RSS'
[ -z "$out" ] || printf 'tool\tbinary_bytes\tpeak_rss_kib\n' >"$out/footprint.tsv"
for t in "${tools[@]}"; do
	case "$t" in minicontainer-* | podman-*) continue ;; esac
	bin=$(command -v "${cmd[$t]%% *}")
	seq_id=$((seq_id + 1))
	line=${cmd[$t]//@ID@/ctk-bench-$seq_id}
	# shellcheck disable=SC2086
	rss=$(/usr/bin/time -f %M $line 2>&1 >/dev/null </dev/null | tail -1)
	size=$(stat -L -c %s "$bin")
	printf '%-24s %10s B %10s KiB\n' "$t" "$size" "$rss"
	[ -z "$out" ] || printf '%s\t%s\t%s\n' "$t" "$size" "$rss" >>"$out/footprint.tsv"
done
