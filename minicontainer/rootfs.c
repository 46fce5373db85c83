/*
 * rootfs.c - the container's /dev, /sys and the paths it must not see or
 * write.  A fresh procfs and sysfs show the kernel's interfaces for the
 * whole machine: /proc/kcore is its memory, /proc/sysrq-trigger reboots
 * it, /proc/sys/kernel/core_pattern runs a program as root on the host.
 * Namespaces do not cover these, so a runtime hides some (masks) and
 * freezes others (read-only), as Docker and podman do.  /dev is built
 * from nothing rather than taken from the host: only the harmless devices
 * exist.  Man pages: mount(2), mknod(2), openat2(2), proc(5), sysfs(5),
 * pts(4); runtime-spec config-linux.md "Default Devices".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <linux/openat2.h>

#include "cli.h"
#include "report.h"
#include "rootfs.h"

const char *const rootfs_masked_paths[] = {
	"proc/asound", "proc/acpi", "proc/kcore", "proc/keys",
	"proc/latency_stats", "proc/timer_list", "proc/timer_stats",
	"proc/sched_debug", "proc/scsi", "sys/firmware",
	"sys/devices/virtual/powercap", NULL,
};

const char *const rootfs_readonly_paths[] = {
	"proc/bus", "proc/fs", "proc/irq", "proc/sys", "proc/sysrq-trigger",
	NULL,
};

int rootfs_check_mount_points(void)
{
	static const char *const dirs[] = { "proc", "dev", "sys" };
	struct stat st;
	size_t i;

	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		if (lstat(dirs[i], &st) < 0) {
			if (errno == ENOENT)
				continue;
			return rep_fail("lstat(\"%s\")", dirs[i]);
		}
		if (!S_ISDIR(st.st_mode)) {
			rep_error("the root's /%s is not a directory (a symlink "
				  "would redirect the mount): refused", dirs[i]);
			errno = ENOTDIR;
			return -1;
		}
	}
	return 0;
}

/* mkdir that accepts an existing directory. */
static int mkdir_p(const char *path, mode_t mode)
{
	if (mkdir(path, mode) < 0 && errno != EEXIST)
		return rep_fail("mkdir(\"%s\")", path);
	return 0;
}

static int do_mount(const char *src, const char *target, const char *type,
		    unsigned long flags, const char *data, const char *flagstr,
		    const char *effect)
{
	if (mount(src, target, type, flags, data) < 0)
		return rep_fail("mount(\"%s\", \"%s\", \"%s\", %s, \"%s\")",
				src, target, type ? type : "", flagstr,
				data ? data : "");
	rep_step(0, effect, "mount(\"%s\", \"%s\", \"%s\", %s, \"%s\")", src,
		 target, type ? type : "", flagstr, data ? data : "");
	return 0;
}

/* The devices every container gets (runtime-spec "Default Devices"). */
static const struct dev_node {
	const char *name;
	unsigned int major, minor;
} dev_nodes[] = {
	{ "null", 1, 3 }, { "zero", 1, 5 }, { "full", 1, 7 },
	{ "random", 1, 8 }, { "urandom", 1, 9 }, { "tty", 5, 0 },
};

/* A device node; where mknod is not allowed (a user namespace), the
 * host's node bound over an empty file instead. */
static int make_node(const struct dev_node *d)
{
	char path[64], host[64];
	int fd;

	snprintf(path, sizeof(path), "dev/%s", d->name);
	/* The mode is set whole: umask would take bits off. */
	if (mknod(path, S_IFCHR | 0666, makedev(d->major, d->minor)) == 0 &&
	    chmod(path, 0666) == 0) {
		rep_step(0, NULL, "mknod(\"%s\", S_IFCHR | 0666, makedev(%u, "
			 "%u))", path, d->major, d->minor);
		return 0;
	}
	if (errno != EPERM)
		return rep_fail("mknod(\"%s\", S_IFCHR, makedev(%u, %u))",
				path, d->major, d->minor);
	fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0666);
	if (fd < 0)
		return rep_fail("open(\"%s\", O_CREAT)", path);
	close(fd);
	snprintf(host, sizeof(host), "/dev/%s", d->name);
	return do_mount(host, path, NULL, MS_BIND, NULL, "MS_BIND",
			"the host's device node, bound (no mknod here)");
}

static int make_link(const char *target, const char *path)
{
	if (symlink(target, path) < 0)
		return rep_fail("symlink(\"%s\", \"%s\")", target, path);
	rep_step(0, NULL, "symlink(\"%s\", \"%s\")", target, path);
	return 0;
}

int rootfs_dev_nodes(void)
{
	static const char *const links[][2] = {
		{ "pts/ptmx", "dev/ptmx" }, { "/proc/self/fd", "dev/fd" },
		{ "/proc/self/fd/0", "dev/stdin" },
		{ "/proc/self/fd/1", "dev/stdout" },
		{ "/proc/self/fd/2", "dev/stderr" },
	};
	size_t i;

	for (i = 0; i < sizeof(dev_nodes) / sizeof(dev_nodes[0]); i++)
		if (make_node(&dev_nodes[i]) < 0)
			return -1;
	for (i = 0; i < sizeof(links) / sizeof(links[0]); i++)
		if (make_link(links[i][0], links[i][1]) < 0)
			return -1;
	return 0;
}

int rootfs_mount_dev(void)
{
	if (mkdir_p("dev", 0755) < 0)
		return -1;
	/*
	 * A tmpfs of our own hides whatever the image put in /dev: no host
	 * disk, no /dev/mem, only the nodes made below.  nosuid, and small.
	 */
	if (do_mount("tmpfs", "dev", "tmpfs", MS_NOSUID | MS_STRICTATIME,
		     "mode=755,size=65536k", "MS_NOSUID | MS_STRICTATIME",
		     "/dev is an empty tmpfs of the container's") < 0)
		return -1;
	/*
	 * newinstance: a devpts of its own, so the container's ptys are
	 * numbered from 0 and the host's are not listed; ptmxmode makes its
	 * ptmx usable, and /dev/ptmx points at it.
	 */
	if (mkdir_p("dev/pts", 0755) < 0 ||
	    do_mount("devpts", "dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
		     "newinstance,ptmxmode=0666,mode=0620",
		     "MS_NOSUID | MS_NOEXEC",
		     "a pty namespace of the container's own") < 0)
		return -1;
	/* POSIX shared memory and message queues: per IPC namespace. */
	if (mkdir_p("dev/shm", 01777) < 0 ||
	    do_mount("shm", "dev/shm", "tmpfs", MS_NOSUID | MS_NODEV |
		     MS_NOEXEC, "mode=1777,size=65536k",
		     "MS_NOSUID | MS_NODEV | MS_NOEXEC", "/dev/shm") < 0)
		return -1;
	if (mkdir_p("dev/mqueue", 0755) < 0)
		return -1;
	/* Only the owner of the IPC namespace may: an OCI config without
	 * one of its own, in a user namespace, has no queues to show. */
	if (mount("mqueue", "dev/mqueue", "mqueue", MS_NOSUID | MS_NODEV |
		  MS_NOEXEC, NULL) < 0) {
		if (errno != EPERM)
			return rep_fail("mount(\"mqueue\", \"dev/mqueue\")");
		rep_step(-1, "not the owner of this IPC namespace: no queues",
			 "mount(\"mqueue\", \"dev/mqueue\", \"mqueue\")");
	} else {
		rep_step(0, "the IPC namespace's message queues",
			 "mount(\"mqueue\", \"dev/mqueue\", \"mqueue\", "
			 "MS_NOSUID | MS_NODEV | MS_NOEXEC, \"\")");
	}
	return rootfs_dev_nodes();
}

int rootfs_mount_sys(void)
{
	struct stat st;

	if (stat("sys", &st) < 0 || !S_ISDIR(st.st_mode)) {
		rep_step(-1, "no /sys directory in the new root, not mounted",
			 "stat(\"sys\")");
		return 0;
	}
	/*
	 * sysfs shows the network devices of the mounter's network
	 * namespace; read-only, so no knob of the host's hardware can be
	 * turned from inside.
	 */
	return do_mount("sysfs", "sys", "sysfs", MS_RDONLY | MS_NOSUID |
			MS_NODEV | MS_NOEXEC, NULL,
			"MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC",
			"/sys, read-only");
}

/*
 * An O_PATH fd for path, resolved as if "." were "/": ".." stops at the
 * new root, and an absolute symlink is followed inside it, never to the
 * host.  The mount then goes on /proc/self/fd/N, which is that very file.
 */
static int open_in_root(const char *path, struct stat *st)
{
	int fd;

	fd = cli_openat2(AT_FDCWD, path, O_PATH | O_CLOEXEC | O_NOFOLLOW,
			 RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
	if (fd < 0)
		return -1;
	if (fstat(fd, st) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

int rootfs_mask(const char *const *paths)
{
	char target[64];
	struct stat st;
	int fd, ret;

	for (; *paths; paths++) {
		fd = open_in_root(*paths, &st);
		if (fd < 0) {
			if (errno == ENOENT)
				continue;
			return rep_fail("openat2(\"%s\", RESOLVE_IN_ROOT)",
					*paths);
		}
		snprintf(target, sizeof(target), "/proc/self/fd/%d", fd);
		/* A read of a masked file finds /dev/null: nothing. */
		if (S_ISDIR(st.st_mode))
			ret = mount("tmpfs", target, "tmpfs", MS_RDONLY, NULL);
		else
			ret = mount("dev/null", target, NULL, MS_BIND, NULL);
		close(fd);
		if (ret < 0)
			return rep_fail("mount(\"%s\", \"%s\") (mask)",
					S_ISDIR(st.st_mode) ? "tmpfs" :
					"/dev/null", *paths);
		rep_step(0, "masked", "mount(\"%s\", \"%s\", %s)",
			 S_ISDIR(st.st_mode) ? "tmpfs" : "/dev/null", *paths,
			 S_ISDIR(st.st_mode) ? "\"tmpfs\", MS_RDONLY" :
			 "NULL, MS_BIND");
	}
	return 0;
}

/* The flags a remount must keep (locked ones would fail otherwise). */
static unsigned long kept_flags(const char *target)
{
	struct statvfs sv;
	unsigned long f = 0;

	if (statvfs(target, &sv) < 0)
		return 0;
	if (sv.f_flag & ST_NOSUID)
		f |= MS_NOSUID;
	if (sv.f_flag & ST_NODEV)
		f |= MS_NODEV;
	if (sv.f_flag & ST_NOEXEC)
		f |= MS_NOEXEC;
	/* In a user namespace the atime flags are locked too. */
	if (sv.f_flag & ST_NOATIME)
		f |= MS_NOATIME;
	if (sv.f_flag & ST_NODIRATIME)
		f |= MS_NODIRATIME;
	if (sv.f_flag & ST_RELATIME)
		f |= MS_RELATIME;
	return f;
}

int rootfs_readonly(const char *const *paths)
{
	char target[64];
	struct stat st;
	int fd;

	for (; *paths; paths++) {
		fd = open_in_root(*paths, &st);
		if (fd < 0) {
			if (errno == ENOENT)
				continue;
			return rep_fail("openat2(\"%s\", RESOLVE_IN_ROOT)",
					*paths);
		}
		snprintf(target, sizeof(target), "/proc/self/fd/%d", fd);
		/*
		 * A bind mount of the path onto itself makes it a mount of
		 * its own, whose flags can then change without touching the
		 * rest of /proc: the remount makes it read-only.
		 */
		if (mount(target, target, NULL, MS_BIND | MS_REC, NULL) < 0) {
			close(fd);
			return rep_fail("mount(\"%s\", \"%s\", MS_BIND)",
					*paths, *paths);
		}
		close(fd);
		/* The new mount sits on top: reopen to reach it. */
		fd = open_in_root(*paths, &st);
		if (fd < 0)
			return rep_fail("openat2(\"%s\")", *paths);
		snprintf(target, sizeof(target), "/proc/self/fd/%d", fd);
		if (mount(NULL, target, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY |
			  kept_flags(target), NULL) < 0) {
			close(fd);
			return rep_fail("mount(\"%s\", MS_REMOUNT | MS_RDONLY)",
					*paths);
		}
		close(fd);
		rep_step(0, "read-only", "mount(\"%s\", \"%s\", NULL, MS_BIND); "
			 "mount(NULL, \"%s\", MS_REMOUNT | MS_BIND | MS_RDONLY)",
			 *paths, *paths, *paths);
	}
	return 0;
}

/* --- volumes, tmpfs and a read-only root --- */

/*
 * Make the directories of path inside the new root one component at a
 * time: each mkdirat() is relative to a directory fd that openat2 got
 * with RESOLVE_IN_ROOT, so "a/b" where a is a symlink to /etc makes
 * b under the image's /etc, never the host's.  The last component is a
 * directory, or an empty file if file is set.  An fd of it, or -1.
 */
static int make_in_root(const char *path, int file)
{
	char buf[PATH_MAX], *comp, *next;
	struct stat st;
	int dfd, fd;

	snprintf(buf, sizeof(buf), "%s", path);
	dfd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return rep_fail("open(\".\")");
	for (comp = buf; comp && *comp; comp = next) {
		while (*comp == '/')
			comp++;
		if (!*comp)
			break;
		next = strchr(comp, '/');
		if (next)
			*next++ = '\0';
		if (!strcmp(comp, ".."))
			comp = ".";
		if (file && (!next || !*next)) {
			fd = openat(dfd, comp, O_CREAT | O_WRONLY | O_NOFOLLOW |
				    O_CLOEXEC, 0644);
			if (fd >= 0)
				close(fd);
		} else if (mkdirat(dfd, comp, 0755) < 0 && errno != EEXIST) {
			rep_fail("mkdirat(\"%s\")", comp);
			close(dfd);
			return -1;
		}
		fd = cli_openat2(dfd, comp, O_PATH | O_CLOEXEC |
				 (file && (!next || !*next) ? 0 : O_DIRECTORY),
				 RESOLVE_IN_ROOT);
		close(dfd);
		if (fd < 0)
			return rep_fail("openat2(\"%s\", RESOLVE_IN_ROOT)",
					path);
		dfd = fd;
	}
	if (fstat(dfd, &st) < 0 || (file ? S_ISDIR(st.st_mode) :
				    !S_ISDIR(st.st_mode))) {
		rep_error("%s: in the image it is %s", path, file ?
			  "a directory, the volume a file" :
			  "not a directory, the volume is one");
		close(dfd);
		errno = ENOTDIR;
		return -1;
	}
	return dfd;
}

int rootfs_bind(const char *src, const char *dst, int ro)
{
	char target[64];
	struct stat st;
	int fd;

	if (stat(src, &st) < 0)
		return rep_fail("stat(\"%s\")", src);
	fd = make_in_root(dst, !S_ISDIR(st.st_mode));
	if (fd < 0)
		return -1;
	snprintf(target, sizeof(target), "/proc/self/fd/%d", fd);
	/* The host's directory appears inside: the same inodes, shared. */
	if (mount(src, target, NULL, MS_BIND | MS_REC, NULL) < 0) {
		close(fd);
		return rep_fail("mount(\"%s\", \"%s\", NULL, MS_BIND)", src,
				dst);
	}
	close(fd);
	rep_step(0, "a volume: the host's files inside", "mount(\"%s\", "
		 "\"%s\", NULL, MS_BIND | MS_REC, NULL)", src, dst);
	if (!ro)
		return 0;
	fd = make_in_root(dst, !S_ISDIR(st.st_mode));
	if (fd < 0)
		return -1;
	snprintf(target, sizeof(target), "/proc/self/fd/%d", fd);
	/* Read-only is a flag of this mount, not of the host's files. */
	if (mount(NULL, target, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY |
		  kept_flags(target), NULL) < 0) {
		close(fd);
		return rep_fail("mount(\"%s\", MS_REMOUNT | MS_RDONLY)", dst);
	}
	close(fd);
	rep_step(0, "read-only", "mount(NULL, \"%s\", NULL, MS_BIND | "
		 "MS_REMOUNT | MS_RDONLY, NULL)", dst);
	return 0;
}

int rootfs_mount_spec(const char *type, const char *src, const char *dst,
		      unsigned long flags, const char *data,
		      unsigned long propagation)
{
	char target[64];
	struct stat st;
	int fd, file = 0;

	/* A bind of a file needs a file to mount on. */
	if ((flags & MS_BIND) && stat(src, &st) == 0 && !S_ISDIR(st.st_mode))
		file = 1;
	fd = make_in_root(dst, file);
	if (fd < 0)
		return -1;
	snprintf(target, sizeof(target), "/proc/self/fd/%d", fd);
	if (mount(src, target, type, flags & ~(unsigned long)MS_REMOUNT,
		  *data ? data : NULL) < 0) {
		rep_fail("mount(\"%s\", \"%s\", \"%s\", %#lx, \"%s\")",
			 src ? src : "", dst, type ? type : "", flags, data);
		goto out_close;
	}
	rep_step(0, NULL, "mount(\"%s\", \"%s\", \"%s\", %#lx, \"%s\")",
		 src ? src : "", dst, type ? type : "", flags, data);
	/* The fd is the covered mount point: reopen to reach the new
	 * mount, for the remount and the propagation below. */
	close(fd);
	fd = make_in_root(dst, file);
	if (fd < 0)
		return -1;
	snprintf(target, sizeof(target), "/proc/self/fd/%d", fd);
	/* A bind takes its flags (ro, nosuid, ...) only in a remount. */
	if ((flags & MS_BIND) && (flags & (MS_RDONLY | MS_NOSUID | MS_NODEV |
					   MS_NOEXEC))) {
		if (mount(NULL, target, NULL, MS_BIND | MS_REMOUNT |
			  kept_flags(target) | (flags & (MS_RDONLY | MS_NOSUID |
			  MS_NODEV | MS_NOEXEC)), NULL) < 0) {
			rep_fail("mount(NULL, \"%s\", MS_BIND | MS_REMOUNT)",
				 dst);
			goto out_close;
		}
		rep_step(0, NULL, "mount(NULL, \"%s\", NULL, MS_BIND | "
			 "MS_REMOUNT | %#lx, NULL)", dst, flags &
			 (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC));
	}
	if (propagation && mount(NULL, target, NULL, propagation, NULL) < 0) {
		rep_fail("mount(NULL, \"%s\", NULL, %#lx)", dst, propagation);
		goto out_close;
	}
	close(fd);
	return 0;
out_close:
	close(fd);
	return -1;
}

int rootfs_tmpfs(const char *dst, const char *data)
{
	char target[64];
	int fd = make_in_root(dst, 0);

	if (fd < 0)
		return -1;
	snprintf(target, sizeof(target), "/proc/self/fd/%d", fd);
	if (mount("tmpfs", target, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  data) < 0) {
		close(fd);
		return rep_fail("mount(\"tmpfs\", \"%s\", \"tmpfs\")", dst);
	}
	close(fd);
	rep_step(0, "a tmpfs: memory, gone with the container",
		 "mount(\"tmpfs\", \"%s\", \"tmpfs\", MS_NOSUID | MS_NODEV "
		 "| MS_NOEXEC, \"%s\")", dst, data);
	return 0;
}

int rootfs_root_readonly(void)
{
	/* The bind mount pivot_prepare made is the root's own mount. */
	if (mount(NULL, ".", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY |
		  kept_flags("."), NULL) < 0)
		return rep_fail("mount(NULL, \".\", NULL, MS_BIND | MS_REMOUNT "
				"| MS_RDONLY, NULL)");
	rep_step(0, "the root is read-only (the mounts on it keep their "
		 "own flags)", "mount(NULL, \".\", NULL, MS_BIND | MS_REMOUNT "
		 "| MS_RDONLY, NULL)");
	return 0;
}
