#!/usr/bin/env bash
# run.sh - run the libFuzzer targets built by mk/fuzz.mk.
#
#   fuzz/run.sh replay TARGET...   every seed (fuzz/corpus/TARGET) and
#                                  every past crash (fuzz/regress/TARGET)
#                                  once
#   fuzz/run.sh run TARGET...      replay, then fuzz each target for
#                                  FUZZ_SECONDS on a copy of its corpus
#                                  (the repo's corpus never grows) and
#                                  print its executions
#
# A crash, leak or broken invariant fails the run; its input is kept in
# FUZZ_DIR/artifacts/TARGET-crash-... and the log in FUZZ_DIR/logs.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
dir=${FUZZ_DIR:-build/fuzz}
seconds=${FUZZ_SECONDS:-60}
mode=${1:?usage: run.sh replay|run TARGET...}
shift
mkdir -p "$dir/artifacts" "$dir/logs" "$dir/tmp"
export FUZZ_TMP="$dir/tmp"

failed=0
summary=()

# The seeds and the regressions of one target, once each.
replay() {
	local t=$1 bin=$dir/fuzz_$1 dirs=() log=$dir/logs/$1-replay.log n

	[ -d "$here/corpus/$t" ] && dirs+=("$here/corpus/$t")
	[ -d "$here/regress/$t" ] && dirs+=("$here/regress/$t")
	if "$bin" -runs=0 -artifact_prefix="$dir/artifacts/$t-" \
		"${dirs[@]}" >"$log" 2>&1; then
		n=$(find "${dirs[@]}" -type f | wc -l)
		echo "fuzz_$t: replayed $n inputs (seeds and regressions): ok"
		return 0
	fi
	echo "fuzz_$t: FAILED replaying its seeds or regressions:" >&2
	grep -E 'ERROR|SUMMARY|invariant|runtime error|Test unit' "$log" \
		>&2 || tail -n 20 "$log" >&2
	return 1
}

# FUZZ_SECONDS of fuzzing on a scratch copy of the corpus.
fuzz() {
	local t=$1 bin=$dir/fuzz_$1 work=$dir/corpus/$1 log=$dir/logs/$1.log
	local execs rc=0

	rm -rf "$work"
	mkdir -p "$work"
	[ -d "$here/corpus/$t" ] && cp "$here/corpus/$t"/. "$work"/ -R
	"$bin" -max_total_time="$seconds" -print_final_stats=1 \
		-artifact_prefix="$dir/artifacts/$t-" \
		"$work" >"$log" 2>&1 || rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" |
		tail -n 1)
	if [ "$rc" -ne 0 ]; then
		echo "fuzz_$t: CRASH after ${execs:-?} executions (log:" \
			"$log):" >&2
		grep -E 'ERROR|SUMMARY|invariant|runtime error|Test unit' \
			"$log" >&2 || tail -n 20 "$log" >&2
		return 1
	fi
	echo "fuzz_$t: ${execs:-?} executions in ${seconds}s, corpus" \
		"$(find "$work" -type f | wc -l) inputs: no crash"
	summary+=("fuzz_$t ${execs:-?}")
}

for t in "$@"; do
	if ! replay "$t"; then
		failed=$((failed + 1))
		continue
	fi
	if [ "$mode" = run ] && ! fuzz "$t"; then
		failed=$((failed + 1))
	fi
done
if [ "$mode" = run ]; then
	echo "executions: ${summary[*]:-none}"
fi
if [ "$failed" -ne 0 ]; then
	echo "fuzz: $failed of $# targets failed" >&2
	exit 1
fi
