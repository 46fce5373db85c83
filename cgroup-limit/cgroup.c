/*
 * cgroup.c - cgroup v2: a group of the toolkit's own, its limits, and its
 * life cycle.
 *
 * Demonstrates: mkdir/rmdir in cgroupfs, cgroup.subtree_control,
 * cgroup.procs, memory.max, cpu.max, pids.max, io.max, cpuset.*,
 * cgroup.freeze, cgroup.kill, cgroup.events.  See cgroups(7) and the
 * kernel's Documentation/admin-guide/cgroup-v2.rst.
 *
 * In v2 there is one tree.  A controller is available to a group's
 * children only once the parent lists it in cgroup.subtree_control, and
 * a group that hands controllers down must not hold processes itself
 * (the no-internal-process rule), so processes live in leaves.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>
#include <linux/magic.h>

#include "cgroup.h"
#include "cgroupv1.h"
#include "fileio.h"
#include "limit.h"
#include "mountinfo.h"
#include "report.h"

static const char *const v1_names[CG1_COUNT] = {
	[CG1_MEMORY] = "memory", [CG1_CPU] = "cpu", [CG1_CPUACCT] = "cpuacct",
	[CG1_PIDS] = "pids", [CG1_FREEZER] = "freezer", [CG1_CPUSET] = "cpuset",
};

int cg_write(int dfd, const char *dir, const char *file, const char *value)
{
	if (file_write_at(dfd, file, value) < 0) {
		const char *hint = NULL;

		if (errno == EBUSY && strcmp(file, "cgroup.subtree_control") == 0)
			hint = "a group that holds processes cannot hand "
			       "controllers to children (the no-internal-"
			       "process rule): move its processes into a leaf "
			       "group first";
		else if (errno == ENOENT)
			hint = "this controller is not enabled for the group "
			       "(see the parent's cgroup.subtree_control)";
		else if (errno == EINVAL || errno == ERANGE)
			hint = "the kernel rejected this value for the file";
		return rep_fail_hint(hint, "write(\"%s/%s\", \"%s\")", dir,
				     file, value);
	}
	rep_step(0, NULL, "write(\"%s/%s\", \"%s\")", dir, file, value);
	return 0;
}

/* The mount point of a filesystem type (and v1 controller option). */
static int find_mount(const char *fstype, const char *option, char *out,
		      size_t size)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char *line = NULL;
	size_t cap = 0;
	struct mnt_entry e;
	int found = -1;

	if (!f)
		return -1;
	while (found < 0 && getline(&line, &cap, f) > 0) {
		char *opts;

		if (mnt_parse_line(line, &e) < 0 || strcmp(e.fstype, fstype))
			continue;
		/* Super options are the last field of the line. */
		opts = strrchr(line, ' ');
		if (option) {
			char want[64];

			snprintf(want, sizeof(want), ",%s,", option);
			char have[512];

			snprintf(have, sizeof(have), ",%.*s,",
				 (int)strcspn(opts + 1, "\n"), opts + 1);
			if (!strstr(have, want))
				continue;
		}
		if (strlen(e.point) < size) {
			memcpy(out, e.point, strlen(e.point) + 1);
			found = 0;
		}
	}
	free(line);
	fclose(f);
	return found;
}

/*
 * Delegation (cgroup-v2.rst, "Delegation"): an administrator (systemd with
 * Delegate=yes) gives a user a subtree by chowning its directory and its
 * cgroup.procs, cgroup.subtree_control and cgroup.threads.  The user's
 * processes live in a leaf below it (the no-internal-process rule), so
 * the delegated root is the parent of our own cgroup.
 */
static int find_delegated(struct cg_host *h)
{
	char line[512], dir[600], file[700];
	const char *p;
	char *slash;

	if (file_read_line_at(AT_FDCWD, "/proc/self/cgroup", line,
			      sizeof(line)) < 0 ||
	    !(p = strstr(line, "0::/")))
		return rep_fail("read(\"/proc/self/cgroup\")");
	snprintf(dir, sizeof(dir), "%s%s", h->v2, p + 3);
	slash = strrchr(dir, '/');
	if (slash && slash > dir + strlen(h->v2))
		*slash = '\0';	/* the parent of our cgroup */
	snprintf(file, sizeof(file), "%s/cgroup.subtree_control", dir);
	if (access(dir, W_OK) < 0 || access(file, W_OK) < 0) {
		rep_error("nothing is delegated to uid %d: %s is not writable "
			  "(get a delegated subtree, e.g. systemd-run --user "
			  "--scope -p Delegate=yes %s ...)", (int)geteuid(),
			  file, rep_prog());
		errno = EACCES;
		return -1;
	}
	snprintf(file, sizeof(file), "%s/cgroup.procs", dir);
	if (access(file, W_OK) < 0) {
		rep_error("nothing is delegated to uid %d: %s is not writable",
			  (int)geteuid(), file);
		errno = EACCES;
		return -1;
	}
	if (strlen(dir) >= sizeof(h->base)) {
		errno = ENAMETOOLONG;
		return rep_fail("delegated subtree %s", dir);
	}
	memcpy(h->base, dir, strlen(dir) + 1);
	rep_evidence("cgroups: uid %d works in the subtree delegated to it: "
		     "%s", (int)geteuid(), h->base);
	return 0;
}

int cg_detect(struct cg_host *h)
{
	struct statfs sfs;
	int i, any = 0;

	memset(h, 0, sizeof(*h));
	find_mount("cgroup2", NULL, h->v2, sizeof(h->v2));
	if (statfs("/sys/fs/cgroup", &sfs) == 0 &&
	    sfs.f_type == CGROUP2_SUPER_MAGIC) {
		h->mode = CG_V2;
		snprintf(h->v2, sizeof(h->v2), "/sys/fs/cgroup");
		snprintf(h->base, sizeof(h->base), "%s", h->v2);
		if (geteuid() != 0 && find_delegated(h) < 0)
			return -1;
		{
			char f[600];

			snprintf(f, sizeof(f), "%s/cgroup.controllers",
				 h->base);
			file_read_line_at(AT_FDCWD, f, h->v2_controllers,
					  sizeof(h->v2_controllers));
		}
		return 0;
	}
	if (geteuid() != 0) {
		rep_error("creating and changing cgroups needs root here: "
			  "nothing is delegated to uid %d (the v1 fallback "
			  "supports no delegation)", (int)geteuid());
		errno = EPERM;
		return -1;
	}
	h->mode = CG_V1;
	for (i = 0; i < CG1_COUNT; i++)
		if (find_mount("cgroup", v1_names[i], h->v1[i],
			       sizeof(h->v1[i])) == 0)
			any = 1;
	if (!any) {
		rep_error("no cgroup hierarchy is mounted (neither cgroup2 at "
			  "/sys/fs/cgroup nor v1 controllers)");
		errno = ENOENT;
		return -1;
	}
	rep_evidence("cgroups: this host is %s; using the v1 hierarchies "
		     "(memory, cpu, pids, freezer, cpuset), as cgroup v2 "
		     "here has %s",
		     h->v2[0] ? "hybrid" : "cgroup v1 only",
		     h->v2[0] ? "no memory, cpu or pids controller" :
				"no hierarchy");
	return 0;
}

/* Controllers the limits need, as "+memory +cpu ...". */
static void needed(const struct cg_limits *l, const char *available,
		   char *out, size_t size)
{
	static const char *const names[] = { "memory", "cpu", "pids", "io",
					     "cpuset" };
	int want[5] = { 1, 1, 1, 0, 0 };	/* the report reads these */
	size_t n = 0;
	unsigned i;
	char padded[300];

	want[3] = l->nio > 0;
	want[4] = l->cpus || l->mems;
	snprintf(padded, sizeof(padded), " %s ", available);
	out[0] = '\0';
	for (i = 0; i < 5; i++) {
		char w[16];

		snprintf(w, sizeof(w), " %s ", names[i]);
		if (want[i] && strstr(padded, w))
			n += (size_t)snprintf(out + n, size - n, "%s+%s",
					      n ? " " : "", names[i]);
	}
}

/* Hand the needed controllers down from dir to its children. */
static int enable_down(const char *dir, const char *controllers)
{
	char enabled[256], padded[300];
	char *tok, *save = NULL, want[256];
	int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC), ret = 0;

	if (dfd < 0)
		return rep_fail("open(\"%s\")", dir);
	if (file_read_line_at(dfd, "cgroup.subtree_control", enabled,
			      sizeof(enabled)) < 0)
		enabled[0] = '\0';
	snprintf(padded, sizeof(padded), " %s ", enabled);
	snprintf(want, sizeof(want), "%s", controllers);
	/* One controller per write, so an error names which one. */
	for (tok = strtok_r(want, " ", &save); tok && !ret;
	     tok = strtok_r(NULL, " ", &save)) {
		char w[32];

		snprintf(w, sizeof(w), " %s ", tok + 1);
		if (strstr(padded, w))
			continue;
		ret = cg_write(dfd, dir, "cgroup.subtree_control", tok);
	}
	close(dfd);
	return ret;
}

int cg_v2_fd(const struct cg_group *g)
{
	return g->host->mode == CG_V2 ? g->fd : -1;
}

static void init_group(struct cg_group *g, struct cg_host *h, const char *name)
{
	int i;

	memset(g, 0, sizeof(*g));
	g->host = h;
	g->fd = -1;
	for (i = 0; i < CG1_COUNT; i++)
		g->v1fd[i] = -1;
	snprintf(g->name, sizeof(g->name), "%s", name);
}

int cg_create(struct cg_group *g, struct cg_host *h, const char *name,
	      const struct cg_limits *l)
{
	char sub[512], path[PATH_MAX], ctl[128];
	int made_sub = 0;

	init_group(g, h, name);
	if (h->mode == CG_V1)
		return cg1_create(g, l);

	needed(l, h->v2_controllers, ctl, sizeof(ctl));
	snprintf(sub, sizeof(sub), "%s/%s", h->base, CG_SUBTREE);
	snprintf(path, sizeof(path), "%s/%s", sub, name);
	/* The root hands controllers to the toolkit's subtree ... */
	if (*ctl && enable_down(h->base, ctl) < 0)
		return -1;
	if (mkdir(sub, 0755) == 0) {
		made_sub = 1;
		rep_step(0, "the toolkit's subtree", "mkdir(\"%s\")", sub);
	} else if (errno != EEXIST) {
		return rep_fail("mkdir(\"%s\")", sub);
	}
	/* ... which holds no process, and hands them to each group. */
	if (*ctl && enable_down(sub, ctl) < 0)
		goto out_rmdir_sub;
	if (mkdir(path, 0755) < 0) {
		rep_fail_hint(errno == EEXIST ? "a group of that name is "
			      "running; choose another --name" : NULL,
			      "mkdir(\"%s\")", path);
		goto out_rmdir_sub;
	}
	rep_step(0, "a new cgroup, its interface files made by the kernel",
		 "mkdir(\"%s\")", path);
	g->fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (g->fd < 0) {
		rep_fail("open(\"%s\")", path);
		goto out_rmdir;
	}
	return 0;

out_rmdir:
	rmdir(path);
out_rmdir_sub:
	if (made_sub)
		rmdir(sub);
	return -1;
}

void cg_close(struct cg_group *g)
{
	int i;

	if (g->fd >= 0)
		close(g->fd);
	for (i = 0; i < CG1_COUNT; i++)
		if (g->v1fd[i] >= 0)
			close(g->v1fd[i]);
	g->fd = -1;
	for (i = 0; i < CG1_COUNT; i++)
		g->v1fd[i] = -1;
}

int cg_open(struct cg_group *g, struct cg_host *h, const char *name)
{
	char path[PATH_MAX];

	init_group(g, h, name);
	if (h->mode == CG_V1)
		return cg1_open(g);
	snprintf(path, sizeof(path), "%s/%s/%s", h->base, CG_SUBTREE, name);
	g->fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (g->fd < 0) {
		rep_error("no group '%s' (%s: %s)", name, path,
			  strerror(errno));
		return -1;
	}
	return 0;
}

static void group_dir(const struct cg_group *g, char *out, size_t size)
{
	snprintf(out, size, "%s/%s/%s", g->host->base, CG_SUBTREE, g->name);
}

int cg_apply(struct cg_group *g, const struct cg_limits *l)
{
	char dir[PATH_MAX], v[128];
	int i;

	if (g->host->mode == CG_V1)
		return cg1_apply(g, l);
	group_dir(g, dir, sizeof(dir));
#define W(file, ...) do { \
		snprintf(v, sizeof(v), __VA_ARGS__); \
		if (cg_write(g->fd, dir, file, v) < 0) \
			return -1; \
	} while (0)
	/* cpuset first: a group must have CPUs before it gets tasks. */
	if (l->cpus)
		W("cpuset.cpus", "%s", l->cpus);
	if (l->mems)
		W("cpuset.mems", "%s", l->mems);
	if (l->memory)
		W("memory.max", "%" PRIu64, l->memory);
	if (l->memory_high)
		W("memory.high", "%" PRIu64, l->memory_high);
	if (l->swap_set && l->swap == CG_MAX)
		W("memory.swap.max", "max");
	else if (l->swap_set)
		W("memory.swap.max", "%" PRIu64, l->swap);
	if (l->cpu_quota)
		W("cpu.max", "%" PRIu64 " %" PRIu64, l->cpu_quota,
		  l->cpu_period);
	if (l->cpu_weight)
		W("cpu.weight", "%u", l->cpu_weight);
	if (l->pids == CG_MAX)
		W("pids.max", "max");
	else if (l->pids)
		W("pids.max", "%" PRIu64, l->pids);
	for (i = 0; i < l->nio; i++) {
		const struct cg_io *io = &l->io[i];
		char part[4][40] = { "", "", "", "" };

		if (io->rbps)
			snprintf(part[0], 40, " rbps=%" PRIu64, io->rbps);
		if (io->wbps)
			snprintf(part[1], 40, " wbps=%" PRIu64, io->wbps);
		if (io->riops)
			snprintf(part[2], 40, " riops=%" PRIu64, io->riops);
		if (io->wiops)
			snprintf(part[3], 40, " wiops=%" PRIu64, io->wiops);
		W("io.max", "%u:%u%s%s%s%s", major(io->dev), minor(io->dev),
		  part[0], part[1], part[2], part[3]);
	}
#undef W
	return 0;
}

int cg_enter(struct cg_group *g, pid_t pid)
{
	char dir[PATH_MAX], v[32];

	if (g->host->mode == CG_V1)
		return cg1_enter(g, pid);
	group_dir(g, dir, sizeof(dir));
	snprintf(v, sizeof(v), "%d", (int)pid);
	return cg_write(g->fd, dir, "cgroup.procs", v);
}

/* Poll "key value" in cgroup.events until value is want (<= 2 s). */
static int wait_event(struct cg_group *g, const char *key, int want)
{
	char buf[256], pat[32];
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	int i;

	snprintf(pat, sizeof(pat), "%s %d", key, want);
	for (i = 0; i < 200; i++) {
		if (file_read_at(g->fd, "cgroup.events", buf, sizeof(buf)) > 0) {
			if (strstr(buf, pat))
				return 0;
		} else if (errno == ENOENT || errno == ENODEV) {
			/* Removed meanwhile (by the cgroup-limit that ran it):
			 * empty for good. */
			if (strcmp(key, "populated") == 0 && want == 0)
				return 0;
		}
		nanosleep(&ts, NULL);
	}
	errno = ETIMEDOUT;
	return -1;
}

int cg_freeze(struct cg_group *g, int frozen)
{
	char dir[PATH_MAX];

	if (g->host->mode == CG_V1)
		return cg1_freeze(g, frozen);
	group_dir(g, dir, sizeof(dir));
	if (cg_write(g->fd, dir, "cgroup.freeze", frozen ? "1" : "0") < 0)
		return -1;
	/* Freezing is asynchronous: cgroup.events says when it is done. */
	if (wait_event(g, "frozen", frozen) < 0)
		return rep_fail("wait for \"frozen %d\" in %s/cgroup.events",
				frozen, dir);
	rep_evidence("%s: cgroup.events says frozen %d", g->name, frozen);
	return 0;
}

int cg_count_procs(struct cg_group *g)
{
	char buf[65536];
	ssize_t n;
	int count = 0;

	if (g->host->mode == CG_V1)
		return cg1_count_procs(g);
	n = file_read_at(g->fd, "cgroup.procs", buf, sizeof(buf));
	if (n < 0)
		return -1;
	for (ssize_t i = 0; i < n; i++)
		count += buf[i] == '\n';
	return count;
}

int cg_kill(struct cg_group *g)
{
	char dir[PATH_MAX];

	if (g->host->mode == CG_V1)
		return cg1_kill(g);
	group_dir(g, dir, sizeof(dir));
	/* cgroup.kill (Linux 5.14) SIGKILLs every process, even forking
	 * ones, in one step. */
	if (cg_write(g->fd, dir, "cgroup.kill", "1") < 0)
		return -1;
	if (wait_event(g, "populated", 0) < 0)
		return rep_fail("wait for \"populated 0\" in %s/cgroup.events",
				dir);
	return 0;
}

long long cg_file_key(int dfd, const char *file, const char *key)
{
	char buf[4096], *p;
	size_t klen = strlen(key);

	if (dfd < 0 || file_read_at(dfd, file, buf, sizeof(buf)) <= 0)
		return -1;
	for (p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (strncmp(p, key, klen) == 0 && p[klen] == ' ')
			return atoll(p + klen + 1);
	return -1;
}

long long cg_file_value(int dfd, const char *file)
{
	char buf[64];

	if (dfd < 0 || file_read_line_at(dfd, file, buf, sizeof(buf)) <= 0)
		return -1;
	return strcmp(buf, "max") == 0 ? -2 : atoll(buf);
}

/*
 * Pressure stall information (PSI) of one resource: the share of time
 * some (or all: full) tasks of the group waited for it, averaged over 10
 * s, and the total in microseconds.  -1 when the kernel has no PSI.
 */
struct psi {
	double some10, full10;
	long long some_total, full_total;
};

static void read_psi(int dfd, const char *file, struct psi *p)
{
	char buf[256], *line;

	p->some10 = p->full10 = -1;
	p->some_total = p->full_total = -1;
	if (file_read_at(dfd, file, buf, sizeof(buf)) <= 0)
		return;
	for (line = buf; line && *line; line = strchr(line, '\n'),
	     line = line ? line + 1 : NULL) {
		double a10;
		long long total;

		if (sscanf(line, "some avg10=%lf %*s %*s total=%lld", &a10,
			   &total) == 2) {
			p->some10 = a10;
			p->some_total = total;
		} else if (sscanf(line, "full avg10=%lf %*s %*s total=%lld",
				  &a10, &total) == 2) {
			p->full10 = a10;
			p->full_total = total;
		}
	}
}

void cg_report(struct cg_group *g, FILE *f, int json)
{
	static const char *const psi_files[3] = { "cpu.pressure",
						   "memory.pressure",
						   "io.pressure" };
	struct psi psi[3];
	int r;
	long long cur, peak, max, high, evmax, oom, kill, usage, thr, thrus,
		  periods, pcur, pmax, pev;
	char a[32], b[32], c[32], io[512] = "";

	if (g->host->mode == CG_V1) {
		cg1_report(g, f, json);
		return;
	}
	cur = cg_file_value(g->fd, "memory.current");
	peak = cg_file_value(g->fd, "memory.peak");
	max = cg_file_value(g->fd, "memory.max");
	high = cg_file_key(g->fd, "memory.events", "high");
	evmax = cg_file_key(g->fd, "memory.events", "max");
	oom = cg_file_key(g->fd, "memory.events", "oom");
	kill = cg_file_key(g->fd, "memory.events", "oom_kill");
	usage = cg_file_key(g->fd, "cpu.stat", "usage_usec");
	periods = cg_file_key(g->fd, "cpu.stat", "nr_periods");
	thr = cg_file_key(g->fd, "cpu.stat", "nr_throttled");
	thrus = cg_file_key(g->fd, "cpu.stat", "throttled_usec");
	pcur = cg_file_value(g->fd, "pids.current");
	pmax = cg_file_value(g->fd, "pids.max");
	pev = cg_file_key(g->fd, "pids.events", "max");
	if (file_read_at(g->fd, "io.stat", io, sizeof(io)) > 0)
		io[strcspn(io, "\n")] = '\0';
	for (r = 0; r < 3; r++)
		read_psi(g->fd, psi_files[r], &psi[r]);
	if (json) {
		fprintf(f, "{\"group\": \"%s\", \"cgroup\": \"v2\", \"memory\": "
			"{\"current\": %lld, \"peak\": %lld, \"max\": %lld, "
			"\"events\": {\"high\": %lld, \"max\": %lld, \"oom\": "
			"%lld, \"oom_kill\": %lld}}, \"cpu\": {\"usage_usec\": "
			"%lld, \"nr_periods\": %lld, \"nr_throttled\": %lld, "
			"\"throttled_usec\": %lld}, \"pids\": {\"current\": %lld, "
			"\"max\": %lld, \"events_max\": %lld}, \"io\": \"%s\", "
			"\"pressure\": {",
			g->name, cur, peak, max, high, evmax, oom, kill, usage,
			periods, thr, thrus, pcur, pmax, pev, io);
		for (r = 0; r < 3; r++)
			fprintf(f, "%s\"%.*s\": {\"some_avg10\": %.2f, "
				"\"some_total_usec\": %lld, \"full_avg10\": %.2f, "
				"\"full_total_usec\": %lld}", r ? ", " : "",
				(int)strcspn(psi_files[r], "."), psi_files[r],
				psi[r].some10, psi[r].some_total, psi[r].full10,
				psi[r].full_total);
		fprintf(f, "}}\n");
		return;
	}
	fprintf(f, "%s: %s: memory: peak %s, now %s, limit %s (memory.peak, "
		"memory.current, memory.max)\n", rep_prog(), g->name,
		peak < 0 ? "?" : cg_fmt_size((uint64_t)peak, a, sizeof(a)),
		cur < 0 ? "?" : cg_fmt_size((uint64_t)cur, b, sizeof(b)),
		max == -2 ? "max" : max < 0 ? "?" :
		cg_fmt_size((uint64_t)max, c, sizeof(c)));
	fprintf(f, "%s: %s: memory.events: high %lld, max %lld, oom %lld, "
		"oom_kill %lld%s\n", rep_prog(), g->name, high, evmax, oom, kill,
		kill > 0 ? ": the kernel's OOM killer ended a process here, "
			   "because the group reached memory.max" : "");
	fprintf(f, "%s: %s: cpu.stat: usage %.3f s, throttled %lld of %lld "
		"periods (%.3f s)\n", rep_prog(), g->name, usage / 1e6, thr, periods,
		thrus / 1e6);
	fprintf(f, "%s: %s: pids: now %lld, limit %s, pids.events max %lld%s\n",
		rep_prog(), g->name, pcur, pmax == -2 ? "max" : (snprintf(a, sizeof(a),
		"%lld", pmax), a), pev,
		pev > 0 ? ": fork() failed with EAGAIN at the limit" : "");
	if (*io)
		fprintf(f, "%s: %s: io.stat: %s\n", rep_prog(), g->name, io);
	if (psi[1].some_total >= 0)
		fprintf(f, "%s: %s: pressure (waiting, some/full tasks, "
			"total): cpu %.3f/%.3f s, memory %.3f/%.3f s, io "
			"%.3f/%.3f s\n", rep_prog(), g->name,
			psi[0].some_total / 1e6, psi[0].full_total / 1e6,
			psi[1].some_total / 1e6, psi[1].full_total / 1e6,
			psi[2].some_total / 1e6, psi[2].full_total / 1e6);
}

int cg_sample(struct cg_group *g, struct cg_sample *s)
{
	struct psi p;
	char buf[64];

	if (g->host->mode == CG_V1)
		return cg1_sample(g, s);
	s->mem_current = cg_file_value(g->fd, "memory.current");
	s->mem_max = cg_file_value(g->fd, "memory.max");
	s->cpu_usage_usec = cg_file_key(g->fd, "cpu.stat", "usage_usec");
	s->nr_throttled = cg_file_key(g->fd, "cpu.stat", "nr_throttled");
	s->cpu_quota = -2;
	s->cpu_period = 100000;
	/* cpu.max is "QUOTA PERIOD" or "max PERIOD". */
	if (file_read_line_at(g->fd, "cpu.max", buf, sizeof(buf)) > 0 &&
	    strncmp(buf, "max", 3) != 0)
		sscanf(buf, "%lld %lld", &s->cpu_quota, &s->cpu_period);
	s->pids_current = cg_file_value(g->fd, "pids.current");
	s->pids_max = cg_file_value(g->fd, "pids.max");
	s->oom_kills = cg_file_key(g->fd, "memory.events", "oom_kill");
	s->pids_refused = cg_file_key(g->fd, "pids.events", "max");
	read_psi(g->fd, "cpu.pressure", &p);
	s->psi_cpu = p.some10;
	read_psi(g->fd, "memory.pressure", &p);
	s->psi_mem = p.some10;
	read_psi(g->fd, "io.pressure", &p);
	s->psi_io = p.some10;
	return 0;
}

int cg_destroy(struct cg_group *g)
{
	char dir[PATH_MAX], sub[512];
	int ret = 0;

	if (g->host->mode == CG_V1)
		return cg1_destroy(g);
	group_dir(g, dir, sizeof(dir));
	if (cg_count_procs(g) > 0)
		cg_kill(g);
	close(g->fd);
	g->fd = -1;
	/* rmdir(2) is how a cgroup is removed: only once it is empty. */
	if (rmdir(dir) < 0)
		ret = rep_fail("rmdir(\"%s\")", dir);
	else
		rep_step(0, "the group is gone", "rmdir(\"%s\")", dir);
	snprintf(sub, sizeof(sub), "%s/%s", g->host->base, CG_SUBTREE);
	if (rmdir(sub) == 0)	/* others may still use it: fine */
		rep_step(0, "the toolkit's subtree is gone too",
			 "rmdir(\"%s\")", sub);
	return ret;
}

int cg_list(struct cg_host *h, FILE *f)
{
	char sub[512];
	struct cg_group g;
	struct dirent *de;
	DIR *d;
	int n = 0;

	if (h->mode == CG_V1)
		return cg1_list(h, f);
	snprintf(sub, sizeof(sub), "%s/%s", h->base, CG_SUBTREE);
	d = opendir(sub);
	if (d) {
		while ((de = readdir(d))) {
			char a[32], b[32];
			long long max, cur, pcur;

			if (de->d_type != DT_DIR || de->d_name[0] == '.' ||
			    cg_open(&g, h, de->d_name) < 0)
				continue;
			max = cg_file_value(g.fd, "memory.max");
			cur = cg_file_value(g.fd, "memory.current");
			pcur = cg_file_value(g.fd, "pids.current");
			fprintf(f, "%-20s procs %d, memory %s of %s, pids %lld\n",
				g.name, cg_count_procs(&g),
				cur < 0 ? "?" : cg_fmt_size((uint64_t)cur, a, 32),
				max == -2 ? "max" : max < 0 ? "?" :
				cg_fmt_size((uint64_t)max, b, 32), pcur);
			close(g.fd);
			n++;
		}
		closedir(d);
	}
	if (!n)
		fprintf(f, "no groups under %s\n", sub);
	return 0;
}

int cg_add_io(struct cg_limits *l, enum cg_io_kind kind, const char *arg,
	      char *why, size_t size)
{
	struct cg_io *io;
	uint64_t rate;
	dev_t dev;
	int i;

	if (cg_parse_io(arg, kind == CG_IO_RIOPS || kind == CG_IO_WIOPS, &dev,
			&rate) < 0) {
		if (errno == ENOENT || errno == ENOTBLK)
			snprintf(why, size, "%s: %s", arg, errno == ENOENT ?
				 "no such device" : "not a block device");
		else
			snprintf(why, size, "invalid io limit '%s': expected "
				 "DEV:RATE", arg);
		return -1;
	}
	for (i = 0; i < l->nio && l->io[i].dev != dev; i++)
		;
	if (i == CG_MAX_IO) {
		snprintf(why, size, "too many io devices");
		return -1;
	}
	io = &l->io[i];
	if (i == l->nio) {
		memset(io, 0, sizeof(*io));
		io->dev = dev;
		l->nio++;
	}
	if (kind == CG_IO_RBPS)
		io->rbps = rate;
	else if (kind == CG_IO_WBPS)
		io->wbps = rate;
	else if (kind == CG_IO_RIOPS)
		io->riops = rate;
	else
		io->wiops = rate;
	return 0;
}
