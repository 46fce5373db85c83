#!/usr/bin/env bats
# Lab 08 (user namespaces and rootless): it passes in --ci mode and leaves
# nothing behind; each checker fails, with the right hint, on a state where
# the student did it wrong, and passes on a control.

load helpers

setup() {
	common_setup
	CHECK=$TOP/labs/08-user/check
	# A file only the host's root may read, as the lab makes.
	SECRET=$SCRATCH/secret
	echo "only root" >"$SECRET"
	chmod 0600 "$SECRET"
}

teardown() {
	kill_fixtures
	common_teardown
}


leftovers() {
	find /tmp -maxdepth 1 -name 'ctk-lab.*' | wc -l
	# The sleeps, and the setpriv and ns-unshare that led to them.
	pgrep -f "sleep 800[123]\$" | wc -l
	mount_table | md5sum
}

@test "labs: 08-user passes in --ci mode and leaves nothing behind [vm]" {
	before=$(leftovers)
	run "$TOP/labs/08-user/lab" --ci
	[ "$status" -eq 0 ]
	[[ "$output" == *"PASS process "*" is uid 0 with all "*" capabilities in its own user namespace (uid_map: 0 65534 1; gid_map: 0 65534 1; setgroups: deny); the host sees uid 65534"* ]]
	[[ "$output" == *"hostname: you must be root to change the host name"* ]]
	[[ "$output" == *"/secret: Permission denied"* ]]
	[[ "$output" == *"PASS process "*"'s own UTS namespace is named 'rootless' (the host's is still '$(hostname)')"* ]]
	[[ "$output" == *'write("/proc/'*'/gid_map", "0 65534 1"): Operation not permitted'* ]]
	[[ "$output" == *"100000 100000"*"made-inside"* ]]
	[[ "$output" == *"PASS process "*"'s user namespace maps uids 0 100000 65536 and gids 0 100000 65536"* ]]
	[[ "$output" == *"PASS 08-user: every check passed"* ]]
	[ "$(leftovers)" = "$before" ]
}

@test "labs: 08 checker 'rootless' fails on a namespace made by root, with the hint" {
	fixture 8011 ns-unshare -q -U -r
	run "$CHECK" rootless "$FIXTURE"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "process $FIXTURE's user namespace maps uid 0 to the host's root (uid_map: 0 0 1)" ]
	[ "${lines[1]}" = "hint: it was made by root: run it as the unprivileged user (setpriv --reuid=65534 --regid=65534 --clear-groups ns-unshare -U -r ...)" ]
	# Control: the same made by nobody.
	fixture 8012 as_nobody ns-unshare -q -U -r
	run "$CHECK" rootless "$FIXTURE"
	[ "$status" -eq 0 ]
	[[ "$output" == "process $FIXTURE is uid 0 with all $(($(cat /proc/sys/kernel/cap_last_cap) + 1)) capabilities in its own user namespace (uid_map: 0 65534 1; gid_map: 0 65534 1; setgroups: deny); the host sees uid 65534"* ]]
}

@test "labs: 08 checker 'rootless' fails without -U, or without a map" {
	fixture 8013 as_nobody
	run "$CHECK" rootless "$FIXTURE"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "process $FIXTURE is in the host's user namespace (uid 65534)" ]
	[[ "${lines[1]}" == "hint: add -U (ns-unshare -U -r)"* ]]
	fixture 8014 as_nobody ns-unshare -q -U
	run "$CHECK" rootless "$FIXTURE"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "process $FIXTURE's user namespace has no uid map: it is the overflow uid 65534 inside, with no capabilities" ]
	[ "${lines[1]}" = "hint: map your uid to 0 inside: ns-unshare -U -r (--map-root-user)" ]
	# The kernel agrees: no capability survived execve.
	grep -q '^CapEff:[[:space:]]*0000000000000000$' "/proc/$FIXTURE/status"
	fixture 8015 as_nobody ns-unshare -q --map-user 1000
	run "$CHECK" rootless "$FIXTURE"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "process $FIXTURE is not uid 0 in its user namespace (uid_map: 1000 65534 1; it is host uid 65534)" ]
	[ "${lines[1]}" = "hint: map your own uid to 0: ns-unshare -U -r" ]
}

@test "labs: 08 checker 'rootless' names the setgroups rule when gid_map is empty" {
	fixture 8016 as_nobody ns-unshare -q --map-user 0
	run "$CHECK" rootless "$FIXTURE"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "process $FIXTURE's gid_map is empty: its gid is the overflow 65534 inside (setgroups: allow)" ]
	[[ "${lines[1]}" == "hint: map your group too (-r maps both); an unprivileged user may write gid_map only after writing \"deny\" to /proc/PID/setgroups (--setgroups deny)"* ]]
	# The rule itself: with setgroups allowed, nobody's gid_map write fails.
	run --separate-stderr as_nobody ns-unshare -q -U --map-user 0 --map-group 0 --setgroups allow -- true
	[ "$status" -eq 1 ]
	[[ "$stderr" == *'write("/proc/'*'/gid_map", "0 65534 1"): Operation not permitted'* ]]
}

@test "labs: 08 checker 'rootless' fails when capabilities were dropped" {
	fixture 8017 as_nobody ns-unshare -q -U -r setpriv --bounding-set=-sys_admin
	run "$CHECK" rootless "$FIXTURE"
	[ "$status" -eq 1 ]
	all=$(($(cat /proc/sys/kernel/cap_last_cap) + 1))
	[ "${lines[0]}" = "process $FIXTURE has $((all - 1)) of $all capabilities in its user namespace" ]
	[[ "${lines[1]}" == "hint: a process that execs as uid 0 of its user namespace gets every capability there"* ]]
}

@test "labs: 08 checker 'confined' fails when root made the namespace: the probe reads the file" {
	fixture 8021 ns-unshare -q -U -r -u --hostname rootless
	run "$CHECK" confined "$FIXTURE" "$SECRET"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "a probe, root in process $FIXTURE's user namespace (uid_map: 0 0 1), read $SECRET" ]
	[[ "${lines[1]}" == "hint: uid 0 there is the host's root, because root made the namespace: start it as the unprivileged user"* ]]
	# Control: made by nobody, the probe is refused.
	fixture 8022 as_nobody ns-unshare -q -U -r -u --hostname rootless
	run "$CHECK" confined "$FIXTURE" "$SECRET"
	[ "$status" -eq 0 ]
	[ "$output" = "process $FIXTURE's own UTS namespace is named 'rootless' (the host's is still '$(hostname)'); uid 0 in its user namespace (uid_map: 0 65534 1) cannot read $SECRET: Permission denied" ]
	# A probe that fails for another reason is not taken for a pass.
	run "$CHECK" confined "$FIXTURE" "$SCRATCH/nonexistent"
	[ "$status" -eq 1 ]
	[[ "${lines[0]}" == "the probe into process $FIXTURE's user namespace failed otherwise: "*"No such file or directory" ]]
}

@test "labs: 08 checker 'confined' fails without a UTS namespace or its name" {
	fixture 8023 as_nobody ns-unshare -q -U -r
	run "$CHECK" confined "$FIXTURE" "$SECRET"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "process $FIXTURE uses the host's UTS namespace" ]
	[ "${lines[1]}" = "hint: root in a user namespace cannot change the host's hostname (EPERM): the host's UTS namespace belongs to the host's user namespace; add -u for one of its own" ]
	# The limit itself: uid 0 there, and still EPERM on the host's name.
	run as_nobody ns-unshare -q -U -r -- hostname rootless
	[ "$status" -ne 0 ]
	[ "$(hostname)" != rootless ]
	fixture 8024 as_nobody ns-unshare -q -U -r -u
	run "$CHECK" confined "$FIXTURE" "$SECRET"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "process $FIXTURE's UTS namespace still has the host's name, $(hostname)" ]
	[[ "${lines[1]}" == "hint: name it from inside"* ]]
	fixture 8025 as_nobody ns-unshare -q -U -r -u --hostname web
	run "$CHECK" confined "$FIXTURE" "$SECRET"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "process $FIXTURE's hostname is 'web', not 'rootless'" ]
	[ "${lines[1]}" = "hint: --hostname rootless" ]
}

@test "labs: 08 checker 'mapped' fails on root's own uid, a single ID, or no gids" {
	fixture 8031 ns-unshare -q -r
	run "$CHECK" mapped "$FIXTURE"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "process $FIXTURE's uid_map maps the host's uid 0 (uid_map: 0 0 1)" ]
	[ "${lines[1]}" = "hint: uid 0 inside would be the host's root: map a range of unused host IDs instead (--map-users 0:100000:65536)" ]
	fixture 8032 ns-unshare -q --map-users 0:100000:65536
	run "$CHECK" mapped "$FIXTURE"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "process $FIXTURE's gid_map is empty: every gid shows as 65534 inside" ]
	[ "${lines[1]}" = "hint: map the gids too: ns-unshare --map-users 0:100000:65536 --map-groups 0:100000:65536" ]
	fixture 8033 as_nobody ns-unshare -q -U -r
	run "$CHECK" mapped "$FIXTURE"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "process $FIXTURE's uid_map maps a single uid (uid_map: 0 65534 1)" ]
	[[ "${lines[1]}" == "hint: a container needs a range (root, daemons, users)"* ]]
}

@test "labs: 08 checker 'mapped' fails without a user namespace or a 0; control passes" {
	fixture 8034
	run "$CHECK" mapped "$FIXTURE"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "process $FIXTURE is in the host's user namespace (uid 0)" ]
	fixture 8035 ns-unshare -q --map-users 1:100000:65536 --map-groups 1:100000:65536
	run "$CHECK" mapped "$FIXTURE"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "process $FIXTURE's uid_map has no uid 0 inside (uid_map: 1 100000 65536)" ]
	[ "${lines[1]}" = "hint: start the range at 0 inside: --map-users 0:100000:65536" ]
	fixture 8036 ns-unshare -q --map-users 0:100000:65536 --map-groups 0:100000:65536
	run "$CHECK" mapped "$FIXTURE"
	[ "$status" -eq 0 ]
	[ "$output" = "process $FIXTURE's user namespace maps uids 0 100000 65536 and gids 0 100000 65536 (inside, host, count): its root is host uid 100000, a nobody on the host" ]
}

@test "labs: 08 checker names a missing process and refuses bad usage" {
	run "$CHECK" rootless ""
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "no process found for the rootless process" ]
	run "$CHECK" confined 1
	[ "$status" -eq 2 ]
	run "$CHECK" bogus 1
	[ "$status" -eq 2 ]
}
