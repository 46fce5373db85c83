/*
 * idmap.h - user namespace ID maps: parse "inner:outer:count", check them
 * as the kernel will, and write setgroups, uid_map and gid_map.
 * See user_namespaces(7), "User and group ID mappings".
 */
#ifndef CTK_IDMAP_H
#define CTK_IDMAP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The kernel accepts up to 340 lines per map (since Linux 4.15). */
#define NS_MAX_MAP_LINES 340

struct ns_idrange {
	uint32_t inner;		/* first ID inside the namespace */
	uint32_t outer;		/* first ID in the parent namespace */
	uint32_t count;
};

struct ns_idmap {
	struct ns_idrange r[NS_MAX_MAP_LINES];
	int n;
};

enum ns_setgroups { NS_SETGROUPS_DEFAULT, NS_SETGROUPS_ALLOW,
		    NS_SETGROUPS_DENY };

/* Parse "inner:outer:count".  0, or -1 with errno EINVAL (malformed) or
 * ERANGE (past 4294967294, the last valid ID). */
int ns_idrange_parse(const char *s, struct ns_idrange *r);

/* Add r to map unless its inner or outer range overlaps one already
 * there (the kernel refuses those).  0, or -1 with errno EEXIST, E2BIG. */
int ns_idmap_add(struct ns_idmap *map, const struct ns_idrange *r);

/* The map as the kernel reads it: "inner outer count\n" per line. */
int ns_idmap_format(const struct ns_idmap *map, char *buf, size_t size);

/*
 * Write setgroups (if not default), then gid_map and uid_map of process
 * pid, relative to an open /proc/PID directory fd.  Reported and
 * narrated; 0 or -1 with errno.
 */
int ns_idmap_write(int procfd, pid_t pid, const struct ns_idmap *uids,
		   const struct ns_idmap *gids, enum ns_setgroups sg);

/*
 * The maps must be written from outside the new user namespace (only a
 * process in the parent namespace can hold CAP_SETUID there), so a helper
 * is forked first, waits for the caller to unshare, writes the caller's
 * maps and exits (util-linux unshare does the same).
 */
struct ns_map_helper {
	pid_t pid;
	int fd;			/* write end: one byte means "unshared" */
};

int ns_map_helper_start(struct ns_map_helper *h, const struct ns_idmap *uids,
			const struct ns_idmap *gids, enum ns_setgroups sg);
/* Tell the helper the caller has unshared; wait for its status. */
int ns_map_helper_finish(struct ns_map_helper *h);
/* Abort: the caller failed to unshare. */
void ns_map_helper_cancel(struct ns_map_helper *h);

#endif
