/*
 * nstable.h - the one table of namespace types: CLONE_NEW* flag, the name
 * of its /proc/PID/ns file, the word people use, and util-linux's letter.
 */
#ifndef CTK_NSTABLE_H
#define CTK_NSTABLE_H

#include <stdint.h>
#include <sys/types.h>

struct nst_type {
	int flag;		/* CLONE_NEWNS ... CLONE_NEWTIME */
	const char *clone;	/* "CLONE_NEWNS": the flag as written */
	const char *proc;	/* file under /proc/PID/ns: "mnt" */
	const char *name;	/* what people call it: "mount" */
	char letter;		/* util-linux unshare option: 'm' */
	const char *isolates;	/* one line: what it gives its own copy of */
};

extern const struct nst_type nst_types[];
extern const unsigned nst_count;

/* Look up by /proc name, common name or flag; NULL if unknown. */
const struct nst_type *nst_by_name(const char *name);
const struct nst_type *nst_by_flag(int flag);

/* Inode number of /proc/PID/ns/<proc> (pid 0: self).  0 or -1/errno. */
int nst_inode(pid_t pid, const char *proc, uint64_t *ino);

/* The same through an open /proc/PID/ns directory: still valid after a
 * setns(2) into another mount (and so procfs) namespace. */
int nst_inode_at(int nsdir, const char *proc, uint64_t *ino);

#endif
