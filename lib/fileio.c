/*
 * fileio.c - reads and writes relative to a directory fd.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"

int file_write_at(int dirfd, const char *name, const char *data)
{
	size_t len = strlen(data);
	ssize_t n;
	int fd, err;

	fd = openat(dirfd, name, O_WRONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -1;
	/* Control files take one value per write(2); never split it. */
	n = write(fd, data, len);
	err = errno;
	close(fd);
	if (n < 0) {
		errno = err;
		return -1;
	}
	if ((size_t)n != len) {
		errno = EIO;
		return -1;
	}
	return 0;
}

int file_printf_at(int dirfd, const char *name, const char *fmt, ...)
{
	char *data;
	va_list ap;
	int ret, err;

	va_start(ap, fmt);
	ret = vasprintf(&data, fmt, ap);
	va_end(ap);
	if (ret < 0)
		return -1;
	ret = file_write_at(dirfd, name, data);
	err = errno;
	free(data);
	errno = err;
	return ret;
}

ssize_t file_read_at(int dirfd, const char *name, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n;
	int fd, err;

	if (size == 0) {
		errno = EINVAL;
		return -1;
	}
	fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -1;
	while (len < size - 1) {
		n = read(fd, buf + len, size - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = errno;
			close(fd);
			errno = err;
			return -1;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	close(fd);
	return (ssize_t)len;
}

ssize_t file_read_line_at(int dirfd, const char *name, char *buf,
			  size_t size)
{
	ssize_t len = file_read_at(dirfd, name, buf, size);

	while (len > 0 && buf[len - 1] == '\n')
		buf[--len] = '\0';
	return len;
}

int file_remove_tree_at(int dirfd, const char *name)
{
	struct dirent *e;
	struct stat st;
	DIR *d;
	int fd, err = 0;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode))
		return unlinkat(dirfd, name, 0);
	/* O_NOFOLLOW: a symlink swapped in for the directory is not
	 * followed out of the tree. */
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
	if (fd < 0)
		return -1;
	/* A directory without write permission (a layer's 0555) cannot
	 * lose its entries otherwise; root needs no such help. */
	if ((st.st_mode & 0700) != 0700)
		fchmod(fd, st.st_mode | 0700);
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -1;
	}
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") &&
		    file_remove_tree_at(fd, e->d_name) < 0 && !err)
			err = errno;
	closedir(d);
	if (unlinkat(dirfd, name, AT_REMOVEDIR) < 0 && !err)
		err = errno;
	errno = err;
	return err ? -1 : 0;
}
