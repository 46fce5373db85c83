/*
 * ns.h - namespace steps: unshare(2) by type, mount propagation, a fresh
 * /proc, the hostname.  Every step narrates and reports its failure once.
 */
#ifndef CTK_NS_H
#define CTK_NS_H

#include <stddef.h>
#include <sys/types.h>

/* Mount propagation applied recursively to "/" (mount_namespaces(7)). */
enum ns_propagation { NS_PROP_PRIVATE, NS_PROP_SLAVE, NS_PROP_SHARED,
		      NS_PROP_UNCHANGED };

/* "private" | "slave" | "shared" | "unchanged"; -1 if unknown. */
int ns_parse_propagation(const char *s);

/* "CLONE_NEWNS | CLONE_NEWUTS" for flags, in the table's order. */
const char *ns_flags_str(int flags, char *buf, size_t size);

/* unshare(flags), narrated with the namespaces' names.  On EPERM for a
 * user namespace the restriction in force is named. */
int ns_unshare(int flags);

/* clone3(2) with CLONE_NEW* flags: the child starts in the new
 * namespaces, PID 1 of a new PID namespace; with cgroup_fd >= 0 it also
 * starts in that cgroup (CLONE_INTO_CGROUP).  As fork(): the child's PID
 * in the parent, 0 in the child, -1 (reported). */
pid_t ns_clone(int flags, int cgroup_fd);

/* mount(NULL, "/", NULL, MS_REC | MS_<mode>, NULL); nothing if unchanged. */
int ns_set_propagation(enum ns_propagation mode);

/* Mount a fresh procfs on dir: it shows the mounter's PID namespace. */
int ns_mount_proc(const char *dir);

/* sethostname(2) in the current UTS namespace. */
int ns_set_hostname(const char *name);

/* Why unprivileged user namespaces are refused here, or NULL if no
 * restriction is found (sysctl, AppArmor). */
const char *ns_userns_restriction(char *buf, size_t size);

#endif
