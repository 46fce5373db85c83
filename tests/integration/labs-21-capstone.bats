#!/usr/bin/env bats
# Lab 21 (the capstone: a container built one primitive at a time): it
# passes in --ci mode and leaves nothing behind, also when interrupted;
# each checker fails, with the right hint, on a container started with
# the wrong options, and passes on the right one.

load helpers

CHECK=$BATS_TEST_DIRNAME/../../labs/21-capstone/check
MC=minicontainer
# The containers these tests start; ctk-lab21-N are the lab's own.
T=ctk-t-lab21

setup() {
	common_setup
	# Step 1's security options: every capability the runtime holds (on
	# a host whose root lacks one, the container lacks it too), no filter,
	# no_new_privs off.
	OPEN=(--cap-add ALL --seccomp unconfined --security-opt no-new-privileges=false)
	HOSTNS=(--pid host --ipc host --uts host --net host --cgroupns host)
	YOURS=$(capsh --decode="$(awk '$1 == "CapEff:" { print $2 }' /proc/self/status)" |
		tr , '\n' | wc -l)
}

teardown() {
	local n
	for n in 1 2 3 4 5 6 7 8 9; do
		"$MC" rm -f "$T-$n" >/dev/null 2>&1 || true
	done
	common_teardown
}

# start N OPTION...: container $T-N running sleep 2109N with the options.
start() {
	local n=$1
	shift
	"$MC" run -d --name "$T-$n" "$@" -- sleep "2109$n" >/dev/null 2>&1
}

# What the lab could leave: its scratch dir, containers with its names,
# their sleeps.
leftovers() {
	find /tmp -maxdepth 1 -name 'ctk-lab21.*' | wc -l
	"$MC" ps -a | grep -c ' ctk-lab21-' || true
	pgrep -f -x "(/bin/)?sleep 2100[1-6]" | wc -l
}

# Nothing left of the containers whose IDs the lab printed: no state dir,
# no cgroup in any hierarchy.
assert_ids_gone() {
	local ids id
	ids=$(grep -oE '(^[0-9a-f]{12}$|container [0-9a-f]{12}: )' "$1" |
		grep -oE '[0-9a-f]{12}' | sort -u)
	[ -n "$ids" ]
	for id in $ids; do
		[ ! -e "/run/minicontainer/$id" ] || {
			echo "left: /run/minicontainer/$id"
			return 1
		}
		[ -z "$(find /sys/fs/cgroup -maxdepth 3 -type d -name "mc-$id")" ] || {
			echo "left: cgroup mc-$id"
			return 1
		}
	done
}

@test "labs: 21-capstone passes in --ci mode and leaves nothing behind [vm]" {
	before=$(leftovers)
	NO_COLOR=1 "$TOP/labs/21-capstone/lab" --ci >"$SCRATCH/out" 2>&1 || {
		cat "$SCRATCH/out"
		return 1
	}
	output=$(<"$SCRATCH/out")
	[[ "$output" == *"PASS container ctk-lab21-1 (PID "*"): a root of its own, and almost nothing else"* ]]
	[[ "$output" == *"the host's: uts ipc pid net cgroup namespaces; NSpid "*": one number, the host's PID"* ]]
	[[ "$output" == *"all $YOURS capabilities (as yours), NoNewPrivs 0, Seccomp 0 (no filter)"* ]]
	[[ "$output" == *"PASS container ctk-lab21-2 (PID "*"): + UTS and IPC namespaces of its own"* ]]
	[[ "$output" == *"hostname 'lab21' in uts:["*"]; the host's is still '$(hostname)'"* ]]
	[[ "$output" == *"PASS container ctk-lab21-3 (PID "*"): + a PID namespace of its own"* ]]
	[[ "$output" == *"  NSpid "*" 2: PID 2 inside pid:["* ]]
	[[ "$output" == *"its /proc lists 2 processes; the host's lists "* ]]
	[[ "$output" == *"PASS container ctk-lab21-4 (PID "*"): + network and cgroup namespaces of its own"* ]]
	[[ "$output" == *"  links in net:["*"]: lo only; the host's net:["* ]]
	[[ "$output" == *"PASS container ctk-lab21-5 (PID "*"): + a cgroup of its own, with limits"* ]]
	if [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]; then
		[[ "$output" == *"  cgroup v2 group /ctk/mc-"*": memory.max 67108864 (64M), pids.max 32"* ]]
		[[ "$output" == *"inside its cgroup namespace the group is /: 0::/"* ]]
	else
		[[ "$output" == *"  cgroup v1 (a hybrid host): /sys/fs/cgroup/memory/ctk/mc-"* ]]
		[[ "$output" == *"    memory.limit_in_bytes 67108864 (64M); pids.max 32 in the pids hierarchy"* ]]
		[[ "$output" == *"inside its cgroup namespace the group is /: "*":memory:/"* ]]
	fi
	[[ "$output" == *"PASS container ctk-lab21-6 (PID "*"): + the default security: the default container"* ]]
	[[ "$output" == *"  capabilities: 11, podman's default: CHOWN DAC_OVERRIDE FOWNER "* ]]
	[[ "$output" == *"  NoNewPrivs 1, Seccomp 2 (1 filter)"* ]]
	[[ "$output" == *"namespaces of its own: mnt uts ipc pid net cgroup; memory 64M, pids 32"* ]]
	# The contrast: root may set the container's hostname until step 6.
	[[ "$output" == *"hostname: sethostname: Operation not permitted"* ]]
	[[ "$output" == *"PASS the trace in /tmp/ctk-lab21."*"/trace: "*" numbered steps, "*" lines"* ]]
	[[ "$output" == *"clone3(), then unshare(): CLONE_NEWNS CLONE_NEWUTS CLONE_NEWIPC CLONE_NEWPID"* ]]
	[[ "$output" == *" exec: the command replaces the runtime, as PID 2 of its PID namespace"* ]]
	[[ "$output" == *"PASS 21-capstone: every check passed"* ]]
	# Seven checks, every line within 100 columns.
	[ "$(grep -c '^PASS ' "$SCRATCH/out")" -eq 8 ]
	[ "$(awk 'length > 100' "$SCRATCH/out" | wc -l)" -eq 0 ]
	[ "$(leftovers)" = "$before" ]
	assert_ids_gone "$SCRATCH/out"
}

@test "labs: 21-capstone interrupted half-way leaves nothing behind [vm]" {
	before=$(leftovers)
	NO_COLOR=1 "$TOP/labs/21-capstone/lab" --ci >"$SCRATCH/out" 2>&1 &
	pid=$!
	for ((i = 0; i < 300; i++)); do
		grep -q "PASS container ctk-lab21-3" "$SCRATCH/out" && break
		sleep 0.1
	done
	grep -q "PASS container ctk-lab21-3" "$SCRATCH/out"
	kill -TERM "$pid"
	status=0
	wait "$pid" || status=$?
	[ "$status" -eq 130 ]
	[ "$(grep -c "== Result ==" "$SCRATCH/out")" -eq 0 ]
	[ "$(leftovers)" = "$before" ]
	assert_ids_gone "$SCRATCH/out"
}

@test "labs: 21 checker names a missing or ended container, and bad usage" {
	run "$CHECK" bare "$T-1"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "there is no container $T-1" ]
	[[ "${lines[1]}" == "hint: start it and leave it running: minicontainer run -d --name $T-1 "* ]]
	"$MC" run -d --name "$T-2" -- true >/dev/null 2>&1
	for ((i = 0; i < 50; i++)); do
		"$MC" ps -a | grep -q "$T-2 *exited" && break
		sleep 0.1
	done
	run "$CHECK" pid "$T-2"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "container $T-2 is not running (exited (0))" ]
	[[ "${lines[1]}" == "hint: its command must last: minicontainer rm $T-2, then minicontainer run"* ]]
	run "$CHECK" bogus "$T-2"
	[ "$status" -eq 2 ]
	run "$CHECK" bare
	[ "$status" -eq 2 ]
}

@test "labs: 21 checker 'bare' fails on the namespaces and security a step adds" {
	# The default container: a UTS namespace of its own.
	start 1
	run "$CHECK" bare "$T-1"
	[ "$status" -eq 1 ]
	[[ "${lines[0]}" == "container $T-1 has a UTS namespace of its own, uts:["*"]" ]]
	[ "${lines[1]}" = "hint: one step at a time: keep --uts host until step 2" ]
	# The host's namespaces, the default security.
	start 2 "${HOSTNS[@]}"
	run "$CHECK" bare "$T-2"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "container $T-2's command has 11 capabilities, you have $YOURS" ]
	[ "${lines[1]}" = "hint: keep them all until step 6: --cap-add ALL" ]
	start 3 "${HOSTNS[@]}" --cap-add ALL --seccomp unconfined
	run "$CHECK" bare "$T-3"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "container $T-3's command has NoNewPrivs 1" ]
	[ "${lines[1]}" = "hint: keep it off until step 6: --security-opt no-new-privileges=false" ]
	start 4 "${HOSTNS[@]}" --cap-add ALL --security-opt no-new-privileges=false
	run "$CHECK" bare "$T-4"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "container $T-4's command runs under a seccomp filter (Seccomp 2)" ]
	[ "${lines[1]}" = "hint: keep it unfiltered until step 6: --seccomp unconfined" ]
	# Control.
	start 5 "${HOSTNS[@]}" "${OPEN[@]}"
	run "$CHECK" bare "$T-5"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "container $T-5 (PID "*"): a root of its own, and almost nothing else" ]]
}

@test "labs: 21 checkers 'utsipc', 'pid' and 'net' fail on a namespace left the host's" {
	start 1 --uts host --pid host --net host --cgroupns host "${OPEN[@]}"
	run "$CHECK" utsipc "$T-1"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "container $T-1's UTS namespace is the host's" ]
	[ "${lines[1]}" = "hint: drop --uts host: without it, minicontainer unshares one" ]
	start 2 --pid host --net host --cgroupns host "${OPEN[@]}"
	run "$CHECK" pid "$T-2"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "container $T-2's PID namespace is the host's" ]
	[ "${lines[1]}" = "hint: drop --pid host: without it, minicontainer unshares one" ]
	run "$CHECK" utsipc "$T-2"
	[ "$status" -eq 0 ]
	[[ "${lines[1]}" == "  hostname '"*"' in uts:["*"]; the host's is still '$(hostname)'" ]]
	start 3 --cgroupns host "${OPEN[@]}"
	run "$CHECK" net "$T-3"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "container $T-3's cgroup namespace is the host's" ]
	[ "${lines[1]}" = "hint: drop --cgroupns host: without it, minicontainer unshares one" ]
	run "$CHECK" pid "$T-3"
	[ "$status" -eq 1 ]
	[[ "${lines[0]}" == "container $T-3 has a network namespace of its own, net:["*"]" ]]
	[ "${lines[1]}" = "hint: one step at a time: keep --net host until step 4" ]
	# Controls.
	start 4 --net host --cgroupns host "${OPEN[@]}"
	run "$CHECK" pid "$T-4"
	[ "$status" -eq 0 ]
	[[ "${lines[1]}" == "  NSpid "*" 2: PID 2 inside pid:["*"]; its parent, the runtime's init"* ]]
	start 5 "${OPEN[@]}"
	run "$CHECK" net "$T-5"
	[ "$status" -eq 0 ]
	[[ "${lines[1]}" == "  links in net:["*"]: lo only; the host's net:["* ]]
}

@test "labs: 21 checker 'limits' fails without a group or on the wrong limits" {
	if [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]; then
		mem=memory.max
	else
		mem=memory.limit_in_bytes
	fi
	start 1 "${OPEN[@]}"
	run "$CHECK" limits "$T-1"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "container $T-1 has no memory cgroup of its own" ]
	[ "${lines[1]}" = "hint: minicontainer makes a group only for a container with limits: -m 64M --pids 32" ]
	start 2 -m 32M --pids 32 "${OPEN[@]}"
	run "$CHECK" limits "$T-2"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "container $T-2's $mem is 33554432, not 67108864 (64M)" ]
	[ "${lines[1]}" = "hint: give it the limit: -m 64M" ]
	start 3 -m 64M --pids 10 "${OPEN[@]}"
	run "$CHECK" limits "$T-3"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "container $T-3's pids.max is 10, not 32" ]
	[ "${lines[1]}" = "hint: give it the limit: --pids 32" ]
	# Control.
	start 4 -m 64M --pids 32 "${OPEN[@]}"
	run "$CHECK" limits "$T-4"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "container $T-4 (PID $("$MC" inspect --json "$T-4" 2>/dev/null | jq .pid)): + a cgroup of its own, with limits" ]
}

@test "labs: 21 checker 'secure' fails on each security option left open" {
	start 1 -m 64M --pids 32 --cap-add NET_ADMIN
	run "$CHECK" secure "$T-1"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "container $T-1's command has 12 capabilities, not podman's default 11" ]
	[ "${lines[1]}" = "hint: drop --cap-add ALL (and any --cap-add or --cap-drop): the default is the 11" ]
	start 2 -m 64M --pids 32 --security-opt no-new-privileges=false
	run "$CHECK" secure "$T-2"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "container $T-2's command has NoNewPrivs 0" ]
	[ "${lines[1]}" = "hint: drop --security-opt no-new-privileges=false: no_new_privs is on by default" ]
	start 3 -m 64M --pids 32 --seccomp unconfined
	run "$CHECK" secure "$T-3"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "container $T-3's command runs without a seccomp filter (Seccomp 0)" ]
	[ "${lines[1]}" = "hint: drop --seccomp unconfined: the default filter is on by default" ]
	# Control: the default container, with limits.
	start 4 -m 64M --pids 32
	run "$CHECK" secure "$T-4"
	[ "$status" -eq 0 ]
	[ "${lines[1]}" = "  capabilities: 11, podman's default: CHOWN DAC_OVERRIDE FOWNER FSETID KILL SETGID SETUID" ]
}

@test "labs: 21 checker 'trace' fails on no trace, no --verbose, and step 1's container" {
	f=$SCRATCH/trace
	: >"$f"
	run "$CHECK" trace "$f"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "there is no trace in $f" ]
	[[ "${lines[1]}" == "hint: the narration goes to stderr: minicontainer --verbose run --rm -- true"* ]]
	"$MC" run --rm -- true 2>"$f"
	run "$CHECK" trace "$f"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "$f holds no numbered step" ]
	[[ "${lines[1]}" == "hint: --verbose is a global option, before run: minicontainer --verbose run"* ]]
	"$MC" --verbose run --rm "${HOSTNS[@]}" "${OPEN[@]}" -- true 2>"$f"
	run "$CHECK" trace "$f"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "the traced container shares the host's uts ipc pid net cgroup namespaces" ]
	[ "${lines[1]}" = "hint: trace the default container: no --pid/--ipc/--uts/--net/--cgroupns host" ]
	"$MC" --verbose run --rm --seccomp unconfined -- true 2>"$f"
	run "$CHECK" trace "$f"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "the trace in $f has no seccomp() step" ]
	# Control: the default container.
	"$MC" --verbose run --rm -- true 2>"$f"
	run "$CHECK" trace "$f"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "the trace in $f: "*" numbered steps, "*" lines" ]]
	[[ "${lines[1]}" == "  2 clone3(), then unshare(): CLONE_NEWNS CLONE_NEWUTS CLONE_NEWIPC CLONE_NEWPID" ]]
}
