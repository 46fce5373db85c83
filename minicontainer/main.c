/*
 * minicontainer - the primitives of this toolkit composed into a
 * container runtime.  `run` starts one: new namespaces, pivot_root into
 * the root filesystem, /dev and the masked paths, an init as PID 1, and
 * the command with reduced capabilities, no_new_privs and a seccomp
 * filter.  Exit codes follow docker run.
 */
#define _GNU_SOURCE
#include <errno.h>
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
#include "options.h"
#include "report.h"
#include "seccomp-filter.h"
#include "selfexe.h"

#define DEFAULT_PATH	"/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:" \
			"/sbin:/bin"
#define MAX_LIST	64

static void usage(void)
{
	printf("Usage:\n"
	       " %1$s [options] run [run options] [ROOTFS] [-- COMMAND "
	       "[ARG...]]\n\n"
	       "A container runtime built from this toolkit's primitives.\n\n"
	       "Commands:\n"
	       " run                 start a container on ROOTFS (default: "
	       "the embedded\n"
	       "                     busybox root) running COMMAND (default: "
	       "a shell) and\n"
	       "                     wait for it; 'run --help' lists its "
	       "options\n\n"
	       "Options:\n"
	       " -q, --quiet         show nothing but errors\n"
	       " -v, --verbose       print every step of the start, "
	       "numbered, on stderr\n"
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
	       " %s run [options] [ROOTFS] [-- COMMAND [ARG...]]\n\n"
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
	       "     --ulimit NAME=SOFT[:HARD]  a resource limit (nofile, "
	       "nproc, core, ...)\n"
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
       OPT_CAP_DROP, OPT_SECCOMP, OPT_ULIMIT, OPT_HELP };

struct run_opts {
	const char *hostname, *workdir, *user, *seccomp;
	char *env[MAX_LIST], *env_files[MAX_LIST], *groups[MAX_LIST];
	char *cap_add[MAX_LIST], *cap_drop[MAX_LIST], *ulimits[MAX_LIST];
	int nenv, nenv_files, ngroups, ncap_add, ncap_drop, nulimits;
};

/* Append to a bounded list; 0, or exit code. */
static int push(char **list, int *n, char *v, const char *what)
{
	if (*n == MAX_LIST)
		return usage_error("more than %d %s options", MAX_LIST, what);
	list[(*n)++] = v;
	return 0;
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
		{ "help", no_argument, NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 },
	};
	int c, ret = 0;

	/* Our own messages: getopt's would not say "exit 125" style. */
	opterr = 0;
	optind = 1;
	while (!ret && (c = getopt_long(argc, argv, "+:e:w:u:", longopts,
					NULL)) != -1) {
		switch (c) {
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
	return ret;
}

/* The root and the command from what follows the options. */
static int split_args(int argc, char **argv, const char **root,
		      char ***cmd, char *rootbuf, size_t size)
{
	static char *shell[] = { "/bin/sh", NULL };
	int i = optind;

	*root = NULL;
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

/* Turn the options into a complete, checked configuration. */
static int configure(const struct run_opts *o, struct mc_config *c,
		     char *idbuf, size_t idsize)
{
	char why[512], path[PATH_MAX], kv[PATH_MAX + 16];
	const char *search;
	int i, err;

	if (cli_check_root_dir(c->rootfs) < 0)
		return MC_EXIT_RUNTIME;
	c->hostname = o->hostname ? o->hostname : mc_new_id(idbuf, idsize);
	if (mc_check_hostname(c->hostname, why, sizeof(why)) < 0)
		goto bad;
	if (user_resolve(c->rootfs, o->user, o->groups, o->ngroups, &c->user,
			 why, sizeof(why)) < 0)
		goto bad;
	c->workdir = o->workdir ? o->workdir : "/";
	if (mc_check_workdir(c->rootfs, c->workdir, why, sizeof(why)) < 0)
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
	snprintf(kv, sizeof(kv), "HOSTNAME=%s", c->hostname);
	if (env_put(&c->env, "PATH=" DEFAULT_PATH, why, sizeof(why)) < 0 ||
	    env_put(&c->env, kv, why, sizeof(why)) < 0)
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

static int cmd_run(int argc, char **argv)
{
	struct run_opts o = { 0 };
	struct mc_config c = { .ns_flags = MC_NS_FLAGS };
	char rootbuf[PATH_MAX], id[16];
	int ret;

	ret = parse_run(argc, argv, &o);
	if (ret)
		return ret < 0 ? 0 : ret;
	ret = split_args(argc, argv, &c.rootfs, &c.argv, rootbuf,
			 sizeof(rootbuf));
	if (ret)
		return ret;
	if (geteuid() != 0) {
		rep_error("run needs root: it creates mount, PID and network "
			  "namespaces (CAP_SYS_ADMIN); rootless containers "
			  "through a user namespace are not supported yet");
		return MC_EXIT_RUNTIME;
	}
	ret = configure(&o, &c, id, sizeof(id));
	if (ret)
		return ret;
	rep_evidence("container %s: %s on %s", c.hostname, c.argv[0],
		     c.rootfs);
	return mc_run(&c);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	static int first_steps;
	char rootfs[PATH_MAX];
	int c, *counter;

	rep_init(argv[0]);
	/* Global options stop at the command ("+"). */
	while ((c = getopt_long(argc, argv, "+qvhV", longopts, NULL)) != -1) {
		switch (c) {
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
			return 0;
		default:
			fprintf(stderr, "Try '%s --help' for more "
				"information.\n", rep_prog());
			return MC_EXIT_RUNTIME;
		}
	}
	if (optind >= argc)
		return usage_error("missing command: run");
	if (strcmp(argv[optind], "run"))
		return usage_error("unknown command: %s", argv[optind]);
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
	counter = mmap(NULL, sizeof(int), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (counter != MAP_FAILED) {
		*counter = 1;
		rep_number_steps(counter);
	}
	return cmd_run(argc - optind, argv + optind);
}
