#!/usr/bin/env bats
# Lab 23 (the runtime contract): it passes in --ci mode and leaves
# nothing behind, also when interrupted; the checkers fail, with the
# right hint, on a podman container and a containerd task that runc ran
# instead of minicontainer, and pass on the same made by minicontainer.
# The engines run as in engines.bats: in a private mount namespace whose
# /var/lib and /run are fresh tmpfs; the host's directories are only
# compared before and after.

load helpers

CHECK=$BATS_TEST_DIRNAME/../../labs/23-runtime-contract/check
MC=$BIN/minicontainer

setup() {
	common_setup
	export SCRATCH MC ROOTFS CHECK TESTS=$BATS_TEST_DIRNAME
	libpod_parent_mark
	BEFORE=$(leftovers)
}

teardown() {
	libpod_parent_cleanup
	[ "$(leftovers)" = "$BEFORE" ]
	common_teardown
}

# What the lab or an engine could leave on the host.
leftovers() {
	find /tmp -maxdepth 1 -name 'ctk-lab23.*' | wc -l
	find /var/lib/containers /etc/containers /run/containerd /run/runc \
		/run/minicontainer-oci 2>/dev/null | sort
	mount_table | md5sum
	find /sys/fs/cgroup -name 'oci-*' -o -name 'lab23*' -o -name 'libpod-*' \
		-o -name libpod_parent 2>/dev/null | sort
	pgrep -f -x 'sleep 300' -P 1 | wc -l
	pgrep -f "$SCRATCH/cd/c.sock" | wc -l
}

# Run bash code in a private mount namespace with tmpfs /var/lib and
# /run, podman configured in $SCRATCH/p (pm) with the image
# localhost/lab23:1; ck runs the checker and prints "status N".
engine() {
	unshare -m --propagation private bash -c '
		set -euo pipefail
		mount -t tmpfs tmpfs /var/lib
		mount -t tmpfs tmpfs /run
		. "$TESTS/podman-env.sh"
		ck() { local rc=0; "$CHECK" "$@" || rc=$?; echo "status $rc"; }
		trap "pm rm -f -t 0 lab23 >/dev/null 2>&1 || true" EXIT
		tar -C "$ROOTFS" -c . | pm import - localhost/lab23:1 >/dev/null 2>&1
		'"$1"
}

@test "labs: 23-runtime-contract passes in --ci mode and leaves nothing behind [vm]" {
	run env NO_COLOR=1 "$TOP/labs/23-runtime-contract/lab" --ci
	echo "$output"
	[ "$status" -eq 0 ]
	# 1: the bundle, created: the process waits in open(2) of the FIFO.
	# runc spec adds a cgroup namespace on a pure cgroup v2 host.
	[[ "$output" == *'["pid","network","ipc","uts","mount"'* ]]
	[[ "$output" == *'"status": "created",'* ]]
	[[ "$output" == *"fifo_open+"* ]]
	[[ "$output" == *"PASS container lab23 is created: process "*" is blocked in open(2) of /tmp/ctk-lab23."*"/root/lab23/exec.fifo (wait_for_partner), already rooted at /tmp/ctk-lab23."*"/rootfs, in namespaces of its own: pid net ipc uts mnt cgroup time; process.args not run yet"* ]]
	# 2: started; the time namespace a day ahead.
	[[ "$output" == *'{"status":"running","pid":'* ]]
	[[ "$output" == *"PASS container lab23 is running: process "*" runs 'sleep 300' (process.args)"* ]]
	# 3: podman through conmon.
	[[ "$output" == *'{"status":"stopped","pid":null}'* ]]
	[[ "$output" == *'{"OCIRuntime":"minicontainer","Pid":'* ]]
	[[ "$output" =~ \{\"level\":\"info\",\"msg\":\"minicontainer\ created\ container\ [0-9a-f]{64}:\ pid\ [0-9]+\" ]]
	[[ "$output" =~ PASS\ podman\ container\ lab23\ \([0-9a-f]{12}\)\ runs\ sleep\ as\ process\ [0-9]+,\ child\ of\ conmon\ [0-9]+\;\ minicontainer\ made\ it:\ /run/minicontainer-oci/[0-9a-f]{12}\.\.\./state.json,\ state\ running ]]
	# 4: containerd through its shim.
	[[ "$output" == *'{"org.opencontainers.image.ref.name":"localhost/lab23:1"}'* ]]
	[[ "$output" == *'{"level":"info","msg":"minicontainer created container lab23: pid '* ]]
	[[ "$output" =~ [0-9]+\ +1\ containerd-shim ]]
	[[ "$output" == *"PASS task lab23 (namespace lab23) runs sleep as process "*", child of containerd-shim"*"minicontainer made it: /run/containerd/runc/lab23/lab23/state.json, state running"* ]]
	# 5: ended.
	[[ "$output" == *"PASS task and container lab23 are gone from containerd (namespace lab23)"* ]]
	[[ "$output" == *"PASS 23-runtime-contract: every check passed"* ]]
}

@test "labs: 23-runtime-contract cleans up when interrupted while podman's and containerd's containers run" {
	NO_COLOR=1 "$TOP/labs/23-runtime-contract/lab" --ci >"$SCRATCH/lab.out" 2>&1 &
	lab=$!
	for ((i = 0; i < 300; i++)); do
		grep -q '^# c task exec' "$SCRATCH/lab.out" && break
		sleep 0.1
	done
	grep -q '^# c task exec' "$SCRATCH/lab.out"
	kill -TERM "$lab"
	status=0
	wait "$lab" || status=$?
	[ "$status" -eq 130 ]
	run ! grep -q "== Result ==" "$SCRATCH/lab.out"
}

@test "labs: 23 checker 'podman' says runc did the work; minicontainer's container passes" {
	run engine '
		pm --runtime runc run -d --name lab23 --network none localhost/lab23:1 sleep 300 >/dev/null
		ck podman "$P" lab23
		pm rm -f -t 0 lab23 >/dev/null
		pm --runtime minicontainer run -d --name lab23 --network none localhost/lab23:1 sleep 300 >/dev/null
		ck podman "$P" lab23'
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" =~ ^podman\ container\ lab23\ \([0-9a-f]{12}\)\ was\ created\ by\ runc,\ not\ minicontainer:\ its\ state\ is\ in\ /run/runc/[0-9a-f]{64}/state.json\;\ /run/minicontainer-oci\ has\ nothing\ for\ it$ ]]
	[ "${lines[1]}" = "hint: runc did the work: --runtime was missing or wrong. It is a global option of podman, before run: podman rm -f -t 0 lab23, then podman --runtime minicontainer run -d --name lab23 ..." ]
	[ "${lines[2]}" = "status 1" ]
	[[ "${lines[3]}" =~ ^podman\ container\ lab23\ \([0-9a-f]{12}\)\ runs\ sleep\ as\ process\ [0-9]+,\ child\ of\ conmon\ [0-9]+\;\ minicontainer\ made\ it ]]
	[ "${lines[4]}" = "status 0" ]
}

@test "labs: 23 checker 'podman' fails without runtime_supports_json, and with no container" {
	run env NOJSON='# no runtime_supports_json' bash -c "$(declare -f engine); engine '
		ck podman \"\$P\" lab23
		pm --runtime minicontainer run -d --name lab23 --network none localhost/lab23:1 sleep 300 >/dev/null
		ck podman \"\$P\" lab23'"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "podman (root $SCRATCH/p/root) has no container lab23" ]
	[ "${lines[2]}" = "status 1" ]
	[[ "${lines[3]}" == "podman gave minicontainer no log file: no $SCRATCH/p/run/vfs-containers/"*"/userdata/oci-log" ]]
	[[ "${lines[4]}" == "hint: podman passes --log-format json and --log FILE only to runtimes listed in runtime_supports_json"* ]]
	[ "${lines[5]}" = "status 1" ]
}

@test "labs: 23 checker 'containerd' says runc did the work; minicontainer's task passes; 'ended' after delete" {
	run engine '
		D=$SCRATCH/cd
		mkdir -p "$D"
		printf "version = 2\nroot = \"%s\"\nstate = \"%s\"\n[grpc]\n  address = \"%s\"\n[plugins.\"io.containerd.internal.v1.opt\"]\n  path = \"%s\"\n" \
			"$D/root" "$D/state" "$D/c.sock" "$D/opt" >"$D/config.toml"
		containerd --config "$D/config.toml" >"$D/log" 2>&1 &
		cd_pid=$!
		c() { ctr --address "$D/c.sock" -n lab23 "$@"; }
		end() {
			c task kill -s SIGKILL lab23 >/dev/null 2>&1 || true
			for i in $(seq 50); do c task delete lab23 >/dev/null 2>&1 && break; sleep 0.1; done
			c container delete lab23 >/dev/null 2>&1 || true
		}
		trap "end; kill \$cd_pid; wait \$cd_pid 2>/dev/null || true; pm rm -f -t 0 lab23 >/dev/null 2>&1 || true" EXIT
		for i in $(seq 100); do [ -S "$D/c.sock" ] && break; sleep 0.1; done
		pm save --format oci-archive -o "$D/bb.tar" localhost/lab23:1 2>/dev/null
		c images import "$D/bb.tar" >/dev/null
		ck containerd "$D" lab23
		c run -d localhost/lab23:1 lab23 sleep 300
		sleep 0.5
		ck containerd "$D" lab23
		end
		# runc leaves the namespace'"'"'s parent cgroup behind.
		find /sys/fs/cgroup -maxdepth 2 -name lab23 | while read -r d; do rmdir "$d"; done
		c run -d --runc-binary "$MC" localhost/lab23:1 lab23 sleep 300
		sleep 0.5
		ck containerd "$D" lab23
		ck ended "$D" lab23
		end
		ck ended "$D" lab23'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "containerd (namespace lab23) has no task lab23" ]
	[ "${lines[2]}" = "status 1" ]
	[[ "${lines[3]}" =~ ^task\ lab23\ \(process\ [0-9]+\)\ was\ created\ by\ runc\ \(the\ shim\'s\ default\),\ not\ minicontainer ]]
	[[ "${lines[4]}" == "hint: runc did the work: --runc-binary was missing."* ]]
	[ "${lines[5]}" = "status 1" ]
	[[ "${lines[6]}" =~ ^task\ lab23\ \(namespace\ lab23\)\ runs\ sleep\ as\ process\ [0-9]+,\ child\ of\ containerd-shim ]]
	[ "${lines[7]}" = "status 0" ]
	[ "${lines[8]}" = "containerd still has task lab23" ]
	[ "${lines[10]}" = "status 1" ]
	[ "${lines[11]}" = "task and container lab23 are gone from containerd (namespace lab23), and the runtime's state with them: no /run/containerd/runc/lab23/lab23" ]
	[ "${lines[12]}" = "status 0" ]
}

@test "labs: 23 checker 'created' and 'running': before create, after start, after create" {
	B=$SCRATCH/b R=$SCRATCH/root
	mkdir -p "$B" && cp -a "$ROOTFS" "$B/rootfs"
	(cd "$B" && runc spec)
	jq '.process.args = ["sleep", "300"] | .process.terminal = false' "$B/config.json" >"$B/c" && mv "$B/c" "$B/config.json"
	run "$CHECK" created "$R" lab23
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "no container lab23 under $R" ]
	"$MC" --root "$R" create --bundle "$B" lab23
	run "$CHECK" running "$R" lab23
	[ "$status" -eq 1 ]
	[[ "${lines[0]}" == "container lab23 is still created: process "*" waits on exec.fifo" ]]
	[ "${lines[1]}" = "hint: start opens the FIFO's other end: minicontainer --root $R start lab23" ]
	run "$CHECK" created "$R" lab23
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "container lab23 is created: process "*" is blocked in open(2) of $R/lab23/exec.fifo"* ]]
	"$MC" --root "$R" start lab23
	run "$CHECK" created "$R" lab23
	[ "$status" -eq 1 ]
	[[ "${lines[0]}" == "container lab23 is already running (process "*")" ]]
	run "$CHECK" running "$R" lab23
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "container lab23 is running: process "*" runs 'sleep 300' (process.args)"* ]]
	"$MC" --root "$R" delete --force lab23
}

@test "labs: 23 checker: bad usage is status 2" {
	run "$CHECK" podman x
	[ "$status" -eq 2 ]
	[ "$output" = "usage: check created|running ROOT ID | check podman P NAME [MCROOT] | check containerd|ended D ID [NS]" ]
	run "$CHECK" bogus x y
	[ "$status" -eq 2 ]
	[ "$output" = "check: unknown check 'bogus' (created, running, podman, containerd, ended)" ]
}
