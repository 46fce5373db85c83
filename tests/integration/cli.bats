#!/usr/bin/env bats
# Every binary: --help, --version, usage errors, and the man page agree.

load helpers

setup() { common_setup; }
teardown() { common_teardown; }

TOOLS="chroot-demo pivot ns-unshare ns-enter ns-inspect timens cgroup-limit cg-workload netns-veth"

man_page() {
	find "$TOP" -path "$TOP/build" -prune -o -name "$1.8" -print | head -1
}

@test "cli: --help goes to stdout with exit 0 and names the tool" {
	for t in $TOOLS; do
		run --separate-stderr "$t" --help
		[ "$status" -eq 0 ]
		[[ "${lines[1]}" == " $t "* ]]
		[ -z "$stderr" ]
	done
}

@test "cli: -V prints the toolkit version" {
	version=$(sed -n 's/^#define CTK_VERSION[[:space:]]*"\(.*\)"/\1/p' \
		"$TOP/lib/cli.h")
	for t in $TOOLS; do
		run "$t" -V
		[ "$status" -eq 0 ]
		[ "$output" = "$t from ctk $version" ]
	done
}

@test "cli: every option in --help is in the man page, and back" {
	for t in $TOOLS; do
		page=$(man_page "$t")
		[ -f "$page" ]
		diff <(help_options "$t") <(man_options "$t" "$page")
	done
}

@test "cli: the man pages render without warnings" {
	for t in $TOOLS; do
		run bash -c "MANWIDTH=80 man --warnings -l '$(man_page "$t")' 2>&1 >/dev/null"
		[ "$status" -eq 0 ]
		[ -z "$output" ]
	done
}

@test "cli: options stop at the command (getopt '+')" {
	run --separate-stderr chroot-demo -q "$ROOTFS" echo -v --help
	[ "$output" = "-v --help" ]
	run --separate-stderr pivot -q "$ROOTFS" echo -p --bogus
	[ "$output" = "-p --bogus" ]
	run --separate-stderr ns-unshare -q -u echo -u --bogus
	[ "$output" = "-u --bogus" ]
}

@test "cli: a missing option argument is a usage error" {
	run --separate-stderr pivot --propagation
	[ "$status" -eq 2 ]
	[[ "${stderr_lines[0]}" == *"option '--propagation' requires an argument"* ]]
	[ "${stderr_lines[1]}" = "Try 'pivot --help' for more information." ]
}
