#!/usr/bin/env bats
# Bad input across every binary (bad-input.table): each malformed command
# line gives one line naming the problem (a usage error may add the
# pointer to --help), nothing on stdout, the documented exit status, and
# leaves nothing behind: counts before and after the whole table.

load helpers

TABLE=$BATS_TEST_DIRNAME/bad-input.table

setup() { common_setup; }
teardown() { common_teardown; }

# Everything a bad command line could leave: the hostname, mounts, links,
# network namespaces, the toolkit's cgroups, container and OCI state, temp
# directories (not the vm tier's ctk-vm*, running beside), nftables
# tables, the default image store.
leftovers() {
	hostname
	mount_table | md5sum
	ip -o link | wc -l
	find /run/netns -mindepth 1 2>/dev/null | wc -l
	# Every group in or under one of the toolkit's (minicontainer's
	# are ctk/mc-ID).
	find /sys/fs/cgroup -type d -path '*ctk*' 2>/dev/null | wc -l
	find /run/minicontainer /run/minicontainer-oci -mindepth 1 -maxdepth 1 2>/dev/null | wc -l
	find /tmp -maxdepth 1 -name 'ctk-*' ! -name 'ctk-vm*' | wc -l
	nft list tables 2>/dev/null | grep -c ctk || true
	[ -e /var/lib/minicontainer ] && echo store || echo no store
}

# check_row STATUS WANT CMD: run CMD from the top of the tree; print what
# is wrong, if anything, and fail.
check_row() {
	local want_status=$1 want=$2 cmd=$3 prog first output status=0 re
	local stderr_lines=()
	output=$(eval "$cmd" 2>"$SCRATCH/stderr" </dev/null) || status=$?
	mapfile -t stderr_lines <"$SCRATCH/stderr"
	first=${stderr_lines[0]:-}
	if [ "$status" -ne "$want_status" ]; then
		echo "status $status, not $want_status: $cmd"
		return 1
	fi
	if [ -n "$output" ]; then
		echo "stdout not empty ($output): $cmd"
		return 1
	fi
	if [[ "$want" == *... ]]; then
		[[ "$first" == "${want%...}"* ]] || {
			echo "first line '$first', not '$want': $cmd"
			return 1
		}
	elif [ "$first" != "$want" ]; then
		echo "first line '$first', not '$want': $cmd"
		return 1
	fi
	prog=${first%%:*}
	case "${#stderr_lines[@]}" in
	1) ;;
	2)
		# "Try 'PROG --help'", or 'PROG COMMAND --help'.
		re="^Try '$prog( [a-z]+)? --help' for more information\\.$"
		[[ "${stderr_lines[1]}" =~ $re ]] || {
			echo "second line '${stderr_lines[1]}': $cmd"
			return 1
		}
		;;
	*)
		echo "${#stderr_lines[@]} lines on stderr: $cmd"
		printf '  | %s\n' "${stderr_lines[@]}"
		return 1
		;;
	esac
}

@test "bad input: every row of the table, one clear line and its exit status, nothing left behind" {
	cd "$TOP"
	export PATH="$BIN:$PATH"
	before=$(leftovers)
	rows=0 failed=0
	while IFS=$'\t' read -r want_status want cmd; do
		case "$want_status" in '' | '#'*) continue ;; esac
		want=${want//@ROOTFS@/$ROOTFS}
		cmd=${cmd//@ROOTFS@/$ROOTFS}
		want=${want//@SCRATCH@/$SCRATCH}
		cmd=${cmd//@SCRATCH@/$SCRATCH}
		rows=$((rows + 1))
		check_row "$want_status" "$want" "$cmd" || failed=$((failed + 1))
	done <"$TABLE"
	echo "$rows rows, $failed failed"
	[ "$failed" -eq 0 ]
	[ "$rows" -ge 60 ]
	# Nothing made by any of them: the store and OCI root they were
	# pointed at included.
	after=$(leftovers)
	diff <(echo "$before") <(echo "$after")
	[ ! -e "$SCRATCH/store" ] && [ ! -e "$SCRATCH/oci" ]
}

@test "bad input: control: the checker catches a wrong status, a second line and stdout" {
	run check_row 1 "x: boom" "echo 'x: boom' >&2; exit 2"
	[ "$status" -eq 1 ] && [[ "$output" == "status 2, not 1"* ]]
	run check_row 1 "x: boom" "printf 'x: boom\nmore\n' >&2; exit 1"
	[ "$status" -eq 1 ] && [[ "$output" == "second line 'more'"* ]]
	run check_row 1 "x: boom" "echo out; echo 'x: boom' >&2; exit 1"
	[ "$status" -eq 1 ] && [[ "$output" == "stdout not empty (out)"* ]]
	run check_row 1 "x: bo..." "echo 'x: boom' >&2; exit 1"
	[ "$status" -eq 0 ]
}
