/*
 * join.c - joining a running process's namespaces.
 *
 * Demonstrates: setns(2) with /proc/PID/ns/TYPE file descriptors, and
 * fchdir(2) + chroot(".") to take over its root.  See setns(2),
 * namespaces(7), nsenter(1).
 *
 * A namespace stays alive while a process is in it or a file descriptor
 * (or bind mount) refers to it.  setns(2) moves the calling thread into
 * the namespace an fd names.  A PID namespace is the exception: after
 * setns only the caller's children are born inside, so the command must
 * run in a child.  (A time namespace, by contrast, takes the caller at
 * once: its clocks change at the setns.)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "join.h"
#include "nstable.h"
#include "report.h"

int join_open(struct join_target *t, pid_t pid, int *flags, int root,
	      int cwd)
{
	char path[64];
	struct stat st;
	unsigned i;
	int want = *flags;

	t->pid = pid;
	t->root_fd = t->cwd_fd = -1;
	for (i = 0; i < 8; i++)
		t->fd[i] = -1;
	snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	if (stat(path, &st) < 0) {
		errno = ESRCH;
		rep_error("process %d: no such process", (int)pid);
		return -1;
	}
	*flags = 0;
	for (i = 0; i < nst_count; i++) {
		uint64_t ours = 0, theirs = 0;

		if (want && !(want & nst_types[i].flag))
			continue;
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid,
			 nst_types[i].proc);
		t->fd[i] = open(path, O_RDONLY | O_CLOEXEC);
		if (t->fd[i] < 0) {
			int err = errno;

			if (err == ENOENT && !want)
				continue;	/* the kernel lacks this type */
			if (err == ENOENT)
				rep_error("process %d has no %s namespace "
					  "(this kernel lacks the type)",
					  (int)pid, nst_types[i].name);
			else
				rep_fail_hint(err == EACCES || err == EPERM ?
					      "opening another user's namespace "
					      "files needs CAP_SYS_PTRACE over "
					      "the process" : NULL,
					      "open(\"%s\")", path);
			join_close(t);
			errno = err;
			return -1;
		}
		/*
		 * Already there: nothing to enter (setns into one's own user
		 * namespace is even an error).  With no types given, such a
		 * type is not reported either.
		 */
		if (nst_inode(0, nst_types[i].proc, &ours) == 0 &&
		    nst_inode(pid, nst_types[i].proc, &theirs) == 0 &&
		    ours == theirs) {
			close(t->fd[i]);
			t->fd[i] = -1;
			if (!want)
				continue;
		}
		*flags |= nst_types[i].flag;
	}
	snprintf(path, sizeof(path), "/proc/%d/root", (int)pid);
	if (root && (t->root_fd = open(path, O_PATH | O_DIRECTORY |
				       O_CLOEXEC)) < 0)
		goto out_fail;
	snprintf(path, sizeof(path), "/proc/%d/cwd", (int)pid);
	if (cwd && (t->cwd_fd = open(path, O_PATH | O_DIRECTORY |
				     O_CLOEXEC)) < 0)
		goto out_fail;
	return 0;

out_fail:
	rep_fail("open(\"%s\")", path);
	join_close(t);
	return -1;
}

/* setns(2) into one opened namespace; errors are left to the caller. */
static int enter_one(struct join_target *t, unsigned i)
{
	if (setns(t->fd[i], nst_types[i].flag) < 0)
		return -1;
	rep_step(0, nst_types[i].isolates, "setns(fd of /proc/%d/ns/%s, %s)",
		 (int)t->pid, nst_types[i].proc, nst_types[i].clone);
	close(t->fd[i]);
	t->fd[i] = -1;
	return 0;
}

int join_enter(struct join_target *t, int flags)
{
	const struct nst_type *user = nst_by_flag(CLONE_NEWUSER);
	unsigned u = (unsigned)(user - nst_types), i;
	int pass;

	/*
	 * Pass 1: everything but the user namespace, with the rights we
	 * have.  Then the user namespace.  Pass 2: what pass 1 could not
	 * enter, now with the rights the user namespace gives.
	 */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < nst_count; i++) {
			if (i == u || t->fd[i] < 0 ||
			    !(flags & nst_types[i].flag))
				continue;
			if (enter_one(t, i) < 0 && pass == 1)
				return rep_fail_hint(errno == EPERM &&
						     t->fd[u] < 0 ?
						     "joining a namespace needs "
						     "CAP_SYS_ADMIN in the user "
						     "namespace that owns it: "
						     "add -U to enter that one "
						     "first" : NULL,
						     "setns(fd of /proc/%d/ns/%s)",
						     (int)t->pid,
						     nst_types[i].proc);
		}
		if (pass == 0 && t->fd[u] >= 0 && enter_one(t, u) < 0)
			return rep_fail_hint(errno == EINVAL ?
					     "a multithreaded process, or one "
					     "already in that user namespace, "
					     "cannot enter it" : NULL,
					     "setns(fd of /proc/%d/ns/user)",
					     (int)t->pid);
	}
	return 0;
}

int join_root_cwd(struct join_target *t)
{
	/* The fds were opened before setns: they still name the target's
	 * root and cwd, whatever our mount namespace now is. */
	if (t->root_fd >= 0) {
		if (fchdir(t->root_fd) < 0)
			return rep_fail("fchdir(fd of /proc/%d/root)",
					(int)t->pid);
		if (chroot(".") < 0)
			return rep_fail("chroot(\".\")");
		rep_step(0, "the target's root is ours", "chroot(\".\")");
	}
	if (t->cwd_fd >= 0) {
		if (fchdir(t->cwd_fd) < 0)
			return rep_fail("fchdir(fd of /proc/%d/cwd)",
					(int)t->pid);
		rep_step(0, "the target's working directory is ours",
			 "fchdir(fd of /proc/%d/cwd)", (int)t->pid);
	} else if (t->root_fd >= 0 && chdir("/") < 0) {
		return rep_fail("chdir(\"/\")");
	}
	return 0;
}

void join_close(struct join_target *t)
{
	unsigned i;

	for (i = 0; i < 8; i++)
		if (t->fd[i] >= 0) {
			close(t->fd[i]);
			t->fd[i] = -1;
		}
	if (t->root_fd >= 0)
		close(t->root_fd);
	if (t->cwd_fd >= 0)
		close(t->cwd_fd);
	t->root_fd = t->cwd_fd = -1;
}
