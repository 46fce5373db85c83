# lab.sh - the framework every lab script sources.
# shellcheck shell=bash
#
# A lab script defines its exercises with lab_exercise and calls lab_main.
# Modes:
#   --instructor  paced for a lecture hall: each command is typed out
#                 visibly and runs when Enter is pressed
#   --student     each exercise is described; the student does it in a
#                 shell the lab opens, the checker grades it, and hints
#                 come one at a time on request
#   --ci          non-interactive: runs the solution path and the checker
# Exit status: 0 when every checker passed, 1 otherwise, 2 usage.

LAB_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# In the source tree the tools are in build/; installed (PREFIX/share/ctk/
# labs), they are on PATH and the rootfs sits beside the labs.
if [ -d "$LAB_TOP/build/bin" ]; then
	export PATH="$LAB_TOP/build/bin:$PATH"
	LAB_ROOTFS_SRC=${CTK_ROOTFS:-$LAB_TOP/build/rootfs}
else
	LAB_ROOTFS_SRC=${CTK_ROOTFS:-$LAB_TOP/rootfs}
fi

LAB_MODE=
LAB_PIDS=()
LAB_CLEANUP=()
LAB_FAILED=0

# Text styles, off when stdout is not a terminal or NO_COLOR is set.
if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then
	LAB_B=$'\e[1m' LAB_G=$'\e[32m' LAB_R=$'\e[31m' LAB_D=$'\e[2m' LAB_N=$'\e[0m'
else
	LAB_B='' LAB_G='' LAB_R='' LAB_D='' LAB_N=''
fi

lab_say() { printf '%s\n' "$*"; }
lab_title() { printf '\n%s== %s ==%s\n' "$LAB_B" "$*" "$LAB_N"; }
lab_para() { printf '%s\n' "$*" | fold -s -w 78; }
lab_ok() { printf '%sPASS%s %s\n' "$LAB_G" "$LAB_N" "$*"; }
lab_bad() { printf '%sFAIL%s %s\n' "$LAB_R" "$LAB_N" "$*"; }

# Remove everything the lab made, last made first: processes, then the
# registered cleanup commands.
lab_cleanup() {
	local i pid
	# A second ^C must not cut the cleanup short.
	trap '' INT TERM
	# Only jobs still running: a reaped PID may belong to someone else.
	for pid in $(jobs -p); do
		[[ " ${LAB_PIDS[*]} " == *" $pid "* ]] || continue
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	for ((i = ${#LAB_CLEANUP[@]} - 1; i >= 0; i--)); do
		eval "${LAB_CLEANUP[i]}" || true
	done
}
lab_on_exit() { LAB_CLEANUP+=("$1"); }

# A private copy of the toolkit's rootfs in a temp dir, removed at exit;
# its path is left in ROOT (not printed: a $(...) subshell would lose the
# cleanup).
lab_make_root() {
	local dir
	dir=$(mktemp -d /tmp/ctk-lab.XXXXXX)
	lab_on_exit "rm -rf '$dir'"
	chmod 0755 "$dir"
	cp -a "$LAB_ROOTFS_SRC" "$dir/root"
	ROOT=$dir/root
	export ROOT
}

# The PID of the newest process whose command line is exactly "$@"
# (argv[0] compared by basename), or nothing.  One pgrep(1), not a read
# of every /proc/PID/cmdline: that matters in an emulated guest.
lab_find_pid() {
	local re arg pids
	re="(.*/)?$(lab_regex "$(basename "$1")")"
	for arg in "${@:2}"; do
		re+=" $(lab_regex "$arg")"
	done
	# The newest: a student's retry, not a wrong first try left running.
	pids=$(pgrep -n -f -x -- "$re") || return 1
	echo "$pids"
}

# An extended regular expression matching the string literally.
lab_regex() {
	printf '%s' "$1" | sed 's/[][\.*^$?+(){}|/]/\\&/g'
}

# Wait up to 5 s for a process with that command line to exist.
lab_wait_pid() {
	local i
	for ((i = 0; i < 50; i++)); do
		lab_find_pid "$@" && return 0
		sleep 0.1
	done
	return 1
}

# Start a command in the background, to be killed at cleanup.
lab_background() {
	"$@" </dev/null >/dev/null 2>&1 &
	LAB_PIDS+=("$!")
}

# Show a command as typed, then run it (in instructor mode, on Enter).
lab_run() {
	local line
	line=$(printf '%q ' "$@")
	if [ "$LAB_MODE" = instructor ]; then
		printf '%s# ' "$LAB_B"
		local i
		for ((i = 0; i < ${#line}; i++)); do
			printf '%s' "${line:i:1}"
			sleep 0.02
		done
		printf '%s' "$LAB_N"
		read -r _ </dev/tty || true
	else
		printf '%s# %s%s\n' "$LAB_B" "$line" "$LAB_N"
	fi
	# stderr joins stdout, so errors appear where they happen.
	"$@" 2>&1 || printf '%s(exit status %d)%s\n' "$LAB_D" "$?" "$LAB_N"
}

# As lab_run, but the command keeps running in the background (killed at
# cleanup); its output is dropped so the transcript stays readable.
lab_run_bg() {
	local line
	line="$(printf '%q ' "$@")&"
	if [ "$LAB_MODE" = instructor ]; then
		printf '%s# %s%s' "$LAB_B" "$line" "$LAB_N"
		read -r _ </dev/tty || true
	else
		printf '%s# %s%s\n' "$LAB_B" "$line" "$LAB_N"
	fi
	lab_background "$@"
}

# At exit, kill the process with exactly this command line (the one an
# exercise asked the student to leave running).
lab_kill_cmdline() {
	local pid i
	for ((i = 0; i < 20; i++)); do
		pid=$(lab_find_pid "$@") || return 0
		kill -KILL "$pid" 2>/dev/null || true
		sleep 0.05
	done
}
lab_kill_at_exit() { lab_on_exit "lab_kill_cmdline $(printf '%q ' "$@")"; }

# Run a checker: "PASS ..." or "FAIL ..." plus its hint; returns its status.
lab_check() {
	local out status=0
	out=$("$@" 2>&1) || status=$?
	if [ "$status" -eq 0 ]; then
		lab_ok "$out"
	else
		lab_bad "$out"
	fi
	return "$status"
}

# lab_exercise NAME: the lab script defines, for each exercise NAME,
#   NAME_task      prints what to do (student mode)
#   NAME_solve     does it (ci and instructor modes)
#   NAME_check     the checker; exit 0 pass, 1 fail with a hint on stdout
#   NAME_hints     an array of hints, vaguest first, the solution last
LAB_EXERCISES=()
lab_exercise() { LAB_EXERCISES+=("$1"); }

lab_student_exercise() {
	local ex=$1 n=0 ans
	local -n hints="${ex}_hints"
	"${ex}_task"
	while :; do
		lab_say ""
		lab_say "Do it in the shell below; type 'exit' there to have it checked."
		PS1="(lab $LAB_NAME) \\w# " bash --norc -i </dev/tty || true
		if lab_check "${ex}_check"; then
			return 0
		fi
		while :; do
			printf '[Enter] try again, [h] hint, [s] show the solution, [q] quit: '
			read -r ans </dev/tty || return 1
			case "$ans" in
			h)
				if [ "$n" -lt $((${#hints[@]} - 1)) ]; then
					lab_say "hint $((n + 1)): ${hints[n]}"
					n=$((n + 1))
				else
					lab_say "no more hints; [s] shows the solution"
				fi
				;;
			s) lab_say "solution: ${hints[-1]}" ;;
			q) return 1 ;;
			*) break ;;
			esac
		done
	done
}

lab_usage() {
	cat <<EOT
Usage: $(basename "$0") --instructor | --student | --ci

 --instructor  paced demo: each command is typed out and runs on Enter
 --student     exercises with a shell, a checker and hints on request
 --ci          non-interactive: run the solution path and the checkers
EOT
}

# Parse the mode, run the doctor for this lab, then the exercises.
lab_main() {
	case "${1:-}" in
	--instructor) LAB_MODE=instructor ;;
	--student) LAB_MODE=student ;;
	--ci) LAB_MODE=ci ;;
	-h | --help)
		lab_usage
		return 0
		;;
	*)
		echo "$(basename "$0"): choose a mode" >&2
		echo "Try '$(basename "$0") --help' for more information." >&2
		return 2
		;;
	esac
	trap lab_cleanup EXIT
	trap 'exit 130' INT TERM
	# The student's shell may use the lab's own tools by this path.
	export LAB_DIR

	"$LAB_TOP/labs/doctor" --lab "$LAB_NAME" || {
		echo "$LAB_NAME: this host cannot run this lab (see above)" >&2
		return 1
	}
	lab_intro
	local ex
	for ex in "${LAB_EXERCISES[@]}"; do
		case "$LAB_MODE" in
		student)
			lab_student_exercise "$ex" || LAB_FAILED=1
			;;
		*)
			"${ex}_task"
			"${ex}_solve"
			lab_check "${ex}_check" || LAB_FAILED=1
			;;
		esac
	done
	lab_title "Result"
	if [ "$LAB_FAILED" -eq 0 ]; then
		lab_ok "$LAB_NAME: every check passed"
	else
		lab_bad "$LAB_NAME: some checks failed"
	fi
	return "$LAB_FAILED"
}
