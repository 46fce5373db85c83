/*
 * idmap.c - user namespace ID maps.
 *
 * Demonstrates: /proc/PID/uid_map, gid_map and setgroups, and why a
 * helper process in the parent namespace writes them.
 * See user_namespaces(7).
 *
 * A new user namespace starts with no mapping: every ID inside is
 * unmapped, shown as the overflow ID (65534), and the process has all
 * capabilities inside but nothing to use them on.  The maps say which
 * outer IDs the inner IDs stand for.  Each map can be written once.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fileio.h"
#include "idmap.h"
#include "report.h"

#define MAP_EPERM_HINT \
	"without CAP_SETUID/CAP_SETGID in the parent namespace only your own " \
	"ID can be mapped, as one line (ranges need newuidmap(1) and " \
	"/etc/subuid), and gid_map needs setgroups denied first"

/* The last valid ID: (uid_t)-1 means "no ID" to the kernel. */
#define ID_MAX 4294967294ULL

static int parse_u32(const char *s, char **end, uint64_t *v)
{
	if (*s < '0' || *s > '9') {
		errno = EINVAL;
		return -1;
	}
	errno = 0;
	*v = strtoull(s, end, 10);
	return errno ? -1 : 0;
}

int ns_idrange_parse(const char *s, struct ns_idrange *r)
{
	uint64_t inner, outer, count;
	char *end;

	if (parse_u32(s, &end, &inner) < 0 || *end != ':' ||
	    parse_u32(end + 1, &end, &outer) < 0 || *end != ':' ||
	    parse_u32(end + 1, &end, &count) < 0 || *end) {
		if (errno != ERANGE)
			errno = EINVAL;
		return -1;
	}
	if (count == 0) {
		errno = EINVAL;
		return -1;
	}
	if (inner > ID_MAX || outer > ID_MAX || count > ID_MAX + 1 ||
	    inner + count - 1 > ID_MAX || outer + count - 1 > ID_MAX) {
		errno = ERANGE;
		return -1;
	}
	r->inner = (uint32_t)inner;
	r->outer = (uint32_t)outer;
	r->count = (uint32_t)count;
	return 0;
}

static int overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

int ns_idmap_add(struct ns_idmap *map, const struct ns_idrange *r)
{
	int i;

	if (map->n >= NS_MAX_MAP_LINES) {
		errno = E2BIG;
		return -1;
	}
	for (i = 0; i < map->n; i++) {
		const struct ns_idrange *o = &map->r[i];

		if (overlaps(r->inner, r->count, o->inner, o->count) ||
		    overlaps(r->outer, r->count, o->outer, o->count)) {
			errno = EEXIST;
			return -1;
		}
	}
	map->r[map->n++] = *r;
	return 0;
}

int ns_idmap_format(const struct ns_idmap *map, char *buf, size_t size)
{
	size_t used = 0;
	int i, n;

	if (size)
		buf[0] = '\0';
	for (i = 0; i < map->n; i++) {
		n = snprintf(buf + used, size - used, "%" PRIu32 " %" PRIu32
			     " %" PRIu32 "\n", map->r[i].inner,
			     map->r[i].outer, map->r[i].count);
		if (n < 0 || (size_t)n >= size - used) {
			errno = ENOSPC;
			return -1;
		}
		used += (size_t)n;
	}
	return 0;
}

/* One map file, written in a single write(2) as the kernel requires. */
static int write_map(int procfd, pid_t pid, const char *file,
		     const struct ns_idmap *map)
{
	char buf[NS_MAX_MAP_LINES * 36];
	char shown[64];
	size_t len;

	if (map->n == 0)
		return 0;
	if (ns_idmap_format(map, buf, sizeof(buf)) < 0)
		return rep_fail("format %s", file);
	/* Narrate the first line; "+N" when there are more. */
	len = strcspn(buf, "\n");
	snprintf(shown, sizeof(shown), "%.*s%s", (int)len, buf,
		 map->n > 1 ? " ..." : "");
	if (file_write_at(procfd, file, buf) < 0)
		return rep_fail_hint(errno == EPERM ? MAP_EPERM_HINT : NULL,
				     "write(\"/proc/%d/%s\", \"%s\")",
				     (int)pid, file, shown);
	rep_step(0, "IDs inside now stand for IDs outside",
		 "write(\"/proc/%d/%s\", \"%s\")", (int)pid, file, shown);
	return 0;
}

int ns_idmap_write(int procfd, pid_t pid, const struct ns_idmap *uids,
		   const struct ns_idmap *gids, enum ns_setgroups sg)
{
	const char *v = sg == NS_SETGROUPS_DENY ? "deny" : "allow";

	/*
	 * Without CAP_SETGID in the parent namespace, gid_map can only be
	 * written after setgroups(2) is denied in the namespace for good:
	 * otherwise a user could drop a group that restricts them
	 * (user_namespaces(7), "The /proc/[pid]/setgroups file").
	 */
	if (sg != NS_SETGROUPS_DEFAULT) {
		if (file_write_at(procfd, "setgroups", v) < 0)
			return rep_fail("write(\"/proc/%d/setgroups\", \"%s\")",
					(int)pid, v);
		rep_step(0, sg == NS_SETGROUPS_DENY ?
			 "setgroups(2) is refused inside for good" :
			 "setgroups(2) stays allowed inside",
			 "write(\"/proc/%d/setgroups\", \"%s\")", (int)pid, v);
	}
	if (write_map(procfd, pid, "gid_map", gids) < 0)
		return -1;
	return write_map(procfd, pid, "uid_map", uids);
}

int ns_map_helper_start(struct ns_map_helper *h, const struct ns_idmap *uids,
			const struct ns_idmap *gids, enum ns_setgroups sg)
{
	int fds[2], procfd;
	pid_t parent = getpid();
	char path[32], c;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return rep_fail("pipe2()");
	h->pid = fork();
	if (h->pid < 0) {
		rep_fail("fork()");
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (h->pid > 0) {
		close(fds[0]);
		h->fd = fds[1];
		return 0;
	}

	/* The helper: stays in the parent user namespace. */
	close(fds[1]);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (read(fds[0], &c, 1) != 1)
		_exit(2);	/* the caller gave up */
	snprintf(path, sizeof(path), "/proc/%d", (int)parent);
	procfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (procfd < 0) {
		rep_fail("open(\"%s\")", path);
		_exit(1);
	}
	_exit(ns_idmap_write(procfd, parent, uids, gids, sg) < 0 ? 1 : 0);
}

int ns_map_helper_finish(struct ns_map_helper *h)
{
	int status;

	if (write(h->fd, "u", 1) != 1) {
		rep_fail("write(helper pipe)");
		ns_map_helper_cancel(h);
		return -1;
	}
	close(h->fd);
	while (waitpid(h->pid, &status, 0) < 0)
		if (errno != EINTR)
			return rep_fail("waitpid(%d)", (int)h->pid);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		errno = EPERM;
		return -1;	/* the helper reported why */
	}
	return 0;
}

void ns_map_helper_cancel(struct ns_map_helper *h)
{
	close(h->fd);
	kill(h->pid, SIGKILL);
	waitpid(h->pid, NULL, 0);
}
