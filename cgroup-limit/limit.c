/*
 * limit.c - parsing limits from friendly units (cgroup-v2.rst formats).
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "limit.h"

int cg_parse_size(const char *s, int allow_max, uint64_t *bytes)
{
	static const char units[] = "KMGT";
	const char *u;
	long double v, mult = 1;
	char *end;

	if (allow_max && strcmp(s, "max") == 0) {
		*bytes = CG_MAX;
		return 0;
	}
	/* Digits and one optional fraction: no signs, no exponents. */
	if (!isdigit((unsigned char)*s))
		goto bad;
	errno = 0;
	v = strtold(s, &end);
	if (errno || end == s)
		goto bad;
	for (const char *p = s; p < end; p++)
		if (!isdigit((unsigned char)*p) && *p != '.')
			goto bad;
	if (*end) {
		u = strchr(units, toupper((unsigned char)*end));
		if (!u || !*u)
			goto bad;
		mult = (long double)(1ULL << (10 * (u - units + 1)));
		end++;
		if (*end == 'i' && end[1] == 'B')	/* "MiB" */
			end += 2;
		else if (toupper((unsigned char)*end) == 'B')
			end++;
		if (*end)
			goto bad;
	}
	v *= mult;
	if (v >= 18446744073709551615.0L) {
		errno = ERANGE;
		return -1;
	}
	*bytes = (uint64_t)v;
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

int cg_parse_cpus(const char *s, long ncpu, uint64_t period_us,
		  uint64_t *quota_us)
{
	long double v;
	char *end;

	if (!isdigit((unsigned char)*s) && *s != '.')
		goto bad;
	errno = 0;
	v = strtold(s, &end);
	if (errno || *end || end == s)
		goto bad;
	for (const char *p = s; *p; p++)
		if (!isdigit((unsigned char)*p) && *p != '.')
			goto bad;
	if (v <= 0 || v > ncpu) {
		errno = ERANGE;
		return -1;
	}
	*quota_us = (uint64_t)(v * period_us + 0.5L);
	/* The kernel's floor for a quota is 1 ms. */
	if (*quota_us < 1000) {
		errno = ERANGE;
		return -1;
	}
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

static int parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (!isdigit((unsigned char)*s)) {
		errno = EINVAL;
		return -1;
	}
	errno = 0;
	*v = strtoull(s, &end, 10);
	if (errno || *end) {
		errno = errno ? errno : EINVAL;
		return -1;
	}
	return 0;
}

int cg_parse_weight(const char *s, unsigned *weight)
{
	uint64_t v;

	if (parse_u64(s, &v) < 0)
		return -1;
	if (v < 1 || v > 10000) {
		errno = ERANGE;
		return -1;
	}
	*weight = (unsigned)v;
	return 0;
}

int cg_parse_pids(const char *s, uint64_t *pids)
{
	if (strcmp(s, "max") == 0) {
		*pids = CG_MAX;
		return 0;
	}
	if (parse_u64(s, pids) < 0)
		return -1;
	if (*pids < 1 || *pids > 4194304) {
		errno = ERANGE;
		return -1;
	}
	return 0;
}

int cg_parse_io(const char *s, int iops, dev_t *dev, uint64_t *rate)
{
	const char *colon = strrchr(s, ':');
	char devs[256];
	unsigned maj, min;
	struct stat st;
	int n;

	if (!colon || colon == s || (size_t)(colon - s) >= sizeof(devs))
		goto bad;
	snprintf(devs, sizeof(devs), "%.*s", (int)(colon - s), s);
	/* "8:0:1M" splits at the last colon: the device is "8:0". */
	if (devs[0] != '/' && sscanf(devs, "%u:%u%n", &maj, &min, &n) == 2 &&
	    devs[n] == '\0') {
		*dev = makedev(maj, min);
	} else if (devs[0] == '/') {
		if (stat(devs, &st) < 0)
			return -1;
		if (!S_ISBLK(st.st_mode)) {
			errno = ENOTBLK;
			return -1;
		}
		*dev = st.st_rdev;
	} else {
		goto bad;
	}
	if (iops ? parse_u64(colon + 1, rate) : cg_parse_size(colon + 1, 0,
							       rate))
		return -1;
	if (*rate == 0)
		goto bad;
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

int cg_parse_cpulist(const char *s, long max)
{
	const char *p = s;

	if (!*s)
		goto bad;
	while (*p) {
		char *end;
		unsigned long a, b;

		if (!isdigit((unsigned char)*p))
			goto bad;
		errno = 0;
		a = strtoul(p, &end, 10);
		b = a;
		if (*end == '-') {
			if (!isdigit((unsigned char)end[1]))
				goto bad;
			b = strtoul(end + 1, &end, 10);
		}
		if (b < a)
			goto bad;
		/* Past ULONG_MAX, strtoul says ERANGE and the number it
		 * gives, cast to long, would pass as -1. */
		if (errno == ERANGE || max <= 0 || b >= (unsigned long)max) {
			errno = ERANGE;
			return -1;
		}
		if (*end == ',' && end[1])
			end++;
		else if (*end)
			goto bad;
		p = end;
	}
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

int cg_check_name(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > 64 || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		goto bad;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("._-", s[i]))
			goto bad;
	/* cgroup v2 reserves names that look like interface files. */
	if (strncmp(s, "cgroup.", 7) == 0)
		goto bad;
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

const char *cg_fmt_size(uint64_t bytes, char *buf, size_t size)
{
	static const char units[] = "BKMGT";
	double v = (double)bytes;
	int u = 0;

	if (bytes == CG_MAX) {
		snprintf(buf, size, "max");
		return buf;
	}
	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, size, "%lluB", (unsigned long long)bytes);
	else
		snprintf(buf, size, "%.1f%c", v, units[u]);
	return buf;
}
