#!/usr/bin/env bats
# pivot: a mount namespace and pivot_root(2), the real root switch.

load helpers

setup() { common_setup; }
teardown() { common_teardown; }

@test "pivot: the command runs in the new root, stdout untouched" {
	root=$(copy_rootfs)
	echo "inside-$$" >"$root/etc/marker"
	run --separate-stderr pivot "$root" cat /etc/marker
	[ "$status" -eq 0 ]
	[ "$output" = "inside-$$" ]
	[[ "$stderr" == *"/.. is / itself"* ]]
}

@test "pivot: inside, the mount table holds only / and /proc" {
	run --separate-stderr pivot -q "$ROOTFS" cat /proc/self/mountinfo
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
	# Field 4 is the mount's root in its filesystem, field 5 its point.
	[ "$(echo "${lines[0]}" | cut -d' ' -f4,5)" = "$ROOTFS /" ]
	[[ "${lines[1]}" == *" /proc "*" - proc "* ]]
}

@test "pivot: the host's mount table is the same before and after" {
	before=$(mount_table)
	run pivot -q "$ROOTFS" sh -c 'mount -t tmpfs t /tmp && grep -c . /proc/mounts'
	[ "$status" -eq 0 ]
	[ "$output" = "3" ]
	[ "$(mount_table)" = "$before" ]
}

@test "pivot: breakout escapes under chroot-demo and is contained under pivot [vm]" {
	host_marker
	root=$(copy_rootfs)
	# Control: the same probe in the same root, under chroot(2).
	run --separate-stderr chroot-demo -q "$root" /bin/escape-probe \
		cat "$MARKER"
	[ "$status" -eq 0 ]
	[[ "$output" == *"escaped:"* ]]
	[ "${lines[-1]}" = "$MARKER_TEXT" ]
	# Under pivot_root(2) with the old root detached.
	run --separate-stderr pivot -q "$root" /bin/escape-probe cat "$MARKER"
	[ "$status" -eq 3 ]
	[[ "$output" == *"contained: the climb stopped at this root"* ]]
	[[ "$output" != *"$MARKER_TEXT"* ]]
	[ -z "$(find "$root" -maxdepth 1 -name '.escape-*')" ]
}

@test "pivot: the host's files are unreachable by path" {
	host_marker
	run --separate-stderr pivot -q "$ROOTFS" cat "$MARKER"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"No such file or directory"* ]]
	[ -z "$output" ]
}

@test "pivot: --pid makes the command PID 1 and /proc shows only it [vm]" {
	run --separate-stderr pivot -p "$ROOTFS" sh -c 'echo $$; ls /proc | grep -c "^[0-9]"'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "1" ]
	# sh, plus ls and grep of the pipeline.
	[ "${lines[1]}" -le 3 ]
	[[ "$stderr" == *"the command is PID 1 of its own PID namespace"* ]]
}

@test "pivot: control: without --pid, /proc shows the host's processes" {
	run --separate-stderr pivot "$ROOTFS" sh -c 'echo $$; test -d /proc/1'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" -gt 1 ]
	[[ "$stderr" == *"the host's too: a mount namespace isolates mounts, not processes"* ]]
}

@test "pivot: -v narrates every step in order" {
	run --separate-stderr pivot -v "$ROOTFS" /bin/true
	[ "$status" -eq 0 ]
	calls=$(printf '%s\n' "${stderr_lines[@]}" | sed -n 's/^pivot: \([a-z_0-9]*\)(.* = 0: .*/\1/p' | tr '\n' ' ')
	[ "$calls" = "unshare mount mount chdir mount pivot_root umount2 chdir " ]
	[[ "$stderr" == *'pivot_root(".", ".") = 0'* ]]
	[[ "$stderr" == *'mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) = 0'* ]]
}

@test "pivot: shared propagation makes pivot_root fail with EINVAL and a hint" {
	root=$(copy_rootfs)
	# A scratch mount namespace plays a systemd host whose / is shared:
	# cut from the real host first (private), then made shared.
	run unshare --mount --propagation private bash -c '
		mount --make-rshared /
		before=$(cat /proc/self/mountinfo | wc -l)
		"$0" --propagation unchanged "$1" /bin/true
		echo "status=$?"
		after=$(cat /proc/self/mountinfo | wc -l)
		echo "mounts=$before/$after"' "$BIN/pivot" "$root"
	[[ "$output" == *'pivot_root(".", "."): Invalid argument'* ]]
	[[ "$output" == *"hint: a mount involved has shared propagation"* ]]
	[[ "$output" == *"status=1"* ]]
	# The bind mount reached the "host" through propagation; it was undone.
	mounts=$(echo "$output" | sed -n 's/^mounts=//p')
	[ "${mounts%/*}" = "${mounts#*/}" ]
}

@test "pivot: private or slave propagation works on a shared host, no leak" {
	root=$(copy_rootfs)
	for mode in private slave; do
		run unshare --mount --propagation private bash -c '
			mount --make-rshared /
			before=$(cat /proc/self/mountinfo | wc -l)
			"$0" -q --propagation "$2" "$1" \
				sh -c "mount -t tmpfs t /tmp && echo mounted"
			echo "status=$?"
			after=$(cat /proc/self/mountinfo | wc -l)
			echo "mounts=$before/$after"' "$BIN/pivot" "$root" "$mode"
		[[ "$output" == *"mounted"* ]]
		[[ "$output" == *"status=0"* ]]
		mounts=$(echo "$output" | sed -n 's/^mounts=//p')
		[ "${mounts%/*}" = "${mounts#*/}" ]
	done
}

@test "pivot: the command's exit status and signal pass through" {
	run pivot -q "$ROOTFS" sh -c 'exit 7'
	[ "$status" -eq 7 ]
	run pivot -q -p "$ROOTFS" sh -c 'exit 9'
	[ "$status" -eq 9 ]
	run pivot -q "$ROOTFS" sh -c 'kill -TERM $$'
	[ "$status" -eq 143 ]
}

@test "pivot: bad input gives one line, its exit code, nothing left" {
	assert_bad_root_input pivot
	before=$(mount_table)
	run --separate-stderr pivot --propagation shared "$ROOTFS" true
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "pivot: unsupported propagation mode: shared" ]
	[ "${stderr_lines[1]}" = "Try 'pivot --help' for more information." ]
	[ "$(mount_table)" = "$before" ]
}

@test "pivot: as an unprivileged user unshare fails with EPERM and a hint" {
	before=$(mount_table)
	run --separate-stderr as_nobody "$BIN/pivot" "$ROOTFS" true
	[ "$status" -eq 1 ]
	[ "${stderr_lines[0]}" = "pivot: unshare(CLONE_NEWNS): Operation not permitted" ]
	[[ "${stderr_lines[1]}" == *"hint: creating these namespaces needs CAP_SYS_ADMIN"* ]]
	[ "$(mount_table)" = "$before" ]
}
