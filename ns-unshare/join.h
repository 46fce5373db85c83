/*
 * join.h - enter the namespaces of a running process with setns(2),
 * optionally its root and working directory (what nsenter(1) does).
 */
#ifndef CTK_JOIN_H
#define CTK_JOIN_H

#include <sys/types.h>

struct join_target {
	pid_t pid;
	int fd[8];		/* /proc/PID/ns/<type>, nst_types order; -1 */
	int root_fd;		/* /proc/PID/root, or -1 */
	int cwd_fd;		/* /proc/PID/cwd, or -1 */
};

/*
 * Open the namespace files of pid for the types in flags (0: every type
 * whose namespace differs from the caller's), and its root and cwd if
 * asked.  Opening everything first pins the target: it may exit while we
 * join.  Reported; 0 or -1 with errno (ESRCH: no such process, ENOENT: the
 * kernel lacks that type).  *flags is set to the types to report; those
 * the caller already shares need no setns and keep fd -1.
 */
int join_open(struct join_target *t, pid_t pid, int *flags, int root,
	      int cwd);

/*
 * setns(2) into each opened namespace.  The user namespace goes first
 * when we are unprivileged (it grants the rights for the others) and last
 * otherwise (entering it first would drop our privileges outside), so
 * both passes are tried, as nsenter(1) does.  0 or -1 (reported).
 */
int join_enter(struct join_target *t, int flags);

/* Change root and working directory to the target's (if opened). */
int join_root_cwd(struct join_target *t);

void join_close(struct join_target *t);

#endif
