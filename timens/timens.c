/*
 * timens.c - time namespace offsets.
 *
 * Demonstrates: /proc/PID/timens_offsets.  See time_namespaces(7).
 *
 * A time namespace shifts CLOCK_MONOTONIC and CLOCK_BOOTTIME (and so
 * /proc/uptime) by fixed offsets; CLOCK_REALTIME is not virtualized.
 * unshare(CLONE_NEWTIME) does not move the caller: its children are born
 * into the new namespace, and the offsets must be written before the
 * first of them, after which the file can no longer be written.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
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

static int write_one(int procfd, const char *clock, const struct tns_offset *o)
{
	char line[80];

	if (!o->set)
		return 0;
	snprintf(line, sizeof(line), "%s %" PRId64 " %ld", clock, o->sec,
		 o->nsec);
	if (file_write_at(procfd, "timens_offsets", line) < 0)
		return rep_fail_hint(errno == EACCES ?
				     "offsets can only be written before the "
				     "first process enters the namespace" :
				     errno == ERANGE ?
				     "the offset would take the clock out of "
				     "range (below zero, or too far ahead)" :
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
