# tmux.bash - drive a lab's instructor mode in a private tmux server and
# read its screen (labs-instructor.bats).
# shellcheck shell=bash

# The test's own tmux server: a private socket, no user configuration.
TMUX_SOCK=ctk-test-$$
tmx() { tmux -L "$TMUX_SOCK" -f /dev/null "$@"; }

# The text of pane $1 (wrapped lines joined).
screen() { tmx capture-pane -p -J -t "$1"; }

# Wait up to $3 seconds (default 30) for pane $1 to show the text $2.
wait_text() {
	local i
	for ((i = 0; i < ${3:-30} * 10; i++)); do
		screen "$1" 2>/dev/null | grep -qF -- "$2" && return 0
		sleep 0.1
	done
	echo "pane $1 never showed: $2" >&2
	screen "$1" >&2 || true
	return 1
}

# Wait up to 60 s for the lab shell $1 to be paused: blocked in read(2)
# on fd 0 (its terminal), not at the pause it was at when this last
# returned (its count of read calls has moved on since).  Fails if the
# lab is gone first.
PAUSED_AT=
wait_paused() {
	local pid=$1 i nr fd reads tty
	for ((i = 0; i < 600; i++)); do
		read -r nr fd _ <"/proc/$pid/syscall" 2>/dev/null || return 1
		tty=$(readlink "/proc/$pid/fd/0" 2>/dev/null) || tty=
		if [ "$nr" = 0 ] && [ "$fd" = 0x0 ] &&
			[[ "$tty" == /dev/tty || "$tty" == /dev/pts/* ]]; then
			reads=$(awk '$1 == "syscr:" { print $2 }' "/proc/$pid/io")
			if [ "$reads" != "$PAUSED_AT" ]; then
				PAUSED_AT=$reads
				return 0
			fi
		fi
		sleep 0.1
	done
	echo "lab $pid never paused" >&2
	return 1
}

# Wait up to $2 seconds (default 20) for process $1 to exit.
wait_gone() {
	local i
	for ((i = 0; i < ${2:-20} * 10; i++)); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.1
	done
	return 1
}

# Wait up to 10 s for the test's tmux server to be gone; remove the
# socket it leaves behind.
wait_no_server() {
	local i
	for ((i = 0; i < 100; i++)); do
		tmx ls >/dev/null 2>&1 || break
		sleep 0.1
	done
	! tmx ls >/dev/null 2>&1 || return 1
	rm -f "/tmp/tmux-$(id -u)/$TMUX_SOCK"
}

# Does target $1's screen show a line matching $2 within a second?  For a
# lab just found paused: tmux may not have drawn its prompt yet.
shows_soon() {
	local k
	for ((k = 0; k < 10; k++)); do
		screen "$1" | grep -q "$2" && return 0
		sleep 0.1
	done
	return 1
}
