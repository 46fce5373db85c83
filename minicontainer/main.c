/*
 * minicontainer - the primitives of this toolkit composed into a
 * container runtime.  `run` starts one: new namespaces, pivot_root into
 * the root filesystem, /dev and the masked paths, an init as PID 1, and
 * the command with reduced capabilities, no_new_privs and a seccomp
 * filter.  Exit codes follow docker run.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <getopt.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "caps.h"
#include "cli.h"
#include "container.h"
#include "idmap.h"
#include "image-run.h"
#include "lifecycle.h"
#include "ns.h"
#include "nat.h"
#include "nstable.h"
#include "oci.h"
#include "oci-config.h"
#include "state.h"
#include "options.h"
#include "report.h"
#include "seccomp-filter.h"
#include "selfexe.h"
#include "trace.h"

#define DEFAULT_PATH	"/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:" \
			"/sbin:/bin"
#define MAX_LIST	64

/*
 * Tests only: MINICONTAINER_TEST_STOP_AT=N stops whichever process of
 * the start reaches numbered step N (SIGSTOP, after a line "stopped at
 * step N" on stderr), so that a test can SIGKILL the runtime at exactly
 * that point and prove that cleanup finds everything it had made.
 * Steps are counted when narrated: it needs -v.
 */
static int stop_at;

static void stop_hook(int n)
{
	if (n == stop_at) {
		fprintf(stderr, "minicontainer: stopped at step %d\n", n);
		fflush(stderr);
		/* A PID namespace's init ignores a SIGSTOP of its own. */
		if (getpid() == 1)
			for (;;)
				pause();
		raise(SIGSTOP);
	}
}

/* minicontainer-image sits beside this binary: remember where while
 * /proc/self/exe still names the file, not the sealed copy. */
static void set_image_helper(void)
{
	char exe[PATH_MAX], *slash;
	ssize_t n;

	if (getenv("CTK_IMAGE_HELPER"))
		return;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 32);
	if (n <= 0)
		return;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (!slash || strncmp(exe, "/memfd:", 7) == 0)
		return;
	strcpy(slash + 1, "minicontainer-image");
	setenv("CTK_IMAGE_HELPER", exe, 1);
}

static void usage(void)
{
	printf("Usage:\n"
	       " %1$s [options] run [run options] [ROOTFS] [-- COMMAND "
	       "[ARG...]]\n"
	       " %1$s [options] run [run options] --image IMAGE [[--] COMMAND "
	       "[ARG...]]\n"
	       " %1$s [options] ps [-a] | wait | logs [-f] | stop [-t SEC] | "
	       "kill [-s SIG] |\n"
	       "                     rm [-f] NAME|ID...\n"
	       " %1$s [options] exec [-i] [-t] [-e KEY=VALUE] [-w DIR] [-u USER] "
	       "NAME|ID [--] COMMAND...\n"
	       " %1$s [options] inspect [--json] NAME|ID\n"
	       " %1$s [options] cleanup\n"
	       " %1$s [options] image load FILE|DIR | ls | inspect IMAGE | "
	       "rm IMAGE...\n"
	       " %1$s [options] create|start|state|kill|delete|run|exec|list|"
	       "ps|pause|resume|\n"
	       "                     features ...  (the OCI runtime CLI, as "
	       "runc's)\n\n"
	       "A container runtime built from this toolkit's primitives.\n\n"
	       "Commands:\n"
	       " run                 start a container on ROOTFS (default: "
	       "the embedded\n"
	       "                     busybox root) running COMMAND (default: "
	       "a shell) and\n"
	       "                     wait for it; 'run --help' lists its "
	       "options\n"
	       " exec                run a command in a running container: "
	       "its namespaces,\n"
	       "                     cgroup, credentials and seccomp filter "
	       "(-i, -t as run)\n"
	       " inspect             its state, then its command as the kernel "
	       "sees it:\n"
	       "                     namespaces, id maps, capabilities, "
	       "seccomp, cgroup, root\n"
	       " ps                  the running containers (-a: all)\n"
	       " wait                wait for one to end; print its status\n"
	       " logs                a detached container's output (-f: "
	       "follow)\n"
	       " stop                SIGTERM, then SIGKILL after -t seconds "
	       "(10)\n"
	       " kill                send a signal (-s; default KILL)\n"
	       " rm                  remove an ended one (-f: running too)\n"
	       " cleanup             undo what killed containers left: "
	       "cgroups, links,\n"
	       "                     rules, state\n"
	       " image               load an OCI archive, docker save tar or "
	       "OCI layout (every\n"
	       "                     blob's sha256 checked); ls, inspect, rm "
	       "('image --help')\n\n"
	       "Options:\n"
	       " -q, --quiet         show nothing but errors\n"
	       " -v, --verbose       print every step of the start, "
	       "numbered, on stderr\n"
	       "     --trace FILE    run: every step of the start, timed, "
	       "into FILE as\n"
	       "                     Chrome trace-event JSON "
	       "(chrome://tracing, Perfetto)\n"
	       "     --root DIR      keep the containers' state in DIR "
	       "(default\n"
	       "                     /run/minicontainer; for others "
	       "$XDG_RUNTIME_DIR/minicontainer)\n"
	       "     --storage DIR   keep images and layers in DIR (default\n"
	       "                     /var/lib/minicontainer; for others "
	       "$XDG_DATA_HOME/minicontainer)\n"
	       "     --storage-driver overlay|vfs  stack an image's layers "
	       "(overlayfs;\n"
	       "                     default) or copy them per container\n"
	       "     --log FILE      OCI: errors (and --debug lines) also to "
	       "FILE\n"
	       "     --log-format text|json  OCI: JSON lines {level, msg, "
	       "time}\n"
	       "     --debug         OCI: print every step, as --verbose\n"
	       "     --systemd-cgroup  refused: cgroups are managed as "
	       "cgroupfs\n"
	       " -h, --help          display this help\n"
	       " -V, --version       display version\n\n"
	       "Exit status (as docker run): 125 minicontainer's own error, "
	       "126 the command\ncannot be executed, 127 not found, "
	       "otherwise the command's status\n(128+N if killed by signal "
	       "N).\n", rep_prog());
}

static void run_usage(void)
{
	printf("Usage:\n"
	       " %1$s run [options] [ROOTFS] [-- COMMAND [ARG...]]\n"
	       " %1$s run [options] --image IMAGE [[--] COMMAND [ARG...]]\n\n"
	       "Start a container and wait for it: new mount, UTS, IPC, PID, "
	       "network and\ncgroup namespaces; the root switched with "
	       "pivot_root(2); /proc, a minimal\n/dev and a read-only /sys, "
	       "with the kernel's sensitive files masked;\nan init as PID 1; "
	       "the command with podman's default capabilities,\n"
	       "no_new_privs and a seccomp filter.\n\n"
	       "Options:\n"
	       "     --hostname NAME     the container's hostname (default: "
	       "its ID)\n"
	       " -e, --env KEY[=VALUE]   set a variable (KEY alone: the "
	       "host's value)\n"
	       "     --env-file FILE     variables from FILE, one KEY=VALUE "
	       "per line\n"
	       " -w, --workdir DIR       the working directory inside "
	       "(default /)\n"
	       " -u, --user USER[:GROUP] a name or number from the "
	       "container's /etc/passwd\n"
	       "     --group-add GROUP   one more supplementary group\n"
	       "     --cap-add CAP       keep a capability (NET_ADMIN, ..., "
	       "or ALL)\n"
	       "     --cap-drop CAP      drop a capability (or ALL)\n"
	       "     --seccomp PROFILE   unconfined, or a JSON profile "
	       "(docker's format)\n"
	       "     --security-opt OPT  no-new-privileges[=true|false] "
	       "(default true),\n"
	       "                         or seccomp=PROFILE (as --seccomp)\n"
	       "     --ulimit NAME=SOFT[:HARD]  a resource limit (nofile, "
	       "nproc, core, ...)\n"
	       "     --name NAME         name the container (default: its "
	       "ID)\n"
	       " -d, --detach            run in the background; print the "
	       "ID\n"
	       "     --rm                remove the container when it ends\n"
	       " -i, --interactive       keep stdin open (else /dev/null)\n"
	       " -t, --tty               the command on a pty of its own\n"
	       "     --net MODE          none (only lo; default), host, or "
	       "bridge (" MC_BRIDGE ",\n"
	       "                         " MC_SUBNET ", NAT out)\n"
	       "     --pid MODE, --ipc MODE, --uts MODE, --cgroupns MODE\n"
	       "                         private (default) or host: share "
	       "the host's\n"
	       "                         namespace (--pid host: /proc shows "
	       "the host's)\n"
	       " -p, --publish HOST:PORT[/udp]  this host's port to the "
	       "container's (bridge)\n"
	       " -m, --memory SIZE       memory limit (64M, 1G)\n"
	       "     --memory-swap SIZE  memory plus swap\n"
	       "     --cpus N            CPU time, in CPUs (0.5)\n"
	       "     --cpu-weight W      CPU share, 1..10000\n"
	       "     --pids N            at most N processes\n"
	       "     --io-read-bps DEV:RATE, --io-write-bps DEV:RATE,\n"
	       "     --io-read-iops DEV:N, --io-write-iops DEV:N  disk I/O "
	       "limits\n"
	       "     --monotonic SEC     CLOCK_MONOTONIC offset (time "
	       "namespace)\n"
	       "     --boottime SEC      CLOCK_BOOTTIME offset (uptime)\n"
	       " -v, --volume /HOST:/PATH[:ro]  a host directory or file "
	       "inside\n"
	       "     --tmpfs PATH[:size=SIZE,mode=MODE]  a tmpfs at PATH "
	       "(64M, 1777)\n"
	       "     --read-only         the root filesystem read-only\n"
	       "     --userns            a user namespace (automatic when not "
	       "root)\n"
	       "     --image IMAGE       the root from an image: a NAME[:TAG] "
	       "or ID loaded, or an\n"
	       "                         archive or layout to load first; its "
	       "Entrypoint, Cmd,\n"
	       "                         Env, WorkingDir and User are the "
	       "defaults\n"
	       "     --help              display this help\n", rep_prog());
}

/* A usage error of minicontainer's own: one line, exit 125. */
static int usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = cli_vusage_error(MC_EXIT_RUNTIME, "run --help", fmt, ap);
	va_end(ap);
	return ret;
}

enum { OPT_HOSTNAME = 256, OPT_ENV_FILE, OPT_GROUP_ADD, OPT_CAP_ADD,
       OPT_CAP_DROP, OPT_SECCOMP, OPT_ULIMIT, OPT_HELP, OPT_NAME, OPT_RM,
       OPT_NET, OPT_MEMORY_SWAP, OPT_CPUS, OPT_CPU_WEIGHT, OPT_PIDS,
       OPT_MONOTONIC, OPT_BOOTTIME, OPT_TMPFS, OPT_READ_ONLY, OPT_USERNS,
       OPT_IO_RBPS, OPT_IO_WBPS, OPT_IO_RIOPS, OPT_IO_WIOPS, OPT_IMAGE,
       OPT_PID, OPT_IPC, OPT_UTS, OPT_CGROUPNS, OPT_SECURITY_OPT };

/* --pid, --ipc, --uts, --cgroupns host|private, in the order of their
 * OPT_ values: host leaves that namespace out of the clone. */
static const struct {
	const char *opt;
	int flag;
} ns_modes[] = {
	{ "--pid", CLONE_NEWPID }, { "--ipc", CLONE_NEWIPC },
	{ "--uts", CLONE_NEWUTS }, { "--cgroupns", CLONE_NEWCGROUP },
};

struct run_opts {
	const char *hostname, *workdir, *user, *seccomp, *name, *net;
	const char *memory, *memory_swap, *cpus, *cpu_weight, *pids;
	const char *monotonic, *boottime;
	char *env[MAX_LIST], *env_files[MAX_LIST], *groups[MAX_LIST];
	char *cap_add[MAX_LIST], *cap_drop[MAX_LIST], *ulimits[MAX_LIST];
	char *ports[MAX_LIST], *volumes[MAX_LIST], *tmpfs[MAX_LIST];
	int nenv, nenv_files, ngroups, ncap_add, ncap_drop, nulimits;
	int nports, nvolumes, ntmpfs, detach, rm, read_only, tty, interactive;
	int userns;
	int ns_host;			/* CLONE_NEW* shared with the host */
	int keep_new_privs;		/* no-new-privileges=false */
	const char *image;
	const char *image_env[MAX_LIST];	/* the image's Env */
	int nimage_env;
	char *io[MAX_LIST];
	int io_kind[MAX_LIST], nio;
};

/* Append to a bounded list; 0, or exit code. */
static int push(char **list, int *n, char *v, const char *what)
{
	if (*n == MAX_LIST)
		return usage_error("more than %d %s options", MAX_LIST, what);
	list[(*n)++] = v;
	return 0;
}

/* --pid/--ipc/--uts/--cgroupns MODE, ns_modes[i].  0, or exit code
 * (one line). */
static int parse_ns_mode(struct run_opts *o, int i, const char *mode)
{
	if (!strcmp(mode, "host"))
		o->ns_host |= ns_modes[i].flag;
	else if (!strcmp(mode, "private"))
		o->ns_host &= ~ns_modes[i].flag;
	else {
		rep_error("invalid %s '%s': host or private", ns_modes[i].opt,
			  mode);
		return MC_EXIT_RUNTIME;
	}
	return 0;
}

/* The value of opt if it is key=VALUE or docker's older key:VALUE;
 * "" for key alone; else NULL. */
static const char *opt_value(const char *opt, const char *key)
{
	size_t n = strlen(key);

	if (strncmp(opt, key, n))
		return NULL;
	if (!opt[n])
		return "";
	return opt[n] == '=' || opt[n] == ':' ? opt + n + 1 : NULL;
}

/* --security-opt no-new-privileges[=true|false] | seccomp=PROFILE.
 * 0, or exit code (one line). */
static int parse_security_opt(struct run_opts *o, const char *opt)
{
	const char *v = opt_value(opt, "no-new-privileges");

	if (v && (!*v || !strcmp(v, "true") || !strcmp(v, "false"))) {
		o->keep_new_privs = !strcmp(v, "false");
		return 0;
	}
	v = opt_value(opt, "seccomp");
	if (v && *v) {
		o->seccomp = v;
		return 0;
	}
	rep_error("invalid --security-opt '%s': no-new-privileges[=true|"
		  "false] or seccomp=PROFILE", opt);
	return MC_EXIT_RUNTIME;
}

static int parse_run(int argc, char **argv, struct run_opts *o)
{
	static const struct option longopts[] = {
		{ "hostname", required_argument, NULL, OPT_HOSTNAME },
		{ "env", required_argument, NULL, 'e' },
		{ "env-file", required_argument, NULL, OPT_ENV_FILE },
		{ "workdir", required_argument, NULL, 'w' },
		{ "user", required_argument, NULL, 'u' },
		{ "group-add", required_argument, NULL, OPT_GROUP_ADD },
		{ "cap-add", required_argument, NULL, OPT_CAP_ADD },
		{ "cap-drop", required_argument, NULL, OPT_CAP_DROP },
		{ "seccomp", required_argument, NULL, OPT_SECCOMP },
		{ "ulimit", required_argument, NULL, OPT_ULIMIT },
		{ "name", required_argument, NULL, OPT_NAME },
		{ "detach", no_argument, NULL, 'd' },
		{ "rm", no_argument, NULL, OPT_RM },
		{ "net", required_argument, NULL, OPT_NET },
		{ "publish", required_argument, NULL, 'p' },
		{ "memory", required_argument, NULL, 'm' },
		{ "memory-swap", required_argument, NULL, OPT_MEMORY_SWAP },
		{ "cpus", required_argument, NULL, OPT_CPUS },
		{ "cpu-weight", required_argument, NULL, OPT_CPU_WEIGHT },
		{ "pids", required_argument, NULL, OPT_PIDS },
		{ "monotonic", required_argument, NULL, OPT_MONOTONIC },
		{ "boottime", required_argument, NULL, OPT_BOOTTIME },
		{ "volume", required_argument, NULL, 'v' },
		{ "tmpfs", required_argument, NULL, OPT_TMPFS },
		{ "read-only", no_argument, NULL, OPT_READ_ONLY },
		{ "userns", no_argument, NULL, OPT_USERNS },
		{ "image", required_argument, NULL, OPT_IMAGE },
		{ "io-read-bps", required_argument, NULL, OPT_IO_RBPS },
		{ "io-write-bps", required_argument, NULL, OPT_IO_WBPS },
		{ "io-read-iops", required_argument, NULL, OPT_IO_RIOPS },
		{ "io-write-iops", required_argument, NULL, OPT_IO_WIOPS },
		{ "pid", required_argument, NULL, OPT_PID },
		{ "ipc", required_argument, NULL, OPT_IPC },
		{ "uts", required_argument, NULL, OPT_UTS },
		{ "cgroupns", required_argument, NULL, OPT_CGROUPNS },
		{ "security-opt", required_argument, NULL, OPT_SECURITY_OPT },
		{ "tty", no_argument, NULL, 't' },
		{ "interactive", no_argument, NULL, 'i' },
		{ "help", no_argument, NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 },
	};
	int c, ret = 0;

	/* Our own messages: getopt's would not say "exit 125" style. */
	opterr = 0;
	optind = 1;
	while (!ret && (c = getopt_long(argc, argv, "+:e:w:u:dp:m:v:ti",
					longopts, NULL)) != -1) {
		switch (c) {
		case OPT_NAME:
			o->name = optarg;
			break;
		case 'd':
			o->detach = 1;
			break;
		case OPT_RM:
			o->rm = 1;
			break;
		case OPT_NET:
			o->net = optarg;
			break;
		case 'p':
			ret = push(o->ports, &o->nports, optarg, "--publish");
			break;
		case 'm':
			o->memory = optarg;
			break;
		case OPT_MEMORY_SWAP:
			o->memory_swap = optarg;
			break;
		case OPT_CPUS:
			o->cpus = optarg;
			break;
		case OPT_CPU_WEIGHT:
			o->cpu_weight = optarg;
			break;
		case OPT_PIDS:
			o->pids = optarg;
			break;
		case OPT_MONOTONIC:
			o->monotonic = optarg;
			break;
		case OPT_BOOTTIME:
			o->boottime = optarg;
			break;
		case 'v':
			ret = push(o->volumes, &o->nvolumes, optarg, "--volume");
			break;
		case OPT_TMPFS:
			ret = push(o->tmpfs, &o->ntmpfs, optarg, "--tmpfs");
			break;
		case OPT_READ_ONLY:
			o->read_only = 1;
			break;
		case 't':
			o->tty = 1;
			break;
		case OPT_USERNS:
			o->userns = 1;
			break;
		case OPT_IMAGE:
			o->image = optarg;
			break;
		case OPT_IO_RBPS:
		case OPT_IO_WBPS:
		case OPT_IO_RIOPS:
		case OPT_IO_WIOPS:
			if (o->nio == MAX_LIST)
				return usage_error("too many --io options");
			o->io_kind[o->nio] = c - OPT_IO_RBPS;
			o->io[o->nio++] = optarg;
			break;
		case 'i':
			o->interactive = 1;
			break;
		case OPT_PID:
		case OPT_IPC:
		case OPT_UTS:
		case OPT_CGROUPNS:
			ret = parse_ns_mode(o, c - OPT_PID, optarg);
			break;
		case OPT_SECURITY_OPT:
			ret = parse_security_opt(o, optarg);
			break;
		case OPT_HOSTNAME:
			o->hostname = optarg;
			break;
		case 'e':
			ret = push(o->env, &o->nenv, optarg, "--env");
			break;
		case OPT_ENV_FILE:
			ret = push(o->env_files, &o->nenv_files, optarg,
				   "--env-file");
			break;
		case 'w':
			o->workdir = optarg;
			break;
		case 'u':
			o->user = optarg;
			break;
		case OPT_GROUP_ADD:
			ret = push(o->groups, &o->ngroups, optarg,
				   "--group-add");
			break;
		case OPT_CAP_ADD:
			ret = push(o->cap_add, &o->ncap_add, optarg,
				   "--cap-add");
			break;
		case OPT_CAP_DROP:
			ret = push(o->cap_drop, &o->ncap_drop, optarg,
				   "--cap-drop");
			break;
		case OPT_SECCOMP:
			o->seccomp = optarg;
			break;
		case OPT_ULIMIT:
			ret = push(o->ulimits, &o->nulimits, optarg,
				   "--ulimit");
			break;
		case OPT_HELP:
			run_usage();
			return -1;
		case ':':
			return usage_error("option '%s' needs a value",
					   argv[optind - 1]);
		default:
			if (optopt)
				return usage_error("unknown option '-%c'",
						   optopt);
			return usage_error("unknown option '%s'",
					   argv[optind - 1]);
		}
	}
	/* docker: the host's hostname is not the container's to set. */
	if (!ret && o->hostname && (o->ns_host & CLONE_NEWUTS)) {
		rep_error("--hostname conflicts with --uts host: the "
			  "hostname would be the host's");
		return MC_EXIT_RUNTIME;
	}
	return ret;
}

/* The root and the command from what follows the options. */
static int split_args(int argc, char **argv, const char **root,
		      char ***cmd, char *rootbuf, size_t size, int image)
{
	static char *shell[] = { "/bin/sh", NULL };
	int i = optind;

	*root = NULL;
	/* --image: everything after the options is the command, if any. */
	if (image) {
		if (i < argc && !strcmp(argv[i], "--") &&
		    !(i > 0 && !strcmp(argv[i - 1], "--")))
			i++;
		*cmd = i < argc ? &argv[i] : NULL;
		return 0;
	}
	/* "run -- CMD": getopt took the "--", so no ROOTFS was given. */
	if (i < argc && !(i > 0 && !strcmp(argv[i - 1], "--"))) {
		*root = argv[i++];
		if (i < argc && !strcmp(argv[i], "--"))
			i++;
	}
	*cmd = i < argc ? &argv[i] : shell;
	if (*root)
		return 0;
	if (cli_default_rootfs(rootbuf, size) < 0) {
		rep_error("no ROOTFS given and no default root filesystem "
			  "(run 'make rootfs', or set CTK_ROOTFS)");
		return MC_EXIT_RUNTIME;
	}
	*root = rootbuf;
	return 0;
}

/* -p HOSTPORT:PORT[/tcp|/udp]: 0, or -1 with why. */
static int parse_port(const char *spec, struct mc_config *c, char *why,
		      size_t size)
{
	unsigned long h, p;
	char proto[8] = "tcp", tail;
	int n;

	n = sscanf(spec, "%lu:%lu/%7[a-z]%c", &h, &p, proto, &tail);
	if ((n != 2 && n != 3) || h < 1 || h > 65535 || p < 1 ||
	    p > 65535 || (strcmp(proto, "tcp") && strcmp(proto, "udp")) ||
	    strspn(spec, "0123456789:/tcpud") != strlen(spec)) {
		snprintf(why, size, "invalid port mapping '%s': "
			 "HOSTPORT:PORT[/tcp|/udp]", spec);
		return -1;
	}
	c->ports[c->nports].host = (uint16_t)h;
	c->ports[c->nports].ctr = (uint16_t)p;
	c->ports[c->nports].proto = strcmp(proto, "udp") ? IPPROTO_TCP :
							   IPPROTO_UDP;
	c->nports++;
	return 0;
}

/* -v HOST:CTR[:ro|:rw]: the host path must exist.  0, or -1 + why. */
static int parse_volume(char *spec, struct mc_config *c, char *why,
			size_t size)
{
	char *dst = strchr(spec, ':'), *mode, *src;

	if (!dst || spec[0] != '/' || dst[1] != '/') {
		snprintf(why, size, "invalid volume '%s': /HOST/PATH:/PATH"
			 "[:ro]", spec);
		return -1;
	}
	*dst++ = '\0';
	mode = strchr(dst, ':');
	if (mode) {
		*mode++ = '\0';
		if (strcmp(mode, "ro") && strcmp(mode, "rw")) {
			snprintf(why, size, "invalid volume mode '%s': ro or "
				 "rw", mode);
			return -1;
		}
	}
	src = realpath(spec, NULL);
	if (!src) {
		snprintf(why, size, "volume source %s: %s", spec,
			 strerror(errno));
		return -1;
	}
	c->volumes[c->nvolumes].src = src;
	c->volumes[c->nvolumes].dst = dst;
	c->volumes[c->nvolumes].ro = mode && !strcmp(mode, "ro");
	c->nvolumes++;
	return 0;
}

/* --tmpfs PATH[:OPTIONS], docker's: OPTIONS comma-separated, size=SIZE
 * (64M) and mode=OCTAL (1777).  0, or -1 + why. */
static int parse_tmpfs(char *spec, struct mc_config *c, char *why,
		       size_t size)
{
	char *opts = strchr(spec, ':'), *opt, *save = NULL, *end;
	uint64_t bytes = 64ULL << 20;
	unsigned long mode = 01777;
	int n = c->ntmpfs;

	if (opts)
		*opts++ = '\0';
	if (spec[0] != '/') {
		snprintf(why, size, "invalid tmpfs '%s': an absolute path",
			 spec);
		return -1;
	}
	for (opt = opts ? strtok_r(opts, ",", &save) : NULL; opt;
	     opt = strtok_r(NULL, ",", &save)) {
		if (!strncmp(opt, "size=", 5)) {
			if (cg_parse_size(opt + 5, 0, &bytes) < 0 || !bytes ||
			    bytes > (1ULL << 50)) {
				snprintf(why, size, "invalid tmpfs size '%s': "
					 "e.g. 1M, 64M", opt + 5);
				return -1;
			}
		} else if (!strncmp(opt, "mode=", 5)) {
			errno = 0;
			mode = strtoul(opt + 5, &end, 8);
			if (errno || !opt[5] || *end || mode > 07777) {
				snprintf(why, size, "invalid tmpfs mode '%s': "
					 "octal, e.g. 1777", opt + 5);
				return -1;
			}
		} else {
			snprintf(why, size, "invalid tmpfs option '%s': size= "
				 "or mode=", opt);
			return -1;
		}
	}
	c->tmpfs[n].dst = spec;
	/* In KiB, rounded up: tmpfs rounds to pages anyway. */
	snprintf(c->tmpfs[n].data, sizeof(c->tmpfs[n].data),
		 "mode=%lo,size=%lluk", mode,
		 (unsigned long long)((bytes + 1023) / 1024));
	c->ntmpfs++;
	return 0;
}

/* The limits, through cgroup-limit's parsers.  0, or -1 with why. */
static int parse_limits(const struct run_opts *o, struct mc_config *c,
			char *why, size_t size)
{
	struct cg_limits *l = &c->limits;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	uint64_t total;
	int i;

	if (o->memory && (cg_parse_size(o->memory, 0, &l->memory) < 0 ||
			  !l->memory)) {
		snprintf(why, size, "invalid memory '%s': e.g. 64M, 1.5G",
			 o->memory);
		return -1;
	}
	if (o->memory_swap) {
		/* docker: memory plus swap, so swap is the difference. */
		if (!o->memory || cg_parse_size(o->memory_swap, 0, &total) < 0 ||
		    total < l->memory) {
			snprintf(why, size, "invalid memory-swap '%s': memory "
				 "plus swap, at least --memory", o->memory_swap);
			return -1;
		}
		l->swap = total - l->memory;
		l->swap_set = 1;
	}
	if (o->cpus) {
		if (cg_parse_cpus(o->cpus, ncpu, 100000, &l->cpu_quota) < 0) {
			snprintf(why, size, "invalid CPU count '%s': above 0 "
				 "and at most %ld", o->cpus, ncpu);
			return -1;
		}
		l->cpu_period = 100000;
	}
	if (o->cpu_weight && cg_parse_weight(o->cpu_weight,
					     &l->cpu_weight) < 0) {
		snprintf(why, size, "invalid CPU weight '%s': 1..10000",
			 o->cpu_weight);
		return -1;
	}
	if (o->pids && cg_parse_pids(o->pids, &l->pids) < 0) {
		snprintf(why, size, "invalid process count '%s'", o->pids);
		return -1;
	}
	for (i = 0; i < o->nio; i++)
		if (cg_add_io(l, (enum cg_io_kind)o->io_kind[i], o->io[i], why,
			      size) < 0)
			return -1;
	c->has_limits = o->memory || o->cpus || o->cpu_weight || o->pids ||
			o->nio;
	return 0;
}

/* Network, ports, limits, time, volumes.  0, or -1 with why. */
static int configure_host(const struct run_opts *o, struct mc_config *c,
			  char *why, size_t size)
{
	char found[160], what[32];
	int i;

	c->net = MC_NET_NONE;
	if (o->net && !strcmp(o->net, "host"))
		c->net = MC_NET_HOST;
	else if (o->net && !strcmp(o->net, "bridge"))
		c->net = MC_NET_BRIDGE;
	else if (o->net && strcmp(o->net, "none")) {
		snprintf(why, size, "invalid network '%s': none, host or "
			 "bridge", o->net);
		return -1;
	}
	if (c->net == MC_NET_HOST)
		c->ns_flags &= ~CLONE_NEWNET;
	if (o->nports && c->net != MC_NET_BRIDGE) {
		snprintf(why, size, "publishing a port needs --net bridge");
		return -1;
	}
	for (i = 0; i < o->nports; i++) {
		if (c->nports == MC_MAX_PORTS) {
			snprintf(why, size, "more than %d ports", MC_MAX_PORTS);
			return -1;
		}
		if (parse_port(o->ports[i], c, why, size) < 0)
			return -1;
		snprintf(what, sizeof(what), ": %s %u ->",
			 c->ports[i].proto == IPPROTO_UDP ? "udp" : "tcp",
			 c->ports[i].host);
		if (nat_find(NULL, what, found, sizeof(found)) > 0) {
			snprintf(why, size, "port %s/%u is already published: "
				 "%s", c->ports[i].proto == IPPROTO_UDP ?
				 "udp" : "tcp", c->ports[i].host, found);
			return -1;
		}
		if (nat_port_busy(c->ports[i].proto, c->ports[i].host, found,
				  sizeof(found))) {
			snprintf(why, size, "port %s/%u is in use on this host: "
				 "%s", c->ports[i].proto == IPPROTO_UDP ?
				 "udp" : "tcp", c->ports[i].host, found);
			return -1;
		}
	}
	if (parse_limits(o, c, why, size) < 0)
		return -1;
	if ((o->monotonic && tns_parse_offset(o->monotonic,
					      &c->time.monotonic) < 0) ||
	    (o->boottime && tns_parse_offset(o->boottime,
					     &c->time.boottime) < 0)) {
		snprintf(why, size, "invalid time offset '%s': seconds, e.g. "
			 "86400 or -3600.5", o->monotonic && !c->time.monotonic.set ?
			 o->monotonic : o->boottime);
		return -1;
	}
	for (i = 0; i < o->nvolumes; i++) {
		if (c->nvolumes == MC_MAX_MOUNTS) {
			snprintf(why, size, "more than %d volumes",
				 MC_MAX_MOUNTS);
			return -1;
		}
		if (parse_volume(o->volumes[i], c, why, size) < 0)
			return -1;
	}
	for (i = 0; i < o->ntmpfs && i < MC_MAX_MOUNTS; i++)
		if (parse_tmpfs(o->tmpfs[i], c, why, size) < 0)
			return -1;
	c->read_only = o->read_only;
	if (o->tty && o->detach) {
		snprintf(why, size, "-t with -d needs attach, which minicontainer "
			 "does not have: drop one");
		return -1;
	}
	c->tty = o->tty;
	c->interactive = o->interactive;
	return 0;
}

/* Is id inside one of the map's ranges? */
static int id_mapped(const struct ns_idmap *m, uint32_t id)
{
	int i;

	for (i = 0; i < m->n; i++)
		if (id >= m->r[i].inner && id - m->r[i].inner < m->r[i].count)
			return 1;
	return 0;
}

/* Turn the options into a complete, checked configuration. */
static int configure(const struct run_opts *o, struct mc_config *c,
		     char *idbuf, size_t idsize)
{
	char why[512], path[PATH_MAX], kv[PATH_MAX + 16], hostname[72];
	const char *search;
	int i, err;

	if (cli_check_root_dir(c->rootfs) < 0)
		return MC_EXIT_RUNTIME;
	/* --uts host: no hostname to set; $HOSTNAME is the host's. */
	if (!(c->ns_flags & CLONE_NEWUTS)) {
		c->hostname = NULL;
		if (gethostname(hostname, sizeof(hostname)) < 0)
			hostname[0] = '\0';
		hostname[sizeof(hostname) - 1] = '\0';
	} else {
		c->hostname = o->hostname ? o->hostname :
					    mc_new_id(idbuf, idsize);
		if (mc_check_hostname(c->hostname, why, sizeof(why)) < 0)
			goto bad;
		snprintf(hostname, sizeof(hostname), "%s", c->hostname);
	}

	if (user_resolve(c->rootfs, o->user, o->groups, o->ngroups, &c->user,
			 why, sizeof(why)) < 0)
		goto bad;
	if (c->userns && (!id_mapped(&c->uids, c->user.uid) ||
			  !id_mapped(&c->gids, c->user.gid))) {
		snprintf(why, sizeof(why), "rootless: user %u:%u is not mapped "
			 "in the user namespace (only %u IDs from 0 are): try "
			 "-u root", c->user.uid, c->user.gid, c->uids.r[0].count);
		goto bad;
	}
	c->workdir = o->workdir ? o->workdir : "/";
	if (mc_check_workdir(c->rootfs, c->workdir, why, sizeof(why)) < 0 ||
	    configure_host(o, c, why, sizeof(why)) < 0)
		goto bad;
	c->caps = caps_default();
	if (caps_modify(&c->caps, o->cap_add, o->ncap_add, o->cap_drop,
			o->ncap_drop, why, sizeof(why)) < 0)
		goto bad;
	for (i = 0; i < o->nulimits; i++) {
		if (c->nrlimits == MC_MAX_RLIMITS) {
			snprintf(why, sizeof(why), "more than %d --ulimit",
				 MC_MAX_RLIMITS);
			goto bad;
		}
		if (mc_parse_ulimit(o->ulimits[i],
				    &c->rlimits[c->nrlimits].resource,
				    &c->rlimits[c->nrlimits].lim, why,
				    sizeof(why)) < 0)
			goto bad;
		c->nrlimits++;
	}
	/* docker's order: defaults, then env files, then -e. */
	snprintf(kv, sizeof(kv), "HOSTNAME=%s", hostname);
	if (env_put(&c->env, "PATH=" DEFAULT_PATH, why, sizeof(why)) < 0 ||
	    env_put(&c->env, kv, why, sizeof(why)) < 0)
		goto bad;
	for (i = 0; i < o->nimage_env; i++)
		if (env_put(&c->env, o->image_env[i], why, sizeof(why)) < 0)
			goto bad;
	for (i = 0; i < o->nenv_files; i++)
		if (env_read_file(&c->env, o->env_files[i], why,
				  sizeof(why)) < 0)
			goto bad;
	for (i = 0; i < o->nenv; i++)
		if (env_put(&c->env, o->env[i], why, sizeof(why)) < 0)
			goto bad;
	snprintf(kv, sizeof(kv), "HOME=%s", c->user.home);
	if (!env_get(&c->env, "HOME") &&
	    env_put(&c->env, kv, why, sizeof(why)) < 0)
		goto bad;
	if (!o->seccomp)
		err = 0, c->seccomp_default = 1;
	else if (!strcmp(o->seccomp, "unconfined"))
		err = 0, c->seccomp = NULL;
	else
		err = sc_load_file_caps(o->seccomp, c->caps, &c->seccomp, why,
					sizeof(why));
	if (err < 0) {
		if (o->seccomp && strcmp(o->seccomp, "unconfined"))
			goto bad;
		return MC_EXIT_RUNTIME;
	}
	/* The command as the container will look it up, along its PATH. */
	search = env_get(&c->env, "PATH");
	if (cli_resolve_in_root_path(c->rootfs, c->argv[0],
				     search ? search : "", path,
				     sizeof(path)) < 0) {
		err = errno;
		rep_error("%s: %s in %s", c->argv[0], err == ENOENT ?
			  "command not found" : "not an executable file",
			  c->rootfs);
		return err == ENOENT ? MC_EXIT_NOTFOUND : MC_EXIT_NOEXEC;
	}
	return 0;
bad:
	rep_error("%s", why);
	return MC_EXIT_RUNTIME;
}

/*
 * What ps, exec and inspect read later, in one file written once: the
 * command line, the root, and what exec needs to give a second process
 * the same credentials.  The environment comes last, one per line.
 */
static void record_config(const struct mc_state *st,
			  const struct mc_config *c, const char *seccomp,
			  const char *image, int autoremove)
{
	static char text[32768];
	size_t len = 0;
	int i, n;

#define ADD(...) (len += (size_t)snprintf(text + len, len < sizeof(text) ? \
		  sizeof(text) - len : 0, __VA_ARGS__))
	ADD("command=");
	for (i = 0; c->argv[i]; i++)
		ADD("%s%s", i ? " " : "", c->argv[i]);
	ADD("\nrootfs=%s\ncaps=%llx\nuser=%u %u ", c->rootfs,
	    (unsigned long long)c->caps, c->user.uid, c->user.gid);
	for (i = 0; i < c->user.ngroups; i++)
		ADD("%s%u", i ? "," : "", c->user.groups[i]);
	ADD("%s\nhome=%s\nseccomp=%s\nworkdir=%s\nlimits=%d\n",
	    c->user.ngroups ? "" : "-", c->user.home,
	    seccomp ? seccomp : "default", c->workdir, c->has_limits);
	/* The namespaces shared with the host, by their /proc/PID/ns
	 * names. */
	ADD("no_new_privs=%d\nhost_namespaces=", !c->keep_new_privs);
	for (i = 0, n = 0; i < (int)nst_count; i++)
		if (nst_types[i].flag & MC_NS_FLAGS & ~c->ns_flags)
			ADD("%s%s", n++ ? " " : "", nst_types[i].proc);
	ADD("%s\n", n ? "" : "none");
	if (image)
		ADD("image=%s\n", image);
	/* --rm: cleanup removes the state of one killed before it could. */
	ADD("autoremove=%d\n", autoremove);
	ADD("env=");
	for (i = 0; i < c->env.n; i++)
		ADD("\n%s", c->env.v[i]);
#undef ADD
	if (len >= sizeof(text))
		len = sizeof(text) - 1;
	text[len] = '\0';
	state_write(st, "config", "%s", text);
}

/*
 * minicontainer exec [-i] [-t] [-e KEY=VALUE] [-w DIR] [-u USER] NAME
 * [--] COMMAND...: a second process in a running container, with the
 * container's credentials.  Exit codes as run.
 */
static int cmd_exec(int argc, char **argv)
{
	struct mc_config c = { .log_fd = -1, .started_fd = -1 };
	char why[512], buf[16384], *sp, *line, *user = NULL;
	char rootfs[PATH_MAX], *env[MAX_LIST];
	unsigned long long caps;
	struct mc_state st;
	int opt, nenv = 0, i, ret;
	pid_t init;

	optind = 1;
	opterr = 0;
	c.workdir = NULL;
	while ((opt = getopt(argc, argv, "+ite:w:u:")) != -1) {
		switch (opt) {
		case 'i':
			c.interactive = 1;
			break;
		case 't':
			c.tty = 1;
			break;
		case 'e':
			if (nenv == MAX_LIST)
				return usage_error("too many -e");
			env[nenv++] = optarg;
			break;
		case 'w':
			c.workdir = optarg;
			break;
		case 'u':
			user = optarg;
			break;
		default:
			return usage_error("exec: unknown option '-%c'",
					   optopt);
		}
	}
	if (optind < argc && !strcmp(argv[optind], "--"))
		optind++;
	if (optind + 2 > argc)
		return usage_error("exec needs NAME and a COMMAND");
	if (state_open(argv[optind], &st, why, sizeof(why)) < 0) {
		rep_error("%s", why);
		return MC_EXIT_RUNTIME;
	}
	state_read(&st, "status", buf, sizeof(buf));
	init = 0;
	if (!strcmp(buf, "running") && state_monitor_alive(&st) &&
	    state_read(&st, "init", buf, sizeof(buf)) > 0)
		init = (pid_t)atoi(buf);
	if (init <= 0) {
		rep_error("container %s is not running", st.name);
		return MC_EXIT_RUNTIME;
	}
	optind++;
	if (!strcmp(argv[optind], "--"))
		optind++;
	if (optind >= argc)
		return usage_error("exec needs a COMMAND");
	c.argv = argv + optind;
	c.state = &st;
	if (state_read(&st, "caps", buf, sizeof(buf)) > 0 &&
	    sscanf(buf, "%llx", &caps) == 1)
		c.caps = caps;
	state_read(&st, "user", buf, sizeof(buf));
	c.user.ngroups = 0;
	sscanf(buf, "%u %u", &c.user.uid, &c.user.gid);
	line = strrchr(buf, ' ');
	for (line = line ? strtok_r(line + 1, ",", &sp) : NULL;
	     line && strcmp(line, "-") && c.user.ngroups < USER_MAX_GROUPS;
	     line = strtok_r(NULL, ",", &sp))
		c.user.groups[c.user.ngroups++] = (gid_t)atoi(line);
	state_read(&st, "home", c.user.home, sizeof(c.user.home));
	/* The root as the container sees it (an image's overlay exists
	 * only in its mount namespace). */
	snprintf(rootfs, sizeof(rootfs), "/proc/%d/root", (int)init);
	if (user && user_resolve(rootfs, user, NULL, 0, &c.user, why,
				 sizeof(why)) < 0) {
		rep_error("%s", why);
		return MC_EXIT_RUNTIME;
	}
	if (state_read(&st, "env", buf, sizeof(buf)) > 0)
		for (line = strtok_r(buf, "\n", &sp); line;
		     line = strtok_r(NULL, "\n", &sp))
			env_put(&c.env, line, why, sizeof(why));
	for (i = 0; i < nenv; i++)
		if (env_put(&c.env, env[i], why, sizeof(why)) < 0) {
			rep_error("%s", why);
			return MC_EXIT_RUNTIME;
		}
	if (!c.workdir) {
		static char wd[PATH_MAX];

		state_read(&st, "workdir", wd, sizeof(wd));
		c.workdir = wd[0] ? wd : "/";
	}
	state_read(&st, "limits", buf, sizeof(buf));
	c.has_limits = atoi(buf);
	/* docker exec: the container's no-new-privileges. */
	if (state_read(&st, "no_new_privs", buf, sizeof(buf)) > 0)
		c.keep_new_privs = !atoi(buf);
	state_read(&st, "seccomp", buf, sizeof(buf));
	if (!strcmp(buf, "default") || !buf[0])
		c.seccomp_default = 1;
	else if (strcmp(buf, "unconfined") &&
		 sc_load_file_caps(buf, c.caps, &c.seccomp, why,
				   sizeof(why)) < 0) {
		rep_error("%s", why);
		return MC_EXIT_RUNTIME;
	}
	ret = mc_exec(&c, init);
	env_free(&c.env);
	return ret;
}

/*
 * -d: a monitor process stays as the container's parent, in a session
 * of its own, records the exit and releases the resources; the command's
 * output goes to the state's log.  This process returns once the command
 * runs (printing the ID) or the start failed (its exit code).
 */
/* After mc_run: the image's root unmounted, and with --rm the state
 * removed (mc_run released the rest). */
static void teardown(const struct mc_state *st, int rm)
{
	mc_teardown_step("the image root");
	imgrun_release();
	if (rm) {
		mc_teardown_step("the state directory");
		state_remove(st);
	}
}

static int detach(struct mc_config *c, int rm)
{
	char path[PATH_MAX + 8];
	unsigned char b = MC_EXIT_RUNTIME;
	int p[2], code;
	pid_t pid;

	snprintf(path, sizeof(path), "%s/log", c->state->dir);
	c->log_fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
			 0600);
	if (c->log_fd < 0 || pipe2(p, O_CLOEXEC) < 0) {
		rep_fail("open(\"%s\")", path);
		return MC_EXIT_RUNTIME;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		rep_fail("fork()");
		return MC_EXIT_RUNTIME;
	}
	if (pid == 0) {
		close(p[0]);
		setsid();
		c->started_fd = p[1];
		code = mc_run(c);
		teardown(c->state, rm);
		trace_close("minicontainer run -d (start to exit)");
		_exit(code);
	}
	close(p[1]);
	close(c->log_fd);
	if (read(p[0], &b, 1) == 1 && b == 's') {
		printf("%s\n", c->state->id);
		return 0;
	}
	return b;
}

/*
 * Without root, or with --userns: a user namespace first, in which the
 * container's root is this user (one ID mapped) or, for root, the range
 * 100000-165535 as podman's subordinate IDs would be.  What needs the
 * host's root is refused here, before anything is made.  0 or exit code.
 */
static int rootless(const struct run_opts *o, struct mc_config *c)
{
	struct ns_idrange u = { 0, (uint32_t)geteuid(), 1 };
	struct ns_idrange g = { 0, (uint32_t)getegid(), 1 };
	char why[160];
	const char *what = NULL;

	if (geteuid() == 0 && !o->userns)
		return 0;
	/* proc can be mounted only by the owner of its PID namespace. */
	if (o->ns_host & CLONE_NEWPID) {
		rep_error("--pid host with a user namespace (rootless or "
			  "--userns): the host's /proc cannot be mounted from "
			  "it");
		return MC_EXIT_RUNTIME;
	}
	if (geteuid() != 0) {
		if (o->memory || o->cpus || o->cpu_weight || o->pids || o->nio)
			what = "--memory, --cpus, --cpu-weight and --pids need "
			       "cgroups, which this user may not change";
		else if (o->net && strcmp(o->net, "none"))
			what = "--net host and bridge need root (a veth on the "
			       "host, or the host's own network)";
		else if (o->nports)
			what = "-p needs root (NAT rules on the host)";
		if (what) {
			rep_error("rootless (uid %u): %s", geteuid(), what);
			return MC_EXIT_RUNTIME;
		}
	} else {
		u.outer = g.outer = 100000;
		u.count = g.count = 65536;
	}
	if (ns_userns_restriction(why, sizeof(why)) && geteuid() != 0) {
		rep_error("rootless (uid %u) needs a user namespace, but %s",
			  geteuid(), why);
		return MC_EXIT_RUNTIME;
	}
	c->userns = 1;
	c->ns_flags |= CLONE_NEWUSER;
	ns_idmap_add(&c->uids, &u);
	ns_idmap_add(&c->gids, &g);
	rep_evidence("rootless: a user namespace; uid 0 inside is uid %u "
		     "outside%s", u.outer, geteuid() ? ", and the only one" :
		     " (65536 IDs mapped)");
	return 0;
}

/*
 * --image: what docker takes from the image's config.  Entrypoint, then
 * the COMMAND given or else Cmd; Env before --env-file and -e; the
 * WorkingDir and User unless -w and -u say otherwise.  0 or exit code.
 */
static int image_defaults(json_t *img, struct run_opts *o, char **cmd,
			  char ***argvp)
{
	static char *args[MAX_LIST + 1];
	json_t *cfg = json_object_get(img, "Config"), *v;
	const char *s;
	size_t i;
	int n = 0;

	json_array_foreach(json_object_get(cfg, "Entrypoint"), i, v)
		if (n < MAX_LIST && json_string_value(v))
			args[n++] = (char *)json_string_value(v);
	if (cmd)
		for (; *cmd && n < MAX_LIST; cmd++)
			args[n++] = *cmd;
	else
		json_array_foreach(json_object_get(cfg, "Cmd"), i, v)
			if (n < MAX_LIST && json_string_value(v))
				args[n++] = (char *)json_string_value(v);
	args[n] = NULL;
	if (n == 0) {
		rep_error("image %s has no Entrypoint or Cmd: give a COMMAND",
			  o->image);
		return MC_EXIT_RUNTIME;
	}
	*argvp = args;
	json_array_foreach(json_object_get(cfg, "Env"), i, v)
		if (o->nimage_env < MAX_LIST && json_string_value(v))
			o->image_env[o->nimage_env++] = json_string_value(v);
	s = json_string_value(json_object_get(cfg, "WorkingDir"));
	if (!o->workdir && s && *s)
		o->workdir = s;
	s = json_string_value(json_object_get(cfg, "User"));
	if (!o->user && s && *s)
		o->user = s;
	return 0;
}

/* The state first, then the root in it, then the checks against it. */
static int configure_image(json_t *img, struct run_opts *o,
			   struct mc_config *c, struct mc_state *st,
			   char *idbuf, size_t idsize)
{
	static char root[PATH_MAX];
	char why[256];
	int ret;

	if (state_create(o->name, st, why, sizeof(why)) < 0) {
		rep_error("%s", why);
		return MC_EXIT_RUNTIME;
	}
	if (imgrun_root(st, img, root, sizeof(root)) < 0) {
		ret = MC_EXIT_RUNTIME;
		goto out_remove;
	}
	c->rootfs = root;
	ret = configure(o, c, idbuf, idsize);
	if (ret == 0)
		return 0;
out_remove:
	imgrun_release();
	state_remove(st);
	return ret;
}

static int cmd_run(int argc, char **argv)
{
	struct run_opts o = { 0 };
	struct mc_config c = { .ns_flags = MC_NS_FLAGS };
	char rootbuf[PATH_MAX], id[16], why[256];
	json_t *img = NULL;
	struct mc_state st;
	int ret;

	ret = parse_run(argc, argv, &o);
	if (ret)
		return ret < 0 ? 0 : ret;
	ret = split_args(argc, argv, &c.rootfs, &c.argv, rootbuf,
			 sizeof(rootbuf), o.image != NULL);
	if (ret)
		return ret;
	c.ns_flags &= ~o.ns_host;
	c.keep_new_privs = o.keep_new_privs;
	ret = rootless(&o, &c);
	if (ret)
		return ret;
	if (o.name && state_check_name(o.name, why, sizeof(why)) < 0) {
		rep_error("%s", why);
		return MC_EXIT_RUNTIME;
	}
	if (o.image) {
		img = imgrun_prepare(o.image);
		if (!img)
			return MC_EXIT_RUNTIME;
		ret = image_defaults(img, &o, c.argv, &c.argv);
		if (!ret)
			ret = configure_image(img, &o, &c, &st, id, sizeof(id));
	} else {
		ret = configure(&o, &c, id, sizeof(id));
		if (!ret && state_create(o.name, &st, why, sizeof(why)) < 0) {
			rep_error("%s", why);
			ret = MC_EXIT_RUNTIME;
		}
	}
	if (ret) {
		env_free(&c.env);
		json_decref(img);
		return ret;
	}
	c.state = &st;
	c.log_fd = c.started_fd = -1;
	/* docker: the hostname is the container's ID unless given. */
	if (!o.hostname && (c.ns_flags & CLONE_NEWUTS)) {
		c.hostname = st.id;
		snprintf(why, sizeof(why), "HOSTNAME=%s", st.id);
		if (!env_get(&c.env, "HOSTNAME") ||
		    !strcmp(env_get(&c.env, "HOSTNAME"), id))
			env_put(&c.env, why, why + 64, sizeof(why) - 64);
	}
	record_config(&st, &c, o.seccomp, json_string_value(
		json_object_get(img, "Id")), o.rm);
	rep_evidence("container %s: %s on %s", st.name, c.argv[0],
		     o.image ? o.image : c.rootfs);
	if (o.detach) {
		ret = detach(&c, o.rm);
		env_free(&c.env);
		return ret;
	}
	ret = mc_run(&c);
	env_free(&c.env);
	teardown(&st, o.rm);
	trace_close("minicontainer run (start to exit)");
	return ret;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "root", required_argument, NULL, 'r' },
		{ "storage", required_argument, NULL, 's' },
		{ "storage-driver", required_argument, NULL, 'D' },
		{ "log", required_argument, NULL, 'L' },
		{ "log-format", required_argument, NULL, 'F' },
		{ "debug", no_argument, NULL, 'g' },
		{ "systemd-cgroup", no_argument, NULL, 'S' },
		{ "trace", required_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	static const struct {
		const char *name;
		int (*fn)(int argc, char **argv);
	} commands[] = {
		{ "ps", lc_ps }, { "wait", lc_wait }, { "logs", lc_logs },
		{ "stop", lc_stop }, { "kill", lc_kill }, { "rm", lc_rm },
		{ "cleanup", lc_cleanup }, { "inspect", lc_inspect },
	};
	static struct rep_steps first_steps;
	struct rep_steps *shared;
	const char *log_path = NULL, *trace_path = NULL;
	int c, oci = 0, log_json = 0, systemd_cgroup = 0;
	char rootfs[PATH_MAX];

	rep_init(argv[0]);
	/* Global options stop at the command ("+"). */
	while ((c = getopt_long(argc, argv, "+qvhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'r':
			if (optarg[0] != '/')
				return usage_error("--root must be an absolute "
						   "path");
			state_set_root(optarg);
			oci_set_root(optarg);
			break;
		case 'L':
			log_path = optarg;
			oci = 1;
			break;
		case 'F':
			if (strcmp(optarg, "json") && strcmp(optarg, "text"))
				return usage_error("invalid --log-format '%s': "
						   "text or json", optarg);
			log_json = !strcmp(optarg, "json");
			oci = 1;
			break;
		case 'g':
			rep_level = REP_NARRATE;
			oci = 1;
			break;
		case 'S':
			systemd_cgroup = 1;
			oci = 1;
			break;
		case 'T':
			trace_path = optarg;
			break;
		case 's':
			if (optarg[0] != '/')
				return usage_error("--storage must be an "
						   "absolute path");
			imgrun_set_storage(optarg);
			break;
		case 'D':
			if (imgrun_set_driver(optarg) < 0)
				return usage_error("invalid storage driver "
						   "'%s': overlay or vfs",
						   optarg);
			break;
		case 'q':
			rep_level = REP_QUIET;
			break;
		case 'v':
			rep_level = REP_NARRATE;
			break;
		case 'h':
			usage();
			return 0;
		case 'V':
			cli_print_version();
			printf("spec: %s\n", OCI_VERSION);
			return 0;
		default:
			fprintf(stderr, "Try '%s --help' for more "
				"information.\n", rep_prog());
			return MC_EXIT_RUNTIME;
		}
	}
	if (optind >= argc)
		return usage_error("missing command: run, ps, wait, logs, "
				   "stop, kill, rm, cleanup or image");
	set_image_helper();
	/* runc's globals: the log (file, format) first, so that every
	 * error after this goes where the caller reads it. */
	if (log_path || log_json) {
		FILE *f = log_path ? fopen(log_path, "ae") : NULL;

		if (log_path && !f)
			return rep_fail("open(\"%s\")", log_path), 1;
		rep_set_log(f, log_json);
	}
	if (systemd_cgroup) {
		rep_error("--systemd-cgroup is not supported: minicontainer "
			  "manages cgroups itself (cgroupfs)");
		return 1;
	}
	if (!strcmp(argv[optind], "oci") && optind + 1 < argc) {
		optind++;
		oci = 1;
	}
	if (trace_path && (strcmp(argv[optind], "run") ||
			   oci_is_command(argc - optind, argv + optind, oci)))
		return usage_error("--trace traces the native run only");
	if (oci_is_command(argc - optind, argv + optind, oci)) {
		/* The container's process is this binary until start: run
		 * from a sealed copy, as run does (CVE-2019-5736). */
		if ((!strcmp(argv[optind], "create") ||
		     !strcmp(argv[optind], "run") ||
		     !strcmp(argv[optind], "exec")) &&
		    selfexe_protect(argv) < 0)
			return 1;
		return oci_main(argc - optind, argv + optind);
	}
	if (!strcmp(argv[optind], "image")) {
		if (state_root(rootfs, sizeof(rootfs)) < 0)
			return MC_EXIT_RUNTIME;
		imgrun_exec(argc - optind - 1, argv + optind + 1, rootfs);
		return MC_EXIT_RUNTIME;
	}
	for (c = 0; c < (int)(sizeof(commands) / sizeof(commands[0])); c++)
		if (!strcmp(argv[optind], commands[c].name))
			return commands[c].fn(argc - optind, argv + optind);
	if (!strcmp(argv[optind], "exec")) {
		if (selfexe_protect(argv) < 0)
			return MC_EXIT_RUNTIME;
		return cmd_exec(argc - optind, argv + optind);
	}
	if (strcmp(argv[optind], "run"))
		return usage_error("unknown command: %s", argv[optind]);
	if (trace_path && trace_open(trace_path) < 0)
		return MC_EXIT_RUNTIME;
	/*
	 * Step 1 is the sealed copy (it re-executes this program, which
	 * comes back here); the shared counter carries the numbering
	 * through the processes of the start.
	 */
	rep_number_steps(&first_steps);
	/* The default root sits beside the binary: find it while
	 * /proc/self/exe still names the file, not the sealed copy. */
	if (!getenv("CTK_ROOTFS") &&
	    cli_default_rootfs(rootfs, sizeof(rootfs)) == 0)
		setenv("CTK_ROOTFS", rootfs, 1);
	if (selfexe_protect(argv) < 0)
		return MC_EXIT_RUNTIME;
	shared = mmap(NULL, sizeof(*shared), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared != MAP_FAILED) {
		shared->last = 1;
		rep_number_steps(shared);
	}
	if (getenv("MINICONTAINER_TEST_STOP_AT")) {
		stop_at = atoi(getenv("MINICONTAINER_TEST_STOP_AT"));
		rep_step_hook(stop_hook);
	}
	return cmd_run(argc - optind, argv + optind);
}
