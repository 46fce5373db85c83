/*
 * options.h - the parsers behind minicontainer run's options, kept apart
 * from main.c so the unit tests can reach them.
 */
#ifndef CTK_OPTIONS_H
#define CTK_OPTIONS_H

#include <stddef.h>
#include <sys/resource.h>

/* --ulimit NAME=SOFT[:HARD] (docker's names: nofile, nproc, core, ...;
 * a value is a number, or unlimited or -1).  0, or -1 with why. */
int mc_parse_ulimit(const char *s, int *resource, struct rlimit *lim,
		    char *why, size_t size);

/* A hostname: 1..64 letters, digits, '-' and '.', not starting with
 * '-' or '.'.  0, or -1 with why. */
int mc_check_hostname(const char *s, char *why, size_t size);

/* A fresh 12-hex-digit container ID (the default hostname, as in
 * docker).  Returns buf. */
const char *mc_new_id(char *buf, size_t size);

/* dir is absolute and a directory inside root (symlinks resolved in the
 * root).  0, or -1 with why. */
int mc_check_workdir(const char *root, const char *dir, char *why,
		     size_t size);

#endif
