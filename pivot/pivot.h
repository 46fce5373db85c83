/*
 * pivot.h - the real root switch: mount namespace + pivot_root(2), as
 * separate steps so a runtime can mount /dev, volumes and masks between
 * pivot_prepare() and pivot_switch().
 */
#ifndef CTK_PIVOT_H
#define CTK_PIVOT_H

#include "ns.h"

/*
 * "private" | "slave" | "unchanged" -> value; -1 if unknown.  "shared" is
 * refused: pivot_root(2) fails on shared mounts.
 */
int pivot_parse_propagation(const char *s);

/*
 * The steps, after unshare(CLONE_NEWNS) (ns_unshare()):
 *
 * Make "/" private (or slave) recursively, bind-mount newroot onto itself
 * so it is a mount point, and chdir into it.  After this, mounts made at
 * paths inside "." land in the new root.  0 or -1 (reported); on failure
 * nothing it mounted is left.
 */
int pivot_prepare(const char *newroot, enum ns_propagation prop);

/* Undo pivot_prepare() after a later step failed: leave the new root and
 * lazily unmount its bind mount.  With shared propagation that mount had
 * reached the host too; this takes it back.  Keeps errno. */
void pivot_abort(const char *newroot);

/* pivot_root(".", "."): the new root becomes "/", the old one is stacked
 * on top of it.  On EINVAL the likely cause is named. */
int pivot_switch(void);

/* umount2(".", MNT_DETACH) and chdir("/"): the old root is gone from this
 * mount namespace, so nothing above the new root is reachable. */
int pivot_detach(void);

/* After pivot_prepare(), before pivot_switch(): mount a fresh procfs on
 * the new root's proc directory, if it has one. */
int pivot_mount_proc(void);

#endif
