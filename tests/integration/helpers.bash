# helpers.bash - shared by the integration tests (bats, run as root).
# shellcheck shell=bash
# status, output, lines, stderr and stderr_lines are set by bats' run.
# shellcheck disable=SC2154

bats_require_minimum_version 1.5.0

TOP=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
# CTK_BUILD: the build directory under the top whose binaries are tested
# (make check-asan sets build/asan).
BIN=$TOP/${CTK_BUILD:-build}/bin
# A memory limit a container's own processes fit in, in MiB: the
# runtime's init is the toolkit's code, and under ASan (make check-asan)
# its shadow memory is charged to the container's group too.
case "${CTK_BUILD:-}" in
*asan*) MEM_MIB=128 ASAN=1 ;;
*) MEM_MIB=16 ASAN= ;;
esac
# A shell line writing three times that into a tmpfs at /big, charged to
# the container's group, and the --tmpfs option for it: under --memory
# MEM_MIB it prints "dd 137" (OOM-killed), without a limit "dd 0".
# Under ASan the runtime's init is the group's largest process, and the
# OOM killer takes it (the container ends, 137): oom_killed_dd says
# whether $status and $output show either.
oom_killed_dd() {
	[ "$output" = "dd 137" ] || [[ "$output" == *"Killed"*"dd 137"* ]] ||
		{ [ -n "$ASAN" ] && [ "$status" -eq 137 ]; }
}
# shellcheck disable=SC2034 # both are read by the .bats files
MEM_FILL="dd if=/dev/zero of=/big/x bs=1M count=$((MEM_MIB * 3)) 2>/dev/null; echo \"dd \$?\""
# shellcheck disable=SC2034
MEM_BIG=--tmpfs=/big:size=$((MEM_MIB * 4))M
ROOTFS=$TOP/build/rootfs
export PATH="$BIN:$PATH"

# Each test gets a scratch directory, removed whatever happens.
common_setup() {
	[ "$(id -u)" -eq 0 ] || {
		echo "integration tests run as root" >&2
		return 1
	}
	[ -x "$ROOTFS/bin/busybox" ] || {
		echo "no rootfs at $ROOTFS: run make rootfs" >&2
		return 1
	}
	SCRATCH=$(mktemp -d /tmp/ctk-test.XXXXXX)
	chmod 0755 "$SCRATCH"
	FIXTURE_PIDS=()
}

common_teardown() {
	[ -n "${SCRATCH:-}" ] && rm -rf "$SCRATCH"
}

# A private copy of the rootfs that a test may change.
copy_rootfs() {
	cp -a "$ROOTFS" "$SCRATCH/root"
	echo "$SCRATCH/root"
}

# The mount table as "mount point, fs type, source", for before/after.
mount_table() {
	awk '{ for (i = 7; $i != "-"; i++); print $5, $(i + 1), $(i + 2) }' \
		/proc/self/mountinfo | sort
}

# A file only the host can see, with content no rootfs has.
host_marker() {
	MARKER=$SCRATCH/host-only-marker
	MARKER_TEXT="host-secret-$RANDOM-$$"
	echo "$MARKER_TEXT" >"$MARKER"
}

# Long options a binary's --help lists, and those its man page documents.
help_options() {
	"$BIN/$1" --help | grep -o -- '--[a-z][a-z-]*' | sort -u
}
man_options() {
	# Only the OPTIONS section: examples may show other tools' options.
	sed -n '/^\.SH OPTIONS/,/^\.SH /p' "$2" |
		grep -oE '\\-\\-[a-z]([a-z]|\\-)*' | tr -d "\\\\" | sort -u
}

# Run as an unprivileged user (DESIGN.md's recipe).
as_nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
}

# The bad input every tool taking [NEWROOT [COMMAND]] refuses alike: one
# line, the documented exit code, and the mount table unchanged.
assert_bad_root_input() {
	local t=$1 before
	before=$(mount_table)
	touch "$SCRATCH/file"
	run --separate-stderr "$t" /nonexistent true
	[ "$status" -eq 1 ]
	[ "$stderr" = "$t: new root '/nonexistent': No such file or directory" ]
	run --separate-stderr "$t" "$SCRATCH/file" true
	[ "$status" -eq 1 ]
	[ "$stderr" = "$t: new root '$SCRATCH/file': Not a directory" ]
	run -127 --separate-stderr "$t" "$ROOTFS" no-such-command
	[ "$stderr" = "$t: no-such-command: not found in $ROOTFS" ]
	run -126 --separate-stderr "$t" "$ROOTFS" /etc/passwd
	[ "$stderr" = "$t: /etc/passwd: not executable in $ROOTFS" ]
	run --separate-stderr "$t" --bogus
	[ "$status" -eq 2 ]
	[ "${#stderr_lines[@]}" -eq 2 ]
	[[ "${stderr_lines[0]}" == *"unrecognized option '--bogus'"* ]]
	[ "${stderr_lines[1]}" = "Try '$t --help' for more information." ]
	[ "$(mount_table)" = "$before" ]
}

# Start a fixture: "$@" followed by "sleep TAG", in the background; FIXTURE
# is the PID of that sleep (which may be deeper than the command's PID).
# Both PIDs go to FIXTURE_PIDS, for kill_fixtures in teardown.
fixture() {
	local tag=$1 i
	shift
	FIXTURE=
	"$@" sleep "$tag" </dev/null >/dev/null 2>&1 &
	disown
	FIXTURE_PIDS+=("$!")
	for ((i = 0; i < 50; i++)); do
		FIXTURE=$(pgrep -f -x "(/bin/)?sleep $tag" | head -1)
		if [ -n "$FIXTURE" ]; then
			FIXTURE_PIDS+=("$FIXTURE")
			return 0
		fi
		sleep 0.1
	done
	echo "fixture: no 'sleep $tag' after 5 s" >&2
	return 1
}

# SIGKILL every fixture (it reaches a namespace's PID 1, unlike SIGTERM).
kill_fixtures() {
	local p
	for p in ${FIXTURE_PIDS[@]+"${FIXTURE_PIDS[@]}"}; do
		kill -KILL "$p" 2>/dev/null || true
	done
	FIXTURE_PIDS=()
}

# Run the bash script $1 in a scratch `unshare --net --mount` with its own
# tmpfs /run and lo up: the stand-in host of the network tests and labs.
# In it, `ck ARGS` runs $CHECK (a lab's checker) and prints "status N".
# Afterwards the scratch host must have the same links, addresses,
# /run/netns entries, qdiscs, nftables ruleset and ip_forward as before:
# a leftover fails with status 99.
# shellcheck disable=SC2016 # the script is expanded by the inner bash
scratch_net() {
	PING="$ROOTFS/bin/busybox ping" CHECK=${CHECK:-} \
		unshare --net --mount --propagation private bash -c '
		set -euo pipefail
		mount -t tmpfs ctk-run /run
		ip link set lo up
		state() {
			ip -o link | awk -F": " "{ print \$2 }"
			ip -o addr | awk "{ print \$2, \$4 }"
			ls -A /run/netns 2>/dev/null || true
			tc qdisc show
			nft list ruleset
			cat /proc/sys/net/ipv4/ip_forward
		}
		ck() {
			local rc=0
			"$CHECK" "$@" || rc=$?
			echo "status $rc"
		}
		export -f ck
		before=$(state)
		bash -euo pipefail -c "$1"
		after=$(state)
		if [ "$after" != "$before" ]; then
			echo "leftovers: $(diff <(echo "$before") <(echo "$after") | grep "^[<>]" | tr "\n" " ")" >&2
			exit 99
		fi' scratch "$1"
}

# A network lab stopped half-way (TERM once its output shows the ERE
# $2) exits 130 and leaves nothing: the caller's leftovers() is as
# before, and no process is left in the lab's stand-in network
# namespace, which was not the host's.
assert_net_lab_interrupted() {
	local lab=$1 mark=$2 before pid labnet i status=0 f
	before=$(leftovers)
	NO_COLOR=1 "$TOP/labs/$lab/lab" --ci >"$SCRATCH/lab.out" 2>&1 &
	pid=$!
	for ((i = 0; i < 150; i++)); do
		grep -Eq "$mark" "$SCRATCH/lab.out" && break
		sleep 0.1
	done
	grep -Eq "$mark" "$SCRATCH/lab.out"
	labnet=$(readlink "/proc/$pid/ns/net")
	[ "$labnet" != "$(readlink /proc/self/ns/net)" ]
	kill -TERM "$pid"
	wait "$pid" || status=$?
	# Shown only when an assertion below fails.
	echo "lab status $status; its output:"
	cat "$SCRATCH/lab.out"
	[ "$status" -eq 130 ]
	# Stopped half-way, not at the end.
	! grep -q "== Result ==" "$SCRATCH/lab.out"
	[ "$(leftovers)" = "$before" ]
	for f in /proc/[0-9]*/ns/net; do
		[ "$(readlink "$f" 2>/dev/null)" != "$labnet" ]
	done
}

# With cgroup_manager = "cgroupfs", podman's conmon puts itself in the
# cgroup libpod_parent/conmon and nobody removes it: a test that runs
# podman notes whether it was there (libpod_parent_mark, in setup) and
# removes it after if it was not (libpod_parent_cleanup, in teardown).
libpod_parent_mark() {
	LIBPOD_PARENT=$(find /sys/fs/cgroup -maxdepth 2 -name libpod_parent | wc -l)
}
libpod_parent_cleanup() {
	[ "${LIBPOD_PARENT:-1}" -eq 0 ] || return 0
	find /sys/fs/cgroup -depth -path '*/libpod_parent*' -type d \
		-exec rmdir {} \; 2>/dev/null || true
}

# The container suites' fixture: ROOT, a copy of the rootfs that also
# holds sys-probe (tests/probe/sys-probe.c), and HOST_BEFORE, the host's
# state (container_host_state) that a teardown compares.
PROBE=$TOP/build/tests/sys-probe
probe_setup() {
	common_setup
	ROOT=$(copy_rootfs)
	cp "$PROBE" "$ROOT/bin/sys-probe"
	# shellcheck disable=SC2034 # compared by the .bats files' teardown
	HOST_BEFORE=$(container_host_state)
}

# What a container must not change or leave behind on the host.
container_host_state() {
	hostname
	mount_table | md5sum
	find /sys/fs/cgroup -type d 2>/dev/null | wc -l
	ip -o link | awk -F': ' '{ print $2 }'
	find /run/minicontainer -mindepth 1 -maxdepth 1 ! -name .lock \
		-printf '%f\n' 2>/dev/null | sort
}

# A throw-away container, quiet.
mc() { minicontainer -q run --rm "$@"; }

# Run script $1 in a scratch host (scratch_net) where MC, ROOT and BB
# (busybox) are set: its /run/minicontainer, bridge and rules die with
# it.  Whatever the script leaves running (a failed assertion half-way)
# is removed when it exits, so no container outlives the test.
mc_net() {
	scratch_net "MC=$BIN/minicontainer ROOT=$ROOT BB=$ROOTFS/bin/busybox
		trap '\"\$MC\" ps -a | awk \"NR > 1 { print \\\$1 }\" | xargs -r \"\$MC\" rm -f >/dev/null 2>&1; \"\$MC\" cleanup 2>/dev/null' EXIT
		$1"
}
