/*
 * pivot.c - mount namespace + pivot_root(2): the real root switch.
 *
 * Demonstrates: unshare(CLONE_NEWNS), mount(MS_REC|MS_PRIVATE),
 * mount(MS_BIND), pivot_root(".", "."), umount2(MNT_DETACH), mount("proc").
 * See pivot_root(2), mount_namespaces(7), mount(2), umount(2), proc(5).
 *
 * Unlike chroot(2), which only moves one process's idea of "/",
 * pivot_root(2) changes which mount is the root of the whole mount
 * namespace.  Once the old root is detached, no path and no ".." climb
 * leads back to the host's files: they are not in this mount table.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "mountinfo.h"
#include "pivot.h"
#include "report.h"

int pivot_parse_propagation(const char *s)
{
	int p = ns_parse_propagation(s);

	return p == NS_PROP_SHARED ? -1 : p;
}

int pivot_prepare(const char *newroot, enum ns_propagation prop)
{
	int err;

	/*
	 * The copied mounts are often peers of the host's (systemd makes /
	 * shared), so a mount here would appear on the host too, and
	 * pivot_root(2) refuses shared mounts with EINVAL.  MS_PRIVATE cuts
	 * propagation both ways; MS_SLAVE still lets host mounts in.
	 */
	if (ns_set_propagation(prop) < 0)
		return -1;

	/*
	 * pivot_root(2) needs new_root to be a mount point.  Binding the
	 * directory onto itself makes it one, whatever it was.
	 */
	if (mount(newroot, newroot, NULL, MS_BIND | MS_REC, NULL) < 0)
		return rep_fail("mount(\"%s\", \"%s\", NULL, MS_BIND | MS_REC, "
				"NULL)", newroot, newroot);
	rep_step(0, "the new root is a mount point",
		 "mount(\"%s\", \"%s\", NULL, MS_BIND | MS_REC, NULL)",
		 newroot, newroot);

	/* pivot_root(".", ".") works on the working directory. */
	if (chdir(newroot) < 0) {
		rep_fail("chdir(\"%s\")", newroot);
		goto out_umount_bind;
	}
	rep_step(0, "the working directory is the new root", "chdir(\"%s\")",
		 newroot);
	return 0;

out_umount_bind:
	err = errno;
	umount2(newroot, MNT_DETACH);
	errno = err;
	return -1;
}

void pivot_abort(const char *newroot)
{
	int err = errno;

	/* Leave the directory first, or it would keep the mount busy. */
	if (chdir("/") == 0 && umount2(newroot, MNT_DETACH) == 0)
		rep_step(0, "the bind mount of the new root is undone",
			 "umount2(\"%s\", MNT_DETACH)", newroot);
	errno = err;
}

/* Name the likely cause of pivot_root's EINVAL from the mount table. */
static const char *einval_cause(void)
{
	struct mnt_entry root, here, parent;
	char cwd[PATH_MAX];
	FILE *f;
	const char *why = NULL;

	f = fopen("/proc/self/mountinfo", "re");
	if (!f || !getcwd(cwd, sizeof(cwd)))
		goto out;
	if (mnt_find_point(f, "/", &root) == 0 &&
	    strcmp(root.fstype, "rootfs") == 0) {
		why = "the current root is an initramfs (rootfs), which cannot "
		      "be pivoted: use switch_root(8) there";
		goto out;
	}
	if (mnt_find_point(f, cwd, &here) < 0) {
		why = "the new root is not a mount point: bind-mount it onto "
		      "itself first";
		goto out;
	}
	parent = here;
	rewind(f);
	{
		char *line = NULL;
		size_t cap = 0;
		struct mnt_entry e;

		while (getline(&line, &cap, f) > 0)
			if (mnt_parse_line(line, &e) == 0 && e.id == here.parent)
				parent = e;
		free(line);
	}
	if (mnt_is_shared(&here) || mnt_is_shared(&parent) ||
	    mnt_is_shared(&root))
		why = "a mount involved has shared propagation (mountinfo "
		      "shows \"shared:\"): make / private first "
		      "(--propagation private)";
out:
	if (f)
		fclose(f);
	return why;
}

int pivot_switch(void)
{
	/*
	 * pivot_root(new_root, put_old) makes new_root the root mount of
	 * this mount namespace and moves the old root to put_old.  Passing
	 * "." for both stacks the old root on top of the new one at "/",
	 * so no directory is needed for it (pivot_root(2), NOTES).
	 */
	if (syscall(SYS_pivot_root, ".", ".") < 0) {
		int err = errno;
		const char *why = err == EINVAL ? einval_cause() : NULL;

		errno = err;
		return rep_fail_hint(why, "pivot_root(\".\", \".\")");
	}
	rep_step(0, "the new root is \"/\"; the old root is stacked on top",
		 "pivot_root(\".\", \".\")");
	return 0;
}

int pivot_detach(void)
{
	/*
	 * "." is now the old root, stacked on the new one.  A lazy unmount
	 * detaches it and everything under it from this namespace at once,
	 * even though files in it may still be open.
	 */
	if (umount2(".", MNT_DETACH) < 0)
		return rep_fail("umount2(\".\", MNT_DETACH)");
	rep_step(0, "the old root is gone from this mount table",
		 "umount2(\".\", MNT_DETACH)");

	if (chdir("/") < 0)
		return rep_fail("chdir(\"/\")");
	rep_step(0, "the working directory is the new root", "chdir(\"/\")");
	return 0;
}

int pivot_mount_proc(void)
{
	struct stat st;

	/*
	 * Mounted here, before pivot_root(2), while the host's full /proc
	 * is still in the mount table: a process in a user namespace may
	 * mount proc only then (the kernel's mount_too_revealing() check).
	 * The mount travels with the new root.
	 */
	if (stat("proc", &st) < 0 || !S_ISDIR(st.st_mode)) {
		rep_step(-1, "no /proc directory in the new root, not mounted",
			 "stat(\"proc\")");
		return 0;
	}
	return ns_mount_proc("proc");
}
