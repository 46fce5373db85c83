/*
 * user.c - user and group names looked up in the container's passwd(5)
 * and group(5) files, opened inside its root (openat2 RESOLVE_IN_ROOT:
 * a symlinked /etc/passwd in an image cannot point at the host's).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/openat2.h>

#include "cli.h"
#include "user.h"

/* root/name as a stdio stream, resolved inside root; NULL if absent. */
static FILE *open_in(const char *root, const char *name)
{
	int dfd, fd;
	FILE *f;

	dfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return NULL;
	fd = cli_openat2(dfd, name, O_RDONLY | O_CLOEXEC, RESOLVE_IN_ROOT);
	close(dfd);
	if (fd < 0)
		return NULL;
	f = fdopen(fd, "r");
	if (!f)
		close(fd);
	return f;
}

/* A decimal id, or -1. */
static long number(const char *s)
{
	char *end;
	long v;

	if (!*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (*end || errno || v < 0 || v > 0x7fffffffL)
		return -1;
	return v;
}

/* Split a colon-separated line into at most max fields (in place). */
static int fields(char *line, char **f, int max)
{
	int n = 0;

	line[strcspn(line, "\n")] = '\0';
	while (n < max) {
		f[n++] = line;
		line = strchr(line, ':');
		if (!line)
			break;
		*line++ = '\0';
	}
	return n;
}

/* Look up a passwd entry by name or uid; 1 found, 0 not. */
static int passwd_find(const char *root, const char *name, long uid,
		       struct mc_user *u, char *uname, size_t usize)
{
	char line[1024], *f[7];
	int found = 0;
	FILE *fp = open_in(root, "/etc/passwd");

	if (!fp)
		return 0;
	while (!found && fgets(line, sizeof(line), fp))
		if (fields(line, f, 7) == 7 && number(f[2]) >= 0 &&
		    (name ? !strcmp(f[0], name) : number(f[2]) == uid)) {
			u->uid = (uid_t)number(f[2]);
			u->gid = (gid_t)(number(f[3]) < 0 ? 0 : number(f[3]));
			snprintf(u->home, sizeof(u->home), "%s", f[5]);
			snprintf(uname, usize, "%s", f[0]);
			found = 1;
		}
	fclose(fp);
	return found;
}

/* A group by name or number: its gid, or -1. */
static long group_gid(const char *root, const char *spec)
{
	char line[4096], *f[4];
	long gid = number(spec);
	FILE *fp;

	if (gid >= 0)
		return gid;
	fp = open_in(root, "/etc/group");
	if (!fp)
		return -1;
	while (gid < 0 && fgets(line, sizeof(line), fp))
		if (fields(line, f, 4) >= 3 && !strcmp(f[0], spec))
			gid = number(f[2]);
	fclose(fp);
	return gid;
}

static void add_group(struct mc_user *u, gid_t g)
{
	int i;

	for (i = 0; i < u->ngroups; i++)
		if (u->groups[i] == g)
			return;
	if (u->ngroups < USER_MAX_GROUPS)
		u->groups[u->ngroups++] = g;
}

/* The groups whose member list names user. */
static void member_groups(const char *root, const char *user,
			  struct mc_user *u)
{
	char line[4096], *f[4], *m, *save;
	FILE *fp = open_in(root, "/etc/group");

	if (!fp || !*user) {
		if (fp)
			fclose(fp);
		return;
	}
	while (fgets(line, sizeof(line), fp)) {
		if (fields(line, f, 4) < 4 || number(f[2]) < 0)
			continue;
		for (m = strtok_r(f[3], ",", &save); m;
		     m = strtok_r(NULL, ",", &save))
			if (!strcmp(m, user))
				add_group(u, (gid_t)number(f[2]));
	}
	fclose(fp);
}

int user_resolve(const char *root, const char *spec, char *const *add,
		 int nadd, struct mc_user *u, char *why, size_t size)
{
	char buf[256], uname[64] = "", *group;
	long uid, gid;
	int i;

	memset(u, 0, sizeof(*u));
	snprintf(buf, sizeof(buf), "%s", spec ? spec : "0");
	group = strchr(buf, ':');
	if (group)
		*group++ = '\0';
	uid = number(buf);
	if (uid >= 0) {
		if (!passwd_find(root, NULL, uid, u, uname, sizeof(uname))) {
			u->uid = (uid_t)uid;
			snprintf(u->home, sizeof(u->home), "%s",
				 uid ? "/" : "/root");
		}
	} else if (!*buf || !passwd_find(root, buf, -1, u, uname,
					 sizeof(uname))) {
		snprintf(why, size, "unknown user '%s' (not in the "
			 "container's /etc/passwd)", buf);
		return -1;
	}
	if (group) {
		gid = group_gid(root, group);
		if (gid < 0) {
			snprintf(why, size, "unknown group '%s' (not in the "
				 "container's /etc/group)", group);
			return -1;
		}
		u->gid = (gid_t)gid;
	}
	member_groups(root, uname, u);
	for (i = 0; i < nadd; i++) {
		gid = group_gid(root, add[i]);
		if (gid < 0) {
			snprintf(why, size, "unknown group '%s' (not in the "
				 "container's /etc/group)", add[i]);
			return -1;
		}
		add_group(u, (gid_t)gid);
	}
	return 0;
}
