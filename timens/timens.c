/*
 * timens.c - time namespace offsets.
 *
 * Demonstrates: /proc/PID/timens_offsets, clock_gettime(2) in a time
 * namespace, setns(2) into one.  See time_namespaces(7), setns(2).
 *
 * A time namespace shifts CLOCK_MONOTONIC and CLOCK_BOOTTIME (and so
 * /proc/uptime) by fixed offsets; CLOCK_REALTIME is not virtualized.
 * unshare(CLONE_NEWTIME) does not move the caller: its children are born
 * into the new namespace, and the offsets must be written before the
 * first of them, after which the file can no longer be written.  (Since
 * Linux 5.17 an execve(2) by the caller also moves it in, and counts as
 * entering.)  Offsets count from the host's clocks, the initial time
 * namespace's, not from the parent namespace's: a new namespace starts
 * with a copy of its parent's offsets.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fileio.h"
#include "report.h"
#include "timens.h"

#define NSEC_PER_SEC 1000000000L

int tns_parse_offset(const char *s, struct tns_offset *o)
{
	const char *p = s;
	int neg = 0, digits = 0;
	int64_t sec = 0;
	long nsec = 0, scale = NSEC_PER_SEC / 10;

	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	for (; *p >= '0' && *p <= '9'; p++, digits++) {
		/* Offsets are bounded far below this by the kernel. */
		if (sec > (INT64_MAX - 9) / 10) {
			errno = ERANGE;
			return -1;
		}
		sec = sec * 10 + (*p - '0');
	}
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++, digits++) {
			if (scale == 0) {	/* past nanoseconds */
				errno = EINVAL;
				return -1;
			}
			nsec += (*p - '0') * scale;
			scale /= 10;
		}
	}
	if (*p || digits == 0) {
		errno = EINVAL;
		return -1;
	}
	/* -1.5 s is stored as -2 s + 500000000 ns, as the kernel wants. */
	if (neg) {
		sec = -sec;
		if (nsec) {
			sec -= 1;
			nsec = NSEC_PER_SEC - nsec;
		}
	}
	o->set = 1;
	o->sec = sec;
	o->nsec = nsec;
	return 0;
}

int tns_parse_offsets(const char *text, struct tns_offsets *o)
{
	const char *p = text;
	int found = 0;

	while (*p) {
		char clock[16], *end;
		struct tns_offset *which;
		long long sec;
		long nsec;
		int n = 0;

		if (sscanf(p, " %15s%n", clock, &n) != 1)
			break;		/* only blanks left */
		p += n;
		if (!strcmp(clock, "monotonic") || !strcmp(clock, "1"))
			which = &o->monotonic;
		else if (!strcmp(clock, "boottime") || !strcmp(clock, "7"))
			which = &o->boottime;
		else
			goto out_inval;
		errno = 0;
		sec = strtoll(p, &end, 10);
		if (end == p || errno || (*end != ' ' && *end != '\t'))
			goto out_inval;
		p = end;
		nsec = strtol(p, &end, 10);
		if (end == p || errno || nsec < 0 || nsec >= NSEC_PER_SEC ||
		    (*end && *end != '\n'))
			goto out_inval;
		p = *end ? end + 1 : end;
		which->set = 1;
		which->sec = sec;
		which->nsec = nsec;
		found++;
	}
	if (found)
		return 0;
out_inval:
	errno = EINVAL;
	return -1;
}

const char *tns_offset_str(const struct tns_offset *o, char *buf,
			   size_t size)
{
	/* sec -2, nsec 500000000 is -1.5 s: print the magnitude's parts. */
	if (o->sec < 0 && o->nsec)
		snprintf(buf, size, "-%" PRId64 ".%09ld", -(o->sec + 1),
			 NSEC_PER_SEC - o->nsec);
	else if (o->sec < 0)
		snprintf(buf, size, "-%" PRIu64 ".000000000",
			 (uint64_t)0 - (uint64_t)o->sec);
	else
		snprintf(buf, size, "%" PRId64 ".%09ld", o->sec, o->nsec);
	return buf;
}

int64_t tns_offset_ns(const struct tns_offset *o)
{
	/* -2 s + 500000000 ns as -1 s - 500000000 ns: the seconds times
	 * 10^9 stay in range down to INT64_MIN, so every offset
	 * tns_offset_from_ns() makes comes back exact. */
	if (o->sec < 0 && o->nsec)
		return (o->sec + 1) * NSEC_PER_SEC - (NSEC_PER_SEC - o->nsec);
	return o->sec * NSEC_PER_SEC + o->nsec;
}

void tns_offset_from_ns(int64_t ns, struct tns_offset *o)
{
	o->set = 1;
	o->sec = ns / NSEC_PER_SEC;
	o->nsec = (long)(ns % NSEC_PER_SEC);
	if (o->nsec < 0) {
		o->sec -= 1;
		o->nsec += NSEC_PER_SEC;
	}
}

int64_t tns_ts_diff_ns(const struct timespec *a, const struct timespec *b)
{
	return ((int64_t)a->tv_sec - b->tv_sec) * NSEC_PER_SEC +
	       (a->tv_nsec - b->tv_nsec);
}

int64_t tns_restore_offset_ns(const struct timespec *saved,
			      const struct timespec *now,
			      const struct tns_offset *cur)
{
	return tns_ts_diff_ns(saved, now) + tns_offset_ns(cur);
}

static int write_one(int procfd, const char *clock, const struct tns_offset *o)
{
	char line[80];

	if (!o->set)
		return 0;
	snprintf(line, sizeof(line), "%s %" PRId64 " %ld", clock, o->sec,
		 o->nsec);
	if (file_write_at(procfd, "timens_offsets", line) < 0)
		return rep_fail_hint(errno == EACCES ?
				     "offsets can only be written after "
				     "unshare(CLONE_NEWTIME) and before the "
				     "first process enters the new namespace "
				     "(by fork() or execve())" :
				     errno == EPERM ?
				     "writing offsets needs CAP_SYS_TIME in "
				     "the namespace's user namespace" :
				     errno == ERANGE ?
				     "the host's clock plus the offset must "
				     "stay between 0 and about 146 years: a "
				     "negative offset may not exceed the "
				     "host's uptime" :
				     NULL,
				     "write(\"/proc/self/timens_offsets\", "
				     "\"%s\")", line);
	rep_step(0, "children born into this time namespace see the shift",
		 "write(\"/proc/self/timens_offsets\", \"%s\")", line);
	return 0;
}

int tns_write_offsets(const struct tns_offsets *o)
{
	int procfd = open("/proc/self", O_PATH | O_DIRECTORY | O_CLOEXEC);
	int ret;

	if (procfd < 0)
		return rep_fail("open(\"/proc/self\")");
	ret = write_one(procfd, "monotonic", &o->monotonic);
	if (ret == 0)
		ret = write_one(procfd, "boottime", &o->boottime);
	close(procfd);
	return ret;
}

int tns_read_offsets(pid_t pid, struct tns_offsets *o)
{
	char path[64], text[256];

	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/timens_offsets",
			 (int)pid);
	else
		snprintf(path, sizeof(path), "/proc/self/timens_offsets");
	memset(o, 0, sizeof(*o));
	if (file_read_at(AT_FDCWD, path, text, sizeof(text)) < 0)
		return rep_fail("read(\"%s\")", path);
	if (tns_parse_offsets(text, o) < 0)
		return rep_fail_hint("a zombie's file is empty: the process "
				     "has exited", "parse(\"%s\")", path);
	return 0;
}

void tns_read_clocks(struct tns_clocks *c)
{
	char buf[64];

	memset(c, 0, sizeof(*c));
	/* The vDSO answers these without a syscall, with this namespace's
	 * offsets added: the kernel gives each time namespace its own
	 * copy of the vDSO data page. */
	clock_gettime(CLOCK_MONOTONIC, &c->monotonic);
	clock_gettime(CLOCK_BOOTTIME, &c->boottime);
	clock_gettime(CLOCK_REALTIME, &c->realtime);
	c->uptime = -1;
	if (file_read_at(AT_FDCWD, "/proc/uptime", buf, sizeof(buf)) > 0)
		c->uptime = strtod(buf, NULL);
}

int tns_open_ns(pid_t pid)
{
	char path[64];
	int fd, err;

	snprintf(path, sizeof(path), "/proc/%d/ns/time", (int)pid);
	/*
	 * The nsfs file is the namespace's handle.  Opening it needs
	 * PTRACE_MODE_READ access to the process (ptrace(2)): the same
	 * user, or CAP_SYS_PTRACE.  A zombie has dropped its namespaces.
	 */
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0)
		return fd;
	err = errno;
	snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	if (err == ENOENT && access(path, F_OK) < 0)
		rep_error("no process with PID %d", (int)pid);
	else if (err == ENOENT)
		rep_error("process %d has exited (a zombie keeps its PID but "
			  "no namespaces)", (int)pid);
	else
		rep_fail_hint(err == EACCES ?
			      "opening another process's namespace needs "
			      "ptrace access to it: the same user, or "
			      "CAP_SYS_PTRACE" :
			      NULL, "open(\"/proc/%d/ns/time\")", (int)pid);
	errno = err;
	return -1;
}

int tns_setns(int fd, pid_t pid)
{
	/*
	 * Unlike unshare(CLONE_NEWTIME), setns(2) moves the caller itself:
	 * the kernel switches its time namespace and its time_for_children,
	 * and maps the namespace's vDSO page into it, so its very next
	 * clock_gettime() reads the shifted clocks.  It needs CAP_SYS_ADMIN
	 * over the namespace, and a single-threaded caller (EUSERS).
	 */
	if (setns(fd, CLONE_NEWTIME) < 0)
		return rep_fail_hint(errno == EPERM ?
				     "entering a time namespace needs "
				     "CAP_SYS_ADMIN in its user namespace: "
				     "run as root" : NULL,
				     "setns(fd of /proc/%d/ns/time, "
				     "CLONE_NEWTIME)", (int)pid);
	rep_step(0, "this process now reads that namespace's clocks",
		 "setns(fd of /proc/%d/ns/time, CLONE_NEWTIME)", (int)pid);
	return 0;
}
