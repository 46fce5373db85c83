#!/usr/bin/env bash
# mkrootfs.sh DEST [EXTRA-BINARY...] - the toolkit's default root
# filesystem: busybox-static with one symlink per applet, a minimal /etc,
# and the given static binaries in /bin.  No network, and deterministic:
# the same busybox gives the same tree, file for file, time for time.
set -euo pipefail

dest=${1:?usage: mkrootfs.sh DEST [EXTRA-BINARY...]}
shift
busybox=${BUSYBOX:-/bin/busybox}

if ! "$busybox" --list-full >/dev/null 2>&1; then
	echo "mkrootfs: $busybox is not a working busybox (install" \
		"busybox-static)" >&2
	exit 1
fi
if ldd "$busybox" >/dev/null 2>&1; then
	echo "mkrootfs: $busybox is dynamically linked; the rootfs needs" \
		"busybox-static" >&2
	exit 1
fi

tmp="$dest.tmp.$$"
cleanup() { rm -rf "$tmp"; }
trap cleanup EXIT

mkdir -p "$tmp"
for d in bin sbin usr/bin usr/sbin etc proc sys dev tmp root var/tmp run \
	home; do
	mkdir -p "$tmp/$d"
done
chmod 1777 "$tmp/tmp" "$tmp/var/tmp"
chmod 0700 "$tmp/root"

install -m 0755 "$busybox" "$tmp/bin/busybox"
# One relative symlink per applet, so the tree works wherever it lies.
"$busybox" --list-full | while read -r applet; do
	[ "$applet" = bin/busybox ] && continue
	dir=$(dirname "$applet")
	if [ "$dir" = . ]; then
		target=bin/busybox
	else
		# One ".." per component of the applet's directory.
		up=${dir//[!\/]/}
		target=..${up//\//\/..}/bin/busybox
	fi
	ln -sf "$target" "$tmp/$applet"
done

for bin in "$@"; do
	install -m 0755 "$bin" "$tmp/bin/$(basename "$bin")"
done

cat >"$tmp/etc/passwd" <<'EOT'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOT
cat >"$tmp/etc/group" <<'EOT'
root:x:0:
nogroup:x:65534:
EOT
echo ctk >"$tmp/etc/hostname"
cat >"$tmp/etc/os-release" <<'EOT'
NAME="ctk busybox rootfs"
ID=ctk
PRETTY_NAME="ctk busybox rootfs (the toolkit's default root filesystem)"
EOT
echo 'export PS1="[ctk \w]# "' >"$tmp/etc/profile"

# Fixed times, so two builds are the same tree.
find "$tmp" -exec touch -h -d @0 {} +

rm -rf "$dest"
mv "$tmp" "$dest"
trap - EXIT
echo "mkrootfs: $dest ($(du -sh "$dest" | cut -f1), $(find "$dest" | wc -l) entries)"
