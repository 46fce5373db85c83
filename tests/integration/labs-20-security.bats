#!/usr/bin/env bats
# Lab 20 (capabilities, no_new_privs, seccomp): passes in --ci mode and
# leaves nothing behind, also when interrupted; each checker fails, with
# the right hint, on a container started the wrong way, and passes on one
# started the right way.

load helpers

CHECK=$TOP/labs/20-security/check
MC=minicontainer
# The container these tests start; ctk-lab20-* are the lab's own.
NAME=ctk-t-lab20

setup() { common_setup; }

teardown() {
	"$MC" rm -f "$NAME" ctk-lab20-caps ctk-lab20-nnp ctk-lab20-seccomp >/dev/null 2>&1 || true
	kill_fixtures
	common_teardown
}

# What the lab could leave behind: its work dir, containers (listed, and
# their state dirs), cgroups of minicontainer's, its sleeps.
leftovers() {
	find /tmp -maxdepth 1 -name 'ctk-lab20.*' | wc -l
	"$MC" ps -a | grep -c ctk-lab20 || true
	find /run/minicontainer -mindepth 1 -maxdepth 1 ! -name .lock 2>/dev/null | sort
	find /sys/fs/cgroup -type d -name 'mc-*' 2>/dev/null | wc -l
	pgrep -f -x "(/bin/|/suid/)?sleep 200[1-3]" | wc -l
}

# Start container $NAME detached: run options, then -- COMMAND.
start() {
	"$MC" -q run -d --name "$NAME" "$@" >/dev/null
}

# Run the checker; what it prints fits in 100 columns after "FAIL ".
run_check() {
	run "$CHECK" "$@"
	[ -z "$(awk 'length($0) > 95' <<<"$output")" ] || {
		echo "too wide: $output"
		return 1
	}
}

# A copy of the rootfs where /suid/sleep is busybox, setuid root, and
# etc/busybox.conf lets its sleep applet keep the bit (as exercise 2).
suid_root() {
	ROOT=$(copy_rootfs)
	mkdir "$ROOT/suid"
	cp "$ROOT/bin/busybox" "$ROOT/suid/sleep"
	chmod 4755 "$ROOT/suid/sleep"
	printf '[SUID]\nsleep = ssx root.root\n' >"$ROOT/etc/busybox.conf"
	chmod 0600 "$ROOT/etc/busybox.conf"
}

@test "labs: 20-security passes in --ci mode and leaves nothing behind [vm]" {
	before=$(leftovers)
	run "$TOP/labs/20-security/lab" --ci
	echo "$output"
	[ "$status" -eq 0 ]
	# 1: host root, podman's 11, chown and ip with and without the cap.
	[[ "$output" == *"cap_chown cap_dac_override cap_fowner cap_fsetid cap_kill cap_setgid"* ]]
	[[ "$output" == *"chown: allowed"* ]]
	[[ "$output" == *"chown: /tmp: Operation not permitted"* ]]
	[[ "$output" == *"ip: SIOCSIFMTU: Operation not permitted"* ]]
	[[ "$output" == *"1: lo: <LOOPBACK,UP,LOWER_UP> mtu 1280"* ]]
	[[ "$output" == *"PASS process "*": CapEff = CapBnd = 00000000800415fa (the default, no CHOWN, with NET_ADMIN)"* ]]
	# 2: the setuid bit, ignored under no_new_privs, then working.
	[[ "$output" == *$'uid=1000 gid=0(root)\n'* ]]
	[[ "$output" == *"uid=1000 gid=0(root) euid=0(root)"* ]]
	[[ "$output" == *$'Uid:\t1000\t0\t0\t0\nCapEff:\t00000000800405fb\nNoNewPrivs:\t0'* ]]
	[[ "$output" == *"PASS process "*": NoNewPrivs: 0; uid 1000 made euid 0 by a setuid file; CapEff 00000000800405fb"* ]]
	# 3: the default filter, none, and the student's profile.
	[[ "$output" == *"unshare: unshare(0x10000000): Operation not permitted"* ]]
	[[ "$output" == *"uid=65534(nobody) gid=65534(nogroup)"* ]]
	[[ "$output" == *"mkdir: can't create directory '/tmp/x': Operation not permitted"* ]]
	[[ "$output" == *"PASS process "*": Seccomp: 2 (1 filter); mkdir in it: Operation not permitted"* ]]
	[[ "$output" == *"PASS 20-security: every check passed"* ]]
	# Every line within 100 columns.
	[ -z "$(awk 'length($0) > 100' <<<"$output")" ]
	[ "$(leftovers)" = "$before" ]
}

@test "labs: 20-security cleans up when interrupted while its containers run" {
	before=$(leftovers)
	# Exercise 2's first ln(1) waits, and says so: exercise 1's
	# container is running then.
	mkdir "$SCRATCH/bin"
	printf '#!/bin/sh\ntouch "%s"\nsleep 2\nexec /bin/ln "$@"\n' "$SCRATCH/in-ln" >"$SCRATCH/bin/ln"
	chmod +x "$SCRATCH/bin/ln"
	PATH=$SCRATCH/bin:$PATH NO_COLOR=1 "$TOP/labs/20-security/lab" --ci >"$SCRATCH/lab.out" 2>&1 &
	lab=$!
	for ((i = 0; i < 300; i++)); do
		[ ! -e "$SCRATCH/in-ln" ] || break
		sleep 0.1
	done
	"$MC" ps | grep -q ctk-lab20-caps
	# (SIGTERM: a job started with & ignores SIGINT, and a trap cannot
	# undo that.)
	kill -TERM "$lab"
	status=0
	wait "$lab" || status=$?
	cat "$SCRATCH/lab.out"
	[ "$status" -eq 130 ]
	[[ "$(cat "$SCRATCH/lab.out")" != *"== Result =="* ]]
	[ "$(leftovers)" = "$before" ]
}

@test "labs: 20 checker 'caps' fails on no container, a host process, the default set, a user; passes on the set asked for" {
	run_check caps "$NAME"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "no running container $NAME" ]
	[ "${lines[1]}" = "hint: start it detached (-d) with --name $NAME and a command that lasts (sleep)" ]
	fixture 20190
	run_check caps "$FIXTURE"
	[ "$status" -eq 1 ]
	[[ "${lines[0]}" =~ ^"process $FIXTURE is on the host, with "[0-9]+" capabilities (CapEff "[0-9a-f]{16}")"$ ]]
	[[ "${lines[1]}" == "hint: start sleep 2001 with minicontainer run"* ]]
	start -- sleep 20191
	run_check caps "$NAME"
	[ "$status" -eq 1 ]
	[[ "${lines[0]}" =~ ^"process "[0-9]+"'s CapEff 00000000800405fb: extra CAP_CHOWN; missing CAP_NET_ADMIN"$ ]]
	[ "${lines[1]}" = "hint: give --cap-drop CHOWN --cap-add NET_ADMIN, and no other capability option" ]
	"$MC" rm -f "$NAME" >/dev/null
	start --cap-drop CHOWN --cap-add NET_ADMIN -u 1000 -- sleep 20192
	run_check caps "$NAME"
	[ "$status" -eq 1 ]
	[[ "${lines[0]}" =~ ^"process "[0-9]+" has CapEff 0000000000000000 but CapBnd 00000000800415fa"$ ]]
	[ "${lines[1]}" = "hint: a user other than root has no effective capabilities: run it as root (no --user)" ]
	"$MC" rm -f "$NAME" >/dev/null
	start --cap-drop CHOWN --cap-add NET_ADMIN --cap-add MKNOD --cap-add SYS_ADMIN \
		--cap-add NET_RAW --cap-add SYS_PTRACE -- sleep 20193
	run_check caps "$NAME"
	[ "$status" -eq 1 ]
	[[ "${lines[0]}" =~ ^"process "[0-9]+"'s CapEff 00000000882c35fa: extra CAP_NET_RAW CAP_SYS_PTRACE and 2 more"$ ]]
	"$MC" rm -f "$NAME" >/dev/null
	# Control.
	start --cap-drop CHOWN --cap-add NET_ADMIN -- sleep 20194
	run_check caps "$NAME"
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^"process "[0-9]+": CapEff = CapBnd = 00000000800415fa (the default, no CHOWN, with NET_ADMIN)"$ ]]
}

@test "labs: 20 checker 'nnp' fails on root, on no_new_privs, on no setuid file; passes with the bit at work" {
	suid_root
	start -u 1000 --security-opt no-new-privileges=false "$ROOT" -- sleep 20195
	run_check nnp "$NAME"
	[ "$status" -eq 1 ]
	[[ "${lines[0]}" =~ ^"process "[0-9]+" has NoNewPrivs: 0, but uid 1000 is euid 1000: no setuid-root file raised it"$ ]]
	[ "${lines[1]}" = "hint: run /suid/sleep 2002: busybox owned by root, mode 4755, listed in etc/busybox.conf" ]
	"$MC" rm -f "$NAME" >/dev/null
	# The default: no_new_privs set, the bit ignored.
	start -u 1000 "$ROOT" -- /suid/sleep 20196
	run_check nnp "$NAME"
	[ "$status" -eq 1 ]
	[[ "${lines[0]}" =~ ^"process "[0-9]+" has NoNewPrivs: 1: the setuid bit is ignored, uid 1000 stays euid 1000"$ ]]
	[ "${lines[1]}" = "hint: minicontainer sets no_new_privs by default: --security-opt no-new-privileges=false" ]
	"$MC" rm -f "$NAME" >/dev/null
	start --security-opt no-new-privileges=false "$ROOT" -- /suid/sleep 20197
	run_check nnp "$NAME"
	[ "$status" -eq 1 ]
	[[ "${lines[0]}" =~ ^"process "[0-9]+" runs as uid 0: nothing for a setuid bit to raise"$ ]]
	[ "${lines[1]}" = "hint: run the command as another user: --user 1000" ]
	"$MC" rm -f "$NAME" >/dev/null
	# Control.
	start -u 1000 --security-opt no-new-privileges=false "$ROOT" -- /suid/sleep 20198
	run_check nnp "$NAME"
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^"process "[0-9]+": NoNewPrivs: 0; uid 1000 made euid 0 by a setuid file; CapEff 00000000800405fb"$ ]]
}

@test "labs: 20 checker 'seccomp' fails unconfined, under the default filter, on another errno; passes on EPERM" {
	# The checker tries mkdir in the container's root: a copy.
	ROOT=$(copy_rootfs)
	start --seccomp unconfined "$ROOT" -- sleep 20199
	run_check seccomp "$NAME"
	[ "$status" -eq 1 ]
	[[ "${lines[0]}" =~ ^"process "[0-9]+" has no seccomp filter (Seccomp: 0)"$ ]]
	[ "${lines[1]}" = "hint: --seccomp unconfined turns the filter off; give --seccomp with the profile's path" ]
	"$MC" rm -f "$NAME" >/dev/null
	start "$ROOT" -- sleep 20199
	run_check seccomp "$NAME"
	[ "$status" -eq 1 ]
	[[ "${lines[0]}" =~ ^"process "[0-9]+" has a seccomp filter (Seccomp: 2), but mkdir works under it"$ ]]
	[ "${lines[1]}" = "hint: the default filter allows mkdir: the profile must deny mkdir and mkdirat (SCMP_ACT_ERRNO)" ]
	# The checker removed the directory it made.
	[ ! -e "$ROOT/tmp/ctk-lab20-check" ]
	"$MC" rm -f "$NAME" >/dev/null
	profile() {	# ERRNO
		jq -n --argjson e "$1" '{defaultAction: "SCMP_ACT_ALLOW", syscalls: [
			{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_ERRNO", errnoRet: $e}]}' \
			>"$SCRATCH/p.json"
	}
	profile 13
	start --seccomp "$SCRATCH/p.json" "$ROOT" -- sleep 20199
	run_check seccomp "$NAME"
	[ "$status" -eq 1 ]
	[[ "${lines[0]}" =~ ^"mkdir under process "[0-9]+"'s filter fails with Permission denied, not EPERM"$ ]]
	[ "${lines[1]}" = "hint: SCMP_ACT_ERRNO returns errnoRet as the error: 1 is EPERM" ]
	"$MC" rm -f "$NAME" >/dev/null
	# Control.
	profile 1
	start --seccomp "$SCRATCH/p.json" "$ROOT" -- sleep 20199
	run_check seccomp "$NAME"
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^"process "[0-9]+": Seccomp: 2 (1 filter); mkdir in it: Operation not permitted"$ ]]
}

@test "labs: 20 checker: bad usage is status 2" {
	run_check caps
	[ "$status" -eq 2 ]
	run_check seccomp 1
	[ "$status" -eq 2 ]
	run_check nope "$NAME"
	[ "$status" -eq 2 ]
}
