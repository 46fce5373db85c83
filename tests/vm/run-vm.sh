#!/usr/bin/env bash
# run-vm.sh - the vm test tier and the playground: a QEMU guest that boots
# Debian's kernel with a pure cgroup v2 hierarchy and every controller on.
#
# usage: tests/vm/run-vm.sh [--kernel-cache DIR] [--timeout SECONDS] [--]
#                           [BATS_ARGS...]
#        tests/vm/run-vm.sh [OPTIONS] --run COMMAND
#        tests/vm/run-vm.sh [OPTIONS] --shell
#        tests/vm/run-vm.sh [--kernel-cache DIR] --print-kernel
#
#   --kernel-cache DIR  where the kernel package is unpacked
#                       (default ${CTK_VM_CACHE:-/var/cache/ctk-vm})
#   --timeout SECONDS   limit for the whole guest run (default 900;
#                       none for --shell unless given)
#   --run COMMAND       run COMMAND with bash -c in the guest instead of
#                       bats: its stdout and stderr come back as it
#                       writes them, and its exit status is this script's
#   --shell             the playground: the guest's console on this
#                       terminal, a root login shell in the toolkit's top
#                       directory (build/bin and labs on PATH); poweroff
#                       or leaving the shell powers the guest off, Ctrl-a x
#                       stops it at once; the shell's status is returned
#   --print-kernel      print the guest kernel's path (fetching it into the
#                       cache if needed) and exit
#   BATS_ARGS           given to `bats --tap` in the guest, which runs in
#                       this shell's working directory (the same path
#                       there: the guest's root is an overlay of the host's)
# The first argument that is none of these options starts BATS_ARGS.
#
# The guest is disposable: its root is an overlay whose writable layer is
# a tmpfs, over the host's / shared read-only, so nothing done in it
# persists and the host's files are never written.
#
# Bats: prints the guest's TAP on stdout exactly as bats wrote it and
# exits with bats' status.  A guest that cannot start, does not boot,
# times out or runs no test adds "not ok N vm: REASON" (after "1..1" if
# nothing else was printed) and exits 1; the console log's path and tail
# go to stderr.  --run and --shell report such a failure as one
# "run-vm.sh: REASON" line on stderr and exit 125 (as docker run does);
# --print-kernel exits 1.
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
# Every other exported CTK_* variable is passed to bats (or to COMMAND,
# or to the shell) in the guest.
set -euo pipefail

# Modules the guest loads by name, with their dependencies (modules.dep).
# Without the required ones the guest cannot mount its root.
REQUIRED_MODULES=(virtio_pci 9pnet_virtio 9p overlay)
OPTIONAL_MODULES=(virtio_blk virtio_net veth bridge nf_tables nft_nat
	nft_chain_nat nft_masq nft_fib_ipv4 sch_tbf)

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
top=$(cd "$here/../.." && pwd -P)
cache=${CTK_VM_CACHE:-/var/cache/ctk-vm}
timeout=
mode=bats    # bats, run, shell or kernel
command=     # --run's COMMAND

tmp=
fetch_dir=
log=
keep_log=0
qemu_pid=
tail_pids=()  # helpers that end with QEMU: tail, the stdin feeder
tty_saved=   # stty -g of the terminal --shell hands to the guest
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

# This script's own failure: for bats, a TAP line (on fd 3, the script's
# stdout, even where stdout is redirected) and exit 1; for --run and
# --shell one line on stderr and exit 125; for --print-kernel exit 1.
# The console log's tail follows where there is one.
fail() {
	finished=1
	case "$mode" in
	bats)
		[ "$tap_lines" -gt 0 ] || echo "1..1" >&3
		echo "not ok $((tap_tests + 1)) vm: $*" >&3
		tap_lines=$((tap_lines + 1))
		show_log
		exit 1
		;;
	kernel)
		echo "run-vm.sh: $*" >&2
		exit 1
		;;
	*)
		echo "run-vm.sh: $*" >&2
		show_log
		exit 125
		;;
	esac
}

# shellcheck disable=SC2317  # invoked by the EXIT trap
cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	local p
	if [ -n "$qemu_pid" ] && kill -0 "$qemu_pid" 2>/dev/null; then
		kill "$qemu_pid" 2>/dev/null || true
		wait "$qemu_pid" 2>/dev/null || true
	fi
	for p in ${tail_pids[@]+"${tail_pids[@]}"}; do
		kill "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	[ -z "$tty_saved" ] || stty "$tty_saved" 2>/dev/null || true
	# Stopped by set -e or a signal: still a failure the summary counts.
	if [ "$rc" -ne 0 ] && [ "$finished" -eq 0 ]; then
		case "$rc" in
		130 | 143) err_at="interrupted by a signal" ;;
		esac
		if [ "$mode" = bats ]; then
			[ "$tap_lines" -gt 0 ] || echo "1..1" >&3
			echo "not ok $((tap_tests + 1)) vm: run-vm.sh stopped" \
				"(status $rc${err_at:+, $err_at})" >&3
		else
			echo "run-vm.sh: stopped (status $rc${err_at:+, $err_at})" >&2
			# Not to be taken for the status of the guest's command.
			case "$mode:$rc" in
			kernel:* | *:130 | *:143) ;;
			*) rc=125 ;;
			esac
		fi
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

# set_mode MODE: --run, --shell and --print-kernel exclude each other.
set_mode() {
	[ "$mode" = bats ] || [ "$mode" = "$1" ] ||
		usage_error "--run, --shell and --print-kernel exclude each other"
	mode=$1
}

while [ $# -gt 0 ]; do
	case "$1" in
	-h | --help)
		usage
		finished=1
		exit 0
		;;
	--kernel-cache | --timeout | --run)
		[ $# -ge 2 ] || usage_error "option '$1' requires an argument"
		case "$1" in
		--timeout) timeout=$2 ;;
		--run) set_mode run && command=$2 ;;
		*) cache=$2 ;;
		esac
		shift 2
		;;
	--kernel-cache=*) cache=${1#*=} && shift ;;
	--timeout=*) timeout=${1#*=} && shift ;;
	--run=*) set_mode run && command=${1#*=} && shift ;;
	--shell) set_mode shell && shift ;;
	--print-kernel) set_mode kernel && shift ;;
	--)
		shift
		break
		;;
	*) break ;;
	esac
done
[ -n "$timeout" ] || [ "$mode" = shell ] || timeout=900
[ -z "$timeout" ] || [[ "$timeout" =~ ^[1-9][0-9]*$ ]] ||
	usage_error "--timeout wants a number of seconds, not '$timeout'"
[ -n "$cache" ] || usage_error "--kernel-cache wants a directory"
if [ "$mode" = run ] && [ -z "$command" ]; then
	usage_error "--run wants a command"
fi
if [ "$mode" != bats ] && [ $# -gt 0 ]; then
	usage_error "unexpected argument '$1' (bats arguments go without --run, --shell or --print-kernel)"
fi
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
		printf '%s\n' "$PWD" "$top" "$moddir" "$here"
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
# MODE (bats, run or shell), WORKDIR (cd there), BATS_ARGS (bats --tap
# runs with them), COMMAND (--run's), TOPDIR (the toolkit, for PATH),
# TERM_NAME, ROWS and COLS (the terminal --shell hands over), TIMEOUT
# (for its watchdog; 0: none), MODDIR (to show as /lib/modules/VERSION),
# KEEP (paths under /tmp to keep visible), CGROUP2_OPTS, ENVS (NAME=VALUE
# for what runs there).
write_job() {
	local k envs=() keep=() workdir=$top
	for k in $(compgen -e); do
		case "$k" in
		CTK_VM_*) ;;
		CTK_*) envs+=("$k=${!k}") ;;
		esac
	done
	mapfile -t keep < <(keep_paths)
	[ "$mode" != bats ] || workdir=$PWD
	{
		printf 'MODE=%q\n' "$mode"
		printf 'WORKDIR=%q\n' "$workdir"
		printf 'TOPDIR=%q\n' "$top"
		printf 'COMMAND=%q\n' "$command"
		printf 'TERM_NAME=%q\n' "$term_name"
		printf 'ROWS=%q\n' "$rows"
		printf 'COLS=%q\n' "$cols"
		printf 'TIMEOUT=%q\n' "${timeout:-0}"
		printf 'MODDIR=%q\n' "$moddir"
		printf 'CGROUP2_OPTS=%q\n' \
			"${CTK_VM_CGROUP2_OPTS:-nsdelegate,memory_recursiveprot}"
		array BATS_ARGS "${bats_args[@]}"
		array KEEP "${keep[@]}"
		array ENVS "${envs[@]}"
	} >"$tmp/results/job.conf"
}

run_guest() {
	local results=$tmp/results append host_share results_share console=()
	local runner=() p
	# ctk.vm: how the labs' doctor knows it runs in the toolkit's own guest.
	append="console=ttyS0 quiet panic=-1 ctk.vm ${CTK_VM_APPEND:-}"
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
	if [ "$mode" = shell ]; then
		# The serial console on this terminal (and in the log), muxed
		# with QEMU's monitor: Ctrl-a is QEMU's escape key (Ctrl-a x
		# quits); signal=off hands Ctrl-c to the guest.
		console=(-chardev
			"stdio,id=console,mux=on,signal=off,logfile=${log//,/,,}"
			-serial chardev:console -mon "chardev=console,mode=readline")
	else
		console=(-chardev "file,id=console,path=${log//,/,,}"
			-serial chardev:console)
	fi
	qemu_args=(-accel tcg -machine pc -m 2048 -smp 2
		-nodefaults -no-user-config -display none -no-reboot
		"${console[@]}"
		-kernel "$kernel" -initrd "$tmp/initrd.gz" -append "$append"
		-virtfs "$host_share" -virtfs "$results_share"
		-drive "$scratch"
		-device "virtio-blk-pci,drive=scratch,serial=ctk-scratch"
		-netdev "hubport,id=nic0,hubid=0" -device "virtio-net-pci,netdev=nic0")
	# --foreground: a process group of timeout's own could not read
	# the terminal the shell's console is on.
	if [ -n "$timeout" ]; then
		runner=(timeout --kill-after=10 "$timeout")
		[ "$mode" != shell ] ||
			runner=(timeout --foreground --kill-after=10 "$timeout")
	fi
	if [ "$mode" = shell ] && [ -n "$tty_saved" ]; then
		# fd 4 is this script's stdin: a background job's is /dev/null.
		${runner[@]+"${runner[@]}"} qemu-system-x86_64 "${qemu_args[@]}" \
			<&4 2>"$tmp/qemu.stderr" &
	elif [ "$mode" = shell ]; then
		# Not a terminal: commands piped in.  Bytes that reach a serial
		# port before its driver is up are lost, so they are held back
		# until stage2.sh says the shell's line is ready.
		mkfifo "$tmp/stdin"
		(
			until [ -e "$results/shell" ] || [ -e "$results/status" ]; do
				sleep 0.2
			done
			exec cat <&4
		) >"$tmp/stdin" &
		tail_pids+=("$!")
		${runner[@]+"${runner[@]}"} qemu-system-x86_64 "${qemu_args[@]}" \
			<"$tmp/stdin" 2>"$tmp/qemu.stderr" &
	else
		${runner[@]+"${runner[@]}"} qemu-system-x86_64 "${qemu_args[@]}" \
			</dev/null 2>"$tmp/qemu.stderr" &
	fi
	qemu_pid=$!
	if [ "$mode" = run ]; then
		# The command's output as the guest writes it: the share is
		# mounted without a cache, so each write lands here at once.
		tail -n +1 -s 0.2 -f --pid="$qemu_pid" "$results/out" &
		tail_pids+=("$!")
		tail -n +1 -s 0.2 -f --pid="$qemu_pid" "$results/err" >&2 &
		tail_pids+=("$!")
	fi
	qemu_status=0
	wait "$qemu_pid" || qemu_status=$?
	qemu_pid=
	# Reaped, QEMU is gone for tail too: it prints the rest and ends.
	# The stdin feeder may still wait for input: it is not needed now.
	[ "$mode" != shell ] || kill ${tail_pids[@]+"${tail_pids[@]}"} 2>/dev/null || true
	for p in ${tail_pids[@]+"${tail_pids[@]}"}; do
		wait "$p" 2>/dev/null || true
	done
	tail_pids=()
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

# What the guest was, from its facts: kernel, cgroups, modules, timings.
say_facts() {
	local r=$tmp/results end
	[ -e "$r/facts" ] || return 0
	say "guest kernel $(fact kernel); cgroup2 ($(fact cgroup2))" \
		"subtree_control: $(fact subtree_control);" \
		"v1 hierarchies: $(fact 'v1 hierarchies')"
	say "guest modules: $(fact modules)"
	end=$(fact job_end)
	say "times (guest uptime): booted at $(sed -n 's/^booted //p' \
		"$r/booted")s, $what started at $(fact job_start)s" \
		"${end:+and ended at ${end}s}; wall ${wall}s for the run"
}

# How the guest ended: a failure of this script (fail exits), or the
# status that what ran in it ($what: bats, the command, the shell) wrote.
outcome() {
	local r=$tmp/results after=
	[ "$mode" != bats ] || after=" (after $tap_tests results)"
	if [ "$qemu_status" -eq 124 ] || [ "$qemu_status" -eq 137 ]; then
		if [ -e "$r/booted" ]; then
			fail "guest timed out after ${timeout}s while $what ran$after"
		fi
		fail "guest timed out after ${timeout}s before it booted" \
			"($(console_reason))"
	fi
	[ -e "$r/booted" ] ||
		fail "guest did not boot (qemu status $qemu_status): $(console_reason)"
	[ -e "$r/status" ] ||
		fail "guest stopped before $what finished: $(console_reason)"
	if [ -e "$r/hung" ]; then
		say "$what ran out of time; the guest's processes then:"
		sed 's/^/  hung| /' "$r/hung" >&2
		fail "$what timed out in the guest (run-vm.sh --timeout" \
			"$timeout)${after:+ after $tap_tests results}; its process" \
			"tree is on stderr"
	fi
	status=$(cat "$r/status")
	[[ "$status" =~ ^[0-9]+$ ]] || fail "guest wrote a bad $what status '$status'"
}

# --- main ------------------------------------------------------------------

if [ "$mode" = kernel ]; then
	find_kernel
	finished=1
	echo "$kernel"
	exit 0
fi

ensure_packages qemu-system-x86 busybox-static
find_kernel
resolve_modules
for n in "${order[@]}"; do
	case "${mod_path[$n]}" in
	*.xz) ensure_packages xz-utils ;;
	*.zst) ensure_packages zstd ;;
	esac
done

# The terminal --shell hands to the guest: its type and size (a serial
# line has no way to tell them).
term_name='' rows='' cols=''
if [ "$mode" = shell ] && [ -t 0 ]; then
	term_name=${TERM:-vt100}
	read -r rows cols < <(stty size 2>/dev/null) || true
	tty_saved=$(stty -g)
fi
exec 4<&0

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ctk-vm.XXXXXX")
if [ -n "${CTK_VM_LOG:-}" ]; then
	log=$CTK_VM_LOG
	: >"$log"
else
	log=$(mktemp "${TMPDIR:-/tmp}/ctk-vm-console.XXXXXX")
fi
mkdir "$tmp/results"
: >"$tmp/results/out"
: >"$tmp/results/err"
truncate -s 64M "$tmp/scratch.img"
build_initramfs
write_job
case "$mode" in
bats) what=bats ;;
run) what="the command" ;;
shell) what="the shell" ;;
esac
if [ "$mode" = shell ]; then
	say "booting the playground: $kernel under QEMU (TCG," \
		"emulated)${timeout:+ (timeout ${timeout}s)}"
else
	say "booting $kernel with ${#order[@]} modules (timeout ${timeout}s)"
fi
run_guest
wall=$((SECONDS - start))

r=$tmp/results
if [ "$mode" = bats ] && [ -s "$r/tap" ]; then
	cat "$r/tap"
	[ -z "$(tail -c 1 "$r/tap")" ] || echo
	tap_lines=$(grep -c '' "$r/tap" || true)
	tap_tests=$(grep -cE '^(not )?ok ' "$r/tap" || true)
fi
[ ! -s "$r/bats.stderr" ] || cat "$r/bats.stderr" >&2
[ "$mode" = shell ] || say_facts
outcome
case "$mode" in
bats)
	[ "$tap_tests" -gt 0 ] || fail "bats ran zero tests (bats status $status)"
	finished=1
	if [ "$status" -ne 0 ]; then
		say "bats failed in the guest (status $status)"
		show_log
	fi
	;;
run)
	finished=1
	[ "$status" -eq 0 ] || say "the command failed in the guest (status $status)"
	;;
shell)
	finished=1
	say "the playground is off; nothing done in it was kept"
	;;
esac
exit "$status"
