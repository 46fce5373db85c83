/*
 * mountinfo.h - parse /proc/PID/mountinfo lines (proc(5)).
 */
#ifndef CTK_MOUNTINFO_H
#define CTK_MOUNTINFO_H

#include <stdio.h>

struct mnt_entry {
	int id;			/* mount ID */
	int parent;		/* parent mount ID */
	char root[512];		/* root of the mount within its filesystem */
	char point[512];	/* mount point, relative to the process root */
	char optional[128];	/* "shared:N master:N" or "" */
	char fstype[64];
	char source[256];
};

/* Parse one line; octal escapes (\040) are decoded.  0, or -1 (EINVAL). */
int mnt_parse_line(const char *line, struct mnt_entry *e);

/* Number of entries in the stream (read from its start). -1 on error. */
int mnt_count(FILE *f);

/* Find the entry whose mount point is point (the last, i.e. topmost,
 * one wins).  0 if found, -1 (ENOENT) otherwise. */
int mnt_find_point(FILE *f, const char *point, struct mnt_entry *e);

/* Is the entry a peer in a shared group ("shared:N")? */
int mnt_is_shared(const struct mnt_entry *e);

#endif
