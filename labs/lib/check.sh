# check.sh - what the labs' checkers share: reading a process's kernel
# state from /proc, and one way to say pass or fail.
# shellcheck shell=bash
#
# A checker prints one line: what it saw.  On failure a second line
# starts with "hint: " and names the likely mistake.  Exit 0 pass, 1 fail,
# 2 usage.

ck_pass() {
	echo "$1"
	exit 0
}
ck_fail() {
	echo "$1"
	echo "hint: $2"
	exit 1
}

# Is PID a live process?  Fails the check with a hint if not.
ck_need_pid() {
	local pid=$1 what=$2
	if [ -z "$pid" ] || [ ! -d "/proc/$pid" ]; then
		ck_fail "no process found for $what" \
			"start it in the background (&) so it is still running when checked"
	fi
}

# "dev:ino" of a directory or of a process's root (/proc/PID/root).
ck_id() { stat -L -c '%d:%i' "$1"; }
ck_root_id() { stat -L -c '%d:%i' "/proc/$1/root/"; }

# Namespace identity (nsfs inode) of PID for a type (mnt, pid, uts, net...).
ck_ns() { stat -L -c '%i' "/proc/$1/ns/$2"; }

# Mount points in PID's mount table, one per line.
ck_mount_points() { awk '{ print $5 }' "/proc/$1/mountinfo"; }

# Optional fields ("shared:N master:M") of the mount at point in PID's table.
ck_propagation() {
	awk -v p="$2" '$5 == p { s = ""; for (i = 7; $i != "-"; i++) s = s $i " "; r = s }
		END { sub(/ $/, "", r); print r }' "/proc/$1/mountinfo"
}
