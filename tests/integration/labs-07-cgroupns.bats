#!/usr/bin/env bats
# Lab 07 (cgroup namespaces): it passes in --ci mode and leaves nothing
# behind; each checker fails, with the right hint, on a state where the
# student did it wrong, and passes on a control.

load helpers

# The cgroup v2 mount: /sys/fs/cgroup on a pure v2 host, unified/ on hybrid.
cgroup2_mount() {
	awk '{ for (i = 7; $i != "-"; i++); if ($(i + 1) == "cgroup2") { print $5; exit } }' \
		/proc/self/mountinfo
}

setup() {
	common_setup
	ROOT=$(copy_rootfs)
	mkdir -p "$ROOT/sys/fs/cgroup"
	CHECK=$TOP/labs/07-cgroupns/check
	CGMNT=$(cgroup2_mount)
	[ -n "$CGMNT" ]
	HOME_CG=$CGMNT$(sed -n 's/^0:://p' /proc/self/cgroup)
	# A scratch cgroup, as the lab makes; REL is its name in /proc/PID/cgroup.
	CG=$(mktemp -d "$CGMNT/ctk-test07.XXXXXX")
	REL=/${CG##*/}
	mkdir "$CG/inner"
}

teardown() {
	local p i d
	kill_fixtures
	# Killed processes leave their cgroup when they are gone: retry.
	for ((i = 0; i < 50; i++)); do
		[ -d "${CG:-}" ] || break
		while read -r d; do
			while read -r p; do
				echo "$p" >"$HOME_CG/cgroup.procs" 2>/dev/null || true
			done <"$d/cgroup.procs"
			rmdir "$d" 2>/dev/null || true
		done < <(find "$CG" -depth -type d)
		[ -d "$CG" ] && sleep 0.1
	done
	common_teardown
}

# Run a command in the cgroup DIR, as the lab's cg_enter does.
in_cg() { (echo "$BASHPID" >"$1/cgroup.procs" && shift && exec "$@"); }


leftovers() {
	find /tmp -maxdepth 1 -name 'ctk-lab.*' | wc -l
	pgrep -f -x "(/bin/)?sleep 700[123]" | wc -l
	find "$CGMNT" -maxdepth 1 -name 'ctk-lab07.*' | wc -l
	mount_table | md5sum
}

@test "labs: 07-cgroupns passes in --ci mode and leaves nothing behind [vm]" {
	before=$(leftovers)
	run "$TOP/labs/07-cgroupns/lab" --ci
	[ "$status" -eq 0 ]
	[[ "$output" == *"/proc/self/cgroup reads 0::/"* ]]
	[[ "$output" == *"PASS process "*" reads 0::/ inside its cgroup namespace (cgroup:["*"]) and 0::/ctk-lab07."*" from the host"* ]]
	[[ "$output" == *"PASS process "*" moved to /ctk-lab07."*"/inner and reads 0::/inner inside"* ]]
	[[ "$output" == *"PASS process "*"'s cgroup2 mount at /sys/fs/cgroup is rooted at /ctk-lab07."* ]]
	[[ "$output" == *"PASS 07-cgroupns: every check passed"* ]]
	[ "$(leftovers)" = "$before" ]
}

@test "labs: 07 checker 'rooted' fails without a cgroup namespace, with the hint" {
	fixture 7011 in_cg "$CG"
	run "$CHECK" rooted "$FIXTURE" "$CG"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "process $FIXTURE shares the host's cgroup namespace: it reads 0::$REL inside too" ]
	[ "${lines[1]}" = "hint: start it with ns-unshare -C: without a cgroup namespace a process sees the whole hierarchy" ]
}

@test "labs: 07 checker 'rooted' fails outside the lab cgroup, with the hint" {
	fixture 7012 ns-unshare -q -C
	run "$CHECK" rooted "$FIXTURE" "$CG"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "process $FIXTURE reads 0::/ inside, but its cgroup is $(sed -n 's/^0:://p' /proc/self/cgroup), not the lab's $REL" ]
	[[ "${lines[1]}" == "hint: put the process in the lab cgroup before ns-unshare -C"* ]]
}

@test "labs: 07 checker 'rooted' fails when moved in after unshare; control passes" {
	# Unshared in the test's own cgroup, then moved into the lab's.
	fixture 7013 ns-unshare -q -C sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$CG"
	run "$CHECK" rooted "$FIXTURE" "$CG"
	[ "$status" -eq 1 ]
	[[ "${lines[0]}" == "process $FIXTURE is in $REL but reads 0::"*", not 0::/" ]]
	[[ "${lines[1]}" == "hint: it unshared in "*" and was moved into the lab cgroup afterwards"* ]]
	# Control: in the lab cgroup first, then unshared.
	fixture 7014 in_cg "$CG" ns-unshare -q -C
	run "$CHECK" rooted "$FIXTURE" "$CG"
	[ "$status" -eq 0 ]
	[[ "$output" == "process $FIXTURE reads 0::/ inside its cgroup namespace (cgroup:["*"]) and 0::$REL from the host: the namespace is rooted at $REL" ]]
}

@test "labs: 07 checker 'moved' fails on a process not moved, with the hint" {
	fixture 7021 in_cg "$CG" ns-unshare -q -C
	run "$CHECK" moved "$FIXTURE" "$CG" "$CG/inner"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "process $FIXTURE is still in $REL (it reads 0::/ inside)" ]
	[ "${lines[1]}" = "hint: move it from the host: echo $FIXTURE >$CG/inner/cgroup.procs (or cg_move $FIXTURE \"\$CG/inner\")" ]
	# Moved, but to the wrong cgroup.
	mkdir "$CG/other"
	echo "$FIXTURE" >"$CG/other/cgroup.procs"
	run "$CHECK" moved "$FIXTURE" "$CG" "$CG/inner"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "process $FIXTURE is in $REL/other, not $REL/inner (it reads 0::/other inside)" ]
	[[ "${lines[1]}" == "hint: move it into $CG/inner"* ]]
}

@test "labs: 07 checker 'moved' fails when unshared in the inner cgroup; control passes" {
	fixture 7022 in_cg "$CG/inner" ns-unshare -q -C
	run "$CHECK" moved "$FIXTURE" "$CG" "$CG/inner"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "process $FIXTURE is in $REL/inner and reads 0::/ inside: its namespace is rooted at $REL/inner itself" ]
	[[ "${lines[1]}" == "hint: it was already in $REL/inner when it unshared"* ]]
	# Control: unshared in CG, then moved.
	fixture 7023 in_cg "$CG" ns-unshare -q -C
	echo "$FIXTURE" >"$CG/inner/cgroup.procs"
	run "$CHECK" moved "$FIXTURE" "$CG" "$CG/inner"
	[ "$status" -eq 0 ]
	[ "$output" = "process $FIXTURE moved to $REL/inner and reads 0::/inner inside: its namespace root stayed at $REL, where it unshared" ]
}

@test "labs: 07 checker 'mounted' fails on a mount made outside the cgroup namespace; control passes" {
	fixture 7031 in_cg "$CG" ns-unshare -q -C pivot -q "$ROOT"
	run "$CHECK" mounted "$FIXTURE" "$CG"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "process $FIXTURE's mount table has no cgroup2 mount" ]
	[[ "${lines[1]}" == "hint: mount one inside the container: ns-enter -t $FIXTURE -m -C -- mount -t cgroup2"* ]]
	# Mounted from the container's mount namespace, but the host's
	# cgroup namespace: the mount shows the whole tree.
	ns-enter -q -t "$FIXTURE" -m -- mount -t cgroup2 cgroup2 /sys/fs/cgroup
	run "$CHECK" mounted "$FIXTURE" "$CG"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "process $FIXTURE's cgroup2 mount at /sys/fs/cgroup shows the whole hierarchy (root /)" ]
	[ "${lines[1]}" = "hint: a new cgroup2 mount is rooted at the MOUNTER's cgroup namespace root: in the container, umount /sys/fs/cgroup (cgroup2 mounted on cgroup2 fails with EBUSY), then mount it from inside its cgroup namespace too (ns-enter -m -C)" ]
	# The hint's way out: cgroup2 on cgroup2 is refused, unmounted first
	# it is not.
	run ns-enter -q -t "$FIXTURE" -m -C -- mount -t cgroup2 cgroup2 /sys/fs/cgroup
	[ "$status" -ne 0 ]
	[[ "$output" == *"Device or resource busy"* ]]
	ns-enter -q -t "$FIXTURE" -m -- umount /sys/fs/cgroup
	ns-enter -q -t "$FIXTURE" -m -C -- mount -t cgroup2 cgroup2 /sys/fs/cgroup
	run "$CHECK" mounted "$FIXTURE" "$CG"
	[ "$status" -eq 0 ]
	# Control: mounted from inside both namespaces at once.
	fixture 7032 in_cg "$CG" ns-unshare -q -C pivot -q "$ROOT"
	ns-enter -q -t "$FIXTURE" -m -C -- mount -t cgroup2 cgroup2 /sys/fs/cgroup
	run "$CHECK" mounted "$FIXTURE" "$CG"
	[ "$status" -eq 0 ]
	[ "$output" = "process $FIXTURE's cgroup2 mount at /sys/fs/cgroup is rooted at $REL (the host's name; inside it is /): the container sees only the lab cgroup's subtree" ]
	# What the container lists there: its own subtree, not the host's.
	run ns-enter -q -t "$FIXTURE" -m -- ls /sys/fs/cgroup
	[[ "$output" == *inner* ]]
	[[ "$output" != *"${CG##*/}"* ]]
}

@test "labs: 07 checker 'mounted' fails without a container, or in the wrong cgroup" {
	fixture 7033 in_cg "$CG" pivot -q "$ROOT"
	run "$CHECK" mounted "$FIXTURE" "$CG"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "process $FIXTURE shares the host's cgroup namespace: it reads 0::$REL inside too" ]
	fixture 7034 in_cg "$CG" ns-unshare -q -C
	run "$CHECK" mounted "$FIXTURE" "$CG"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "process $FIXTURE shares the host's mount namespace" ]
	[[ "${lines[1]}" == "hint: mount cgroup2 only inside the container"* ]]
	fixture 7035 in_cg "$CG/inner" ns-unshare -q -C pivot -q "$ROOT"
	ns-enter -q -t "$FIXTURE" -m -C -- mount -t cgroup2 cgroup2 /sys/fs/cgroup
	run "$CHECK" mounted "$FIXTURE" "$CG"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "process $FIXTURE's cgroup2 mount at /sys/fs/cgroup is rooted at $REL/inner, not $REL" ]
	[[ "${lines[1]}" == "hint: start the container in the lab cgroup"* ]]
}

@test "labs: 07 checker names a missing process and refuses bad usage" {
	run "$CHECK" rooted "" "$CG"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "no process found for the process in its cgroup namespace" ]
	[[ "${lines[1]}" == "hint: start it in the background (&)"* ]]
	run "$CHECK" bogus 1 "$CG"
	[ "$status" -eq 2 ]
	run "$CHECK" moved 1 "$CG"
	[ "$status" -eq 2 ]
}
