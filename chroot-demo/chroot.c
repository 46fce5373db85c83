/*
 * chroot.c - chroot(2), and why it is not a jail.
 *
 * Demonstrates: chroot(2), chdir(2), mkdtemp(3) and the ".." climb.
 * See chroot(2), path_resolution(7), and pivot_root(2) for the real switch.
 *
 * chroot(2) changes exactly one thing: the process's root directory, the
 * point where absolute path lookups start and where ".." stops.  Nothing
 * else is isolated: same PID, mount, UTS, network and user namespaces, and
 * a root process keeps CAP_SYS_CHROOT, so it can chroot again and walk out.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "chroot.h"
#include "report.h"

/* Climbing stops long before this; it only bounds a broken filesystem. */
#define MAX_CLIMB 4096

int chroot_enter(const char *root)
{
	/*
	 * From here on, "/" in every path this process resolves means root.
	 * The working directory is not changed by chroot(2): chroot(1) and
	 * we chdir("/") right after, or the cwd would be left outside.
	 */
	if (chroot(root) < 0)
		return rep_fail("chroot(\"%s\")", root);
	rep_step(0, "absolute paths now start at the new root",
		 "chroot(\"%s\")", root);

	if (chdir("/") < 0)
		return rep_fail("chdir(\"/\")");
	rep_step(0, "the working directory is inside the new root too",
		 "chdir(\"/\")");
	return 0;
}

int chroot_escape(struct chroot_escape *r)
{
	char dir[] = "/.escape-XXXXXX";
	struct stat st, up;
	int rootfd, i;

	memset(r, 0, sizeof(*r));
	if (stat("/", &st) < 0)
		return rep_fail("stat(\"/\")");
	r->before_dev = st.st_dev;
	r->before_ino = st.st_ino;

	/* Kept to remove the directory from wherever we end up. */
	rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return rep_fail("open(\"/\", O_PATH)");
	if (!mkdtemp(dir)) {
		rep_fail("mkdtemp(\"/.escape-XXXXXX\")");
		goto out_close;
	}
	rep_step(0, dir, "mkdtemp(\"/.escape-XXXXXX\")");

	/*
	 * The trick: chroot into the subdirectory but do NOT chdir into it.
	 * The working directory is now above the process's root, and the
	 * kernel stops ".." only when it reaches the root directory itself
	 * (path_resolution(7)), which this walk never meets again.
	 */
	if (chroot(dir) < 0) {
		rep_fail("chroot(\"%s\")", dir);
		goto out_rmdir;
	}
	rep_step(0, "root moved below the working directory", "chroot(\"%s\")",
		 dir);

	for (i = 0; i < MAX_CLIMB; i++) {
		if (stat(".", &st) < 0 || stat("..", &up) < 0) {
			rep_fail("stat(\"..\")");
			goto out_rmdir;
		}
		/* At the top of the tree "." and ".." are the same. */
		if (st.st_dev == up.st_dev && st.st_ino == up.st_ino)
			break;
		if (chdir("..") < 0) {
			rep_fail("chdir(\"..\")");
			goto out_rmdir;
		}
	}
	r->climbed = i;
	rep_step(0, "the working directory is the top of the tree",
		 "chdir(\"..\") x %d", i);

	/* Make the top of the tree this process's root. */
	if (chroot(".") < 0) {
		rep_fail("chroot(\".\")");
		goto out_rmdir;
	}
	rep_step(0, "the root is whatever the climb reached", "chroot(\".\")");
	if (stat("/", &st) < 0) {
		rep_fail("stat(\"/\")");
		goto out_rmdir;
	}
	r->after_dev = st.st_dev;
	r->after_ino = st.st_ino;
	r->escaped = st.st_dev != r->before_dev || st.st_ino != r->before_ino;

	unlinkat(rootfd, dir + 1, AT_REMOVEDIR);
	close(rootfd);
	return 0;

out_rmdir:
	unlinkat(rootfd, dir + 1, AT_REMOVEDIR);
out_close:
	close(rootfd);
	return -1;
}
