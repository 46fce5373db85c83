/*
 * fileio.h - small file reads and writes relative to a directory fd, so
 * the same code drives /proc, /sys/fs/cgroup or a test's temp directory.
 * These helpers do not report: the caller names the file in its message.
 */
#ifndef CTK_FILEIO_H
#define CTK_FILEIO_H

#include <stddef.h>
#include <sys/types.h>

/* Write the whole string to dirfd/name in one write(2), as the kernel's
 * control files expect.  Returns 0, or -1 with errno. */
int file_write_at(int dirfd, const char *name, const char *data);

/* printf-style file_write_at(). */
int file_printf_at(int dirfd, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Read up to size-1 bytes of dirfd/name into buf, NUL-terminated.
 * Returns the length read, or -1 with errno. */
ssize_t file_read_at(int dirfd, const char *name, char *buf, size_t size);

/* As file_read_at(), with trailing newlines removed. */
ssize_t file_read_line_at(int dirfd, const char *name, char *buf,
			  size_t size);

/* rm -rf dirfd/name, never following a symlink.  0 (also if it was not
 * there), or -1 with the first errno met (removal goes on past it). */
int file_remove_tree_at(int dirfd, const char *name);

#endif
