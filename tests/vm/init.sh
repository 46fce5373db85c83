#!/bin/busybox sh
# shellcheck shell=sh
# init.sh - /init of the vm tier's initramfs (stage 1, busybox sh).
#
# Loads the modules that run-vm.sh listed in /modules.list (already in
# dependency order), mounts the host's / read-only over 9p, stacks a
# writable overlayfs on it (upper and work on a tmpfs, so the host is never
# written), and switch_root(8)s into it to run stage2.sh with the host's
# bash.  switch_root, not chroot: pivot_root(2) inside the guest returns
# EINVAL when the caller's root is a chroot of the initramfs.
# Any failure prints "ctk-vm: FATAL: ..." on the console (run-vm.sh quotes
# it) and powers the guest off.

/bin/busybox mkdir -p /bin /dev /proc /sys /tmp /lower /rw /newroot
/bin/busybox --install -s /bin
export PATH=/bin

mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1
mount -t proc proc /proc
mount -t sysfs sysfs /sys

fatal() {
	echo "ctk-vm: FATAL: $*"
	echo o >/proc/sysrq-trigger || echo o >/newroot/proc/sysrq-trigger
	sleep 30
	exit 1
}

# STAGE2, the host path of stage2.sh, written by run-vm.sh.
# shellcheck source=/dev/null
. /ctk-vm.conf

# Each line: module name, then "required", "optional" or "soft" (one of
# the modules an alias names, such as crc32c_intel or crc32c_generic).
while read -r name need; do
	if insmod "/lib/modules/$name.ko" 2>/tmp/insmod.err; then
		continue
	fi
	case "$need" in
	required) fatal "insmod $name failed: $(cat /tmp/insmod.err)" ;;
	optional) echo "ctk-vm: warning: insmod $name failed (optional)" ;;
	*) echo "ctk-vm: note: insmod $name failed (an alternative)" ;;
	esac
done </modules.list

# cache=loose: the lower layer is read-only and does not change during a
# run, so the guest may cache it; that is most of the suite's speed.
# msize 512000 is the largest the virtio transport takes.
mount -t 9p -o "trans=virtio,version=9p2000.L,ro,msize=512000,cache=loose" \
	host /lower || fatal "mount -t 9p host /lower failed"
mount -t tmpfs -o mode=0755 tmpfs /rw || fatal "mount tmpfs /rw failed"
mkdir -p /rw/upper /rw/work
mount -t overlay overlay \
	-o lowerdir=/lower,upperdir=/rw/upper,workdir=/rw/work /newroot ||
	fatal "mount -t overlay /newroot failed"
[ -x /newroot/bin/bash ] || fatal "the host has no /bin/bash"
[ -r "/newroot$STAGE2" ] || fatal "stage 2 $STAGE2 not readable in the guest"

# Hand the kernel filesystems over, as util-linux switch_root does; the
# console stays open on the moved /dev.
for d in dev proc sys; do
	mount --move "/$d" "/newroot/$d" || fatal "mount --move /$d failed"
done
exec switch_root /newroot /bin/bash "$STAGE2"
