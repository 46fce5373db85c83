#!/usr/bin/env bats
# make install lays out binaries, man pages and the default rootfs.

load helpers

setup() { common_setup; }
teardown() { common_teardown; }

@test "install: DESTDIR gets binaries, man pages and the rootfs" {
	d=$SCRATCH/dest
	# WERROR=1 matches the flags make check built with: nothing rebuilds.
	run make -s -C "$TOP" WERROR=1 install DESTDIR="$d" PREFIX=/usr
	[ "$status" -eq 0 ]
	for t in chroot-demo pivot ns-unshare ns-enter ns-inspect timens cgroup-limit cg-workload netns-veth minicontainer; do
		[ -x "$d/usr/bin/$t" ]
		[ -f "$d/usr/share/man/man8/$t.8" ]
	done
	[ -x "$d/usr/share/ctk/rootfs/bin/busybox" ]
	[ -x "$d/usr/share/ctk/rootfs/bin/escape-probe" ]
	[ ! -e "$d/usr/share/ctk/rootfs/.stamp" ]
	[ -x "$d/usr/share/ctk/labs/doctor" ]
	[ -x "$d/usr/share/ctk/labs/01-chroot/lab" ]
}

@test "install: an installed lab runs from the installed tree" {
	d=$SCRATCH/dest
	make -s -C "$TOP" WERROR=1 install DESTDIR="$d" PREFIX=/usr
	# Only the installed tools are on PATH; the build tree's are not.
	run env PATH="$d/usr/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
		"$d/usr/share/ctk/labs/01-chroot/lab" --ci
	[ "$status" -eq 0 ]
	[[ "$output" == *"PASS 01-chroot: every check passed"* ]]
}

@test "install: an installed binary finds the installed rootfs" {
	d=$SCRATCH/dest
	make -s -C "$TOP" WERROR=1 install DESTDIR="$d" PREFIX=/usr
	echo installed-copy >"$d/usr/share/ctk/rootfs/etc/hostname"
	run --separate-stderr bash -c "echo 'cat /etc/hostname' | '$d/usr/bin/pivot' -q"
	[ "$status" -eq 0 ]
	[ "$output" = "installed-copy" ]
	# minicontainer finds it too, though it runs from a sealed copy.
	run --separate-stderr "$d/usr/bin/minicontainer" -q run --rm -- cat /etc/hostname
	[ "$status" -eq 0 ]
	[ "$output" = "installed-copy" ]
}
