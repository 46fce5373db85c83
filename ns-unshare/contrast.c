/*
 * contrast.c - three classic mistakes, each shown wrong and then right.
 *
 * Every demo runs in a child process with namespaces of its own, so the
 * caller and the host are untouched; what the demo mounts dies with its
 * mount namespace, and the one directory it makes is removed.
 *
 * stale-proc    a PID namespace without a fresh /proc: ps and /proc/self
 *               still describe the outer namespace
 * shared-mount  a mount namespace copied from a shared one: a mount made
 *               in the copy appears in the original
 * pid-no-fork   unshare(CLONE_NEWPID) without fork(): the caller is not
 *               moved; its first child is PID 1, and after that child
 *               exits no more processes can be created there
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "contrast.h"
#include "mountinfo.h"
#include "ns.h"
#include "nstable.h"
#include "report.h"

const char *const ns_contrast_names = "stale-proc, shared-mount, pid-no-fork";

/* Run fn in a child and return its exit code. */
static int in_child(int (*fn)(void *), void *arg)
{
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		rep_fail("fork()");
		return 1;
	}
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		_exit(fn(arg));
	}
	return cli_wait(pid);
}

static void show_proc_view(const char *label)
{
	char self[32] = "?";
	ssize_t n = readlink("/proc/self", self, sizeof(self) - 1);

	if (n > 0)
		self[n] = '\0';
	rep_evidence("%s getpid() = %d, /proc/self -> %s, /proc lists %d "
		     "process(es)", label, (int)getpid(), self, cli_count_pids("/proc"));
}

/* PID 1 of the demo's namespace: look at /proc, then remount it. */
static int stale_proc_pid1(void *arg)
{
	(void)arg;
	show_proc_view("WRONG: without a fresh /proc:");
	rep_evidence("       /proc is still the outer namespace's procfs: ps "
		     "would list the host's processes");
	if (ns_set_propagation(NS_PROP_PRIVATE) < 0 ||
	    ns_mount_proc("/proc") < 0)
		return 1;
	show_proc_view("RIGHT: after mounting a fresh /proc:");
	return 0;
}

static int stale_proc(void *arg)
{
	(void)arg;
	if (ns_unshare(CLONE_NEWPID | CLONE_NEWNS) < 0)
		return 1;
	return in_child(stale_proc_pid1, NULL);
}

struct shared_demo {
	char dir[PATH_MAX];
	int private;		/* the fix: MS_PRIVATE in the copy first */
};

/* Is dir a mount point in this process's mount table? */
static int is_mounted(const char *dir)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	struct mnt_entry e;
	int found;

	if (!f)
		return -1;
	found = mnt_find_point(f, dir, &e) == 0;
	fclose(f);
	return found;
}

/* The copy: a second mount namespace made from the first. */
static int shared_copy(void *arg)
{
	struct shared_demo *d = arg;

	if (ns_unshare(CLONE_NEWNS) < 0)
		return 1;
	if (d->private && ns_set_propagation(NS_PROP_PRIVATE) < 0)
		return 1;
	if (mount("demo", d->dir, "tmpfs", 0, "size=64k") < 0) {
		rep_fail("mount(\"demo\", \"%s\", \"tmpfs\", 0, "
				"\"size=64k\")", d->dir);
		return 1;
	}
	rep_step(0, "a tmpfs in the copy", "mount(\"demo\", \"%s\", \"tmpfs\","
		 " 0, \"size=64k\")", d->dir);
	return 0;
}

/* The original: a mount namespace of the demo's own, made shared. */
static int shared_original(void *arg)
{
	struct shared_demo *d = arg;
	int leaked;

	/* Cut from the host first, then make a peer group of our own. */
	if (ns_unshare(CLONE_NEWNS) < 0 ||
	    ns_set_propagation(NS_PROP_PRIVATE) < 0 ||
	    ns_set_propagation(NS_PROP_SHARED) < 0)
		return 1;
	for (d->private = 0; d->private < 2; d->private++) {
		if (in_child(shared_copy, d) != 0)
			return 1;
		leaked = is_mounted(d->dir);
		if (!d->private)
			rep_evidence("WRONG: copy left shared: its tmpfs on %s "
				     "%s in the original namespace", d->dir,
				     leaked ? "APPEARS" : "does not appear");
		else
			rep_evidence("RIGHT: copy made private first: its "
				     "tmpfs on %s %s in the original", d->dir,
				     leaked ? "still appears" :
					      "does not appear");
		if (leaked && umount2(d->dir, MNT_DETACH) == 0)
			rep_step(0, "the leaked mount is removed",
				 "umount2(\"%s\", MNT_DETACH)", d->dir);
	}
	return 0;
}

static int shared_mount(void)
{
	struct shared_demo d;
	char tmpl[] = "/tmp/ns-unshare-demo.XXXXXX";
	int ret;

	if (!mkdtemp(tmpl)) {
		rep_fail("mkdtemp(\"/tmp/ns-unshare-demo.XXXXXX\")");
		return 1;
	}
	snprintf(d.dir, sizeof(d.dir), "%s", tmpl);
	ret = in_child(shared_original, &d);
	rmdir(tmpl);
	return ret;
}

static int no_fork_child(void *arg)
{
	uint64_t pid_ns = 0;

	(void)arg;
	nst_inode(0, "pid", &pid_ns);
	rep_evidence("       its first child: getpid() = %d in pid:[%llu], "
		     "the namespace's PID 1", (int)getpid(),
		     (unsigned long long)pid_ns);
	return 0;
}

static int pid_no_fork(void *arg)
{
	uint64_t pid_ns = 0, children = 0;
	pid_t pid;

	(void)arg;
	if (ns_unshare(CLONE_NEWPID) < 0)
		return 1;
	nst_inode(0, "pid", &pid_ns);
	/* pid_for_children cannot be opened until someone lives there. */
	rep_evidence("WRONG: unshare(CLONE_NEWPID) without fork(): getpid() "
		     "= %d, still in pid:[%llu]; pid_for_children: %s",
		     (int)getpid(), (unsigned long long)pid_ns,
		     nst_inode(0, "pid_for_children", &children) < 0 ?
		     "not yet open-able (no process in it)" : "already set");
	if (in_child(no_fork_child, NULL) != 0)
		return 1;
	/* PID 1 has exited: the namespace is dead to new processes. */
	pid = fork();
	if (pid == 0)
		_exit(0);
	if (pid > 0) {
		waitpid(pid, NULL, 0);
		rep_evidence("       a second fork() unexpectedly worked");
		return 1;
	}
	rep_evidence("       once it exits, fork() = -1: %s (the namespace's "
		     "init is gone)", strerror(errno));
	rep_evidence("RIGHT: unshare(CLONE_NEWPID), then fork(): the child "
		     "is PID 1 and runs the command (ns-unshare -p -f)");
	return 0;
}

int ns_contrast(const char *name)
{
	if (strcmp(name, "stale-proc") == 0)
		return in_child(stale_proc, NULL) ? 1 : 0;
	if (strcmp(name, "shared-mount") == 0)
		return shared_mount() ? 1 : 0;
	if (strcmp(name, "pid-no-fork") == 0)
		return in_child(pid_no_fork, NULL) ? 1 : 0;
	return 2;
}
