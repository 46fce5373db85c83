/*
 * rootfs.h - what a runtime mounts in the new root besides /proc: a
 * minimal /dev, a read-only /sys, and the masked and read-only paths that
 * hide the host's kernel interfaces.  All steps run between pivot's
 * pivot_prepare() and pivot_switch(), with the working directory at the
 * new root; paths are relative to it.
 */
#ifndef CTK_ROOTFS_H
#define CTK_ROOTFS_H

/* The masked and read-only paths Docker and podman apply by default. */
extern const char *const rootfs_masked_paths[];
extern const char *const rootfs_readonly_paths[];

/* Refuse a rootfs whose proc, dev or sys is a symlink: a mount there
 * would follow it.  0, or -1 with a message (reported). */
int rootfs_check_mount_points(void);

/* /dev as a small tmpfs with null zero full random urandom tty, devpts
 * (newinstance, ptmxmode 0666) with the ptmx symlink, shm and mqueue,
 * and the fd, stdin, stdout, stderr symlinks.  0 or -1 (reported). */
int rootfs_mount_dev(void);

/* sysfs on sys, read-only.  0 or -1 (reported). */
int rootfs_mount_sys(void);

/* Hide each path: /dev/null bound over a file, an empty read-only tmpfs
 * over a directory; a path that does not exist is skipped.  Targets are
 * resolved inside the new root (openat2 RESOLVE_IN_ROOT), so a symlink
 * cannot send a mount outside it.  0 or -1 (reported). */
int rootfs_mask(const char *const *paths);

/* Make each path read-only: bind it onto itself, remount it MS_RDONLY.
 * Resolved as rootfs_mask() does.  0 or -1 (reported). */
int rootfs_readonly(const char *const *paths);

/* Bind the host's src onto dst inside the new root (made if missing: a
 * directory, or an empty file for a file source; every component made
 * with mkdirat at a dirfd resolved in the root, so a symlink in the
 * image cannot send it outside); read-only if ro.  0 or -1 (reported). */
int rootfs_bind(const char *src, const char *dst, int ro);

/* The nodes (null zero full random urandom tty) and links (fd, stdin,
 * stdout, stderr, ptmx) of every container's /dev, into the dev/
 * already mounted.  0 or -1 (reported). */
int rootfs_dev_nodes(void);

/* One mount of an OCI config at dst inside the new root (made if
 * missing, resolved in the root); flags MS_*; a bind's MS_RDONLY etc.
 * applied by the remount they need; then propagation (MS_PRIVATE ...,
 * or 0).  0 or -1 (reported). */
int rootfs_mount_spec(const char *type, const char *src, const char *dst,
		      unsigned long flags, const char *data,
		      unsigned long propagation);

/* A tmpfs at dst inside the new root (nosuid, nodev, noexec), with the
 * mount data given ("mode=1777,size=65536k").
 * 0 or -1 (reported). */
int rootfs_tmpfs(const char *dst, const char *data);

/* Make the new root's own mount read-only (mounts on it keep theirs).
 * 0 or -1 (reported). */
int rootfs_root_readonly(void);

#endif
