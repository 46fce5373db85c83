/*
 * cgroup.h - a cgroup of the toolkit's own: create it, set limits, put a
 * process in, freeze, kill, report, remove.  cgroup v2 where the host
 * has it; on hybrid and v1 hosts the same operations through the v1
 * hierarchies (cgroupv1.c), said plainly.
 */
#ifndef CTK_CGROUP_H
#define CTK_CGROUP_H

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#define CG_SUBTREE "ctk"	/* the toolkit's subtree under each root */
#define CG_MAX_IO 8

enum cg_mode { CG_V2, CG_V1 };

/* v1 controllers the fallback uses, each its own hierarchy. */
enum cg_v1 { CG1_MEMORY, CG1_CPU, CG1_CPUACCT, CG1_PIDS, CG1_FREEZER,
	     CG1_CPUSET, CG1_COUNT };

struct cg_host {
	enum cg_mode mode;
	char v2[256];			/* v2 mount ("" if none) */
	char v1[CG1_COUNT][256];	/* v1 mounts ("" if absent) */
	char v2_controllers[256];	/* cgroup.controllers at the base */
	char base[400];			/* v2: where SUBTREE is made: the
					 * root, or a subtree delegated to
					 * us */
};

struct cg_io {
	dev_t dev;
	uint64_t rbps, wbps, riops, wiops;	/* 0: unset */
};

struct cg_limits {
	uint64_t memory, memory_high;		/* 0: unset */
	uint64_t swap;				/* valid if swap_set */
	int swap_set;
	uint64_t cpu_quota, cpu_period;		/* quota 0: unset */
	unsigned cpu_weight;			/* 0: unset */
	uint64_t pids;				/* 0: unset */
	struct cg_io io[CG_MAX_IO];
	int nio;
	const char *cpus, *mems;		/* NULL: unset */
};

struct cg_group {
	struct cg_host *host;
	char name[65];
	int fd;				/* v2: the group's directory */
	int v1fd[CG1_COUNT];		/* v1: per controller, -1 if unused */
};

/* Find the hierarchies.  v2 when /sys/fs/cgroup is cgroup2; else the v1
 * fallback (hybrid or v1).  Not root, on v2: find the subtree delegated
 * to us (the parent of our own cgroup, if we may write its cgroup.procs
 * and cgroup.subtree_control).  0, or -1 (reported) when neither exists
 * or nothing is delegated. */
/* Which io limit: the order of struct cg_io's fields. */
enum cg_io_kind { CG_IO_RBPS, CG_IO_WBPS, CG_IO_RIOPS, CG_IO_WIOPS };

/* Parse "DEV:RATE" (cg_parse_io) into l's entry for DEV (added if new).
 * 0, or -1 with a message in why. */
int cg_add_io(struct cg_limits *l, enum cg_io_kind kind, const char *arg,
	      char *why, size_t size);

int cg_detect(struct cg_host *h);

/* Create SUBTREE/name (and the subtree if needed), enabling the
 * controllers the limits need on the way down.  Reported; 0 or -1, and
 * nothing is left behind on failure. */
int cg_create(struct cg_group *g, struct cg_host *h, const char *name,
	      const struct cg_limits *l);

/* Open an existing group of the toolkit's by name.  0 or -1 (ENOENT). */
int cg_open(struct cg_group *g, struct cg_host *h, const char *name);

/* Close the group's directory fds (cg_open's), leaving the group. */
void cg_close(struct cg_group *g);

/* Write each limit set in l, naming the file and value written. */
int cg_apply(struct cg_group *g, const struct cg_limits *l);

/* Move pid into the group (cgroup.procs in each hierarchy). */
int cg_enter(struct cg_group *g, pid_t pid);

/* Freeze (1) or thaw (0), and wait until the kernel says it is done. */
int cg_freeze(struct cg_group *g, int frozen);

/* Kill every process in the group and wait until it is empty. */
int cg_kill(struct cg_group *g);

/* Number of processes in the group, or -1. */
int cg_count_procs(struct cg_group *g);

/* The after-run report: memory, events, cpu, pids, io; text or JSON. */
void cg_report(struct cg_group *g, FILE *f, int json);

/* Remove the group (killing what is left), and the subtree if empty. */
int cg_destroy(struct cg_group *g);

/* Print the toolkit's groups with their limits and usage. */
int cg_list(struct cg_host *h, FILE *f);

/* One reading of a running group, for the live view. -1: unknown. */
struct cg_sample {
	long long mem_current, mem_max;		/* bytes; max -2: none */
	long long cpu_usage_usec;		/* since the group began */
	long long cpu_quota, cpu_period;	/* quota -2: none */
	long long nr_throttled;
	long long pids_current, pids_max;	/* max -2: none */
	long long oom_kills;		/* processes the OOM killer took */
	long long pids_refused;		/* forks refused at pids.max */
	double psi_cpu, psi_mem, psi_io;	/* some avg10, %; -1 on v1 */
};

int cg_sample(struct cg_group *g, struct cg_sample *s);

/* v2 only: the group's directory fd for clone3(CLONE_INTO_CGROUP), or
 * -1 on the v1 fallback. */
int cg_v2_fd(const struct cg_group *g);

#endif
