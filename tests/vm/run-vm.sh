#!/usr/bin/env bash
# run-vm.sh - the vm test tier: bats inside a QEMU guest that boots
# Debian's kernel with a pure cgroup v2 hierarchy and every controller on.
#
# usage: tests/vm/run-vm.sh [--kernel-cache DIR] [--timeout SECONDS] [--]
#                           [BATS_ARGS...]
#
#   --kernel-cache DIR  where the kernel package is unpacked
#                       (default ${CTK_VM_CACHE:-/var/cache/ctk-vm})
#   --timeout SECONDS   limit for the whole guest run (default 900)
#   BATS_ARGS           given to `bats --tap` in the guest, which runs in
#                       this shell's working directory (the same path
#                       there: the guest's root is an overlay of the host's)
# The first argument that is none of these options starts BATS_ARGS.
#
# Prints the guest's TAP on stdout exactly as bats wrote it and exits with
# bats' status.  A guest that cannot start, does not boot, times out or
# runs no test adds "not ok N vm: REASON" (after "1..1" if nothing else
# was printed) and exits 1; the console log's path and tail go to stderr.
#
# Kernel: $CTK_VM_KERNEL if set (a vmlinuz-VERSION whose modules are in
# ../lib/modules/VERSION beside it, in the cache, or in /lib/modules),
# else the newest kernel unpacked in the cache, else linux-image-amd64's
# kernel package, fetched with apt-get download and unpacked there with
# dpkg-deb -x: never installed on the host.
#
# Environment: CTK_VM_CACHE, CTK_VM_KERNEL; CTK_VM_MODULES, more modules
# to load by name (optional ones); CTK_VM_APPEND, more kernel arguments;
# CTK_VM_LOG, keep the console log at this path (otherwise a temp file,
# removed after a good run); CTK_VM_CGROUP2_OPTS, cgroup2 mount options
# (default nsdelegate,memory_recursiveprot, as systemd mounts it).
# Every other exported CTK_* variable is passed to bats in the guest.
set -euo pipefail

# Modules the guest loads by name, with their dependencies (modules.dep).
# Without the required ones the guest cannot mount its root.
REQUIRED_MODULES=(virtio_pci 9pnet_virtio 9p overlay)
OPTIONAL_MODULES=(virtio_blk virtio_net veth bridge nf_tables nft_nat
	nft_chain_nat nft_masq nft_fib_ipv4 sch_tbf)

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
cache=${CTK_VM_CACHE:-/var/cache/ctk-vm}
timeout=900

tmp=
fetch_dir=
log=
keep_log=0
qemu_pid=
tap_lines=0  # TAP lines printed on stdout
tap_tests=0  # of which test results
finished=0   # 1 once the outcome was reported
err_at=
exec 3>&1

# The header comment from "usage:" on.
usage() {
	awk 'NR >= 5 && !/^#/ { exit } NR >= 5 { sub(/^# ?/, ""); print }' "$0"
}

usage_error() {
	echo "run-vm.sh: $*" >&2
	echo "Try 'run-vm.sh --help' for more information." >&2
	finished=1
	exit 2
}

say() { echo "run-vm: $*" >&2; }

# Show where the console log is and its last lines, and keep it.
show_log() {
	[ -n "$log" ] && [ -e "$log" ] || return 0
	keep_log=1
	say "console log: $log (last 30 lines follow)"
	tail -n 30 "$log" | sed 's/^/  console| /' >&2
}

# Report the tier as failed in TAP, show the console, exit 1.
# TAP goes to fd 3, the script's stdout, even where stdout is redirected.
fail() {
	[ "$tap_lines" -gt 0 ] || echo "1..1" >&3
	echo "not ok $((tap_tests + 1)) vm: $*" >&3
	tap_lines=$((tap_lines + 1))
	finished=1
	show_log
	exit 1
}

# shellcheck disable=SC2317  # invoked by the EXIT trap
cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	if [ -n "$qemu_pid" ] && kill -0 "$qemu_pid" 2>/dev/null; then
		kill "$qemu_pid" 2>/dev/null || true
		wait "$qemu_pid" 2>/dev/null || true
	fi
	# Stopped by set -e or a signal: still a failure the summary counts.
	if [ "$rc" -ne 0 ] && [ "$finished" -eq 0 ]; then
		[ "$tap_lines" -gt 0 ] || echo "1..1" >&3
		case "$rc" in
		130 | 143) err_at="interrupted by a signal" ;;
		esac
		echo "not ok $((tap_tests + 1)) vm: run-vm.sh stopped" \
			"(status $rc${err_at:+, $err_at})" >&3
		show_log
	fi
	[ -z "$tmp" ] || rm -rf "$tmp"
	[ -z "$fetch_dir" ] || rm -rf "$fetch_dir"
	if [ -n "$log" ] && [ "$keep_log" -eq 0 ] && [ -z "${CTK_VM_LOG:-}" ]; then
		rm -f "$log"
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'err_at="at line $LINENO: $BASH_COMMAND"' ERR

while [ $# -gt 0 ]; do
	case "$1" in
	-h | --help)
		usage
		finished=1
		exit 0
		;;
	--kernel-cache | --timeout)
		[ $# -ge 2 ] || usage_error "option '$1' requires an argument"
		if [ "$1" = --timeout ]; then timeout=$2; else cache=$2; fi
		shift 2
		;;
	--kernel-cache=*) cache=${1#*=} && shift ;;
	--timeout=*) timeout=${1#*=} && shift ;;
	--)
		shift
		break
		;;
	*) break ;;
	esac
done
[[ "$timeout" =~ ^[1-9][0-9]*$ ]] ||
	usage_error "--timeout wants a number of seconds, not '$timeout'"
[ -n "$cache" ] || usage_error "--kernel-cache wants a directory"
bats_args=("$@")
start=$SECONDS

# --- host packages -----------------------------------------------------

apt_updated=0
# apt-get update, once per run; fails if it already ran.
apt_update() {
	[ "$apt_updated" -eq 0 ] || return 1
	apt_updated=1
	say "apt-get update"
	apt-get update >&2
}

# ensure_packages PKG...: install the missing ones, saying so on stderr.
ensure_packages() {
	local p missing=()
	command -v dpkg-query >/dev/null ||
		fail "not a Debian system: need the equivalents of $*"
	for p in "$@"; do
		dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null |
			grep -q '^ii' || missing+=("$p")
	done
	[ "${#missing[@]}" -gt 0 ] || return 0
	[ "$(id -u)" -eq 0 ] ||
		fail "run as root, or apt-get install --no-remove ${missing[*]}"
	say "installing ${missing[*]} (apt-get install -y --no-remove)"
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y --no-remove "${missing[@]}" >&2 ||
		{ apt_update && apt-get install -y --no-remove "${missing[@]}" >&2; } ||
		fail "cannot install ${missing[*]}"
}

# --- the kernel ----------------------------------------------------------

# The newest kernel unpacked in the cache that has its modules.dep.
cached_kernel() {
	local k v
	for k in "$cache"/*/boot/vmlinuz-*; do
		[ -f "$k" ] || continue
		v=${k##*/vmlinuz-}
		[ -r "${k%/boot/*}/lib/modules/$v/modules.dep" ] &&
			echo "$v $k"
	done | sort -V | tail -n 1 | cut -d' ' -f2-
}

# linux-image-amd64's versioned dependency as PACKAGE=VERSION.
kernel_package() {
	local dep
	dep=$(apt-cache show --no-all-versions linux-image-amd64 2>/dev/null |
		awk -F', *' '/^Depends:/ {
			sub(/^Depends: */, "")
			for (i = 1; i <= NF; i++)
				if ($i ~ /^linux-image-[0-9]/) {
					n = split($i, a, /[ ()=]+/)
					print a[1] (n > 1 && a[2] != "" ? "=" a[2] : "")
					exit
				}
		}')
	[ -n "$dep" ] && echo "$dep"
}

# Download linux-image-amd64 and its kernel package, unpack both into the
# cache as DIR/VERSION/{boot,lib/modules}, and make modules.dep.
fetch_kernel() {
	local pkg deb kver k root
	pkg=$(kernel_package) || { apt_update && pkg=$(kernel_package); } ||
		fail "apt-cache finds no linux-image-amd64 to fetch the kernel from"
	ensure_packages kmod # depmod
	fetch_dir=$(mktemp -d "$cache/.fetch.XXXXXX")
	say "fetching $pkg into $cache (apt-get download, never installed)"
	download() {
		(cd "$fetch_dir" && apt-get download -o APT::Sandbox::User=root \
			linux-image-amd64 "$pkg" >&2)
	}
	download || { apt_update && download; } ||
		fail "apt-get download linux-image-amd64 $pkg failed"
	root=$fetch_dir/root
	for deb in "$fetch_dir"/*.deb; do
		dpkg-deb -x "$deb" "$root" || fail "dpkg-deb -x $deb failed"
	done
	k=$(find "$root/boot" -name 'vmlinuz-*' | head -n 1)
	[ -n "$k" ] || fail "$pkg has no /boot/vmlinuz-*"
	kver=${k##*/vmlinuz-}
	# A merged-/usr package ships usr/lib/modules; depmod -b wants lib/.
	if [ ! -d "$root/lib/modules/$kver" ] &&
		[ -d "$root/usr/lib/modules/$kver" ]; then
		ln -s usr/lib "$root/lib"
	fi
	[ -d "$root/lib/modules/$kver" ] || fail "$pkg has no modules for $kver"
	depmod -b "$root" "$kver" || fail "depmod -b $root $kver failed"
	rm -rf "${cache:?}/$kver"
	mv "$root" "$cache/$kver"
	rm -rf "$fetch_dir"
	fetch_dir=
}

# Set kernel, kver and moddir (the tree holding modules.dep).
find_kernel() {
	local d lock_fd
	if [ -n "${CTK_VM_KERNEL:-}" ]; then
		kernel=$CTK_VM_KERNEL
		if [ ! -f "$kernel" ] || [ ! -r "$kernel" ]; then
			fail "kernel CTK_VM_KERNEL=$kernel: no such readable file"
		fi
		case "${kernel##*/}" in
		vmlinuz-*) kver=${kernel##*/vmlinuz-} ;;
		*) fail "kernel CTK_VM_KERNEL=$kernel: not named vmlinuz-VERSION" ;;
		esac
		for d in "${kernel%/*}/../lib/modules/$kver" \
			"$cache/$kver/lib/modules/$kver" "/lib/modules/$kver"; do
			if [ -r "$d/modules.dep" ]; then
				moddir=$(cd "$d" && pwd -P)
				return 0
			fi
		done
		fail "no modules.dep for kernel $kver (CTK_VM_KERNEL=$kernel)"
	fi
	mkdir -p "$cache" || fail "cannot create the kernel cache $cache"
	# One fetch at a time; a second run waits, then finds it cached.
	exec {lock_fd}>>"$cache/.lock"
	flock "$lock_fd"
	kernel=$(cached_kernel)
	if [ -z "$kernel" ]; then
		fetch_kernel
		kernel=$(cached_kernel)
		[ -n "$kernel" ] || fail "no kernel in $cache after fetching"
	fi
	exec {lock_fd}>&-
	kver=${kernel##*/vmlinuz-}
	kernel=$(cd "${kernel%/*}" && pwd -P)/${kernel##*/}
	moddir=$(cd "${kernel%/boot/*}/lib/modules/$kver" && pwd -P)
}

# --- modules -------------------------------------------------------------

declare -A mod_path=() mod_deps=() builtin=() need_of=() soft_pre=() \
	soft_post=() alias_of=()
order=()

# REPLY=the module name of a .ko path (dashes become underscores).
modname() {
	REPLY=${1##*/}
	REPLY=${REPLY%%.ko*}
	REPLY=${REPLY//-/_}
}

# Append NAME's dependencies, its softdep "pre:" modules, NAME, then its
# "post:" modules to order (depth first).  Modules named by an alias
# (softdep libcrc32c pre: crc32c) are all tried, as modprobe does, and
# may fail (crc32c_intel without SSE4.2): their need is "soft".
visit() {
	local n=$1 d deps pre=() post=() outer=$need
	[ -z "${need_of[$n]:-}" ] || return 0
	need_of[$n]=$need
	read -r -a deps <<<"${mod_deps[$n]}"
	for d in "${deps[@]}"; do
		modname "$d"
		visit "$REPLY"
	done
	read -r -a pre <<<"${soft_pre[$n]:-}"
	read -r -a post <<<"${soft_post[$n]:-}"
	for d in "${pre[@]}"; do visit_soft "$d"; done
	need=$outer
	order+=("$n")
	for d in "${post[@]}"; do visit_soft "$d"; done
	need=$outer
}

# Visit a softdep: a module name, or every module an alias names.
visit_soft() {
	local d=${1//-/_} m
	[ -z "${builtin[$d]:-}" ] || return 0
	if [ -n "${mod_path[$d]:-}" ]; then
		visit "$d"
		return 0
	fi
	need=soft
	for m in ${alias_of[$1]:-}; do
		if [ -z "${builtin[$m]:-}" ] && [ -n "${mod_path[$m]:-}" ]; then
			visit "$m"
		fi
	done
}

# Fill order with the modules to load, dependencies first.
resolve_modules() {
	local line n extra=()
	while IFS= read -r line; do
		modname "${line%%:*}"
		mod_path[$REPLY]=${line%%:*}
		mod_deps[$REPLY]=${line#*:}
	done <"$moddir/modules.dep"
	if [ -r "$moddir/modules.builtin" ]; then
		while IFS= read -r line; do
			modname "$line"
			builtin[$REPLY]=1
		done <"$moddir/modules.builtin"
	fi
	# "softdep NAME pre: A B post: C"; A, B and C may be aliases.
	if [ -r "$moddir/modules.softdep" ]; then
		local words w mode
		while read -r -a words; do
			[ "${words[0]:-}" = softdep ] || continue
			mode=
			for w in "${words[@]:2}"; do
				case "$w" in
				pre: | post:) mode=$w ;;
				*)
					if [ "$mode" = pre: ]; then
						soft_pre[${words[1]}]+=" $w"
					else
						soft_post[${words[1]}]+=" $w"
					fi
					;;
				esac
			done
		done <"$moddir/modules.softdep"
	fi
	if [ -r "$moddir/modules.alias" ]; then
		while read -r _ line n; do
			modname "$n"
			alias_of[$line]+=" $REPLY"
		done < <(awk '$1 == "alias" && $2 !~ /[*?:]/' \
			"$moddir/modules.alias")
	fi
	need=required
	for n in "${REQUIRED_MODULES[@]}"; do
		[ -z "${builtin[$n]:-}" ] || continue
		[ -n "${mod_path[$n]:-}" ] ||
			fail "kernel $kver has no module $n (needed to mount the root)"
		visit "$n"
	done
	read -r -a extra <<<"${CTK_VM_MODULES:-}"
	need=optional
	for n in "${OPTIONAL_MODULES[@]}" "${extra[@]}"; do
		n=${n//-/_}
		[ -z "${builtin[$n]:-}" ] || continue
		if [ -z "${mod_path[$n]:-}" ]; then
			say "warning: kernel $kver has no module $n; not loaded"
			continue
		fi
		visit "$n"
	done
}

# Copy the modules, decompressed (busybox insmod may not read .ko.xz).
copy_modules() {
	local dest=$1 n src
	for n in "${order[@]}"; do
		src=$moddir/${mod_path[$n]}
		case "$src" in
		*.ko) cp "$src" "$dest/$n.ko" ;;
		*.ko.xz) xz -dc "$src" >"$dest/$n.ko" ;;
		*.ko.zst) zstd -qdc "$src" >"$dest/$n.ko" ;;
		*.ko.gz) gzip -dc "$src" >"$dest/$n.ko" ;;
		*) fail "cannot read module $src" ;;
		esac || fail "cannot copy module $src"
		echo "$n ${need_of[$n]}"
	done
}

# --- the guest -----------------------------------------------------------

# Paths the run needs that the guest's tmpfs on /tmp would hide.
keep_paths() {
	local p a
	{
		printf '%s\n' "$PWD" "$moddir" "$here"
		for a in "${bats_args[@]}"; do
			case "$a" in /*) p=$a ;; *) p=$PWD/$a ;; esac
			[ -e "$p" ] || continue
			[ -d "$p" ] || p=${p%/*}
			printf '%s\n' "$p"
		done
	} | awk '$0 ~ /^\/tmp\// || $0 == "/tmp"' | LC_ALL=C sort -u |
		awk 'kept == "" || index($0 "/", kept "/") != 1 {
			print; kept = $0 }'
}

build_initramfs() {
	local root=$tmp/initramfs
	mkdir -p "$root"/{bin,dev,proc,sys,lower,rw,newroot,lib/modules}
	cp /bin/busybox "$root/bin/busybox"
	cp "$here/init.sh" "$root/init"
	chmod 0755 "$root/init"
	mknod -m 0600 "$root/dev/console" c 5 1 2>/dev/null || true
	printf 'STAGE2=%q\n' "$here/stage2.sh" >"$root/ctk-vm.conf"
	copy_modules "$root/lib/modules" >"$root/modules.list"
	(cd "$root" && find . | /bin/busybox cpio -o -H newc 2>/dev/null) |
		gzip -1 >"$tmp/initrd.gz" || fail "cannot build the initramfs"
}

# array NAME VALUE...: print a bash array assignment that bash can source.
array() {
	local v
	printf '%s=(' "$1"
	shift
	for v in "$@"; do printf ' %q' "$v"; done
	printf ' )\n'
}

# The guest's orders, sourced by stage2.sh from the results share:
# WORKDIR and BATS_ARGS (cd there, run bats --tap with them), TIMEOUT (for
# its watchdog), MODDIR (to show as /lib/modules/VERSION), KEEP (paths
# under /tmp to keep visible), CGROUP2_OPTS, ENVS (NAME=VALUE for bats).
write_job() {
	local k envs=() keep=()
	for k in $(compgen -e); do
		case "$k" in
		CTK_VM_*) ;;
		CTK_*) envs+=("$k=${!k}") ;;
		esac
	done
	mapfile -t keep < <(keep_paths)
	{
		printf 'WORKDIR=%q\n' "$PWD"
		printf 'TIMEOUT=%q\n' "$timeout"
		printf 'MODDIR=%q\n' "$moddir"
		printf 'CGROUP2_OPTS=%q\n' \
			"${CTK_VM_CGROUP2_OPTS:-nsdelegate,memory_recursiveprot}"
		array BATS_ARGS "${bats_args[@]}"
		array KEEP "${keep[@]}"
		array ENVS "${envs[@]}"
	} >"$tmp/results/job.conf"
}

run_guest() {
	local results=$tmp/results append host_share results_share
	append="console=ttyS0 quiet panic=-1 ${CTK_VM_APPEND:-}"
	host_share="local,path=/,mount_tag=host,security_model=none"
	host_share+=",readonly=on,multidevs=remap"
	results_share="local,path=${results//,/,,},mount_tag=results"
	results_share+=",security_model=none"
	# The host's / read-only (init.sh puts an overlay on it), the results
	# share writable, a scratch virtio-blk disk for io.max tests, and a
	# NIC with no network behind it (nothing can leave the guest), so the
	# guest, like a host, has eth0 besides lo.
	# In QEMU's KEY=VALUE options a comma in a value is written ",,".
	# KVM hangs on the development machines: TCG only.
	# The disk's serial is how tests know it is the scratch disk.
	scratch="file=${tmp//,/,,}/scratch.img,if=none,id=scratch,format=raw"
	qemu_args=(-accel tcg -machine pc -m 2048 -smp 2
		-nodefaults -no-user-config -display none -no-reboot
		-chardev "file,id=console,path=${log//,/,,}" -serial chardev:console
		-kernel "$kernel" -initrd "$tmp/initrd.gz" -append "$append"
		-virtfs "$host_share" -virtfs "$results_share"
		-drive "$scratch"
		-device "virtio-blk-pci,drive=scratch,serial=ctk-scratch"
		-netdev "hubport,id=nic0,hubid=0" -device "virtio-net-pci,netdev=nic0")
	timeout --kill-after=10 "$timeout" qemu-system-x86_64 "${qemu_args[@]}" \
		</dev/null 2>"$tmp/qemu.stderr" &
	qemu_pid=$!
	qemu_status=0
	wait "$qemu_pid" || qemu_status=$?
	qemu_pid=
	cat "$tmp/qemu.stderr" >>"$log"
}

# Why the guest stopped early, from the console and QEMU's messages.
console_reason() {
	local r
	r=$(grep -a 'ctk-vm: FATAL:' "$log" | tail -n 1 | sed 's/.*FATAL: //')
	[ -n "$r" ] || r=$(grep -a -m 1 -o 'Kernel panic.*' "$log" || true)
	[ -n "$r" ] || r=$(grep -a -v -e '^$' -e 'terminating on signal' \
		"$tmp/qemu.stderr" || true)
	r=${r%%$'\n'*}
	echo "${r:-see the console log}" | tr -d '\r'
}

fact() { sed -n "s/^$1 //p" "$tmp/results/facts" 2>/dev/null; }

# --- main ------------------------------------------------------------------

ensure_packages qemu-system-x86 busybox-static
find_kernel
resolve_modules
for n in "${order[@]}"; do
	case "${mod_path[$n]}" in
	*.xz) ensure_packages xz-utils ;;
	*.zst) ensure_packages zstd ;;
	esac
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ctk-vm.XXXXXX")
if [ -n "${CTK_VM_LOG:-}" ]; then
	log=$CTK_VM_LOG
	: >"$log"
else
	log=$(mktemp "${TMPDIR:-/tmp}/ctk-vm-console.XXXXXX")
fi
mkdir "$tmp/results"
truncate -s 64M "$tmp/scratch.img"
build_initramfs
write_job
say "booting $kernel with ${#order[@]} modules (timeout ${timeout}s)"
run_guest
wall=$((SECONDS - start))

r=$tmp/results
if [ -s "$r/tap" ]; then
	cat "$r/tap"
	[ -z "$(tail -c 1 "$r/tap")" ] || echo
	tap_lines=$(grep -c '' "$r/tap" || true)
	tap_tests=$(grep -cE '^(not )?ok ' "$r/tap" || true)
fi
[ ! -s "$r/bats.stderr" ] || cat "$r/bats.stderr" >&2
if [ -e "$r/facts" ]; then
	say "guest kernel $(fact kernel); cgroup2 ($(fact cgroup2))" \
		"subtree_control: $(fact subtree_control)"
	say "guest modules: $(fact modules)"
	end=$(fact bats_end)
	say "times (guest uptime): booted at $(sed -n 's/^booted //p' \
		"$r/booted")s, bats started at $(fact bats_start)s" \
		"${end:+and ended at ${end}s}; wall ${wall}s for the run"
fi

if [ "$qemu_status" -eq 124 ] || [ "$qemu_status" -eq 137 ]; then
	if [ -e "$r/booted" ]; then
		fail "guest timed out after ${timeout}s while bats ran" \
			"(after $tap_tests results)"
	fi
	fail "guest timed out after ${timeout}s before it booted" \
		"($(console_reason))"
fi
[ -e "$r/booted" ] ||
	fail "guest did not boot (qemu status $qemu_status): $(console_reason)"
[ -e "$r/status" ] ||
	fail "guest stopped before bats finished: $(console_reason)"
if [ -e "$r/hung" ]; then
	say "bats ran out of time; the guest's processes then:"
	sed 's/^/  hung| /' "$r/hung" >&2
	fail "bats timed out in the guest (run-vm.sh --timeout $timeout)" \
		"after $tap_tests results; its process tree is on stderr"
fi
status=$(cat "$r/status")
[[ "$status" =~ ^[0-9]+$ ]] || fail "guest wrote a bad bats status '$status'"
[ "$tap_tests" -gt 0 ] || fail "bats ran zero tests (bats status $status)"
finished=1
if [ "$status" -ne 0 ]; then
	say "bats failed in the guest (status $status)"
	show_log
fi
exit "$status"
