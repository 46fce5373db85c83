/*
 * timens - run a program in a new time namespace whose CLOCK_MONOTONIC
 * and CLOCK_BOOTTIME are shifted by offsets, or in the time namespace of
 * a running process, and show the clocks inside and out.  Options follow
 * util-linux unshare(1) (--monotonic, --boottime) and nsenter(1) (-t).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "ns.h"
#include "nstable.h"
#include "report.h"
#include "timens.h"

enum { OPT_MONOTONIC = 256, OPT_BOOTTIME, OPT_CLOCKS, OPT_CONTRAST,
       OPT_JSON };

static const char *const contrast_names = "too-late, freeze";

/* How long the freeze demo keeps its process "checkpointed". */
#define FREEZE_SECONDS 2

static void usage(void)
{
	printf("Usage:\n"
	       " %s [options] [--] [program [argument...]]\n\n"
	       "Run a program (default: $SHELL or /bin/sh) in a new time "
	       "namespace, or in\nthat of a running process, and show on "
	       "stderr its clocks inside and out.\n\n"
	       "Options:\n"
	       "     --monotonic SECS   CLOCK_MONOTONIC offset in the new "
	       "namespace\n"
	       "     --boottime SECS    CLOCK_BOOTTIME (and /proc/uptime) "
	       "offset\n"
	       "                        SECS: [-]SECONDS[.FRACTION], from the "
	       "host's clock\n"
	       " -t, --target PID       enter the time namespace of process "
	       "PID (setns)\n"
	       "     --clocks           run no program: print the clocks the "
	       "namespace\n"
	       "                        gives its processes on stdout\n"
	       "     --contrast DEMO    show a classic mistake next to its "
	       "fix:\n"
	       "                        %s\n"
	       "     --json             print the evidence as JSON on stderr\n"
	       " -q, --quiet            show no evidence, only errors\n"
	       " -v, --verbose          narrate each kernel-changing step\n"
	       " -h, --help             display this help\n"
	       " -V, --version          display version\n",
	       rep_prog(), contrast_names);
}

struct opts {
	struct tns_offsets offsets;
	pid_t target;		/* 0: a new namespace */
	int clocks;
	int json;
};

/* What one process sees: its time namespaces and its clocks. */
struct view {
	pid_t pid;
	uint64_t time, for_children;	/* /proc/self/ns/time{,_for_children} */
	struct tns_clocks clocks;
};

/* Measure the calling process now. */
static void look(struct view *v)
{
	v->pid = getpid();
	v->time = v->for_children = 0;
	nst_inode(0, "time", &v->time);
	nst_inode(0, "time_for_children", &v->for_children);
	tns_read_clocks(&v->clocks);
}

/* Everything the evidence compares, gathered by timens then its child. */
struct evidence {
	struct view outside;	/* timens before the namespace step */
	struct view parent;	/* timens after it */
	struct view inside;	/* the child, about to run the program */
	struct tns_offsets offsets;
	pid_t target;
	uint64_t target_time, target_for_children;
};

static int run_contrast(const char *name);

static int parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "monotonic", required_argument, NULL, OPT_MONOTONIC },
		{ "boottime", required_argument, NULL, OPT_BOOTTIME },
		{ "target", required_argument, NULL, 't' },
		{ "clocks", no_argument, NULL, OPT_CLOCKS },
		{ "contrast", required_argument, NULL, OPT_CONTRAST },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	long pid;
	int c, ret;

	while ((c = getopt_long(argc, argv, "+t:qvhV", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_MONOTONIC:
		case OPT_BOOTTIME:
			if (tns_parse_offset(optarg, c == OPT_MONOTONIC ?
					     &o->offsets.monotonic :
					     &o->offsets.boottime) < 0)
				return cli_usage_error("invalid offset '%s': "
						       "expected "
						       "[-]SECONDS[.FRACTION]",
						       optarg);
			break;
		case 't':
			errno = 0;
			pid = strtol(optarg, &end, 10);
			if (!*optarg || *end || errno || pid <= 0 ||
			    pid > INT_MAX)
				return cli_usage_error("invalid PID '%s'",
						       optarg);
			o->target = (pid_t)pid;
			break;
		case OPT_CLOCKS:
			o->clocks = 1;
			break;
		case OPT_CONTRAST:
			ret = run_contrast(optarg);
			if (ret == 2)
				return cli_usage_error("unknown contrast demo: "
						       "%s (one of: %s)",
						       optarg, contrast_names);
			return ret;
		case OPT_JSON:
			o->json = 1;
			break;
		default:
			ret = cli_common_option(c, usage);
			if (ret != CLI_CONTINUE)
				return ret;
		}
	}
	if (o->target && (o->offsets.monotonic.set || o->offsets.boottime.set))
		return cli_usage_error("--target joins a namespace whose "
				       "offsets are already fixed: no "
				       "--monotonic or --boottime with it");
	if (o->clocks && optind < argc)
		return cli_usage_error("--clocks runs no program, but '%s' was "
				       "given", argv[optind]);
	return CLI_CONTINUE;
}

/* A difference in ns as seconds: "-1.000000000", "+1.000000000" if plus
 * (JSON takes no "+"). */
static const char *secs_str(int64_t ns, int plus, char *buf, size_t size)
{
	struct tns_offset o;
	int sign = plus && ns >= 0;

	tns_offset_from_ns(ns, &o);
	buf[0] = '+';
	tns_offset_str(&o, buf + sign, size - (size_t)sign);
	return buf;
}

static const char *ts_str(const struct timespec *t, char *buf, size_t size)
{
	snprintf(buf, size, "%lld.%09ld", (long long)t->tv_sec, t->tv_nsec);
	return buf;
}

static void clock_line(const char *name, const struct timespec *out,
		       const struct timespec *in, const char *note)
{
	char a[32], b[32], d[32];

	rep_evidence("%-16s outside %s  inside %s  (%s s)%s", name,
		     ts_str(out, a, sizeof(a)), ts_str(in, b, sizeof(b)),
		     secs_str(tns_ts_diff_ns(in, out), 1, d, sizeof(d)), note);
}

static void json_clock(const char *name, const struct timespec *out,
		       const struct timespec *in)
{
	char a[32], b[32], d[32];

	fprintf(stderr, "\"%s\": {\"outside\": %s, \"inside\": %s, "
		"\"shift\": %s}, ", name, ts_str(out, a, sizeof(a)),
		ts_str(in, b, sizeof(b)),
		secs_str(tns_ts_diff_ns(in, out), 0, d, sizeof(d)));
}

static void report_json(const struct evidence *e)
{
	const struct tns_clocks *o = &e->outside.clocks, *i = &e->inside.clocks;
	char m[32], b[32];

	fprintf(stderr, "{\"pid\": %d, ", (int)e->inside.pid);
	if (e->target)
		fprintf(stderr, "\"target\": %d, \"target_time\": %llu, ",
			(int)e->target, (unsigned long long)e->target_time);
	else
		fprintf(stderr, "\"target\": null, ");
	fprintf(stderr, "\"time\": {\"before\": %llu, \"after\": %llu, "
		"\"timens\": %llu, \"timens_for_children\": %llu, "
		"\"entered\": %s}, ",
		(unsigned long long)e->outside.time,
		(unsigned long long)e->inside.time,
		(unsigned long long)e->parent.time,
		(unsigned long long)e->parent.for_children,
		e->inside.time != e->outside.time ? "true" : "false");
	fprintf(stderr, "\"offsets\": {\"monotonic\": %s, \"boottime\": %s}, ",
		tns_offset_str(&e->offsets.monotonic, m, sizeof(m)),
		tns_offset_str(&e->offsets.boottime, b, sizeof(b)));
	fprintf(stderr, "\"clocks\": {");
	json_clock("monotonic", &o->monotonic, &i->monotonic);
	json_clock("boottime", &o->boottime, &i->boottime);
	json_clock("realtime", &o->realtime, &i->realtime);
	fprintf(stderr, "\"uptime\": {\"outside\": %.2f, \"inside\": %.2f}}}\n",
		o->uptime, i->uptime);
}

/* In the child, just before the program: what changed, and what not. */
static void report(const struct evidence *e, int json)
{
	const struct tns_clocks *o = &e->outside.clocks, *i = &e->inside.clocks;
	unsigned long long before = e->outside.time, after = e->inside.time;
	char m[32], b[32];

	if (rep_level < REP_EVIDENCE)
		return;
	if (json) {
		report_json(e);
		return;
	}
	if (e->target) {
		if (before == after)
			rep_evidence("time:[%llu]: timens was already there; "
				     "setns() changed nothing", after);
		else
			rep_evidence("time:[%llu] -> time:[%llu]: setns() "
				     "moved timens (PID %d) itself at once: "
				     "its time and time_for_children are now "
				     "time:[%llu] and time:[%llu]", before,
				     after, (int)e->parent.pid,
				     (unsigned long long)e->parent.time,
				     (unsigned long long)
				     e->parent.for_children);
	} else {
		rep_evidence("time:[%llu] -> time:[%llu]: the program runs in "
			     "the new time namespace", before, after);
		rep_evidence("unshare() moved only the children: timens (PID "
			     "%d) is still in time:[%llu]; its "
			     "time_for_children is time:[%llu]",
			     (int)e->parent.pid,
			     (unsigned long long)e->parent.time,
			     (unsigned long long)e->parent.for_children);
		rep_evidence("offsets (/proc/self/timens_offsets, from the "
			     "host's clocks): monotonic %s s, boottime %s s",
			     tns_offset_str(&e->offsets.monotonic, m,
					    sizeof(m)),
			     tns_offset_str(&e->offsets.boottime, b,
					    sizeof(b)));
	}
	clock_line("CLOCK_MONOTONIC", &o->monotonic, &i->monotonic, "");
	clock_line("CLOCK_BOOTTIME", &o->boottime, &i->boottime, "");
	rep_evidence("%-16s outside %.2f  inside %.2f", "/proc/uptime",
		     o->uptime, i->uptime);
	clock_line("CLOCK_REALTIME", &o->realtime, &i->realtime,
		   ": NOT virtualized, one wall clock for every namespace");
}

/* --clocks: the child's own readings, on stdout, one clock a line. */
static void print_clocks(const struct tns_clocks *c)
{
	char buf[32];

	printf("monotonic %s\n", ts_str(&c->monotonic, buf, sizeof(buf)));
	printf("boottime %s\n", ts_str(&c->boottime, buf, sizeof(buf)));
	printf("realtime %s\n", ts_str(&c->realtime, buf, sizeof(buf)));
}

/* What the target's files say, before we enter (text evidence only). */
static void report_target(const struct evidence *e)
{
	char m[32], b[32];

	rep_evidence("process %d is in time:[%llu]; /proc/%d/timens_offsets: "
		     "monotonic %s s, boottime %s s", (int)e->target,
		     (unsigned long long)e->target_time, (int)e->target,
		     tns_offset_str(&e->offsets.monotonic, m, sizeof(m)),
		     tns_offset_str(&e->offsets.boottime, b, sizeof(b)));
	if (e->target_for_children != e->target_time)
		rep_evidence("note: process %d has unshared time:[%llu] for "
			     "its children; that file shows the offsets of "
			     "that one", (int)e->target,
			     (unsigned long long)e->target_for_children);
}

/* Open, inspect, enter: the target's time namespace becomes ours. */
static int join(const struct opts *o, struct evidence *e)
{
	int fd = tns_open_ns(o->target), ret;

	if (fd < 0)
		return -1;
	e->target = o->target;
	nst_inode(o->target, "time", &e->target_time);
	nst_inode(o->target, "time_for_children", &e->target_for_children);
	ret = tns_read_offsets(o->target, &e->offsets);
	if (ret == 0) {
		if (!o->json)
			report_target(e);
		ret = tns_setns(fd, o->target);
	}
	close(fd);
	return ret;
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };
	struct evidence e = { 0 };
	char **cmd;
	int ret;

	rep_init(argv[0]);
	ret = parse_args(argc, argv, &o);
	if (ret != CLI_CONTINUE)
		return ret;
	cmd = cli_command_or_shell(argc, argv, optind);
	if (!o.clocks) {
		ret = cli_check_program(NULL, cmd[0]);
		if (ret)
			return ret;
	}

	look(&e.outside);
	if (o.target) {
		if (join(&o, &e) < 0)
			return 1;
	} else {
		/*
		 * Rule 1: offsets go in between unshare() and the first
		 * process that enters, which is the child forked below.
		 */
		if (ns_unshare(CLONE_NEWTIME) < 0)
			return 1;
		if ((o.offsets.monotonic.set || o.offsets.boottime.set) &&
		    tns_write_offsets(&o.offsets) < 0)
			return 1;
		if (tns_read_offsets(0, &e.offsets) < 0)
			return 1;
	}
	look(&e.parent);
	/* unshare() left timens's clocks alone: read them last, nearest the
	 * child's reading.  setns() did not: keep those from before it. */
	if (!o.target)
		e.outside.clocks = e.parent.clocks;

	/* Rule 2: the new namespace is for children: fork to enter it. */
	ret = cli_fork_wait(0);
	if (ret != CLI_IN_CHILD)
		return ret;
	look(&e.inside);
	report(&e, o.json);
	if (o.clocks) {
		print_clocks(&e.inside.clocks);
		return fflush(stdout) == 0 ? 0 : 1;
	}
	fflush(NULL);
	execvp(cmd[0], cmd);
	rep_fail("execvp(\"%s\")", cmd[0]);
	return cli_exec_failure_code(errno);
}

/* --- contrasts: each in processes and namespaces made and discarded --- */

/* Run fn in a child that dies with us; its exit code. */
static int in_child(int (*fn)(void *), void *arg)
{
	int ret = cli_fork_wait(SIGKILL);

	if (ret == CLI_IN_CHILD)
		_exit(fn(arg));
	return ret;
}

struct probe {
	const char *label;
	double host_uptime;	/* the demo's own, outside the namespace */
};

/* A process of the namespace: its /proc/uptime is the evidence. */
static int show_uptime(void *arg)
{
	const struct probe *p = arg;
	struct view v;

	look(&v);
	rep_evidence("%s PID %d in time:[%llu] reads /proc/uptime %.2f "
		     "(outside: %.2f)", p->label, (int)v.pid,
		     (unsigned long long)v.time, v.clocks.uptime,
		     p->host_uptime);
	return 0;
}

static const struct tns_offsets one_day = { .boottime = { 1, 86400, 0 } };

/* unshare, fork, and only then write: the kernel has frozen the offsets. */
static int too_late(void *arg)
{
	struct probe first = { "       first child:", 0 };
	struct probe later = { "       the offsets stay as they were:", 0 };
	struct tns_clocks c;

	(void)arg;
	if (ns_unshare(CLONE_NEWTIME) < 0)
		return 1;
	rep_evidence("WRONG: unshare(CLONE_NEWTIME), fork(), then write the "
		     "offsets:");
	tns_read_clocks(&c);
	first.host_uptime = c.uptime;
	if (in_child(show_uptime, &first) != 0)
		return 1;
	if (tns_write_offsets(&one_day) == 0 || errno != EACCES) {
		rep_evidence("       the write did not fail with EACCES");
		return 1;
	}
	tns_read_clocks(&c);
	later.host_uptime = c.uptime;
	return in_child(show_uptime, &later);
}

/* unshare, write, then fork: the child is born with the offsets. */
static int in_time(void *arg)
{
	struct probe first = { "       first child:", 0 };
	struct tns_clocks c;

	(void)arg;
	if (ns_unshare(CLONE_NEWTIME) < 0 || tns_write_offsets(&one_day) < 0)
		return 1;
	rep_evidence("RIGHT: unshare(CLONE_NEWTIME), write the offsets, then "
		     "fork():");
	tns_read_clocks(&c);
	first.host_uptime = c.uptime;
	return in_child(show_uptime, &first);
}

struct restore {
	struct timespec saved;	/* the checkpointed process's reading */
	struct tns_offset offset;	/* the restorer's; unset: none */
};

/* The restored process: it carries on from its saved state. */
static int restored(void *arg)
{
	struct restore *r = arg;
	struct timespec now;
	char d[32], t[32], off[32];
	uint64_t ns = 0;

	clock_gettime(CLOCK_MONOTONIC, &now);
	nst_inode(0, "time", &ns);
	secs_str(tns_ts_diff_ns(&now, &r->saved), 1, d, sizeof(d));
	ts_str(&now, t, sizeof(t));
	if (!r->offset.set)
		rep_evidence("WRONG: restored without a time namespace: PID %d "
			     "reads CLOCK_MONOTONIC %s: it jumped %s s across "
			     "the freeze", (int)getpid(), t, d);
	else
		rep_evidence("RIGHT: restored in time:[%llu] with a monotonic "
			     "offset of %s s chosen at restore time: PID %d "
			     "reads CLOCK_MONOTONIC %s: it moved %s s",
			     (unsigned long long)ns,
			     tns_offset_str(&r->offset, off, sizeof(off)),
			     (int)getpid(), t, d);
	return 0;
}

/* What a restorer such as CRIU does: offset = saved - now (+ own). */
static int restore_in_timens(void *arg)
{
	struct restore *r = arg;
	struct tns_offsets cur, o = { 0 };
	struct timespec now;

	if (ns_unshare(CLONE_NEWTIME) < 0 || tns_read_offsets(0, &cur) < 0)
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &now);
	tns_offset_from_ns(tns_restore_offset_ns(&r->saved, &now,
						 &cur.monotonic),
			   &o.monotonic);
	if (tns_write_offsets(&o) < 0)
		return 1;
	r->offset = o.monotonic;
	return in_child(restored, r);
}

/* The original process records its clock as its state and is killed. */
static int checkpoint(struct timespec *saved)
{
	int fds[2];
	ssize_t n;
	pid_t pid;
	char t[32];

	if (pipe2(fds, O_CLOEXEC) < 0)
		return rep_fail("pipe2()");
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return rep_fail("fork()");
	}
	if (pid == 0) {
		struct timespec now;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (write(fds[1], &now, sizeof(now)) == sizeof(now))
			pause();
		_exit(1);
	}
	close(fds[1]);
	n = read(fds[0], saved, sizeof(*saved));
	close(fds[0]);
	kill(pid, SIGKILL);
	cli_wait(pid);
	if (n != (ssize_t)sizeof(*saved)) {
		rep_error("the checkpointed process saved no state");
		return -1;
	}
	rep_evidence("checkpoint: PID %d saved its state (CLOCK_MONOTONIC %s) "
		     "and was killed; frozen for %d s", (int)pid,
		     ts_str(saved, t, sizeof(t)), FREEZE_SECONDS);
	return 0;
}

static int freeze(void)
{
	struct timespec pause_for = { FREEZE_SECONDS, 0 };
	struct restore r = { 0 };

	if (checkpoint(&r.saved) < 0)
		return 1;
	while (clock_nanosleep(CLOCK_MONOTONIC, 0, &pause_for,
			       &pause_for) == EINTR)
		;	/* interrupted: sleep the rest */
	if (in_child(restored, &r) != 0)
		return 1;
	return in_child(restore_in_timens, &r) ? 1 : 0;
}

static int run_contrast(const char *name)
{
	if (strcmp(name, "too-late") == 0)
		return in_child(too_late, NULL) || in_child(in_time, NULL);
	if (strcmp(name, "freeze") == 0)
		return freeze();
	return 2;
}
