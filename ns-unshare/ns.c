/*
 * ns.c - the namespace steps shared by ns-unshare, pivot and the runtime.
 *
 * Demonstrates: unshare(2), mount(2) propagation flags, mounting procfs,
 * sethostname(2).  See namespaces(7), mount_namespaces(7),
 * pid_namespaces(7), uts_namespaces(7), user_namespaces(7).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <linux/sched.h>
#include <unistd.h>

#include "fileio.h"
#include "nstable.h"
#include "ns.h"
#include "report.h"

int ns_parse_propagation(const char *s)
{
	static const char *const names[] = { "private", "slave", "shared",
					     "unchanged" };
	int i;

	for (i = 0; i < 4; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

const char *ns_flags_str(int flags, char *buf, size_t size)
{
	size_t used = 0;
	unsigned i;

	buf[0] = '\0';
	for (i = 0; i < nst_count; i++) {
		if (!(flags & nst_types[i].flag))
			continue;
		used += (size_t)snprintf(buf + used, size - used, "%s%s",
					 used ? " | " : "", nst_types[i].clone);
		if (used >= size)
			break;
	}
	return buf;
}

const char *ns_userns_restriction(char *buf, size_t size)
{
	char v[32];
	int proc = open("/proc/sys", O_PATH | O_DIRECTORY | O_CLOEXEC);
	const char *why = NULL;

	if (proc < 0)
		return NULL;
	if (file_read_line_at(proc, "kernel/unprivileged_userns_clone", v,
			      sizeof(v)) > 0 && strcmp(v, "0") == 0) {
		snprintf(buf, size, "unprivileged user namespaces are disabled "
			 "(sysctl kernel.unprivileged_userns_clone = 0)");
		why = buf;
	} else if (file_read_line_at(proc,
				     "kernel/apparmor_restrict_unprivileged_userns",
				     v, sizeof(v)) > 0 && strcmp(v, "1") == 0) {
		snprintf(buf, size, "AppArmor restricts unprivileged user "
			 "namespaces (sysctl "
			 "kernel.apparmor_restrict_unprivileged_userns = 1)");
		why = buf;
	} else if (file_read_line_at(proc, "user/max_user_namespaces", v,
				     sizeof(v)) > 0 && strcmp(v, "0") == 0) {
		snprintf(buf, size, "user namespaces are disabled "
			 "(sysctl user.max_user_namespaces = 0)");
		why = buf;
	}
	close(proc);
	return why;
}

int ns_unshare(int flags)
{
	char names[256], why[160];
	const char *hint = NULL;

	ns_flags_str(flags, names, sizeof(names));
	/*
	 * The caller gets new namespaces of these types at once.  A PID or
	 * time namespace is the exception: it applies to the children
	 * created from now on, not to the caller (pid_for_children,
	 * time_for_children).  A user namespace is created first, so the
	 * others are owned by it and need no privilege outside.
	 */
	if (unshare(flags) < 0) {
		int err = errno;

		if ((err == EPERM || err == ENOSPC) && (flags & CLONE_NEWUSER))
			hint = ns_userns_restriction(why, sizeof(why));
		errno = err;
		return rep_fail_hint(hint, "unshare(%s)", names);
	}
	rep_step(0, "new namespaces for this process (PID and time ones for "
		 "its children)", "unshare(%s)", names);
	return 0;
}

pid_t ns_clone(int flags, int cgroup_fd)
{
	struct clone_args args = { .flags = (uint64_t)flags,
				   .exit_signal = SIGCHLD };
	char names[256];
	pid_t pid;
	int mark;

	ns_flags_str(flags, names, sizeof(names));
	if (cgroup_fd >= 0) {
		args.flags |= CLONE_INTO_CGROUP;
		args.cgroup = (uint64_t)cgroup_fd;
	}
	/*
	 * Unlike unshare(2), clone3(2) puts the new process itself in the
	 * new namespaces from its first instruction: in a new PID namespace
	 * it is PID 1 at once, with no extra fork.  Without a stack it
	 * returns twice, like fork().
	 */
	fflush(NULL);
	mark = rep_steps_taken();
	pid = (pid_t)syscall(SYS_clone3, &args, sizeof(args));
	if (pid < 0)
		return rep_fail("clone3({.flags = %s%s})", names,
				cgroup_fd >= 0 ? " | CLONE_INTO_CGROUP" : "");
	if (pid > 0)
		rep_step(pid, "a child in new namespaces", "clone3({.flags = "
			 "%s%s})", names, cgroup_fd >= 0 ?
			 " | CLONE_INTO_CGROUP" : "");
	else
		rep_await_steps(mark + 1);	/* the trace reads in order */
	return pid;
}

int ns_set_propagation(enum ns_propagation mode)
{
	static const struct {
		unsigned long flag;
		const char *name, *effect;
	} m[] = {
		[NS_PROP_PRIVATE] = { MS_PRIVATE, "MS_PRIVATE",
				      "no mount event crosses to or from the "
				      "host" },
		[NS_PROP_SLAVE] = { MS_SLAVE, "MS_SLAVE",
				    "no mount made here reaches the host" },
		[NS_PROP_SHARED] = { MS_SHARED, "MS_SHARED",
				     "mounts here and in peers are replayed "
				     "in each other" },
	};

	if (mode == NS_PROP_UNCHANGED)
		return 0;
	/*
	 * The copied mounts keep the host's propagation: with systemd every
	 * mount is shared, so a mount made here would appear on the host.
	 */
	if (mount(NULL, "/", NULL, MS_REC | m[mode].flag, NULL) < 0)
		return rep_fail("mount(NULL, \"/\", NULL, MS_REC | %s, NULL)",
				m[mode].name);
	rep_step(0, m[mode].effect, "mount(NULL, \"/\", NULL, MS_REC | %s, "
		 "NULL)", m[mode].name);
	return 0;
}

int ns_mount_proc(const char *dir)
{
	/*
	 * A procfs instance shows the PID namespace of the process that
	 * mounts it: in a new PID namespace, only its own processes.
	 */
	if (mount("proc", dir, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  NULL) < 0)
		return rep_fail_hint(errno == EPERM ? "in a user namespace, proc "
				     "can be mounted only by a member of a PID "
				     "namespace that user namespace owns, and "
				     "only while a full /proc is visible (mount "
				     "it before pivot_root)" : NULL,
				     "mount(\"proc\", \"%s\", \"proc\", "
				     "MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL)",
				     dir);
	rep_step(0, "a fresh /proc for this PID namespace",
		 "mount(\"proc\", \"%s\", \"proc\", "
		 "MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL)", dir);
	return 0;
}

int ns_set_hostname(const char *name)
{
	/* The name lives in the UTS namespace: the host's is untouched. */
	if (sethostname(name, strlen(name)) < 0)
		return rep_fail("sethostname(\"%s\")", name);
	rep_step(0, "the hostname of this UTS namespace", "sethostname(\"%s\")",
		 name);
	return 0;
}
