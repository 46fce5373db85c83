#!/usr/bin/env bats
# Real clients drive minicontainer: podman (through conmon) and
# containerd (through its runc shim) call it as they call runc.
#
# Each case runs in a private mount namespace with tmpfs over /var/lib
# and /run, where podman's blob cache (/var/lib/containers/cache) and
# containerd's shim (/run/containerd) write whatever their configuration
# says: the host's own directories are only compared before and after.
# Each case proves that minicontainer did the work: its state for the
# container's ID, its log line, and its cgroup (ctk/oci-ID) seen from
# inside the container.

load helpers

MC=$BIN/minicontainer

setup_file() {
	export EXP=$BATS_TEST_DIRNAME/expect
}

setup() {
	common_setup
	export SCRATCH MC ROOTFS TESTS=$BATS_TEST_DIRNAME
	libpod_parent_mark
	BEFORE=$(host_dirs)
}

teardown() {
	libpod_parent_cleanup
	[ "$(host_dirs)" = "$BEFORE" ]
	common_teardown
}

# What an engine could leave on the host.
host_dirs() {
	find /var/lib/containers /etc/containers /run/containerd 2>/dev/null | sort
	mount_table | md5sum
	find /sys/fs/cgroup -name 'oci-*' 2>/dev/null | wc -l
	find /sys/fs/cgroup -maxdepth 2 -name libpod_parent | wc -l
}

# Run bash code in a private mount namespace whose /var/lib and /run are
# fresh tmpfs, with podman configured in $SCRATCH/p: pm is podman with
# minicontainer as its runtime (its state in /run/minicontainer-oci, on
# that tmpfs: podman's cleanup process calls the runtime without
# --runtime-flag, so a --root given that way would not reach delete).
engine() {
	unshare -m --propagation private bash -c '
		set -euo pipefail
		mount -t tmpfs tmpfs /var/lib
		mount -t tmpfs tmpfs /run
		export PM_RUNTIME=minicontainer
		. "$TESTS/podman-env.sh"
		tar -C "$ROOTFS" -c . | pm import - localhost/bb:1 >/dev/null
		'"$1"
}
export -f engine

@test "podman: run --rm prints, exits with the command's status, in minicontainer's cgroup" {
	run --separate-stderr engine '
		pm run --rm --network none localhost/bb:1 sh -c "echo hello from podman; grep -c ctk/oci- /proc/self/cgroup; exit 3" || echo "status $?"
		ls /run/minicontainer-oci'
	echo "$output $stderr"
	[ "${lines[0]}" = "hello from podman" ]
	# The container's cgroup is the one minicontainer made (runc would
	# have made /libpod_parent/libpod-ID).
	[ "${lines[1]}" -ge 1 ]
	[ "${lines[2]}" = "status 3" ]
	# --rm: podman deleted it through minicontainer; nothing left.
	[ "${#lines[@]}" -eq 3 ]
}

@test "podman: run -d, exec, logs, stop, rm; --memory and --pids-limit enforced" {
	run --separate-stderr engine '
		id=$(pm run -d --name c1 --network none --memory 32m --pids-limit 20 localhost/bb:1 sh -c "echo started; exec sleep 300")
		echo "state $(jq -r .status < <("$MC" state "$id"))"
		grep -c "minicontainer created container $id" "$P/run/vfs-containers/$id/userdata/oci-log"
		pm exec c1 sh -c "echo in-exec; hostname"
		sleep 0.5
		pm logs c1
		cat $(find /sys/fs/cgroup -path "*ctk/oci-${id:0:12}/*" \( -name memory.max -o -name memory.limit_in_bytes -o -name pids.max \) | sort)
		pm exec c1 sh -c "for i in \$(seq 30); do sleep 1 & done 2>&1 | grep -c \"can.t fork\"" || true
		pm stop -t 1 c1 >/dev/null 2>&1
		pm rm c1 >/dev/null
		ls /run/minicontainer-oci | wc -l'
	echo "$output $stderr"
	[ "${lines[0]}" = "state running" ]
	[ "${lines[1]}" = 1 ]
	[ "${lines[2]}" = in-exec ]
	[ "${lines[4]}" = started ]
	# memory (v2 memory.max or v1 memory.limit_in_bytes), then pids.max.
	[ "${lines[5]}" = 33554432 ]
	[ "${lines[6]}" = 20 ]
	# 30 forks against 20 pids: some refused.
	[ "${lines[7]}" -ge 1 ]
	[ "${lines[8]}" = 0 ]
}

@test "podman: run -it gives a shell through the console socket" {
	run engine '
		export -f pm
		expect "$EXP/podman-it.exp" bash -c "pm run -it --rm --network none localhost/bb:1 sh"'
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"/dev/pts/0"* ]]
	[[ "$output" == *"EXIT 5"* ]]
}

@test "containerd: ctr run, exec, kill, delete with --runc-binary minicontainer" {
	run --separate-stderr engine '
		D=$SCRATCH/cd
		mkdir -p "$D"
		printf "version = 2\nroot = \"%s\"\nstate = \"%s\"\n[grpc]\n  address = \"%s\"\n[plugins.\"io.containerd.internal.v1.opt\"]\n  path = \"%s\"\n" \
			"$D/root" "$D/state" "$D/c.sock" "$D/opt" >"$D/config.toml"
		containerd --config "$D/config.toml" >"$D/log" 2>&1 &
		cd_pid=$!
		trap "kill \$cd_pid; wait \$cd_pid 2>/dev/null || true" EXIT
		for i in $(seq 50); do [ -S "$D/c.sock" ] && break; sleep 0.1; done
		pm save --format oci-archive -o "$D/bb.tar" localhost/bb:1 2>/dev/null
		c() { ctr --address "$D/c.sock" -n ctk-test "$@"; }
		c images import --base-name localhost/bb "$D/bb.tar" >/dev/null
		c run --rm --runc-binary "$MC" localhost/bb:1 t1 sh -c "echo hello from containerd; grep -c ctk/oci- /proc/self/cgroup; exit 4" || echo "status $?"
		c run -d --runc-binary "$MC" localhost/bb:1 t2 sleep 300
		sleep 0.5
		# The shim keeps minicontainer'"'"'s state under its --root.
		jq -r ".id + \" \" + (.pid | tostring | length > 0 | tostring)" /run/containerd/runc/ctk-test/t2/state.json
		"$MC" --root /run/containerd/runc/ctk-test state t2 | jq -r .status
		grep -c "minicontainer created container t2" "$D/state/io.containerd.runtime.v2.task/ctk-test/t2/log.json" || true
		c task exec --exec-id e1 t2 sh -c "echo in-exec"
		c task kill -s SIGKILL t2
		for i in $(seq 50); do c task ls | grep -q "t2.*STOPPED" && break; sleep 0.1; done
		c task delete t2 >/dev/null
		c container delete t2
		ls /run/containerd/runc/ctk-test | wc -l'
	echo "$output $stderr"
	[ "${lines[0]}" = "hello from containerd" ]
	[ "${lines[1]}" -ge 1 ]
	[ "${lines[2]}" = "status 4" ]
	[ "${lines[3]}" = "t2 true" ]
	[ "${lines[4]}" = running ]
	[ "${lines[5]}" = 1 ]
	[ "${lines[6]}" = in-exec ]
	[ "${lines[7]}" = 0 ]
}
