#!/usr/bin/env bats
# minicontainer's OCI face: the runc CLI on bundles made by `runc spec`
# and by the tests, as podman (conmon) and containerd's shim call it.

load helpers

MC=minicontainer
RECV=$TOP/build/tests/console-recv

setup() {
	common_setup
	OROOT=$SCRATCH/oci-root
	BEFORE=$(leftovers)
}

teardown() {
	for id in $(ls "$OROOT" 2>/dev/null); do
		oci delete --force "$id" >/dev/null 2>&1 || true
	done
	[ "$(leftovers)" = "$BEFORE" ]
	common_teardown
}

oci() {
	"$MC" --root "$OROOT" "$@"
}

# What a container could leave on the host: mounts, cgroups, processes.
leftovers() {
	mount_table | md5sum
	find /sys/fs/cgroup -name 'oci-*' 2>/dev/null | wc -l
	hostname
}

# A bundle as `runc spec` writes it, the busybox rootfs, and a jq edit
# (no terminal by default: the tests' stdio is not one).
bundle() {
	local dir=$1 edit=${2:-.}
	mkdir -p "$dir"
	cp -a "$ROOTFS" "$dir/rootfs"
	(cd "$dir" && runc spec)
	jq ".process.terminal = false | .root.readonly = false | $edit" \
		"$dir/config.json" >"$dir/c.json"
	mv "$dir/c.json" "$dir/config.json"
}

status_of() {
	oci state "$1" | jq -r .status
}

@test "oci: create waits on the exec fifo, start runs process.args as PID 1, state follows [vm]" {
	mkdir -p "$SCRATCH/out"
	bundle "$SCRATCH/b" '.process.args = ["sh", "-c", "echo $$ > /out/pid1; hostname > /out/host; sleep 60"] |
		.mounts += [{"destination": "/out", "type": "bind", "source": "'"$SCRATCH/out"'", "options": ["rbind"]}]'
	oci create --bundle "$SCRATCH/b" --pid-file "$SCRATCH/pid" t1 </dev/null >"$SCRATCH/stdio" 2>&1
	# The pid file: the decimal pid, nothing else.
	pid=$(cat "$SCRATCH/pid")
	[[ "$pid" =~ ^[0-9]+$ ]]
	run oci state t1
	[ "$status" -eq 0 ]
	[ "$(jq -r .status <<<"$output")" = created ]
	[ "$(jq -r .pid <<<"$output")" = "$pid" ]
	[ "$(jq -r .ociVersion <<<"$output")" = 1.2.0 ]
	[ "$(jq -r .bundle <<<"$output")" = "$SCRATCH/b" ]
	created=$(jq -r .created <<<"$output")
	[[ "$created" =~ ^20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]{9}Z$ ]]
	# The fifo holds it: after a second, the command has not run.
	[ -p "$OROOT/t1/exec.fifo" ]
	sleep 1
	[ ! -e "$SCRATCH/out/pid1" ]
	oci start t1
	for i in $(seq 50); do [ -s "$SCRATCH/out/host" ] && break; sleep 0.1; done
	# process.args is PID 1 itself (no init of ours), with the hostname.
	[ "$(cat "$SCRATCH/out/pid1")" = 1 ]
	[ "$(cat "$SCRATCH/out/host")" = runc ]
	[ "$(status_of t1)" = running ]
	[ ! -e "$OROOT/t1/exec.fifo" ]
	[ "$(cat "/proc/$pid/comm")" = sleep ]
	# Its cgroup holds it.
	[ "$(oci ps --format json t1)" = "[$pid]" ]
	# Starting twice is an error.
	run --separate-stderr oci start t1
	[ "$status" -eq 1 ]
	[ "$stderr" = "minicontainer: cannot start an already running container" ]
	oci kill t1 KILL
	for i in $(seq 50); do [ "$(status_of t1)" = stopped ] && break; sleep 0.1; done
	[ "$(status_of t1)" = stopped ]
	run --separate-stderr oci kill t1 TERM
	[ "$status" -eq 1 ]
	[ "$stderr" = "minicontainer: container not running" ]
	oci delete t1
	[ ! -e "$OROOT/t1" ]
	run --separate-stderr oci state t1
	[ "$status" -eq 1 ]
	[ "$stderr" = "minicontainer: container t1 does not exist" ]
}

@test "oci: run exits with the process's status; list and features" {
	bundle "$SCRATCH/b" '.process.args = ["sh", "-c", "exit 7"]'
	run oci run --bundle "$SCRATCH/b" t2
	[ "$status" -eq 7 ]
	# run removes what it made.
	[ ! -e "$OROOT/t2" ]
	bundle "$SCRATCH/c" '.process.args = ["sleep", "60"]'
	oci run -d --bundle "$SCRATCH/c" t3 </dev/null >/dev/null 2>&1
	run oci list --format json
	[ "$(jq -r '.[0].id + " " + .[0].status' <<<"$output")" = "t3 running" ]
	run oci list
	[[ "${lines[0]}" == "ID"*"PID"*"STATUS"*"BUNDLE"*"CREATED"*"OWNER" ]]
	[[ "${lines[1]}" == "t3 "*" running "* ]]
	run oci features
	[ "$(jq -r .ociVersionMax <<<"$output")" = 1.2.0 ]
	[ "$(jq -r '.linux.namespaces | length' <<<"$output")" = 8 ]
	oci delete --force t3
}

@test "oci: hooks run in order, each with the state on stdin [vm]" {
	log=$SCRATCH/hooks.log
	mkdir -p "$SCRATCH/out"
	for h in prestart createRuntime createContainer poststart poststop; do
		cat >"$SCRATCH/$h" <<-EOF
			#!/bin/sh
			s=\$(cat)
			echo "$h \$(printf '%s' "\$s" | jq -r '[.status, .id, (.pid | tostring)] | join(" ")')" >>"$log"
		EOF
		chmod +x "$SCRATCH/$h"
	done
	hooks='{"prestart": [{"path": "'$SCRATCH'/prestart", "env": ["PATH=/usr/bin:/bin"]}],
		"createRuntime": [{"path": "'$SCRATCH'/createRuntime", "env": ["PATH=/usr/bin:/bin"]}],
		"createContainer": [{"path": "'$SCRATCH'/createContainer", "env": ["PATH=/usr/bin:/bin"]}],
		"startContainer": [{"path": "/bin/sh", "args": ["sh", "-c", "cat > /out/start.json"]}],
		"poststart": [{"path": "'$SCRATCH'/poststart", "env": ["PATH=/usr/bin:/bin"]}],
		"poststop": [{"path": "'$SCRATCH'/poststop", "env": ["PATH=/usr/bin:/bin"]}]}'
	bundle "$SCRATCH/b" ".hooks = $hooks | .process.args = [\"true\"] |
		.mounts += [{\"destination\": \"/out\", \"type\": \"bind\", \"source\": \"$SCRATCH/out\", \"options\": [\"rbind\"]}]"
	oci create --bundle "$SCRATCH/b" --pid-file "$SCRATCH/pid" t4 </dev/null >/dev/null 2>&1
	pid=$(cat "$SCRATCH/pid")
	oci start t4
	for i in $(seq 50); do [ "$(status_of t4)" = stopped ] && break; sleep 0.1; done
	oci delete t4
	cat "$log"
	[ "$(cut -d' ' -f1 "$log" | tr '\n' ' ')" = "prestart createRuntime createContainer poststart poststop " ]
	[ "$(sed -n 1p "$log")" = "prestart creating t4 $pid" ]
	[ "$(sed -n 3p "$log")" = "createContainer created t4 $pid" ]
	[ "$(sed -n 5p "$log")" = "poststop stopped t4 null" ]
	# startContainer ran inside, after the pivot, with the state too.
	[ "$(jq -r '.status + " " + .id' "$SCRATCH/out/start.json")" = "running t4" ]
}

@test "oci: timeOffsets, maskedPaths, readonlyPaths and rlimits take effect [vm]" {
	bundle "$SCRATCH/b" '.process.args = ["sh", "-c", "cut -d. -f1 /proc/uptime; wc -c < /etc/motd-secret; touch /etc/x 2>&1; ulimit -n; cat /proc/self/status | grep ^NoNewPrivs"] |
		.linux.namespaces += [{"type": "time"}] |
		.linux.timeOffsets = {"boottime": {"secs": 864000, "nanosecs": 0}} |
		.linux.maskedPaths += ["/etc/motd-secret"] |
		.linux.readonlyPaths += ["/etc"] |
		.process.rlimits = [{"type": "RLIMIT_NOFILE", "hard": 123, "soft": 123}]'
	echo secret >"$SCRATCH/b/rootfs/etc/motd-secret"
	run oci run --bundle "$SCRATCH/b" t5
	echo "$output"
	[ "$status" -eq 0 ]
	# Ten days of uptime more than the host has.
	[ "${lines[0]}" -ge 864000 ]
	[ "$(cut -d. -f1 /proc/uptime)" -lt 864000 ]
	[ "${lines[1]}" = 0 ]
	[[ "${lines[2]}" == *"Read-only file system"* ]]
	[ "${lines[3]}" = 123 ]
	[ "${lines[4]}" = "NoNewPrivs:	1" ]
	# Control: without them, the file is there and /etc writable.
	bundle "$SCRATCH/c" '.process.args = ["sh", "-c", "cat /etc/motd-secret; touch /etc/x && echo writable"] |
		.linux.maskedPaths = [] | .linux.readonlyPaths = []'
	echo secret >"$SCRATCH/c/rootfs/etc/motd-secret"
	run oci run --bundle "$SCRATCH/c" t6
	[ "$output" = "$(printf 'secret\nwritable')" ]
}

@test "oci: the console socket's receiver gets a working pty" {
	bundle "$SCRATCH/b" '.process.terminal = true | .process.args = ["sh"]'
	"$RECV" "$SCRATCH/console.sock" $'tty; echo typed-$((6*7)); exit\n' 10 >"$SCRATCH/console.out" &
	recv=$!
	for i in $(seq 50); do [ -S "$SCRATCH/console.sock" ] && break; sleep 0.1; done
	oci create --bundle "$SCRATCH/b" --console-socket "$SCRATCH/console.sock" t7 </dev/null >/dev/null 2>&1
	oci start t7
	wait "$recv"
	cat "$SCRATCH/console.out"
	grep -q '^master: /dev/pts/0' "$SCRATCH/console.out"
	# The shell saw a terminal, ran the line, and the pty echoed it.
	grep -q '^/dev/pts/0' "$SCRATCH/console.out"
	grep -q 'typed-42' "$SCRATCH/console.out"
	for i in $(seq 50); do [ "$(status_of t7)" = stopped ] && break; sleep 0.1; done
	oci delete t7
}

@test "oci: exec --process into a running container, with a pid file, detached or not" {
	bundle "$SCRATCH/b" '.process.args = ["sleep", "60"] | .linux.namespaces += [{"type": "time"}] |
		.linux.timeOffsets = {"boottime": {"secs": 864000, "nanosecs": 0}}'
	oci run -d --bundle "$SCRATCH/b" t8 </dev/null >/dev/null 2>&1
	jq -n '{args: ["sh", "-c", "echo $$ $FOO; hostname; exit 3"], env: ["FOO=bar", "PATH=/bin"], cwd: "/tmp", user: {uid: 0, gid: 0}}' >"$SCRATCH/proc.json"
	run oci exec --process "$SCRATCH/proc.json" --pid-file "$SCRATCH/epid" t8
	echo "$status: $output"
	[ "$status" -eq 3 ]
	# A PID in the container's namespace (not 1: that is sleep).
	[[ "${lines[0]}" =~ ^[0-9]+\ bar$ ]]
	[ "${lines[0]% bar}" != 1 ]
	[ "${lines[1]}" = runc ]
	[[ "$(cat "$SCRATCH/epid")" =~ ^[0-9]+$ ]]
	# "exec ID CMD": read as runc's because ID is a container create
	# made; the process is in the container's time namespace too.
	run --separate-stderr oci exec t8 cut -d. -f1 /proc/uptime
	[ "$status" -eq 0 ]
	[ "$output" -ge 864000 ]
	# Args on the command line; --detach returns at once.
	oci exec --detach --pid-file "$SCRATCH/dpid" t8 sleep 30
	dpid=$(cat "$SCRATCH/dpid")
	[ "$(cat "/proc/$dpid/comm")" = sleep ]
	[ "$(readlink "/proc/$dpid/ns/pid")" = "$(readlink "/proc/$(jq -r .pid <(oci state t8))/ns/pid")" ]
	oci delete --force t8
}

@test "oci: pause and resume freeze the container's cgroup" {
	bundle "$SCRATCH/b" '.process.args = ["sleep", "60"]'
	oci run -d --bundle "$SCRATCH/b" t9 </dev/null >/dev/null 2>&1
	pid=$(oci state t9 | jq .pid)
	oci pause t9
	[ "$(status_of t9)" = paused ]
	for i in $(seq 30); do grep -q '^State:.*(stopped)\|^State:.*D' "/proc/$pid/status" && break; sleep 0.1; done
	oci resume t9
	[ "$(status_of t9)" = running ]
	oci delete --force t9
}

@test "oci: bad input: one line, exit 1, nothing left behind" {
	bad() {
		local want=$1
		shift
		run --separate-stderr oci "$@"
		echo "$* -> $status: $stderr"
		[ "$status" -eq 1 ]
		[ "${#stderr_lines[@]}" -eq 1 ]
		[[ "$stderr" == "minicontainer: "*"$want"* ]]
		[ -z "$(ls "$OROOT" 2>/dev/null)" ]
	}
	bad "bundle $SCRATCH/none: no such file or directory" create --bundle "$SCRATCH/none" x
	mkdir -p "$SCRATCH/empty"
	bad "no such file or directory" create --bundle "$SCRATCH/empty" x
	# Each required field missing in turn: its JSON path is named.
	for field in ociVersion root root.path process process.args process.cwd process.user process.user.uid; do
		bundle "$SCRATCH/m-$field" "del(.$field)"
		bad "$field: missing" create --bundle "$SCRATCH/m-$field" x
	done
	bundle "$SCRATCH/args" '.process.args = "sh"'
	bad "process.args" create --bundle "$SCRATCH/args" x
	bundle "$SCRATCH/cwd" '.process.cwd = "relative"'
	bad "process.cwd" create --bundle "$SCRATCH/cwd" x
	bundle "$SCRATCH/ns" '.linux.namespaces += [{"type": "bogus"}]'
	bad "linux.namespaces" create --bundle "$SCRATCH/ns" x
	bundle "$SCRATCH/aa" '.process.apparmorProfile = "docker-default"'
	bad "process.apparmorProfile" create --bundle "$SCRATCH/aa" x
	bundle "$SCRATCH/tty" '.process.terminal = true'
	bad "console socket" create --bundle "$SCRATCH/tty" x
	bad "console socket $SCRATCH/no.sock: no such file or directory" create --bundle "$SCRATCH/tty" --console-socket "$SCRATCH/no.sock" x
	bad "container nope does not exist" start nope
	bad "container nope does not exist" delete nope
	# (kill ID SIG with a signal that is none reads as the native kill
	# of two names: the "oci" prefix says which CLI is meant.)
	bad "invalid signal: BOGUS" oci kill nope BOGUS
	bad "--systemd-cgroup is not supported" --systemd-cgroup create --bundle "$SCRATCH/args" x
	# A duplicate ID, and deleting a running one without --force.
	bundle "$SCRATCH/b" '.process.args = ["sleep", "60"]'
	oci create --bundle "$SCRATCH/b" dup </dev/null >/dev/null 2>&1
	run --separate-stderr oci create --bundle "$SCRATCH/b" dup
	[ "$status" -eq 1 ]
	[ "$stderr" = "minicontainer: container with id exists: dup" ]
	run --separate-stderr oci delete dup
	[ "$status" -eq 1 ]
	[ "$stderr" = "minicontainer: cannot delete container dup that is not stopped: created" ]
	oci delete --force dup
	[ -z "$(ls "$OROOT")" ]
	# --log-format json: the error as a JSON line in the log file.
	run oci --log "$SCRATCH/log.json" --log-format json start nope
	[ "$status" -eq 1 ]
	[ "$(jq -r '.level + ": " + .msg' "$SCRATCH/log.json")" = "error: container nope does not exist" ]
}

@test "oci: a bundle the test writes itself: user namespace, id maps, no runc spec" {
	mkdir -p "$SCRATCH/h"
	cp -a "$ROOTFS" "$SCRATCH/h/root"
	jq -n '{ociVersion: "1.0.2", root: {path: "root"}, hostname: "by-hand",
		process: {args: ["sh", "-c", "id -u; cat /proc/self/uid_map; hostname; cat /proc/1/comm; true"],
			  cwd: "/", user: {uid: 0, gid: 0}, env: ["PATH=/bin:/usr/bin"]},
		mounts: [{destination: "/proc", type: "proc", source: "proc"}],
		linux: {namespaces: [{type: "mount"}, {type: "pid"}, {type: "uts"}, {type: "user"}],
			uidMappings: [{containerID: 0, hostID: 100000, size: 65536}],
			gidMappings: [{containerID: 0, hostID: 100000, size: 65536}]}}' >"$SCRATCH/h/config.json"
	run --separate-stderr oci run --bundle "$SCRATCH/h" h1
	echo "$output $stderr"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 0 ]
	[ "$(echo ${lines[1]})" = "0 100000 65536" ]
	[ "${lines[2]}" = by-hand ]
	# process.args is PID 1: sh, not an init of ours.
	[ "${lines[3]}" = sh ]
	# No capability was asked for: none is held.
	jq '.process.args = ["sh", "-c", "grep CapEff /proc/self/status"]' "$SCRATCH/h/config.json" >"$SCRATCH/h/c.json"
	mv "$SCRATCH/h/c.json" "$SCRATCH/h/config.json"
	run --separate-stderr oci run --bundle "$SCRATCH/h" h2
	[ "$output" = "CapEff:	0000000000000000" ]
}

@test "oci: seccomp, sysctl, oomScoreAdj and --preserve-fds as the config and the caller say" {
	bundle "$SCRATCH/b" '.process.args = ["sh", "-c", "mkdir /tmp/d 2>&1; cat /proc/sys/net/ipv4/ip_forward; cat /proc/self/oom_score_adj; echo to-fd3 >&3; ls /proc/self/fd | tr \"\\n\" \" \""] |
		.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_ERRNO", errnoRet: 1}]} |
		.linux.sysctl = {"net.ipv4.ip_forward": "1"} |
		.process.oomScoreAdj = 500'
	host_forward=$(cat /proc/sys/net/ipv4/ip_forward)
	run --separate-stderr oci run --preserve-fds 1 --bundle "$SCRATCH/b" s1 3>"$SCRATCH/fd3"
	echo "$output $stderr"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == *"Operation not permitted"* ]]
	[ "${lines[1]}" = 1 ]
	[ "${lines[2]}" = 500 ]
	# fd 3 crossed, and nothing above it (ls's own directory fd aside).
	[ "$(cat "$SCRATCH/fd3")" = to-fd3 ]
	[ "${lines[3]}" = "0 1 2 3 4 " ]
	[ "$(cat /proc/sys/net/ipv4/ip_forward)" = "$host_forward" ]
	# Control: no filter, no --preserve-fds.
	bundle "$SCRATCH/c" '.process.args = ["sh", "-c", "mkdir /tmp/d && echo made; ls /proc/self/fd | tr \"\\n\" \" \""]'
	run --separate-stderr oci run --bundle "$SCRATCH/c" s2 3>"$SCRATCH/fd3"
	[ "${lines[0]}" = made ]
	[ "${lines[1]}" = "0 1 2 3 " ]
}

@test "oci: linux.resources become the cgroup's limits; a namespace joined by path [vm]" {
	unshare -n sleep 60 &
	holder=$!
	sleep 0.2
	bundle "$SCRATCH/b" '.process.args = ["sleep", "60"] |
		.linux.resources = {memory: {limit: 33554432}, pids: {limit: 20}} |
		.linux.namespaces = [.linux.namespaces[] | if .type == "network" then .path = "/proc/'"$holder"'/ns/net" else . end]'
	oci run -d --bundle "$SCRATCH/b" r1 </dev/null >/dev/null 2>&1
	pid=$(oci state r1 | jq .pid)
	[ "$(readlink "/proc/$pid/ns/net")" = "$(readlink "/proc/$holder/ns/net")" ]
	mem=$(find /sys/fs/cgroup -path '*ctk/oci-r1/*' \( -name memory.max -o -name memory.limit_in_bytes \) | head -1)
	[ "$(cat "$mem")" = 33554432 ]
	[ "$(cat "$(find /sys/fs/cgroup -path '*ctk/oci-r1/pids.max' | head -1)")" = 20 ]
	grep -qx "$pid" "$(dirname "$mem")/cgroup.procs"
	oci delete --force r1
	kill "$holder"
	[ -z "$(find /sys/fs/cgroup -name 'oci-r1')" ]
}
