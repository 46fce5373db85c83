/*
 * cgroupv1.c - the v1 fallback: the same group through one hierarchy per
 * controller, for hybrid hosts (and this project's development machines).
 *
 * Demonstrates: memory.limit_in_bytes, memory.memsw.limit_in_bytes,
 * cpu.cfs_quota_us, cpu.shares, pids.max, freezer.state, cpuset.cpus and
 * cpuset.mems.  See cgroups(7), "CGROUPS VERSION 1", and the kernel's
 * Documentation/admin-guide/cgroup-v1/.
 *
 * Each v1 controller is its own tree, so a "group" is one directory per
 * controller, and a process must be added to each.  What v1 lacks is
 * refused, not faked: io.max, memory.high, pressure (PSI).  There is no
 * cgroup.kill: the freezer stops the group, every member is SIGKILLed,
 * and the group is thawed so the kills land.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "cgroupv1.h"
#include "fileio.h"
#include "limit.h"
#include "report.h"

static const char *const names[CG1_COUNT] = {
	[CG1_MEMORY] = "memory", [CG1_CPU] = "cpu", [CG1_CPUACCT] = "cpuacct",
	[CG1_PIDS] = "pids", [CG1_FREEZER] = "freezer", [CG1_CPUSET] = "cpuset",
};

/* The controllers a group needs: always memory, cpu, cpuacct, pids and
 * freezer (the report and kill use them); cpuset when asked for. */
static int wanted(const struct cg_limits *l, int c)
{
	return c != CG1_CPUSET || (l && (l->cpus || l->mems));
}

static void dir_of(const struct cg_group *g, int c, int group, char *out,
		   size_t size)
{
	if (group)
		snprintf(out, size, "%s/%s/%s", g->host->v1[c], CG_SUBTREE,
			 g->name);
	else
		snprintf(out, size, "%s/%s", g->host->v1[c], CG_SUBTREE);
}

/* A new cpuset is empty: it takes no task until cpus and mems are set,
 * so copy the parent's (cpuset(7)). */
static int cpuset_inherit(int dfd, const char *dir, const char *parent)
{
	static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };
	char v[256], pfile[PATH_MAX];
	unsigned i;

	for (i = 0; i < 2; i++) {
		if (file_read_line_at(dfd, files[i], v, sizeof(v)) > 0)
			continue;	/* already set */
		snprintf(pfile, sizeof(pfile), "%s/%s", parent, files[i]);
		if (file_read_line_at(AT_FDCWD, pfile, v, sizeof(v)) < 0)
			return rep_fail("read(\"%s\")", pfile);
		if (cg_write(dfd, dir, files[i], v) < 0)
			return -1;
	}
	return 0;
}

int cg1_create(struct cg_group *g, const struct cg_limits *l)
{
	char sub[PATH_MAX], dir[PATH_MAX];
	int c, made[CG1_COUNT] = { 0 }, made_sub[CG1_COUNT] = { 0 };

	for (c = 0; c < CG1_COUNT; c++) {
		if (!wanted(l, c))
			continue;
		if (!g->host->v1[c][0]) {
			if (c == CG1_CPUSET || c == CG1_CPUACCT)
				continue;
			rep_error("the v1 %s controller is not mounted here",
				  names[c]);
			goto out_undo;
		}
		dir_of(g, c, 0, sub, sizeof(sub));
		dir_of(g, c, 1, dir, sizeof(dir));
		if (mkdir(sub, 0755) == 0)
			made_sub[c] = 1;
		else if (errno != EEXIST) {
			rep_fail("mkdir(\"%s\")", sub);
			goto out_undo;
		}
		if (c == CG1_CPUSET && made_sub[c]) {
			int sfd = open(sub, O_PATH | O_DIRECTORY | O_CLOEXEC);
			int r = sfd < 0 ? -1 :
				cpuset_inherit(sfd, sub, g->host->v1[c]);

			if (sfd >= 0)
				close(sfd);
			if (r < 0)
				goto out_undo;
		}
		if (mkdir(dir, 0755) < 0) {
			rep_fail_hint(errno == EEXIST ? "a group of that name "
				      "is running; choose another --name" :
				      NULL, "mkdir(\"%s\")", dir);
			goto out_undo;
		}
		made[c] = 1;
		rep_step(0, "a v1 group in this controller's own hierarchy",
			 "mkdir(\"%s\")", dir);
		g->v1fd[c] = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (g->v1fd[c] < 0) {
			rep_fail("open(\"%s\")", dir);
			goto out_undo;
		}
		if (c == CG1_CPUSET && cpuset_inherit(g->v1fd[c], dir, sub) < 0)
			goto out_undo;
	}
	return 0;

out_undo:
	for (c = CG1_COUNT - 1; c >= 0; c--) {
		if (g->v1fd[c] >= 0)
			close(g->v1fd[c]);
		g->v1fd[c] = -1;
		dir_of(g, c, 1, dir, sizeof(dir));
		if (made[c])
			rmdir(dir);
		dir_of(g, c, 0, sub, sizeof(sub));
		if (made_sub[c])
			rmdir(sub);
	}
	return -1;
}

int cg1_open(struct cg_group *g)
{
	char dir[PATH_MAX];
	int c, any = 0;

	for (c = 0; c < CG1_COUNT; c++) {
		if (!g->host->v1[c][0])
			continue;
		dir_of(g, c, 1, dir, sizeof(dir));
		g->v1fd[c] = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		any |= g->v1fd[c] >= 0;
	}
	if (!any) {
		rep_error("no group '%s' in the v1 hierarchies", g->name);
		errno = ENOENT;
		return -1;
	}
	return 0;
}

static int w1(struct cg_group *g, int c, const char *file, const char *fmt,
	      ...) __attribute__((format(printf, 4, 5)));

static int w1(struct cg_group *g, int c, const char *file, const char *fmt,
	      ...)
{
	char dir[PATH_MAX], v[128];
	va_list ap;

	if (g->v1fd[c] < 0) {
		rep_error("the v1 %s controller is not available for %s",
			  names[c], file);
		errno = ENOENT;
		return -1;
	}
	va_start(ap, fmt);
	vsnprintf(v, sizeof(v), fmt, ap);
	va_end(ap);
	dir_of(g, c, 1, dir, sizeof(dir));
	return cg_write(g->v1fd[c], dir, file, v);
}

int cg1_apply(struct cg_group *g, const struct cg_limits *l)
{
	if (l->memory_high || l->nio) {
		rep_error("%s is cgroup v2 only: this host's memory and io "
			  "controllers are v1, which has no equivalent",
			  l->memory_high ? "--memory-high (memory.high)" :
					   "io.max (--io-*)");
		errno = ENOTSUP;
		return -1;
	}
	if (l->cpus && w1(g, CG1_CPUSET, "cpuset.cpus", "%s", l->cpus) < 0)
		return -1;
	if (l->mems && w1(g, CG1_CPUSET, "cpuset.mems", "%s", l->mems) < 0)
		return -1;
	if (l->memory && w1(g, CG1_MEMORY, "memory.limit_in_bytes",
			    "%" PRIu64, l->memory) < 0)
		return -1;
	/* v1 limits memory+swap together, and only above the memory limit. */
	if (l->swap_set && l->swap != CG_MAX) {
		if (!l->memory) {
			rep_error("--swap needs --memory on cgroup v1, where "
				  "memory.memsw.limit_in_bytes caps memory and "
				  "swap together");
			errno = EINVAL;
			return -1;
		}
		if (w1(g, CG1_MEMORY, "memory.memsw.limit_in_bytes",
		       "%" PRIu64, l->memory + l->swap) < 0)
			return -1;
	}
	if (l->cpu_quota &&
	    (w1(g, CG1_CPU, "cpu.cfs_period_us", "%" PRIu64,
		l->cpu_period) < 0 ||
	     w1(g, CG1_CPU, "cpu.cfs_quota_us", "%" PRIu64, l->cpu_quota) < 0))
		return -1;
	/* cpu.weight 100 is the default, as cpu.shares 1024 is. */
	if (l->cpu_weight && w1(g, CG1_CPU, "cpu.shares", "%u",
				l->cpu_weight * 1024 / 100) < 0)
		return -1;
	if (l->pids == CG_MAX && w1(g, CG1_PIDS, "pids.max", "max") < 0)
		return -1;
	if (l->pids && l->pids != CG_MAX &&
	    w1(g, CG1_PIDS, "pids.max", "%" PRIu64, l->pids) < 0)
		return -1;
	return 0;
}

int cg1_enter(struct cg_group *g, pid_t pid)
{
	int c;

	/* One tree per controller: the process joins each of them. */
	for (c = 0; c < CG1_COUNT; c++)
		if (g->v1fd[c] >= 0 &&
		    w1(g, c, "cgroup.procs", "%d", (int)pid) < 0)
			return -1;
	return 0;
}

int cg1_freeze(struct cg_group *g, int frozen)
{
	const char *want = frozen ? "FROZEN" : "THAWED";
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	char state[32];
	int i;

	if (w1(g, CG1_FREEZER, "freezer.state", "%s", want) < 0)
		return -1;
	/* FREEZING turns into FROZEN once every task has stopped. */
	for (i = 0; i < 200; i++) {
		if (file_read_line_at(g->v1fd[CG1_FREEZER], "freezer.state",
				      state, sizeof(state)) > 0) {
			if (strcmp(state, want) == 0) {
				rep_evidence("%s: freezer.state says %s",
					     g->name, state);
				return 0;
			}
		} else if (!frozen && (errno == ENOENT || errno == ENODEV)) {
			/* Emptied and removed meanwhile (by the cgroup-limit
			 * that ran it, once a kill landed): nothing to thaw. */
			return 0;
		}
		nanosleep(&ts, NULL);
	}
	errno = ETIMEDOUT;
	return rep_fail("wait for freezer.state %s", want);
}

/* PIDs listed in one controller's cgroup.procs (the freezer's). */
static int read_pids(struct cg_group *g, pid_t *pids, int max)
{
	char buf[65536], *p, *end;
	int n = 0, fd = g->v1fd[CG1_FREEZER] >= 0 ? g->v1fd[CG1_FREEZER] :
			g->v1fd[CG1_PIDS];

	if (fd < 0 || file_read_at(fd, "cgroup.procs", buf, sizeof(buf)) < 0)
		return -1;
	for (p = buf; *p && n < max; p = end) {
		long v = strtol(p, &end, 10);

		if (end == p)
			break;
		pids[n++] = (pid_t)v;
		while (*end == '\n')
			end++;
	}
	return n;
}

int cg1_count_procs(struct cg_group *g)
{
	pid_t pids[4096];

	return read_pids(g, pids, 4096);
}

int cg1_kill(struct cg_group *g)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	pid_t pids[4096];
	int n, i, round;

	/* Frozen, nobody can fork while we go down the list. */
	if (g->v1fd[CG1_FREEZER] >= 0 && cg1_freeze(g, 1) < 0)
		return -1;
	for (round = 0; round < 200; round++) {
		n = read_pids(g, pids, 4096);
		if (n <= 0)
			break;
		for (i = 0; i < n; i++)
			kill(pids[i], SIGKILL);
		if (round == 0)
			rep_step(n, "every process in the group killed (v1 has "
				 "no cgroup.kill)", "kill(each of cgroup.procs, "
				 "SIGKILL)");
		/* Thawed, the frozen victims can act on SIGKILL and exit. */
		if (g->v1fd[CG1_FREEZER] >= 0 && round == 0 &&
		    cg1_freeze(g, 0) < 0)
			return -1;
		nanosleep(&ts, NULL);
	}
	if (n > 0) {
		errno = EBUSY;
		return rep_fail("kill the %d processes left in %s", n, g->name);
	}
	return 0;
}

void cg1_report(struct cg_group *g, FILE *f, int json)
{
	int mem = g->v1fd[CG1_MEMORY], cpu = g->v1fd[CG1_CPU],
	    acct = g->v1fd[CG1_CPUACCT], pids = g->v1fd[CG1_PIDS];
	long long peak = cg_file_value(mem, "memory.max_usage_in_bytes"),
		  cur = cg_file_value(mem, "memory.usage_in_bytes"),
		  max = cg_file_value(mem, "memory.limit_in_bytes"),
		  failcnt = cg_file_value(mem, "memory.failcnt"),
		  oom = cg_file_key(mem, "memory.oom_control", "oom_kill"),
		  usage = cg_file_value(acct, "cpuacct.usage"),
		  periods = cg_file_key(cpu, "cpu.stat", "nr_periods"),
		  thr = cg_file_key(cpu, "cpu.stat", "nr_throttled"),
		  thrns = cg_file_key(cpu, "cpu.stat", "throttled_time"),
		  pcur = cg_file_value(pids, "pids.current"),
		  pmax = cg_file_value(pids, "pids.max"),
		  pev = cg_file_key(pids, "pids.events", "max");
	char a[32], b[32], c[32];

	/* A v1 limit of "no limit" reads as a huge page-aligned number. */
	if (max >= (1LL << 62))
		max = -2;
	if (json) {
		fprintf(f, "{\"group\": \"%s\", \"cgroup\": \"v1\", \"memory\": "
			"{\"current\": %lld, \"peak\": %lld, \"max\": %lld, "
			"\"failcnt\": %lld, \"oom_kill\": %lld}, \"cpu\": "
			"{\"usage_usec\": %lld, \"nr_periods\": %lld, "
			"\"nr_throttled\": %lld, \"throttled_usec\": %lld}, "
			"\"pids\": {\"current\": %lld, \"max\": %lld, "
			"\"events_max\": %lld}}\n", g->name, cur, peak, max,
			failcnt, oom, usage < 0 ? -1 : usage / 1000, periods,
			thr, thrns < 0 ? -1 : thrns / 1000, pcur, pmax, pev);
		return;
	}
	fprintf(f, "%s: %s: memory (v1): peak %s, now %s, limit %s "
		"(memory.max_usage_in_bytes, usage_in_bytes, limit_in_bytes)\n",
		rep_prog(), g->name, peak < 0 ? "?" : cg_fmt_size((uint64_t)peak, a, 32),
		cur < 0 ? "?" : cg_fmt_size((uint64_t)cur, b, 32),
		max == -2 ? "max" : max < 0 ? "?" :
		cg_fmt_size((uint64_t)max, c, 32));
	fprintf(f, "%s: %s: memory.oom_control: oom_kill %lld; memory.failcnt "
		"%lld%s\n", rep_prog(), g->name, oom, failcnt,
		oom > 0 ? ": the kernel's OOM killer ended a process here, "
			  "because the group reached its limit" : "");
	fprintf(f, "%s: %s: cpu (v1): usage %.3f s (cpuacct.usage), throttled "
		"%lld of %lld periods (%.3f s)\n", rep_prog(), g->name,
		usage < 0 ? -1.0 : usage / 1e9, thr, periods,
		thrns < 0 ? -1.0 : thrns / 1e9);
	fprintf(f, "%s: %s: pids (v1): now %lld, limit %s, pids.events max %lld%s\n",
		rep_prog(), g->name, pcur, pmax == -2 ? "max" :
		(snprintf(a, sizeof(a), "%lld", pmax), a), pev,
		pev > 0 ? ": fork() failed with EAGAIN at the limit" : "");
}

int cg1_destroy(struct cg_group *g)
{
	char dir[PATH_MAX], sub[PATH_MAX];
	int c, ret = 0;

	if (cg1_count_procs(g) > 0)
		cg1_kill(g);
	for (c = CG1_COUNT - 1; c >= 0; c--) {
		if (g->v1fd[c] < 0)
			continue;
		close(g->v1fd[c]);
		g->v1fd[c] = -1;
		dir_of(g, c, 1, dir, sizeof(dir));
		if (rmdir(dir) < 0)
			ret = rep_fail("rmdir(\"%s\")", dir);
		else
			rep_step(0, "the group is gone from this hierarchy",
				 "rmdir(\"%s\")", dir);
		dir_of(g, c, 0, sub, sizeof(sub));
		rmdir(sub);	/* only if no other group is in it */
	}
	return ret;
}

int cg1_list(struct cg_host *h, FILE *f)
{
	char sub[512];
	struct cg_group g;
	struct dirent *de;
	DIR *d;
	int n = 0;

	snprintf(sub, sizeof(sub), "%s/%s", h->v1[CG1_FREEZER], CG_SUBTREE);
	d = opendir(sub);
	if (d) {
		while ((de = readdir(d))) {
			char a[32], b[32];
			long long cur, max;

			if (de->d_type != DT_DIR || de->d_name[0] == '.' ||
			    cg_check_name(de->d_name) < 0)
				continue;
			memset(&g, 0, sizeof(g));
			g.host = h;
			memcpy(g.name, de->d_name, strlen(de->d_name) + 1);
			for (int c = 0; c < CG1_COUNT; c++)
				g.v1fd[c] = -1;
			if (cg1_open(&g) < 0)
				continue;
			cur = cg_file_value(g.v1fd[CG1_MEMORY], "memory.usage_in_bytes");
			max = cg_file_value(g.v1fd[CG1_MEMORY], "memory.limit_in_bytes");
			if (max >= (1LL << 62))
				max = -2;
			fprintf(f, "%-20s procs %d, memory %s of %s, pids %lld "
				"(v1)\n", g.name, cg1_count_procs(&g),
				cur < 0 ? "?" : cg_fmt_size((uint64_t)cur, a, 32),
				max == -2 ? "max" : max < 0 ? "?" :
				cg_fmt_size((uint64_t)max, b, 32),
				cg_file_value(g.v1fd[CG1_PIDS], "pids.current"));
			for (int c = 0; c < CG1_COUNT; c++)
				if (g.v1fd[c] >= 0)
					close(g.v1fd[c]);
			n++;
		}
		closedir(d);
	}
	if (!n)
		fprintf(f, "no groups under %s\n", sub);
	return 0;
}

int cg1_sample(struct cg_group *g, struct cg_sample *s)
{
	long long quota = cg_file_value(g->v1fd[CG1_CPU], "cpu.cfs_quota_us"),
		  usage = cg_file_value(g->v1fd[CG1_CPUACCT], "cpuacct.usage");

	s->mem_current = cg_file_value(g->v1fd[CG1_MEMORY], "memory.usage_in_bytes");
	s->mem_max = cg_file_value(g->v1fd[CG1_MEMORY], "memory.limit_in_bytes");
	if (s->mem_max >= (1LL << 62))
		s->mem_max = -2;
	s->cpu_usage_usec = usage < 0 ? -1 : usage / 1000;
	s->cpu_quota = quota < 0 ? -2 : quota;
	s->cpu_period = cg_file_value(g->v1fd[CG1_CPU], "cpu.cfs_period_us");
	s->nr_throttled = cg_file_key(g->v1fd[CG1_CPU], "cpu.stat", "nr_throttled");
	s->pids_current = cg_file_value(g->v1fd[CG1_PIDS], "pids.current");
	s->pids_max = cg_file_value(g->v1fd[CG1_PIDS], "pids.max");
	s->oom_kills = cg_file_key(g->v1fd[CG1_MEMORY], "memory.oom_control",
				   "oom_kill");
	s->pids_refused = cg_file_key(g->v1fd[CG1_PIDS], "pids.events", "max");
	/* v1 has no pressure stall information. */
	s->psi_cpu = s->psi_mem = s->psi_io = -1;
	return 0;
}
