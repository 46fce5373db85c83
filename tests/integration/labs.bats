#!/usr/bin/env bats
# The labs: each passes in --ci mode and leaves nothing behind; each
# checker fails, with the right hint, on a state where the student did it
# wrong; doctor reports what the host offers.

load helpers

setup() {
	common_setup
	ROOT=$(copy_rootfs)
}

teardown() {
	kill_fixtures
	# pkill also reaches children of the fixtures (pivot -p's PID 1).
	pkill -KILL -f "^(/bin/)?sleep 9[0-9][0-9][0-9]$" 2>/dev/null || true
	common_teardown
}


leftovers() {
	find /tmp -maxdepth 1 -name 'ctk-lab.*' | wc -l
	pgrep -f -x "(/bin/)?sleep (100[12]|200[123])" | wc -l
	mount_table | md5sum
}

@test "labs: 01-chroot passes in --ci mode and leaves nothing behind [vm]" {
	before=$(leftovers)
	run "$TOP/labs/01-chroot/lab" --ci
	[ "$status" -eq 0 ]
	[[ "$output" == *"PASS process "*" is rooted at /tmp/ctk-lab."* ]]
	[[ "$output" == *"PASS process "*" left /tmp/ctk-lab."*"its root is the host's / again"* ]]
	[[ "$output" == *"PASS 01-chroot: every check passed"* ]]
	[ "$(leftovers)" = "$before" ]
}

@test "labs: 02-pivot passes in --ci mode and leaves nothing behind [vm]" {
	before=$(leftovers)
	run "$TOP/labs/02-pivot/lab" --ci
	[ "$status" -eq 0 ]
	[[ "$output" == *"PASS process "*"has its own mount namespace"* ]]
	[[ "$output" == *"PASS the breakout probe run into process "*"contained"* ]]
	[[ "$output" == *"pivot_root(\".\", \".\"): Invalid argument"* ]]
	[[ "$output" == *"PASS / in process "*"is private"* ]]
	[[ "$output" == *"PASS 02-pivot: every check passed"* ]]
	[ "$(leftovers)" = "$before" ]
}

@test "labs: a lab without a mode is a usage error" {
	run "$TOP/labs/01-chroot/lab"
	[ "$status" -eq 2 ]
	[[ "$output" == *"choose a mode"* ]]
	run "$TOP/labs/01-chroot/lab" --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"--instructor"*"--student"*"--ci"* ]]
}

@test "labs: 01 checker 'jailed' fails on a host process, with the hint" {
	fixture 9101
	run "$TOP/labs/01-chroot/check" jailed "$FIXTURE" "$ROOT"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "process $FIXTURE has the host's / as its root" ]
	[[ "${lines[1]}" == "hint: give chroot-demo the lab root"* ]]
	# Control: the same check passes on a chroot'ed process.
	fixture 9102 chroot-demo -q "$ROOT"
	run "$TOP/labs/01-chroot/check" jailed "$FIXTURE" "$ROOT"
	[ "$status" -eq 0 ]
}

@test "labs: 01 checker 'jailed' fails when namespaces were unshared" {
	fixture 9103 pivot -q "$ROOT"
	run "$TOP/labs/01-chroot/check" jailed "$FIXTURE" "$ROOT"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "process $FIXTURE has its own mnt namespace" ]
	[[ "${lines[1]}" == "hint: this lab is about chroot(2) alone"* ]]
}

@test "labs: 01 checker 'escaped' fails on a process still in the chroot" {
	fixture 9104 chroot-demo -q "$ROOT"
	run "$TOP/labs/01-chroot/check" escaped "$FIXTURE" "$ROOT"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "process $FIXTURE is still rooted at $ROOT" ]
	[[ "${lines[1]}" == "hint: from inside, chroot into a subdirectory without chdir"* ]]
}

@test "labs: 01 checker names a missing process" {
	run "$TOP/labs/01-chroot/check" escaped "" "$ROOT"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "no process found for the escaped process" ]
	[[ "${lines[1]}" == "hint: start it in the background (&)"* ]]
	run "$TOP/labs/01-chroot/check" bogus 1 "$ROOT"
	[ "$status" -eq 2 ]
}

@test "labs: 02 checker 'pivoted' fails on a chroot'ed process, with the hint" {
	fixture 9201 chroot-demo -q "$ROOT"
	run "$TOP/labs/02-pivot/check" pivoted "$FIXTURE" "$ROOT"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "process $FIXTURE shares the host's mount namespace" ]
	[[ "${lines[1]}" == "hint: chroot moves only a process's root"* ]]
}

@test "labs: 02 checker 'pivoted' fails when the old root is still attached" {
	mkdir -p "$ROOT/old"
	# pivot_root(2) done by hand, without detaching the old root.
	fixture 9202 unshare --mount --propagation private sh -c '
		mount --bind "$0" "$0" && cd "$0" && pivot_root . old &&
		exec /bin/sleep "$2"' "$ROOT"
	run "$TOP/labs/02-pivot/check" pivoted "$FIXTURE" "$ROOT"
	[ "$status" -eq 1 ]
	[[ "${lines[0]}" == "process $FIXTURE still sees "*" host mount(s): /old"* ]]
	[ "${lines[1]}" = 'hint: the old root is still attached at /old: detach it after pivot_root with umount2("/old", MNT_DETACH) (umount -l)' ]
}

@test "labs: 02 checker 'contained' fails where the probe escapes" {
	fixture 9203 chroot-demo -q "$ROOT"
	run "$TOP/labs/02-pivot/check" contained "$FIXTURE" "$ROOT"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "the breakout probe run into process $FIXTURE escaped" ]
	[[ "${lines[1]}" == "hint: that process is only chroot'ed"* ]]
	# A mount namespace without pivot_root does not help either.
	fixture 9204 unshare --mount chroot-demo -q "$ROOT"
	run "$TOP/labs/02-pivot/check" contained "$FIXTURE" "$ROOT"
	[ "$status" -eq 1 ]
	[[ "${lines[1]}" == "hint: its mount namespace still holds the old root"* ]]
	# Control: contained under pivot.
	fixture 9205 pivot -q "$ROOT"
	run "$TOP/labs/02-pivot/check" contained "$FIXTURE" "$ROOT"
	[ "$status" -eq 0 ]
}

@test "labs: 02 checker 'private' fails on a shared /, with the hint" {
	fixture 9206 unshare --mount --propagation shared
	run "$TOP/labs/02-pivot/check" private "$FIXTURE"
	[ "$status" -eq 1 ]
	[[ "${lines[0]}" == "/ in process $FIXTURE's mount namespace is shared (shared:"* ]]
	[[ "${lines[1]}" == "hint: a shared / passes every mount to its peers"* ]]
}

@test "doctor: reports this host's cgroup mode and controllers [vm]" {
	run "$TOP/labs/doctor"
	[ "$status" -eq 0 ]
	# Folded within 100 columns; joined again to match whole statements.
	[ "$(awk 'length > 100' <<<"$output" | wc -l)" -eq 0 ]
	output=$(sed -z 's/\ndoctor:   / /g' <<<"$output")
	[[ "$output" == *"doctor: kernel $(uname -r)"* ]]
	if [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]; then
		[[ "$output" == *"doctor: cgroups: v2 (pure) at /sys/fs/cgroup; controllers: $(cat /sys/fs/cgroup/cgroup.controllers)"* ]]
	else
		[[ "$output" == *"doctor: cgroups: hybrid: v1 controllers: "*"v2 at /sys/fs/cgroup/unified offers: $(cat /sys/fs/cgroup/unified/cgroup.controllers)"* ]]
	fi
	if [ "${CTK_TIER:-}" = vm ]; then
		# The guest is pure v2 with every controller enabled.
		[[ "$output" == *"cgroups: v2 (pure)"* ]]
		for c in cpuset cpu io memory pids; do
			[[ "$output" == *"enabled for children: "*"$c"* ]]
		done
	fi
}

@test "doctor: --json is valid JSON that agrees with the text" {
	run "$TOP/labs/doctor" --json
	[ "$status" -eq 0 ]
	mode=$(echo "$output" | jq -r .cgroup.mode)
	"$TOP/labs/doctor" | grep -q "cgroups: $mode"
	[ "$(echo "$output" | jq '.namespaces | length')" -eq 8 ]
	[ "$(echo "$output" | jq .uid)" -eq 0 ]
}

@test "doctor: states what a lab cannot run or show on this host" {
	mkdir -p "$SCRATCH/labs/99-x"
	printf 'needs=root fs:nosuchfs\noptional=cgroup2:nosuchctl\n' \
		>"$SCRATCH/labs/99-x/meta"
	run env CTK_LABS_DIR="$SCRATCH/labs" "$TOP/labs/doctor" --lab 99-x
	[ "$status" -eq 1 ]
	[[ "$output" == *"lab 99-x: cannot run: the kernel has no nosuchfs filesystem"* ]]
	[[ "$output" == *"lab 99-x: will not be able to show: the v2 hierarchy offers no nosuchctl controller"* ]]
	run "$TOP/labs/doctor" --lab 01-chroot
	[ "$status" -eq 0 ]
	[[ "$output" == *"lab 01-chroot: everything it needs is here"* ]]
	run "$TOP/labs/doctor" --lab nope
	[ "$status" -eq 2 ]
	[ "$output" = "doctor: no such lab: nope (see labs/README.md)" ]
}

@test "labs: instructor mode types each command and runs it on Enter" {
	run script -qec "$TOP/labs/01-chroot/lab --instructor" /dev/null \
		< <(yes '' | head -20)
	[ "$status" -eq 0 ]
	[[ "$output" == *"# chroot-demo -q $TMPDIR"* || "$output" == *"# chroot-demo -q /tmp/ctk-lab."* ]]
	[[ "$output" == *"every check passed"* ]]
}

@test "labs: student mode checks, gives graded hints, then passes" {
	run expect -f "$BATS_TEST_DIRNAME/expect/student-01.exp" \
		"$TOP/labs/01-chroot/lab"
	[ "$status" -eq 0 ]
	[[ "$output" == *"FAIL no process found for the jailed process"* ]]
	[[ "$output" == *"hint 1: chroot-demo takes NEWROOT, then the command"* ]]
	[[ "$output" == *"PASS process "*" is rooted at /tmp/ctk-lab."* ]]
	[[ "$output" == *"PASS 01-chroot: every check passed"* ]]
}

@test "labs: every lab has a --ci test, tagged [vm] exactly when its meta says vm=1" {
	n=0
	for meta in "$TOP"/labs/*/meta; do
		lab=$(basename "$(dirname "$meta")")
		name="labs: $lab passes in --ci mode and leaves nothing behind"
		if grep -qx 'vm=1' "$meta"; then
			grep -qF "@test \"$name [vm]\"" "$TOP"/tests/integration/labs*.bats
		else
			grep -qF "@test \"$name\"" "$TOP"/tests/integration/labs*.bats
		fi
		# And it is in the index.
		grep -q "^| \[$lab\]($lab/)" "$TOP/labs/README.md"
		n=$((n + 1))
	done
	[ "$n" -ge 2 ]
}

@test "labs: every lab states what differs on a hybrid host and without root, in meta and README" {
	n=0
	for meta in "$TOP"/labs/*/meta; do
		dir=$(dirname "$meta")
		hybrid=$(sed -n 's/^hybrid=//p' "$meta")
		rootless=$(sed -n 's/^rootless=//p' "$meta")
		[ -n "$hybrid" ] || { echo "$meta: no hybrid="; return 1; }
		[ -n "$rootless" ] || { echo "$meta: no rootless="; return 1; }
		grep -qxF -- "- On a hybrid host: $hybrid" "$dir/README.md" ||
			{ echo "$dir/README.md does not say: $hybrid"; return 1; }
		grep -qxF -- "- Without root: $rootless" "$dir/README.md" ||
			{ echo "$dir/README.md does not say: $rootless"; return 1; }
		n=$((n + 1))
	done
	[ "$n" -ge 20 ]
}

@test "doctor: says what differs for a lab on a hybrid host and without root, marking this host's case [vm]" {
	dir=$(mktemp -d /tmp/ctk-doctor.XXXXXX)
	mkdir "$dir/99-x"
	chmod -R a+rX "$dir"
	printf 'needs=\nhybrid=v1 holds the memory controller\nrootless=%s\n' \
		"only a delegated subtree $(printf 'word%.0s ' {1..20})end" >"$dir/99-x/meta"
	run env CTK_LABS_DIR="$dir" "$TOP/labs/doctor" --lab 99-x
	[ "$status" -eq 0 ]
	if [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]; then
		mark=
	else
		mark=" (this host)"
	fi
	[[ "$output" == *"doctor: lab 99-x on a hybrid host$mark:"$'\n'"doctor:   v1 holds the memory controller"$'\n'* ]]
	[[ "$output" == *"doctor: lab 99-x without root:"$'\n'"doctor:   only a delegated subtree word"* ]]
	# Folded: no line over 100 columns, and the text's last word is there.
	[ "$(awk 'length > 100' <<<"$output" | wc -l)" -eq 0 ]
	[[ "${lines[-1]}" == "doctor:   "*" end" ]]
	run env CTK_LABS_DIR="$dir" "$TOP/labs/doctor" --lab 99-x --json
	[ "$(jq -r .lab.hybrid <<<"$output")" = "v1 holds the memory controller" ]
	# As nobody: the rootless case is marked as the user's own.
	run setpriv --reuid=65534 --regid=65534 --clear-groups \
		env CTK_LABS_DIR="$dir" "$TOP/labs/doctor" --lab 99-x
	rm -rf "$dir"
	[ "$status" -eq 1 ] || [ "$status" -eq 0 ]
	[[ "$output" == *"doctor: lab 99-x without root (you, uid 65534):"* ]]
}
