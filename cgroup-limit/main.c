/*
 * cgroup-limit - run a command in a cgroup of its own with the limits
 * given, report what the kernel counted, and remove the group.  Also:
 * freeze, thaw, kill and list the toolkit's groups, and three demos.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/sched.h>

#include "cgroup.h"
#include "cli.h"
#include "limit.h"
#include "report.h"
#include "watch.h"

enum {
	OPT_MEMORY_HIGH = 256, OPT_SWAP, OPT_CPU_WEIGHT, OPT_IO_RBPS,
	OPT_IO_WBPS, OPT_IO_RIOPS, OPT_IO_WIOPS, OPT_CPUSET_CPUS,
	OPT_CPUSET_MEMS, OPT_JSON, OPT_FREEZE, OPT_THAW, OPT_KILL, OPT_LIST,
	OPT_DEMO, OPT_WATCH,
};

#define CPU_PERIOD_US 100000

static void usage(void)
{
	printf("Usage:\n"
	       " %s [options] [--] command [argument...]\n"
	       " %s --freeze NAME | --thaw NAME | --kill NAME | --list\n"
	       " %s --demo oom|fork-bomb|cpu\n\n"
	       "Run a command in a new cgroup (under %s/) with the limits\n"
	       "given, report what the kernel counted, and remove the group.\n"
	       "On hybrid and v1 hosts the v1 hierarchies are used.\n\n"
	       "Options:\n"
	       " -n, --name NAME             name of the group (default: "
	       "run-PID)\n"
	       " -m, --memory SIZE           memory.max (e.g. 64M, 1G)\n"
	       "     --memory-high SIZE      memory.high (v2 only)\n"
	       "     --swap SIZE             memory.swap.max\n"
	       " -c, --cpus N                cpu.max: N CPUs' worth (e.g. "
	       "0.5)\n"
	       "     --cpu-weight W          cpu.weight, 1..10000 (100 is the "
	       "default)\n"
	       " -p, --pids N                pids.max\n"
	       "     --io-read-bps DEV:RATE  io.max rbps (DEV a block device "
	       "or MAJ:MIN)\n"
	       "     --io-write-bps DEV:RATE io.max wbps\n"
	       "     --io-read-iops DEV:N    io.max riops\n"
	       "     --io-write-iops DEV:N   io.max wiops\n"
	       "     --cpuset-cpus LIST      cpuset.cpus (e.g. 0-1,3)\n"
	       "     --cpuset-mems LIST      cpuset.mems\n"
	       "     --freeze NAME           freeze a running group\n"
	       "     --thaw NAME             thaw it\n"
	       "     --kill NAME             kill every process in it\n"
	       "     --list                  the toolkit's groups, limits and "
	       "usage\n"
	       "     --demo NAME             oom, fork-bomb or cpu: a workload "
	       "without,\n"
	       "                             then with the limit\n"
	       "     --watch                 a live view of the group on stderr, "
	       "every second\n"
	       "     --json                  the report as JSON on stderr\n"
	       " -q, --quiet                 no report, only errors\n"
	       " -v, --verbose               narrate each file written\n"
	       " -h, --help                  display this help\n"
	       " -V, --version               display version\n",
	       rep_prog(), rep_prog(), rep_prog(), "/sys/fs/cgroup/" CG_SUBTREE);
}

struct opts {
	struct cg_limits l;
	char name[65];
	const char *action_name;	/* freeze/thaw/kill target */
	int action;			/* OPT_FREEZE ... OPT_LIST, or 0 */
	const char *demo;
	int json;
	int watch;
};

static int parse_io(struct cg_limits *l, int opt, const char *arg)
{
	char why[256];

	if (cg_add_io(l, opt == OPT_IO_RBPS ? CG_IO_RBPS :
		      opt == OPT_IO_WBPS ? CG_IO_WBPS :
		      opt == OPT_IO_RIOPS ? CG_IO_RIOPS : CG_IO_WIOPS, arg, why,
		      sizeof(why)) < 0)
		return cli_usage_error("%s", why);
	return 0;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "memory", required_argument, NULL, 'm' },
		{ "memory-high", required_argument, NULL, OPT_MEMORY_HIGH },
		{ "swap", required_argument, NULL, OPT_SWAP },
		{ "cpus", required_argument, NULL, 'c' },
		{ "cpu-weight", required_argument, NULL, OPT_CPU_WEIGHT },
		{ "pids", required_argument, NULL, 'p' },
		{ "io-read-bps", required_argument, NULL, OPT_IO_RBPS },
		{ "io-write-bps", required_argument, NULL, OPT_IO_WBPS },
		{ "io-read-iops", required_argument, NULL, OPT_IO_RIOPS },
		{ "io-write-iops", required_argument, NULL, OPT_IO_WIOPS },
		{ "cpuset-cpus", required_argument, NULL, OPT_CPUSET_CPUS },
		{ "cpuset-mems", required_argument, NULL, OPT_CPUSET_MEMS },
		{ "freeze", required_argument, NULL, OPT_FREEZE },
		{ "thaw", required_argument, NULL, OPT_THAW },
		{ "kill", required_argument, NULL, OPT_KILL },
		{ "list", no_argument, NULL, OPT_LIST },
		{ "demo", required_argument, NULL, OPT_DEMO },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "watch", no_argument, NULL, OPT_WATCH },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int c, ret;

	while ((c = getopt_long(argc, argv, "+n:m:c:p:qvhV", longopts,
				NULL)) != -1) {
		switch (c) {
		case 'n':
			if (cg_check_name(optarg) < 0)
				return cli_usage_error("invalid group name '%s': "
						       "use 1-64 of A-Z a-z 0-9 "
						       ". _ -", optarg);
			snprintf(o->name, sizeof(o->name), "%s", optarg);
			break;
		case 'm':
		case OPT_MEMORY_HIGH:
		case OPT_SWAP: {
			uint64_t v;

			if (cg_parse_size(optarg, 1, &v) < 0 ||
			    (v == 0 && c != OPT_SWAP))
				return cli_usage_error("invalid size '%s': use "
						       "e.g. 64M, 1.5G or max",
						       optarg);
			if (c == 'm') {
				o->l.memory = v;
			} else if (c == OPT_SWAP) {
				o->l.swap = v;
				o->l.swap_set = 1;
			} else {
				o->l.memory_high = v;
			}
			break;
		}
		case 'c':
			if (cg_parse_cpus(optarg, ncpu, CPU_PERIOD_US,
					  &o->l.cpu_quota) < 0)
				return cli_usage_error("invalid CPU count '%s': "
						       "above 0 and at most %ld "
						       "(this machine's CPUs)",
						       optarg, ncpu);
			o->l.cpu_period = CPU_PERIOD_US;
			break;
		case OPT_CPU_WEIGHT:
			if (cg_parse_weight(optarg, &o->l.cpu_weight) < 0)
				return cli_usage_error("invalid CPU weight '%s': "
						       "1..10000", optarg);
			break;
		case 'p':
			if (cg_parse_pids(optarg, &o->l.pids) < 0)
				return cli_usage_error("invalid process count "
						       "'%s'", optarg);
			break;
		case OPT_IO_RBPS:
		case OPT_IO_WBPS:
		case OPT_IO_RIOPS:
		case OPT_IO_WIOPS:
			ret = parse_io(&o->l, c, optarg);
			if (ret)
				return ret;
			break;
		case OPT_CPUSET_CPUS:
		case OPT_CPUSET_MEMS:
			if (cg_parse_cpulist(optarg, c == OPT_CPUSET_CPUS ?
					     ncpu : 1024) < 0)
				return cli_usage_error("invalid list '%s': use "
						       "e.g. 0-1,3 within this "
						       "machine", optarg);
			if (c == OPT_CPUSET_CPUS)
				o->l.cpus = optarg;
			else
				o->l.mems = optarg;
			break;
		case OPT_FREEZE:
		case OPT_THAW:
		case OPT_KILL:
			if (cg_check_name(optarg) < 0)
				return cli_usage_error("invalid group name '%s'",
						       optarg);
			o->action = c;
			o->action_name = optarg;
			break;
		case OPT_LIST:
			o->action = c;
			break;
		case OPT_DEMO:
			o->demo = optarg;
			break;
		case OPT_JSON:
			o->json = 1;
			break;
		case OPT_WATCH:
			o->watch = 1;
			break;
		default:
			ret = cli_common_option(c, usage);
			if (ret != CLI_CONTINUE)
				return ret;
		}
	}
	return CLI_CONTINUE;
}

static pid_t child_pid;

static void forward(int sig)
{
	if (child_pid > 0)
		kill(child_pid, sig);
}

/*
 * Start the command inside the group.  On v2, clone3(CLONE_INTO_CGROUP)
 * (Linux 5.7) creates the child directly in the group: it never runs
 * outside it, not even for an instant.  Otherwise the child moves itself
 * by writing its PID to cgroup.procs before exec.
 */
static pid_t spawn(struct cg_group *g, char **cmd)
{
	struct clone_args args = { .flags = CLONE_INTO_CGROUP,
				   .exit_signal = SIGCHLD };
	pid_t pid = -1;

	fflush(NULL);
	if (cg_v2_fd(g) >= 0) {
		args.cgroup = (uint64_t)cg_v2_fd(g);
		pid = (pid_t)syscall(SYS_clone3, &args, sizeof(args));
		if (pid > 0)
			rep_step(pid, "the child starts inside the group",
				 "clone3({.flags = CLONE_INTO_CGROUP, .cgroup "
				 "= fd of %s})", g->name);
		if (pid < 0 && errno != ENOSYS && errno != E2BIG) {
			rep_fail("clone3(CLONE_INTO_CGROUP)");
			return -1;
		}
	}
	if (pid < 0)
		pid = fork();
	if (pid < 0) {
		rep_fail("fork()");
		return -1;
	}
	if (pid == 0) {
		signal(SIGINT, SIG_DFL);
		if (cg_v2_fd(g) < 0 && cg_enter(g, getpid()) < 0)
			_exit(EXIT_CANNOT_EXEC);
		execvp(cmd[0], cmd);
		rep_fail("execvp(\"%s\")", cmd[0]);
		_exit(cli_exec_failure_code(errno));
	}
	return pid;
}

/* Draw the live view about once a second until the child exits; return
 * its exit code like cli_wait(). */
static int watch(struct cg_group *g, pid_t pid)
{
	struct timespec start, now, tick = { 0, 100 * 1000 * 1000 };
	struct cg_watch w;
	double t, next = 0;
	int status;
	pid_t r;

	cg_watch_init(&w, stderr);
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		r = waitpid(pid, &status, WNOHANG);
		if (r == pid)
			return cli_exit_status(status);
		if (r < 0 && errno != EINTR)
			return cli_wait(pid);
		clock_gettime(CLOCK_MONOTONIC, &now);
		t = (double)(now.tv_sec - start.tv_sec) +
		    (now.tv_nsec - start.tv_nsec) / 1e9;
		if (t >= next) {
			cg_watch_tick(&w, g, t);
			next += 1.0;
		}
		nanosleep(&tick, NULL);
	}
}

/* Create the group, run cmd in it, report, remove: the main path. */
static int run(struct cg_host *h, struct opts *o, char **cmd)
{
	struct cg_group g;
	int ret;

	if (!o->name[0])
		snprintf(o->name, sizeof(o->name), "run-%d", (int)getpid());
	if (cg_create(&g, h, o->name, &o->l) < 0)
		return 1;
	if (cg_apply(&g, &o->l) < 0) {
		cg_destroy(&g);
		return 1;
	}
	/* The terminal's ^C reaches the child; we stay to clean up. */
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	child_pid = spawn(&g, cmd);
	if (child_pid < 0) {
		cg_destroy(&g);
		return 1;
	}
	signal(SIGTERM, forward);
	signal(SIGHUP, forward);
	ret = o->watch ? watch(&g, child_pid) : cli_wait(child_pid);
	if (rep_level >= REP_EVIDENCE || o->json)
		cg_report(&g, stderr, o->json);
	if (cg_destroy(&g) < 0 && ret == 0)
		ret = 1;
	return ret < 0 ? 1 : ret;
}

/* The workload binary shipped beside this one. */
static int workload_path(char *out, size_t size)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	if (n < 0)
		return -1;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return -1;
	*slash = '\0';
	if ((size_t)snprintf(out, size, "%s/cg-workload", exe) >= size)
		return -1;
	return access(out, X_OK);
}

/* The demos: a workload (cg-workload's arguments) run twice, without
 * and then with one limit. */
static const struct demo {
	const char *name;
	const char *args[4];	/* after cg-workload */
	const char *what;	/* the limit, as the option a user would give */
	struct cg_limits limit;
} demos[] = {
	{ "oom", { "hog", "64M" }, "--memory 32M",
	  { .memory = 32ULL << 20 } },
	{ "fork-bomb", { "fork-bomb", "200", "3" }, "--pids 20",
	  { .pids = 20 } },
	{ "cpu", { "spin", "2" }, "--cpus 0.2",
	  { .cpu_quota = CPU_PERIOD_US / 5, .cpu_period = CPU_PERIOD_US } },
};

static const struct demo *find_demo(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(demos) / sizeof(demos[0]); i++)
		if (!strcmp(demos[i].name, name))
			return &demos[i];
	return NULL;
}

static int demo(struct cg_host *h, struct opts *o, const struct demo *d)
{
	char wl[PATH_MAX];
	char *cmd[6] = { wl };
	struct cg_limits limit = d->limit;
	const char *what = d->what;
	int ret;
	size_t i;

	if (workload_path(wl, sizeof(wl)) < 0) {
		rep_error("cg-workload is missing beside %s", rep_prog());
		return 1;
	}
	for (i = 0; i < 4 && d->args[i]; i++)
		cmd[i + 1] = (char *)d->args[i];
	rep_evidence("demo %s, control run: no limit", o->demo);
	snprintf(o->name, sizeof(o->name), "demo-%s-control", o->demo);
	ret = run(h, o, cmd);
	rep_evidence("control exited with status %d", ret);
	rep_evidence("demo %s, limited run: %s", o->demo, what);
	o->l = limit;
	/* memory.swap.max 0: without it the hog would swap, not die. */
	if (!strcmp(o->demo, "oom") && h->mode == CG_V2)
		o->l.swap_set = 1;
	snprintf(o->name, sizeof(o->name), "demo-%s", o->demo);
	ret = run(h, o, cmd);
	rep_evidence("limited run exited with status %d%s", ret,
		     ret == 128 + SIGKILL ? " (SIGKILL: the OOM killer)" : "");
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };
	struct cg_host host;
	const struct demo *d = NULL;
	struct cg_group g;
	int ret;

	rep_init(argv[0]);
	ret = parse_args(argc, argv, &o);
	if (ret != CLI_CONTINUE)
		return ret;
	if (!o.action && !o.demo && optind >= argc)
		return cli_usage_error("no command given");
	if ((o.action || o.demo) && optind < argc)
		return cli_usage_error("unexpected argument: %s", argv[optind]);
	/* A program that cannot run makes no group. */
	if (!o.action && !o.demo) {
		ret = cli_check_program(NULL, argv[optind]);
		if (ret)
			return ret;
	}
	if (o.demo && !(d = find_demo(o.demo)))
		return cli_usage_error("unknown demo '%s': oom, fork-bomb or cpu",
				       o.demo);
	/* Which hierarchy this host has is news when groups are made or
	 * listed, not when one is frozen or killed. */
	ret = rep_level;
	if (o.action && o.action != OPT_LIST && rep_level < REP_NARRATE)
		rep_level = REP_QUIET;
	if (cg_detect(&host) < 0)
		return 1;
	rep_level = ret;
	if (o.demo)
		return demo(&host, &o, d);
	switch (o.action) {
	case OPT_LIST:
		return cg_list(&host, stdout) < 0;
	case OPT_FREEZE:
	case OPT_THAW:
	case OPT_KILL:
		if (cg_open(&g, &host, o.action_name) < 0)
			return 1;
		ret = o.action == OPT_KILL ? cg_kill(&g) :
		      cg_freeze(&g, o.action == OPT_FREEZE);
		return ret < 0;
	}
	return run(&host, &o, &argv[optind]);
}
