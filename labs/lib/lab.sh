# lab.sh - the framework every lab script sources.
# shellcheck shell=bash
#
# A lab script defines its exercises with lab_exercise and calls lab_main.
# Modes:
#   --instructor  paced for a lecture hall: narration, then each command
#                 typed out visibly; it runs when Enter is pressed ([q]
#                 quits); every line fits in 100 columns.  With --split
#                 (or CTK_LAB_SPLIT=1) and tmux, the host's view of the
#                 lab's processes refreshes in a pane beside the lab.
#                 CTK_LAB_PACE scales the pace (0: no delays).
#   --student     each exercise is described; the student does it in a
#                 shell the lab opens, the checker grades it, and hints
#                 come one at a time on request
#   --ci          non-interactive: runs the solution path and the checker
# Exit status: 0 when every checker passed, 1 otherwise, 2 usage.

LAB_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# In the source tree the tools are in build/; installed (PREFIX/share/ctk/
# labs), they are on PATH and the rootfs sits beside the labs.
if [ -d "$LAB_TOP/build/bin" ]; then
	export PATH="$LAB_TOP/${CTK_BUILD:-build}/bin:$PATH"
	LAB_ROOTFS_SRC=${CTK_ROOTFS:-$LAB_TOP/build/rootfs}
else
	LAB_ROOTFS_SRC=${CTK_ROOTFS:-$LAB_TOP/rootfs}
fi

LAB_MODE=
LAB_PIDS=()
LAB_CLEANUP=()
LAB_FAILED=0
# Instructor mode: the widest line a lab prints, the pace (seconds per
# typed character, per line of narration), and the split view's state.
LAB_COLS=100
LAB_TYPE_DELAY=0.02
LAB_LINE_DELAY=0.25
LAB_SPLIT=${CTK_LAB_SPLIT:-0}
LAB_NEXT=
LAB_VIEW_DIR=
LAB_VIEW_PANE=
LAB_VIEW_BORDER=
LAB_SLEEP_FD=

# Text styles, off when stdout is not a terminal or NO_COLOR is set.
if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then
	LAB_B=$'\e[1m' LAB_G=$'\e[32m' LAB_R=$'\e[31m' LAB_D=$'\e[2m' LAB_N=$'\e[0m'
else
	LAB_B='' LAB_G='' LAB_R='' LAB_D='' LAB_N=''
fi

lab_instructor() { [ "$LAB_MODE" = instructor ]; }

# Sleep without a fork: wait for a line that never comes on a pipe this
# shell holds both ends of.
lab_sleep() {
	if [ -n "$LAB_SLEEP_FD" ]; then
		read -r -t "$1" -u "$LAB_SLEEP_FD" _ || true
	else
		sleep "$1"
	fi
}
# Pace a line of narration (instructor mode).
lab_pace() { ! lab_instructor || lab_sleep "$LAB_LINE_DELAY"; }

# Copy stdin to stdout with every line cut to LAB_COLS columns, at a
# space where there is one; continuation lines are indented by $1 spaces.
lab_fold() {
	local indent pad line head cut
	indent=${1:-4}
	printf -v pad '%*s' "$indent" ''
	while IFS= read -r line || [ -n "$line" ]; do
		while [ "${#line}" -gt "$LAB_COLS" ]; do
			head=${line:0:LAB_COLS}
			cut=${head% *}
			# No space (or only in the indent): cut mid-word.
			if [ "$cut" = "$head" ] || [ "${#cut}" -le "$indent" ]; then
				cut=$head
				line=${line:LAB_COLS}
			else
				line=${line:${#cut}+1}
			fi
			printf '%s\n' "$cut"
			line=$pad$line
		done
		printf '%s\n' "$line"
	done
}

lab_say() {
	if lab_instructor; then
		printf '%s\n' "$*" | lab_fold 4
	else
		printf '%s\n' "$*"
	fi
}
lab_title() {
	# Between exercises the instructor moves on when ready.
	if [ -n "$LAB_NEXT" ] && lab_instructor; then
		LAB_NEXT=
		lab_pause "[Enter] next: $*"
	fi
	printf '\n%s== %s ==%s\n' "$LAB_B" "$*" "$LAB_N"
	lab_pace
}
lab_para() {
	local line
	if ! lab_instructor; then
		printf '%s\n' "$*" | fold -s -w 78
		return 0
	fi
	printf '%s\n' "$*" | fold -s -w 78 | while IFS= read -r line; do
		printf '%s\n' "$line"
		lab_pace
	done
}
# PASS or FAIL, then the message (each of its lines folded in instructor
# mode, under the message).
lab_result() {
	local word=$1 color=$2 text
	shift 2
	text="$word $*"
	lab_instructor && text=$(printf '%s\n' "$text" | lab_fold 5)
	printf '%s%s%s%s\n' "$color" "$word" "$LAB_N" "${text#"$word"}"
}
lab_ok() { lab_result PASS "$LAB_G" "$@"; }
lab_bad() { lab_result FAIL "$LAB_R" "$@"; }

# Instructor mode: show a dim prompt and wait for Enter on the terminal;
# [q] quits (status 130, after the cleanup).  The prompt is erased once
# answered, so the transcript reads on.  Without a terminal: no pause.
lab_pause() {
	local ans=
	printf '%s%s%s ' "$LAB_D" "$1" "$LAB_N"
	if ! read -r ans </dev/tty 2>/dev/null; then
		printf '\n'
	elif [ -t 1 ]; then
		printf '\e[1A\r\e[2K'
	else
		printf '\n'
	fi
	case "$ans" in
	q | Q)
		lab_say "quit: the lab stops here and cleans up"
		exit 130
		;;
	esac
}

# Print a command as typed at a "# " prompt, cut into lines of at most
# LAB_COLS columns with a " \" continuation; the words are given already
# quoted.  In instructor mode each character is typed out, then the
# command waits for Enter.  A command ends in a blank (as lab_run always
# showed it) unless the first argument is --trim.
lab_show_words() {
	local out='' line='# ' word i trim=
	if [ "${1:-}" = --trim ]; then
		trim=1
		shift
	fi
	for word in "$@"; do
		if [ "$line" != '# ' ] && [ "$line" != '    ' ] &&
			[ $((${#line} + ${#word} + 2)) -gt "$LAB_COLS" ]; then
			out+="$line\\"$'\n'
			line='    '
		fi
		line+="$word "
	done
	out+=$line
	# "cmd &", as before; other commands keep their trailing blank.
	[ -z "$trim" ] && [ "$word" != '&' ] || out=${out% }
	if lab_instructor; then
		printf '%s' "$LAB_B"
		for ((i = 0; i < ${#out}; i++)); do
			printf '%s' "${out:i:1}"
			lab_sleep "$LAB_TYPE_DELAY"
		done
		printf '%s\n' "$LAB_N"
		LAB_NEXT=
		lab_pause "[Enter] run  [q] quit"
	else
		printf '%s%s%s\n' "$LAB_B" "$out" "$LAB_N"
	fi
}

# The words of a line of shell, split at blanks outside quotes (for
# lab_show_line); a backslash escapes the next character.
lab_shell_words() {
	local line=$1 word='' q='' c i
	LAB_WORDS=()
	for ((i = 0; i < ${#line}; i++)); do
		c=${line:i:1}
		if [ -z "$q" ] && [[ "$c" == [[:blank:]] ]]; then
			[ -z "$word" ] || LAB_WORDS+=("$word")
			word=
			continue
		fi
		word+=$c
		if [ "$c" = "\\" ] && [ "$q" != "'" ]; then
			i=$((i + 1))
			word+=${line:i:1}
		elif [ "$c" = "'" ] || [ "$c" = '"' ]; then
			if [ -z "$q" ]; then
				q=$c
			elif [ "$q" = "$c" ]; then
				q=
			fi
		fi
	done
	[ -z "$word" ] || LAB_WORDS+=("$word")
}

# Show a line of shell as typed (wrapped between words, never inside
# quotes), as lab_run shows a command.
lab_show_line() {
	lab_shell_words "$1"
	lab_show_words --trim "${LAB_WORDS[@]}"
}

# Run "$@" in this shell (so a function's variables and cd last), its
# stderr joined to stdout; in instructor mode its lines are folded to
# LAB_COLS.  A failure is shown, not fatal.
# Wait for a lab_fold process to print its last line: up to 2 s, as a
# daemon the command started may hold its output open.
lab_wait_fold() {
	local i
	for ((i = 0; i < 100; i++)); do
		kill -0 "$1" 2>/dev/null || return 0
		lab_sleep 0.02
	done
}

# (Odd local names: an eval'd line must not see them as its own.)
lab_exec() {
	local _lab_st=0 _lab_fd _lab_fp
	if lab_instructor; then
		exec {_lab_fd}> >(lab_fold 4)
		_lab_fp=$!
		"$@" >&"$_lab_fd" 2>&1 || _lab_st=$?
		exec {_lab_fd}>&-
		lab_wait_fold "$_lab_fp"
	else
		"$@" 2>&1 || _lab_st=$?
	fi
	[ "$_lab_st" -eq 0 ] ||
		printf '%s(exit status %d)%s\n' "$LAB_D" "$_lab_st" "$LAB_N"
}

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
	LAB_CLEANUP=()
	LAB_PIDS=()
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

# The words of a command, quoted as a shell would need them.
lab_quote() {
	local w q
	LAB_WORDS=()
	# printf -v, not $(...): bash 5.2 loses a signal trap that runs while
	# it parses a command substitution ("unexpected EOF while looking for
	# matching `)'"), and the lab would go on after ^C; this loop runs
	# for every word of every command shown.
	for w in "$@"; do
		printf -v q '%q' "$w"
		LAB_WORDS+=("$q")
	done
}

# Show a command as typed, then run it (in instructor mode, on Enter).
lab_run() {
	lab_quote "$@"
	lab_show_words "${LAB_WORDS[@]}"
	# stderr joins stdout, so errors appear where they happen.
	lab_exec "$@"
}

# As lab_run, for a line of shell (pipes, redirections, variables): shown
# as typed, then run with eval in this shell.
lab_run_sh() {
	lab_show_line "$1"
	lab_exec eval "$1"
}

# As lab_run, but the command keeps running in the background (killed at
# cleanup); its output is dropped so the transcript stays readable.
lab_run_bg() {
	lab_quote "$@"
	lab_show_words "${LAB_WORDS[@]}" "&"
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

# ---- The split view (instructor mode, --split): the lab on the left,
# the host's view of the lab's processes on the right, in tmux.

# Also show PID (and its children) in the host's view: for a process the
# lab started that is not its child (a daemon, a container's shim).
lab_show_pid() {
	[ -z "$LAB_VIEW_DIR" ] || echo "$1" >>"$LAB_VIEW_DIR/pids"
}

# Outside tmux: run this lab again, split, in a tmux session of its own
# (a private server), attach to it, and return the lab's exit status
# once the session is over.  Detaching stops the lab.
lab_split_session() {
	local self=$1 size status
	shift
	LAB_SOCK=ctk-lab-$$
	LAB_SESSION_DIR=$(mktemp -d /tmp/ctk-lab.XXXXXX)
	size=$(stty size </dev/tty 2>/dev/null) || size='50 200'
	LAB_SESSION_PID=$("$LAB_TMUX" -L "$LAB_SOCK" -f /dev/null new-session \
		-d -P -F '#{pane_pid}' -s ctk-lab -x "${size#* }" -y "${size% *}" \
		-c "$PWD" -e "CTK_LAB_STATUS=$LAB_SESSION_DIR/status" \
		"exec $(printf '%q ' "$self" "$@")")
	# A signal to this shell (its terminal closed) ends the session too.
	trap lab_split_end EXIT
	trap 'exit 130' INT TERM HUP
	# tmux leaves its socket behind: lab_split_end removes it.
	LAB_SOCK_PATH=$("$LAB_TMUX" -L "$LAB_SOCK" display-message -p \
		'#{socket_path}')
	"$LAB_TMUX" -L "$LAB_SOCK" set-option -g status off \; \
		set-option -g pane-border-status top \; \
		set-option -g pane-border-format ' #{pane_title} ' >/dev/null
	"$LAB_TMUX" -L "$LAB_SOCK" attach-session -t ctk-lab >/dev/null || true
	if [ ! -e "$LAB_SESSION_DIR/status" ]; then
		echo "$LAB_NAME: the split view was closed: the lab stopped" >&2
	fi
	status=$(cat "$LAB_SESSION_DIR/status" 2>/dev/null) || status=130
	lab_split_end
	trap - EXIT
	if [ "$status" -eq 0 ]; then
		lab_ok "$LAB_NAME: every check passed"
	elif [ "$status" -eq 1 ]; then
		lab_bad "$LAB_NAME: some checks failed"
	fi
	return "$status"
}

# End the lab's tmux session: its server (if still up: the lab gets a
# SIGHUP and cleans up, which is waited for), its socket, its state.
lab_split_end() {
	local i
	"$LAB_TMUX" -L "$LAB_SOCK" kill-server 2>/dev/null || true
	for ((i = 0; i < 100; i++)); do
		kill -0 "$LAB_SESSION_PID" 2>/dev/null || break
		sleep 0.1
	done
	rm -rf "$LAB_SESSION_DIR"
	[ -z "${LAB_SOCK_PATH:-}" ] || rm -f "$LAB_SOCK_PATH"
}

# Inside tmux: split this pane; the host's view runs in the new one.
# Beside the lab when there is room for 100 columns and a view of 40,
# below it otherwise.
lab_split_open() {
	local self=$1 pane w h lab_w opts
	pane=${TMUX_PANE:-$("$LAB_TMUX" display-message -p '#{pane_id}')}
	w=$("$LAB_TMUX" display-message -p -t "$pane" '#{pane_width}')
	h=$("$LAB_TMUX" display-message -p -t "$pane" '#{pane_height}')
	if [ "$w" -ge 141 ]; then
		lab_w=$(((w - 1) / 2))
		[ "$lab_w" -ge "$LAB_COLS" ] || lab_w=$LAB_COLS
		opts=(-h -l "$((w - 1 - lab_w))")
	else
		opts=(-v -l "$((h * 2 / 5))")
	fi
	LAB_VIEW_DIR=$(mktemp -d /tmp/ctk-lab.XXXXXX)
	: >"$LAB_VIEW_DIR/pids"
	LAB_VIEW_PANE=$("$LAB_TMUX" split-window "${opts[@]}" -d -P \
		-F '#{pane_id}' -t "$pane" -c "$PWD" \
		"exec $(printf '%q ' "$self" --host-view "$$" "$LAB_VIEW_DIR/pids")")
	# Titles on the panes' borders; a window option of its own, undone at
	# exit (only if the window had none before).
	LAB_VIEW_BORDER=$("$LAB_TMUX" show-options -w -q -v -t "$pane" \
		pane-border-status) || true
	"$LAB_TMUX" select-pane -t "$pane" -T "lab (container's view)" \; \
		select-pane -t "$LAB_VIEW_PANE" -T "host's view" \; \
		set-option -w -t "$pane" pane-border-status top \; \
		set-option -w -t "$pane" pane-border-format ' #{pane_title} ' \
		>/dev/null || true
}

# Close the host's view (at exit).
lab_split_close() {
	[ -n "$LAB_VIEW_PANE" ] || return 0
	"$LAB_TMUX" kill-pane -t "$LAB_VIEW_PANE" 2>/dev/null || true
	if [ -z "$LAB_VIEW_BORDER" ]; then
		"$LAB_TMUX" set-option -w -u -t "${TMUX_PANE:-}" pane-border-status \; \
			set-option -w -u -t "${TMUX_PANE:-}" pane-border-format \
			2>/dev/null || true
	fi
	rm -rf "$LAB_VIEW_DIR"
	LAB_VIEW_PANE=
}

# The host's view: from the kernel's state alone, what the host sees of
# the lab's processes (the lab shell $1's descendants, and the PIDs in
# file $2): PID, command, the namespaces not the host's (compared with
# PID 1's), root directory and cgroup.  Redrawn every second until the
# lab is gone.  A lab may define lab_host_view PID... to add lines.
lab_host_view_loop() {
	local lab=$1 extra=$2 size rows cols frame line n
	local -a lines
	exec {LAB_SLEEP_FD}<> <(:)
	printf '\e[?25l\e[H\e[2J'
	while kill -0 "$lab" 2>/dev/null; do
		size=$(stty size 2>/dev/null) || size='24 80'
		rows=${size% *} cols=${size#* }
		frame=$(lab_host_view_frame "$lab" "$extra" 2>/dev/null) || true
		mapfile -t lines <<<"$frame"
		printf '\e[H'
		n=0
		for line in "${lines[@]}"; do
			[ "$n" -lt "$rows" ] || break
			# Never the last column: no wrap, no scroll.
			printf '%s\e[K' "${line:0:cols-1}"
			n=$((n + 1))
			[ "$n" -ge "$rows" ] || printf '\n'
		done
		printf '\e[J'
		lab_sleep 1
	done
}

# One frame of the host's view, on stdout.
lab_host_view_frame() {
	local lab=$1 extra=$2 ref=/proc/1/ns host f s pid rest up p
	local -a st pids=()
	local -A kids=() shown=()
	[ -r /proc/1/ns/mnt ] || ref=/proc/self/ns
	read -r host </proc/sys/kernel/hostname
	read -r up _ </proc/uptime
	up=${up/./}
	printf "%shost's view%s  hostname %s  %(%H:%M:%S)T\n" "$LAB_B" "$LAB_N" "$host" -1
	echo "what the host's kernel shows of the lab's processes"
	echo "(namespaces: those not PID 1's; root; cgroup)"
	echo
	for f in /proc/[0-9]*/stat; do
		read -r s <"$f" 2>/dev/null || continue
		pid=${s%% *}
		rest=${s##*) }
		read -r -a st <<<"$rest"
		# Only processes up for half a second: not the lab's helpers.
		[ $((up - st[19] * 100 / LAB_HZ)) -ge 50 ] || continue
		kids[${st[1]}]+=" $pid"
	done
	# A lab may run in a stand-in host of its own (the network labs).
	s=
	for f in cgroup ipc mnt net pid time user uts; do
		[ "/proc/$lab/ns/$f" -ef "$ref/$f" ] || s+=" $f"
	done
	[ -z "$s" ] || printf '  the lab itself (PID %s) is in namespaces of its own:%s\n\n' "$lab" "$s"
	LAB_VIEW_LAB_CMD=$(lab_view_cmdline "$lab")
	lab_view_tree "$lab" 0
	if [ -s "$extra" ]; then
		while read -r p; do
			[ -n "${shown[$p]:-}" ] || [ ! -d "/proc/$p" ] ||
				lab_view_tree "$p" 0 self
		done <"$extra"
	fi
	[ "${#shown[@]}" -gt 0 ] ||
		echo "  (no process of the lab's is running)"
	if declare -F lab_host_view >/dev/null && [ "${#shown[@]}" -gt 0 ]; then
		echo
		lab_host_view "${!shown[@]}" || true
	fi
}

# A process's command line, its arguments joined by blanks.
lab_view_cmdline() {
	local -a a
	mapfile -d '' a <"/proc/$1/cmdline" 2>/dev/null || return 0
	echo "${a[*]}"
}

# Print process $1 (unless it is a subshell of the lab, or $3 is empty
# and it is the lab itself) and its children, $2 levels deep.
# Uses kids, shown and ref from lab_host_view_frame.
lab_view_tree() {
	local p=$1 depth=$2 cmd ns n root cg line pad c
	cmd=$(lab_view_cmdline "$p")
	if [ -n "${3:-}" ] || { [ "$p" != "$lab" ] && [ "$cmd" != "$LAB_VIEW_LAB_CMD" ]; }; then
		shown[$p]=1
		printf -v pad '%*s' "$((depth * 2))" ''
		printf '%7s %s%s\n' "$p" "$pad" "$cmd"
		ns=
		for n in cgroup ipc mnt net pid time user uts; do
			[ "/proc/$p/ns/$n" -ef "$ref/$n" ] || ns+=" $n"
		done
		root=/
		[ "/proc/$p/root" -ef / ] || root=$(readlink "/proc/$p/root" 2>/dev/null)
		cg=
		while IFS= read -r line; do
			case "$line" in 0::*) cg=${line#0::} ;; esac
		done <"/proc/$p/cgroup" 2>/dev/null
		[ -n "$ns" ] || ns=" the host's"
		printf '        %sns:%s  root: %s  cgroup: %s\n' "$pad" \
			"$ns" "$root" "${cg:-?}"
		depth=$((depth + 1))
	fi
	for c in ${kids[$p]:-}; do
		lab_view_tree "$c" "$depth"
	done
}

lab_usage() {
	cat <<EOT
Usage: $(basename "$0") --instructor [--split] | --student | --ci

 --instructor  paced demo: each command is typed out and runs on Enter
 --split       with --instructor, in tmux: the host's view beside the lab
 --student     exercises with a shell, a checker and hints on request
 --ci          non-interactive: run the solution path and the checkers
EOT
}

# Parse the mode, run the doctor for this lab, then the exercises.
lab_main() {
	local self arg
	self=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
	LAB_TMUX=${CTK_TMUX:-tmux}
	if [ "${1:-}" = --host-view ]; then
		LAB_HZ=$(getconf CLK_TCK)
		lab_host_view_loop "$2" "$3"
		return 0
	fi
	for arg in "$@"; do
		case "$arg" in
		--instructor) LAB_MODE=instructor ;;
		--student) LAB_MODE=student ;;
		--ci) LAB_MODE=ci ;;
		--split) LAB_SPLIT=1 ;;
		-h | --help)
			lab_usage
			return 0
			;;
		*)
			echo "$(basename "$0"): unrecognized argument '$arg'" >&2
			echo "Try '$(basename "$0") --help' for more information." >&2
			return 2
			;;
		esac
	done
	if [ -z "$LAB_MODE" ]; then
		echo "$(basename "$0"): choose a mode" >&2
		echo "Try '$(basename "$0") --help' for more information." >&2
		return 2
	fi
	if [ "$LAB_MODE" = instructor ]; then
		lab_instructor_setup "$self" || return $?
	fi
	trap lab_exit EXIT
	trap 'exit 130' INT TERM
	trap 'exit 129' HUP
	# The student's shell may use the lab's own tools by this path.
	export LAB_DIR
	[ "$LAB_SPLIT" != here ] || lab_split_open "$self"

	lab_doctor || {
		echo "$LAB_NAME: this host cannot run this lab (see above)" >&2
		return 1
	}
	lab_intro
	local ex
	for ex in "${LAB_EXERCISES[@]}"; do
		LAB_NEXT=1
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
	LAB_NEXT=1
	lab_title "Result"
	if [ "$LAB_FAILED" -eq 0 ]; then
		lab_ok "$LAB_NAME: every check passed"
	else
		lab_bad "$LAB_NAME: some checks failed"
	fi
	if [ -n "$LAB_VIEW_PANE" ]; then
		# Clean up while the host's view still shows it.
		lab_cleanup
		trap 'exit 130' INT TERM
		lab_para "The lab removed what it made: the host's view is empty again."
		lab_pause "[Enter] close the split view"
	fi
	return "$LAB_FAILED"
}

# At exit: the cleanup, the split view, and the status for the session
# that started this lab in tmux, if one did.
lab_exit() {
	local status=$?
	# Only the lab's own shell: a subshell that dies (an unset variable
	# under set -u) must not clean up under the lab's feet.
	[ "$BASHPID" = "$$" ] || return "$status"
	lab_cleanup
	lab_split_close
	[ -z "${CTK_LAB_STATUS:-}" ] || echo "$status" >"$CTK_LAB_STATUS" 2>/dev/null || true
}

# The doctor's report on this lab (folded in instructor mode).
lab_doctor() {
	local fd fp status=0
	if ! lab_instructor; then
		"$LAB_TOP/labs/doctor" --lab "$LAB_NAME"
		return
	fi
	exec {fd}> >(lab_fold 4)
	fp=$!
	"$LAB_TOP/labs/doctor" --lab "$LAB_NAME" >&"$fd" 2>&1 || status=$?
	exec {fd}>&-
	lab_wait_fold "$fp"
	return "$status"
}

# Instructor mode: the pace, and the split view if asked for: this lab
# again in a tmux session of its own (exit with its status), or, inside
# tmux, a pane beside this one (opened by lab_main).
lab_instructor_setup() {
	local self=$1 pace
	exec {LAB_SLEEP_FD}<> <(:)
	pace=${CTK_LAB_PACE:-1}
	if [ "$pace" != 1 ]; then
		LAB_TYPE_DELAY=$(awk -v p="$pace" 'BEGIN { printf "%.3f", 0.02 * p }')
		LAB_LINE_DELAY=$(awk -v p="$pace" 'BEGIN { printf "%.3f", 0.25 * p }')
	fi
	[ "$LAB_SPLIT" = 1 ] || return 0
	if ! command -v "$LAB_TMUX" >/dev/null; then
		echo "$LAB_NAME: the split view needs tmux, which is not installed: running unsplit"
		return 0
	fi
	if [ -n "${TMUX:-}" ]; then
		LAB_SPLIT=here
		return 0
	fi
	if ! [ -t 0 ] || ! [ -t 1 ]; then
		echo "$LAB_NAME: the split view needs a terminal: running unsplit"
		return 0
	fi
	local status=0
	lab_split_session "$self" --instructor --split || status=$?
	exit "$status"
}
