#!/usr/bin/env bats
# minicontainer run: the primitives composed into a container start.
# Each defence is shown next to a control where the same probe gets the
# other answer.  Containers run on a copy of the rootfs that also holds
# sys-probe (tests/probe/sys-probe.c).

load helpers

PROBE=$BATS_TEST_DIRNAME/../../build/tests/sys-probe
MC=minicontainer
DEFAULT_CAPS=00000000800405fb

setup() {
	common_setup
	ROOT=$(copy_rootfs)
	cp "$PROBE" "$ROOT/bin/sys-probe"
	HOST_BEFORE=$(host_state)
}

teardown() {
	[ "$(host_state)" = "$HOST_BEFORE" ]
	common_teardown
}

# What a container must not change or leave behind on the host.
host_state() {
	hostname
	mount_table | md5sum
	find /sys/fs/cgroup -type d 2>/dev/null | wc -l
	ip -o link | awk -F': ' '{ print $2 }'
}

mc() { "$MC" -q run "$@"; }

@test "minicontainer: runs a command in its own hostname, with the default root [vm]" {
	run --separate-stderr "$MC" run --hostname web -- sh -c 'hostname; echo $HOSTNAME; cat /etc/os-release | head -1'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "web" ]
	[ "${lines[1]}" = "web" ]
	[[ "${lines[2]}" == *"ctk"* || "${lines[2]}" == *"NAME"* ]]
	[ "$stderr" = "minicontainer: container web: sh on $ROOTFS" ]
	# Without --hostname the hostname is a fresh 12-digit ID.
	run mc -- hostname
	[[ "$output" =~ ^[0-9a-f]{12}$ ]]
	[ "$output" != "$(hostname)" ]
}

@test "minicontainer: PID 1 is minicontainer's init; it reaps orphans [vm]" {
	run mc "$ROOT" -- sh -c '
		cat /proc/1/comm; echo "me $$"
		zombies() { grep -l "^State:.*Z" /proc/[0-9]*/status 2>/dev/null | wc -l; }
		# An orphan: its parent is gone, so PID 1 adopts it.
		(sleep 0.1 &)
		# Control: a child whose living parent never waits.
		(sh -c "sleep 0.1 & exec sleep 2" &)
		sleep 0.8
		echo "zombies $(zombies)"
		grep -l "^PPid:.*\<1$" /proc/[0-9]*/status | wc -l'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "minicontainer" ]
	[ "${lines[1]}" = "me 2" ]
	# Only the control's child is a zombie: the orphan was reaped.
	[ "${lines[2]}" = "zombies 1" ]
}

@test "minicontainer: exit codes as docker: 0, 7, 126, 127, 128+9 [vm]" {
	run mc "$ROOT" -- true
	[ "$status" -eq 0 ]
	run mc "$ROOT" -- sh -c 'exit 7'
	[ "$status" -eq 7 ]
	run -126 --separate-stderr mc "$ROOT" -- /etc/passwd
	[ "$stderr" = "minicontainer: /etc/passwd: not an executable file in $ROOT" ]
	run -127 --separate-stderr mc "$ROOT" -- no-such-command
	[ "$stderr" = "minicontainer: no-such-command: command not found in $ROOT" ]
	run -137 mc "$ROOT" -- sh -c 'kill -9 $$'
	# A command that cannot be executed after all (a dangling symlink
	# found at check time) still gives 126/127 from inside.
	ln -s /nowhere "$ROOT/bin/dangling"
	run -127 --separate-stderr mc "$ROOT" -- dangling
	[[ "$stderr" == *"command not found"* ]]
}

@test "minicontainer: a signal to the runtime reaches the command through init" {
	"$MC" -q run "$ROOT" -- sh -c 'trap "echo got TERM; exit 3" TERM; echo ready; while :; do sleep 0.1; done' >"$SCRATCH/out" &
	pid=$!
	for ((i = 0; i < 50; i++)); do
		grep -q ready "$SCRATCH/out" && break
		sleep 0.1
	done
	kill -TERM "$pid"
	status=0
	wait "$pid" || status=$?
	[ "$status" -eq 3 ]
	[ "$(cat "$SCRATCH/out")" = "$(printf 'ready\ngot TERM')" ]
}

@test "minicontainer: mounts, IPC and network are the container's own [vm]" {
	ipcmk -Q >/dev/null
	host_queues=$(ipcs -q | grep -c '^0x')
	run mc "$ROOT" -- sh -c '
		awk "{ print \$5 }" /proc/self/mountinfo | tr "\n" " "; echo
		ls /sys/class/net | tr "\n" " "; echo
		cat /proc/sysvipc/msg | wc -l'
	ipcrm --all=msg
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "/ /proc /dev /dev/pts /dev/shm /dev/mqueue /sys /proc/acpi /proc/keys /proc/timer_list /sys/firmware /proc/bus /proc/fs /proc/irq /proc/sys /proc/sysrq-trigger " ] ||
		[[ "${lines[0]}" == "/ /proc /dev /dev/pts /dev/shm /dev/mqueue /sys "* ]]
	[[ "${lines[0]}" != *"$SCRATCH"* ]]
	[ "${lines[1]}" = "lo " ]
	# The header line only: the host's queue is not in this IPC namespace.
	[ "${lines[2]}" = "1" ]
	[ "$host_queues" -ge 1 ]
}

@test "minicontainer: the breakout probe is contained (control: it escapes chroot-demo)" {
	host_marker
	run mc "$ROOT" -- /bin/escape-probe cat "$MARKER"
	[ "$status" -eq 3 ]
	[[ "$output" != *"$MARKER_TEXT"* ]]
	run chroot-demo -q "$ROOT" /bin/escape-probe cat "$MARKER"
	[ "$status" -eq 0 ]
	[ "${lines[-1]}" = "$MARKER_TEXT" ]
}

@test "minicontainer: CapEff is podman's default set, NoNewPrivs 1, Seccomp 2 [vm]" {
	run mc "$ROOT" -- grep -E '^(CapEff|CapBnd|CapAmb|NoNewPrivs|Seccomp):' /proc/self/status
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "CapEff:	$DEFAULT_CAPS" ]
	[ "${lines[1]}" = "CapBnd:	$DEFAULT_CAPS" ]
	[ "${lines[2]}" = "CapAmb:	0000000000000000" ]
	[ "${lines[3]}" = "NoNewPrivs:	1" ]
	[ "${lines[4]}" = "Seccomp:	2" ]
	# Control: the host's own shell has more.
	[ "$(grep '^CapEff:' /proc/self/status)" != "CapEff:	$DEFAULT_CAPS" ]
	# --cap-drop ALL --cap-add NET_ADMIN: exactly bit 12.
	run mc --cap-drop ALL --cap-add NET_ADMIN "$ROOT" -- grep '^CapEff:' /proc/self/status
	[ "$output" = "CapEff:	0000000000001000" ]
	# Another user keeps no capability at all.
	run mc --user 1000:1000 "$ROOT" -- sh -c 'id; grep ^CapEff: /proc/self/status'
	[ "${lines[0]}" = "uid=1000 gid=1000 groups=1000" ] || [ "${lines[0]}" = "uid=1000 gid=1000" ]
	[ "${lines[1]}" = "CapEff:	0000000000000000" ]
}

@test "minicontainer: seccomp denies add_key and a new user namespace (control: --seccomp unconfined) [vm]" {
	run mc "$ROOT" -- sh -c 'sys-probe add_key; sys-probe userns'
	[ "${lines[0]}" = "add_key: EPERM" ]
	[ "${lines[1]}" = "unshare(CLONE_NEWUSER): EPERM" ]
	run mc --seccomp unconfined "$ROOT" -- sh -c 'sys-probe add_key; sys-probe userns; grep ^Seccomp: /proc/self/status'
	[ "${lines[0]}" = "add_key: ok" ]
	[ "${lines[1]}" = "unshare(CLONE_NEWUSER): ok" ]
	[ "${lines[2]}" = "Seccomp:	0" ]
}

@test "minicontainer: --seccomp FILE loads a docker profile" {
	cat >"$SCRATCH/profile.json" <<-'EOF'
	{ "defaultAction": "SCMP_ACT_ALLOW",
	  "syscalls": [ { "names": ["mkdirat", "mkdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13 } ] }
	EOF
	run mc --seccomp "$SCRATCH/profile.json" "$ROOT" -- sh -c 'mkdir /tmp/x 2>&1; sys-probe add_key'
	[[ "${lines[0]}" == *"Permission denied"* ]]
	# The file replaces the default filter: add_key is allowed again.
	[ "${lines[1]}" = "add_key: ok" ]
	[ ! -e "$ROOT/tmp/x" ]
}

@test "minicontainer: /proc/kcore reads empty, /proc/sysrq-trigger is read-only (control: a bare /proc) [vm]" {
	# Kernels without CONFIG_PROC_KCORE or CONFIG_MAGIC_SYSRQ lack a
	# file: the timer list (masked alike) and /proc/sys stand in.
	kcore=/proc/kcore
	[ -e /proc/kcore ] || kcore=/proc/timer_list
	sysrq=/proc/sysrq-trigger
	[ -e /proc/sysrq-trigger ] || sysrq=/proc/sys/kernel/domainname
	probes="sys-probe read $kcore; sys-probe open-w $sysrq; sys-probe open-w /proc/sys/kernel/hostname; sys-probe open-w /sys/kernel/rcu_expedited"
	run mc "$ROOT" -- sh -c "$probes"
	[ "${lines[0]}" = "read $kcore: 0 bytes" ]
	[ "${lines[1]}" = "open-w $sysrq: EROFS" ]
	[ "${lines[2]}" = "open-w /proc/sys/kernel/hostname: EROFS" ]
	[ "${lines[3]}" = "open-w /sys/kernel/rcu_expedited: EROFS" ]
	# Control: in a mount and PID namespace with a fresh /proc and
	# nothing hidden, the same probes get through (opened, not written).
	run unshare -m -p -f --mount-proc="$ROOT/proc" chroot "$ROOT" sh -c "$probes"
	[[ "${lines[0]}" =~ ^read\ $kcore:\ [1-9][0-9]*\ bytes$ ]]
	[ "${lines[1]}" = "open-w $sysrq: ok" ]
	[ "${lines[2]}" = "open-w /proc/sys/kernel/hostname: ok" ]
}

@test "minicontainer: only fds 0-2 reach the command (control: outside, 3 and 7 are there)" {
	run mc "$ROOT" -- sys-probe fds 3</etc/hostname 7<"$SCRATCH"
	[ "$output" = "fds: 0 1 2" ]
	run "$PROBE" fds 3</etc/hostname 7<"$SCRATCH"
	[[ "$output" == "fds: 0 1 2 3 "*" 7"* ]]
	# A working directory through a leaked fd is not a way out.
	run --separate-stderr mc --workdir /proc/self/fd/7 "$ROOT" -- pwd 7<"$SCRATCH"
	[ "$status" -eq 125 ]
	[[ "$stderr" == "minicontainer: workdir /proc/self/fd/7"* ]]
}

@test "minicontainer: env, env-file, workdir and user as docker sets them" {
	printf '# comment\n\nFROM_FILE=1\nSHARED=file\n' >"$SCRATCH/env"
	export FROM_HOST=hostval
	run mc -e A=1 --env-file "$SCRATCH/env" -e SHARED=cli -e FROM_HOST -e UNSET_ON_HOST -w /etc --user nobody "$ROOT" -- sh -c 'env | sort | grep -v "^PWD=\|^SHLVL="; pwd; id -u'
	[ "$status" -eq 0 ]
	# HOME comes from the container's /etc/passwd; the host's own
	# variables stay out, but for the one asked for by name.
	[ "$output" = "$(printf '%s\n' A=1 FROM_FILE=1 FROM_HOST=hostval HOME=/nonexistent HOSTNAME="${lines[4]#HOSTNAME=}" PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin SHARED=cli /etc 65534)" ]
}

@test "minicontainer: --verbose prints the whole start as one numbered trace" {
	run --separate-stderr "$MC" --verbose run "$ROOT" -- true
	[ "$status" -eq 0 ]
	n=0
	while read -r line; do
		[[ "$line" == "minicontainer: container "* ]] && continue
		n=$((n + 1))
		[[ "$line" =~ ^minicontainer:\ +$n\  ]] || { echo "step $n: $line"; false; }
	done <<<"$stderr"
	[ "$n" -gt 40 ]
	[[ "$stderr" == *" 1 memfd_create(); sendfile("* ]]
	[[ "$stderr" == *"clone3({.flags = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWCGROUP})"* ]]
	[[ "$stderr" == *'pivot_root(".", ".") = 0'* ]]
	[[ "$stderr" == *"prctl(PR_SET_NO_NEW_PRIVS, 1) = 0"* ]]
	[[ "$stderr" == *'execvp("true")'* ]]
}

@test "minicontainer: the runtime runs from a sealed copy: /proc/1/exe cannot be written" {
	run mc --cap-add SYS_PTRACE "$ROOT" -- sh -c 'readlink /proc/1/exe; sys-probe open-w /proc/1/exe'
	[ "${lines[0]}" = "/memfd:minicontainer (deleted)" ]
	[ "${lines[1]}" = "open-w /proc/1/exe: EPERM" ] || [ "${lines[1]}" = "open-w /proc/1/exe: EACCES" ] || [ "${lines[1]}" = "open-w /proc/1/exe: ETXTBSY" ]
	# The binary on disk is untouched.
	[ -x "$BIN/minicontainer" ]
}

@test "minicontainer: bad input: one line, exit 125/126/127, nothing left behind" {
	before=$(host_state)
	touch "$SCRATCH/file"
	printf 'GOOD=1\nBAD KEY=2\n' >"$SCRATCH/badenv"
	check() {	# STATUS STDERR ARGS...
		local want=$1 msg=$2
		shift 2
		run "-$want" --separate-stderr "$MC" run "$@"
		[ "$status" -eq "$want" ] || { echo "$*: status $status"; return 1; }
		[ "$stderr" = "minicontainer: $msg" ] || { echo "$*: $stderr"; return 1; }
		[ "$(host_state)" = "$before" ]
	}
	check 125 "new root '/nonexistent': No such file or directory" /nonexistent true
	check 125 "new root '$SCRATCH/file': Not a directory" "$SCRATCH/file" true
	check 127 "nope: command not found in $ROOT" "$ROOT" nope
	check 126 "/etc/passwd: not an executable file in $ROOT" "$ROOT" /etc/passwd
	check 125 "unknown capability 'FOO'" --cap-add FOO "$ROOT" true
	check 125 "workdir /nope: No such file or directory in the container's root" -w /nope "$ROOT" true
	check 125 "workdir etc is not an absolute path" -w etc "$ROOT" true
	check 125 "$SCRATCH/badenv:2: invalid environment variable 'BAD KEY=2': KEY=VALUE, KEY without '=' or spaces" --env-file "$SCRATCH/badenv" "$ROOT" true
	check 125 "env file $SCRATCH/none: No such file or directory" --env-file "$SCRATCH/none" "$ROOT" true
	check 125 "unknown user 'bob' (not in the container's /etc/passwd)" -u bob "$ROOT" true
	check 125 "invalid hostname 'a b': 1 to 64 letters, digits, '-' and '.'" --hostname "a b" "$ROOT" true
	check 125 "unknown ulimit 'files' (nofile, nproc, core, stack, ...)" --ulimit files=1 "$ROOT" true
	# A usage error is exit 125 too, with the pointer to --help.
	run --separate-stderr "$MC" run --bogus
	[ "$status" -eq 125 ]
	[ "${stderr_lines[0]}" = "minicontainer: unknown option '--bogus'" ]
	[ "${stderr_lines[1]}" = "Try 'minicontainer run --help' for more information." ]
	# Not root: one line, before anything is made.
	run --separate-stderr as_nobody "$BIN/minicontainer" run "$ROOT" true
	[ "$status" -eq 125 ]
	[[ "$stderr" == "minicontainer: run needs root: "* ]]
	[ "$(host_state)" = "$before" ]
}

@test "minicontainer: --help, run --help and the man page agree" {
	run "$MC" run --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"--cap-add CAP"* ]]
	diff <({ "$MC" --help; "$MC" run --help; } |
		grep -o -- '--[a-z][a-z-]*' | sort -u) \
		<(man_options minicontainer "$TOP/minicontainer/minicontainer.8")
	run "$MC" --version
	[[ "$output" == "minicontainer "* ]]
}
