#!/usr/bin/env bats
# chroot-demo: chroot(2) isolates the filesystem view and nothing else.

load helpers

setup() { common_setup; }
teardown() { common_teardown; }

@test "chroot-demo: the command sees the new root's files on stdout, alone" {
	root=$(copy_rootfs)
	echo "inside-$$" >"$root/etc/marker"
	run --separate-stderr chroot-demo "$root" cat /etc/marker
	[ "$status" -eq 0 ]
	[ "$output" = "inside-$$" ]
	[[ "$stderr" == *"isolated:     filesystem view: / is now $root"* ]]
}

@test "chroot-demo: evidence shows processes, hostname, network, mounts shared" {
	run --separate-stderr chroot-demo "$ROOTFS" /bin/true
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[[ "$stderr" == *"processes: kill(1, 0) = 0"* ]]
	[[ "$stderr" == *"hostname: uname() still says \"$(uname -n)\""* ]]
	[[ "$stderr" == *"mnt:[$(stat -L -c %i /proc/self/ns/mnt)]"* ]]
	[[ "$stderr" == *"net:[$(stat -L -c %i /proc/self/ns/net)]"* ]]
	[[ "$stderr" == *"CAP_SYS_CHROOT kept"* ]]
}

@test "chroot-demo: the hostname inside is the host's (no UTS isolation)" {
	run --separate-stderr chroot-demo -q "$ROOTFS" hostname
	[ "$status" -eq 0 ]
	[ "$output" = "$(uname -n)" ]
	[ -z "$stderr" ]
}

@test "chroot-demo: the default root is the busybox rootfs, default command sh" {
	run --separate-stderr bash -c 'echo "cat /etc/hostname" | chroot-demo -q'
	[ "$status" -eq 0 ]
	[ "$output" = "ctk" ]
}

@test "chroot-demo: --escape reaches the host's / and runs the command there [vm]" {
	host_marker
	root=$(copy_rootfs)
	run --separate-stderr chroot-demo --escape "$root" cat "$MARKER"
	[ "$status" -eq 0 ]
	[ "$output" = "$MARKER_TEXT" ]
	[[ "$stderr" == *"ESCAPED: / is the host's / again"* ]]
	# The breakout's scratch directory is gone.
	[ -z "$(find "$root" -maxdepth 1 -name '.escape-*')" ]
}

@test "chroot-demo: control: without --escape the host file is not there" {
	host_marker
	run --separate-stderr chroot-demo "$ROOTFS" cat "$MARKER"
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[[ "$stderr" == *"No such file or directory"* ]]
}

@test "chroot-demo: escape-probe inside the chroot escapes" {
	host_marker
	root=$(copy_rootfs)
	run --separate-stderr chroot-demo -q "$root" /bin/escape-probe \
		cat "$MARKER"
	[ "$status" -eq 0 ]
	[[ "$output" == *"escaped: / is now above the root"* ]]
	[ "${lines[-1]}" = "$MARKER_TEXT" ]
}

@test "chroot-demo: -v narrates the calls as written" {
	run --separate-stderr chroot-demo -v --escape "$ROOTFS" /bin/true
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"chroot-demo: chroot(\"$ROOTFS\") = 0: "* ]]
	[[ "$stderr" == *'chroot-demo: chdir("/") = 0: '* ]]
	[[ "$stderr" == *'chroot-demo: chroot(".") = 0: '* ]]
}

@test "chroot-demo: the command's exit status and signal pass through" {
	run chroot-demo -q "$ROOTFS" sh -c 'exit 7'
	[ "$status" -eq 7 ]
	run chroot-demo -q "$ROOTFS" sh -c 'kill -TERM $$'
	[ "$status" -eq 143 ]
}

@test "chroot-demo: bad input gives one line, its exit code, nothing left" {
	assert_bad_root_input chroot-demo
	before=$(mount_table)
	# --escape looks the command up on the host, where it runs.
	run -127 --separate-stderr chroot-demo --escape "$ROOTFS" no-such-command
	[ "$stderr" = "chroot-demo: no-such-command: not found in the host's /" ]
	[ "$(mount_table)" = "$before" ]
}

@test "chroot-demo: as an unprivileged user chroot fails with EPERM and a hint" {
	before=$(mount_table)
	run --separate-stderr as_nobody "$BIN/chroot-demo" "$ROOTFS" true
	[ "$status" -eq 1 ]
	[ "${stderr_lines[0]}" = "chroot-demo: chroot(\"$ROOTFS\"): Operation not permitted" ]
	[[ "${stderr_lines[1]}" == *"hint: chroot(2) needs CAP_SYS_CHROOT"* ]]
	[ "$(mount_table)" = "$before" ]
}
