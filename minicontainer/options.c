/*
 * options.c - checking minicontainer run's options before anything is
 * created: a bad value is one line and exit 125, with nothing to undo.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/openat2.h>

#include "cli.h"
#include "options.h"

static const struct {
	const char *name;
	int resource;
} rlimit_names[] = {
	{ "as", RLIMIT_AS }, { "core", RLIMIT_CORE }, { "cpu", RLIMIT_CPU },
	{ "data", RLIMIT_DATA }, { "fsize", RLIMIT_FSIZE },
	{ "locks", RLIMIT_LOCKS }, { "memlock", RLIMIT_MEMLOCK },
	{ "msgqueue", RLIMIT_MSGQUEUE }, { "nice", RLIMIT_NICE },
	{ "nofile", RLIMIT_NOFILE }, { "nproc", RLIMIT_NPROC },
	{ "rss", RLIMIT_RSS }, { "rtprio", RLIMIT_RTPRIO },
	{ "rttime", RLIMIT_RTTIME }, { "sigpending", RLIMIT_SIGPENDING },
	{ "stack", RLIMIT_STACK },
};

/* A limit value: a number, "unlimited" or -1.  0 or -1. */
static int limit_value(const char *s, rlim_t *v)
{
	unsigned long long n;
	char *end;

	if (!strcmp(s, "unlimited") || !strcmp(s, "-1")) {
		*v = RLIM_INFINITY;
		return 0;
	}
	if (!*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	n = strtoull(s, &end, 10);
	if (*end || errno)
		return -1;
	*v = (rlim_t)n;
	return 0;
}

int mc_parse_ulimit(const char *s, int *resource, struct rlimit *lim,
		    char *why, size_t size)
{
	char buf[128], *eq, *colon;
	size_t i;

	snprintf(buf, sizeof(buf), "%s", s);
	eq = strchr(buf, '=');
	if (!eq || strlen(s) >= sizeof(buf)) {
		snprintf(why, size, "invalid ulimit '%s': NAME=SOFT[:HARD]",
			 s);
		return -1;
	}
	*eq++ = '\0';
	for (i = 0; i < sizeof(rlimit_names) / sizeof(rlimit_names[0]); i++)
		if (!strcmp(buf, rlimit_names[i].name))
			break;
	if (i == sizeof(rlimit_names) / sizeof(rlimit_names[0])) {
		snprintf(why, size, "unknown ulimit '%s' (nofile, nproc, "
			 "core, stack, ...)", buf);
		return -1;
	}
	*resource = rlimit_names[i].resource;
	colon = strchr(eq, ':');
	if (colon)
		*colon++ = '\0';
	if (limit_value(eq, &lim->rlim_cur) < 0 ||
	    limit_value(colon ? colon : eq, &lim->rlim_max) < 0) {
		snprintf(why, size, "invalid ulimit '%s': values are numbers "
			 "or unlimited", s);
		return -1;
	}
	if (lim->rlim_cur > lim->rlim_max) {
		snprintf(why, size, "invalid ulimit '%s': the soft limit is "
			 "above the hard one", s);
		return -1;
	}
	return 0;
}

int mc_check_hostname(const char *s, char *why, size_t size)
{
	size_t len = strlen(s);

	if (!len || len > 64 || strspn(s, "abcdefghijklmnopqrstuvwxyz"
				       "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				       "0123456789-.") != len ||
	    s[0] == '-' || s[0] == '.') {
		snprintf(why, size, "invalid hostname '%s': 1 to 64 letters, "
			 "digits, '-' and '.'", s);
		return -1;
	}
	return 0;
}

const char *mc_new_id(char *buf, size_t size)
{
	unsigned char r[6] = { 0 };
	size_t i;

	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
		memset(r, 0, sizeof(r));
	buf[0] = '\0';
	for (i = 0; i < sizeof(r) && 2 * i + 2 < size; i++)
		snprintf(buf + 2 * i, size - 2 * i, "%02x", r[i]);
	return buf;
}

int mc_check_workdir(const char *root, const char *dir, char *why,
		     size_t size)
{
	struct stat st;
	int dfd, fd;

	if (dir[0] != '/') {
		snprintf(why, size, "workdir %s is not an absolute path", dir);
		return -1;
	}
	dfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		snprintf(why, size, "%s: %s", root, strerror(errno));
		return -1;
	}
	fd = cli_openat2(dfd, dir, O_PATH | O_CLOEXEC, RESOLVE_IN_ROOT);
	close(dfd);
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISDIR(st.st_mode)) {
		snprintf(why, size, "workdir %s: %s in the container's root",
			 dir, fd < 0 ? strerror(errno) : "Not a directory");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}
