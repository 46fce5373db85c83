/*
 * inspect.h - what a running process is isolated from, read from
 * /proc/PID: namespaces, ID maps, capabilities, no_new_privs, seccomp,
 * cgroup, root directory and the propagation of its "/".
 */
#ifndef CTK_INSPECT_H
#define CTK_INSPECT_H

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

struct insp_info {
	pid_t pid, ppid;
	char comm[32];
	uint64_t ns[8];			/* nst_types order; 0 if absent */
	char uid_map[256], gid_map[256];	/* squeezed, "; " between */
	uint64_t cap_inh, cap_prm, cap_eff, cap_bnd, cap_amb;
	int no_new_privs;		/* -1 unknown */
	int seccomp;			/* 0 off, 1 strict, 2 filter, -1 */
	char cgroup[512];		/* the v2 line, or all lines */
	char root[PATH_MAX];		/* "" if unreadable */
	char root_prop[128];		/* "private", "shared:3", ... */
};

/* Read process pid.  0, or -1 with errno ESRCH (no such process) or
 * EACCES (not ours to read); not reported. */
int insp_read(pid_t pid, struct insp_info *i);

/* Print i as text, marking each namespace that differs from ref's. */
void insp_print(FILE *f, const struct insp_info *i,
		const struct insp_info *ref, const char *ref_name);

/* The same as one JSON object (one line). */
void insp_print_json(FILE *f, const struct insp_info *i,
		     const struct insp_info *ref, const char *ref_name);

/*
 * Every readable process, grouped by the set of namespaces it is in, each
 * group under the group of its first member's parent: the picture of
 * nested containers.  ref marks which group is "the host".
 */
int insp_tree(FILE *f, const struct insp_info *ref);

#endif
