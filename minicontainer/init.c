/*
 * init.c - the container's PID 1.  PID 1 is special in two ways that
 * break ordinary programs put there: every orphan becomes its child, so
 * it must reap them or they stay zombies, and the kernel delivers it only
 * the signals it has a handler for (SIGTERM to a shell as PID 1 does
 * nothing).  So the runtime's own small init is PID 1: it keeps every
 * signal blocked and takes them with sigwaitinfo(2), reaps all children,
 * forwards the signals meant for the container to the command, and exits
 * with the command's status.  Man pages: pid_namespaces(7) "The
 * namespace init process", sigwaitinfo(2), waitpid(2).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "init.h"
#include "report.h"

/* Reap every child that has ended; 1 if one of them was child. */
static int reap(pid_t child, int *code)
{
	int status, done = 0;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
		if (pid == child) {
			*code = cli_exit_status(status);
			done = 1;
		}
	return done;
}

int init_run(pid_t child)
{
	siginfo_t si;
	sigset_t all;
	int code = 1, sig;

	/* Nobody in the container may ptrace this process or open its
	 * /proc files: dumpable 0 demands CAP_SYS_PTRACE for that. */
	prctl(PR_SET_DUMPABLE, 0);
	sigfillset(&all);
	for (;;) {
		sig = sigwaitinfo(&all, &si);
		if (sig < 0) {
			if (errno == EINTR)
				continue;
			rep_fail("sigwaitinfo()");
			return 1;
		}
		if (sig == SIGCHLD) {
			if (reap(child, &code))
				break;
			continue;
		}
		/* Keyboard stop signals are the terminal's business. */
		if (sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU)
			continue;
		/*
		 * A signal from the terminal (SI_KERNEL) reached the whole
		 * foreground process group, the command included: passing
		 * it on would deliver it twice.  One sent with kill(2), from
		 * the runtime or from inside, is passed on.
		 */
		if (si.si_code == SI_KERNEL)
			continue;
		kill(child, sig);
	}
	/* Orphans of the command that already ended, too. */
	reap(child, &code);
	return code;
}

void init_end_orphans(void)
{
	char path[64];
	pid_t pid;
	int found;
	FILE *f;

	/* Each kill may hand this subreaper the victim's own children:
	 * again until none is left. */
	snprintf(path, sizeof(path), "/proc/self/task/%d/children",
		 (int)getpid());
	do {
		found = 0;
		f = fopen(path, "re");
		while (f && fscanf(f, "%d", &pid) == 1) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			found = 1;
		}
		if (f)
			fclose(f);
	} while (found);
}
