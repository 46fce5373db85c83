/*
 * primitives.c - what each kernel primitive of a container start costs,
 * measured alone.
 *
 * bench/start.sh times whole starts; this program takes one start apart
 * and times each piece on its own, many times: unshare(2) of each
 * namespace type, clone3(2) into a new PID namespace, pivot_root(2) with
 * the old root detached, a fresh procfs, a cgroup with two limits, a veth
 * pair moved into another network namespace, the seccomp filter, the
 * capability sets.  Each timing is CLOCK_MONOTONIC around the calls named
 * in its row, nothing else: a fresh process for each repetition is made
 * before the clock starts, and what it needs set up (a mount namespace to
 * pivot in, a scratch network namespace) is made before too.
 *
 * Everything that changes the system happens in a child's own
 * namespaces, except the cgroups, which are made under the toolkit's
 * subtree and removed again in the same repetition.
 *
 * Man pages: unshare(2), clone3(2), pivot_root(2), mount(2), cgroups(7),
 * rtnetlink(7), veth(4), seccomp(2), capabilities(7), clock_gettime(2).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <linux/veth.h>

#include "caps.h"
#include "cgroup.h"
#include "cli.h"
#include "netlink.h"
#include "netns.h"
#include "nstable.h"
#include "pivot.h"
#include "report.h"
#include "seccomp-default.h"
#include "seccomp-filter.h"

#define NT		3	/* timings one repetition can take */
#define MAX_ROWS	40
#define MAX_RUNS	100000
#define NAME_WIDTH	36

/* The veth pair, both ends born in the scratch network namespace. */
#define VETH_HOST	"bench0"
#define VETH_PEER	"bench1"

/* What one repetition measured, in memory shared with the children. */
struct rec {
	int64_t ns[NT];
	int done;		/* 1: ns[] holds this repetition's timings */
	char why[200];		/* not "": it failed, and why */
};

/* A row of the table: one timing of one primitive, every repetition. */
struct row {
	char name[NAME_WIDTH + 1];
	double *us;		/* sorted samples, microseconds */
	int runs;
	char why[200];		/* not "": unsupported, or failed after runs */
};

static struct row rows[MAX_ROWS];
static int nrows;
static int reps = 200;
static struct rec *shm;		/* reps records, MAP_SHARED */
static struct cg_host cg_host;
static char cg_why[200];	/* not "": cgroups cannot be measured here */
static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = sig;
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* r->why = "CALL: strerror(errno)", CALL printf-style. */
static void set_why(struct rec *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void set_why(struct rec *r, const char *fmt, ...)
{
	int err = errno;
	char call[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(call, sizeof(call), fmt, ap);
	va_end(ap);
	snprintf(r->why, sizeof(r->why), "%s: %s", call, strerror(err));
}

/* After waiting for a child that was to fill r: 0 if it did, else -1
 * with r->why saying how it ended. */
static int ended(struct rec *r, int status)
{
	if (r->why[0])
		return -1;
	if (r->done)
		return 0;
	if (WIFSIGNALED(status))
		snprintf(r->why, sizeof(r->why), "the child was killed by %s",
			 strsignal(WTERMSIG(status)));
	else
		snprintf(r->why, sizeof(r->why), "the child exited with "
			 "status %d before measuring", WEXITSTATUS(status));
	return -1;
}

static int wait_child(pid_t pid, int *status)
{
	while (waitpid(pid, status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return 0;
}

/*
 * One repetition in a fresh child: fn fills r (or r->why) and the child
 * exits, taking its namespaces with it.  With whole >= 0 the parent also
 * times fork to wait into r->ns[whole].  0, or -1 (r->why says).
 */
static int fresh_child(void (*fn)(struct rec *r, const void *arg),
		       const void *arg, struct rec *r, int whole)
{
	int64_t t0 = now_ns();
	pid_t pid = fork();
	int status;

	if (pid < 0) {
		set_why(r, "fork()");
		return -1;
	}
	if (pid == 0) {
		fn(r, arg);
		_exit(0);
	}
	if (wait_child(pid, &status) < 0) {
		set_why(r, "waitpid(%d)", (int)pid);
		return -1;
	}
	if (whole >= 0)
		r->ns[whole] = now_ns() - t0;
	return ended(r, status);
}

/* reps repetitions of fn, each in a fresh child, until one fails. */
static void run_fresh(void (*fn)(struct rec *r, const void *arg),
		      const void *arg, int whole)
{
	int i;

	memset(shm, 0, (size_t)reps * sizeof(*shm));
	for (i = 0; i < reps && !stop; i++)
		if (fresh_child(fn, arg, &shm[i], whole) < 0)
			break;
}

/* fn makes all reps repetitions in one child (their set-up is shared). */
static void run_one_child(void (*fn)(void))
{
	pid_t pid;
	int i, status;

	memset(shm, 0, (size_t)reps * sizeof(*shm));
	pid = fork();
	if (pid < 0) {
		set_why(&shm[0], "fork()");
		return;
	}
	if (pid == 0) {
		fn();
		_exit(0);
	}
	if (wait_child(pid, &status) < 0) {
		set_why(&shm[0], "waitpid(%d)", (int)pid);
		return;
	}
	for (i = 0; i < reps && !stop; i++)
		if (ended(&shm[i], status) < 0)
			break;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static struct row *add_row(const char *name)
{
	struct row *r = &rows[nrows++];

	snprintf(r->name, sizeof(r->name), "%s", name);
	r->us = calloc((size_t)reps, sizeof(*r->us));
	if (!r->us) {
		rep_error("out of memory for %d samples", reps);
		exit(1);
	}
	return r;
}

/* A row for each of names[0..nt-1] from the records: the repetitions
 * before the first failure, sorted, and that failure's reason. */
static void collect(const char *const *names, int nt)
{
	const char *why = NULL;
	int i, t, runs = 0;

	for (i = 0; i < reps; i++) {
		if (shm[i].why[0]) {
			why = shm[i].why;
			break;
		}
		if (!shm[i].done)
			break;
		runs++;
	}
	for (t = 0; t < nt; t++) {
		struct row *r = add_row(names[t]);

		for (i = 0; i < runs; i++)
			r->us[i] = (double)shm[i].ns[t] / 1000.0;
		r->runs = runs;
		qsort(r->us, (size_t)runs, sizeof(*r->us), cmp_double);
		if (why)
			snprintf(r->why, sizeof(r->why), "%s", why);
	}
}

/* --- namespaces --- */

/* unshare(2) alone: the calling child gets the new namespace (a PID or
 * time one only for its children) and drops it again when it exits. */
static void once_unshare(struct rec *r, const void *arg)
{
	const struct nst_type *t = arg;
	int64_t t0 = now_ns();

	if (unshare(t->flag) < 0) {
		set_why(r, "unshare(%s)", t->clone);
		return;
	}
	r->ns[0] = now_ns() - t0;
	r->done = 1;
}

/* Nothing: the child exists only to be forked, exit and be waited for. */
static void once_nothing(struct rec *r, const void *arg)
{
	(void)arg;
	r->done = 1;
}

static void bench_namespaces(void)
{
	static const char *const fork_names[] = { "fork+exit" };
	char a[NAME_WIDTH + 1], b[NAME_WIDTH + 1];
	const char *names[] = { a, b };
	unsigned i;

	/* The baseline the fork+unshare+exit rows add to. */
	run_fresh(once_nothing, NULL, 0);
	collect(fork_names, 1);
	for (i = 0; i < nst_count && !stop; i++) {
		snprintf(a, sizeof(a), "unshare(%s)", nst_types[i].clone);
		snprintf(b, sizeof(b), "fork+unshare(%s)+exit",
			 nst_types[i].clone);
		run_fresh(once_unshare, &nst_types[i], 1);
		collect(names, 2);
	}
}

/* clone3(2) as minicontainer starts its init: the child is PID 1 of a
 * new PID namespace from its first instruction, and its exit ends it. */
static void bench_clone3(void)
{
	static const char *const names[] = { "clone3(CLONE_NEWPID)+exit" };
	int i, status;

	memset(shm, 0, (size_t)reps * sizeof(*shm));
	for (i = 0; i < reps && !stop; i++) {
		struct rec *r = &shm[i];
		int64_t t0 = now_ns();
		pid_t pid = ns_clone(CLONE_NEWPID, -1);

		if (pid == 0)
			_exit(0);
		if (pid < 0) {
			set_why(r, "clone3({.flags = CLONE_NEWPID})");
			break;
		}
		if (wait_child(pid, &status) < 0) {
			set_why(r, "waitpid(%d)", (int)pid);
			break;
		}
		r->ns[0] = now_ns() - t0;
		r->done = 1;
	}
	collect(names, 1);
}

/* --- the root switch and /proc --- */

/*
 * In a new mount namespace, made private so nothing reaches the host: a
 * tmpfs on /tmp as the new root, then pivot/pivot.c's steps.  The timed
 * part is pivot_root(".", ".") and umount2(".", MNT_DETACH): the old
 * root is stacked on the new one, so it needs no directory of its own,
 * and the lazy unmount takes every copied host mount with it.
 */
static void once_pivot(struct rec *r, const void *arg)
{
	int64_t t0;

	(void)arg;
	if (ns_unshare(CLONE_NEWNS) < 0) {
		set_why(r, "unshare(CLONE_NEWNS)");
		return;
	}
	if (ns_set_propagation(NS_PROP_PRIVATE) < 0) {
		set_why(r, "mount(NULL, \"/\", NULL, MS_REC | MS_PRIVATE)");
		return;
	}
	if (mount("tmpfs", "/tmp", "tmpfs", 0, "size=64k,mode=0755") < 0) {
		set_why(r, "mount(\"tmpfs\", \"/tmp\", \"tmpfs\")");
		return;
	}
	if (pivot_prepare("/tmp", NS_PROP_UNCHANGED) < 0) {
		set_why(r, "pivot_prepare(\"/tmp\")");
		return;
	}
	t0 = now_ns();
	if (pivot_switch() < 0) {
		set_why(r, "pivot_root(\".\", \".\")");
		return;
	}
	if (pivot_detach() < 0) {
		set_why(r, "umount2(\".\", MNT_DETACH)");
		return;
	}
	r->ns[0] = now_ns() - t0;
	r->done = 1;
}

/*
 * A procfs shows the PID namespace of the process that mounts it, and
 * unshare(CLONE_NEWPID) moves only the caller's children: so the mount
 * is made by the next child, PID 1 of the new namespace, over /proc of
 * a mount namespace that is private to it.
 */
static void once_proc(struct rec *r, const void *arg)
{
	int64_t t0;
	pid_t pid;
	int status;

	(void)arg;
	if (ns_unshare(CLONE_NEWNS | CLONE_NEWPID) < 0) {
		set_why(r, "unshare(CLONE_NEWNS | CLONE_NEWPID)");
		return;
	}
	if (ns_set_propagation(NS_PROP_PRIVATE) < 0) {
		set_why(r, "mount(NULL, \"/\", NULL, MS_REC | MS_PRIVATE)");
		return;
	}
	pid = fork();
	if (pid < 0) {
		set_why(r, "fork()");
		return;
	}
	if (pid == 0) {
		t0 = now_ns();
		if (ns_mount_proc("/proc") < 0) {
			set_why(r, "mount(\"proc\", \"/proc\", \"proc\")");
			_exit(1);
		}
		r->ns[0] = now_ns() - t0;
		r->done = 1;
		_exit(0);
	}
	if (wait_child(pid, &status) < 0)
		set_why(r, "waitpid(%d)", (int)pid);
	else
		ended(r, status);
}

static void bench_mounts(void)
{
	static const char *const pivot_names[] = {
		"pivot_root+umount2(MNT_DETACH)" };
	static const char *const proc_names[] = {
		"mount(proc) in a new PID ns" };

	run_fresh(once_pivot, NULL, -1);
	collect(pivot_names, 1);
	if (stop)
		return;
	run_fresh(once_proc, NULL, -1);
	collect(proc_names, 1);
}

/* --- cgroups --- */

/*
 * In this process, no child needed: the group is made under the
 * toolkit's subtree (cgroup-limit/cgroup.c, v2 or the v1 fallback), its
 * limits written, and it is removed again, each step timed apart.  The
 * subtree goes too when no other group is in it, so each repetition is
 * a first container's start.
 */
static void bench_cgroup(void)
{
	static const char *const names[] = {
		"cgroup: mkdir (cg_create)",
		"cgroup: memory 64M, pids 100",
		"cgroup: rmdir (cg_destroy)" };
	struct cg_limits l = { .memory = 64ULL << 20, .pids = 100 };
	struct cg_group g;
	char name[64];
	int64_t t[4];
	int i;

	memset(shm, 0, (size_t)reps * sizeof(*shm));
	if (cg_why[0]) {
		snprintf(shm[0].why, sizeof(shm[0].why), "%s", cg_why);
		collect(names, 3);
		return;
	}
	for (i = 0; i < reps && !stop; i++) {
		struct rec *r = &shm[i];

		snprintf(name, sizeof(name), "bench-%d-%d", (int)getpid(), i);
		t[0] = now_ns();
		if (cg_create(&g, &cg_host, name, &l) < 0) {
			set_why(r, "cg_create(\"%s\")", name);
			break;
		}
		t[1] = now_ns();
		if (cg_apply(&g, &l) < 0) {
			set_why(r, "cg_apply(\"%s\")", name);
			cg_destroy(&g);
			break;
		}
		t[2] = now_ns();
		if (cg_destroy(&g) < 0) {
			set_why(r, "cg_destroy(\"%s\")", name);
			break;
		}
		t[3] = now_ns();
		r->ns[0] = t[1] - t[0];
		r->ns[1] = t[2] - t[1];
		r->ns[2] = t[3] - t[2];
		r->done = 1;
	}
	collect(names, 3);
}

/* --- veth --- */

/* ip link add bench0 type veth peer name bench1, both ends born here,
 * so that the move is a step of its own. */
static int veth_pair(int nl)
{
	return nv_veth_add(nl, VETH_HOST, VETH_PEER, -1, 0);
}

/* ip link set bench1 netns FD: RTM_NEWLINK on an existing link, named
 * (ifi_index 0), with IFLA_NET_NS_FD. */
static int veth_move(int nl, int nsfd)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
	struct nl_req r;

	nl_init(&r, RTM_NEWLINK, 0, &ifi, sizeof(ifi));
	nl_addattr_str(&r.n, sizeof(r), IFLA_IFNAME, VETH_PEER);
	nl_addattr32(&r.n, sizeof(r), IFLA_NET_NS_FD, (uint32_t)nsfd);
	if (nl_talk(nl, &r.n, VETH_PEER " is in the other namespace") < 0)
		return rep_fail("RTM_NEWLINK \"%s\" IFLA_NET_NS_FD %d",
				VETH_PEER, nsfd);
	return 0;
}

/*
 * In a child: a scratch network namespace to work in, and a second one
 * to move the peer into (kept alive by its fd alone), so no link is ever
 * made on the host.  Then each repetition: create, move, delete (which
 * takes the peer in the other namespace with it).
 */
static void veth_loop(void)
{
	int i, back, other, nl;
	int64_t t[4];

	if (ns_unshare(CLONE_NEWNET) < 0) {
		set_why(&shm[0], "unshare(CLONE_NEWNET)");
		return;
	}
	back = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (back < 0) {
		set_why(&shm[0], "open(\"/proc/self/ns/net\")");
		return;
	}
	if (ns_unshare(CLONE_NEWNET) < 0) {
		set_why(&shm[0], "unshare(CLONE_NEWNET)");
		return;
	}
	other = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (other < 0) {
		set_why(&shm[0], "open(\"/proc/self/ns/net\")");
		return;
	}
	if (nv_ns_return(back) < 0) {
		set_why(&shm[0], "setns(back, CLONE_NEWNET)");
		return;
	}
	nl = nl_open();
	if (nl < 0) {
		set_why(&shm[0], "socket(AF_NETLINK, NETLINK_ROUTE)");
		return;
	}
	for (i = 0; i < reps && !stop; i++) {
		struct rec *r = &shm[i];

		t[0] = now_ns();
		if (veth_pair(nl) < 0) {
			set_why(r, "RTM_NEWLINK veth");
			return;
		}
		t[1] = now_ns();
		if (veth_move(nl, other) < 0) {
			set_why(r, "RTM_NEWLINK IFLA_NET_NS_FD");
			nv_link_del(VETH_HOST);
			return;
		}
		t[2] = now_ns();
		if (nv_link_del(VETH_HOST) < 0) {
			set_why(r, "RTM_DELLINK \"%s\"", VETH_HOST);
			return;
		}
		t[3] = now_ns();
		r->ns[0] = t[1] - t[0];
		r->ns[1] = t[2] - t[1];
		r->ns[2] = t[3] - t[2];
		r->done = 1;
	}
}

static void bench_veth(void)
{
	static const char *const names[] = {
		"veth: create pair",
		"veth: move peer to a netns",
		"veth: delete pair" };

	run_one_child(veth_loop);
	collect(names, 3);
}

/* --- seccomp and capabilities: one child each, a filter or a dropped
 * capability cannot be taken back --- */

/* The default filter as libseccomp builds it (sc_default()), then
 * loaded (seccomp_load(), which also compiles it to BPF). */
static void once_seccomp_build(struct rec *r, const void *arg)
{
	scmp_filter_ctx ctx;
	int64_t t[3];

	(void)arg;
	t[0] = now_ns();
	if (sc_default(&ctx) < 0) {
		set_why(r, "sc_default()");
		return;
	}
	t[1] = now_ns();
	if (sc_apply(ctx) < 0) {
		set_why(r, "seccomp_load()");
		seccomp_release(ctx);
		return;
	}
	t[2] = now_ns();
	seccomp_release(ctx);
	r->ns[0] = t[1] - t[0];
	r->ns[1] = t[2] - t[1];
	r->done = 1;
}

/* What minicontainer does: the BPF compiled at build time, loaded after
 * no_new_privs (set before the clock starts, as the container does). */
static void once_seccomp_default(struct rec *r, const void *arg)
{
	int64_t t0;

	(void)arg;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		set_why(r, "prctl(PR_SET_NO_NEW_PRIVS, 1)");
		return;
	}
	t0 = now_ns();
	if (sc_apply_default() < 0) {
		set_why(r, "seccomp(SECCOMP_SET_MODE_FILTER)");
		return;
	}
	r->ns[0] = now_ns() - t0;
	r->done = 1;
}

/* podman's default set, in minicontainer's order: the bounding set
 * first, while CAP_SETPCAP is still held, then the process's sets. */
static void once_caps(struct rec *r, const void *arg)
{
	uint64_t keep = caps_default();
	int64_t t[3];

	(void)arg;
	t[0] = now_ns();
	if (caps_drop_bounding(keep) < 0) {
		set_why(r, "prctl(PR_CAPBSET_DROP)");
		return;
	}
	t[1] = now_ns();
	if (caps_set(keep) < 0) {
		set_why(r, "cap_set_proc()");
		return;
	}
	t[2] = now_ns();
	r->ns[0] = t[1] - t[0];
	r->ns[1] = t[2] - t[1];
	r->done = 1;
}

static void bench_creds(void)
{
	static const char *const sc_names[] = {
		"seccomp: build (libseccomp)",
		"seccomp: load it (seccomp_load)" };
	static const char *const def_names[] = {
		"seccomp: load precompiled BPF" };
	static const char *const caps_names[] = {
		"caps: bounding set to default",
		"caps: capset to default" };

	run_fresh(once_seccomp_build, NULL, -1);
	collect(sc_names, 2);
	if (stop)
		return;
	run_fresh(once_seccomp_default, NULL, -1);
	collect(def_names, 1);
	if (stop)
		return;
	run_fresh(once_caps, NULL, -1);
	collect(caps_names, 2);
}

/* --- output --- */

/* bench/start.sh's ranks, so the two agree: the lower middle for the
 * median, nearest rank for p10 and p90. */
static double pct(const struct row *r, int idx)
{
	if (idx < 0)
		idx = 0;
	if (idx >= r->runs)
		idx = r->runs - 1;
	return r->us[idx];
}

static double median(const struct row *r)
{
	return pct(r, (r->runs + 1) / 2 - 1);
}

static double p10(const struct row *r)
{
	return pct(r, r->runs / 10);
}

static double p90(const struct row *r)
{
	return pct(r, r->runs * 9 / 10 - 1);
}

static const char *cg_mode(void)
{
	if (cg_why[0])
		return "none";
	if (cg_host.mode == CG_V2)
		return "v2";
	return cg_host.v2[0] ? "v1 (hybrid)" : "v1";
}

static void print_table(const char *kernel)
{
	int i;

	printf("kernel primitives, %d runs each (kernel %s, cgroup %s, "
	       "CLOCK_MONOTONIC)\n", reps, kernel, cg_mode());
	printf("%-*s %10s %10s %10s %6s\n", NAME_WIDTH, "primitive", "median",
	       "p10", "p90", "runs");
	for (i = 0; i < nrows; i++) {
		const struct row *r = &rows[i];

		if (!r->runs) {
			printf("%-*s unsupported: %s\n", NAME_WIDTH, r->name,
			       r->why);
			continue;
		}
		printf("%-*s %8.1fus %8.1fus %8.1fus %6d", NAME_WIDTH, r->name,
		       median(r), p10(r), p90(r), r->runs);
		if (r->why[0])
			printf("  failed then: %s", r->why);
		putchar('\n');
	}
	printf("\nunshare(X) is the call alone; fork+unshare(X)+exit is "
	       "fork to wait, the\nnamespace's teardown included (but a "
	       "network namespace is cleaned up\nlater, by a kernel "
	       "worker).\n");
}

static void print_json(const char *kernel)
{
	int i;

	printf("{\"runs\": %d, \"kernel\": ", reps);
	rep_json_str(stdout, kernel);
	printf(", \"cgroup\": ");
	rep_json_str(stdout, cg_mode());
	printf(", \"clock\": \"CLOCK_MONOTONIC\", \"primitives\": [");
	for (i = 0; i < nrows; i++) {
		const struct row *r = &rows[i];

		printf("%s\n  {\"primitive\": ", i ? "," : "");
		rep_json_str(stdout, r->name);
		if (!r->runs) {
			printf(", \"unsupported\": ");
			rep_json_str(stdout, r->why);
			printf("}");
			continue;
		}
		printf(", \"median_us\": %.1f, \"p10_us\": %.1f, "
		       "\"p90_us\": %.1f, \"runs\": %d", median(r), p10(r),
		       p90(r), r->runs);
		if (r->why[0]) {
			printf(", \"failed\": ");
			rep_json_str(stdout, r->why);
		}
		printf("}");
	}
	printf("\n]}\n");
}

static void usage(void)
{
	printf("Usage:\n"
	       " %s [options]\n\n"
	       "Time each kernel primitive of a container start on its own, "
	       "as root:\nunshare(2) of every namespace type, clone3(2) into "
	       "a new PID namespace,\npivot_root(2), mounting proc, a cgroup "
	       "with memory and pids limits, a veth\npair moved into another "
	       "network namespace, the default seccomp filter,\nthe "
	       "capability sets.  Prints the median, p10 and p90 in "
	       "microseconds.\nEverything is made in the children's own "
	       "namespaces; the cgroups are\nremoved again.\n\n"
	       "Options:\n"
	       " -n, --runs N      repetitions of each (default 200)\n"
	       "     --json        print one JSON object instead of the "
	       "table\n"
	       " -v, --verbose     narrate every step (slow: for seeing "
	       "what is timed)\n"
	       " -h, --help        display this help\n"
	       " -V, --version     display version\n",
	       rep_prog());
}

int main(int argc, char **argv)
{
	enum { OPT_JSON = 256 };
	static const struct option opts[] = {
		{ "runs", required_argument, NULL, 'n' },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct sigaction sa = { .sa_handler = on_signal,
				.sa_flags = SA_RESTART };
	struct utsname uts;
	int c, ret, json = 0, i;
	char *end;
	long n;

	rep_init(argv[0]);
	/* Only errors, unless -v: the figures are the output. */
	rep_level = REP_QUIET;
	while ((c = getopt_long(argc, argv, "+n:vhV", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			errno = 0;
			n = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || n < 1 ||
			    n > MAX_RUNS)
				return cli_usage_error("-n wants a number "
						       "from 1 to %d: %s",
						       MAX_RUNS, optarg);
			reps = (int)n;
			break;
		case OPT_JSON:
			json = 1;
			break;
		default:
			ret = cli_common_option(c, usage);
			if (ret != CLI_CONTINUE)
				return ret;
		}
	}
	if (optind < argc)
		return cli_usage_error("unexpected argument: %s", argv[optind]);
	if (geteuid() != 0) {
		rep_error("run as root: namespaces, mounts, cgroups and "
			  "netlink changes need it");
		return 1;
	}

	shm = mmap(NULL, (size_t)reps * sizeof(*shm), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shm == MAP_FAILED) {
		rep_fail("mmap(%zu bytes, MAP_SHARED)",
			 (size_t)reps * sizeof(*shm));
		return 1;
	}
	if (uname(&uts) < 0)
		snprintf(uts.release, sizeof(uts.release), "?");
	if (cg_detect(&cg_host) < 0)
		snprintf(cg_why, sizeof(cg_why), "no cgroup hierarchy to "
			 "create groups in (cg_detect)");

	/* A group is never left half made: ^C, or a reader of the output
	 * that goes away (SIGPIPE, under -v), ends the run between two
	 * repetitions. */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGPIPE, &sa, NULL);

	bench_namespaces();
	if (!stop)
		bench_clone3();
	if (!stop)
		bench_mounts();
	if (!stop)
		bench_cgroup();
	if (!stop)
		bench_veth();
	if (!stop)
		bench_creds();
	if (stop) {
		rep_error("interrupted by %s", strsignal(stop));
		return 128 + stop;
	}

	if (json)
		print_json(uts.release);
	else
		print_table(uts.release);
	ret = 0;
	for (i = 0; i < nrows; i++)
		if (rows[i].runs && rows[i].why[0])
			ret = 1;
	return ret;
}
