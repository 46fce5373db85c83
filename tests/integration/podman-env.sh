# podman-env.sh - sourced, as root, inside a private mount namespace
# with tmpfs on /var/lib and /run: podman configured in $SCRATCH/p with
# minicontainer ($MC) registered as a runtime (DESIGN.md's settings for
# these machines), and pm, podman on that storage (with --runtime
# $PM_RUNTIME if set).  $NOJSON, if set, replaces the
# runtime_supports_json line (a fixture: podman then passes no --log).
# shellcheck shell=bash
export P=$SCRATCH/p
mkdir -p "$P/tmp" "$P/net"
rsj='runtime_supports_json = ["minicontainer", "crun", "runc"]'
rsj=${NOJSON:-$rsj}
cat >"$P/containers.conf" <<EOF_CONF
[containers]
default_ulimits = []
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$P/events.log"
tmp_dir = "$P/tmp"
$rsj
[engine.runtimes]
minicontainer = ["$MC"]
[network]
network_backend = "cni"
network_config_dir = "$P/net"
EOF_CONF
printf '[storage]\ndriver = "vfs"\ngraphroot = "%s"\nrunroot = "%s"\n' \
	"$P/root" "$P/run" >"$P/storage.conf"
export CONTAINERS_CONF=$P/containers.conf
export CONTAINERS_STORAGE_CONF=$P/storage.conf TMPDIR=$P/tmp
pm() {
	podman --root "$P/root" --runroot "$P/run" \
		${PM_RUNTIME:+--runtime "$PM_RUNTIME"} "$@"
}
