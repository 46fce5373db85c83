/*
 * watch.h - the live view of a running group, for the lecture hall: one
 * redraw about every second, bars for memory, CPU and pids against their
 * limits, and the pressure lines.  Plain lines when stderr is not a
 * terminal or NO_COLOR is set.
 */
#ifndef CTK_WATCH_H
#define CTK_WATCH_H

#include <stdio.h>

#include "cgroup.h"

struct cg_watch {
	FILE *f;
	int tty;		/* redraw in place, with colour */
	int lines;		/* lines drawn last time (to move up over) */
	long long last_usage;	/* cpu usage_usec at the last tick */
	double last_t;		/* seconds since start at the last tick */
};

void cg_watch_init(struct cg_watch *w, FILE *f);

/* Draw one frame for the group at t seconds since the command started. */
void cg_watch_tick(struct cg_watch *w, struct cg_group *g, double t);

#endif
