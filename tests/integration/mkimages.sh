#!/usr/bin/env bash
# mkimages.sh ROOTFS OUTDIR - the test images for `minicontainer image`,
# built offline from a busybox root filesystem with podman, skopeo, umoci,
# jq, gzip, zstd and GNU tar.  No registry is ever contacted.
#
# OUTDIR gets:
#   busybox-oci.tar     podman save --format oci-archive, localhost/ctk-busybox:1
#   busybox-docker.tar  the same image, podman save --format docker-archive
#   layered/            OCI layout, tag "layered": rootfs, a layer adding
#                       /data, /opq and /etc/motd, then a layer with the
#                       whiteout data/.wh.gone, the opaque marker
#                       opq/.wh..wh..opq plus opq/new, and a new /etc/motd
#   layered-zstd/       the same image (tag "layered-zstd"), its layers
#                       recompressed with zstd by skopeo
#   layered.tar         oci-archive of layered
#   multiarch/          OCI layout, tag "multiarch": index.json -> a nested
#                       image index listing an arm64 manifest, then amd64
#   small/              a tiny valid OCI layout (tag "small", one layer):
#                       the base every bad/ layout is a copy of
#   bad/tampered/ bad/missing-blob/ bad/config-not-json/ bad/media-type/
#   bad/dotdot/ bad/symlink-through/ bad/hardlink-out/ bad/truncated.tar
#                       each with exactly one defect (see make_bad)
#
# Everything it makes stays under OUTDIR (podman uses vfs storage there, so
# no mounts, and no daemon is started); the scratch parts, OUTDIR/podman and
# OUTDIR/tmp, are removed on exit.  Quiet on success; exit 1 on failure.
# shellcheck disable=SC2016 # $names in single quotes are jq variables
set -euo pipefail
shopt -s inherit_errexit

usage() {
	echo "usage: mkimages.sh ROOTFS OUTDIR" >&2
	exit 2
}
die() {
	echo "mkimages: $*" >&2
	exit 1
}

[ $# -eq 2 ] || usage
[ -x "$1/bin/busybox" ] || die "$1 is not a busybox root filesystem"
rootfs=$(cd "$1" && pwd)
mkdir -p "$2"
out=$(cd "$2" && pwd)
pod=$out/podman
tmp=$out/tmp

readonly OCI_MANIFEST=application/vnd.oci.image.manifest.v1+json
readonly OCI_INDEX=application/vnd.oci.image.index.v1+json
readonly OCI_CONFIG=application/vnd.oci.image.config.v1+json
readonly OCI_LAYER=application/vnd.oci.image.layer.v1.tar
readonly REF_NAME=org.opencontainers.image.ref.name
# Hand-made layers: root-owned, one fixed time, no "./" prefix.
TAR_OPTS=(--format=gnu --numeric-owner --owner=0 --group=0
	--mtime=@1700000000 --no-recursion)

cleanup() { rm -rf "$pod" "$tmp"; }
trap cleanup EXIT

# Start afresh: only the paths this script makes are removed.
cleanup
rm -rf "$out/layered" "$out/layered-zstd" "$out/multiarch" "$out/small" \
	"$out/bad" "$out/busybox-oci.tar" "$out/busybox-docker.tar" \
	"$out/layered.tar"
mkdir -p "$tmp" "$pod/tmp" "$pod/net" "$out/bad"

# ---- OCI layout helpers --------------------------------------------------

hexof() { sha256sum "$1" | cut -d' ' -f1; }
sizeof() { stat -c %s "$1"; }
blob() { echo "$1/blobs/sha256/${2#sha256:}"; }

# put_blob LAYOUT FILE: move FILE into LAYOUT's blobs; print its digest.
put_blob() {
	local hex
	hex=$(hexof "$2")
	mkdir -p "$1/blobs/sha256"
	mv -f "$2" "$1/blobs/sha256/$hex"
	echo "sha256:$hex"
}

# put_json LAYOUT JSON: store JSON, compact, as a blob; print its digest.
put_json() {
	jq -cj . <<<"$2" >"$tmp/json"
	put_blob "$1" "$tmp/json"
}

# descriptor MEDIATYPE DIGEST LAYOUT: an OCI descriptor of a stored blob.
descriptor() {
	jq -cn --arg m "$1" --arg d "$2" --argjson s "$(sizeof "$(blob "$3" "$2")")" \
		'{mediaType: $m, digest: $d, size: $s}'
}

# new_layout LAYOUT TAG CONFIG-JSON: an image layout with no layers yet.
new_layout() {
	local c m
	mkdir -p "$1/blobs/sha256"
	echo '{"imageLayoutVersion":"1.0.0"}' >"$1/oci-layout"
	c=$(put_json "$1" "$3")
	m=$(put_json "$1" "$(jq -n --argjson c "$(descriptor "$OCI_CONFIG" "$c" "$1")" \
		--arg mt "$OCI_MANIFEST" \
		'{schemaVersion: 2, mediaType: $mt, config: $c, layers: []}')")
	jq -n --argjson d "$(descriptor "$OCI_MANIFEST" "$m" "$1")" \
		--arg k "$REF_NAME" --arg t "$2" \
		'{schemaVersion: 2, manifests: [$d + {annotations: {($k): $t}}]}' \
		>"$1/index.json"
}

# The layouts edited below have one image manifest, index.json's first.
manifest_of() { blob "$1" "$(jq -r '.manifests[0].digest' "$1/index.json")"; }
config_of() { blob "$1" "$(jq -r '.config.digest' "$(manifest_of "$1")")"; }

# edit_manifest LAYOUT JQ-ARGS...: rewrite the manifest with jq, store it
# and point index.json at it (digest and size; annotations are kept).
edit_manifest() {
	local layout=$1 m
	shift
	m=$(put_json "$layout" "$(jq "$@" "$(manifest_of "$layout")")")
	jq --arg d "$m" --argjson s "$(sizeof "$(blob "$layout" "$m")")" \
		'.manifests[0].digest = $d | .manifests[0].size = $s' \
		"$layout/index.json" >"$tmp/index.json"
	mv -f "$tmp/index.json" "$layout/index.json"
}

# edit_config LAYOUT JQ-ARGS...: rewrite the config with jq, then the
# manifest and index.json so that they point at the new one.
edit_config() {
	local layout=$1 c
	shift
	c=$(put_json "$layout" "$(jq "$@" "$(config_of "$layout")")")
	edit_manifest "$layout" --arg c "$c" \
		--argjson s "$(sizeof "$(blob "$layout" "$c")")" \
		'.config.digest = $c | .config.size = $s'
}

# add_layer LAYOUT TAR [gzip|zstd|none]: append the hand-made TAR as the top
# layer.  The blob's digest is that of the compressed file; the sha256 of
# the tar itself goes to the config's rootfs.diff_ids (and a history entry
# is added when the config has a history); config, manifest and index.json
# are re-hashed; the blobs no longer referenced are removed.
add_layer() {
	local layout=$1 tarfile=$2 comp=${3:-gzip} mt=$OCI_LAYER diffid b
	diffid=sha256:$(hexof "$tarfile")
	case $comp in
	gzip)
		gzip -n -c "$tarfile" >"$tmp/layer"
		mt=$mt+gzip
		;;
	zstd)
		zstd -q -c "$tarfile" >"$tmp/layer"
		mt=$mt+zstd
		;;
	none) cp "$tarfile" "$tmp/layer" ;;
	*) die "add_layer: unknown compression $comp" ;;
	esac
	b=$(put_blob "$layout" "$tmp/layer")
	edit_config "$layout" --arg d "$diffid" --arg by "mkimages.sh: $(basename "$tarfile")" '
		.rootfs.diff_ids += [$d]
		| if has("history") then .history += [{created: "2023-11-14T22:13:20Z", created_by: $by}]
		  else . end'
	edit_manifest "$layout" --argjson l "$(descriptor "$mt" "$b" "$layout")" \
		'.layers += [$l]'
	prune "$layout"
}

# referenced LAYOUT: the digests of every blob reachable from index.json.
referenced() {
	local layout=$1 d d2 mt
	jq -r '.manifests[] | "\(.digest) \(.mediaType)"' "$layout/index.json" |
		while read -r d mt; do
			echo "$d"
			case $mt in
			"$OCI_INDEX")
				jq -r '.manifests[].digest' "$(blob "$layout" "$d")" |
					while read -r d2; do
						echo "$d2"
						jq -r '.config.digest, .layers[].digest' "$(blob "$layout" "$d2")"
					done
				;;
			*) jq -r '.config.digest, .layers[].digest' "$(blob "$layout" "$d")" ;;
			esac
		done | sort -u
}

# prune LAYOUT: remove the blobs index.json does not lead to.
prune() {
	local f keep
	keep=$(referenced "$1")
	for f in "$1"/blobs/sha256/*; do
		grep -qxF "sha256:${f##*/}" <<<"$keep" || rm -f "$f"
	done
}

# mktar OUT DIR [TAR-OPTION...] ENTRY...: a tar of exactly these entries
# of DIR, in this order.
mktar() {
	local o=$1 d=$2
	shift 2
	tar -C "$d" "${TAR_OPTS[@]}" -cf "$o" "$@"
}

# ---- podman: busybox-oci.tar and busybox-docker.tar ----------------------

# CNI when its plugins are there: its lock file goes to network_config_dir
# (here, OUTDIR; by default /etc/cni/net.d/cni.lock), whereas netavark
# creates /run/containers/networks whatever the configuration says.
network_backend=netavark
for d in /usr/local/libexec/cni /usr/libexec/cni /usr/local/lib/cni \
	/usr/lib/cni /opt/cni/bin; do
	if [ -d "$d" ]; then
		network_backend=cni
	fi
done
cat >"$pod/containers.conf" <<EOF
[containers]
default_ulimits = []

[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$pod/events.log"
tmp_dir = "$pod/tmp"

[network]
network_backend = "$network_backend"
network_config_dir = "$pod/net"
EOF
cat >"$pod/storage.conf" <<EOF
[storage]
driver = "vfs"
graphroot = "$pod/root"
runroot = "$pod/run"
EOF
cat >"$pod/registries.conf" <<EOF
unqualified-search-registries = []
EOF
echo '{"default":[{"type":"insecureAcceptAnything"}]}' >"$pod/policy.json"
export CONTAINERS_CONF=$pod/containers.conf
export CONTAINERS_STORAGE_CONF=$pod/storage.conf
export CONTAINERS_REGISTRIES_CONF=$pod/registries.conf
export TMPDIR=$pod/tmp

pm() {
	podman --root "$pod/root" --runroot "$pod/run" --storage-driver vfs "$@"
}
sk() {
	skopeo --policy "$pod/policy.json" --tmpdir "$pod/tmp" "$@"
}

tar -C "$rootfs" --numeric-owner -cf "$tmp/rootfs.tar" .
# $GREETING and $(...) are for the container's shell, not this one.
pm import -q \
	--change 'CMD ["/bin/sh","-c","echo hello from $GREETING in $(pwd) as $(id -u)"]' \
	--change ENV=GREETING=image --change WORKDIR=/tmp --change USER=65534 \
	"$tmp/rootfs.tar" localhost/ctk-busybox:1 >/dev/null
pm save -q --format oci-archive -o "$out/busybox-oci.tar" localhost/ctk-busybox:1
pm save -q --format docker-archive -o "$out/busybox-docker.tar" \
	localhost/ctk-busybox:1

# ---- layered/, layered-zstd/, layered.tar --------------------------------

L=$out/layered
umoci init --layout "$L"
umoci new --image "$L:layered"
umoci raw add-layer --image "$L:layered" --history.created_by "busybox rootfs" \
	"$tmp/rootfs.tar"

s=$tmp/layer-b
mkdir -p "$s/data" "$s/opq" "$s/etc"
echo keep >"$s/data/keep"
printf gone >"$s/data/gone"
echo old1 >"$s/opq/old1"
echo old2 >"$s/opq/old2"
echo "motd from the second layer" >"$s/etc/motd"
chmod 0755 "$s/data" "$s/opq" "$s/etc"
chmod 0644 "$s"/data/* "$s"/opq/* "$s/etc/motd"
mktar "$tmp/layer-b.tar" "$s" data data/keep data/gone opq opq/old1 opq/old2 \
	etc etc/motd

s=$tmp/layer-c
mkdir -p "$s/data" "$s/opq" "$s/etc"
: >"$s/data/.wh.gone"
: >"$s/opq/.wh..wh..opq"
echo new >"$s/opq/new"
echo "motd from the top layer" >"$s/etc/motd"
chmod 0755 "$s/data" "$s/opq" "$s/etc"
chmod 0644 "$s/data/.wh.gone" "$s/opq/.wh..wh..opq" "$s/opq/new" "$s/etc/motd"
mktar "$tmp/layer-c.tar" "$s" data data/.wh.gone opq opq/.wh..wh..opq opq/new \
	etc etc/motd

umoci raw add-layer --image "$L:layered" --history.created_by "layer b: data, opq, motd" \
	"$tmp/layer-b.tar"
umoci raw add-layer --image "$L:layered" --history.created_by "layer c: whiteouts, new motd" \
	"$tmp/layer-c.tar"
umoci config --image "$L:layered" --no-history \
	--config.entrypoint /bin/sh --config.entrypoint -c \
	--config.cmd 'cat /etc/motd; ls /data /opq' \
	--config.env PATH=/usr/sbin:/usr/bin:/sbin:/bin --config.env LAYERED=yes \
	--config.workingdir /data --config.user 65534:65534 \
	--config.exposedports 8080/tcp --config.label org.example.course=ctk
umoci gc --layout "$L"

sk copy -q --dest-compress-format zstd "oci:$L:layered" "oci:$out/layered-zstd:layered-zstd"
sk copy -q "oci:$L:layered" "oci-archive:$out/layered.tar:layered"

# ---- multiarch/ ----------------------------------------------------------

M=$out/multiarch
mkdir -p "$M"
tar -C "$M" -xf "$out/busybox-oci.tar"
amd64_m=$(jq -r '.manifests[0].digest' "$M/index.json")
amd64_c=$(jq -r '.config.digest' "$(blob "$M" "$amd64_m")")
arm64_c=$(put_json "$M" "$(jq '.architecture = "arm64" | .variant = "v8"' \
	"$(blob "$M" "$amd64_c")")")
arm64_m=$(put_json "$M" "$(jq --argjson c "$(descriptor "$OCI_CONFIG" "$arm64_c" "$M")" \
	'.config = $c' "$(blob "$M" "$amd64_m")")")
nested=$(put_json "$M" "$(jq -n --arg mt "$OCI_INDEX" \
	--argjson arm "$(descriptor "$OCI_MANIFEST" "$arm64_m" "$M")" \
	--argjson amd "$(descriptor "$OCI_MANIFEST" "$amd64_m" "$M")" '
	{schemaVersion: 2, mediaType: $mt, manifests: [
		$arm + {platform: {architecture: "arm64", os: "linux", variant: "v8"}},
		$amd + {platform: {architecture: "amd64", os: "linux"}}]}')")
jq -n --argjson d "$(descriptor "$OCI_INDEX" "$nested" "$M")" \
	--arg k "$REF_NAME" \
	'{schemaVersion: 2, manifests: [$d + {annotations: {($k): "multiarch"}}]}' \
	>"$M/index.json"

# ---- small/ and the bad images -------------------------------------------

S=$out/small
new_layout "$S" small '{"architecture": "amd64", "os": "linux",
	"config": {"Cmd": ["/hello"]}, "rootfs": {"type": "layers", "diff_ids": []}}'
s=$tmp/small
mkdir -p "$s"
echo hello >"$s/hello"
chmod 0644 "$s/hello"
mktar "$tmp/hello.tar" "$s" hello
add_layer "$S" "$tmp/hello.tar"

# bad_copy NAME: a copy of small/ as bad/NAME, tagged NAME; prints its path.
bad_copy() {
	local b=$out/bad/$1
	cp -a "$S" "$b"
	jq --arg k "$REF_NAME" --arg t "$1" '.manifests[0].annotations[$k] = $t' \
		"$b/index.json" >"$tmp/index.json"
	mv -f "$tmp/index.json" "$b/index.json"
	echo "$b"
}

# first_layer LAYOUT: the path of the manifest's first layer blob.
first_layer() { blob "$1" "$(jq -r '.layers[0].digest' "$(manifest_of "$1")")"; }

make_bad() {
	local b f off byte s

	# One byte of the layer blob changed; its name (digest) kept.  The byte
	# is the first of the gzip header's MTIME (0 with gzip -n), which gzip
	# ignores: the blob still decompresses to the same tar, so only a sha256
	# check of the blob can catch it.
	b=$(bad_copy tampered)
	f=$(first_layer "$b")
	off=4
	byte=$(od -An -tu1 -j "$off" -N1 "$f" | tr -d ' ')
	printf %b "\\0$(printf %o $(((byte + 1) % 256)))" |
		dd of="$f" bs=1 seek="$off" conv=notrunc status=none

	# The layer blob is gone.
	b=$(bad_copy missing-blob)
	rm -f "$(first_layer "$b")"

	# The config is not JSON; digest and size right, manifest re-hashed.
	b=$(bad_copy config-not-json)
	printf 'not json' >"$tmp/config"
	f=$(put_blob "$b" "$tmp/config")
	edit_manifest "$b" --arg c "$f" --argjson s 8 \
		'.config.digest = $c | .config.size = $s'
	prune "$b"

	# A layer of an unknown media type.
	b=$(bad_copy media-type)
	edit_manifest "$b" '.layers[0].mediaType = "application/vnd.example.unknown"'
	prune "$b"

	# A layer entry ../escaped (GNU tar keeps it with --absolute-names).
	b=$(bad_copy dotdot)
	s=$tmp/dotdot
	mkdir -p "$s"
	echo escaped >"$s/escaped"
	mktar "$tmp/dotdot.tar" "$s" --absolute-names \
		--transform='s,^escaped$,../escaped,' escaped
	add_layer "$b" "$tmp/dotdot.tar"

	# evil -> /tmp, then evil/planted: a file reached through the symlink.
	b=$(bad_copy symlink-through)
	s=$tmp/symlink-through
	mkdir -p "$s/x"
	ln -s /tmp "$s/evil"
	echo planted >"$s/x/planted"
	mktar "$tmp/symlink-through.tar" "$s" --transform='flags=r;s,^x/,evil/,' \
		evil x/planted
	add_layer "$b" "$tmp/symlink-through.tar"

	# A hard link "link" to ../../etc/passwd.  GNU tar stores a hard link
	# only after its first name, so the layer also holds the harmless
	# regular file hl-source; the link target is rewritten (flags=h).
	b=$(bad_copy hardlink-out)
	s=$tmp/hardlink-out
	mkdir -p "$s"
	echo source >"$s/hl-source"
	ln "$s/hl-source" "$s/link"
	mktar "$tmp/hardlink-out.tar" "$s" --absolute-names \
		--transform='flags=h;s,^hl-source$,../../etc/passwd,' hl-source link
	add_layer "$b" "$tmp/hardlink-out.tar"

	# An archive cut to half its size.
	head -c $(($(sizeof "$out/busybox-oci.tar") / 2)) "$out/busybox-oci.tar" \
		>"$out/bad/truncated.tar"
}
make_bad

# ---- self-check ----------------------------------------------------------

# check_blob LAYOUT DIGEST SIZE: the blob is there and of this size.
check_blob() {
	local f
	f=$(blob "$1" "$2")
	[ -f "$f" ] || {
		echo "missing blob: $2"
		return 1
	}
	[ "$(sizeof "$f")" = "$3" ] || {
		echo "size mismatch: $2"
		return 1
	}
}

# check_layout LAYOUT: print the first problem and fail, or succeed if
# every blob matches its name and every descriptor reachable from
# index.json (through one nested index) names a present blob of the right
# size and a known media type, every config is JSON, and each layer's
# uncompressed sha256 is the config's diff_id.
check_layout() {
	local layout=$1 f d size mt m c id diff
	[ -f "$layout/oci-layout" ] || {
		echo "no oci-layout"
		return 1
	}
	[ -f "$layout/index.json" ] || {
		echo "no index.json"
		return 1
	}
	for f in "$layout"/blobs/sha256/*; do
		[ "$(hexof "$f")" = "${f##*/}" ] || {
			echo "digest mismatch: ${f##*/}"
			return 1
		}
	done
	jq -r '.manifests[] | "\(.digest) \(.size) \(.mediaType)"' \
		"$layout/index.json" >"$tmp/top"
	: >"$tmp/manifests"
	while read -r d size mt; do
		check_blob "$layout" "$d" "$size" || return 1
		case $mt in
		"$OCI_INDEX")
			jq -r '.manifests[] | "\(.digest) \(.size) \(.mediaType)"' \
				"$(blob "$layout" "$d")" >>"$tmp/manifests"
			;;
		*) echo "$d $size $mt" >>"$tmp/manifests" ;;
		esac
	done <"$tmp/top"
	while read -r d size mt; do
		[ "$mt" = "$OCI_MANIFEST" ] || {
			echo "unknown media type: $mt"
			return 1
		}
		check_blob "$layout" "$d" "$size" || return 1
		m=$(blob "$layout" "$d")
		jq -r '.config, .layers[] | "\(.digest) \(.size) \(.mediaType)"' \
			"$m" >"$tmp/blobs"
		while read -r d size mt; do
			check_blob "$layout" "$d" "$size" || return 1
			case $mt in
			"$OCI_CONFIG" | "$OCI_LAYER" | "$OCI_LAYER+gzip" | "$OCI_LAYER+zstd") ;;
			*)
				echo "unknown media type: $mt"
				return 1
				;;
			esac
		done <"$tmp/blobs"
		c=$(blob "$layout" "$(jq -r .config.digest "$m")")
		jq -e .rootfs.diff_ids "$c" >/dev/null 2>&1 || {
			echo "config not JSON: ${c##*/}"
			return 1
		}
		jq -e --slurpfile c "$c" \
			'(.layers | length) == ($c[0].rootfs.diff_ids | length)' \
			"$m" >/dev/null || {
			echo "diff_ids do not match the layers"
			return 1
		}
		jq -r --slurpfile c "$c" '.layers | to_entries[]
			| "\(.value.digest) \(.value.mediaType) \($c[0].rootfs.diff_ids[.key])"' \
			"$m" >"$tmp/layers"
		while read -r d mt id; do
			f=$(blob "$layout" "$d")
			case $mt in
			*+gzip) diff=$(gzip -dc "$f" | sha256sum) ;;
			*+zstd) diff=$(zstd -qdc "$f" | sha256sum) ;;
			*) diff=$(sha256sum <"$f") ;;
			esac
			[ "sha256:${diff%% *}" = "$id" ] || {
				echo "diff_id mismatch: $d"
				return 1
			}
		done <"$tmp/layers"
	done <"$tmp/manifests"
}

# has_entry NAME REGEX: a line of `tar -tvP` (-P: ../ shown as it is) of
# bad/NAME's top layer matches REGEX.  (No `| grep -q`: with pipefail, tar
# killed by SIGPIPE would fail the pipeline.)
has_entry() {
	local f list
	f=$(blob "$out/bad/$1" "$(jq -r '.layers[-1].digest' "$(manifest_of "$out/bad/$1")")")
	list=$(gzip -dc "$f" | tar -tvP)
	grep -q -- "$2" <<<"$list" || die "self-check: bad/$1 has no entry like $2"
}

self_check() {
	local l msg a name
	mkdir -p "$tmp/archives"
	for a in busybox-oci layered; do
		mkdir -p "$tmp/archives/$a"
		tar -C "$tmp/archives/$a" -xf "$out/$a.tar"
	done
	for l in "$out/layered" "$out/layered-zstd" "$out/multiarch" "$out/small" \
		"$tmp/archives/busybox-oci" "$tmp/archives/layered"; do
		msg=$(check_layout "$l") || die "self-check: ${l#"$out"/}: $msg"
	done
	jq -e '.manifests[0].mediaType == "'"$OCI_INDEX"'"' "$out/multiarch/index.json" >/dev/null ||
		die "self-check: multiarch has no nested index"
	[ "$(jq -r '.manifests[0].annotations["'"$REF_NAME"'"]' "$out/layered/index.json")" = layered ] ||
		die "self-check: layered has no tag layered"
	[ "$(jq '.layers | length' "$(manifest_of "$out/layered")")" -ge 3 ] ||
		die "self-check: layered has fewer than 3 layers"
	jq -e '[.layers[].mediaType] | all(endswith("+zstd"))' \
		"$(manifest_of "$out/layered-zstd")" >/dev/null ||
		die "self-check: layered-zstd is not zstd-compressed"
	tar -xOf "$out/busybox-docker.tar" manifest.json |
		jq -e '.[0].RepoTags == ["localhost/ctk-busybox:1"]' >/dev/null ||
		die "self-check: busybox-docker.tar is not tagged"

	# Each bad layout fails the check for its own reason, or passes it
	# and has the bad tar entry.
	for name in tampered:'digest mismatch' missing-blob:'missing blob' \
		config-not-json:'config not JSON' media-type:'unknown media type'; do
		l=$out/bad/${name%%:*}
		if msg=$(check_layout "$l"); then
			die "self-check: bad/${name%%:*} passes"
		fi
		[[ $msg == "${name#*:}"* ]] ||
			die "self-check: bad/${name%%:*}: $msg, not ${name#*:}"
	done
	for name in dotdot symlink-through hardlink-out; do
		msg=$(check_layout "$out/bad/$name") || die "self-check: bad/$name: $msg"
	done
	has_entry dotdot ' \.\./escaped$'
	has_entry symlink-through ' evil -> /tmp$'
	has_entry symlink-through ' evil/planted$'
	has_entry hardlink-out '^h.* link link to \.\./\.\./etc/passwd$'
	if tar -tf "$out/bad/truncated.tar" >/dev/null 2>&1; then
		die "self-check: bad/truncated.tar reads whole"
	fi
}
self_check
