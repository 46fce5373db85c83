#!/usr/bin/env bats
# Lab 22 (an image is a tar file): it passes in --ci mode and leaves
# nothing behind, also when interrupted; each checker fails, with the
# right hint, on a state where the image or the container is wrong, and
# passes once it is right.  The 'overlay' checker is also tested against
# containers whose overlay root a test mounts itself, in a private mount
# namespace as the runtime does (or, wrongly, on the host), over a store
# unpacked by hand: those need no image support in minicontainer.

load helpers

CHECK=$BATS_TEST_DIRNAME/../../labs/22-images/check
MC=minicontainer
# The containers these tests start; ctk-lab22 is the lab's own.
NAME=ctk-t-lab22

setup() { common_setup; }

teardown() {
	"$MC" rm -f "$NAME" ctk-lab22 >/dev/null 2>&1 || true
	# A test's overlay mounted on the host, before its upper dir goes.
	if mountpoint -q "$SCRATCH/merged" 2>/dev/null; then
		umount "$SCRATCH/merged"
	fi
	common_teardown
}

# What the lab could leave behind: its work dir, mounts, containers, and
# anything in the default image store (the lab uses a store of its own).
leftovers() {
	find /tmp -maxdepth 1 -name 'ctk-lab*' | wc -l
	mount_table | md5sum
	ls -A /run/minicontainer 2>/dev/null | grep -v '^\.lock$' || true
	find /var/lib/minicontainer -mindepth 2 2>/dev/null | wc -l
}

# mk_layout DIR [nowh]: the lab's image, ctk-lab22:1, as an OCI layout in
# DIR (made in $SCRATCH/mk); with nowh, layer 3 has no whiteout.
mk_layout() {
	local out=$1 w=$SCRATCH/mk d1 l1 l2 l3 c m
	rm -rf "$w" && mkdir -p "$w/l2/lab" "$w/l3/lab" "$out/blobs/sha256"
	tar --sort=name --numeric-owner -C "$ROOTFS" -cf "$w/layer1.tar" .
	d1=$(sha256sum "$w/layer1.tar" | cut -d' ' -f1)
	gzip -n "$w/layer1.tar"
	echo 'hello, from layer 2' >"$w/l2/lab/hello.txt"
	echo 'bye, from layer 2' >"$w/l2/lab/bye.txt"
	echo 'layer 3 was here' >"$w/l3/lab/note.txt"
	[ "${2:-}" = nowh ] || touch "$w/l3/lab/.wh.bye.txt"
	tar --sort=name --numeric-owner -C "$w/l2" -cf "$w/layer2.tar" lab
	tar --sort=name --numeric-owner -C "$w/l3" -cf "$w/layer3.tar" lab
	l1=$(blob "$out" "$w/layer1.tar.gz")
	l2=$(blob "$out" "$w/layer2.tar")
	l3=$(blob "$out" "$w/layer3.tar")
	jq -n --arg d1 "sha256:$d1" --arg d2 "sha256:$l2" --arg d3 "sha256:$l3" '{
		architecture: "amd64", os: "linux",
		config: {Env: ["PATH=/bin", "WHO=a tar file"], WorkingDir: "/lab",
			Cmd: ["sh", "-c", "echo \"hello from $WHO in $PWD:\" *"]},
		rootfs: {type: "layers", diff_ids: [$d1, $d2, $d3]}}' >"$w/config.json"
	c=$(blob "$out" "$w/config.json")
	jq -n --arg c "sha256:$c" --argjson cs "$(stat -c %s "$w/config.json")" \
		--arg l1 "sha256:$l1" --argjson s1 "$(stat -c %s "$w/layer1.tar.gz")" \
		--arg l2 "sha256:$l2" --argjson s2 "$(stat -c %s "$w/layer2.tar")" \
		--arg l3 "sha256:$l3" --argjson s3 "$(stat -c %s "$w/layer3.tar")" '{
		schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json",
		config: {mediaType: "application/vnd.oci.image.config.v1+json", digest: $c, size: $cs},
		layers: [
			{mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: $l1, size: $s1},
			{mediaType: "application/vnd.oci.image.layer.v1.tar", digest: $l2, size: $s2},
			{mediaType: "application/vnd.oci.image.layer.v1.tar", digest: $l3, size: $s3}]}' \
		>"$w/manifest.json"
	m=$(blob "$out" "$w/manifest.json")
	write_index "$out" "$m" "$(stat -c %s "$w/manifest.json")" ctk-lab22:1
	echo '{"imageLayoutVersion": "1.0.0"}' >"$out/oci-layout"
}
# Copy a file into layout $1 under its sha256; print the hex.
blob() {
	local h
	h=$(sha256sum "$2" | cut -d' ' -f1)
	cp "$2" "$1/blobs/sha256/$h"
	echo "$h"
}
# write_index LAYOUT MANIFESTHEX SIZE REFNAME
write_index() {
	jq -n --arg m "sha256:$2" --argjson ms "$3" --arg r "$4" '{
		schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json",
		manifests: [{mediaType: "application/vnd.oci.image.manifest.v1+json",
			digest: $m, size: $ms,
			annotations: {"org.opencontainers.image.ref.name": $r}}]}' >"$1/index.json"
}
# The blob of layout $1's manifest, and of its layer N ($2, from 0).
manifest_of() { echo "$1/blobs/sha256/$(jq -r '.manifests[0].digest' "$1/index.json" | cut -d: -f2)"; }
layer_of() { echo "$1/blobs/sha256/$(jq -r ".layers[$2].digest" "$(manifest_of "$1")" | cut -d: -f2)"; }
# Rewrite layout $1's manifest with the jq filter $2, and index.json to
# point at the new blob (as a student fixing one JSON file would).
edit_manifest() {
	local old new
	old=$(manifest_of "$1")
	jq "$2" "$old" >"$SCRATCH/manifest.json"
	rm "$old"
	new=$(blob "$1" "$SCRATCH/manifest.json")
	write_index "$1" "$new" "$(stat -c %s "$SCRATCH/manifest.json")" ctk-lab22:1
}

# fake_store STORE [nowh|plainwh]: a store whose cache holds the lab's
# three layers unpacked by hand, the whiteout in overlayfs form (a 0/0
# character device named bye.txt) as the contract says image load leaves
# it; nowh: no whiteout; plainwh: the .wh. file left as tar made it.
# LOWER is the lowerdir option, top first.
fake_store() {
	local s=$1/layers
	mkdir -p "$s/aaaa1/" "$s/bbbb2/lab" "$s/cccc3/lab"
	cp -a "$ROOTFS/." "$s/aaaa1/"
	echo hello >"$s/bbbb2/lab/hello.txt"
	echo bye >"$s/bbbb2/lab/bye.txt"
	echo note >"$s/cccc3/lab/note.txt"
	case "${2:-}" in
	nowh) ;;
	plainwh) touch "$s/cccc3/lab/.wh.bye.txt" ;;
	*) mknod "$s/cccc3/lab/bye.txt" c 0 0 ;;
	esac
	LOWER=$s/cccc3:$s/bbbb2:$s/aaaa1
}
# sim_run STORE: container $NAME on an overlay of STORE's cache, mounted
# in a private mount namespace that only the runtime and the container
# share, as run --image does; its upper dir in $SCRATCH/state.
sim_run() {
	mkdir -p "$SCRATCH/state/upper" "$SCRATCH/state/work" "$SCRATCH/state/merged"
	unshare --mount --propagation private sh -c '
		mount -t overlay overlay -o "lowerdir=$1,upperdir=$2/upper,workdir=$2/work" "$2/merged" &&
		exec "$3" -q run -d --name "$4" "$2/merged" -- sleep 300' \
		sh "$LOWER" "$SCRATCH/state" "$MC" "$NAME" >/dev/null
}

@test "labs: 22-images passes in --ci mode and leaves nothing behind [vm]" {
	before=$(leftovers)
	run env NO_COLOR=1 "$TOP/labs/22-images/lab" --ci
	echo "$output"
	[ "$status" -eq 0 ]
	# 1: the layout, walked digest by digest.
	[[ "$output" == *" ./bin/busybox"$'\n'* ]]
	[[ "$output" == *"lab/.wh.bye.txt"* ]]
	[[ "$output" =~ blobs/sha256/[0-9a-f]{64}:\ OK ]]
	[[ "$output" == *"PASS /tmp/ctk-lab22."*"/layout is an OCI image layout: index.json names ctk-lab22:1 -> manifest "*"and 3 layers ("*"every digest and size right; layer 3 whites out lab/bye.txt"* ]]
	# 2: the whiteout unpacked as a file, then applied by hand.
	[[ "$output" == *"rootfs/lab/.wh.bye.txt"* ]]
	[[ "$output" == *"PASS /tmp/ctk-lab22."*"/rootfs holds the three layers in order"*"lab/bye.txt deleted by the whiteout, and no .wh. file left"* ]]
	# 3: loaded, listed, run with its Cmd, Env and WorkingDir.
	[[ "$output" == *"Loaded image: ctk-lab22:1"* ]]
	[[ "$output" =~ ctk-lab22\ +1\ +[0-9a-f]{12}\  ]]
	[[ "$output" == *"hello from a tar file in /lab: hello.txt note.txt"* ]]
	# The whiteout in the cache: a 0/0 character device.
	grep -Eq '^c[-rwx]{9} +[0-9]+ root root +0, +0 .* bye\.txt$' <<<"$output"
	# The root: an overlay; the host's table has none with its upper dir.
	[[ "$output" == *"lowerdir"*"/tmp/ctk-lab22."*"/store/layers/"* ]]
	[ "$(grep -A1 '^# grep -c "\$U" /proc/self/mountinfo$' <<<"$output" | tail -1)" = 0 ]
	[[ "$output" == *"PASS process "*" (ctk-lab22)'s root is an overlay (mount "*" of 3 cached layer(s) of /tmp/ctk-lab22."*"/store/layers (top first: "*"the host's mount table does not show it; /lab has hello.txt, bye.txt is whited out"* ]]
	[[ "$output" == *"PASS 22-images: every check passed"* ]]
	[ "$(leftovers)" = "$before" ]
}

@test "labs: 22-images cleans up when interrupted while its container runs" {
	before=$(leftovers)
	NO_COLOR=1 "$TOP/labs/22-images/lab" --ci >"$SCRATCH/lab.out" 2>&1 &
	lab=$!
	# The upper dir is echoed once the container runs, and the lab
	# goes on for a while after (exec, ls, the checker).
	for ((i = 0; i < 1200; i++)); do
		grep -q '^upperdir=/' "$SCRATCH/lab.out" && break
		sleep 0.05
	done
	kill -TERM "$lab" || {
		cat "$SCRATCH/lab.out"
		false
	}
	status=0
	wait "$lab" || status=$?
	[ "$status" -eq 130 ]
	run ! grep -q "== Result ==" "$SCRATCH/lab.out"
	run "$MC" inspect ctk-lab22
	[ "$status" -ne 0 ]
	[ "$(leftovers)" = "$before" ]
}

@test "labs: 22-images cleans up when interrupted while building by hand" {
	before=$(leftovers)
	NO_COLOR=1 "$TOP/labs/22-images/lab" --ci >"$SCRATCH/lab.out" 2>&1 &
	lab=$!
	for ((i = 0; i < 300; i++)); do
		grep -q '^== 2\. ' "$SCRATCH/lab.out" && break
		sleep 0.1
	done
	grep -q '^== 2\. ' "$SCRATCH/lab.out"
	kill -TERM "$lab"
	status=0
	wait "$lab" || status=$?
	[ "$status" -eq 130 ]
	run ! grep -q "== Result ==" "$SCRATCH/lab.out"
	[ "$(leftovers)" = "$before" ]
}

@test "labs: 22 checker 'layout' passes on the lab's image, fails on each broken digest or descriptor" {
	L=$SCRATCH/layout
	mk_layout "$L"
	run "$CHECK" layout "$L"
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^$L\ is\ an\ OCI\ image\ layout:\ index.json\ names\ ctk-lab22:1\ -\>\ manifest\ [0-9a-f]{12}\ -\>\ config\ [0-9a-f]{12}\ and\ 3\ layers\ \([0-9]+/10240/10240\ bytes\),\ every\ digest\ and\ size\ right\;\ layer\ 3\ whites\ out\ lab/bye.txt$ ]]
	# A blob changed after it was named.
	m=$(manifest_of "$L")
	cp "$m" "$SCRATCH/m.save"
	echo ' ' >>"$m"
	run "$CHECK" layout "$L"
	[ "$status" -eq 1 ]
	[[ "${lines[0]}" =~ ^the\ blob\ of\ the\ manifest,\ blobs/sha256/[0-9a-f]{12}\.\.\.,\ hashes\ to\ [0-9a-f]{12}\.\.\.:\ its\ content\ changed\ after\ it\ was\ named$ ]]
	[[ "${lines[1]}" == "hint: a blob is named by the sha256 of its bytes: hash the file again once it is final"* ]]
	cp "$SCRATCH/m.save" "$m"
	# A size given as a string, and a wrong one.
	edit_manifest "$L" '.layers[1].size |= tostring'
	run "$CHECK" layout "$L"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "the descriptor of layer 2 gives its size as a string (10240), not a number" ]
	[ "${lines[1]}" = "hint: \"size\" is a JSON number: jq --argjson, not --arg, keeps \$(stat -c %s FILE) one" ]
	edit_manifest "$L" '.layers[1].size = 99'
	run "$CHECK" layout "$L"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "the descriptor of layer 2 says size 99, but its blob holds 10240 bytes" ]
	[ "${lines[1]}" = "hint: \"size\" is the blob's length in bytes: stat -c %s FILE, once the file is final" ]
	# The gzip layer called a plain tar.
	edit_manifest "$L" '.layers[1].size = 10240 | .layers[0].mediaType = "application/vnd.oci.image.layer.v1.tar"'
	run "$CHECK" layout "$L"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "layer 1 has mediaType 'application/vnd.oci.image.layer.v1.tar', but its blob is a gzip-compressed tar" ]
	[ "${lines[1]}" = "hint: the mediaType tells the runtime how to read the blob: application/vnd.oci.image.layer.v1.tar+gzip" ]
	# The index without the name.
	rm -rf "$L" && mk_layout "$L"
	jq 'del(.manifests[0].annotations)' "$L/index.json" >"$SCRATCH/i" && mv "$SCRATCH/i" "$L/index.json"
	run "$CHECK" layout "$L"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "the manifest's descriptor in index.json is not named ctk-lab22:1" ]
	[[ "${lines[1]}" == *'"org.opencontainers.image.ref.name": "ctk-lab22:1"'* ]]
	# A missing blob, and no oci-layout.
	rm -rf "$L" && mk_layout "$L"
	rm "$(layer_of "$L" 2)"
	run "$CHECK" layout "$L"
	[ "$status" -eq 1 ]
	[[ "${lines[0]}" == "the blob of layer 3 is missing: no $L/blobs/sha256/"* ]]
	rm "$L/oci-layout"
	run "$CHECK" layout "$L"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "$L/oci-layout is missing or does not say imageLayoutVersion 1.0.0" ]
}

@test "labs: 22 checker 'layout' fails on a wrong diff_id and a layer 3 without whiteout" {
	L=$SCRATCH/layout
	mk_layout "$L"
	# The config's first diff_id set to the gzip blob's digest.
	m=$(manifest_of "$L")
	cfg=$L/blobs/sha256/$(jq -r .config.digest "$m" | cut -d: -f2)
	jq --arg d "$(jq -r '.layers[0].digest' "$m")" '.rootfs.diff_ids[0] = $d' "$cfg" >"$SCRATCH/config.json"
	c=$(blob "$L" "$SCRATCH/config.json")
	edit_manifest "$L" ".config.digest = \"sha256:$c\" | .config.size = $(stat -c %s "$SCRATCH/config.json")"
	run "$CHECK" layout "$L"
	[ "$status" -eq 1 ]
	[[ "${lines[0]}" == "the config's diff_id for layer 1 is sha256:"*", but its tar hashes to sha256:"* ]]
	[[ "${lines[1]}" == "hint: rootfs.diff_ids are the sha256 of each layer's uncompressed tar (gzip -dc LAYER | sha256sum)"* ]]
	rm -rf "$L" && mk_layout "$L" nowh
	run "$CHECK" layout "$L"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "layer 3 has no entry lab/.wh.bye.txt" ]
	[ "${lines[1]}" = "hint: a layer deletes a lower file with a whiteout: an empty file named .wh. + the name, in the same directory (touch DIR/lab/.wh.bye.txt before tar)" ]
}

@test "labs: 22 checker 'unpacked' fails on a missing layer or an unapplied whiteout, then passes" {
	L=$SCRATCH/layout R=$SCRATCH/rootfs
	mk_layout "$L"
	mkdir "$R"
	run "$CHECK" unpacked "$R"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "$R has no bin/busybox: layer 1 is not unpacked there" ]
	tar -xf "$(layer_of "$L" 0)" -C "$R"
	tar -xf "$(layer_of "$L" 2)" -C "$R"
	run "$CHECK" unpacked "$R"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "$R has no lab/hello.txt: layer 2 is not unpacked there" ]
	tar -xf "$(layer_of "$L" 1)" -C "$R"
	tar -xf "$(layer_of "$L" 2)" -C "$R"
	# As tar leaves it: the whiteout is one more file.
	run "$CHECK" unpacked "$R"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "$R still has lab/bye.txt, beside the whiteout lab/.wh.bye.txt" ]
	[ "${lines[1]}" = "hint: tar unpacks a whiteout as an ordinary empty file; applying it is the runtime's job: remove the file it names, then the whiteout (rm $R/lab/bye.txt $R/lab/.wh.bye.txt)" ]
	rm "$R/lab/bye.txt"
	run "$CHECK" unpacked "$R"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "$R still holds whiteout file(s): lab/.wh.bye.txt" ]
	rm "$R/lab/.wh.bye.txt"
	run "$CHECK" unpacked "$R"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "$R holds the three layers in order: layer 1's root ("*" entries), lab/hello.txt from layer 2, lab/note.txt from layer 3; lab/bye.txt deleted by the whiteout, and no .wh. file left" ]]
}

@test "labs: 22 checker 'overlay' fails without a container and on one started from a directory" {
	S=$SCRATCH/store
	run "$CHECK" overlay "$S" "$NAME"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "no container $NAME" ]
	[ "${lines[1]}" = "hint: start it detached from the image: minicontainer --storage $S run -d --name $NAME --image ctk-lab22:1 -- sleep 300" ]
	# Started from the rootfs without --image: its root is the directory.
	"$MC" -q run -d --name "$NAME" "$ROOTFS" -- sleep 300 >/dev/null
	run "$CHECK" overlay "$S" "$NAME"
	[ "$status" -eq 1 ]
	[[ "${lines[0]}" =~ ^process\ [0-9]+\ \($NAME\)\'s\ root\ is\ a\ [a-z0-9]+\ mount\ of\ .*,\ not\ an\ overlay$ ]] ||
		[[ "${lines[0]}" == *"is not in $S/layers" ]]
	[[ "${lines[1]}" == "hint: a container started from a directory gets that directory as its root; start it from the image: minicontainer rm -f $NAME, then"* ]] ||
		[[ "${lines[1]}" == "hint: load and run with the same store"* ]]
	# Ended: not running.
	"$MC" rm -f "$NAME" >/dev/null
	"$MC" -q run -d --name "$NAME" "$ROOTFS" -- true >/dev/null
	"$MC" wait "$NAME" >/dev/null
	run "$CHECK" overlay "$S" "$NAME"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "container $NAME is not running" ]
	[ "${lines[1]}" = "hint: its command must last: remove it (minicontainer rm -f $NAME) and start it again with -d and -- sleep 300" ]
}

@test "labs: 22 checker 'overlay' passes on an overlay in a private namespace, fails on one mounted on the host" {
	S=$SCRATCH/store
	fake_store "$S"
	sim_run "$S"
	run "$CHECK" overlay "$S" "$NAME"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" =~ ^process\ [0-9]+\ \($NAME\)\'s\ root\ is\ an\ overlay\ \(mount\ [0-9]+,\ dev\ 0:[0-9]+\)\ of\ 3\ cached\ layer\(s\)\ of\ $S/layers\ \(top\ first:\ cccc3\ bbbb2\ aaaa1\),\ upper\ $SCRATCH/state/upper\;\ the\ host\'s\ mount\ table\ does\ not\ show\ it\;\ /lab\ has\ hello.txt,\ bye.txt\ is\ whited\ out$ ]]
	"$MC" rm -f "$NAME" >/dev/null
	# The same overlay mounted by hand on the host, the container started
	# from it as from a directory.
	mkdir -p "$SCRATCH/up" "$SCRATCH/wk" "$SCRATCH/merged"
	mount -t overlay overlay -o "lowerdir=$LOWER,upperdir=$SCRATCH/up,workdir=$SCRATCH/wk" "$SCRATCH/merged"
	"$MC" -q run -d --name "$NAME" "$SCRATCH/merged" -- sleep 300 >/dev/null
	run "$CHECK" overlay "$S" "$NAME"
	[ "$status" -eq 1 ]
	[[ "${lines[0]}" =~ ^the\ overlay\ under\ process\ [0-9]+\ \($NAME\)\ is\ also\ mounted\ in\ the\ host\'s\ mount\ table,\ at\ $SCRATCH/merged$ ]]
	[ "${lines[1]}" = "hint: it was mounted by hand in the host's mount namespace; run --image mounts the overlay in the runtime's private mount namespace, where only the container sees it: umount $SCRATCH/merged, minicontainer rm -f $NAME, then run it with --image ctk-lab22:1" ]
}

@test "labs: 22 checker 'overlay' fails on layers outside the store, no whiteout, or a plain .wh. file" {
	S=$SCRATCH/store
	fake_store "$S" nowh
	# Another store than the one named.
	sim_run "$S"
	run "$CHECK" overlay "$SCRATCH/other" "$NAME"
	[ "$status" -eq 1 ]
	[[ "${lines[0]}" == "process "*" ($NAME)'s root is an overlay whose lowerdir $S/layers/cccc3:$S/layers/bbbb2:$S/layers/aaaa1 is not in $SCRATCH/other/layers" ]]
	[ "${lines[1]}" = "hint: load and run with the same store: --storage $SCRATCH/other is a global option, before the subcommand (minicontainer --storage $SCRATCH/other run ...)" ]
	# Layer 3 without its whiteout: bye.txt shows through.
	run "$CHECK" overlay "$S" "$NAME"
	[ "$status" -eq 1 ]
	[[ "${lines[0]}" == "process "*" ($NAME) sees /lab/bye.txt, which layer 3 should delete" ]]
	[[ "${lines[1]}" == "hint: the image's third layer has no whiteout for it: add an empty lab/.wh.bye.txt"* ]]
	"$MC" rm -f "$NAME" >/dev/null
	# The whiteout left as tar made it: overlayfs ignores it.
	rm -rf "$S" "$SCRATCH/state"
	fake_store "$S" plainwh
	sim_run "$S"
	run "$CHECK" overlay "$S" "$NAME"
	[ "$status" -eq 1 ]
	[[ "${lines[0]}" == "process "*" ($NAME) sees /lab/bye.txt and an ordinary file /lab/.wh.bye.txt" ]]
	[[ "${lines[1]}" == "hint: overlayfs hides a lower file only behind a 0/0 character device of the same name"* ]]
}

@test "labs: 22 checker 'overlay' on minicontainer's own image root: no whiteout fails, the lab's image passes" {
	S=$SCRATCH/store
	mk_layout "$SCRATCH/nowh" nowh
	"$MC" -q --storage "$S" run -d --name "$NAME" --image "$SCRATCH/nowh" -- sleep 300 >/dev/null
	run "$CHECK" overlay "$S" "$NAME"
	[ "$status" -eq 1 ]
	[[ "${lines[0]}" == "process "*" ($NAME) sees /lab/bye.txt, which layer 3 should delete" ]]
	"$MC" rm -f "$NAME" >/dev/null
	# Control: the lab's image, loaded by name.
	mk_layout "$SCRATCH/layout"
	run --separate-stderr "$MC" --storage "$S" image load "$SCRATCH/layout"
	[ "$status" -eq 0 ]
	[ "$output" = "Loaded image: ctk-lab22:1" ]
	"$MC" -q --storage "$S" run -d --name "$NAME" --image ctk-lab22:1 -- sleep 300 >/dev/null
	run "$CHECK" overlay "$S" "$NAME"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "process "*" ($NAME)'s root is an overlay (mount "*" of 3 cached layer(s) of $S/layers (top first: "*"/lab has hello.txt, bye.txt is whited out" ]]
}

@test "labs: 22 checker: bad usage is status 2" {
	run "$CHECK" layout
	[ "$status" -eq 2 ]
	[ "$output" = "usage: check layout|unpacked DIR | check overlay STORE [NAME]" ]
	run "$CHECK" bogus x
	[ "$status" -eq 2 ]
	[ "$output" = "check: unknown check 'bogus' (layout, unpacked, overlay)" ]
	run "$CHECK" overlay a b c
	[ "$status" -eq 2 ]
}
