#!/usr/bin/env bats
# Lab 03 (mount namespaces and propagation): it passes in --ci mode and
# leaves nothing behind, also when interrupted; each checker fails, with
# the right hint, on a state where the student did it wrong.  Every
# namespace here is cut from the host first; a mount that must look like
# a leak to the host is made in a scratch namespace the checker runs in.

load helpers

CHECK=$BATS_TEST_DIRNAME/../../labs/03-mount/check

setup() {
	common_setup
	MNT=$SCRATCH/mnt
	mkdir -p "$MNT/private" "$MNT/peer" "$MNT/fromhost" "$MNT/fromslave"
}

teardown() {
	# The launchers, then the sleeps they lead to (children of a launcher
	# that forks outlive it); by PID only.
	kill_fixtures
	common_teardown
}


# A stand-in host as the lab makes it: cut from the real host, then shared.
lab_host() {
	fixture "$1" unshare -m --propagation private \
		ns-unshare -q -m --propagation shared
	[ -n "$FIXTURE" ]
	HOST=$FIXTURE
}

# Mount a tmpfs named NAME on DIR in PID's mount namespace.
mount_in() { ns-enter -q -t "$1" -m mount -t tmpfs "$2" "$3"; }

leftovers() {
	find /tmp -maxdepth 1 -name 'ctk-lab.*' | wc -l
	pgrep -f -x "(/bin/)?sleep 300[1-4]" | wc -l
	mount_table | md5sum
}

@test "labs: 03-mount passes in --ci mode and leaves nothing behind [vm]" {
	before=$(leftovers)
	run env NO_COLOR=1 "$TOP/labs/03-mount/lab" --ci
	[ "$status" -eq 0 ]
	[[ "$output" == *"PASS process "*"'s mount namespace (mnt:["*"]) has tmpfs lab03 on /tmp/ctk-lab."*"/root/mnt/private; the host's"*"has nothing there"* ]]
	[[ "$output" == *"WRONG: copy left shared: its tmpfs on "*" APPEARS in the original namespace"* ]]
	[[ "$output" == *"PASS the tmpfs lab03 on /tmp/ctk-lab."*"their / are peers (shared:"* ]]
	[[ "$output" == *"PASS process "*"'s / is master:"*"a slave of the lab's host (shared:"*"reached it; its tmpfs fromslave on "*"stayed in it"* ]]
	[[ "$output" == *"PASS 03-mount: every check passed"* ]]
	# The lab's own directory is gone, and nothing else was left.
	dir=$(echo "$output" | sed -n 's|^  MNT=\(/tmp/ctk-lab\.[^/]*\)/root/mnt$|\1|p')
	[ -n "$dir" ]
	[ ! -e "$dir" ]
	[ "$(leftovers)" = "$before" ]
}

@test "labs: 03-mount cleans up when interrupted, and unmounts a stray mount" {
	# In a scratch mount namespace that plays the host, so the stray
	# mount (a student's mistake) never touches the real host.
	run unshare -m --propagation private bash -c '
		"$1" --ci >"$2/out" 2>&1 &
		lab=$!
		for ((i = 0; i < 100; i++)); do
			pgrep -f -x "sleep 3001" >/dev/null && break
			sleep 0.1
		done
		dir=$(sed -n "s|^  MNT=\(/tmp/ctk-lab\.[^/]*\)/root/mnt$|\1|p" "$2/out")
		mount -t tmpfs stray "$dir/root/mnt/fromhost"
		grep -c " stray " /proc/self/mountinfo
		kill -TERM "$lab"
		wait "$lab"
		echo "status $?"
		grep -c " stray " /proc/self/mountinfo
		[ -e "$dir" ] && echo "$dir left" || echo "dir removed"
	' bash "$TOP/labs/03-mount/lab" "$SCRATCH"
	[ "${lines[0]}" = 1 ]
	[ "${lines[1]}" = "status 130" ]
	[ "${lines[2]}" = 0 ]
	[ "${lines[3]}" = "dir removed" ]
	[ "$(pgrep -f -x "(/bin/)?sleep 300[1-4]" | wc -l)" -eq 0 ]
}

@test "labs: 03 checker 'private' fails on a host process, with the hint" {
	fixture 3901
	[ -n "$FIXTURE" ]
	run "$CHECK" private "$FIXTURE" "$MNT/private"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "process $FIXTURE shares the host's mount namespace" ]
	[ "${lines[1]}" = "hint: start it with ns-unshare -m: a mount namespace of its own, copied from the host's and made private" ]
}

@test "labs: 03 checker 'private' fails when nothing was mounted inside" {
	fixture 3902 ns-unshare -q -m
	[ -n "$FIXTURE" ]
	run "$CHECK" private "$FIXTURE" "$MNT/private"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "process $FIXTURE's mount table has nothing on $MNT/private" ]
	[ "${lines[1]}" = "hint: mount from inside its namespace: ns-enter -t $FIXTURE -m mount -t tmpfs lab03 $MNT/private" ]
	# Control: mounted inside, it passes; the host sees nothing.
	mount_in "$FIXTURE" lab03 "$MNT/private"
	run "$CHECK" private "$FIXTURE" "$MNT/private"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "process $FIXTURE's mount namespace (mnt:["*"]) has tmpfs lab03 on $MNT/private; the host's"* ]]
	run ! grep -q " $MNT/private " /proc/self/mountinfo
}

@test "labs: 03 checker 'private' fails when the host sees the mount" {
	fixture 3903 ns-unshare -q -m
	[ -n "$FIXTURE" ]
	mount_in "$FIXTURE" lab03 "$MNT/private"
	# The checker runs in a scratch namespace that plays a host where the
	# student mounted it too.
	run unshare -m --propagation private sh -c \
		'mount -t tmpfs stray "$1" && exec "$2" private "$3" "$1"' \
		sh "$MNT/private" "$CHECK" "$FIXTURE"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "the host's mount table has a mount on $MNT/private (tmpfs stray)" ]
	[[ "${lines[1]}" == "hint: it reached the real host: either it was mounted on the host, or in a copy of the host's namespace whose / is shared with it."* ]]
}

@test "labs: 03 checker 'shared' fails on a private copy, with the hint" {
	lab_host 3911
	fixture 3912 ns-enter -q -t "$HOST" -m ns-unshare -q -m
	[ -n "$FIXTURE" ]
	mount_in "$FIXTURE" lab03 "$MNT/peer"
	run "$CHECK" shared "$HOST" "$FIXTURE" "$MNT/peer"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "/ in process $FIXTURE's namespace is not shared (private)" ]
	[ "${lines[1]}" = "hint: ns-unshare -m makes the copy private unless told otherwise: keep the propagation with --propagation unchanged" ]
	# The mount stayed in the copy.
	run ! grep -q " $MNT/peer " "/proc/$HOST/mountinfo"
}

@test "labs: 03 checker 'shared' fails without a copy, or a copy of another host" {
	lab_host 3913
	fixture 3914 ns-enter -q -t "$HOST" -m
	[ -n "$FIXTURE" ]
	run "$CHECK" shared "$HOST" "$FIXTURE" "$MNT/peer"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "process $FIXTURE is in the lab's host namespace itself, not in a copy" ]
	[ "${lines[1]}" = "hint: make a copy from inside it: ns-enter -t $HOST -m ns-unshare -m --propagation unchanged sleep 3003" ]
	# A shared copy, but of a different shared namespace.
	other=$HOST
	lab_host 3915
	fixture 3916 ns-enter -q -t "$other" -m ns-unshare -q -m --propagation unchanged
	[ -n "$FIXTURE" ]
	run "$CHECK" shared "$HOST" "$FIXTURE" "$MNT/peer"
	[ "$status" -eq 1 ]
	[[ "${lines[0]}" == "/ in process $FIXTURE's namespace is in peer group "*", not the lab's host's ("*")" ]]
	[ "${lines[1]}" = "hint: make the copy from inside the lab's host namespace: ns-enter -t $HOST -m ns-unshare -m --propagation unchanged sleep 3003" ]
	# A plain host process is not the lab's host.
	run "$CHECK" shared "$$" "$FIXTURE" "$MNT/peer"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "process $$ is not the lab's host namespace (a shared /, cut from the real host)" ]
	[[ "${lines[1]}" == "hint: the lab starts it; leave 'sleep 3002' running"* ]]
}

@test "labs: 03 checker 'shared' passes on a shared copy, the mount in both" {
	lab_host 3917
	fixture 3918 ns-enter -q -t "$HOST" -m ns-unshare -q -m --propagation unchanged
	[ -n "$FIXTURE" ]
	run "$CHECK" shared "$HOST" "$FIXTURE" "$MNT/peer"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "neither process $FIXTURE nor the lab's host has a mount on $MNT/peer" ]
	[ "${lines[1]}" = "hint: mount in the copy: ns-enter -t $FIXTURE -m mount -t tmpfs lab03 $MNT/peer" ]
	mount_in "$FIXTURE" lab03 "$MNT/peer"
	run "$CHECK" shared "$HOST" "$FIXTURE" "$MNT/peer"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "the tmpfs lab03 on $MNT/peer is in both process $FIXTURE's namespace"* ]]
	# The peer replayed it in the lab's host, never in ours.
	grep -q " $MNT/peer .* lab03 " "/proc/$HOST/mountinfo"
	run ! grep -q " $MNT/peer " /proc/self/mountinfo
}

@test "labs: 03 checker 'slave' fails on a shared or a private copy" {
	lab_host 3921
	fixture 3922 ns-enter -q -t "$HOST" -m ns-unshare -q -m --propagation unchanged
	[ -n "$FIXTURE" ]
	run "$CHECK" slave "$HOST" "$FIXTURE" "$MNT/fromhost" "$MNT/fromslave"
	[ "$status" -eq 1 ]
	[[ "${lines[0]}" == "/ in process $FIXTURE's namespace is shared (shared:"*"): a peer, not a slave" ]]
	[ "${lines[1]}" = "hint: a peer sends its mounts back; make the copy with --propagation slave" ]
	fixture 3923 ns-enter -q -t "$HOST" -m ns-unshare -q -m
	[ -n "$FIXTURE" ]
	run "$CHECK" slave "$HOST" "$FIXTURE" "$MNT/fromhost" "$MNT/fromslave"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "/ in process $FIXTURE's namespace is private: it receives nothing" ]
	[ "${lines[1]}" = "hint: make the copy with --propagation slave (ns-unshare -m alone makes it private)" ]
}

@test "labs: 03 checker 'slave' names each missing mount, then passes" {
	lab_host 3924
	fixture 3925 ns-enter -q -t "$HOST" -m ns-unshare -q -m --propagation slave
	[ -n "$FIXTURE" ]
	run "$CHECK" slave "$HOST" "$FIXTURE" "$MNT/fromhost" "$MNT/fromslave"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "process $FIXTURE's mount table has nothing on $MNT/fromslave" ]
	[ "${lines[1]}" = "hint: mount in the slave copy: ns-enter -t $FIXTURE -m mount -t tmpfs fromslave $MNT/fromslave" ]
	mount_in "$FIXTURE" fromslave "$MNT/fromslave"
	run "$CHECK" slave "$HOST" "$FIXTURE" "$MNT/fromhost" "$MNT/fromslave"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "the lab's host (process $HOST) has nothing on $MNT/fromhost" ]
	[ "${lines[1]}" = "hint: mount it in the lab's host namespace: ns-enter -t $HOST -m mount -t tmpfs fromhost $MNT/fromhost" ]
	# Control: the master's mount reaches the slave, not the other way.
	mount_in "$HOST" fromhost "$MNT/fromhost"
	run "$CHECK" slave "$HOST" "$FIXTURE" "$MNT/fromhost" "$MNT/fromslave"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "process $FIXTURE's / is master:"*"tmpfs fromhost on $MNT/fromhost reached it; its tmpfs fromslave on $MNT/fromslave stayed in it"* ]]
	run ! grep -q " $MNT/fromslave " "/proc/$HOST/mountinfo"
}

@test "labs: 03 checker names a missing process; bad usage is status 2" {
	run "$CHECK" private "" "$MNT/private"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "no process found for the process in its own mount namespace" ]
	[[ "${lines[1]}" == "hint: start it in the background (&)"* ]]
	run "$CHECK" bogus 1
	[ "$status" -eq 2 ]
	run "$CHECK" private 1
	[ "$status" -eq 2 ]
}
