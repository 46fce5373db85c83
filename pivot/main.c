/*
 * pivot - enter a new root the way containers do: a new mount namespace,
 * "/" made private, a fresh /proc, pivot_root(2), the old root detached.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "mountinfo.h"
#include "nstable.h"
#include "pivot.h"
#include "report.h"

enum { OPT_PROPAGATION = 256, OPT_NO_PROC };

static void usage(void)
{
	printf("Usage:\n"
	       " %s [options] [NEWROOT [COMMAND [ARG]...]]\n\n"
	       "Run COMMAND (default: %s) with NEWROOT as the root of a new\n"
	       "mount namespace: / made private, NEWROOT bind-mounted onto\n"
	       "itself, a fresh proc mounted in it, pivot_root(\".\", \".\"),\n"
	       "the old root detached.  NEWROOT defaults to the toolkit's "
	       "busybox rootfs.\n\n"
	       "Options:\n"
	       " -p, --pid                 also a new PID namespace: COMMAND "
	       "is PID 1\n"
	       "     --propagation MODE    private (default), slave or "
	       "unchanged\n"
	       "     --no-proc             do not mount /proc in the new root\n"
	       " -q, --quiet               show no evidence, only errors\n"
	       " -v, --verbose             narrate each kernel-changing step\n"
	       " -h, --help                display this help\n"
	       " -V, --version             display version\n",
	       rep_prog(), CLI_DEFAULT_SHELL);
}

/* Number of mounts in this process's mount table, or -1. */
static int count_mounts(void)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	int n;

	if (!f)
		return -1;
	n = mnt_count(f);
	fclose(f);
	return n;
}

static void show_after(int host_mounts, uint64_t host_mnt, int pidns,
		       int proc)
{
	struct stat root, up;
	uint64_t mnt = 0;

	if (stat("/", &root) == 0 && stat("/..", &up) == 0)
		rep_evidence("/.. is %s (dev %u:%u ino %lu): nothing above the "
			     "new root is reachable",
			     root.st_dev == up.st_dev && root.st_ino == up.st_ino ?
			     "/ itself" : "NOT /",
			     major(root.st_dev), minor(root.st_dev),
			     (unsigned long)root.st_ino);
	if (!proc) {
		rep_evidence("no /proc mounted: mount table not shown");
		return;
	}
	nst_inode(0, "mnt", &mnt);
	rep_evidence("mount namespace mnt:[%llu] (the host's is mnt:[%llu]) "
		     "holds %d mounts; the host's %d are unreachable",
		     (unsigned long long)mnt, (unsigned long long)host_mnt,
		     count_mounts(), host_mounts);
	if (pidns)
		rep_evidence("/proc shows %d process(es): the command is PID %d "
			     "of its own PID namespace", cli_count_pids("/proc"),
			     (int)getpid());
	else
		rep_evidence("/proc shows %d processes, the host's too: a mount "
			     "namespace isolates mounts, not processes (add "
			     "--pid)", cli_count_pids("/proc"));
}

/* The steps, in order, in the process that will exec the command. */
static int enter(const char *root, enum ns_propagation prop, int pidns,
		 int proc, int host_mounts, uint64_t host_mnt)
{
	if (pivot_prepare(root, prop) < 0)
		return -1;
	if (proc && pivot_mount_proc() < 0)
		goto out_abort;
	if (pivot_switch() < 0)
		goto out_abort;
	if (pivot_detach() < 0)
		return -1;
	show_after(host_mounts, host_mnt, pidns, proc);
	return 0;

out_abort:
	pivot_abort(root);
	return -1;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "pid", no_argument, NULL, 'p' },
		{ "propagation", required_argument, NULL, OPT_PROPAGATION },
		{ "no-proc", no_argument, NULL, OPT_NO_PROC },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	enum ns_propagation prop = NS_PROP_PRIVATE;
	int c, ret, pidns = 0, proc = 1, host_mounts;
	uint64_t host_mnt = 0;
	struct cli_target t;

	rep_init(argv[0]);
	while ((c = getopt_long(argc, argv, "+pqvhV", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			pidns = 1;
			break;
		case OPT_PROPAGATION:
			ret = pivot_parse_propagation(optarg);
			if (ret < 0)
				return cli_usage_error("unsupported propagation "
						       "mode: %s", optarg);
			prop = (enum ns_propagation)ret;
			break;
		case OPT_NO_PROC:
			proc = 0;
			break;
		default:
			ret = cli_common_option(c, usage);
			if (ret != CLI_CONTINUE)
				return ret;
		}
	}

	/* Check everything we can before the first kernel change. */
	ret = cli_parse_target(argc, argv, optind, 0, &t);
	if (ret)
		return ret;

	host_mounts = count_mounts();
	nst_inode(0, "mnt", &host_mnt);
	if (ns_unshare(CLONE_NEWNS | (pidns ? CLONE_NEWPID : 0)) < 0)
		return 1;

	if (pidns) {
		/*
		 * unshare(CLONE_NEWPID) does not move the caller: its next
		 * child is PID 1 of the new namespace (pid_namespaces(7)).
		 * The parent only waits, ignoring the terminal's signals the
		 * way system(3) does, and passes the status on.
		 */
		ret = cli_fork_wait(0);
		if (ret != CLI_IN_CHILD)
			return ret;
	}

	if (enter(t.root, prop, pidns, proc, host_mounts, host_mnt) < 0)
		return 1;
	fflush(stdout);
	execv(t.exe, t.argv);
	rep_fail("execv(\"%s\")", t.exe);
	return cli_exec_failure_code(errno);
}
