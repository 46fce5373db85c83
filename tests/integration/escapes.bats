#!/usr/bin/env bats
# The escape suite: each known way out of a container, tried by sys-probe
# (tests/probe/sys-probe.c) from inside minicontainer's default
# configuration, where it must fail, and again with only the defence it
# targets lifted (or under a runtime without it), where it must get the
# other answer: no test here passes because the attempt was broken.
# Where a defence has two layers (seccomp and a dropped capability), each
# layer is lifted alone first and still holds.  Every attempt is harmless
# if it succeeds: nothing is written, the hostname and the clock are set
# to what they are, modules and kexec get invalid fds.
#
# Proven elsewhere, with their controls (not repeated here): the chroot
# ".." breakout, writes to /proc/sys, /proc/sysrq-trigger and /sys,
# /proc/kcore, leaked fds and --workdir through one (minicontainer.bats);
# hostile images, each refused (images.bats).

load helpers

MC=minicontainer

setup() { probe_setup; }

teardown() {
	kill_fixtures
	[ "$(container_host_state)" = "$HOST_BEFORE" ]
	common_teardown
}

# "MAJ:MIN" of a block device the host itself may open (a sandbox may
# deny some): an unbound loop device first, where nothing is read.
block_dev() {
	local d name
	for d in /sys/dev/block/7:* /sys/dev/block/*; do
		[ -e "$d/uevent" ] || continue
		name=$(sed -n 's/^DEVNAME=//p' "$d/uevent")
		if [ "$("$PROBE" open-r "/dev/$name")" = "open-r: ok" ]; then
			echo "${d##*/}"
			return
		fi
	done
}

@test "escapes: a fresh proc cannot be mounted: seccomp and no CAP_SYS_ADMIN, each alone (control: both lifted, it mounts) [vm]" {
	run mc "$ROOT" -- sys-probe mount-proc /tmp
	[ "$output" = "mount-proc: EPERM" ]
	run mc --seccomp unconfined "$ROOT" -- sys-probe mount-proc /tmp
	[ "$output" = "mount-proc: EPERM" ]
	run mc --cap-add SYS_ADMIN "$ROOT" -- sys-probe mount-proc /tmp
	[ "$output" = "mount-proc: EPERM" ]
	run mc --cap-add SYS_ADMIN --seccomp unconfined "$ROOT" -- sys-probe mount-proc /tmp
	[ "$output" = "mount-proc: ok" ]
}

@test "escapes: a host block device: no node, no mknod, no mount (control: CAP_MKNOD makes and opens it; SYS_ADMIN unconfined takes it to a mount) [vm]" {
	mm=$(block_dev)
	[ -n "$mm" ]
	probes="sys-probe mknod /dev/probe-blk $mm; sys-probe open-r /dev/probe-blk; sys-probe mount-dev /dev/probe-blk ext4 /tmp"
	run mc "$ROOT" -- sh -c "ls /dev | grep -c -v -x -E 'null|zero|full|random|urandom|tty|ptmx|pts|fd|stdin|stdout|stderr|shm|mqueue|console'; $probes"
	# The container's /dev holds no disk at all.
	[ "${lines[0]}" = "0" ]
	[ "${lines[1]}" = "mknod: EPERM" ]
	[ "${lines[2]}" = "open-r: ENOENT" ]
	[ "${lines[3]}" = "mount-dev: EPERM" ]
	# Control: with CAP_MKNOD the node is made and the host's disk opens
	# (read-only, and closed): only the capability stood in the way.
	run mc --cap-add MKNOD "$ROOT" -- sh -c "$probes"
	[ "${lines[0]}" = "mknod: ok" ]
	[ "${lines[1]}" = "open-r: ok" ]
	[ "${lines[2]}" = "mount-dev: EPERM" ]
	# And with SYS_ADMIN outside seccomp, the mount reaches the device:
	# its answer is the device's own (no ext4 there: EINVAL, an unbound
	# loop device: ENXIO), no longer EPERM.
	run mc --cap-add MKNOD --cap-add SYS_ADMIN --seccomp unconfined "$ROOT" -- sh -c "$probes"
	echo "$mm: $output"
	[ "${lines[0]}" = "mknod: ok" ]
	[[ "${lines[2]}" == "mount-dev: "* ]]
	[ "${lines[2]}" != "mount-dev: EPERM" ]
}

@test "escapes: /proc/keys reads empty (control: a bare /proc lists keys) [vm]" {
	[ -e /proc/keys ] || skip "no /proc/keys (CONFIG_KEYS)"
	run mc "$ROOT" -- sys-probe read /proc/keys
	[ "$output" = "read /proc/keys: 0 bytes" ]
	run unshare -m -p -f --mount-proc="$ROOT/proc" chroot "$ROOT" sys-probe read /proc/keys
	[[ "$output" =~ ^read\ /proc/keys:\ [1-9][0-9]*\ bytes$ ]]
}

@test "escapes: /sys does not open for writing (control: a sysfs mounted read-write does) [vm]" {
	knob=/sys/kernel/rcu_expedited
	[ -e "$knob" ] || knob=/sys/kernel/mm/transparent_hugepage/enabled
	[ -e "$knob" ] || skip "no $knob (CONFIG_TREE_RCU, CONFIG_TRANSPARENT_HUGEPAGE)"
	run mc "$ROOT" -- sys-probe open-w "$knob"
	[ "$output" = "open-w $knob: EROFS" ]
	# Control: the same root with sysfs mounted read-write; opened and
	# closed, nothing written.
	run unshare -m -n --propagation private sh -c "mount -t sysfs sysfs '$ROOT/sys' && chroot '$ROOT' sys-probe open-w $knob"
	[ "$output" = "open-w $knob: ok" ]
}

@test "escapes: finit_module and kexec_file_load: seccomp and no capability, each alone (control: both lifted, the kernel reads the fd) [vm]" {
	try() {	# CAP: the four results of the probe, default first
		local cap=$1 what=$2
		run mc "$ROOT" -- sys-probe "$what"
		echo "$output"
		run mc --seccomp unconfined "$ROOT" -- sys-probe "$what"
		echo "$output"
		run mc --cap-add "$cap" "$ROOT" -- sys-probe "$what"
		echo "$output"
		run mc --cap-add "$cap" --seccomp unconfined "$ROOT" -- sys-probe "$what"
		echo "$output"
	}
	for t in "SYS_MODULE finit_module finit_module" "SYS_BOOT kexec kexec_file_load"; do
		read -r cap what name <<<"$t"
		mapfile -t r < <(try "$cap" "$what")
		echo "$name: ${r[*]}"
		[ "${r[0]}" = "$name: EPERM" ]
		[ "${r[2]}" = "$name: EPERM" ]
		if [ "${r[1]}" = "$name: ENOSYS" ]; then
			# A kernel built without the call: seccomp is still
			# the difference (EPERM before the kernel's ENOSYS).
			[ "${r[3]}" = "$name: ENOSYS" ]
		else
			[ "${r[1]}" = "$name: EPERM" ]
			[ "${r[3]}" = "$name: EBADF" ]
		fi
	done
}

@test "escapes: sethostname: no CAP_SYS_ADMIN; with it, the container's UTS namespace only (control: --uts host too reaches the host's, set to itself) [vm]" {
	host_uts=$(readlink /proc/self/ns/uts)
	run mc "$ROOT" -- sys-probe sethostname
	[ "$output" = "sethostname: EPERM" ]
	run mc --uts host "$ROOT" -- sh -c 'readlink /proc/self/ns/uts; sys-probe sethostname'
	[ "${lines[0]}" = "$host_uts" ]
	[ "${lines[1]}" = "sethostname: EPERM" ]
	# With the capability, a new name is the container's own.
	run mc --cap-add SYS_ADMIN "$ROOT" -- sh -c 'readlink /proc/self/ns/uts; hostname escape-probe && hostname'
	[ "${lines[0]}" != "$host_uts" ]
	[ "${lines[1]}" = "escape-probe" ]
	[ "$(hostname)" != "escape-probe" ]
	run mc --uts host --cap-add SYS_ADMIN "$ROOT" -- sys-probe sethostname
	[ "$output" = "sethostname: ok" ]
}

@test "escapes: clock_settime: seccomp and no CAP_SYS_TIME, each alone (control: both lifted, the clock is set to its own reading) [vm]" {
	run mc "$ROOT" -- sys-probe clock_settime
	[ "$output" = "clock_settime: EPERM" ]
	run mc --seccomp unconfined "$ROOT" -- sys-probe clock_settime
	[ "$output" = "clock_settime: EPERM" ]
	run mc --cap-add SYS_TIME "$ROOT" -- sys-probe clock_settime
	[ "$output" = "clock_settime: EPERM" ]
	run mc --cap-add SYS_TIME --seccomp unconfined "$ROOT" -- sys-probe clock_settime
	[ "$output" = "clock_settime: ok" ]
}

@test "escapes: an outer process is not seen, signalled or traced (control: --pid host sees and signals it; with SYS_PTRACE traces it) [vm]" {
	fixture 3617
	pid=$FIXTURE
	probes="if [ -e /proc/$pid ]; then echo seen; else echo unseen; fi; sys-probe kill $pid; sys-probe ptrace $pid"
	run mc "$ROOT" -- sh -c "$probes"
	[ "${lines[0]}" = "unseen" ]
	[ "${lines[1]}" = "kill: ESRCH" ]
	[ "${lines[2]}" = "ptrace: ESRCH" ]
	run mc --pid host "$ROOT" -- sh -c "$probes"
	[ "${lines[0]}" = "seen" ]
	[ "${lines[1]}" = "kill: ok" ]
	# The host's process holds capabilities the container lacks.
	[ "${lines[2]}" = "ptrace: EPERM" ]
	run mc --pid host --cap-add SYS_PTRACE "$ROOT" -- sh -c "$probes"
	[ "${lines[2]}" = "ptrace: ok" ]
	# Seized, not stopped; let go when the probe ended.
	grep -q '^TracerPid:	0$' "/proc/$pid/status"
	grep -q '^State:	S' "/proc/$pid/status"
}

@test "escapes: --net none reaches no outer address (control: --net host connects) [vm]" {
	export ROOT
	# shellcheck disable=SC2016 # expanded by scratch_net's bash
	run scratch_net '
		ip addr add 198.18.0.1/32 dev lo
		timeout 10 "$ROOT/bin/busybox" nc -l -p 18080 >/dev/null &
		sleep 0.2
		minicontainer -q run --rm "$ROOT" -- sys-probe connect 198.18.0.1 18080 || true
		minicontainer -q run --rm --net host "$ROOT" -- sys-probe connect 198.18.0.1 18080 || true
		wait
		ip addr del 198.18.0.1/32 dev lo'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "connect: ENETUNREACH" ]
	[ "${lines[1]}" = "connect: ok" ]
}

@test "escapes: a setuid-root binary gives no root under no_new_privs (control: no-new-privileges=false) [vm]" {
	cp "$PROBE" "$ROOT/bin/suid-probe"
	chmod 4755 "$ROOT/bin/suid-probe"
	run mc --user 1000:1000 "$ROOT" -- suid-probe ids
	[ "$output" = "uid 1000 euid 1000" ]
	run mc --user 1000:1000 --security-opt no-new-privileges=false "$ROOT" -- suid-probe ids
	[ "$output" = "uid 1000 euid 0" ]
}

@test "escapes: a dropped capability cannot be raised again (control: --cap-add keeps it to raise) [vm]" {
	# 21 is CAP_SYS_ADMIN, 16 CAP_SYS_MODULE.
	run mc "$ROOT" -- sh -c 'sys-probe capset 21; sys-probe capset 16'
	[ "${lines[0]}" = "capset: EPERM" ]
	[ "${lines[1]}" = "capset: EPERM" ]
	run mc --cap-add SYS_ADMIN --cap-add SYS_MODULE "$ROOT" -- sh -c 'sys-probe capset 21; sys-probe capset 16'
	[ "${lines[0]}" = "capset: ok" ]
	[ "${lines[1]}" = "capset: ok" ]
}

@test "escapes: a nested user namespace: seccomp denies it; unconfined, its capabilities reach only namespaces of its own [vm]" {
	run mc "$ROOT" -- sys-probe userns-caps
	[ "$output" = "unshare(CLONE_NEWUSER): EPERM" ]
	run mc --seccomp unconfined "$ROOT" -- sys-probe userns-caps
	[ "${lines[0]}" = "unshare(CLONE_NEWUSER): ok" ]
	# Every capability, in the new user namespace ...
	[[ "${lines[1]}" =~ ^CapEff:.*ff$ ]]
	# ... which does not own the container's UTS namespace ...
	[ "${lines[2]}" = "sethostname: EPERM" ]
	# ... but owns one it makes: there the same call works.
	[ "${lines[3]}" = "unshare(CLONE_NEWUTS): ok" ]
	[ "${lines[4]}" = "sethostname: ok" ]
}

@test "escapes: the runtime's binary cannot be written through /proc/PID/exe (control: one run from a host file can, once it exits: CVE-2019-5736 class) [vm]" {
	run mc --cap-add SYS_PTRACE "$ROOT" -- sys-probe exe-reopen 1
	[ "${lines[0]}" = "exe: /memfd:minicontainer (deleted)" ]
	# Sealed: no write even once nothing executes it; and init lives on.
	[ "${lines[1]}" = "seals: write" ]
	[ "${lines[2]}" = "reopen-w: ETXTBSY" ]
	# Control: a "runtime" run from a file on the host, seen with --pid
	# host: the held link reopens for writing once it has exited.
	cp "$(command -v sleep)" "$SCRATCH/runtime"
	sum=$(md5sum <"$SCRATCH/runtime")
	"$SCRATCH/runtime" 3671 </dev/null >/dev/null 2>&1 &
	pid=$!
	FIXTURE_PIDS+=("$pid")
	run mc --pid host --cap-add SYS_PTRACE "$ROOT" -- sys-probe exe-reopen "$pid"
	[ "${lines[0]}" = "exe: $SCRATCH/runtime" ]
	[ "${lines[1]}" = "seals: none" ]
	[ "${lines[2]}" = "reopen-w: ok" ]
	# Opened, never written.
	[ "$(md5sum <"$SCRATCH/runtime")" = "$sum" ]
}

@test "escapes: a leaked directory fd leads nowhere (control: under chroot-demo it reaches a host file, CVE-2024-21626 class) [vm]" {
	host_marker
	run mc "$ROOT" -- sys-probe fchdir 7 host-only-marker 7<"$SCRATCH"
	[ "$output" = "fchdir: EBADF" ]
	run chroot-demo -q "$ROOT" /bin/sys-probe fchdir 7 host-only-marker 7<"$SCRATCH"
	[ "$output" = "fchdir: host-only-marker: $MARKER_TEXT" ]
}

@test "escapes: symlinks planted as /dev/null and /proc lead nowhere (control: a host-side mount follows them, CVE-2025-31133 class) [vm]" {
	host_marker
	kcore=/proc/kcore
	[ -e /proc/kcore ] || kcore=/proc/timer_list
	# /dev/null planted as a link to a host file: the runtime's /dev is
	# its own tmpfs, and the masks are bound from its own null device.
	rm -f "$ROOT/dev/null"
	ln -s "$MARKER" "$ROOT/dev/null"
	run mc "$ROOT" -- sh -c "stat -c '%F %t:%T' /dev/null; sys-probe read /dev/null; sys-probe read $kcore"
	[ "${lines[0]}" = "character special file 1:3" ]
	[ "${lines[1]}" = "read /dev/null: 0 bytes" ]
	[ "${lines[2]}" = "read $kcore: 0 bytes" ]
	[ "$(cat "$MARKER")" = "$MARKER_TEXT" ]
	# Control: a mount made from the host's side of the same root lands
	# on the host file (in a mount namespace of its own).
	touch "$SCRATCH/target"
	run unshare -m --propagation private sh -c "mount --bind '$ROOT/dev/null' '$SCRATCH/target' && cat '$SCRATCH/target'"
	[ "$output" = "$MARKER_TEXT" ]

	# /proc planted as a link to a host directory: refused.
	mkdir "$SCRATCH/hostdir"
	rm -rf "$ROOT/proc"
	ln -s "$SCRATCH/hostdir" "$ROOT/proc"
	run --separate-stderr mc "$ROOT" -- true
	echo "status $status: $stderr"
	# One line, 125, however the runtime's "go" races init's refusal.
	[ "$status" -eq 125 ]
	[ "$stderr" = "minicontainer: the root's /proc is not a directory (a symlink would redirect the mount): refused" ]
	# Control: a proc mounted on the root's /proc from outside lands on
	# the host directory.
	run unshare -m -p -f --propagation private sh -c "mount -t proc proc '$ROOT/proc' && ls '$SCRATCH/hostdir' | grep -c -x 1"
	[ "$output" = "1" ]
	[ -z "$(ls -A "$SCRATCH/hostdir")" ]
}

# An OCI layout at $1 of one image whose one layer is the tar $2.
oci_layout() {
	local out=$1 layer=$2 l c m lsize csize msize
	mkdir -p "$out/blobs/sha256"
	blob() {	# FILE: store it under its digest, print "DIGEST SIZE"
		local d
		d=$(sha256sum "$1" | cut -d' ' -f1)
		cp "$1" "$out/blobs/sha256/$d"
		echo "$d $(stat -c %s "$1")"
	}
	read -r l lsize < <(blob "$layer")
	printf '{"architecture":"amd64","os":"linux","config":{},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
		"$l" >"$SCRATCH/config.json"
	read -r c csize < <(blob "$SCRATCH/config.json")
	printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:%s","size":%s}]}' \
		"$c" "$csize" "$l" "$lsize" >"$SCRATCH/manifest.json"
	read -r m msize < <(blob "$SCRATCH/manifest.json")
	printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"hostile"}}]}' \
		"$m" "$msize" >"$out/index.json"
	echo '{"imageLayoutVersion":"1.0.0"}' >"$out/oci-layout"
}

@test "escapes: a hostile layer writes nothing outside its directory (control: tar -P, trusting its names, does) [vm]" {
	mkdir -p "$SCRATCH/src/x" "$SCRATCH/out" "$SCRATCH/a/b" "$SCRATCH/c"
	echo escaped >"$SCRATCH/src/escaped"
	echo planted >"$SCRATCH/src/x/planted"
	ln -s "$SCRATCH/out" "$SCRATCH/src/evil"
	# '../escaped', and 'evil -> $SCRATCH/out' then 'evil/planted'.
	tar -C "$SCRATCH/src" -cf "$SCRATCH/dotdot.tar" --absolute-names \
		--transform='s,^escaped$,../escaped,' escaped
	tar -C "$SCRATCH/src" -cf "$SCRATCH/through.tar" \
		--transform='flags=r;s,^x/,evil/,' evil x/planted
	oci_layout "$SCRATCH/dotdot" "$SCRATCH/dotdot.tar"
	oci_layout "$SCRATCH/through" "$SCRATCH/through.tar"
	run --separate-stderr "$MC" --storage "$SCRATCH/store" image load "$SCRATCH/dotdot"
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"entry '../escaped' leaves the layer"* ]]
	run --separate-stderr "$MC" --storage "$SCRATCH/store" image load "$SCRATCH/through"
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"entry 'evil/planted' is reached through a symlink"* ]]
	[ -z "$(find "$SCRATCH/store" -path '*escaped*' 2>/dev/null)" ]
	[ ! -e "$SCRATCH/escaped" ] && [ -z "$(ls -A "$SCRATCH/out")" ]
	# Control: extracted by names taken as they are, both land outside.
	tar -xPf "$SCRATCH/dotdot.tar" -C "$SCRATCH/a/b"
	tar -xPf "$SCRATCH/through.tar" -C "$SCRATCH/c"
	[ "$(cat "$SCRATCH/a/escaped")" = escaped ]
	[ "$(cat "$SCRATCH/out/planted")" = planted ]
}
