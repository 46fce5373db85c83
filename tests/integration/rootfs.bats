#!/usr/bin/env bats
# make rootfs: small, deterministic, self-contained.

load helpers

setup() { common_setup; }
teardown() { common_teardown; }

tree_digest() {
	(cd "$1" && find . -printf '%p %y %m %s %T@ %l\n' | sort &&
		find . -type f -exec md5sum {} + | sort -k2) | md5sum
}

@test "rootfs: two builds are the same tree, file for file, time for time" {
	"$TOP/scripts/mkrootfs.sh" "$SCRATCH/a" "$BIN/escape-probe" >/dev/null
	sleep 1.1
	"$TOP/scripts/mkrootfs.sh" "$SCRATCH/b" "$BIN/escape-probe" >/dev/null
	[ "$(tree_digest "$SCRATCH/a")" = "$(tree_digest "$SCRATCH/b")" ]
	# Control: a changed file changes the digest.
	echo changed >"$SCRATCH/b/etc/hostname"
	[ "$(tree_digest "$SCRATCH/a")" != "$(tree_digest "$SCRATCH/b")" ]
}

@test "rootfs: static, small, and every applet link resolves inside it" {
	[ "$(du -sm "$ROOTFS" | cut -f1)" -lt 10 ]
	run file -L "$ROOTFS/bin/busybox"
	[[ "$output" == *"statically linked"* ]]
	run file -L "$ROOTFS/bin/escape-probe"
	[[ "$output" == *"statically linked"* ]]
	# No link points outside the tree (all are relative).
	[ -z "$(find "$ROOTFS" -type l -lname '/*')" ]
	[ -z "$(find -L "$ROOTFS" -type l)" ]
	run chroot "$ROOTFS" /bin/sh -c 'ls /bin/ls && cat /etc/hostname'
	[ "$status" -eq 0 ]
	[ "${lines[1]}" = "ctk" ]
}

@test "rootfs: a dynamically linked busybox is refused with one line" {
	run "$TOP/scripts/mkrootfs.sh" "$SCRATCH/c"
	[ "$status" -eq 0 ]
	run env BUSYBOX=/bin/ls "$TOP/scripts/mkrootfs.sh" "$SCRATCH/d"
	[ "$status" -eq 1 ]
	[ ! -e "$SCRATCH/d" ]
	[ -z "$(find "$SCRATCH" -maxdepth 1 -name 'd.tmp.*')" ]
}
