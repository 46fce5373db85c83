#!/usr/bin/env bats
# minicontainer images: real OCI and docker images, built offline with
# podman, skopeo and umoci (tests/integration/mkimages.sh), loaded,
# verified, layered with overlayfs (or copied: vfs) and run.

load helpers

MC=minicontainer

setup_file() {
	IMAGES=$BATS_FILE_TMPDIR/images
	export IMAGES
	# podman and skopeo write a blob cache in /var/lib/containers
	# whatever they are told: give them a tmpfs of their own there.
	unshare -m --propagation private bash -c 'mount -t tmpfs tmpfs /var/lib &&
		mount -t tmpfs tmpfs /run && exec "$0" "$@"' \
		"$BATS_TEST_DIRNAME/mkimages.sh" "$ROOTFS" "$IMAGES"
}

setup() {
	common_setup
	STORE=$SCRATCH/store
	HOST_BEFORE=$(host_state)
}

teardown() {
	"$MC" rm -f ctk-t-img-a ctk-t-img-b >/dev/null 2>&1 || true
	[ "$(host_state)" = "$HOST_BEFORE" ]
	common_teardown
}

# What a run must not change or leave behind on the host.
host_state() {
	hostname
	mount_table | md5sum
	ls /run/minicontainer 2>/dev/null | wc -l
}

mci() {
	"$MC" --storage "$STORE" "$@"
}

# What the store holds: images, layers, loads in progress.
store_counts() {
	for d in images layers tmp; do
		find "$STORE/$d" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l
	done | tr '\n' ' '
}

# The container's init: the third field of its state's pids file.
init_pid() {
	awk '{ print $3 }' "/run/minicontainer/$("$MC" ps -a | awk -v n="$1" '$2 == n { print $1 }')/pids"
}

@test "image load: a podman oci-archive, its name, ls and inspect" {
	run --separate-stderr mci --verbose image load "$IMAGES/busybox-oci.tar"
	[ "$status" -eq 0 ]
	[ "$output" = "Loaded image: localhost/ctk-busybox:1" ]
	# What a student should see: each document's digest checked.
	[[ "$stderr" == *"config sha256:"*"the image's ID"* ]]
	[[ "$stderr" == *"layer 1 (sha256:"*"digest checked, unpacked"* ]]
	run mci image ls
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "REPOSITORY"*"TAG"*"IMAGE ID"*"CREATED"*"SIZE" ]]
	[[ "${lines[1]}" == "localhost/ctk-busybox "*" 1 "* ]]
	run mci image inspect ctk-busybox:1
	[ "$status" -eq 0 ]
	[ "$(jq -r '.[0].Config.Cmd[2]' <<<"$output")" = 'echo hello from $GREETING in $(pwd) as $(id -u)' ]
	[ "$(jq -r '.[0].Config.WorkingDir' <<<"$output")" = /tmp ]
	[ "$(jq -r '.[0].Architecture' <<<"$output")" = amd64 ]
	# The cached layer is the rootfs, unpacked once.
	dir=$(jq -r '.[0].LayerDirs[0]' <<<"$output")
	[ -x "$dir/bin/busybox" ]
	[ "$(store_counts)" = "1 2 0 " ]
}

@test "run --image: the image's Cmd, Env, WorkingDir and User, each overridable" {
	run --separate-stderr mci run --rm --image "$IMAGES/busybox-oci.tar"
	[ "$status" -eq 0 ]
	[ "$output" = "hello from image in /tmp as 65534" ]
	# A COMMAND replaces Cmd; -e, -w and -u win over the image.
	run --separate-stderr mci run --rm -e GREETING=cli -w / -u root --image ctk-busybox:1 -- sh -c 'echo $GREETING $(pwd) $(id -u); echo $PATH'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "cli / 0" ]
	# The image's exit status is the run's.
	run --separate-stderr mci run --rm --image ctk-busybox:1 -- sh -c 'exit 7'
	[ "$status" -eq 7 ]
}

@test "run --image: the root is an overlay of the cached layers, seen only inside" {
	mci -q image load "$IMAGES/layered" >/dev/null
	run --separate-stderr "$MC" --verbose --storage "$STORE" run --rm --image layered -- 'grep " / / " /proc/self/mountinfo'
	[ "$status" -eq 0 ]
	[[ "$output" == *" / / "*" - overlay overlay "*"lowerdir=$STORE/layers/"*":$STORE/layers/"*",upperdir=/run/minicontainer/"*"/upper,"* ]]
	[[ "$stderr" == *"unshare(CLONE_NEWNS) = 0: a mount namespace of the runtime's own"* ]]
	[[ "$stderr" == *'mount("overlay", "/run/minicontainer/'*'/rootfs", "overlay", 0,'* ]]
	# The host's mount table never had it (teardown compares it too).
	! grep -q " overlay .*$STORE" /proc/self/mountinfo
}

@test "layers: a whiteout deletes, an opaque directory hides, the top layer wins (gzip and zstd)" {
	for img in layered layered-zstd; do
		run --separate-stderr mci run --rm --image "$IMAGES/$img"
		echo "$img: $output $stderr"
		[ "$status" -eq 0 ]
		# Entrypoint sh -c, Cmd "cat /etc/motd; ls /data /opq", in /data.
		[ "${lines[0]}" = "motd from the top layer" ]
		[ "$(printf '%s\n' "${lines[@]}" | tr '\n' ' ')" = "motd from the top layer /data: keep /opq: new " ]
	done
	run --separate-stderr mci run --rm --image layered -- 'echo $LAYERED $(pwd) $(id -u):$(id -g); ls -a /data'
	[ "${lines[0]}" = "yes /data 65534:65534" ]
	# In the cache a whiteout is overlayfs's own: a 0/0 character device.
	run mci image inspect layered
	top=$(jq -r '.[0].LayerDirs[-1]' <<<"$output")
	[ "$(stat -c '%F %t:%T' "$top/data/gone")" = "character special file 0:0" ]
	[ "$(getfattr --only-values -n trusted.overlay.opaque "$top/opq")" = y ]
	[ "$(jq -r '.[0].Config.Labels["org.example.course"]' <<<"$output")" = ctk ]
	[ "$(jq -r '.[0].Config.ExposedPorts | keys[0]' <<<"$output")" = 8080/tcp ]
	# Control: the lower layer still holds the file the whiteout hides.
	mid=$(jq -r '.[0].LayerDirs[-2]' <<<"$output")
	[ "$(cat "$mid/data/gone")" = gone ]
}

@test "vfs: without overlayfs the layers are copied, with the same result" {
	run --separate-stderr mci --storage-driver vfs --verbose run --rm --image "$IMAGES/layered"
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "${lines[@]}" | tr '\n' ' ')" = "motd from the top layer /data: keep /opq: new " ]
	[[ "$stderr" == *"copy(3 layers, "*"whiteouts applied (the vfs driver)"* ]]
	[[ "$stderr" != *'mount("overlay"'* ]]
}

@test "a docker save archive and a multi-arch index run the same image" {
	run --separate-stderr mci run --rm --image "$IMAGES/busybox-docker.tar"
	[ "$status" -eq 0 ]
	[ "$output" = "hello from image in /tmp as 65534" ]
	# From the index of two platforms, this machine's.
	run --separate-stderr mci --verbose image load "$IMAGES/multiarch"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"linux/amd64"* ]]
	run --separate-stderr mci run --rm --image multiarch -- uname -m
	[ "$output" = x86_64 ]
}

@test "two containers share the cached layers and do not see each other's writes" {
	mci -q image load "$IMAGES/busybox-oci.tar" >/dev/null
	before=$(store_counts)
	mci -q run -d --name ctk-t-img-a --image ctk-busybox:1 -- sh -c 'echo from-a >/tmp/mine; sleep 60' >/dev/null
	mci -q run -d --name ctk-t-img-b --image ctk-busybox:1 -- sleep 60 >/dev/null
	sleep 0.5
	[ "$(mci exec ctk-t-img-a cat /tmp/mine)" = from-a ]
	run mci exec ctk-t-img-b cat /tmp/mine
	[ "$status" -ne 0 ]
	# One lower layer, the same for both; an upper of its own each.
	a=$(grep ' / / ' "/proc/$(init_pid ctk-t-img-a)/mountinfo")
	b=$(grep ' / / ' "/proc/$(init_pid ctk-t-img-b)/mountinfo")
	[ "${a##*lowerdir=}" != "${b##*lowerdir=}" ]
	[ "$(sed 's/.*lowerdir=\([^,]*\).*/\1/' <<<"$a")" = "$(sed 's/.*lowerdir=\([^,]*\).*/\1/' <<<"$b")" ]
	# The write is in a's upper, not in the shared layer.
	[ -z "$(find "$STORE/layers" -name mine)" ]
	[ "$(store_counts)" = "$before" ]
	# An image in use stays.
	run --separate-stderr mci image rm ctk-busybox:1
	[ "$status" -eq 125 ]
	[[ "$stderr" =~ ^minicontainer:\ image\ ctk-busybox:1\ is\ used\ by\ container\ ctk-t-img-[ab]:\ remove\ the\ container\ first$ ]]
	"$MC" rm -f ctk-t-img-a ctk-t-img-b >/dev/null
	run mci image rm ctk-busybox:1
	[ "$status" -eq 0 ]
	[ "$(store_counts)" = "0 0 0 " ]
}

@test "image rm keeps the layers another image still uses" {
	mci -q image load "$IMAGES/layered" >/dev/null
	mci -q image load "$IMAGES/multiarch" >/dev/null
	[ "$(store_counts)" = "2 8 0 " ]
	mci image rm layered
	# multiarch's one layer (and its size file) remain.
	[ "$(store_counts)" = "1 2 0 " ]
	run --separate-stderr mci run --rm --image multiarch -- cat /etc/hostname
	[ "$status" -eq 0 ]
}

@test "bad images: one line, exit 125, nothing left in the store or on the host" {
	check_bad() {
		local img=$1 want=$2
		run --separate-stderr mci image load "$IMAGES/bad/$img"
		echo "$img: $stderr"
		[ "$status" -eq 125 ]
		[ "${#stderr_lines[@]}" -eq 1 ]
		[[ "$stderr" == "minicontainer: "*"$want"* ]]
		[ "$(store_counts)" = "0 0 0 " ]
		# run --image on it: the same refusal, no container state.
		run --separate-stderr mci run --rm --image "$IMAGES/bad/$img"
		[ "$status" -eq 125 ]
		[[ "$stderr" == *"$want"* ]]
		[ "$(store_counts)" = "0 0 0 " ]
	}
	check_bad tampered "wrong digest"
	check_bad missing-blob "is missing from the image"
	check_bad config-not-json "is not a JSON object"
	check_bad media-type "unsupported media type 'application/vnd.example.unknown'"
	check_bad dotdot "entry '../escaped' leaves the layer"
	check_bad symlink-through "entry 'evil/planted' is reached through a symlink"
	check_bad hardlink-out "entry 'link' is a hard link to outside the layer"
	check_bad truncated.tar "Truncated tar archive"
	# Nothing of the escapes landed outside either.
	[ ! -e "$IMAGES/bad/escaped" ] && [ ! -e /tmp/planted ]
	# An unknown name and a bad option.
	run --separate-stderr mci run --rm --image no-such-image
	[ "$status" -eq 125 ]
	[ "$stderr" = "minicontainer: no such image: no-such-image" ]
	run --separate-stderr "$MC" --storage-driver btrfs run --rm --image x
	[ "$status" -eq 125 ]
	[ "${stderr_lines[0]}" = "minicontainer: invalid storage driver 'btrfs': overlay or vfs" ]
}

@test "reading a store that was never made finds it empty and makes nothing" {
	STORE=$SCRATCH/never/made
	run --separate-stderr mci image ls
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ] && [[ "${lines[0]}" == REPOSITORY* ]]
	run --separate-stderr mci image inspect busybox
	[ "$status" -eq 125 ]
	[ "$stderr" = "minicontainer: no such image: busybox" ]
	run --separate-stderr mci image rm busybox
	[ "$status" -eq 125 ]
	[ "$stderr" = "minicontainer: no such image: busybox" ]
	[ ! -e "$SCRATCH/never" ]
}

@test "rootless: an image runs as nobody, copied (vfs), its files the user's" {
	home=$SCRATCH/nobody
	mkdir -p "$home"
	chown 65534:65534 "$home"
	cp -r "$IMAGES/layered" "$SCRATCH/layered"
	chmod -R a+rX "$SCRATCH/layered"
	nobody_mc() {
		as_nobody env HOME="$home" XDG_RUNTIME_DIR= "$BIN/minicontainer" "$@"
	}
	# The image's user 65534 has no ID inside: only uid 0 is mapped.
	run --separate-stderr nobody_mc run --rm --image "$SCRATCH/layered"
	[ "$status" -eq 125 ]
	[ "${stderr_lines[-1]}" = "minicontainer: rootless: user 65534:65534 is not mapped in the user namespace (only 1 IDs from 0 are): try -u root" ]
	run --separate-stderr nobody_mc run --rm -u root --image layered -- 'id -u; stat -c %u /bin/busybox; cat /etc/motd; ls /data'
	echo "$output $stderr"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 0 ]
	[ "${lines[1]}" = 0 ]
	[ "${lines[2]}" = "motd from the top layer" ]
	[ "${lines[3]}" = keep ]
	# The store is the user's own, and the layers in it the user's.
	[ "$(stat -c %u "$home/.local/share/minicontainer/layers")" = 65534 ]
	[ -z "$(find "$home/.local/share/minicontainer/layers" ! -user 65534 | head -1)" ]
	rm -rf /tmp/minicontainer-65534
}

@test "the runtime itself holds no image code: libarchive and libcrypto stay in minicontainer-image" {
	# The image work is minicontainer-image's, a program of its own;
	# the static runtime has none of those libraries' code in it.
	run ldd "$BIN/minicontainer-image"
	[[ "$output" == *libarchive* && "$output" == *libcrypto* ]]
	grep -q archive_read_new "$BIN/minicontainer-image"
	! grep -q archive_read_new "$BIN/minicontainer"
	! grep -q EVP_DigestInit "$BIN/minicontainer"
}
