/*
 * ns-enter - run a program in the namespaces of a running process, with
 * the evidence that the identities now match (nsenter -t PID).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "join.h"
#include "nstable.h"
#include "report.h"

enum { OPT_PRESERVE = 256 };

static void usage(void)
{
	printf("Usage:\n"
	       " %s [options] -t PID [--] [program [argument...]]\n\n"
	       "Run a program (default: $SHELL or /bin/sh) in the namespaces "
	       "of process PID.\n"
	       "With no type options, every namespace of PID that differs "
	       "from ours.\n\n"
	       "Options:\n"
	       " -t, --target PID            the process whose namespaces to "
	       "enter\n"
	       " -a, --all                   every namespace type of PID\n"
	       " -m, --mount                 its mount namespace\n"
	       " -u, --uts                   its UTS namespace\n"
	       " -i, --ipc                   its IPC namespace\n"
	       " -n, --net                   its network namespace\n"
	       " -p, --pid                   its PID namespace (the program "
	       "runs in a child)\n"
	       " -U, --user                  its user namespace\n"
	       " -C, --cgroup                its cgroup namespace\n"
	       " -T, --time                  its time namespace\n"
	       " -r, --root                  its root directory\n"
	       " -w, --wd                    its working directory\n"
	       "     --preserve-credentials  keep our uid and gid in its user "
	       "namespace\n"
	       "                             (default: become its root)\n"
	       " -q, --quiet                 show no evidence, only errors\n"
	       " -v, --verbose               narrate each kernel-changing step\n"
	       " -h, --help                  display this help\n"
	       " -V, --version               display version\n",
	       rep_prog());
}

/* In a joined user namespace, become its root as nsenter(1) does. */
static int become_root(void)
{
	/* setgroups(2) may be denied there; that is not an error. */
	if (setgroups(0, NULL) == 0)
		rep_step(0, "no supplementary groups", "setgroups(0, NULL)");
	if (setresgid(0, 0, 0) < 0)
		return rep_fail_hint(errno == EINVAL ? "gid 0 is not mapped in "
				     "that user namespace: add "
				     "--preserve-credentials" : NULL,
				     "setresgid(0, 0, 0)");
	if (setresuid(0, 0, 0) < 0)
		return rep_fail_hint(errno == EINVAL ? "uid 0 is not mapped in "
				     "that user namespace: add "
				     "--preserve-credentials" : NULL,
				     "setresuid(0, 0, 0)");
	rep_step(0, "uid and gid 0 of the joined user namespace",
		 "setresuid(0, 0, 0)");
	return 0;
}

/*
 * For each joined type: our identity before and now, against the
 * target's, read before joining (once in its mount namespace, /proc may
 * be another PID namespace's, where its PID means something else).
 */
static void show_evidence(int nsdir, pid_t pid, int flags,
			  const uint64_t *before, const uint64_t *theirs)
{
	unsigned i;

	for (i = 0; i < nst_count; i++) {
		uint64_t now = 0;
		const char *ns = nst_types[i].proc;

		if (!(flags & nst_types[i].flag))
			continue;
		/* A PID namespace is for our children: pid_for_children. */
		nst_inode_at(nsdir, nst_types[i].flag == CLONE_NEWPID ?
			     "pid_for_children" : ns, &now);
		rep_evidence("%-6s %s:[%llu] -> %s:[%llu], process %d's is "
			     "%s:[%llu]: %s", ns, ns,
			     (unsigned long long)before[i], ns,
			     (unsigned long long)now, (int)pid, ns,
			     (unsigned long long)theirs[i],
			     now != theirs[i] ? "NOT the same" :
			     before[i] == theirs[i] ? "already shared" :
			     "joined");
	}
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "target", required_argument, NULL, 't' },
		{ "all", no_argument, NULL, 'a' },
		{ "mount", no_argument, NULL, 'm' },
		{ "uts", no_argument, NULL, 'u' },
		{ "ipc", no_argument, NULL, 'i' },
		{ "net", no_argument, NULL, 'n' },
		{ "pid", no_argument, NULL, 'p' },
		{ "user", no_argument, NULL, 'U' },
		{ "cgroup", no_argument, NULL, 'C' },
		{ "time", no_argument, NULL, 'T' },
		{ "root", no_argument, NULL, 'r' },
		{ "wd", no_argument, NULL, 'w' },
		{ "preserve-credentials", no_argument, NULL, OPT_PRESERVE },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c, ret, flags = 0, all = 0, root = 0, wd = 0, preserve = 0;
	uint64_t before[8] = { 0 }, theirs[8] = { 0 };
	int nsdir;
	struct join_target t;
	pid_t pid = 0;
	char **cmd, *end;
	unsigned i;

	rep_init(argv[0]);
	while ((c = getopt_long(argc, argv, "+t:amuinpUCTrwqvhV", longopts,
				NULL)) != -1) {
		const char *type = c == 'm' ? "mnt" : c == 'u' ? "uts" :
				   c == 'i' ? "ipc" : c == 'n' ? "net" :
				   c == 'p' ? "pid" : c == 'U' ? "user" :
				   c == 'C' ? "cgroup" : c == 'T' ? "time" :
				   NULL;

		if (type) {
			flags |= nst_by_name(type)->flag;
			continue;
		}
		switch (c) {
		case 't':
			errno = 0;
			pid = (pid_t)strtol(optarg, &end, 10);
			if (errno || *end || pid <= 0)
				return cli_usage_error("invalid PID: %s",
						       optarg);
			break;
		case 'a':
			all = 1;
			break;
		case 'r':
			root = 1;
			break;
		case 'w':
			wd = 1;
			break;
		case OPT_PRESERVE:
			preserve = 1;
			break;
		default:
			ret = cli_common_option(c, usage);
			if (ret != CLI_CONTINUE)
				return ret;
		}
	}
	if (!pid)
		return cli_usage_error("no target process: give -t PID");
	if (all)
		for (i = 0; i < nst_count; i++)
			flags |= nst_types[i].flag;
	cmd = cli_command_or_shell(argc, argv, optind);

	for (i = 0; i < nst_count; i++) {
		nst_inode(0, nst_types[i].proc, &before[i]);
		nst_inode(pid, nst_types[i].proc, &theirs[i]);
	}
	/*
	 * Our own ns directory, opened now: once in the target's mount
	 * namespace, /proc may be its procfs, where /proc/self is not us
	 * (or does not exist, for a PID namespace we did not join).
	 */
	nsdir = open("/proc/thread-self/ns", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (join_open(&t, pid, &flags, root, wd) < 0)
		return 1;
	if (join_enter(&t, flags) < 0) {
		join_close(&t);
		return 1;
	}
	if ((flags & CLONE_NEWUSER) && !preserve && become_root() < 0) {
		join_close(&t);
		return 1;
	}
	ret = join_root_cwd(&t);
	join_close(&t);
	if (ret < 0)
		return 1;

	show_evidence(nsdir, pid, flags, before, theirs);
	close(nsdir);
	/* A PID namespace holds only the children of a setns'er. */
	if (flags & CLONE_NEWPID) {
		ret = cli_fork_wait(SIGKILL);
		if (ret != CLI_IN_CHILD)
			return ret;
	}
	fflush(NULL);
	execvp(cmd[0], cmd);
	/* $SHELL is the host's; a busybox container may have only sh. */
	if (errno == ENOENT && optind >= argc &&
	    strcmp(cmd[0], CLI_DEFAULT_SHELL) != 0) {
		cmd[0] = CLI_DEFAULT_SHELL;
		execv(cmd[0], cmd);
	}
	rep_fail("execvp(\"%s\")", cmd[0]);
	return cli_exec_failure_code(errno);
}
