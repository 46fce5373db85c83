/*
 * chroot.h - chroot(2) as a step, and the breakout that shows it is no jail.
 */
#ifndef CTK_CHROOT_H
#define CTK_CHROOT_H

#include <sys/types.h>

/* chroot(root) then chdir("/").  0, or -1 with errno (reported). */
int chroot_enter(const char *root);

/* Where "/" pointed before and after the breakout. */
struct chroot_escape {
	dev_t before_dev;
	ino_t before_ino;
	dev_t after_dev;
	ino_t after_ino;
	int climbed;		/* ".." steps taken until "." == ".." */
	int escaped;		/* 1 if "/" is no longer what it was */
};

/*
 * The classic breakout, run from inside a chroot as root: chroot into a
 * fresh subdirectory while the working directory stays above it, climb
 * ".." to the top, and chroot(".") there.  Under chroot(2) this reaches
 * the host's root; under pivot_root(2) with the old root detached the
 * climb stops at the container's own root.  Fills r; 0 or -1 (reported).
 */
int chroot_escape(struct chroot_escape *r);

#endif
