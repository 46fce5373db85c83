#!/usr/bin/env bats
# ns-unshare: each namespace type, created for real, with its evidence.

load helpers

setup() { common_setup; }
teardown() {
	[ -z "${CGDIR:-}" ] || rmdir "$CGDIR" 2>/dev/null || true
	common_teardown
}

# The cgroup v2 mount: /sys/fs/cgroup on a pure v2 host, unified/ on hybrid.
cgroup2_mount() {
	awk '{ for (i = 7; $i != "-"; i++); if ($(i + 1) == "cgroup2") { print $5; exit } }' \
		/proc/self/mountinfo
}

@test "ns-unshare: --hostname changes only the new UTS namespace [vm]" {
	host=$(hostname)
	run --separate-stderr ns-unshare -u --hostname x -- hostname
	[ "$status" -eq 0 ]
	[ "$output" = "x" ]
	[[ "$stderr" == *"hostname here \"x\", outside still \"$host\""* ]]
	[ "$(hostname)" = "$host" ]
}

@test "ns-unshare: -pf --mount-proc makes the command PID 1 [vm]" {
	before=$(mount_table)
	run --separate-stderr ns-unshare -pf --mount-proc -- sh -c 'echo $$; ls /proc | grep -c "^[0-9]"'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "1" ]
	[ "${lines[1]}" -le 3 ]
	[[ "$stderr" == *"this process is PID 1 here"* ]]
	[ "$(mount_table)" = "$before" ]
}

@test "ns-unshare: control: -p without -f does not move the caller" {
	run --separate-stderr ns-unshare -p -- sh -c 'echo $$'
	[ "$status" -eq 0 ]
	[ "$output" -gt 1 ]
	[[ "$stderr" == *"NOT entered: this process stays PID $output of"* ]]
}

@test "ns-unshare: -U -r as an unprivileged user maps it to root [vm]" {
	run --separate-stderr as_nobody "$BIN/ns-unshare" -U -r -- id -u
	[ "$status" -eq 0 ]
	[ "$output" = "0" ]
	[[ "$stderr" == *"uid 0 here (uid_map: 0 65534 1)"* ]]
}

@test "ns-unshare: unmapped owners show as the overflow ID 65534" {
	run --separate-stderr as_nobody "$BIN/ns-unshare" -q -U -r -- stat -c %u /
	[ "$status" -eq 0 ]
	[ "$output" = "65534" ]
	# Control: outside, / belongs to root.
	[ "$(stat -c %u /)" = "0" ]
}

@test "ns-unshare: a network namespace has only lo, and it is down [vm]" {
	run --separate-stderr ns-unshare -n -- cat /proc/net/dev
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | tail -n +3 | awk -F: '{ gsub(/ /, "", $1); print $1 }')" = "lo" ]
	[[ "$stderr" == *"1 interface(s): lo (DOWN)"* ]]
	# Control: the host has more than lo.
	[ "$(tail -n +3 /proc/net/dev | wc -l)" -gt 1 ]
}

@test "ns-unshare: a SysV queue made outside is invisible inside -i" {
	# The "outside" is a scratch IPC namespace, so the host gets no queue.
	run --separate-stderr ns-unshare -q -i -- sh -c '
		ipcmk -Q >/dev/null
		echo "outside=$(tail -n +2 /proc/sysvipc/msg | wc -l)"
		"$0" -i -- sh -c "echo inside=\$(tail -n +2 /proc/sysvipc/msg | wc -l)"' \
		"$BIN/ns-unshare"
	[ "$status" -eq 0 ]
	[[ "$output" == *"outside=1"* ]]
	[[ "$output" == *"inside=0"* ]]
	[[ "$stderr" == *"System V IPC objects: 1 outside, 0 visible here"* ]]
}

@test "ns-unshare: -C roots the cgroup view at the process's group [vm]" {
	cg=$(cgroup2_mount)
	[ -n "$cg" ]
	CGDIR=$cg/ctk-test-$$
	mkdir "$CGDIR"
	run --separate-stderr sh -c '
		echo $$ >"$1/cgroup.procs"
		grep "^0::" /proc/self/cgroup
		"$0" -C -- grep "^0::" /proc/self/cgroup' "$BIN/ns-unshare" "$CGDIR"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "0::/ctk-test-$$" ]
	[ "${lines[1]}" = "0::/" ]
	[[ "$stderr" == *"/proc/self/cgroup reads 0::/"* ]]
}

@test "ns-unshare: --map-users as root writes exactly that uid_map [vm]" {
	run --separate-stderr ns-unshare --map-users 0:100000:65536 \
		--map-groups 0:100000:65536 -- cat /proc/self/uid_map /proc/self/gid_map
	[ "$status" -eq 0 ]
	[ "$(echo "${lines[0]}" | tr -s ' ' | sed 's/^ //')" = "0 100000 65536" ]
	[ "$(echo "${lines[1]}" | tr -s ' ' | sed 's/^ //')" = "0 100000 65536" ]
}

@test "ns-unshare: -T --boottime shifts the uptime the child sees [vm]" {
	run --separate-stderr ns-unshare -f --boottime 86400 -- cat /proc/uptime
	[ "$status" -eq 0 ]
	inside=${output%%.*}
	outside=$(cut -d. -f1 /proc/uptime)
	[ "$inside" -ge 86400 ]
	[ "$((inside - outside))" -ge 86399 ]
}

@test "ns-unshare: stdout is byte-identical with and without evidence" {
	cmd=(-u -n -i --hostname box -- sh -c 'hostname; echo "line two"; printf "\001\002"')
	a=$(ns-unshare "${cmd[@]}" 2>/dev/null | od -c)
	b=$(ns-unshare -q "${cmd[@]}" 2>/dev/null | od -c)
	c=$(ns-unshare --json "${cmd[@]}" 2>/dev/null | od -c)
	[ "$a" = "$b" ]
	[ "$a" = "$c" ]
	[[ "$a" == *"b   o   x  \n   l   i   n   e"* ]]
}

@test "ns-unshare: --json is one valid object naming each namespace" {
	run --separate-stderr ns-unshare --json -u -n --hostname j -- true
	[ "$status" -eq 0 ]
	[ "$(echo "$stderr" | jq -r '.namespaces | keys | join(",")')" = "net,uts" ]
	[ "$(echo "$stderr" | jq -r '.namespaces.uts.entered')" = "true" ]
	[ "$(echo "$stderr" | jq '.namespaces.uts.before != .namespaces.uts.after')" = "true" ]
}

@test "ns-unshare: the exit status and signals pass through" {
	run ns-unshare -q -u -- sh -c 'exit 7'
	[ "$status" -eq 7 ]
	run ns-unshare -q -pf -- sh -c 'exit 9'
	[ "$status" -eq 9 ]
	run ns-unshare -q -f -- sh -c 'kill -TERM $$'
	[ "$status" -eq 143 ]
}

@test "ns-unshare: --kill-child kills the child when ns-unshare dies" {
	ns-unshare -q --kill-child -p -- sleep 9876 &
	parent=$!
	for _ in $(seq 50); do pgrep -f -x 'sleep 9876' >/dev/null && break; sleep 0.1; done
	pgrep -f -x 'sleep 9876'
	kill -KILL "$parent"
	for _ in $(seq 50); do pgrep -f -x 'sleep 9876' >/dev/null || break; sleep 0.1; done
	run pgrep -f -x 'sleep 9876'
	[ "$status" -eq 1 ]
}

@test "ns-unshare: --contrast stale-proc shows the outer /proc, then the fix" {
	before=$(mount_table)
	run --separate-stderr ns-unshare --contrast stale-proc
	[ "$status" -eq 0 ]
	[[ "${stderr_lines[0]}" =~ ^"ns-unshare: WRONG: without a fresh /proc: getpid() = 1, /proc/self -> "[0-9]+", /proc lists "[0-9]+ ]]
	[[ "${stderr_lines[0]}" != *"/proc/self -> 1,"* ]]
	[[ "$stderr" == *"RIGHT: after mounting a fresh /proc: getpid() = 1, /proc/self -> 1, /proc lists 1 process(es)"* ]]
	[ "$(mount_table)" = "$before" ]
}

@test "ns-unshare: --contrast shared-mount leaks a mount, then does not" {
	before=$(mount_table)
	run --separate-stderr ns-unshare --contrast shared-mount
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"WRONG: copy left shared: its tmpfs on /tmp/ns-unshare-demo."*" APPEARS in the original namespace"* ]]
	[[ "$stderr" == *"RIGHT: copy made private first: its tmpfs on /tmp/ns-unshare-demo."*" does not appear in the original"* ]]
	[ "$(mount_table)" = "$before" ]
	[ -z "$(find /tmp -maxdepth 1 -name 'ns-unshare-demo.*')" ]
}

@test "ns-unshare: --contrast pid-no-fork shows the caller is not moved" {
	run --separate-stderr ns-unshare --contrast pid-no-fork
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"WRONG: unshare(CLONE_NEWPID) without fork(): getpid() = "* ]]
	[[ "$stderr" != *"WRONG: unshare(CLONE_NEWPID) without fork(): getpid() = 1,"* ]]
	[[ "$stderr" == *"its first child: getpid() = 1 in pid:["* ]]
	[[ "$stderr" == *"fork() = -1: Cannot allocate memory"* ]]
}

@test "ns-unshare: bad input gives one line, its exit code, nothing left" {
	before=$(mount_table)
	host=$(hostname)
	for args in "--bogus" "--map-users 0:1" "--map-users 0:0:0" \
		"--map-users x:1:1" "--map-users 4294967295:0:1" \
		"--setgroups maybe" "--propagation rshared" "--contrast nope" \
		"--kill-child=SIGNOPE" "--monotonic 1.2.3" "--map-user no-such-user-x"; do
		# shellcheck disable=SC2086
		run --separate-stderr ns-unshare $args -- true
		[ "$status" -eq 2 ]
		[ "${#stderr_lines[@]}" -eq 2 ]
		[[ "${stderr_lines[1]}" == "Try 'ns-unshare --help' for more information." ]]
	done
	run --separate-stderr ns-unshare --map-users 0:100:10 --map-users 5:200:10 -- true
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "ns-unshare: --map-users '5:200:10': overlaps an earlier range" ]
	run --separate-stderr ns-unshare --hostname x -- true
	[ "$status" -eq 2 ]
	[[ "${stderr_lines[0]}" == *"--hostname needs -u"* ]]
	run -127 --separate-stderr ns-unshare -u -- no-such-command-x
	[ "$stderr" = "ns-unshare: no-such-command-x: command not found" ]
	run --separate-stderr ns-unshare -R /nonexistent -- true
	[ "$status" -eq 1 ]
	[ "$stderr" = "ns-unshare: new root '/nonexistent': No such file or directory" ]
	[ "$(mount_table)" = "$before" ]
	[ "$(hostname)" = "$host" ]
}

@test "ns-unshare: not root: EPERM named, with a hint; a range map refused" {
	run --separate-stderr as_nobody "$BIN/ns-unshare" -u -- true
	[ "$status" -eq 1 ]
	[ "${stderr_lines[0]}" = "ns-unshare: unshare(CLONE_NEWUTS): Operation not permitted" ]
	[[ "${stderr_lines[1]}" == *"hint: creating these namespaces needs CAP_SYS_ADMIN"* ]]
	run --separate-stderr as_nobody "$BIN/ns-unshare" --map-users 0:100000:65536 -- true
	[ "$status" -eq 1 ]
	[[ "$stderr" == *'write("/proc/'*'/uid_map", "0 100000 65536"): Operation not permitted'* ]]
	[[ "$stderr" == *"hint: without CAP_SETUID/CAP_SETGID in the parent namespace only your own ID can be mapped"* ]]
}

@test "ns-unshare: disabled unprivileged user namespaces are named as such" {
	# A user namespace of the test's own, where the limit can be set to 0
	# without touching the host's sysctl.
	run --separate-stderr ns-unshare -q --map-users 0:0:65536 \
		--map-groups 0:0:65536 -- sh -c '
		echo 0 >/proc/sys/user/max_user_namespaces &&
		setpriv --reuid=65534 --regid=65534 --clear-groups "$0" -U -r true' \
		"$BIN/ns-unshare"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"unshare(CLONE_NEWUSER): No space left on device"* ]]
	[[ "$stderr" == *"hint: user namespaces are disabled (sysctl user.max_user_namespaces = 0)"* ]]
	[ "$(cat /proc/sys/user/max_user_namespaces)" -gt 0 ]
}
