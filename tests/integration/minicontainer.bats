#!/usr/bin/env bats
# minicontainer run: the primitives composed into a container start.
# Each defence is shown next to a control where the same probe gets the
# other answer.  Containers run on a copy of the rootfs that also holds
# sys-probe (tests/probe/sys-probe.c).

load helpers

MC=minicontainer
DEFAULT_CAPS=00000000800405fb

setup() { probe_setup; }

teardown() {
	# The containers these tests name, should one have failed half-way.
	"$MC" rm -f ctk-t-life ctk-t-life2 ctk-t-dup ctk-t-ex ctk-t-stopped >/dev/null 2>&1 || true
	[ "$(container_host_state)" = "$HOST_BEFORE" ]
	common_teardown
}

@test "minicontainer: runs a command in its own hostname, with the default root [vm]" {
	run --separate-stderr "$MC" run --rm --hostname web -- sh -c 'hostname; echo $HOSTNAME; cat /etc/os-release | head -1'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "web" ]
	[ "${lines[1]}" = "web" ]
	[[ "${lines[2]}" == *"ctk"* || "${lines[2]}" == *"NAME"* ]]
	[[ "$stderr" == "minicontainer: container "[0-9a-f]*": sh on $ROOTFS" ]]
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

@test "minicontainer: the breakout probe is contained (control: it escapes chroot-demo) [vm]" {
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

@test "minicontainer: only fds 0-2 reach the command (control: outside, 3 and 7 are there) [vm]" {
	run mc "$ROOT" -- sys-probe fds 3</etc/hostname 7<"$SCRATCH"
	[ "$output" = "fds: 0 1 2" ]
	run "$PROBE" fds 3</etc/hostname 7<"$SCRATCH"
	[[ "$output" == "fds: 0 1 2 3 "*" 7"* ]]
	# A working directory through a leaked fd is not a way out.
	run --separate-stderr mc --workdir /proc/self/fd/7 "$ROOT" -- pwd 7<"$SCRATCH"
	[ "$status" -eq 125 ]
	[ "${#stderr_lines[@]}" -eq 1 ]
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
	run --separate-stderr "$MC" --verbose run --rm "$ROOT" -- true
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
	before=$(container_host_state)
	touch "$SCRATCH/file"
	printf 'GOOD=1\nBAD KEY=2\n' >"$SCRATCH/badenv"
	check() {	# STATUS STDERR ARGS...
		local want=$1 msg=$2
		shift 2
		run "-$want" --separate-stderr "$MC" run --rm "$@"
		[ "$status" -eq "$want" ] || { echo "$*: status $status"; return 1; }
		[ "$stderr" = "minicontainer: $msg" ] || { echo "$*: $stderr"; return 1; }
		[ "$(container_host_state)" = "$before" ]
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
	[ "$(container_host_state)" = "$before" ]
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

# --- issue 11: networking, limits, time, volumes, lifecycle ---

@test "minicontainer: bridged containers talk over nc; a published port reaches one [vm]" {
	run --separate-stderr mc_net '
		"$MC" -q run -d --rm --name srv --net bridge -p 8080:80 "$ROOT" -- sh -c "echo served-by-srv | nc -l -p 80" >/dev/null
		"$MC" ps | awk "NR > 1 { print \$2, \$3 }"
		# The port is taken: one line, 125, nothing made.
		"$MC" -q run --rm --net bridge -p 8080:80 "$ROOT" -- true 2>&1 || echo "status $?"
		# So is one a host process listens on (the rule would hide it).
		$BB nc -l -p 8082 </dev/null >/dev/null & lp=$!
		for i in 1 2 3 4 5 6 7 8 9 10; do grep -q ":1F82 00000000:0000 0A" /proc/net/tcp && break; sleep 0.1; done
		"$MC" -q run --rm --net bridge -p 8082:80 "$ROOT" -- true 2>&1 || echo "status $?"
		kill $lp; wait $lp || true
		ip -o -4 addr show ctk-mc0 | awk "{ print \$4 }"
		# Container to container, across the bridge.
		"$MC" -q run --rm --net bridge "$ROOT" -- sh -c "for i in 1 2 3 4 5; do nc 198.19.0.2 80 </dev/null && break; sleep 0.2; done"
		"$MC" -q run -d --rm --name srv2 --net bridge -p 8081:80 "$ROOT" -- sh -c "echo published | nc -l -p 80" >/dev/null
		nft list table ip ctk | grep -c "dport 8081 dnat to 198.19.0.[0-9]*:80"
		# The host, to its own address on the published port.
		for i in 1 2 3 4 5; do $BB nc 198.19.0.1 8081 </dev/null && break; sleep 0.2; done
		# Control: a container on --net none reaches nothing.
		"$MC" -q run -d --rm --name srv3 --net bridge "$ROOT" -- sh -c "echo x | nc -l -p 80" >/dev/null
		"$MC" -q run --rm "$ROOT" -- sh -c "nc -w 1 198.19.0.4 80 </dev/null || echo unreachable"
		"$MC" stop -t 1 srv3 >/dev/null
		sleep 0.3
		"$MC" ps -a | wc -l'
	echo "$output$stderr"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "srv running" ]
	[[ "${lines[1]}" == "minicontainer: port tcp/8080 is already published: ctk-"*": tcp 8080 -> 198.19.0.2:80" ]]
	[ "${lines[2]}" = "status 125" ]
	[ "${lines[3]}" = "minicontainer: port tcp/8082 is in use on this host: a socket listens on it (ss -tlnp 'sport = :8082')" ]
	[ "${lines[4]}" = "status 125" ]
	[ "${lines[5]}" = "198.19.0.1/16" ]
	[ "${lines[6]}" = "served-by-srv" ]
	[ "${lines[7]}" = "2" ]
	[ "${lines[8]}" = "published" ]
	[ "${lines[9]}" = "unreachable" ]
	# Every container gone with --rm; the bridge and rules with the last.
	[ "${lines[10]}" = "1" ]
}

@test "minicontainer: --pids and --memory are enforced (controls without) [vm]" {
	run mc --pids 5 "$ROOT" -- sh -c 'for i in 1 2 3 4 5 6; do sleep 1 & done; wait'
	[ "$status" -eq 2 ]
	[[ "$output" == *"can't fork"* ]]
	run mc "$ROOT" -- sh -c 'for i in 1 2 3 4 5 6; do sleep 0.2 & done; wait'
	[ "$status" -eq 0 ]
	# Tmpfs pages are charged to the container's memory (MEM_FILL).
	run --separate-stderr mc --memory "${MEM_MIB}M" "$MEM_BIG" "$ROOT" -- sh -c "$MEM_FILL"
	oom_killed_dd
	run mc "$MEM_BIG" "$ROOT" -- sh -c "$MEM_FILL"
	[ "$output" = "dd 0" ]
	# The container's cgroup namespace is rooted at its group.
	run mc --pids 50 "$ROOT" -- sh -c 'grep -E "pids|^0::" /proc/self/cgroup | cut -d: -f3'
	[ "${lines[0]}" = "/" ]
}

@test "minicontainer: --boottime and --monotonic offsets show inside [vm]" {
	host=$(cut -d. -f1 /proc/uptime)
	read -r _ mono _ boot < <("$PROBE" clocks)
	run mc --boottime 86400 --monotonic 3600 "$ROOT" -- cut -d. -f1 /proc/uptime
	[ "$status" -eq 0 ]
	[ "$output" -ge $((host + 86400)) ]
	[ "$output" -lt $((host + 86400 + 60)) ]
	# Each clock by its own offset.
	run mc --boottime 86400 --monotonic 3600 "$ROOT" -- sys-probe clocks
	[ "$status" -eq 0 ]
	read -r _ m _ b <<<"$output"
	[ "$m" -ge $((mono + 3600)) ] && [ "$m" -lt $((mono + 3600 + 60)) ]
	[ "$b" -ge $((boot + 86400)) ] && [ "$b" -lt $((boot + 86400 + 60)) ]
	# Control: without offsets, the host's clocks.
	run mc "$ROOT" -- cut -d. -f1 /proc/uptime
	[ "$output" -lt $((host + 60)) ]
	run mc "$ROOT" -- sys-probe clocks
	read -r _ m _ b <<<"$output"
	[ "$m" -lt $((mono + 60)) ] && [ "$b" -lt $((boot + 60)) ]
}

@test "minicontainer: volumes (:ro read-only), --tmpfs, --read-only root [vm]" {
	mkdir "$SCRATCH/vol"
	echo from-host >"$SCRATCH/vol/f"
	run mc -v "$SCRATCH/vol:/data:ro" --tmpfs /scratch --read-only "$ROOT" -- sh -c '
		cat /data/f
		echo x 2>/dev/null >/data/g || echo data-ro
		echo y >/scratch/s && cat /scratch/s
		echo z 2>/dev/null >/etc/z || echo root-ro'
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'from-host\ndata-ro\ny\nroot-ro')" ]
	[ ! -e "$SCRATCH/vol/g" ]
	[ ! -e "$ROOT/etc/z" ]
	# Control: read-write, the write reaches the host.
	run mc -v "$SCRATCH/vol:/data" "$ROOT" -- sh -c 'echo from-container >/data/g'
	[ "$(cat "$SCRATCH/vol/g")" = "from-container" ]
	# A volume path in the image that is a symlink stays inside the root.
	ln -s /etc "$ROOT/link"
	run mc -v "$SCRATCH/vol:/link/vol" "$ROOT" -- cat /etc/vol/f
	[ "$output" = "from-host" ]
	[ ! -e /etc/vol ]
}

@test "minicontainer: run -d, ps, logs, stop, wait, rm [vm]" {
	run "$MC" -q run -d --name ctk-t-life "$ROOT" -- sh -c 'echo line one; trap "echo got TERM; exit 5" TERM; while :; do sleep 0.1; done'
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^[0-9a-f]{12}$ ]]
	id=$output
	run "$MC" ps
	[[ "$(grep " ctk-t-life " <<<"$output")" == "$id  ctk-t-life "*"running "*"sh -c echo line one"* ]]
	sleep 0.3
	run "$MC" logs ctk-t-life
	[ "$output" = "line one" ]
	run --separate-stderr "$MC" rm ctk-t-life
	[ "$status" -eq 1 ]
	[ "$stderr" = "minicontainer: container ctk-t-life is running: stop it first, or rm -f" ]
	run "$MC" stop -t 5 ctk-t-life
	[ "$output" = "ctk-t-life" ]
	run "$MC" wait ctk-t-life
	[ "$status" -eq 5 ]
	[ "$output" = "5" ]
	run "$MC" logs ctk-t-life
	[ "$output" = "$(printf 'line one\ngot TERM')" ]
	run "$MC" ps -a
	[[ "$(grep " ctk-t-life " <<<"$output")" == "$id  ctk-t-life "*"exited (5)"* ]]
	run "$MC" rm "${id:0:6}"
	[ "$output" = "ctk-t-life" ]
	run "$MC" ps -a
	[[ "$output" != *" ctk-t-life "* ]]
	# rm -f of a running one.
	"$MC" -q run -d --name ctk-t-life2 "$ROOT" -- sleep 30
	run "$MC" rm -f ctk-t-life2
	[ "$output" = "ctk-t-life2" ]
}

@test "minicontainer: lifecycle bad input: one line, exit code, nothing left" {
	"$MC" -q run -d --name ctk-t-dup "$ROOT" -- sleep 30
	before=$(container_host_state)
	run --separate-stderr "$MC" -q run --rm --name ctk-t-dup "$ROOT" true
	[ "$status" -eq 125 ]
	[ "$stderr" = "minicontainer: the name 'ctk-t-dup' is already in use (minicontainer rm ctk-t-dup)" ]
	run --separate-stderr "$MC" -q run --rm --name a/b "$ROOT" true
	[ "$status" -eq 125 ]
	[[ "$stderr" == "minicontainer: invalid name 'a/b': "* ]]
	run --separate-stderr "$MC" logs ..
	[ "$status" -eq 1 ]
	[[ "$stderr" == "minicontainer: invalid name '..': "* ]]
	run --separate-stderr "$MC" -q run --rm -v /nonexistent:/x "$ROOT" true
	[ "$status" -eq 125 ]
	[ "$stderr" = "minicontainer: volume source /nonexistent: No such file or directory" ]
	run --separate-stderr "$MC" -q run --rm -p 80:80 "$ROOT" true
	[ "$status" -eq 125 ]
	[ "$stderr" = "minicontainer: publishing a port needs --net bridge" ]
	run --separate-stderr "$MC" -q run --rm --net bogus "$ROOT" true
	[ "$status" -eq 125 ]
	[ "$stderr" = "minicontainer: invalid network 'bogus': none, host or bridge" ]
	run --separate-stderr "$MC" -q run --rm --memory lots "$ROOT" true
	[ "$status" -eq 125 ]
	[ "$stderr" = "minicontainer: invalid memory 'lots': e.g. 64M, 1.5G" ]
	run --separate-stderr "$MC" stop nosuch
	[ "$status" -eq 1 ]
	[ "$stderr" = "minicontainer: no such container: nosuch" ]
	[ "$(container_host_state)" = "$before" ]
	"$MC" rm -f ctk-t-dup >/dev/null
}

@test "minicontainer: run -it gives a shell on a pty: prompt, output, window size, ^C, exit status [vm]" {
	run expect "$BATS_TEST_DIRNAME/expect/mc-it.exp" "$BIN/minicontainer" "$ROOT"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"EXIT 3"* ]]
	# Control: without -t there is no terminal inside.
	run mc -i "$ROOT" -- sh -c 'tty; echo typed | cat' </dev/null
	[ "${lines[0]}" = "not a tty" ]
	run mc "$ROOT" -- sh -c 'tty; cat' <<<"not read"
	[ "${lines[0]}" = "not a tty" ]
	[ "${#lines[@]}" -eq 1 ]
}

@test "minicontainer: exec joins a running container: namespaces, cgroup, user, caps, filter [vm]" {
	id=$("$MC" -q run -d --name ctk-t-ex --hostname exhost --memory 32M --user 1000 --cap-drop ALL "$ROOT" -- sleep 30)
	run "$MC" exec ctk-t-ex -- sh -c 'hostname; id -u; grep -E "^(CapEff|NoNewPrivs|Seccomp):" /proc/self/status; ps -o pid,comm | tail -n +2 | tr -s " " | tr "\n" ";"'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "exhost" ]
	[ "${lines[1]}" = "1000" ]
	[ "${lines[2]}" = "CapEff:	0000000000000000" ]
	[ "${lines[3]}" = "NoNewPrivs:	1" ]
	[ "${lines[4]}" = "Seccomp:	2" ]
	# PID 1 is the container's init, 2 its command, then this exec.
	[[ "${lines[5]}" == " 1 minicontainer; 2 sleep;"* ]] || [[ "${lines[5]}" == "1 minicontainer;2 sleep;"* ]]
	# The exec'd process is in the container's cgroup.
	run "$MC" exec ctk-t-ex -- sh -c 'cat /proc/self/cgroup' 
	[[ "$output" != *"/ctk/"* ]]
	run "$MC" exec ctk-t-ex -- sh -c 'exit 9'
	[ "$status" -eq 9 ]
	run -127 "$MC" exec ctk-t-ex -- no-such-command
	# -u: another user for this process only.
	run "$MC" exec -u 0 ctk-t-ex -- id -u
	[ "$output" = "0" ]
	"$MC" rm -f ctk-t-ex >/dev/null
	# exec into a stopped container: one line, 125.
	"$MC" -q run --name ctk-t-stopped "$ROOT" -- true
	run --separate-stderr "$MC" exec ctk-t-stopped -- true
	[ "$status" -eq 125 ]
	[ "$stderr" = "minicontainer: container ctk-t-stopped is not running" ]
	"$MC" rm ctk-t-stopped >/dev/null
}

@test "minicontainer: an unprivileged user runs a container through a user namespace [vm]" {
	run --separate-stderr as_nobody "$BIN/minicontainer" run --rm "$ROOT" -- sh -c 'id -u; cat /proc/self/uid_map; grep ^CapEff: /proc/self/status; hostname'
	echo "$output$stderr"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "0" ]
	[ "$(echo ${lines[1]})" = "0 65534 1" ]
	[ "${lines[2]}" = "CapEff:	$DEFAULT_CAPS" ]
	[[ "$stderr" == *"rootless: a user namespace; uid 0 inside is uid 65534 outside, and the only one"* ]]
	# Outside, the container's processes are nobody's.
	as_nobody "$BIN/minicontainer" -q run -d --name rl "$ROOT" -- sleep 30 >/dev/null
	pid=$(pgrep -n -x sleep -u 65534)
	[ -n "$pid" ]
	[ "$(stat -c %u "/proc/$pid")" = "65534" ]
	run as_nobody "$BIN/minicontainer" rm -f rl
	[ "$output" = "rl" ]
	# What needs the host's root is refused at the start, not half-way.
	run --separate-stderr as_nobody "$BIN/minicontainer" run --rm --memory 16M "$ROOT" -- true
	[ "$status" -eq 125 ]
	[ "$stderr" = "minicontainer: rootless (uid 65534): --memory, --cpus, --cpu-weight and --pids need cgroups, which this user may not change" ]
	run --separate-stderr as_nobody "$BIN/minicontainer" run --rm --net bridge "$ROOT" -- true
	[ "$status" -eq 125 ]
	[[ "$stderr" == "minicontainer: rootless (uid 65534): --net host and bridge need root"* ]]
	rm -rf /tmp/minicontainer-65534
}

@test "minicontainer: not root, and no user namespace to be had: one line, 125, nothing made [vm]" {
	# A user namespace of the test's own, where the limit can be set to
	# 0 without touching the host's sysctl; nobody runs the container.
	rm -rf /tmp/minicontainer-65534
	run --separate-stderr ns-unshare -q --map-users 0:0:65536 \
		--map-groups 0:0:65536 -- sh -c '
		echo 0 >/proc/sys/user/max_user_namespaces &&
		setpriv --reuid=65534 --regid=65534 --clear-groups "$0" run --rm "$1" -- true' \
		"$BIN/minicontainer" "$ROOT"
	[ "$status" -eq 125 ]
	[ "$stderr" = "minicontainer: rootless (uid 65534) needs a user namespace, but user namespaces are disabled (sysctl user.max_user_namespaces = 0)" ]
	[ -z "$output" ]
	[ ! -e /tmp/minicontainer-65534 ]
	[ "$(cat /proc/sys/user/max_user_namespaces)" -gt 0 ]
}

@test "minicontainer: inspect shows the state and what the kernel says of the command" {
	"$MC" -q run -d --name ctk-t-ex --pids 20 "$ROOT" -- sleep 30 >/dev/null
	run "$MC" inspect ctk-t-ex
	[ "$status" -eq 0 ]
	[ "${lines[1]}" = "name: ctk-t-ex" ]
	[ "${lines[2]}" = "status: running" ]
	[[ "$output" == *"process "*" (sleep), parent "*"; compared with minicontainer"* ]]
	[[ "$output" == *"  pid      pid:["*"]  DIFFERS"* ]]
	[[ "$output" == *"  no_new_privs  1"* ]]
	[[ "$output" == *"  seccomp       filter (2)"* ]]
	run "$MC" inspect --json ctk-t-ex
	[ "$(jq -r '.namespaces.net.differs, .comm' <<<"$output" | tr '\n' ' ')" = "true sleep " ]
	"$MC" rm -f ctk-t-ex >/dev/null
	# Ended: the state only.
	run "$MC" inspect ctk-t-ex
	[ "$status" -eq 1 ]
}

@test "minicontainer: --cpus throttles a spinner (control: without, no throttling) [vm]" {
	id=$("$MC" -q run -d --name ctk-t-ex --cpus 0.2 "$ROOT" -- sh -c 'while :; do :; done')
	sleep 1.5
	# v2: its group's cpu.stat; v1: the cpu hierarchy's.
	stat=$(find /sys/fs/cgroup -maxdepth 5 -type d -name "mc-$id" -exec cat {}/cpu.stat \; 2>/dev/null || true)
	"$MC" rm -f ctk-t-ex >/dev/null
	throttled=$(awk '$1 == "nr_throttled" { print $2 }' <<<"$stat")
	[ "$throttled" -gt 0 ]
	# Control: no limit, no group of its own to throttle it.
	id=$("$MC" -q run -d --name ctk-t-ex "$ROOT" -- sh -c 'while :; do :; done')
	sleep 0.5
	groups=$(find /sys/fs/cgroup -maxdepth 5 -type d -name "mc-$id" | wc -l)
	"$MC" rm -f ctk-t-ex >/dev/null
	[ "$groups" -eq 0 ]
}

@test "minicontainer: make demo (the README's first command) narrates the start, then gives a shell" {
	run expect "$BATS_TEST_DIRNAME/expect/make-demo.exp" "$TOP"
	echo "$output" | tail -20
	[ "$status" -eq 0 ]
	[[ "$output" == *"EXIT 0"* ]]
	[[ "$output" == *"minicontainer:  2 clone3({.flags = CLONE_NEWNS"* ]]
}

# A one-layer OCI image layout made by hand: tar, gzip, sha256sum, jq.
hand_made_image() {
	local dir=$1 blob cfg man
	mkdir -p "$dir/blobs/sha256"
	tar -C "$ROOTFS" -czf "$dir/layer.tgz" .
	blob=$(sha256sum <"$dir/layer.tgz" | cut -d' ' -f1)
	mv "$dir/layer.tgz" "$dir/blobs/sha256/$blob"
	jq -n --arg d "sha256:$(gzip -dc "$dir/blobs/sha256/$blob" | sha256sum | cut -d' ' -f1)" \
		'{architecture: "amd64", os: "linux", config: {Cmd: ["sh", "-c", "echo $V"], Env: ["V=by-hand"]},
		  rootfs: {type: "layers", diff_ids: [$d]}}' >"$dir/cfg"
	cfg=$(sha256sum <"$dir/cfg" | cut -d' ' -f1)
	mv "$dir/cfg" "$dir/blobs/sha256/$cfg"
	jq -n --arg c "$cfg" --arg l "$blob" --argjson cs "$(stat -c %s "$dir/blobs/sha256/$cfg")" \
		--argjson ls "$(stat -c %s "$dir/blobs/sha256/$blob")" \
		'{schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json",
		  config: {mediaType: "application/vnd.oci.image.config.v1+json", digest: ("sha256:" + $c), size: $cs},
		  layers: [{mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: ("sha256:" + $l), size: $ls}]}' >"$dir/man"
	man=$(sha256sum <"$dir/man" | cut -d' ' -f1)
	jq -n --arg m "$man" --argjson s "$(stat -c %s "$dir/man")" \
		'{schemaVersion: 2, manifests: [{mediaType: "application/vnd.oci.image.manifest.v1+json",
		  digest: ("sha256:" + $m), size: $s, annotations: {"org.opencontainers.image.ref.name": "by-hand"}}]}' >"$dir/index.json"
	mv "$dir/man" "$dir/blobs/sha256/$man"
	echo '{"imageLayoutVersion": "1.0.0"}' >"$dir/oci-layout"
}

@test "minicontainer: run --image on a hand-made OCI layout, its root an overlay [vm]" {
	hand_made_image "$SCRATCH/img"
	run --separate-stderr "$MC" --storage "$SCRATCH/store" run --rm --image "$SCRATCH/img"
	echo "$stderr"
	[ "$status" -eq 0 ]
	[ "$output" = by-hand ]
	run --separate-stderr "$MC" --storage "$SCRATCH/store" run --rm --image by-hand -- grep ' / / ' /proc/self/mountinfo
	[[ "$output" == *" - overlay overlay "*"lowerdir=$SCRATCH/store/layers/"* ]]
	# The same image, copied instead of stacked.
	run --separate-stderr "$MC" --storage "$SCRATCH/store" --storage-driver vfs run --rm --image by-hand -- grep ' / / ' /proc/self/mountinfo
	[[ "$output" != *overlay* ]]
}

# --- the host's namespaces (--pid/--ipc/--uts/--cgroupns host) and
# --- --security-opt ---

@test "minicontainer: --pid/--ipc/--uts/--cgroupns host share the host's namespace; private (default) does not [vm]" {
	for ns in pid ipc uts cgroup; do
		opt=--$ns
		[ "$ns" = cgroup ] && opt=--cgroupns
		host=$(readlink "/proc/self/ns/$ns")
		run mc "$opt" host "$ROOT" -- readlink "/proc/self/ns/$ns"
		[ "$output" = "$host" ] || { echo "$opt host: $output"; return 1; }
		# Control: private, given or by default, is a namespace of its own.
		run mc "$opt" private "$ROOT" -- readlink "/proc/self/ns/$ns"
		[[ "$output" == "$ns:["* && "$output" != "$host" ]] || { echo "$opt private: $output"; return 1; }
		run mc "$ROOT" -- readlink "/proc/self/ns/$ns"
		[[ "$output" == "$ns:["* && "$output" != "$host" ]]
	done
}

@test "minicontainer: --uts host: the hostname and \$HOSTNAME are the host's, untouched" {
	run mc --uts host "$ROOT" -- sh -c 'hostname; echo $HOSTNAME'
	[ "${lines[0]}" = "$(hostname)" ]
	[ "${lines[1]}" = "$(hostname)" ]
	# Control: a UTS namespace of its own has the container's ID.
	run mc "$ROOT" -- hostname
	[[ "$output" =~ ^[0-9a-f]{12}$ ]]
}

@test "minicontainer: --pid host: /proc and ps show the host's PID 1; the container's orphans end with it" {
	run mc --pid host "$ROOT" -- sh -c 'cat /proc/1/comm; ps -o pid,comm | awk "\$1 == 1 { print \$2 }"
		ls -d /proc/'"$$"'; sleep 1234 & echo started'
	[ "${lines[0]}" = "$(cat /proc/1/comm)" ]
	[ "${lines[1]}" = "$(cat /proc/1/comm)" ]
	[ "${lines[2]}" = "/proc/$$" ]
	[ "${lines[3]}" = started ]
	# No PID namespace ends the background sleep: init, the subreaper, did.
	sleep 0.3
	[ -z "$(pgrep -f 'sleep 1234')" ]
	# Control: in its own PID namespace, PID 1 is minicontainer's init.
	run mc "$ROOT" -- sh -c "cat /proc/1/comm; ls -d /proc/$$ 2>&1 || true"
	[ "${lines[0]}" = minicontainer ]
	[[ "${lines[1]}" == *"No such file or directory"* ]]
}

@test "minicontainer: --security-opt no-new-privileges: NoNewPrivs 1 by default, 0 with =false, also in exec" {
	run mc "$ROOT" -- grep NoNewPrivs /proc/self/status
	[ "$output" = "NoNewPrivs:	1" ]
	run mc --security-opt no-new-privileges=true "$ROOT" -- grep NoNewPrivs /proc/self/status
	[ "$output" = "NoNewPrivs:	1" ]
	run mc --security-opt no-new-privileges=false "$ROOT" -- grep NoNewPrivs /proc/self/status
	[ "$output" = "NoNewPrivs:	0" ]
	# exec starts its command as the container's; inspect records it.
	"$MC" -q run -d --name ctk-t-ex --security-opt no-new-privileges=false --pid host "$ROOT" -- sleep 30 >/dev/null
	run "$MC" exec ctk-t-ex grep NoNewPrivs /proc/self/status
	[ "$output" = "NoNewPrivs:	0" ]
	run "$MC" inspect ctk-t-ex
	[[ "$output" == *$'\nno_new_privs: 0\nhost_namespaces: pid\n'* ]]
	"$MC" rm -f ctk-t-ex >/dev/null
}

@test "minicontainer: --security-opt seccomp=PROFILE is --seccomp" {
	run mc --security-opt seccomp=unconfined "$ROOT" -- grep '^Seccomp:' /proc/self/status
	[ "$output" = "Seccomp:	0" ]
	# Control: the default filter.
	run mc "$ROOT" -- grep '^Seccomp:' /proc/self/status
	[ "$output" = "Seccomp:	2" ]
}

@test "minicontainer: bad namespace modes and security options: one line, exit 125, nothing left behind" {
	before=$(container_host_state)
	check() {	# STDERR ARGS...
		local msg=$1
		shift
		run -125 --separate-stderr "$MC" run --rm "$@" "$ROOT" true
		[ "$stderr" = "minicontainer: $msg" ] || { echo "$*: $stderr"; return 1; }
		[ "$(container_host_state)" = "$before" ]
	}
	check "invalid --pid 'foo': host or private" --pid foo
	check "invalid --ipc 'shareable': host or private" --ipc shareable
	check "invalid --uts 'x': host or private" --uts x
	check "invalid --cgroupns 'HOST': host or private" --cgroupns HOST
	check "invalid --security-opt 'nope': no-new-privileges[=true|false] or seccomp=PROFILE" --security-opt nope
	check "invalid --security-opt 'no-new-privileges=maybe': no-new-privileges[=true|false] or seccomp=PROFILE" --security-opt no-new-privileges=maybe
	check "--hostname conflicts with --uts host: the hostname would be the host's" --uts host --hostname x
	check "--pid host with a user namespace (rootless or --userns): the host's /proc cannot be mounted from it" --pid host --userns
}

@test "minicontainer: --trace FILE: the start's steps as Chrome trace-event JSON, narrated or not" {
	run --separate-stderr "$MC" -v --trace "$SCRATCH/v.json" run --rm "$ROOT" -- true
	[ "$status" -eq 0 ]
	narration=$stderr
	run --separate-stderr "$MC" -q --trace "$SCRATCH/q.json" run --rm "$ROOT" -- true
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	for t in v q; do
		f=$SCRATCH/$t.json
		# Valid JSON: an array of events, closed by the whole run.
		jq -e 'type == "array"' "$f" >/dev/null
		[ "$(jq -r '.[-1].name' "$f")" = "minicontainer run (start to exit)" ]
		# The steps a lab names, each a complete event with its call.
		for call in memfd_create clone3 pivot_root umount2 sethostname fork; do
			jq -e --arg c "$call" 'any(.[]; .ph == "X" and .cat == "step" and .name == $c and (.args.call | startswith($c + "(")))' "$f" >/dev/null
		done
		# Two processes, named: the runtime and init.
		[ "$(jq -r '[.[] | select(.ph == "M") | .args.name] | sort | join(",")' "$f")" = "init (PID 1 in the container),minicontainer (runtime)" ]
		# Within a process each step starts where the last one ended.
		jq -e '[.[] | select(.cat == "step")] | group_by(.pid) | all(.[]; . as $e | [range(1; length)] | all(.[]; $e[.].ts == $e[. - 1].ts + $e[. - 1].dur))' "$f" >/dev/null
		# The run spans every step.
		jq -e '(.[-1].dur) >= ([.[] | select(.cat == "step") | .ts + .dur] | max)' "$f" >/dev/null
	done
	# Narrated or not, the same steps.
	[ "$(jq -c '[.[] | select(.cat == "step") | .name] | sort' "$SCRATCH/v.json")" = "$(jq -c '[.[] | select(.cat == "step") | .name] | sort' "$SCRATCH/q.json")" ]
	# The runtime's steps and init's up to the fork are the narrated
	# ones (init's last few, and the runtime's execve and "start done",
	# are the trace's alone).
	while read -r call; do
		grep -qF -- "$call = " <<<"$narration"
	done < <(jq -r '[.[] | select(.cat == "step")] |
		([.[] | select(.pid != 1 and (.name | test("^(execve|start done)") | not))] +
		 ([.[] | select(.pid == 1)] | .[: (map(.name) | index("fork")) + 1])) | .[].args.call' "$SCRATCH/v.json")
	[ "$(jq '[.[] | select(.cat == "step" and .pid == 1 and .name == "fork")] | length' "$SCRATCH/v.json")" -eq 1 ]
	# Bad: a file that cannot be made, a command other than run.
	before=$(container_host_state)
	run --separate-stderr "$MC" --trace /nonexistent/t.json run --rm "$ROOT" -- true
	[ "$status" -eq 125 ]
	[ "$stderr" = 'minicontainer: open("/nonexistent/t.json"): No such file or directory' ]
	run --separate-stderr "$MC" --trace "$SCRATCH/x.json" ps
	[ "$status" -eq 125 ]
	[ "${stderr%%$'\n'*}" = "minicontainer: --trace traces the native run only" ]
	[ ! -e "$SCRATCH/x.json" ]
	[ "$(container_host_state)" = "$before" ]
}
