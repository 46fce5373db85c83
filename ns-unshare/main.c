/*
 * ns-unshare - run a command in new namespaces of any of the eight types,
 * with the evidence of what each one isolates.  Options follow util-linux
 * unshare(1) where they overlap.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "contrast.h"
#include "evidence.h"
#include "idmap.h"
#include "ns.h"
#include "nstable.h"
#include "report.h"
#include "timens.h"

enum {
	OPT_MOUNT_PROC = 256, OPT_MAP_USER, OPT_MAP_GROUP, OPT_MAP_USERS,
	OPT_MAP_GROUPS, OPT_SETGROUPS, OPT_PROPAGATION, OPT_KILL_CHILD,
	OPT_HOSTNAME, OPT_JSON, OPT_CONTRAST, OPT_MONOTONIC, OPT_BOOTTIME,
};

static void usage(void)
{
	printf("Usage:\n"
	       " %s [options] [--] [program [argument...]]\n\n"
	       "Run a program (default: $SHELL or /bin/sh) in new namespaces,\n"
	       "and show on stderr what each one isolates.\n\n"
	       "Options:\n"
	       " -m, --mount                 new mount namespace\n"
	       " -u, --uts                   new UTS namespace (hostname)\n"
	       " -i, --ipc                   new IPC namespace (System V IPC)\n"
	       " -n, --net                   new network namespace\n"
	       " -p, --pid                   new PID namespace (for children: "
	       "add -f)\n"
	       " -U, --user                  new user namespace\n"
	       " -C, --cgroup                new cgroup namespace\n"
	       " -T, --time                  new time namespace (entered at "
	       "exec)\n"
	       " -f, --fork                  run the program as a child\n"
	       "     --kill-child[=SIG]      kill the child with SIG (KILL) "
	       "when ns-unshare dies\n"
	       "     --mount-proc[=DIR]      mount a fresh proc on DIR (/proc); "
	       "implies -m\n"
	       " -r, --map-root-user         map the current user to root; "
	       "implies -U\n"
	       "     --map-user UID|NAME     map the current user to UID; "
	       "implies -U\n"
	       "     --map-group GID|NAME    map the current group to GID; "
	       "implies -U\n"
	       "     --map-users IN:OUT:N    map N uids from OUT to IN; "
	       "implies -U\n"
	       "     --map-groups IN:OUT:N   map N gids from OUT to IN; "
	       "implies -U\n"
	       "     --setgroups allow|deny  control setgroups(2) in the user "
	       "namespace\n"
	       "     --propagation MODE      private (default), slave, shared "
	       "or unchanged\n"
	       "     --hostname NAME         set the hostname in the new UTS "
	       "namespace\n"
	       "     --monotonic SECS        CLOCK_MONOTONIC offset; implies "
	       "-T\n"
	       "     --boottime SECS         CLOCK_BOOTTIME offset; implies "
	       "-T\n"
	       " -R, --root DIR              chroot to DIR before running the "
	       "program\n"
	       " -w, --wd DIR                change to DIR before running the "
	       "program\n"
	       "     --contrast DEMO         show a classic mistake next to its "
	       "fix:\n"
	       "                             %s\n"
	       "     --json                  print the evidence as JSON on "
	       "stderr\n"
	       " -q, --quiet                 show no evidence, only errors\n"
	       " -v, --verbose               narrate each kernel-changing step\n"
	       " -h, --help                  display this help\n"
	       " -V, --version               display version\n",
	       rep_prog(), ns_contrast_names);
}

struct opts {
	int flags;
	int fork;
	int kill_sig;
	const char *proc_dir;
	struct ns_idmap uids, gids;
	enum ns_setgroups setgroups;
	enum ns_propagation prop;
	const char *hostname;
	struct tns_offsets offsets;
	const char *root, *wd;
	int json;
	int map_self_uid, map_self_gid;		/* -1: not asked */
};

/* A uid/gid given as a number or a name. */
static int parse_id(const char *s, int group, long *id)
{
	char *end;

	errno = 0;
	*id = strtol(s, &end, 10);
	if (*s && !*end && !errno && *id >= 0 && *id <= 4294967294L)
		return 0;
	if (group) {
		struct group *g = getgrnam(s);

		if (g) {
			*id = (long)g->gr_gid;
			return 0;
		}
	} else {
		struct passwd *p = getpwnam(s);

		if (p) {
			*id = (long)p->pw_uid;
			return 0;
		}
	}
	return -1;
}

static int add_range(struct ns_idmap *map, const char *spec, const char *opt)
{
	struct ns_idrange r;

	if (ns_idrange_parse(spec, &r) < 0)
		return cli_usage_error("%s '%s': %s", opt, spec,
				       errno == ERANGE ?
				       "IDs must stay within 0..4294967294" :
				       "expected INNER:OUTER:COUNT, COUNT > 0");
	if (ns_idmap_add(map, &r) < 0)
		return cli_usage_error("%s '%s': %s", opt, spec,
				       errno == EEXIST ?
				       "overlaps an earlier range" :
				       "too many ranges");
	return 0;
}

static int parse_signal(const char *s)
{
	char *end;
	long n;
	int i;

	if (!s)
		return SIGKILL;
	n = strtol(s, &end, 10);
	if (*s && !*end)
		return n > 0 && n < NSIG ? (int)n : -1;
	if (strncasecmp(s, "SIG", 3) == 0)
		s += 3;
	for (i = 1; i < NSIG; i++) {
		const char *name = sigabbrev_np(i);

		if (name && strcasecmp(name, s) == 0)
			return i;
	}
	return -1;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "mount", no_argument, NULL, 'm' },
		{ "uts", no_argument, NULL, 'u' },
		{ "ipc", no_argument, NULL, 'i' },
		{ "net", no_argument, NULL, 'n' },
		{ "pid", no_argument, NULL, 'p' },
		{ "user", no_argument, NULL, 'U' },
		{ "cgroup", no_argument, NULL, 'C' },
		{ "time", no_argument, NULL, 'T' },
		{ "fork", no_argument, NULL, 'f' },
		{ "kill-child", optional_argument, NULL, OPT_KILL_CHILD },
		{ "mount-proc", optional_argument, NULL, OPT_MOUNT_PROC },
		{ "map-root-user", no_argument, NULL, 'r' },
		{ "map-user", required_argument, NULL, OPT_MAP_USER },
		{ "map-group", required_argument, NULL, OPT_MAP_GROUP },
		{ "map-users", required_argument, NULL, OPT_MAP_USERS },
		{ "map-groups", required_argument, NULL, OPT_MAP_GROUPS },
		{ "setgroups", required_argument, NULL, OPT_SETGROUPS },
		{ "propagation", required_argument, NULL, OPT_PROPAGATION },
		{ "hostname", required_argument, NULL, OPT_HOSTNAME },
		{ "monotonic", required_argument, NULL, OPT_MONOTONIC },
		{ "boottime", required_argument, NULL, OPT_BOOTTIME },
		{ "root", required_argument, NULL, 'R' },
		{ "wd", required_argument, NULL, 'w' },
		{ "contrast", required_argument, NULL, OPT_CONTRAST },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	long id;
	int c, ret;

	while ((c = getopt_long(argc, argv, "+muinpUCTfrR:w:qvhV", longopts,
				NULL)) != -1) {
		const struct nst_type *t = NULL;

		if (c > 0 && c < 128 && strchr("muinpUCT", c))
			t = nst_by_name(c == 'm' ? "mnt" : c == 'u' ? "uts" :
					c == 'i' ? "ipc" : c == 'n' ? "net" :
					c == 'p' ? "pid" : c == 'U' ? "user" :
					c == 'C' ? "cgroup" : "time");
		if (t) {
			o->flags |= t->flag;
			continue;
		}
		switch (c) {
		case 'f':
			o->fork = 1;
			break;
		case OPT_KILL_CHILD:
			o->kill_sig = parse_signal(optarg);
			if (o->kill_sig < 0)
				return cli_usage_error("unknown signal: %s",
						       optarg);
			o->fork = 1;
			break;
		case OPT_MOUNT_PROC:
			o->proc_dir = optarg ? optarg : "/proc";
			o->flags |= CLONE_NEWNS;
			break;
		case 'r':
			o->map_self_uid = 0;
			o->map_self_gid = 0;
			o->flags |= CLONE_NEWUSER;
			break;
		case OPT_MAP_USER:
		case OPT_MAP_GROUP:
			if (parse_id(optarg, c == OPT_MAP_GROUP, &id) < 0)
				return cli_usage_error("no such %s: %s",
						       c == OPT_MAP_GROUP ?
						       "group" : "user", optarg);
			if (c == OPT_MAP_USER)
				o->map_self_uid = (int)id;
			else
				o->map_self_gid = (int)id;
			o->flags |= CLONE_NEWUSER;
			break;
		case OPT_MAP_USERS:
		case OPT_MAP_GROUPS:
			ret = add_range(c == OPT_MAP_USERS ? &o->uids : &o->gids,
					optarg, c == OPT_MAP_USERS ?
					"--map-users" : "--map-groups");
			if (ret)
				return ret;
			o->flags |= CLONE_NEWUSER;
			break;
		case OPT_SETGROUPS:
			if (strcmp(optarg, "allow") == 0)
				o->setgroups = NS_SETGROUPS_ALLOW;
			else if (strcmp(optarg, "deny") == 0)
				o->setgroups = NS_SETGROUPS_DENY;
			else
				return cli_usage_error("unsupported --setgroups "
						       "argument: %s", optarg);
			break;
		case OPT_PROPAGATION:
			ret = ns_parse_propagation(optarg);
			if (ret < 0)
				return cli_usage_error("unsupported propagation "
						       "mode: %s", optarg);
			o->prop = (enum ns_propagation)ret;
			break;
		case OPT_HOSTNAME:
			if (strlen(optarg) > 64)
				return cli_usage_error("hostname longer than 64 "
						       "bytes: %s", optarg);
			o->hostname = optarg;
			break;
		case OPT_MONOTONIC:
		case OPT_BOOTTIME:
			if (tns_parse_offset(optarg, c == OPT_MONOTONIC ?
					     &o->offsets.monotonic :
					     &o->offsets.boottime) < 0)
				return cli_usage_error("invalid offset '%s': "
						       "expected [-]SECONDS[.FRACTION]",
						       optarg);
			o->flags |= CLONE_NEWTIME;
			break;
		case 'R':
			o->root = optarg;
			break;
		case 'w':
			o->wd = optarg;
			break;
		case OPT_CONTRAST:
			ret = ns_contrast(optarg);
			if (ret == 2)
				return cli_usage_error("unknown contrast demo: %s "
						       "(one of: %s)", optarg,
						       ns_contrast_names);
			return ret;
		case OPT_JSON:
			o->json = 1;
			break;
		default:
			ret = cli_common_option(c, usage);
			if (ret != CLI_CONTINUE)
				return ret;
		}
	}
	if (o->hostname && !(o->flags & CLONE_NEWUTS))
		return cli_usage_error("--hostname needs -u: without a UTS "
				       "namespace of its own it would rename "
				       "the host");
	return CLI_CONTINUE;
}

/* Add the one-ID maps asked for with -r, --map-user and --map-group. */
static int self_maps(struct opts *o)
{
	struct ns_idrange r;

	if (o->map_self_uid >= 0) {
		r = (struct ns_idrange){ (uint32_t)o->map_self_uid,
					 (uint32_t)geteuid(), 1 };
		if (ns_idmap_add(&o->uids, &r) < 0)
			return cli_usage_error("--map-user %d overlaps "
					       "--map-users", o->map_self_uid);
	}
	if (o->map_self_gid >= 0) {
		r = (struct ns_idrange){ (uint32_t)o->map_self_gid,
					 (uint32_t)getegid(), 1 };
		if (ns_idmap_add(&o->gids, &r) < 0)
			return cli_usage_error("--map-group %d overlaps "
					       "--map-groups", o->map_self_gid);
		/* Without CAP_SETGID outside, gid_map needs this first. */
		if (o->setgroups == NS_SETGROUPS_DEFAULT && geteuid() != 0)
			o->setgroups = NS_SETGROUPS_DENY;
	}
	return 0;
}

/* Check the program and directories before any namespace exists. */
static int check_target(const struct opts *o, char **cmd)
{
	if (o->root && cli_check_root_dir(o->root) < 0)
		return 1;
	return cli_check_program(o->root, cmd[0]);
}

/* In the process that will run the program: root, cwd, /proc, evidence. */
static int final_steps(const struct opts *o, const struct ev_snapshot *b)
{
	struct ev_snapshot a;

	if (o->root) {
		if (chroot(o->root) < 0)
			return rep_fail("chroot(\"%s\")", o->root);
		rep_step(0, "absolute paths start at the new root",
			 "chroot(\"%s\")", o->root);
		if (!o->wd && chdir("/") < 0)
			return rep_fail("chdir(\"/\")");
	}
	if (o->wd && chdir(o->wd) < 0)
		return rep_fail("chdir(\"%s\")", o->wd);
	if (o->proc_dir && ns_mount_proc(o->proc_dir) < 0)
		return -1;
	ev_snapshot(&a);
	ev_report(o->flags, b, &a, o->json);
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o = { .map_self_uid = -1, .map_self_gid = -1,
			  .prop = NS_PROP_PRIVATE };
	struct ns_map_helper helper;
	struct ev_snapshot before;
	int ret, maps;
	char **cmd;

	rep_init(argv[0]);
	ret = parse_args(argc, argv, &o);
	if (ret != CLI_CONTINUE)
		return ret;
	ret = self_maps(&o);
	if (ret)
		return ret;
	cmd = cli_command_or_shell(argc, argv, optind);
	ret = check_target(&o, cmd);
	if (ret)
		return ret;

	ev_snapshot(&before);
	maps = o.uids.n || o.gids.n || o.setgroups != NS_SETGROUPS_DEFAULT;
	if (maps && !(o.flags & CLONE_NEWUSER))
		return cli_usage_error("--setgroups needs -U");
	if (maps && ns_map_helper_start(&helper, &o.uids, &o.gids,
					o.setgroups) < 0)
		return 1;
	if (ns_unshare(o.flags) < 0) {
		if (maps)
			ns_map_helper_cancel(&helper);
		return 1;
	}
	if (maps && ns_map_helper_finish(&helper) < 0)
		return 1;
	if ((o.offsets.monotonic.set || o.offsets.boottime.set) &&
	    tns_write_offsets(&o.offsets) < 0)
		return 1;
	if ((o.flags & CLONE_NEWNS) && ns_set_propagation(o.prop) < 0)
		return 1;
	if (o.hostname && ns_set_hostname(o.hostname) < 0)
		return 1;

	if (o.fork) {
		ret = cli_fork_wait(o.kill_sig);
		if (ret != CLI_IN_CHILD)
			return ret;
	}
	if (final_steps(&o, &before) < 0)
		return 1;
	fflush(NULL);
	execvp(cmd[0], cmd);
	rep_fail("execvp(\"%s\")", cmd[0]);
	return cli_exec_failure_code(errno);
}
