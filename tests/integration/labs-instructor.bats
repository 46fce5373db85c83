#!/usr/bin/env bats
# Instructor mode, for a lecture hall: paced narration, commands typed
# out and run on Enter, every line within 100 columns, and with --split
# the host's view of the lab's processes in a tmux pane beside the lab.
# The split view is read back with tmux capture-pane.

load helpers
load tmux

setup() { common_setup; }
teardown() {
	tmx kill-server 2>/dev/null || true
	# A lab cut short (SIGHUP) cleans up: let it finish.
	[ -z "${lab:-}" ] || wait_gone "$lab" 10 || true
	[ -z "${outer:-}" ] || wait_gone "$outer" 10 || true
	rm -f "/tmp/tmux-$(id -u)/$TMUX_SOCK"
	pkill -KILL -f -x "(/bin/)?sleep (100[12]|400[1-4]|1000[1-3])" 2>/dev/null || true
	common_teardown
}

# What a lab may leave behind: its temp dirs, its sleeps, tmux servers
# of its own (ctk-lab-PID), and the mount table.
leftovers() {
	find /tmp -maxdepth 1 -name 'ctk-lab.*' | wc -l
	pgrep -f -x "(/bin/)?sleep (100[12]|400[1-4]|1000[1-3])" | wc -l
	pgrep -f "^tmux -L ctk-lab-" | wc -l
	find "/tmp/tmux-$(id -u)" -maxdepth 1 -name 'ctk-lab-*' 2>/dev/null | wc -l
	mount_table | md5sum
}

# The lines of a terminal transcript: escape sequences removed, carriage
# returns as line ends.
plain_lines() {
	sed 's/\x1b\[[0-9;?]*[A-Za-z]//g' "$1" | tr '\r' '\n'
}

# Run lab $1 in instructor mode on a terminal (script), Enter fed.
instructor_run() {
	CTK_LAB_PACE=0 timeout 300 script -qec "$TOP/labs/$1/lab --instructor ${2:-}" \
		/dev/null < <(yes '' | head -60) >"$SCRATCH/$1.out" 2>&1
}

@test "instructor: labs 01, 04 and 10 pause before each command, every line within 100 columns" {
	before=$(leftovers)
	for lab in 01-chroot 04-uts-ipc 10-time; do
		instructor_run "$lab"
		out=$(plain_lines "$SCRATCH/$lab.out")
		[[ "$out" == *"PASS $lab: every check passed"* ]]
		[[ "$out" == *"[Enter] next: 1. "* ]]
		[[ "$out" == *"[Enter] run  [q] quit"* ]]
		[[ "$out" == *"[Enter] next: Result"* ]]
		long=$(awk 'length > 100' <<<"$out")
		[ -z "$long" ] || {
			echo "$lab: lines over 100 columns:" "$long"
			false
		}
	done
	# Lab 10's tool narration is longer than 100: folded, not cut.
	out=$(plain_lines "$SCRATCH/10-time.out")
	[[ "$out" == *"timens: CLOCK_REALTIME "*$'\n'"    "*"NOT virtualized"* ]]
	[ "$(leftovers)" = "$before" ]
}

@test "instructor: the prompt comes after the typed command, the output after Enter" {
	instructor_run 01-chroot
	out=$(plain_lines "$SCRATCH/01-chroot.out" | grep -v '^$')
	# The command, the prompt, then (the prompt erased) its output.
	grep -A1 '^# readlink /proc/[0-9]*/root' <<<"$out" | tail -1 |
		grep -qx '\[Enter\] run  \[q\] quit '
	grep -A2 '^# readlink /proc/[0-9]*/root' <<<"$out" | tail -1 |
		grep -q '^/tmp/ctk-lab\.[^/]*/root$'
	# Once answered, the prompt is erased: cursor up, clear the line.
	grep -qF $'\e[1A\r\e[2K' "$SCRATCH/01-chroot.out"
}

@test "instructor: [q] at a pause quits, cleans up and exits 130" {
	before=$(leftovers)
	# Enter at the first exercise and at the sleep, q at the readlink.
	CTK_LAB_PACE=0 run timeout 120 script -qec \
		"$TOP/labs/01-chroot/lab --instructor" /dev/null < <(printf '\n\nq\n')
	[ "$status" -eq 130 ]
	[[ "$output" == *"quit: the lab stops here and cleans up"* ]]
	[[ "$output" != *"== Result =="* ]]
	[ "$(leftovers)" = "$before" ]
}

@test "instructor: a long command is shown wrapped with a \\ continuation, long output folded" {
	run bash -c '
		LAB_MODE=ci
		. "$1/labs/lib/lab.sh"
		lab_run echo $(seq -f "argument-%02g" 1 20)
		lab_run_sh "printf \"%s\\n\" \"a quoted string with blanks in it, long enough to need a cut\" | grep -c quoted | cat - /dev/null"
		echo ---
		seq -f "argument-%02g" 1 20 | tr "\n" " " | lab_fold 4
	' sh "$TOP"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "# echo argument-01 argument-02 argument-03 argument-04 argument-05 argument-06 argument-07 \\" ]
	[ "${lines[1]}" = "    argument-08 argument-09 argument-10 argument-11 argument-12 argument-13 argument-14 \\" ]
	[ "${lines[2]}" = "    argument-15 argument-16 argument-17 argument-18 argument-19 argument-20 " ]
	[ "${lines[3]}" = "$(seq -f "argument-%02g" 1 20 | tr '\n' ' ' | sed 's/ $//')" ]
	# A shell line is cut between words, never inside quotes.
	[ "${lines[4]}" = "# printf \"%s\\n\" \"a quoted string with blanks in it, long enough to need a cut\" | grep -c quoted | \\" ]
	[ "${lines[5]}" = '    cat - /dev/null' ]
	[ "${lines[6]}" = 1 ]
	[ "${lines[7]}" = --- ]
	# Output folded at a blank, continued 4 columns in.
	[ "${lines[8]}" = "$(seq -f "argument-%02g" 1 8 | tr '\n' ' ' | sed 's/ $//')" ]
	[ "${lines[9]}" = "    $(seq -f "argument-%02g" 9 16 | tr '\n' ' ' | sed 's/ $//')" ]
	[ "${lines[10]}" = "    $(seq -f "argument-%02g" 17 20 | tr '\n' ' ')" ]
	for l in "${lines[@]:0:3}" "${lines[@]:4}"; do
		[ "${#l}" -le 100 ]
	done
}

@test "instructor: no lab script has a literal title or line over 100 columns" {
	# lab_para folds; lab_run wraps; titles and lab_say lines do not.
	run awk '
		match($0, /(lab_title|lab_say) "[^"]*"/) {
			s = substr($0, RSTART, RLENGTH)
			sub(/^[a-z_]+ "/, "", s)
			sub(/"$/, "", s)
			w = length(s) + ($0 ~ /lab_title/ ? 6 : 0)
			if (w > 100) print FILENAME ":" FNR ": " w " columns"
		}' "$TOP"/labs/*/lab
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "instructor: --split without tmux says so and runs unsplit" {
	run env CTK_TMUX=/nonexistent/tmux CTK_LAB_PACE=0 timeout 120 script -qec \
		"$TOP/labs/01-chroot/lab --instructor --split" /dev/null < <(yes '' | head -20)
	[ "$status" -eq 0 ]
	[[ "$output" == *"01-chroot: the split view needs tmux, which is not installed: running unsplit"* ]]
	[[ "$output" == *"01-chroot: every check passed"* ]]
	run "$TOP/labs/01-chroot/lab" --split
	[ "$status" -eq 2 ]
	[[ "$output" == *"choose a mode"* ]]
}

@test "instructor: --split in tmux: typed commands, pauses, and the host's view beside the lab" {
	before=$(leftovers)
	tmx new-session -d -s t -x 200 -y 50 \
		"CTK_LAB_PACE=0.2 $TOP/labs/10-time/lab --instructor --split; echo \$? >$SCRATCH/status"
	for ((i = 0; i < 100; i++)); do
		lab=$(pgrep -f -x "bash $TOP/labs/10-time/lab --instructor --split" | head -1) &&
			break
		sleep 0.1
	done
	[ -n "$lab" ]
	wait_paused "$lab"
	# Two panes side by side, titled; the lab keeps 100 columns.
	run tmx list-panes -t t -F '#{pane_index} #{pane_width}x#{pane_height} #{pane_title}'
	[ "${lines[0]}" = "0 100x49 lab (container's view)" ]
	[ "${lines[1]}" = "1 99x49 host's view" ]
	wait_text t.1 "host's view  hostname $(hostname)"
	screen t.0 | grep -q "^\[Enter\] next: 1. A day of uptime *$"
	screen t.0 | grep -q "^== Lab 10: time namespaces ==$"
	tmx send-keys -t t.0 Enter

	# The typed command and its prompt; its output only after Enter.
	wait_paused "$lab"
	screen t.0 | grep -q '^# timens --boottime 86400 -- cat /proc/uptime *$'
	screen t.0 | grep -q '^\[Enter\] run  \[q\] quit *$'
	run screen t.0
	[[ "$output" != *"timens: CLOCK_BOOTTIME "* ]]
	tmx send-keys -t t.0 Enter
	wait_text t.0 'timens: CLOCK_BOOTTIME '
	wait_paused "$lab"
	screen t.0 | grep -q '^# timens -q --boottime 86400 -- sleep 10001 &$'
	tmx send-keys -t t.0 Enter

	# The host's view: the sleep, in a time namespace of its own.
	wait_paused "$lab"
	sleep=$(pgrep -f -x "sleep 10001")
	wait_text t.1 "$sleep   sleep 10001"
	screen t.1 | grep -A1 " $sleep   sleep 10001" | tail -1 |
		grep -q '^ *ns: time  root: /  cgroup: '
	screen t.1 | grep -q "timens -q --boottime 86400 -- sleep 10001"
	screen t.1 | grep -q "sleep 10001: boottime offset 86400 s"

	# Enter at every pause, up to the last one.
	for ((n = 0; n < 40; n++)); do
		shows_soon t.0 '^\[Enter\] close the split view *$' && break
		tmx send-keys -t t.0 Enter
		wait_paused "$lab"
	done
	screen t.0 | grep -q '^PASS 10-time: every check passed$'
	wait_text t.1 "(no process of the lab's is running)"
	tmx send-keys -t t.0 Enter
	wait_gone "$lab"
	wait_no_server
	[ "$(cat "$SCRATCH/status")" = 0 ]
	[ "$(leftovers)" = "$before" ]
}

@test "instructor: --split outside tmux opens a session of its own, and ends it" {
	before=$(leftovers)
	# The lab runs in a terminal (the test's tmux pane) outside tmux.
	tmx new-session -d -s t -x 200 -y 50 \
		"env -u TMUX -u TMUX_PANE CTK_LAB_PACE=0 $TOP/labs/01-chroot/lab --instructor --split; echo \$? >$SCRATCH/status"
	for ((i = 0; i < 100; i++)); do
		outer=$(pgrep -P "$(tmx display-message -p -t t '#{pane_pid}')") && break
		sleep 0.1
	done
	[ -n "$outer" ]
	sock=ctk-lab-$outer
	for ((i = 0; i < 100; i++)); do
		lab=$(tmux -L "$sock" list-panes -t ctk-lab -F '#{pane_pid}' 2>/dev/null | head -1) &&
			[ -n "$lab" ] && break
		sleep 0.1
	done
	[ -n "$lab" ]
	wait_paused "$lab"
	tmx send-keys -t t Enter
	wait_paused "$lab"
	tmx send-keys -t t Enter
	wait_paused "$lab"
	# One screen, both panes: titles, the typed command on the left, the
	# chroot'ed sleep and its root on the right.
	wait_text t "ns: the host's  root: /tmp/ctk-lab."
	screen t | grep -q "^── lab (container's view) ─*┬── host's view ─*$"
	screen t | grep -q '^# chroot-demo -q /tmp/ctk-lab\.[^ ]*/root sleep 1001 & *│'
	screen t | grep -q '│ *ns: the host.s  root: /tmp/ctk-lab\.[^ ]*/root  cgroup: '
	for ((n = 0; n < 40; n++)); do
		shows_soon t '^\[Enter\] close the split view  *│' && break
		tmx send-keys -t t Enter
		wait_paused "$lab"
	done
	screen t | grep -q '^PASS 01-chroot: every check passed  *│'
	tmx send-keys -t t Enter
	wait_gone "$lab"
	wait_gone "$outer"
	wait_no_server
	[ "$(cat "$SCRATCH/status")" = 0 ]
	# The lab's own server is gone, and its socket.
	run tmux -L "$sock" ls
	[ "$status" -ne 0 ]
	[ ! -e "/tmp/tmux-$(id -u)/$sock" ]
	[ "$(leftovers)" = "$before" ]
}

@test "instructor: --split closed half-way (its tmux gone): the lab cleans up" {
	before=$(leftovers)
	tmx new-session -d -s t -x 200 -y 50 \
		"CTK_LAB_PACE=0 $TOP/labs/01-chroot/lab --instructor --split"
	for ((i = 0; i < 100; i++)); do
		lab=$(pgrep -f -x "bash $TOP/labs/01-chroot/lab --instructor --split" | head -1) &&
			break
		sleep 0.1
	done
	[ -n "$lab" ]
	wait_paused "$lab"
	tmx send-keys -t t.0 Enter
	wait_paused "$lab"
	tmx send-keys -t t.0 Enter
	wait_paused "$lab"
	# sleep 1001 runs, chroot'ed in the lab's root: now close it all.
	pgrep -f -x "sleep 1001"
	tmx kill-server
	wait_gone "$lab"
	wait_no_server
	[ "$(leftovers)" = "$before" ]
}
