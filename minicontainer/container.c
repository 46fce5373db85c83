/*
 * container.c - everything a runtime does to start a container, in the
 * order the kernel sees it.  Three processes take part:
 *
 *   the runtime      stays on the host, passes signals on, waits, and
 *                    turns the container's end into an exit code;
 *   init (PID 1)     made by clone3 in new namespaces; builds the
 *                    container's filesystem, switches root, then stays
 *                    as PID 1 (init.c);
 *   the command      forked by init; drops to the container's
 *                    credentials (user, capabilities, no_new_privs,
 *                    seccomp: the order matters, see below) and execs.
 *
 * A pipe tells the runtime how the start went: the command's end is
 * close-on-exec, so end-of-file means execve(2) succeeded, and a byte
 * means the start failed with that exit code.
 * Man pages: clone3(2), namespaces(7), pivot_root(2), capabilities(7),
 * prctl(2) PR_SET_NO_NEW_PRIVS, seccomp(2), close_range(2).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/close_range.h>

#include "caps.h"
#include "cli.h"
#include "container.h"
#include "init.h"
#include "netns.h"
#include "ns.h"
#include "pivot.h"
#include "report.h"
#include "rootfs.h"
#include "seccomp-default.h"
#include "seccomp-filter.h"

extern char **environ;

/* Tell the runtime the start failed with code, and end this process. */
static __attribute__((noreturn)) void fail(int fd, int code)
{
	unsigned char c = (unsigned char)code;

	if (write(fd, &c, 1) < 0) {
		/* The runtime is gone: nobody to tell. */
	}
	_exit(code);
}

/*
 * The container's filesystem, in the new mount namespace: private
 * propagation and the new root as a mount point (pivot_prepare), then
 * /proc, /dev, /sys and the masks inside it, and only then the switch,
 * so that every mount above is carried into the new root.
 */
static int build_root(const struct mc_config *c)
{
	if (pivot_prepare(c->rootfs, NS_PROP_PRIVATE) < 0)
		return -1;
	if (rootfs_check_mount_points() < 0 || pivot_mount_proc() < 0 ||
	    rootfs_mount_dev() < 0 || rootfs_mount_sys() < 0 ||
	    rootfs_mask(rootfs_masked_paths) < 0 ||
	    rootfs_readonly(rootfs_readonly_paths) < 0 ||
	    pivot_switch() < 0 || pivot_detach() < 0)
		return -1;
	return 0;
}

/* The working directory, inside the root or not at all. */
static int enter_workdir(const char *dir)
{
	char cwd[PATH_MAX];

	if (chdir(dir) < 0)
		return rep_fail("chdir(\"%s\")", dir);
	/*
	 * CVE-2024-21626: a working directory reached through a file
	 * descriptor leaked from the host (/proc/self/fd/N) lies outside
	 * the root; getcwd(2) then has no path for it.
	 */
	if (!getcwd(cwd, sizeof(cwd)) || cwd[0] != '/') {
		rep_error("workdir %s is outside the container's root", dir);
		errno = EACCES;
		return -1;
	}
	rep_step(0, "the working directory", "chdir(\"%s\")", dir);
	return 0;
}

/* setrlimit(2) for each --ulimit. */
static int set_rlimits(const struct mc_config *c)
{
	int i;

	for (i = 0; i < c->nrlimits; i++) {
		if (setrlimit(c->rlimits[i].resource, &c->rlimits[i].lim) < 0)
			return rep_fail("setrlimit(%d)", c->rlimits[i].resource);
		rep_step(0, NULL, "setrlimit(%d, {%llu, %llu})",
			 c->rlimits[i].resource,
			 (unsigned long long)c->rlimits[i].lim.rlim_cur,
			 (unsigned long long)c->rlimits[i].lim.rlim_max);
	}
	return 0;
}

/*
 * Who the command is.  The order is forced by the kernel: the bounding
 * set can only shrink while CAP_SETPCAP is held, so first; the groups
 * and ids next, while CAP_SETGID and CAP_SETUID are held (a change of
 * uid from 0 clears the permitted and effective sets); the remaining
 * capability sets after that; no_new_privs before seccomp, because
 * without CAP_SYS_ADMIN a filter may only be loaded under it.
 */
static int drop_privileges(const struct mc_config *c)
{
	const struct mc_user *u = &c->user;

	if (set_rlimits(c) < 0 || caps_drop_bounding(c->caps) < 0)
		return -1;
	if (setgroups((size_t)u->ngroups, u->groups) < 0)
		return rep_fail("setgroups(%d)", u->ngroups);
	if (setresgid(u->gid, u->gid, u->gid) < 0)
		return rep_fail("setresgid(%u)", u->gid);
	if (setresuid(u->uid, u->uid, u->uid) < 0)
		return rep_fail("setresuid(%u)", u->uid);
	rep_step(0, "the command's user and groups", "setgroups(%d); "
		 "setresgid(%u); setresuid(%u)", u->ngroups, u->gid, u->uid);
	/* Root keeps the container's set; anyone else keeps none. */
	if (caps_set(u->uid == 0 ? c->caps : 0) < 0)
		return -1;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return rep_fail("prctl(PR_SET_NO_NEW_PRIVS, 1)");
	rep_step(0, "no execve can raise privileges again (setuid bits, "
		 "file capabilities are ignored)",
		 "prctl(PR_SET_NO_NEW_PRIVS, 1)");
	return 0;
}

/* The command process: credentials, then execve.  Never returns. */
static __attribute__((noreturn)) void command(const struct mc_config *c,
					      int fd)
{
	sigset_t none;
	int code;

	/* Back to ordinary signal handling for the command. */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/*
	 * Only 0, 1, 2 and the status pipe may cross into the container; a
	 * directory fd of the host's would be a way out of the root.  The
	 * pipe goes to fd 3, close-on-exec, and everything above is closed.
	 */
	if (fd != 3) {
		if (dup3(fd, 3, O_CLOEXEC) < 0)
			fail(fd, MC_EXIT_RUNTIME);
		fd = 3;
	}
	if (syscall(SYS_close_range, 4U, ~0U, 0) < 0)
		fail(fd, MC_EXIT_RUNTIME);
	rep_step(0, "no file descriptor of the runtime's reaches the command",
		 "close_range(4, ~0U, 0)");
	if (enter_workdir(c->workdir) < 0 || drop_privileges(c) < 0)
		fail(fd, MC_EXIT_RUNTIME);
	/* Last, so the filter need not allow what the steps above use. */
	if ((c->seccomp_default && sc_apply_default() < 0) ||
	    (c->seccomp && sc_apply(c->seccomp) < 0))
		fail(fd, MC_EXIT_RUNTIME);
	environ = (char **)c->env.v;
	rep_step(0, "the command replaces the runtime in this process",
		 "execvp(\"%s\")", c->argv[0]);
	fflush(NULL);
	execvp(c->argv[0], c->argv);
	code = cli_exec_failure_code(errno);
	rep_fail("execvp(\"%s\")", c->argv[0]);
	fail(fd, code);
}

/* PID 1: build the root, start the command, be its init. */
static __attribute__((noreturn)) void container_init(
	const struct mc_config *c, int fd)
{
	sigset_t all;
	pid_t pid;

	/* If the runtime dies, so does the container. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (build_root(c) < 0 || ns_set_hostname(c->hostname) < 0 ||
	    nv_link_up("lo") < 0)
		fail(fd, MC_EXIT_RUNTIME);
	/* Blocked before the fork: no signal is lost in between. */
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		rep_fail("fork()");
		fail(fd, MC_EXIT_RUNTIME);
	}
	if (pid == 0)
		command(c, fd);
	rep_step(pid, "the command is PID 2; this init stays PID 1 and keeps "
		 "only CAP_KILL, to pass signals on", "fork()");
	close(fd);
	/* Not narrated: the lines would interleave with the command's. */
	if (rep_level > REP_EVIDENCE)
		rep_level = REP_EVIDENCE;
	if (caps_drop_bounding(1ULL << CAP_KILL) < 0 ||
	    caps_set(1ULL << CAP_KILL) < 0)
		kill(pid, SIGKILL);
	_exit(init_run(pid));
}

/* --- the runtime's side --- */

static volatile pid_t container_pid;

/* Pass a signal sent to the runtime on to the container's init; one
 * from the terminal reached the container's processes already. */
static void forward(int sig, siginfo_t *si, void *ctx)
{
	(void)ctx;
	if (container_pid > 0 && si->si_code != SI_KERNEL)
		kill(container_pid, sig);
}

static void forward_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT,
				    SIGUSR1, SIGUSR2, SIGWINCH };
	struct sigaction sa = { .sa_sigaction = forward,
				.sa_flags = SA_SIGINFO | SA_RESTART };
	size_t i;

	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

int mc_run(const struct mc_config *c)
{
	unsigned char code = 0;
	int p[2], status;
	ssize_t n;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0) {
		rep_fail("pipe2()");
		return MC_EXIT_RUNTIME;
	}
	pid = ns_clone(c->ns_flags, -1);
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return MC_EXIT_RUNTIME;
	}
	if (pid == 0) {
		close(p[0]);
		container_init(c, p[1]);
	}
	container_pid = pid;
	forward_signals();
	close(p[1]);
	/* End-of-file: the command is running.  A byte: the start failed. */
	do
		n = read(p[0], &code, 1);
	while (n < 0 && errno == EINTR);
	close(p[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			rep_fail("waitpid(%d)", pid);
			return MC_EXIT_RUNTIME;
		}
	if (n == 1)
		return code;
	return cli_exit_status(status);
}
