/*
 * image-layer.c - a layer tar becomes a directory; layer directories
 * become one tree when overlayfs cannot stack them.
 *
 * A layer is a tar of what changed: new and changed files, and for
 * each deletion an empty file named .wh.NAME (a "whiteout"); a
 * directory holding .wh..wh..opq hides everything lower layers had in
 * it.  Unpacked for overlayfs, a whiteout becomes what overlayfs itself
 * writes in an upper directory: a character device 0/0, and an opaque
 * directory carries the xattr overlay.opaque=y.
 *
 * The tar is hostile until proven otherwise.  No entry may land outside
 * the layer: a ".." component is refused, and every parent directory is
 * opened one component at a time with O_NOFOLLOW, so an entry reached
 * through a symlink that the same tar planted ("evil" -> /etc, then
 * "evil/passwd") is refused, not followed.  A hard link may only name a
 * file already in the layer.  Symlinks themselves may point anywhere:
 * they are resolved inside the container's root when it runs.
 *
 * Man pages: overlayfs docs (Documentation/filesystems/overlayfs.rst,
 * "whiteouts and opaque directories"), mknod(2), xattr(7), openat(2);
 * libarchive: archive_read(3), archive_entry(3).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <archive.h>
#include <archive_entry.h>

#include "fileio.h"
#include "image.h"
#include "report.h"

/* Directories get their mode, owner and time last: a 0555 directory
 * must stay writable while its entries are unpacked. */
struct dir_meta {
	char *path;
	mode_t mode;
	uid_t uid;
	gid_t gid;
	struct timespec mtime;
};

struct unpack {
	struct archive *a;
	int rootfd;
	int root;		/* running as root: owners, devices, xattrs */
	const char *what;	/* the layer, for messages */
	struct dir_meta *dirs;
	size_t ndirs, cap;
	long skipped_devices;
};

/*
 * Open the directory at path (relative, clean) under rootfd, one
 * component at a time, never following a symlink; with create, make
 * missing ones (a tar need not list parents first).  The fd, or -1 with
 * errno: ELOOP through a symlink, ENOTDIR through a file.
 */
static int open_dir_beneath(int rootfd, const char *path, int create)
{
	char comp[NAME_MAX + 1];
	const char *p = path;
	int fd = dup(rootfd);

	while (fd >= 0 && *p) {
		size_t n = strcspn(p, "/");
		int next;

		if (n > NAME_MAX) {
			close(fd);
			errno = ENAMETOOLONG;
			return -1;
		}
		memcpy(comp, p, n);
		comp[n] = '\0';
		next = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
			      O_CLOEXEC);
		if (next < 0 && errno == ENOENT && create &&
		    mkdirat(fd, comp, 0755) == 0)
			next = openat(fd, comp, O_RDONLY | O_DIRECTORY |
				      O_NOFOLLOW | O_CLOEXEC);
		/* O_DIRECTORY answers ENOTDIR for a symlink too: say
		 * which it was. */
		if (next < 0 && errno == ENOTDIR) {
			struct stat st;

			if (fstatat(fd, comp, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
			    S_ISLNK(st.st_mode))
				errno = ELOOP;
			else
				errno = ENOTDIR;
		}
		close(fd);
		fd = next;
		p += n;
		while (*p == '/')
			p++;
	}
	return fd;
}

/* "a/b/c" -> parent "a/b", base "c" (in place); "c" -> "", "c". */
static const char *split_base(char *path)
{
	char *slash = strrchr(path, '/');

	if (!slash)
		return path;
	*slash = '\0';
	return slash + 1;
}

static int entry_error(struct unpack *u, const char *path, const char *why)
{
	rep_error("layer %s: entry '%s' %s", u->what, path, why);
	return -1;
}

static int parent_error(struct unpack *u, const char *path)
{
	if (errno == ELOOP)
		return entry_error(u, path, "is reached through a symlink "
				   "(it would be written outside the layer)");
	if (errno == ENOTDIR)
		return entry_error(u, path, "is under a file, not a directory");
	return rep_fail("layer %s: open the directory of '%s'", u->what,
			path);
}

static int note_dir(struct unpack *u, const char *path,
		    struct archive_entry *e)
{
	struct dir_meta *d;

	if (u->ndirs == u->cap) {
		size_t cap = u->cap ? u->cap * 2 : 64;

		d = realloc(u->dirs, cap * sizeof(*d));
		if (!d)
			return rep_fail("realloc()");
		u->dirs = d;
		u->cap = cap;
	}
	d = &u->dirs[u->ndirs];
	d->path = strdup(path);
	if (!d->path)
		return rep_fail("strdup()");
	d->mode = archive_entry_perm(e);
	d->uid = (uid_t)archive_entry_uid(e);
	d->gid = (gid_t)archive_entry_gid(e);
	d->mtime.tv_sec = archive_entry_mtime(e);
	d->mtime.tv_nsec = archive_entry_mtime_nsec(e);
	u->ndirs++;
	return 0;
}

/* Owner (root only), mode, time of a new non-directory at dfd/name. */
static int set_meta(struct unpack *u, int dfd, const char *name,
		    struct archive_entry *e, int fd)
{
	struct timespec ts[2] = {
		{ archive_entry_mtime(e), archive_entry_mtime_nsec(e) },
		{ archive_entry_mtime(e), archive_entry_mtime_nsec(e) },
	};
	int lnk = archive_entry_filetype(e) == AE_IFLNK;

	/* chown before chmod: chown clears set-user-ID bits. */
	if (u->root && fchownat(dfd, name, (uid_t)archive_entry_uid(e),
				(gid_t)archive_entry_gid(e),
				AT_SYMLINK_NOFOLLOW) < 0)
		return rep_fail("layer %s: fchownat(\"%s\")", u->what, name);
	if (!lnk && (fd >= 0 ? fchmod(fd, archive_entry_perm(e)) :
		     fchmodat(dfd, name, archive_entry_perm(e), 0)) < 0)
		return rep_fail("layer %s: fchmod(\"%s\")", u->what, name);
	utimensat(dfd, name, ts, AT_SYMLINK_NOFOLLOW);
	return 0;
}

/* File capabilities and other xattrs of a regular file (root only). */
static void set_xattrs(struct unpack *u, int fd, struct archive_entry *e)
{
	const char *name;
	const void *value;
	size_t size;

	if (!u->root)
		return;
	archive_entry_xattr_reset(e);
	while (archive_entry_xattr_next(e, &name, &value, &size) ==
	       ARCHIVE_OK)
		fsetxattr(fd, name, value, size, 0);
}

static int unpack_file(struct unpack *u, int dfd, const char *base,
		       struct archive_entry *e, const char *path)
{
	int fd = openat(dfd, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
			O_CLOEXEC, 0600);

	if (fd < 0)
		return rep_fail("layer %s: create \"%s\"", u->what, path);
	if (archive_read_data_into_fd(u->a, fd) != ARCHIVE_OK) {
		rep_error("layer %s: '%s': %s", u->what, path,
			  archive_error_string(u->a));
		close(fd);
		return -1;
	}
	set_xattrs(u, fd, e);
	if (set_meta(u, dfd, base, e, fd) < 0) {
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* A hard link to a file this layer already holds, nothing else. */
static int unpack_hardlink(struct unpack *u, int dfd, const char *base,
			   const char *target, const char *path)
{
	char clean[PATH_MAX], *tbase;
	int tfd, ret;

	if (target[0] == '/' || img_clean_path(target, clean,
					       sizeof(clean)) < 0)
		return entry_error(u, path, "is a hard link to outside the "
				   "layer");
	tbase = (char *)split_base(clean);
	tfd = open_dir_beneath(u->rootfd, tbase == clean ? "" : clean, 0);
	if (tfd < 0)
		return parent_error(u, target);
	ret = linkat(tfd, tbase, dfd, base, 0);
	close(tfd);
	if (ret < 0)
		return errno == ENOENT ?
		       entry_error(u, path, "is a hard link to a file the "
				   "layer does not hold") :
		       rep_fail("layer %s: linkat(\"%s\", \"%s\")", u->what,
				target, path);
	return 0;
}

static int unpack_entry(struct unpack *u, struct archive_entry *e)
{
	const char *raw = archive_entry_pathname(e), *base, *wname;
	const char *link = archive_entry_hardlink(e);
	char path[PATH_MAX], parent[PATH_MAX];
	mode_t type = archive_entry_filetype(e);
	struct stat st;
	int dfd, kind, ret = -1;

	if (!raw || img_clean_path(raw, path, sizeof(path)) < 0) {
		/* "./" alone names the layer's root: nothing to make. */
		if (raw && strspn(raw, "./") == strlen(raw) &&
		    !strstr(raw, ".."))
			return 0;
		return entry_error(u, raw ? raw : "", "leaves the layer "
				   "(a '..' component)");
	}
	memcpy(parent, path, strlen(path) + 1);
	base = split_base(parent);
	dfd = open_dir_beneath(u->rootfd, base == parent ? "" : parent, 1);
	if (dfd < 0)
		return parent_error(u, path);
	kind = img_whiteout(base, &wname);
	if (kind == 2) {
		/* .wh..wh..opq: lower layers' entries here are hidden. */
		if (fsetxattr(dfd, img_opaque_xattr(), "y", 1, 0) < 0)
			rep_fail("layer %s: fsetxattr(\"%s\", \"%s\")",
				 u->what, parent, img_opaque_xattr());
		else
			ret = 0;
		goto out;
	}
	if (kind == 1) {
		/* .wh.NAME: NAME is deleted; overlayfs's mark is 0/0. */
		if (!*wname || !strcmp(wname, ".") || !strcmp(wname, "..")) {
			ret = entry_error(u, path, "is not a valid whiteout");
			goto out;
		}
		file_remove_tree_at(dfd, wname);
		if (mknodat(dfd, wname, S_IFCHR, makedev(0, 0)) < 0)
			rep_fail("layer %s: mknodat(\"%s\", S_IFCHR, 0/0)",
				 u->what, path);
		else
			ret = 0;
		goto out;
	}
	/* A later entry replaces an earlier one; a directory stays. */
	if (fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    !(S_ISDIR(st.st_mode) && type == AE_IFDIR && !link))
		file_remove_tree_at(dfd, base);
	if (link) {
		ret = unpack_hardlink(u, dfd, base, link, path);
		goto out;
	}
	switch (type) {
	case AE_IFREG:
		ret = unpack_file(u, dfd, base, e, path);
		break;
	case AE_IFDIR:
		if (mkdirat(dfd, base, 0700) < 0 && errno != EEXIST)
			rep_fail("layer %s: mkdirat(\"%s\")", u->what, path);
		else
			ret = note_dir(u, path, e);
		break;
	case AE_IFLNK:
		/* A symlink entry may come without a target (found by
		 * make fuzz): refused, not passed on as NULL. */
		if (!archive_entry_symlink(e))
			rep_error("layer %s: symlink %s has no target", u->what,
				  path);
		else if (symlinkat(archive_entry_symlink(e), dfd, base) < 0)
			rep_fail("layer %s: symlinkat(\"%s\")", u->what, path);
		else
			ret = set_meta(u, dfd, base, e, -1);
		break;
	case AE_IFCHR:
	case AE_IFBLK:
		/* Rootless: a device node cannot be made, nor should be. */
		if (!u->root) {
			u->skipped_devices++;
			ret = 0;
			break;
		}
		/* fall through */
	case AE_IFIFO:
		if (mknodat(dfd, base, type | 0600, archive_entry_rdev(e)) < 0)
			rep_fail("layer %s: mknodat(\"%s\")", u->what, path);
		else
			ret = set_meta(u, dfd, base, e, -1);
		break;
	default:
		ret = 0;	/* sockets: nothing to unpack */
	}
out:
	close(dfd);
	return ret;
}

/* The directories' own metadata, deepest first. */
static int finish_dirs(struct unpack *u)
{
	size_t i;
	int ret = 0;

	for (i = u->ndirs; i-- > 0;) {
		struct dir_meta *d = &u->dirs[i];
		struct timespec ts[2] = { d->mtime, d->mtime };
		int fd = open_dir_beneath(u->rootfd, d->path, 0);

		if (fd < 0)
			continue;	/* a later entry replaced it */
		if ((u->root && fchown(fd, d->uid, d->gid) < 0) ||
		    fchmod(fd, d->mode) < 0)
			ret = rep_fail("layer %s: chmod \"%s\"", u->what,
				       d->path);
		futimens(fd, ts);
		close(fd);
	}
	return ret;
}

int img_unpack_layer(int fd, enum img_media mt, int dirfd, const char *name,
		     const char *what, long long *bytes)
{
	struct unpack u = { .root = geteuid() == 0, .what = what };
	struct archive_entry *e;
	int r, ret = -1;
	size_t i;

	if (mkdirat(dirfd, name, 0755) < 0)
		return rep_fail("mkdirat(\"%s\")", name);
	u.rootfd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
			  O_CLOEXEC);
	u.a = archive_read_new();
	if (u.rootfd < 0 || !u.a) {
		rep_fail("open(\"%s\")", name);
		goto out;
	}
	/* Only what the media type says: a "tar" is not decompressed. */
	archive_read_support_format_tar(u.a);
	if (mt == IMG_MT_LAYER_GZIP)
		archive_read_support_filter_gzip(u.a);
	else if (mt == IMG_MT_LAYER_ZSTD)
		archive_read_support_filter_zstd(u.a);
	if (archive_read_open_fd(u.a, fd, 65536) != ARCHIVE_OK) {
		rep_error("layer %s: %s", what, archive_error_string(u.a));
		goto out;
	}
	*bytes = 0;
	while ((r = archive_read_next_header(u.a, &e)) == ARCHIVE_OK) {
		if (unpack_entry(&u, e) < 0)
			goto out;
		if (archive_entry_filetype(e) == AE_IFREG)
			*bytes += archive_entry_size(e);
	}
	if (r != ARCHIVE_EOF) {
		rep_error("layer %s: %s", what, archive_error_string(u.a));
		goto out;
	}
	if (finish_dirs(&u) < 0)
		goto out;
	if (u.skipped_devices)
		rep_evidence("layer %s: %ld device nodes left out (rootless: "
			     "no mknod)", what, u.skipped_devices);
	ret = 0;
out:
	for (i = 0; i < u.ndirs; i++)
		free(u.dirs[i].path);
	free(u.dirs);
	if (u.a)
		archive_read_free(u.a);
	if (u.rootfd >= 0)
		close(u.rootfd);
	if (ret < 0)
		file_remove_tree_at(dirfd, name);
	return ret;
}

/* Copy one non-directory from sfd/name to dfd/name, with its metadata. */
static int copy_node(int sfd, int dfd, const char *name,
		     const struct stat *st)
{
	struct timespec ts[2] = { st->st_atim, st->st_mtim };
	char target[PATH_MAX];
	ssize_t n;
	int in, out, ret = 0;

	if (S_ISREG(st->st_mode)) {
		in = openat(sfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		out = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL |
			     O_NOFOLLOW | O_CLOEXEC, 0600);
		if (in < 0 || out < 0)
			ret = -1;
		while (ret == 0 && (n = copy_file_range(in, NULL, out, NULL,
							1 << 30, 0)) > 0)
			;
		if (ret == 0 && n < 0)
			ret = -1;
		if (in >= 0)
			close(in);
		if (out >= 0)
			close(out);
	} else if (S_ISLNK(st->st_mode)) {
		n = readlinkat(sfd, name, target, sizeof(target) - 1);
		if (n < 0)
			return -1;
		target[n] = '\0';
		ret = symlinkat(target, dfd, name);
	} else if (geteuid() == 0 || S_ISFIFO(st->st_mode)) {
		ret = mknodat(dfd, name, st->st_mode, st->st_rdev);
	} else {
		return 0;	/* rootless: no device nodes */
	}
	if (ret < 0)
		return -1;
	if (geteuid() == 0)
		fchownat(dfd, name, st->st_uid, st->st_gid,
			 AT_SYMLINK_NOFOLLOW);
	if (!S_ISLNK(st->st_mode))
		fchmodat(dfd, name, st->st_mode & 07777, 0);
	utimensat(dfd, name, ts, AT_SYMLINK_NOFOLLOW);
	return 0;
}

static int is_opaque(int fd)
{
	char v[2];

	return fgetxattr(fd, img_opaque_xattr(), v, sizeof(v)) == 1 &&
	       v[0] == 'y';
}

/* Merge the directory sfd into dfd as overlayfs would show them. */
static int copy_tree(int sfd, int dfd, const char *where)
{
	struct dirent *e;
	struct stat st, old;
	DIR *d;
	int ret = 0;

	/* Opaque: what lower layers put here is gone. */
	if (is_opaque(sfd)) {
		DIR *od = fdopendir(dup(dfd));

		while (od && (e = readdir(od)))
			if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
				file_remove_tree_at(dfd, e->d_name);
		if (od)
			closedir(od);
	}
	d = fdopendir(dup(sfd));
	if (!d)
		return rep_fail("opendir(\"%s\")", where);
	while (ret == 0 && (e = readdir(d))) {
		int s, t;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (fstatat(sfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			ret = rep_fail("stat(\"%s/%s\")", where, e->d_name);
			break;
		}
		if (img_is_cached_whiteout(st.st_mode, st.st_rdev)) {
			file_remove_tree_at(dfd, e->d_name);
			continue;
		}
		if (!S_ISDIR(st.st_mode) ||
		    (fstatat(dfd, e->d_name, &old, AT_SYMLINK_NOFOLLOW) == 0 &&
		     !S_ISDIR(old.st_mode)))
			file_remove_tree_at(dfd, e->d_name);
		if (!S_ISDIR(st.st_mode)) {
			if (copy_node(sfd, dfd, e->d_name, &st) < 0)
				ret = rep_fail("copy \"%s/%s\"", where,
					       e->d_name);
			continue;
		}
		if (mkdirat(dfd, e->d_name, 0700) < 0 && errno != EEXIST) {
			ret = rep_fail("mkdirat(\"%s\")", e->d_name);
			break;
		}
		s = openat(sfd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
			   O_CLOEXEC);
		t = openat(dfd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
			   O_CLOEXEC);
		if (s < 0 || t < 0)
			ret = rep_fail("open(\"%s/%s\")", where, e->d_name);
		else
			ret = copy_tree(s, t, e->d_name);
		if (ret == 0) {
			struct timespec ts[2] = { st.st_atim, st.st_mtim };

			if (geteuid() == 0)
				fchown(t, st.st_uid, st.st_gid);
			fchmod(t, st.st_mode & 07777);
			futimens(t, ts);
		}
		if (s >= 0)
			close(s);
		if (t >= 0)
			close(t);
	}
	closedir(d);
	return ret;
}

int img_copy_layers(const char *dest, char *const *layers, int n)
{
	int dfd, sfd, i, ret = 0;

	if (mkdir(dest, 0755) < 0 && errno != EEXIST)
		return rep_fail("mkdir(\"%s\")", dest);
	dfd = open(dest, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0)
		return rep_fail("open(\"%s\")", dest);
	for (i = 0; i < n && ret == 0; i++) {
		sfd = open(layers[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
			   O_CLOEXEC);
		if (sfd < 0) {
			ret = rep_fail("open(\"%s\")", layers[i]);
			break;
		}
		ret = copy_tree(sfd, dfd, layers[i]);
		close(sfd);
	}
	close(dfd);
	return ret;
}
