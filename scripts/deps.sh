#!/usr/bin/env bash
# deps.sh GROUP... - install the Debian/Ubuntu packages a target needs.
#
# Prints nothing when everything is present.  Otherwise prints what it
# installs and runs apt-get install --no-remove (never removes anything a
# user has).  On other distributions it prints the packages and stops.
set -euo pipefail

packages_for() {
	case "$1" in
	build) echo gcc make libc6-dev pkg-config libcap-dev libseccomp-dev libjansson-dev \
		libarchive-dev libssl-dev ;;
	rootfs) echo busybox-static ;;
	check) echo check bats util-linux shellcheck man-db expect jq file iproute2 nftables \
		attr podman skopeo umoci zstd runc containerd tmux libcap2-bin \
		clang libclang-rt-dev ;;
	vm) echo qemu-system-x86 kmod busybox-static xz-utils zstd ;;
	bench) echo util-linux time bc jq runc crun bubblewrap podman gnuplot-nox ;;
	*)
		echo "deps.sh: unknown group '$1'" >&2
		return 2
		;;
	esac
}

want=()
for group in "$@"; do
	read -r -a pkgs <<<"$(packages_for "$group")"
	want+=("${pkgs[@]}")
done
[ "${#want[@]}" -gt 0 ] || exit 0

if ! command -v dpkg-query >/dev/null || ! command -v apt-get >/dev/null; then
	echo "deps: not a Debian/Ubuntu system; install the equivalents of" \
		"these Debian packages, then run make again: ${want[*]}" >&2
	exit 1
fi

# dpkg-query lists only packages it knows; anything not "ii" is missing.
missing=()
for p in "${want[@]}"; do
	dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null | grep -q '^ii' ||
		missing+=("$p")
done
[ "${#missing[@]}" -gt 0 ] || exit 0

echo "deps: installing ${missing[*]} (apt-get install --no-remove)" >&2
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: run as root: apt-get install --no-remove ${missing[*]}" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y --no-remove "${missing[@]}" >&2; then
	apt-get update >&2
	apt-get install -y --no-remove "${missing[@]}" >&2
fi
