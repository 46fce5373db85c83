/*
 * cgroupv1.h - the v1 fallback behind cgroup.h, for hybrid and v1 hosts.
 */
#ifndef CTK_CGROUPV1_H
#define CTK_CGROUPV1_H

#include "cgroup.h"

int cg1_create(struct cg_group *g, const struct cg_limits *l);
int cg1_open(struct cg_group *g);
int cg1_apply(struct cg_group *g, const struct cg_limits *l);
int cg1_enter(struct cg_group *g, pid_t pid);
int cg1_freeze(struct cg_group *g, int frozen);
int cg1_kill(struct cg_group *g);
int cg1_count_procs(struct cg_group *g);
void cg1_report(struct cg_group *g, FILE *f, int json);
int cg1_destroy(struct cg_group *g);
int cg1_list(struct cg_host *h, FILE *f);
int cg1_sample(struct cg_group *g, struct cg_sample *s);

/* Shared with cgroup.c: a control file's single value ("max" is -2) and
 * the value of key in a flat-keyed file ("key value" lines); -1 if
 * unreadable or absent. */
long long cg_file_value(int dfd, const char *file);
long long cg_file_key(int dfd, const char *file, const char *key);

/* Shared with cgroup.c: write a control file, narrated and reported. */
int cg_write(int dfd, const char *dir, const char *file, const char *value);

#endif
