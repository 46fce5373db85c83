#!/usr/bin/env bats
# Lab 24 (containers versus virtual machines, measured): it passes in --ci
# mode, prints both measured start times, and leaves nothing behind (no
# QEMU, no temp dir, no container, no cgroup); its checker fails, with the
# right hint, on results that were not measured or are not plausible.

load helpers

setup() { common_setup; }
teardown() { common_teardown; }

CHECK=$TOP/labs/24-vm/check

leftovers() {
	find /tmp -maxdepth 1 \( -name 'ctk-lab.*' -o -name 'ctk-measure.*' \) | wc -l
	pgrep -c -f 'qemu-system-x86_64 .*ctk-measure' || true
	pgrep -c -f 'minicontainer -q run --rm /tmp/ctk-lab' || true
	find /sys/fs/cgroup -maxdepth 3 -type d -path '*/ctk/run-*' | wc -l
}

# results KEY=VALUE...: a results file as measure writes it.
results() {
	printf '%s\n' "$@" >"$SCRATCH/results"
}
CONTAINER=(container_runs=5 container_ready_us=11000 container_total_us=14000
	container_cgroup_kib=2200 container_rss_kib=1650)
VM=(vm_accel=TCG "vm_accel_label=TCG (emulated: no KVM; a KVM guest starts about 10 times faster)"
	vm_runs=3 vm_ready_us=5600000 vm_total_us=5700000 vm_cgroup_kib=177000
	vm_rss_kib=200000)

@test "labs: 24-vm passes in --ci mode and leaves nothing behind" {
	before=$(leftovers)
	run timeout 170 "$TOP/labs/24-vm/lab" --ci
	[ "$status" -eq 0 ]
	# Both measured, with numbers.
	[[ "$output" =~ container:\ start\ to\ ready\ [0-9.]+\ ms,\ to\ exit\ [0-9.]+\ ms\ \(median\ of\ 5\ runs\) ]]
	[[ "$output" =~ vm\ \((TCG|KVM)\):\ start\ to\ ready\ [0-9.]+\ m?s,\ to\ exit\ [0-9.]+\ m?s\ \(median\ of\ 3\ runs\) ]]
	[[ "$output" == *"measure: accelerator: TCG (emulated: no KVM; a KVM guest starts about 10 times faster)"* ]] ||
		[[ "$output" == *"measure: accelerator: KVM (hardware virtualization)"* ]]
	[[ "$output" == *"                container     vm ("* ]]
	[[ "$output" =~ start-to-ready\ +[0-9.]+\ ms\ +[0-9.]+\ m?s\ +[0-9]+x ]]
	[[ "$output" == *"PASS container: ready after "* ]]
	[[ "$output" == *"PASS vm ("*"): ready after "* ]]
	[[ "$output" == *"PASS the vm ("*") took "*"x the container's time to ready"* ]]
	# 4: each primitive alone, and their share of the container's start.
	[[ "$output" =~ \ \ unshare\(CLONE_NEWNET\)\ +[0-9]+\.[0-9]\ us ]]
	[[ "$output" =~ \ \ pivot_root\+umount2\(MNT_DETACH\)\ +[0-9]+\.[0-9]\ us ]]
	[[ "$output" =~ PASS\ the\ 14\ primitives\ of\ a\ default\ container,\ each\ alone:\ [0-9.]+\ ms,\ [0-9]+%\ of\ its\ [0-9.]+\ ms\ start ]]
	[[ "$output" =~ the\ costliest\ alone:\ [^\ ]+\ \([0-9.]+\ ms\) ]]
	[[ "$output" == *"PASS 24-vm: every check passed"* ]]
	# Every line fits 100 columns.
	long=$(awk 'length > 100' <<<"$output")
	echo "over 100 columns: $long"
	[ -z "$long" ]
	[ "$(leftovers)" = "$before" ]
}

@test "labs: 24 checker fails without measurements, with the hint" {
	run "$CHECK" container "$SCRATCH/none"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "no measurements in '$SCRATCH/none'" ]
	# shellcheck disable=SC2016 # the hint names the variables
	[[ "${lines[1]}" == 'hint: run $LAB_DIR/measure container and $LAB_DIR/measure vm first'* ]]
	results "${CONTAINER[@]}"
	run "$CHECK" vm "$SCRATCH/results"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "the vm was not measured (no vm_ready_us in $SCRATCH/results)" ]
	# shellcheck disable=SC2016
	[ "${lines[1]}" = 'hint: run $LAB_DIR/measure vm' ]
	run "$CHECK" compare "$SCRATCH/results"
	[ "$status" -eq 1 ]
	# Control: the container alone was measured.
	run "$CHECK" container "$SCRATCH/results"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "container: ready after 11.0 ms, exit at 14.0 ms (median of 5); peak memory 2.1 MiB" ]
}

@test "labs: 24 checker fails on a start that never printed ready" {
	results "${CONTAINER[@]/container_ready_us=11000/container_ready_us=0}"
	run "$CHECK" container "$SCRATCH/results"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "the container's ready reads '0', not a measurement" ]
	[[ "${lines[1]}" == "hint: a start that never printed ready measures nothing"* ]]
}

@test "labs: 24 checker fails on a vm without its accelerator" {
	results "${CONTAINER[@]}" "${VM[@]:2}"
	run "$CHECK" vm "$SCRATCH/results"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "the vm's accelerator is not named" ]
	[[ "${lines[1]}" == "hint: a guest's start depends on it (KVM or TCG"* ]]
}

@test "labs: 24 checker 'compare' fails on a vm no slower than the container" {
	results "${CONTAINER[@]}" "${VM[@]/vm_ready_us=5600000/vm_ready_us=9000}"
	run "$CHECK" compare "$SCRATCH/results"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "the vm printed ready after 9.0 ms, no later than the container (11.0 ms)" ]
	[[ "${lines[1]}" == "hint: a guest boots a kernel first"* ]]
	# Control: plausible numbers pass, and the table shows them.
	results "${CONTAINER[@]}" "${VM[@]}"
	run "$CHECK" compare "$SCRATCH/results"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "the vm (TCG) took 509x the container's time to ready (5.60 s, 11.0 ms), 80x its memory" ]
	run "$CHECK" table "$SCRATCH/results"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "                container     vm (TCG, emulated)    vm/container" ]
	[ "${lines[1]}" = "start-to-ready  11.0 ms       5.60 s                509x" ]
}

@test "labs: 24 checker 'primitives' fails without them, or on a row not timed, or a sum over the start" {
	results "${CONTAINER[@]}"
	run "$CHECK" primitives "$SCRATCH/results"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "the primitives were not timed (no primitives_json in $SCRATCH/results)" ]
	# shellcheck disable=SC2016
	[ "${lines[1]}" = 'hint: run $LAB_DIR/measure primitives' ]
	# The rows a default container uses, as bench/primitives names them.
	rows=("unshare(CLONE_NEWNS)" "unshare(CLONE_NEWUTS)" "unshare(CLONE_NEWIPC)"
		"unshare(CLONE_NEWNET)" "unshare(CLONE_NEWCGROUP)"
		"clone3(CLONE_NEWPID)+exit" "pivot_root+umount2(MNT_DETACH)"
		"mount(proc) in a new PID ns" "cgroup: mkdir (cg_create)"
		"cgroup: memory 64M, pids 100" "cgroup: rmdir (cg_destroy)"
		"seccomp: load precompiled BPF" "caps: bounding set to default"
		"caps: capset to default")
	# json US [NET_US]: every row at US microseconds (the net one at NET_US).
	json() {
		local r v out=
		for r in "${rows[@]}"; do
			[ "$r" = "unshare(CLONE_NEWNET)" ] && v=${2:-$1} || v=$1
			out+="${out:+,}{\"primitive\":\"$r\",\"median_us\":$v}"
		done
		echo "primitives_json={\"primitives\":[$out]}"
	}
	results "${CONTAINER[@]}" "$(json 50.0 0.0)"
	run "$CHECK" primitives "$SCRATCH/results"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "unshare(CLONE_NEWNET) was not timed (its median reads '0')" ]
	# 14 rows of 1 ms each: more than the whole 11 ms start.
	results "${CONTAINER[@]}" "$(json 1000.0)"
	run "$CHECK" primitives "$SCRATCH/results"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "the primitives add up to 14.0 ms, no less than the whole container start (11.0 ms)" ]
	[[ "${lines[1]}" == "hint: the start does all of them and more"* ]]
	# Control: plausible numbers pass, the costliest named.
	results "${CONTAINER[@]}" "$(json 50.0 230.5)"
	run "$CHECK" primitives "$SCRATCH/results"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "the 14 primitives of a default container, each alone: 0.9 ms, 8% of its 11.0 ms start" ]
	[ "${lines[1]}" = "the costliest alone: unshare(CLONE_NEWNET) (0.2 ms)" ]
}

@test "labs: 24-vm stops at the doctor inside the toolkit's own guest, where a VM would be emulated twice [vm]" {
	if [[ " $(</proc/cmdline) " == *" ctk.vm "* ]]; then
		run "$TOP/labs/24-vm/lab" --ci
		[ "$status" -eq 1 ]
		output=$(sed -z 's/\ndoctor:   / /g' <<<"$output")
		[[ "$output" == *"doctor: lab 24-vm: cannot run: this is the toolkit's emulated guest (ctk.vm): a VM in it would be emulated twice; run the lab on the host"* ]]
		[[ "$output" == *"24-vm: this host cannot run this lab (see above)"* ]]
		run pgrep -f qemu-system
		[ "$status" -eq 1 ]
	else
		# On a host: the doctor has nothing against it.
		run "$TOP/labs/doctor" --lab 24-vm
		[[ "$output" != *"emulated guest"* ]]
	fi
}
