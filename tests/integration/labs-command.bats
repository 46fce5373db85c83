#!/usr/bin/env bats
# The labs command: lists the labs from their meta, runs one and records
# a pass under the XDG state directory (and nowhere else), runs a
# checker, shows and forgets progress; usage errors as the other tools.

load helpers

setup() {
	common_setup
	LABS=$TOP/labs/labs
	# Never the real user's state: HOME and XDG_STATE_HOME in scratch.
	export HOME=$SCRATCH/home XDG_STATE_HOME=$SCRATCH/state
	mkdir -p "$HOME" "$XDG_STATE_HOME"
	STATE=$XDG_STATE_HOME/ctk/labs-passed
	NLABS=$(find "$TOP/labs" -mindepth 2 -maxdepth 2 -path '*/[0-9][0-9]-*/meta' | wc -l)
}

teardown() {
	kill_fixtures
	common_teardown
}

# The value of KEY in lab LAB's meta.
meta() { sed -n "s/^$2=//p" "$TOP/labs/$1/meta"; }

@test "labs command: list shows every lab in order, with its meta and progress" {
	[ "$NLABS" -eq 24 ]
	run --separate-stderr "$LABS" list
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[[ "${lines[0]}" =~ ^LAB\ +MIN\ +PASSED\ +TITLE$ ]]
	# Each lab: its line (name, minutes, not passed, title), then its needs.
	i=1
	for d in "$TOP"/labs/[0-9][0-9]-*/; do
		lab=$(basename "$d")
		[[ "${lines[i]}" =~ ^$lab\ +$(meta "$lab" minutes)\ +no\ +(.*)$ ]]
		[ "${BASH_REMATCH[1]}" = "$(meta "$lab" title)" ]
		[[ "${lines[i + 1]}" =~ ^\ +needs:\ (.*)$ ]]
		[ "${BASH_REMATCH[1]}" = "$(meta "$lab" needs)" ]
		i=$((i + 2))
	done
	[ "${#lines[@]}" -eq $((1 + 2 * NLABS)) ]
	[[ "$output" == *"23-runtime-contract "*"35  no      the runtime contract: an OCI bundle"* ]]
}

@test "labs command: list --json is valid JSON that agrees with each meta" {
	run --separate-stderr "$LABS" list --json
	[ "$status" -eq 0 ]
	[ "$(jq length <<<"$output")" -eq "$NLABS" ]
	[ "$(jq -r '.[].name' <<<"$output")" = \
		"$(cd "$TOP/labs" && ls -d [0-9][0-9]-* | sort)" ]
	[ "$(jq -c '.[0]' <<<"$output")" = \
		'{"name":"01-chroot","title":"chroot(2), and the breakout that shows it is no jail","minutes":20,"needs":["root","rootfs","ns:mnt"],"vm":true,"passed":false}' ]
	for lab in $(jq -r '.[].name' <<<"$output"); do
		o=$(jq -c --arg n "$lab" '.[] | select(.name == $n)' <<<"$output")
		[ "$(jq -r .title <<<"$o")" = "$(meta "$lab" title)" ]
		[ "$(jq .minutes <<<"$o")" = "$(meta "$lab" minutes)" ]
		[ "$(jq -r '.needs | join(" ")' <<<"$o")" = "$(meta "$lab" needs)" ]
		[ "$(jq .vm <<<"$o")" = "$([ "$(meta "$lab" vm)" = 1 ] && echo true || echo false)" ]
		[ "$(jq .passed <<<"$o")" = false ]
	done
	# The vm labs are there, as booleans.
	[ "$(jq '[.[] | select(.vm == true)] | length' <<<"$output")" -eq \
		"$(grep -lx 'vm=1' "$TOP"/labs/*/meta | wc -l)" ]
}

@test "labs command: run 01-chroot --ci passes and records it, and nothing else" {
	[ ! -e "$STATE" ]
	run --separate-stderr "$LABS" run 01-chroot --ci
	[ "$status" -eq 0 ]
	[[ "$output" == *"PASS 01-chroot: every check passed"* ]]
	[ "${lines[-1]}" = "labs: 01-chroot passed: recorded in $STATE" ]
	[ "$(cat "$STATE")" = "01-chroot $(date +%F)" ]
	# Only the progress file, no temp file left, and HOME untouched.
	[ "$(ls -A "$XDG_STATE_HOME/ctk")" = labs-passed ]
	[ -z "$(ls -A "$HOME")" ]
	run "$LABS" list
	[[ "${lines[1]}" =~ ^01-chroot\ +20\ +yes\  ]]
	[[ "${lines[3]}" =~ ^02-pivot\ +30\ +no\  ]]
	run "$LABS" list --json
	[ "$(jq -c '[.[] | select(.passed) | .name]' <<<"$output")" = '["01-chroot"]' ]
}

@test "labs command: run takes the lab's number, and records a pass once" {
	run --separate-stderr "$LABS" run 1 --ci
	[ "$status" -eq 0 ]
	[[ "$output" == *"PASS 01-chroot: every check passed"* ]]
	[ "$(cat "$STATE")" = "01-chroot $(date +%F)" ]
	# Again as "01": still one line for the lab.
	run --separate-stderr "$LABS" run --ci 01
	[ "$status" -eq 0 ]
	[ "$(cat "$STATE")" = "01-chroot $(date +%F)" ]
}

@test "labs command: run passes a failing lab's status through and records nothing" {
	# Stand-in labs: one that fails, one that passes (the control).
	mkdir -p "$SCRATCH/labs/01-bad" "$SCRATCH/labs/02-good"
	for l in 01-bad 02-good; do
		printf 'title=%s\nminutes=1\nneeds=root\nvm=0\n' "$l" >"$SCRATCH/labs/$l/meta"
	done
	printf '#!/bin/sh\necho "mode $1"\nexit 1\n' >"$SCRATCH/labs/01-bad/lab"
	printf '#!/bin/sh\necho "mode $1"\nexit 0\n' >"$SCRATCH/labs/02-good/lab"
	chmod +x "$SCRATCH"/labs/*/lab
	export CTK_LABS_DIR=$SCRATCH/labs
	run --separate-stderr "$LABS" run 1 --ci
	[ "$status" -eq 1 ]
	[ "$output" = "mode --ci" ]
	[ ! -e "$STATE" ]
	# --student is the default; a pass there is recorded.
	run --separate-stderr "$LABS" run 2
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "mode --student" ]
	[ "$(cat "$STATE")" = "02-good $(date +%F)" ]
	# --instructor is a demo, not a pass.
	"$LABS" reset
	run --separate-stderr "$LABS" run 02-good --instructor
	[ "$status" -eq 0 ]
	[ "$output" = "mode --instructor" ]
	[ ! -e "$STATE" ]
	run "$LABS" progress
	[ "${lines[0]}" = "0 of 2 labs passed" ]
}

@test "labs command: progress counts and lists the passed labs; reset forgets" {
	mkdir -p "$XDG_STATE_HOME/ctk"
	printf '01-chroot 2024-01-02\n03-mount 2024-02-03\n' >"$STATE"
	run --separate-stderr "$LABS" progress
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 3 ]
	[ "${lines[0]}" = "2 of 24 labs passed" ]
	[ "${lines[1]}" = "  01-chroot  2024-01-02  $(meta 01-chroot title)" ]
	[ "${lines[2]}" = "  03-mount  2024-02-03  $(meta 03-mount title)" ]
	# Forget one, by number.
	run --separate-stderr "$LABS" reset 1
	[ "$status" -eq 0 ]
	[ "$output" = "labs: 01-chroot forgotten" ]
	[ "$(cat "$STATE")" = "03-mount 2024-02-03" ]
	run "$LABS" progress
	[ "${lines[0]}" = "1 of 24 labs passed" ]
	run --separate-stderr "$LABS" reset 01-chroot
	[ "$status" -eq 0 ]
	[ "$output" = "labs: 01-chroot was not passed" ]
	# Forget all.
	run --separate-stderr "$LABS" reset
	[ "$status" -eq 0 ]
	[ ! -e "$STATE" ]
	run "$LABS" progress
	[ "$output" = "0 of 24 labs passed" ]
	[ "$(ls -A "$XDG_STATE_HOME/ctk")" = "" ]
}

@test "labs command: without XDG_STATE_HOME, progress goes to ~/.local/state" {
	mkdir -p "$SCRATCH/labs/01-good"
	printf 'title=good\nminutes=1\nneeds=root\nvm=0\n' >"$SCRATCH/labs/01-good/meta"
	printf '#!/bin/sh\nexit 0\n' >"$SCRATCH/labs/01-good/lab"
	chmod +x "$SCRATCH/labs/01-good/lab"
	run env -u XDG_STATE_HOME CTK_LABS_DIR="$SCRATCH/labs" "$LABS" run 1 --ci
	[ "$status" -eq 0 ]
	[ "$(cat "$HOME/.local/state/ctk/labs-passed")" = "01-good $(date +%F)" ]
	# A relative XDG_STATE_HOME is ignored, as the XDG spec says.
	run env XDG_STATE_HOME=rel CTK_LABS_DIR="$SCRATCH/labs" "$LABS" progress
	[ "${lines[0]}" = "1 of 1 labs passed" ]
	[ ! -e "$XDG_STATE_HOME/ctk" ]
	[ ! -e rel ]
}

@test "labs command: an unknown lab is one line and exit 2" {
	for args in "run nope" "run 99" "run 1-chroot" "check nope" "reset 99"; do
		# shellcheck disable=SC2086 # split into command and lab
		run --separate-stderr "$LABS" $args
		[ "$status" -eq 2 ]
		[ -z "$output" ]
		[ "${#stderr_lines[@]}" -eq 2 ]
		[ "${stderr_lines[0]}" = "labs: no such lab: '${args#* }'" ]
		[ "${stderr_lines[1]}" = "Try 'labs --help' for more information." ]
	done
	[ ! -e "$STATE" ]
}

@test "labs command: a bad option or command is one line and exit 2" {
	run --separate-stderr "$LABS" --bogus
	[ "$status" -eq 2 ]
	[ "${#stderr_lines[@]}" -eq 2 ]
	[ "${stderr_lines[0]}" = "labs: unrecognized option '--bogus'" ]
	[ "${stderr_lines[1]}" = "Try 'labs --help' for more information." ]
	run --separate-stderr "$LABS" list --bogus
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "labs: list: unrecognized option '--bogus'" ]
	[ "${stderr_lines[1]}" = "Try 'labs --help' for more information." ]
	# A bad mode stops before the lab runs: nothing recorded.
	run --separate-stderr "$LABS" run 1 --bogus
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	[ "${stderr_lines[0]}" = "labs: run: unrecognized option '--bogus'" ]
	run --separate-stderr "$LABS" frobnicate
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "labs: unknown command 'frobnicate'" ]
	run --separate-stderr "$LABS"
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "labs: no command given" ]
	[ ! -e "$STATE" ]
}

@test "labs command: check runs the lab's checker and passes its status through" {
	ROOT=$(copy_rootfs)
	run --separate-stderr "$LABS" check 01-chroot
	[ "$status" -eq 2 ]
	[ "$stderr" = "usage: check jailed|escaped PID ROOT" ]
	fixture 9301
	run --separate-stderr "$LABS" check 1 jailed "$FIXTURE" "$ROOT"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "process $FIXTURE has the host's / as its root" ]
	[[ "${lines[1]}" == "hint: give chroot-demo the lab root"* ]]
	# Control: a chroot'ed process passes.
	fixture 9302 chroot-demo -q "$ROOT"
	run --separate-stderr "$LABS" check 01 jailed "$FIXTURE" "$ROOT"
	[ "$status" -eq 0 ]
	[[ "$output" == "process $FIXTURE is rooted at $ROOT;"* ]]
	# A checker's pass is not the lab's.
	[ ! -e "$STATE" ]
}

@test "labs command: doctor runs labs/doctor" {
	run --separate-stderr "$LABS" doctor --lab 01-chroot
	[ "$status" -eq 0 ]
	[ "$output" = "$("$TOP/labs/doctor" --lab 01-chroot)" ]
	run --separate-stderr "$LABS" doctor --lab nope
	[ "$status" -eq 2 ]
	[ "$stderr" = "doctor: no such lab: nope (see labs/README.md)" ]
}

@test "labs command: --help goes to stdout with exit 0 and names every command" {
	run --separate-stderr "$LABS" --help
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "${lines[0]}" = "Usage:" ]
	[[ "${lines[1]}" == " labs "* ]]
	for c in "list [--json]" "run LAB" "check LAB" progress "reset [LAB]" doctor \
		--student --instructor --ci -h --help -V --version; do
		[[ "$output" == *" $c"* ]]
	done
	run -0 "$LABS" -h
	[[ "${lines[1]}" == " labs "* ]]
}

@test "labs command: -V prints the toolkit version" {
	version=$(sed -n 's/^#define CTK_VERSION[[:space:]]*"\(.*\)"/\1/p' \
		"$TOP/lib/cli.h")
	run --separate-stderr "$LABS" -V
	[ "$status" -eq 0 ]
	[ "$output" = "labs from ctk $version" ]
	run --separate-stderr "$LABS" --version
	[ "$output" = "labs from ctk $version" ]
	# The same as a C tool's.
	[ "$(chroot-demo -V)" = "chroot-demo from ctk $version" ]
}
