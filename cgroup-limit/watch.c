/*
 * watch.c - the live view: the same cgroup files as the report, read
 * about once a second while the command runs.  Lines stay under 100
 * columns so they can be read when projected.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup.h"
#include "limit.h"
#include "report.h"
#include "watch.h"

#define BAR 30

void cg_watch_init(struct cg_watch *w, FILE *f)
{
	const char *nc = getenv("NO_COLOR");

	memset(w, 0, sizeof(*w));
	w->f = f;
	w->tty = isatty(fileno(f)) && !(nc && *nc);
	w->last_usage = -1;
}

/* "[#####.....]" for value of max (max <= 0: no limit, empty bar). */
static const char *bar(const struct cg_watch *w, double value, double max,
		       char *buf, size_t size)
{
	double frac = max > 0 ? value / max : 0;
	int fill = (int)(frac * BAR + 0.5), i;
	const char *colour = frac >= 0.9 ? "\033[31m" : frac >= 0.6 ?
			     "\033[33m" : "\033[32m";
	size_t n = 0;

	if (fill > BAR)
		fill = BAR;
	n += (size_t)snprintf(buf + n, size - n, "[%s", w->tty ? colour : "");
	for (i = 0; i < BAR && n + 8 < size; i++) {
		if (i == fill && w->tty)
			n += (size_t)snprintf(buf + n, size - n, "\033[0m");
		buf[n++] = i < fill ? '#' : '.';
	}
	snprintf(buf + n, size - n, "%s]", w->tty && fill >= BAR ? "\033[0m" :
		 "");
	return buf;
}

static void psi(char *buf, size_t size, const char *name, double v)
{
	if (v < 0)
		snprintf(buf, size, "%s -", name);
	else
		snprintf(buf, size, "%s %.2f%%", name, v);
}

void cg_watch_tick(struct cg_watch *w, struct cg_group *g, double t)
{
	struct cg_sample s;
	char b[3][BAR + 32], m1[32], m2[32], p[3][32], lim[32];
	double cpus = 0, quota;
	int i;

	if (cg_sample(g, &s) < 0)
		return;
	if (w->last_usage >= 0 && s.cpu_usage_usec >= 0 && t > w->last_t)
		cpus = (s.cpu_usage_usec - w->last_usage) / 1e6 /
		       (t - w->last_t);
	w->last_usage = s.cpu_usage_usec;
	w->last_t = t;
	quota = s.cpu_quota > 0 && s.cpu_period > 0 ?
		(double)s.cpu_quota / (double)s.cpu_period : 0;
	if (s.psi_cpu < 0)
		snprintf(b[1], sizeof(b[1]), "-");
	else
		snprintf(b[1], sizeof(b[1]), "%.2f/%.2f/%.2f", s.psi_cpu,
			 s.psi_mem, s.psi_io);
	psi(p[0], sizeof(p[0]), "cpu", s.psi_cpu);
	psi(p[1], sizeof(p[1]), "memory", s.psi_mem);
	psi(p[2], sizeof(p[2]), "io", s.psi_io);
	cg_fmt_size(s.mem_current < 0 ? 0 : (uint64_t)s.mem_current, m1,
		    sizeof(m1));
	if (s.mem_max > 0)
		cg_fmt_size((uint64_t)s.mem_max, m2, sizeof(m2));
	else
		snprintf(m2, sizeof(m2), "no limit");
	if (s.pids_max > 0)
		snprintf(lim, sizeof(lim), "%lld", s.pids_max);
	else
		snprintf(lim, sizeof(lim), "no limit");

	if (!w->tty) {
		/* One plain line per tick, for logs and pipes: "psi" is the
		 * cpu/memory/io pressure (some, avg10, %). */
		fprintf(w->f, "%s: %s %.0fs: mem %s/%s cpu %.2f/%s thr %lld "
			"pids %lld/%s psi %s\n", rep_prog(), g->name, t, m1,
			s.mem_max > 0 ? m2 : "-", cpus,
			quota > 0 ? (snprintf(b[0], sizeof(b[0]), "%.2f", quota),
				     b[0]) : "-", s.nr_throttled,
			s.pids_current, s.pids_max > 0 ? lim : "-", b[1]);
		fflush(w->f);
		return;
	}
	/* Back to the top of the last frame, then draw over it. */
	for (i = 0; i < w->lines; i++)
		fputs("\033[1A\033[2K", w->f);
	fprintf(w->f, "\033[2K%s: watching %s, %.0f s\n", rep_prog(), g->name,
		t);
	fprintf(w->f, "\033[2K  memory %s %s of %s\n",
		bar(w, (double)s.mem_current, (double)s.mem_max, b[0],
		    sizeof(b[0])), m1, m2);
	fprintf(w->f, "\033[2K  cpu    %s %.2f of %s CPUs, throttled %lld\n",
		bar(w, cpus, quota, b[1], sizeof(b[1])), cpus,
		quota > 0 ? (snprintf(m2, sizeof(m2), "%.2f", quota), m2) :
			    "all", s.nr_throttled);
	fprintf(w->f, "\033[2K  pids   %s %lld of %s\n",
		bar(w, (double)s.pids_current, (double)s.pids_max, b[2],
		    sizeof(b[2])), s.pids_current, lim);
	fprintf(w->f, "\033[2K  pressure (some, avg10): %s  %s  %s\n", p[0],
		p[1], p[2]);
	w->lines = 5;
	fflush(w->f);
}
