#!/bin/bash
# stage2.sh - PID 1 of the vm tier's guest: the host's bash runs it from the
# host's own tree after init.sh has switch_root'ed into an overlay of the
# host's / (so every path here is the host's path, read through 9p).
#
# Mounts what a booted system has (proc, sysfs, devtmpfs, devpts, tmpfs on
# /tmp and /run) and a pure cgroup v2 hierarchy at /sys/fs/cgroup (no v1
# hierarchy at all), enables every controller in the root's
# cgroup.subtree_control, then does what run-vm.sh asked in job.conf
# (MODE): runs bats, runs one command (--run), or opens the playground's
# root login shell on the serial line, /dev/ttyS0 (--shell).
# Results go to the writable 9p share "results", mounted at /run/ctk-vm:
#   booted        written first: proves the guest reached this stage
#   facts         kernel, controllers, modules, cgroup mount, timings
#   tap           bats' stdout, byte for byte
#   bats.stderr   bats' stderr
#   out, err      the command's stdout and stderr (--run), as written
#   hung          the process tree, if bats or the command ran out of
#                 time (then killed)
#   status        the exit status of bats, the command or the shell,
#                 written last
# Whatever happens, the guest powers off at the end (PID 1 must not exit).
set -uo pipefail

export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
results=/run/ctk-vm
msize=512000

say() { echo "ctk-vm: $*" >&2; }
fatal() {
	echo "ctk-vm: FATAL: $*" >&2
	exit 1
}

power_off() {
	sync
	umount "$results" 2>/dev/null
	echo o >/proc/sysrq-trigger
	sleep 30
}
trap power_off EXIT

# mount_once TYPE TARGET [OPTIONS]: mount unless TARGET is a mount point.
mount_once() {
	local type=$1 target=$2 opts=${3:-defaults}
	mountpoint -q "$target" && return 0
	mkdir -p "$target"
	mount -t "$type" -o "$opts" "$type" "$target" ||
		fatal "mount -t $type -o $opts $type $target failed"
}

# init.sh moved proc, sysfs and devtmpfs here; mount them if it did not.
mount_once proc /proc
mount_once sysfs /sys
mount_once devtmpfs /dev
mount_once devpts /dev/pts gid=5,mode=0620,ptmxmode=0666
mount_once tmpfs /dev/shm mode=1777,nosuid,nodev
mount_once mqueue /dev/mqueue
# What udev would add: devtmpfs has no /dev/fd, which bash's <(...) needs.
for link in fd:/proc/self/fd stdin:/proc/self/fd/0 stdout:/proc/self/fd/1 \
	stderr:/proc/self/fd/2 core:/proc/kcore; do
	[ -e "/dev/${link%%:*}" ] || ln -s "${link#*:}" "/dev/${link%%:*}"
done

mount_once tmpfs /run mode=0755,nosuid,nodev
mkdir -p "$results"
mount -t 9p -o "trans=virtio,version=9p2000.L,msize=$msize" results \
	"$results" || fatal "mount -t 9p results $results failed"
uptime_s() { cut -d' ' -f1 /proc/uptime; }
echo "booted $(uptime_s)" >"$results/booted"

# MODE, WORKDIR, TOPDIR, BATS_ARGS, COMMAND, TERM_NAME, ROWS, COLS, MODDIR,
# KEEP, CGROUP2_OPTS, ENVS, TIMEOUT: see run-vm.sh's write_job.
MODE=bats WORKDIR=/ TOPDIR=/ COMMAND='' TERM_NAME='' ROWS='' COLS=''
MODDIR='' CGROUP2_OPTS='' TIMEOUT=900
BATS_ARGS=() KEEP=() ENVS=()
[ -r "$results/job.conf" ] || fatal "no job.conf in the results share"
# shellcheck source=/dev/null
. "$results/job.conf"

# The kernel's request_module() runs the host's /sbin/modprobe, which looks
# in /lib/modules/<guest version>: show it the unpacked package's tree.
kmods=/lib/modules/$(uname -r)
if [ -n "$MODDIR" ] && [ -d "$MODDIR" ] && [ ! -e "$kmods" ]; then
	mkdir -p "$kmods"
	mount --bind "$MODDIR" "$kmods" ||
		say "warning: cannot bind $MODDIR on $kmods"
fi

# The fresh tmpfs on /tmp would hide host paths the run needs (the repo,
# a bats file): bind them aside first, then move them back on top.
keep=/.ctk-vm-keep
for i in "${!KEEP[@]}"; do
	mkdir -p "$keep/$i"
	mount --bind "${KEEP[i]}" "$keep/$i" ||
		fatal "cannot keep ${KEEP[i]} across the /tmp tmpfs"
done
mount_once tmpfs /tmp mode=1777
for i in "${!KEEP[@]}"; do
	mkdir -p "${KEEP[i]}"
	mount --move "$keep/$i" "${KEEP[i]}" ||
		fatal "cannot move ${KEEP[i]} back onto the /tmp tmpfs"
done
[ -d "$keep" ] && rm -rf "$keep"

# Pure cgroup v2: only the unified hierarchy, mounted as systemd does.
mount_once cgroup2 /sys/fs/cgroup "$CGROUP2_OPTS"
cg=/sys/fs/cgroup
read -r -a controllers <"$cg/cgroup.controllers"
for c in "${controllers[@]}"; do
	echo "+$c" >"$cg/cgroup.subtree_control" ||
		say "warning: cannot enable the $c controller"
done

hostname ctk-vm
ip link set lo up 2>/dev/null || say "warning: cannot bring lo up"

{
	echo "kernel $(uname -r)"
	echo "controllers $(cat "$cg/cgroup.controllers")"
	echo "subtree_control $(cat "$cg/cgroup.subtree_control")"
	echo "cgroup2 $(findmnt -no OPTIONS "$cg")"
	echo "v1 hierarchies $(awk '$3 == "cgroup"' /proc/mounts | wc -l)"
	echo "modules $(cut -d' ' -f1 /proc/modules | sort | tr '\n' ' ')"
	echo "job_start $(uptime_s)"
} >"$results/facts"

cd "$WORKDIR" || fatal "cannot cd to $WORKDIR"
# What runs there starts from a clean environment, as after a login.
base_env=(PATH="$PATH" HOME=/root USER=root LOGNAME=root SHELL=/bin/bash)
tools_path=$TOPDIR/build/bin:$TOPDIR/labs:$PATH

# The playground's banner: what this machine is and how to leave it.
banner() {
	cat <<EOF

ctk playground: a QEMU guest (TCG, emulated) booted for the toolkit's labs
  kernel $(uname -r) (Debian's); cgroups: pure v2 at $cg, no v1 hierarchy
  controllers on for child groups: $(cat "$cg/cgroup.subtree_control")
  you are root in $TOPDIR, with build/bin and labs on PATH:
    labs list, labs run 11, doctor, minicontainer run --rm -it
  disposable: the root is an overlay on a tmpfs over the host's files,
  which are read-only here: nothing done in this machine is kept
  to leave: poweroff, or exit this shell (Ctrl-a x stops QEMU at once)

EOF
}

# --shell: a root login shell on the serial line, the guest's console
# (not /dev/console, which can be no one's controlling terminal).  Its
# ~/.bash_profile, written in the overlay only, reads the playground's
# profile instead of the host's root's dotfiles.  "poweroff" there sends
# SIGUSR1 to this PID 1.
shell_session() {
	local tty=/dev/ttyS0 term=${TERM_NAME:-dumb}
	# The kernel's messages stay in dmesg, off the student's screen.
	dmesg -n 1 2>/dev/null || true
	stty -F "$tty" sane 2>/dev/null || true
	if [ -n "$ROWS" ] && [ -n "$COLS" ]; then
		stty -F "$tty" rows "$ROWS" cols "$COLS" 2>/dev/null || true
	fi
	# Commands piped in (no terminal on the host's side) arrive before
	# the shell reads them: the line must not echo them a second time.
	[ -n "$TERM_NAME" ] || stty -F "$tty" -echo 2>/dev/null || true
	printf '. %q\n' "$TOPDIR/tests/vm/playground-profile.sh" \
		>/root/.bash_profile
	banner >"$tty"
	trap 'echo 0 >"$results/status"; exit 0' USR1
	: >"$results/shell"
	setsid -c env -i "${base_env[@]}" TERM="$term" CTK_TOP="$TOPDIR" \
		"${ENVS[@]}" bash --login <>"$tty" >&0 2>&0 &
	job_pid=$!
	wait "$job_pid"
	status=$?
	echo "job_end $(uptime_s)" >>"$results/facts"
	echo "$status" >"$results/status"
}

case "$MODE" in
shell)
	shell_session
	exit 0
	;;
run)
	env -i "${base_env[@]}" PATH="$tools_path" TERM=dumb CTK_TOP="$TOPDIR" \
		"${ENVS[@]}" bash -c "$COMMAND" \
		</dev/null >>"$results/out" 2>>"$results/err" &
	;;
*)
	env -i "${base_env[@]}" TERM=dumb "${ENVS[@]}" bats --tap \
		"${BATS_ARGS[@]}" </dev/null >"$results/tap" \
		2>"$results/bats.stderr" &
	;;
esac
job_pid=$!

# A watchdog a little inside run-vm.sh's own timeout: on a hung test it
# records the process tree (the host shows it), then stops the job.
up=$(uptime_s)
budget=$((TIMEOUT - ${up%.*} - 15))
[ "$budget" -gt 0 ] || budget=1
(
	sleep "$budget"
	ps --deselect -p 2 --ppid 2 -o pid,ppid,stat,etime,args --forest \
		>"$results/hung" 2>&1 ||
		ls -l /proc/[0-9]*/exe >"$results/hung" 2>&1
	kill -TERM "$job_pid"
) &
watchdog=$!
wait "$job_pid"
status=$?
kill "$watchdog" 2>/dev/null
echo "job_end $(uptime_s)" >>"$results/facts"
echo "$status" >"$results/status"
