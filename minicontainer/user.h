/*
 * user.h - who the container's process runs as: --user and --group-add
 * resolved against the container's own /etc/passwd and /etc/group (never
 * the host's: the same name can mean another number there).
 */
#ifndef CTK_USER_H
#define CTK_USER_H

#include <stddef.h>
#include <sys/types.h>

#define USER_MAX_GROUPS	64

struct mc_user {
	uid_t uid;
	gid_t gid;
	int ngroups;			/* supplementary groups */
	gid_t groups[USER_MAX_GROUPS];
	char home[256];			/* for HOME */
};

/*
 * spec: NULL (root), "UID", "NAME", or either with ":GID" or ":GROUP".
 * A numeric UID need not exist in passwd (GID 0, HOME /).  Supplementary
 * groups: those listing the user in /etc/group, then each of add.  root
 * is the rootfs directory.  0, or -1 with a message in why.
 */
int user_resolve(const char *root, const char *spec, char *const *add,
		 int nadd, struct mc_user *u, char *why, size_t size);

#endif
