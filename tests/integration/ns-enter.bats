#!/usr/bin/env bats
# ns-enter: join a running process's namespaces; ns-inspect: see them.

load helpers

setup() { common_setup; }
teardown() {
	pkill -KILL -f -x "(/bin/)?sleep 93[0-9][0-9]" 2>/dev/null || true
	common_teardown
}

# Start "sleep TAG" under the given command; TARGET is its host PID.
target() {
	local tag=$1 i
	shift
	"$@" sleep "$tag" </dev/null >/dev/null 2>&1 &
	for ((i = 0; i < 50; i++)); do
		TARGET=$(pgrep -f -x "(/bin/)?sleep $tag" | head -1)
		[ -z "$TARGET" ] || return 0
		sleep 0.1
	done
	return 1
}

nsid() { stat -L -c %i "/proc/$1/ns/$2"; }

@test "ns-enter: joins another process's namespaces, identities compared [vm]" {
	target 9301 ns-unshare -q -u -n -m -p -f --mount-proc --hostname target
	run --separate-stderr ns-enter -t "$TARGET" -- sh -c \
		'hostname; stat -L -c %i /proc/self/ns/uts /proc/self/ns/net'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "target" ]
	[ "${lines[1]}" = "$(nsid "$TARGET" uts)" ]
	[ "${lines[2]}" = "$(nsid "$TARGET" net)" ]
	# Control: they differ from ours.
	[ "${lines[1]}" != "$(nsid $$ uts)" ]
	for t in mnt uts pid net; do
		[[ "$stderr" == *"$t:[$(nsid "$TARGET" $t)], process $TARGET's is $t:[$(nsid "$TARGET" $t)]: joined"* ]]
	done
	[[ "$stderr" != *"NOT the same"* ]]
}

@test "ns-enter: -p runs the program in the target's PID namespace" {
	target 9302 ns-unshare -q -p -f --mount-proc
	run --separate-stderr ns-enter -q -t "$TARGET" -p -m -- sh -c 'echo $$; ls /proc | grep -c "^[0-9]"'
	[ "$status" -eq 0 ]
	# sleep is PID 1 there; our sh is one of the next few.
	[ "${lines[0]}" -gt 1 ]
	[ "${lines[0]}" -lt 10 ]
	[ "${lines[1]}" -le 4 ]
}

@test "ns-enter: -r takes over a pivoted process's root" {
	root=$(copy_rootfs)
	echo "in-container-$$" >"$root/etc/hostname"
	target 9303 pivot -q "$root"
	run --separate-stderr ns-enter -q -t "$TARGET" -m -r -- cat /etc/hostname
	[ "$status" -eq 0 ]
	[ "$output" = "in-container-$$" ]
	[ "$(cat /etc/hostname)" != "$output" ]
}

@test "ns-enter: an unprivileged user joins its rootless container as its root" {
	target 9304 as_nobody "$BIN/ns-unshare" -q -U -r -u --hostname rootless
	run --separate-stderr as_nobody "$BIN/ns-enter" -t "$TARGET" -- sh -c 'hostname; id -u'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "rootless" ]
	[ "${lines[1]}" = "0" ]
	[[ "$stderr" == *"user:[$(nsid "$TARGET" user)]: joined"* ]]
}

@test "ns-enter: with explicit types, shared ones are reported as such" {
	target 9305 ns-unshare -q -u
	run --separate-stderr ns-enter -t "$TARGET" -u -n -- true
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"uts:[$(nsid "$TARGET" uts)]: joined"* ]]
	[[ "$stderr" == *"net:[$(nsid $$ net)]: already shared"* ]]
}

@test "ns-enter: bad input gives one line and its exit code" {
	run --separate-stderr ns-enter -- true
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "ns-enter: no target process: give -t PID" ]
	run --separate-stderr ns-enter -t 12x -- true
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "ns-enter: invalid PID: 12x" ]
	# An exited process.
	sh -c 'exit 0' &
	gone=$!
	wait "$gone"
	run --separate-stderr ns-enter -t "$gone" -- true
	[ "$status" -eq 1 ]
	[ "$stderr" = "ns-enter: process $gone: no such process" ]
	# A process an unprivileged user may not ptrace.
	target 9306 ns-unshare -q -u
	run --separate-stderr as_nobody "$BIN/ns-enter" -t "$TARGET" -- true
	[ "$status" -eq 1 ]
	[[ "${stderr_lines[0]}" == "ns-enter: open(\"/proc/$TARGET/ns/"*"\"): Permission denied" ]]
	[[ "${stderr_lines[1]}" == *"hint: opening another user's namespace files needs CAP_SYS_PTRACE"* ]]
}

@test "ns-inspect: marks exactly the types a known ns-unshare made [vm]" {
	target 9311 ns-unshare -q -u -i -n
	run --separate-stderr ns-inspect "$TARGET" $$
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "process $TARGET (sleep), parent $(ps -o ppid= -p "$TARGET" | tr -d ' '); compared with process $$" ]
	differs=$(printf '%s\n' "${lines[@]}" | awk '$3 == "DIFFERS" { print $1 }' | tr '\n' ' ')
	[ "$differs" = "uts ipc net " ]
	run --separate-stderr ns-inspect --json "$TARGET" $$
	[ "$(echo "$output" | jq -r '[.namespaces | to_entries[] | select(.value.differs) | .key] | join(" ")')" = "uts ipc net" ]
	[ "$(echo "$output" | jq .namespaces.uts.inode)" = "$(nsid "$TARGET" uts)" ]
}

@test "ns-inspect: maps, capabilities, no_new_privs, propagation, cgroup" {
	target 9312 ns-unshare -q --map-users 0:100000:65536 --map-groups 0:100000:65536
	run ns-inspect -q "$TARGET"
	[[ "$output" == *"uid_map       0 100000 65536"* ]]
	[[ "$output" == *"gid_map       0 100000 65536"* ]]
	target 9313 setpriv --no-new-privs --bounding-set=-all,+chown,+kill
	run ns-inspect -q "$TARGET"
	[[ "$output" == *"no_new_privs  1"* ]]
	[[ "$output" == *"cap bounding  2 of "*": cap_chown cap_kill"* ]]
	[[ "$output" == *"seccomp       disabled (0)"* ]]
	[[ "$output" == *"cgroup        $(grep -m1 '^0::' "/proc/$TARGET/cgroup" || head -1 "/proc/$TARGET/cgroup")"* ]]
	target 9314 unshare --mount --propagation shared
	run ns-inspect -q "$TARGET"
	[[ "$output" == *"/ propagation shared:"* ]]
	target 9315 unshare --mount --propagation private
	run ns-inspect -q "$TARGET"
	[[ "$output" == *"/ propagation private"* ]]
}

@test "ns-inspect: --tree nests a container's group under its parent's" {
	target 9316 ns-unshare -q -u -n -p -f
	run --separate-stderr ns-inspect --tree
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" =~ ^[0-9]+" processes in "[0-9]+" namespace group" ]]
	# The sleep is PID 1 of its own PID namespace, one level below the
	# ns-unshare parent, whose group differs in uts and net.
	line=$(printf '%s\n' "${lines[@]}" | grep -n " $TARGET sleep" | cut -d: -f1)
	[ -n "$line" ]
	header=${lines[line - 2]}
	[[ "$header" == *"└─ 1 process: uts:[$(nsid "$TARGET" uts)] pid:[$(nsid "$TARGET" pid)] net:[$(nsid "$TARGET" net)]"* ]]
	[[ "${lines[line - 1]}" == "        "* ]]
}

@test "ns-inspect: bad input gives one line and its exit code" {
	run --separate-stderr ns-inspect
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "ns-inspect: no PID given" ]
	run --separate-stderr ns-inspect abc
	[ "$status" -eq 2 ]
	run --separate-stderr ns-inspect 1 2 3
	[ "$status" -eq 2 ]
	run --separate-stderr ns-inspect -q 4194000
	[ "$status" -eq 1 ]
	[ "$stderr" = "ns-inspect: process 4194000: no such process" ]
	target 9317 ns-unshare -q -u
	run --separate-stderr as_nobody "$BIN/ns-inspect" -q "$TARGET"
	[ "$status" -eq 1 ]
	[[ "$stderr" == "ns-inspect: process $TARGET: Permission denied (reading another user's process needs CAP_SYS_PTRACE over it)" ]]
}
