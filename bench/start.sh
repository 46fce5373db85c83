#!/usr/bin/env bash
# start.sh - how long does a container start take?  minicontainer run of
# /bin/true on the busybox rootfs (namespaces, pivot_root, /proc, /dev,
# masks, dropped capabilities, no_new_privs, seccomp) side by side with
# util-linux `unshare -mupinf --mount-proc chroot ROOTFS /bin/true`, the
# least a start can do.  Runs are interleaved after a warm-up, so both
# see the same machine; prints median, 10th and 90th percentile wall
# times and the ratio, then the peak RSS of the runtime's processes.
#
# usage: bench/start.sh [RUNS]        (as root; default 200 runs each)
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-200}
root=${CTK_ROOTFS:-$top/build/rootfs}
mc=$top/build/bin/minicontainer
[ "$(id -u)" -eq 0 ] || { echo "start.sh: run as root" >&2; exit 1; }
if [ ! -x "$mc" ] || [ ! -x "$root/bin/true" ]; then
	echo "start.sh: build first: make all rootfs" >&2
	exit 1
fi

tools=(minicontainer minicontainer_tmpfs unshare)
# Each tool's command line, read through a nameref in once().
# shellcheck disable=SC2034 # both are read through the nameref
cmd_minicontainer=("$mc" -q run --rm "$root" -- /bin/true)
# The same with its state on a tmpfs, as /run is on a systemd host (on
# some machines /run is a plain directory of the disk's filesystem).
# shellcheck disable=SC2034
cmd_minicontainer_tmpfs=("$mc" -q --root /dev/shm/ctk-bench-state run --rm \
	"$root" -- /bin/true)
# shellcheck disable=SC2034
cmd_unshare=(unshare -mupinf --mount-proc chroot "$root" /bin/true)

# One run, its wall time in microseconds on stdout.
once() {
	local -n cmd="cmd_$1"
	local t0 t1
	t0=$EPOCHREALTIME
	"${cmd[@]}" >/dev/null
	t1=$EPOCHREALTIME
	echo $((${t1/./} - ${t0/./}))
}

for t in "${tools[@]}"; do
	for ((i = 0; i < 10; i++)); do once "$t" >/dev/null; done
done
declare -A samples med
for ((i = 0; i < runs; i++)); do
	for t in "${tools[@]}"; do
		samples[$t]+="$(once "$t") "
	done
done

# "median p10 p90" in microseconds.
stats() {
	tr ' ' '\n' <<<"$1" | grep . | sort -n |
		awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)], v[int(NR * 0.1) + 1], v[int(NR * 0.9)] }'
}

printf 'start of /bin/true, %d interleaved runs each (%s, %s)\n' "$runs" \
	"$(uname -r)" "$(nproc) CPUs"
printf '%-20s %10s %10s %10s\n' tool median p10 p90
for t in "${tools[@]}"; do
	read -r m p10 p90 <<<"$(stats "${samples[$t]}")"
	med[$t]=$m
	printf '%-20s %8.2fms %8.2fms %8.2fms\n' "$t" \
		"$(bc -l <<<"$m/1000")" "$(bc -l <<<"$p10/1000")" \
		"$(bc -l <<<"$p90/1000")"
done
printf 'state under /run: %s\n' "$(stat -f -c %T /run)"
printf 'ratio minicontainer / unshare (median): %.2f\n' \
	"$(bc -l <<<"${med[minicontainer]}/${med[unshare]}")"
printf 'ratio minicontainer (state on tmpfs) / unshare (median): %.2f\n' \
	"$(bc -l <<<"${med[minicontainer_tmpfs]}/${med[unshare]}")"
rm -rf /dev/shm/ctk-bench-state

# ru_maxrss of a waited-for child covers the children it waited for: the
# runtime, its init and the command (and the runtime before its re-exec).
rss=$(/usr/bin/time -f %M "${cmd_minicontainer[@]}" 2>&1 >/dev/null | tail -1)
printf 'peak RSS of any minicontainer process: %d KiB (limit 4096)\n' "$rss"
